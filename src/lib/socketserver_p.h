// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library: the state behind SocketServer and SocketConnection.

#include "cluster_p.h"
#include "connectiongate_p.h"
#include "framecipher.h"
#include "handlerregistry_p.h"
#include "serverwebsocket_p.h"
#include "ratelimiter_p.h"
#include "serverworker_p.h"
#include "sessioncodec_p.h"
#include "socketconnection.h"
#include "socketserver.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QHash>
#include <QLoggingCategory>
#include <QMap>
#include <QMetaMethod>
#include <QMutex>
#include <QThread>
#include <QPointer>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <array>
#include <atomic>
#include <functional>

namespace Stonyx::Sockets {

Q_DECLARE_LOGGING_CATEGORY(lcServer)

// A weak reference to a SocketConnection that any thread may check: the connection
// clears it (under the mutex) when it is destroyed. Who holds the mutex and sees the
// connection may post to it; the object cannot be deleted in between.
struct ConnectionLife {
    QMutex mutex;
    SocketConnection *connection = nullptr;
};

struct SocketConnection::Private {
    std::shared_ptr<ConnectionLife> life = std::make_shared<ConnectionLife>();
    SocketServer *server = nullptr;            // null once detached (the server closed)
    std::atomic<ServerWorker *> worker{nullptr}; // the worker that owns it; null once detached
    ServerWebSocket *socket = nullptr;         // child of the connection
    // Atomic: a session resume (ServerWorker::takeOverHeld()) gives the connection the
    // held client's id, on the worker's thread, while other threads may read it.
    std::atomic<qint64> id{0};
    QHostAddress peerAddress;
    quint16 peerPort = 0;
    // Atomic: read from other threads by SocketServer::broadcast() and friends.
    std::atomic<bool> authenticated{false};
    std::atomic<bool> closing{false};
    // The worker's own hold plus one per reference from elsewhere (ServerWorker::retain()).
    std::atomic<int> refs{1};
    bool ownerReleased = false;                // the worker let go of its hold (worker's thread)
    int closeCode = 0;                         // what we closed with, if we closed
    QString closeReason;
    QJsonObject metadata;                      // guarded by metadataMutex (read from any thread)
    mutable QMutex metadataMutex;
    SessionCodec codec;                        // frames <-> messages; plain unless encryption is on
    QString dispatching;                       // the request being handled, for deferReply()
    QJsonValue dispatchingId{QJsonValue::Undefined}; // its "id" (Delivery::IdField), echoed by a deferred reply
    // A request is being handled on the server's thread (a handler with
    // Affinity::Server): reading pauses and later frames wait in the backlog, so that
    // requests are still answered in order.
    bool awaitingServer = false;
    bool rejectAfterWaiting = false;           // over the rate (close policy) while requests wait: closed after them

    // Limits and liveness (see SocketConfig).
    QString admittedAddress;                   // counted by the gate as unauthenticated from here...
    bool admitted = false;                     // ...until authenticated or gone
    // Deadlines, on the worker's clock (ms), checked by the worker's one coarse timer:
    // no timer object per connection.
    qint64 authDeadline = -1;                  // not authenticated by then: closed; -1: none
    qint64 nextIdleCheck = -1;                 // the next liveness check; -1: none
    QElapsedTimer lastActivity;                // since the connection began or was last held (throttled); the socket knows when the peer last sent
    QElapsedTimer rateClock;                   // started once; the limiter counts in ns
    RateLimiter rate{0, 1, 0};
    QList<InboundFrame> backlog;                // throttled: frames waiting for the rate, reading paused
    QList<InboundFrame> waiting;                // rate paid, waiting behind a request away on the server's thread
    std::unique_ptr<QTimer> drainBacklog;      // dispatches the backlog as the rate allows; made when first throttled
    bool throttleLogged = false;

    // Session resume (docs/protocol-extensions.md); the worker's thread.
    bool resumeCapable = false;                // the auth request carried "resume": a token is issued
    QString resumeToken;                       // of the last truthy auth answer; empty: none
    QString resumeOffered;                     // the token the auth request being answered presents
    bool connectPending = false;               // clientConnected() waits for the auth answer (a resuming transport)
    bool holdOnClose = false;                  // closed by the server for silence: the session may still be held
    quint64 resumeSeq = 0;                     // resumed when SocketServerPrivate::pushSeq was this: older pushes were buffered
};

struct SocketServerPrivate {
    explicit SocketServerPrivate(SocketServer *q, const SocketConfig &config);

    SocketServer *const q;
    SocketConfig config;
    ConnectionGate *gate = nullptr;            // listens, applies the admission caps; null when not listening
    QSslConfiguration tls;                     // of the current listen(); null for plain ws://
    bool secure = false;
    QSslConfiguration sslConfiguration;        // from code; else from the config's files
    bool sslConfigurationSet = false;
    std::shared_ptr<const AesGcm::Key> globalKey; // shared by the codecs of all connections (read-only)
    QString globalKeyFor;                      // the authKey globalKey was derived from
    HandlerRegistry handlers{HandlerLoader::Side::Server, lcServer};
    bool handlerDirLoaded = false;

    // The workers serving connections (see ServerWorker): one on the server's thread
    // for workerThreads 1, else one per QThread.
    struct Worker {
        ServerWorker *worker = nullptr;
        QThread *thread = nullptr;             // null: the server's thread
    };
    QList<Worker> workers;
    // Workers of an earlier listen(), still letting their clients finish the close
    // handshake; their threads end on their own, the destructor waits for them.
    QList<QThread *> retiredThreads;
    // The worker for the fuzz tests' createConnection() without listen().
    ServerWorker *unlistenedWorker();
    ServerWorker *pickWorker() const;          // the least loaded
    void stopWorkers();                        // close(): shut down every worker, report the clients gone
    void reapRetiredThreads(bool wait);

    // Session resume. A session whose connection was lost is held (by the worker that
    // saw it go) for resumeWindow: its old connection (retained, for its id and
    // metadata; its rooms stay in the hub), its token and the pushes addressed to it.
    // Guarded by heldMutex, locked before clientsMutex when both are: a push looks for
    // its client among the connected and the held at once, and a resume moves the id
    // from the held to the connected at once. The expiry timer runs on the server's
    // thread.
    struct HeldSession {
        SocketConnection *connection = nullptr;  // retained (ServerWorker::retain()) until resumed or discarded
        QString token;
        QList<QByteArray> buffer;                // pushes, in order; at most resumeBuffer
        qint64 dropped = 0;                      // pushes dropped from the buffer (the oldest first)
        QDeadlineTimer expiry;
        int code = 0;                            // how the connection went, for clientDisconnected()
        QString reason;
    };
    mutable QMutex heldMutex;
    QHash<qint64, HeldSession> held;
    QHash<QString, qint64> heldTokens;
    quint64 pushSeq = 0;                       // numbers deliverLocal() calls (see SocketConnection::Private::resumeSeq)
    std::atomic<int> resumeBufferLimit{100};   // config.resumeBuffer(), for pushes from any thread
    std::atomic<qint64> resumeDropped{0};      // pushes dropped from held sessions' buffers, all sessions
    QTimer *heldTimer = nullptr;               // the next expiry; server's thread
    // A push for a held session (under heldMutex).
    void bufferPush(HeldSession &session, const QByteArray &json);
    // Server's thread: (re)arms heldTimer for the earliest expiry; ends the expired sessions.
    void armHeldTimer();
    void expireHeld(bool all);
    // Reports a held session gone (clientDisconnected() on the server's thread) and lets go of it.
    void discardHeld(HeldSession session);

    // Every client of every worker. Written by the workers under clientsMutex; read
    // from any thread with it.
    QMap<qint64, SocketConnection *> clients;
    mutable QMutex clientsMutex;
    std::atomic<qint64> nextId{1};
    // Log lines about connections dropped without a handshake, for all workers: a few
    // per interval, then a sum.
    struct DroppedLog {
        QMutex mutex;
        LogThrottle throttle{ConnectionGate::LogBurst, ConnectionGate::LogIntervalMs};
        QElapsedTimer clock;
        DroppedLog() { clock.start(); }
    };
    DroppedLog droppedLog;
    bool onServerThread() const { return QThread::currentThread() == q->thread(); }

    // Runs f on the server's thread: now if called there, else posted (in call order).
    // How workers emit the server's signals.
    template<typename F>
    void report(F &&f)
    {
        if (onServerThread())
            f();
        else
            QMetaObject::invokeMethod(q, std::forward<F>(f), Qt::QueuedConnection);
    }

    // Whether anything listens to messageReceived. With workers, each report is a
    // post to the server's thread and a wake-up of it: per message, that was the
    // largest cost of a worker (see the README's Performance section). Reads the
    // connection list's atomics, so it may be called from any thread; a slot
    // connected while messages are in flight sees those that arrive after it.
    bool reportsMessages() const
    {
        static const QMetaMethod signal = QMetaMethod::fromSignal(&SocketServer::messageReceived);
        return q->isSignalConnected(signal);
    }

    SocketServer::Error error = SocketServer::Error::NoError;
    QString errorString;

    static SocketServerPrivate *get(SocketServer *server) { return server->d.get(); }

    void setError(SocketServer::Error e, const QString &message);
    bool loadTlsConfiguration(QSslConfiguration *configuration);
    // Derives the global key for config.authKey() unless already done; false on failure
    // (with the error set). listen() calls it; fuzz tests call it instead of listening.
    bool ensureGlobalKey();
    // Sends json to every authenticated client of this node that matches, on each
    // worker's thread; returns how many match now.
    int deliverLocal(const QByteArray &json, std::function<bool(SocketConnection *)> matches);
    // Sends json to this node's client id; false if there is none.
    bool sendLocal(qint64 id, const QByteArray &json);
    // For statistics(): counted by the workers, rejections on the server's thread
    // (clientRejected()) under their mutex. Each worker counts in a shard of its own
    // (by its index), on a cache line of its own: one shared set of atomics, written
    // by every worker for every message, kept the cores passing that line around.
    // Shards are summed when read; they outlive the workers (and listen()/close()).
    struct Counters {
        struct alignas(64) Shard {
            std::atomic<qint64> messagesIn{0};
            std::atomic<qint64> bytesIn{0};
            std::atomic<qint64> messagesOut{0};
            std::atomic<qint64> bytesOut{0};
        };
        static constexpr int Shards = 8;
        std::array<Shard, Shards> shards;
        QMutex rejectionsMutex;
        QMap<QString, qint64> rejections;

        Shard &shard(int worker) { return shards[size_t(worker) % Shards]; }
        void countIn(int worker, qint64 bytes)
        {
            Shard &s = shard(worker);
            s.messagesIn.fetch_add(1, std::memory_order_relaxed);
            s.bytesIn.fetch_add(bytes, std::memory_order_relaxed);
        }
        void countOut(int worker, qint64 bytes)
        {
            Shard &s = shard(worker);
            s.messagesOut.fetch_add(1, std::memory_order_relaxed);
            s.bytesOut.fetch_add(bytes, std::memory_order_relaxed);
        }
        qint64 sum(std::atomic<qint64> Shard::*counter) const
        {
            qint64 total = 0;
            for (const Shard &s : shards)
                total += (s.*counter).load(std::memory_order_relaxed);
            return total;
        }
    };
    Counters counters;
    // Rooms, presence and the backplane (see cluster_p.h); on the server's thread. The
    // workers are stopped (in ~SocketServer()) before it goes.
    std::unique_ptr<ClusterHub> hub;

    // For tests: the fuzz harness drives a connection without sockets.
    SocketConnection *createConnection(ServerWebSocket *socket) { return unlistenedWorker()->createConnection(socket); }
    void onFrame(SocketConnection *connection, const InboundFrame &frame) { unlistenedWorker()->onFrame(connection, frame); }
    void onDisconnected(SocketConnection *connection) { unlistenedWorker()->onDisconnected(connection); }
};

} // namespace Stonyx::Sockets
