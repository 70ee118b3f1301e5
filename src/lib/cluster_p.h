// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library: the node's side of a cluster (issue 10). Not installed.
//
// ClusterHub keeps the rooms of this node's clients and a view of every other node
// (its clients, their metadata and rooms), and speaks to the other nodes through a
// Backplane: one channel, one message per publish. A message is a line of compact
// JSON (the envelope: sender node id, sequence number, type, fields) and a newline,
// followed by the body: for deliveries the client message, serialised once by the
// publisher and sealed per client by every node. A node ignores its own messages
// (the broker echoes them), so nothing loops and each client gets a message once.
//
// Presence: each node publishes its state (authenticated clients with metadata and
// rooms) when it (re)connects ("state" with ask, answered by every node's state),
// then deltas ("conn", "gone", "join", "leave") and a "beat" every heartBeatInterval;
// metadata changed after authentication goes out as a "conn" with the next beat.
// Every message carries the node's sequence number: a receiver that sees a gap
// (messages lost while a connection was down) asks that node for its state again
// ("sync"). A node not heard from for 3 × heartBeatInterval is dropped from the
// view, its clients with it. The node also stores its state in the broker under
// "<channel>:node:<id>" with the same expiry, for tools that look at the broker.
//
// Client ids: a node with a backplane numbers its clients (tag << 32) + n, with a
// random 21-bit tag, so ids stay below 2^53 (exact in QML and JavaScript). A node
// that sees another live node with its tag takes a new one for its next clients.
//
// Thread affinity: lives on the server's thread. The rooms and the view are guarded
// by a mutex: join(), leave(), rooms(), members(), knows() and the counts may be
// called from any thread (handlers on worker threads). Everything that touches the
// backplane runs on the server's thread; calls from other threads are posted there
// with SocketServerPrivate::report(), in call order.

#include "backplane.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <functional>

namespace Stonyx::Sockets {

struct SocketServerPrivate;
class SocketConnection;

class ClusterHub : public QObject
{
    Q_OBJECT

public:
    explicit ClusterHub(SocketServerPrivate *server);
    ~ClusterHub() override;

    // Server's thread. Before listen(): the backplane and the first client id.
    void setBackplane(Backplane *backplane);
    Backplane *backplane() const { return m_backplane; }
    QString nodeId() const { return m_nodeId; }
    // listen() and close(): joins and leaves the cluster.
    void start(int beatIntervalMs);
    void stop();
    Backplane::Status status() const;

    // Any thread. Rooms of local clients; for a remote client a request to its node.
    bool join(qint64 id, const QString &room);
    bool leave(qint64 id, const QString &room);
    QStringList rooms(qint64 id) const;
    QList<qint64> members(const QString &room) const;
    // The local members of room, except those in except.
    QSet<qint64> localMembers(const QString &room, const QList<qint64> &except) const;

    // Any thread: deliveries to the other nodes (the caller delivers locally).
    // Each returns how many remote clients match in the view.
    int publishBroadcast(const QByteArray &json);
    int publishByMeta(const QString &key, const QJsonValue &value, const QByteArray &json);
    bool publishTo(qint64 id, const QByteArray &json);
    int publishToRoom(const QString &room, const QList<qint64> &except, const QByteArray &json);

    // Presence, any thread: the cluster's authenticated clients (this node's too).
    int clusterClientCount() const;
    QList<qint64> clusterClients(const QJsonObject &filter) const;
    QStringList nodes() const;

    // Server's thread: this node's clients come and go.
    void onAuthenticated(qint64 id);
    void onDisconnected(qint64 id);

    // The broker's messages (server's thread); public for tests.
    void onMessage(const QByteArray &message);

private:
    // Whether id is a client of another node (as far as its state tells).
    bool isRemoteClient(qint64 id) const;
    struct RemoteClient {
        QJsonObject metadata;
        QSet<QString> rooms;
    };
    struct Node {
        qint64 tag = 0;
        qint64 lastSeq = 0;
        QElapsedTimer lastSeen;
        QHash<qint64, RemoteClient> clients;
    };

    bool active() const { return m_backplane && m_started; }
    void publish(QJsonObject header, const QByteArray &body = {});
    // From any thread: run on the server's thread.
    void post(std::function<void()> f);
    QJsonObject stateHeader(bool ask) const;
    void applyState(const QString &node, const QJsonObject &header);
    void onBeat();
    void refreshMetadata();
    void onStatusChanged(Backplane::Status status);
    void newTag();
    QString stateKey() const;
    void countChanged();
    static bool matches(const QJsonObject &metadata, const QJsonObject &filter);
    Node *nodeFor(const QString &id, bool *created);

    SocketServerPrivate *const m_server;
    QPointer<Backplane> m_backplane;
    QString m_nodeId;
    QString m_channel = QStringLiteral("stonyx:sockets");
    qint64 m_tag = 0;
    qint64 m_seq = 0;
    bool m_started = false;
    int m_beatMs = 30000;
    QTimer m_beat;
    bool m_stateDirty = true;
    int m_lastCount = -1;
    int m_badMessages = 0;

    mutable QMutex m_mutex; // guards everything below
    QHash<qint64, QSet<QString>> m_localRooms;         // client -> rooms (any local client)
    QHash<QString, QSet<qint64>> m_roomMembers;        // room -> local clients
    QHash<qint64, QJsonObject> m_localAuthenticated;   // authenticated local clients, metadata at authentication
    QHash<QString, Node> m_nodes;                      // the other nodes, by id
};

} // namespace Stonyx::Sockets
