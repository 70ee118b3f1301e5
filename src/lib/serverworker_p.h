// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library: one worker of a SocketServer. Not installed.
//
// The gate (ConnectionGate) accepts on the server's thread and hands each admitted
// descriptor to a worker. The worker makes the socket (TCP or TLS) and its
// ServerWebSocket, which does the WebSocket handshake, and owns the connections it
// upgraded: their sockets, deadlines (one coarse timer per worker),
// rate limits, decoding, handler calls and sealing all happen on the worker's thread.
//
// With workerThreads 1 the only worker lives on the server's thread and everything is
// direct, as in a single-threaded server. With more, each worker lives on a QThread of
// its own; then:
//  - the server's signals are posted to the server's thread (SocketServerPrivate::report()),
//    in the order the worker produced them;
//  - handlers with Affinity::Server (registered in code, QML, or plugins whose metadata
//    asks for it) are called on the server's thread. The connection stops reading
//    until the result is back, so that its requests are still answered in order;
//  - a connection stays alive (SocketConnection::Private::refs) while a call on the
//    server's thread or a PendingReply refers to it.
//
// Thread affinity: lives on its own thread (or the server's); every method runs there,
// except the constructor and the few marked thread-safe.

#include "connectiongate_p.h"
#include "framewriter_p.h"
#include "handlerregistry_p.h"
#include "serverwebsocket_p.h"
#include "socketconfig.h"
#include "socketserver.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QHostAddress>
#include <QJsonValue>
#include <QObject>
#include <QSslConfiguration>
#include <QTimer>

#include <atomic>
#include <functional>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

namespace Stonyx::Sockets {

class InboundFrame;
class SocketConnection;
struct SocketServerPrivate;

class ServerWorker : public QObject
{
    Q_OBJECT

public:
    // Made on the server's thread; start() runs on the worker's own.
    ServerWorker(SocketServerPrivate *server, int index, const SocketConfig &config, const QSslConfiguration &tls,
                 ConnectionGate *gate);
    ~ServerWorker() override;

    // Makes the objects that belong to the worker's thread (timer, socket holder).
    void start();
    // The gate admitted a connection: make its socket, start the TLS and WebSocket handshakes.
    void onAccepted(qintptr descriptor, const QString &address);
    // Registers a connection for an open (or, in fuzz tests, unopened) socket.
    SocketConnection *createConnection(ServerWebSocket *socket);
    void onFrame(SocketConnection *connection, const InboundFrame &frame);
    void onDisconnected(SocketConnection *connection);
    // Applies a handler result, sync or deferred; see PROTOCOL.md "Dispatch on the server".
    // \a id is the request's "id" (Delivery::requestId()), echoed in the response; undefined: none.
    bool finishRequest(SocketConnection *connection, const QString &request, const QJsonValue &result,
                       const QJsonValue &id);
    // Which key seals a message: the session key once authenticated, except auth responses.
    enum class Seal { SessionKey, GlobalKey };
    bool sendMessage(SocketConnection *connection, const QByteArray &json, Seal seal = Seal::SessionKey);
    // One data frame onto the connection's socket (FrameWriter), then the send-buffer check.
    bool sendFrame(SocketConnection *connection, FrameWriter::Opcode opcode, const QByteArray &payload);
    // Sends json to every authenticated client of this worker that matches; returns how many.
    // \a seq: SocketServerPrivate::pushSeq of the push; a connection resumed at or after it got it from its buffer.
    int sendToMatching(const QByteArray &json, const std::function<bool(SocketConnection *)> &matches, quint64 seq = 0);
    // A new configuration while listening (SocketServer::setConfig()).
    void setConfig(const SocketConfig &config);
    // The server closes: every connection is closed (1012, service restart) and reported gone, pending
    // handshakes dropped. Connections finish their close handshake on their own and
    // are deleted after; lingering() tells when none is left.
    void shutdown();
    // Called after shutdown() once every lingering connection is gone (on the worker's thread).
    void setLingerDone(std::function<void()> done) { m_lingerDone = std::move(done); }
    // Closes a connection for breaking a rule; reported with clientRejected(), not error().
    void reject(SocketConnection *connection, SocketServer::Error error, int closeCode, const QString &reason);

    // After shutdown(), the longest the worker waits for its connections to be destroyed.
    static constexpr int LingerLimitMs = 5000;

    // Thread-safe: how many connections (and handshakes) this worker holds, counting
    // from the moment the server hands one over (changeLoad(+1) before onAccepted());
    // the server gives a new connection to the least loaded worker.
    int load() const { return m_load.load(std::memory_order_relaxed); }
    void changeLoad(int delta) { m_load.fetch_add(delta, std::memory_order_relaxed); }
    int index() const { return m_index; }

    // The lifetime of a connection: the worker's own hold plus one per reference
    // (a call on another thread, a PendingReply). The last one deletes it (later, on
    // its thread). Thread-safe.
    static void retain(SocketConnection *connection);
    static void release(SocketConnection *connection);

private:
    void startWebSocketHandshake(ServerWebSocket *stream);
    void onPendingSocketGone(ServerWebSocket *stream);
    // The handshake of a pending connection succeeded: it becomes a SocketConnection.
    void onOpened(ServerWebSocket *stream);
    // Logs a refused or dropped connection, at most a few lines per interval (then a summary).
    void logDropped(const QString &message);
    void releaseAdmission(SocketConnection *connection);
    // The worker lets go of a connection reported gone (once); thread-safe like release().
    static void releaseOwnership(SocketConnection *connection);
    // Lets go of it now, or once its closing handshake ended (the TCP connection is gone).
    void releaseWhenClosed(SocketConnection *connection);
    void onIdleCheck(SocketConnection *connection);
    void onTick();
    void finishTick();
    void trimMemory();
    void wakeTick();
    int tickInterval() const;
    void startDrainTimer(SocketConnection *connection, int ms);
    void onDrainBacklog(SocketConnection *connection);
    // Dispatches a frame that passed the rate limit, or queues it behind a request away
    // on the server's thread.
    void deliver(SocketConnection *connection, const InboundFrame &frame);
    void rejectForRate(SocketConnection *connection);
    // True while the connection does not read: throttled, or a request away.
    static bool readingHeld(const SocketConnection *connection);
    // Dispatches what waited while the connection's request was away; reads on when done.
    void resumeReading(SocketConnection *connection);
    void dispatchFrame(SocketConnection *connection, const InboundFrame &frame);
    // Calls a handler with Affinity::Server on the server's thread; the answer comes back here.
    void callOnServerThread(SocketConnection *connection, HandlerRegistry::EntryRef entry, const QString &request,
                            const QJsonValue &payload, const QJsonValue &id);
    void onServerCallDone(SocketConnection *connection, const QString &request, const QJsonValue &result,
                          const QJsonValue &id, bool called);
    void watchInbound(SocketConnection *connection);
    // Cuts every tie between a connection and this worker (timers, slots), so that it
    // can finish its close handshake after the server is gone.
    void detach(SocketConnection *connection);
    bool checkSendBuffer(SocketConnection *connection);
    // Session resume: clientConnected() of a transport that waited for its auth answer.
    void reportConnected(SocketConnection *connection);
    // The truthy auth answer presents a held session's token: takes it over (id,
    // metadata), true if so, with the pushes it buffered and how many it dropped.
    bool takeOverHeld(SocketConnection *connection, const QString &token, QList<QByteArray> *buffer, qint64 *dropped);
    // The auth request presenting \a token was rejected: the held session ends.
    void discardHeld(const QString &token);
    // Like reject(), for a peer that cannot take a close frame (it does not read): abort.
    void drop(SocketConnection *connection, SocketServer::Error error, int closeCode, const QString &reason);

    SocketServerPrivate *const m_server;
    const int m_index;
    HandlerRegistry::Cache m_handlers;        // this thread's view of m_server->handlers
    QString m_recentRequest;                  // the last request name read: the next one like it shares it
    QByteArray m_encodeBuffer;                // answers are written here (Message::encodeResponse())
    SocketConfig m_config;
    QSslConfiguration m_tls;                  // null for plain ws://
    ConnectionGate *m_gate;                   // leave()/connectionClosed() are thread-safe; null after shutdown()
    QObject *m_sockets = nullptr;             // parent of the accepted connections until upgraded (outlives shutdown() until they are gone)
    // Connections accepted, their WebSocket handshake not done yet.
    struct Pending {
        QString address;                      // as counted by the gate
        qint64 handshakeDeadline = 0;         // on m_clock: no WebSocket handshake by then, dropped
    };
    QHash<ServerWebSocket *, Pending> m_pending;
    QHash<qint64, SocketConnection *> m_connections; // this worker's, by id
    QSet<SocketConnection *> m_live;          // every connection this worker made, not yet destroyed
    // One coarse timer for every deadline of every connection (handshake, auth, idle,
    // message): a tick a fraction of the shortest configured deadline, at most 250 ms.
    QElapsedTimer m_clock;
    QTimer *m_tick = nullptr;
    // So that a tick with nothing due costs O(1), not a scan of every connection: the
    // earliest auth or idle deadline of any connection (a lower bound), and how many
    // message deadlines run (ServerWebSocket::setArmedCounter()).
    qint64 m_nextDue = 0;
    ArmedDeadlines m_armedMessageDeadlines;
    // For malloc_trim(): the most connections open since memory was last given back.
    qsizetype m_peakClients = 0;
    std::atomic<int> m_load{0};
    bool m_shutDown = false;
    std::function<void()> m_lingerDone;
};

} // namespace Stonyx::Sockets
