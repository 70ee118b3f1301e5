// SPDX-License-Identifier: MIT
// Names itself "validateGame" in its metadata; the earlier file of that name wins.
#include <Stonyx/Sockets/SocketHandler>
#include <QObject>

class Duplicate : public QObject, public Stonyx::Sockets::SocketHandler
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID StonyxSocketHandler_iid FILE "duplicate.json")
    Q_INTERFACES(Stonyx::Sockets::SocketHandler)
public:
    QJsonValue handleRequest(const QJsonValue &, Stonyx::Sockets::SocketConnection *) override
    {
        return QStringLiteral("duplicate");
    }
};
#include "duplicate.moc"
