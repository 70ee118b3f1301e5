// SPDX-License-Identifier: MIT
// The "benchBroadcast" handler (file libbench-broadcast.so) for stonyx-bench's
// fan-out cases: {"request":"benchBroadcast","data":X} makes the server send
// {"request":"benchBroadcast","response":X} to every authenticated client, the
// sender included. Nothing else is answered.
//
// A foreign server (the Node.js library, another implementation) needs the same
// handler to run the fan-out cases; in @stonyx/sockets that is a handler file
// bench-broadcast.js whose server function calls broadcast('benchBroadcast', data)
// and returns nothing.
//
// Thread affinity: called by the server on the thread that runs the connection.

#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketHandler>
#include <Stonyx/Sockets/SocketServer>

#include <QObject>

class BenchBroadcastHandler : public QObject, public Stonyx::Sockets::SocketHandler
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID StonyxSocketHandler_iid FILE "bench-broadcast.json")
    Q_INTERFACES(Stonyx::Sockets::SocketHandler)

public:
    QJsonValue handleRequest(const QJsonValue &data, Stonyx::Sockets::SocketConnection *connection) override
    {
        connection->server()->broadcast(QStringLiteral("benchBroadcast"), data);
        return {}; // null: no reply of its own, the sender gets the broadcast like everyone
    }
};

#include "benchbroadcasthandler.moc"
