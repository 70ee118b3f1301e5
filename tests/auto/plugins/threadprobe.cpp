// SPDX-License-Identifier: MIT
// Test plugin: where it runs with the default affinity (the connection's worker thread).
#include "threadprobe.h"

#include <Stonyx/Sockets/SocketHandler>
#include <QObject>

class ThreadProbe : public QObject, public Stonyx::Sockets::SocketHandler
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID StonyxSocketHandler_iid FILE "threadprobe.json")
    Q_INTERFACES(Stonyx::Sockets::SocketHandler)
public:
    QJsonValue handleRequest(const QJsonValue &data, Stonyx::Sockets::SocketConnection *) override
    {
        return threadProbeAnswer(data);
    }
};
#include "threadprobe.moc"
