// SPDX-License-Identifier: MIT
// The "cluster" handler of tools/run-cluster-demo.sh: lets a client join a room,
// broadcast, or message a room, so that a demo can show messages crossing nodes.
// Any authenticated client may broadcast with it: it is built, never installed.
//
//   {"join": "lobby"}                    -> the client joins "lobby"; answers its rooms
//   {"broadcast": "text"}                -> "chat" {"text": ...} to every client of the cluster
//   {"room": "lobby", "say": "text"}     -> "chat" {"room": ..., "text": ...} to the room's members

#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketHandler>
#include <Stonyx/Sockets/SocketServer>

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>

class ClusterHandler : public QObject, public Stonyx::Sockets::SocketHandler
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID StonyxSocketHandler_iid FILE "cluster.json")
    Q_INTERFACES(Stonyx::Sockets::SocketHandler)

public:
    QJsonValue handleRequest(const QJsonValue &data, Stonyx::Sockets::SocketConnection *connection) override
    {
        Stonyx::Sockets::SocketServer *server = connection->server();
        if (!server)
            return {};
        const QJsonObject request = data.toObject();
        const QString from = server->nodeId().left(8);
        if (request.contains(u"join")) {
            connection->join(request.value(u"join").toString());
            return QJsonObject{{QStringLiteral("rooms"), QJsonArray::fromStringList(connection->rooms())},
                               {QStringLiteral("node"), from}};
        }
        if (request.contains(u"broadcast")) {
            const int count = server->broadcast(QStringLiteral("chat"),
                                                QJsonObject{{QStringLiteral("text"), request.value(u"broadcast")},
                                                            {QStringLiteral("fromNode"), from}});
            return QJsonObject{{QStringLiteral("sentTo"), count}};
        }
        if (request.contains(u"room")) {
            const QString room = request.value(u"room").toString();
            const int count = server->sendToRoom(room, QStringLiteral("chat"),
                                                 QJsonObject{{QStringLiteral("room"), room},
                                                             {QStringLiteral("text"), request.value(u"say")},
                                                             {QStringLiteral("fromNode"), from}},
                                                 {connection->id()});
            return QJsonObject{{QStringLiteral("sentTo"), count}};
        }
        return QStringLiteral("unknown action");
    }
};

#include "clusterhandler.moc"
