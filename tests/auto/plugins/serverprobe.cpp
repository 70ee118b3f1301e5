// SPDX-License-Identifier: MIT
// Test plugin: where it runs when its metadata asks for the server's thread ("thread": "server").
#include "threadprobe.h"

#include <Stonyx/Sockets/SocketHandler>
#include <QObject>

class ServerProbe : public QObject, public Stonyx::Sockets::SocketHandler
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID StonyxSocketHandler_iid FILE "serverprobe.json")
    Q_INTERFACES(Stonyx::Sockets::SocketHandler)
public:
    QJsonValue handleRequest(const QJsonValue &data, Stonyx::Sockets::SocketConnection *) override
    {
        return threadProbeAnswer(data);
    }
};
#include "serverprobe.moc"
