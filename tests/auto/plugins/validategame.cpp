// SPDX-License-Identifier: MIT
// Test plugin: file validate-game → handler validateGame. Answers {"valid": <score is a number>}.
#include <Stonyx/Sockets/SocketHandler>
#include <QJsonObject>
#include <QObject>

class ValidateGame : public QObject, public Stonyx::Sockets::SocketHandler
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID StonyxSocketHandler_iid FILE "validategame.json")
    Q_INTERFACES(Stonyx::Sockets::SocketHandler)
public:
    QJsonValue handleRequest(const QJsonValue &data, Stonyx::Sockets::SocketConnection *) override
    {
        return QJsonObject{{QStringLiteral("valid"), data[u"score"].isDouble()}};
    }
};
#include "validategame.moc"
