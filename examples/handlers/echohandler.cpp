// SPDX-License-Identifier: MIT
// The "echo" handler: answers with the request's own data.

#include <Stonyx/Sockets/SocketHandler>

#include <QObject>

//! [echo handler]
class EchoHandler : public QObject, public Stonyx::Sockets::SocketHandler
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID StonyxSocketHandler_iid FILE "echo.json")
    Q_INTERFACES(Stonyx::Sockets::SocketHandler)

public:
    QJsonValue handleRequest(const QJsonValue &data, Stonyx::Sockets::SocketConnection *) override
    {
        return data;
    }
};
//! [echo handler]

#include "echohandler.moc"
