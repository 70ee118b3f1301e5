// SPDX-License-Identifier: MIT
// Test plugin with skipAuth: answers "opened" even before authentication.
#include <Stonyx/Sockets/SocketHandler>
#include <QObject>

class OpenDoor : public QObject, public Stonyx::Sockets::SocketHandler
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID StonyxSocketHandler_iid FILE "opendoor.json")
    Q_INTERFACES(Stonyx::Sockets::SocketHandler)
public:
    QJsonValue handleRequest(const QJsonValue &, Stonyx::Sockets::SocketConnection *) override
    {
        return QStringLiteral("opened");
    }
};
#include "opendoor.moc"
