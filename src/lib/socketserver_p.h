// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library: the state behind SocketServer and SocketConnection.

#include "connectiongate_p.h"
#include "framecipher.h"
#include "inboundmonitor_p.h"
#include "ratelimiter_p.h"
#include "sessioncodec_p.h"
#include "socketconnection.h"
#include "socketserver.h"

#include <QElapsedTimer>
#include <QHash>
#include <QLoggingCategory>
#include <QMap>
#include <QMutex>
#include <QThread>
#include <QPointer>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <atomic>
#include <functional>

namespace Stonyx::Sockets {

Q_DECLARE_LOGGING_CATEGORY(lcServer)

struct ServerHandler {
    SocketHandler *handler = nullptr;          // the object answering
    std::shared_ptr<SocketHandler> owned;      // set when the server owns it (callables)
    bool skipAuth = false;
    QString source;                            // plugin file, or empty when registered in code
};

struct SocketConnection::Private {
    SocketServer *server = nullptr;
    QWebSocket *socket = nullptr;              // child of the connection
    qint64 id = 0;
    QHostAddress peerAddress;
    quint16 peerPort = 0;
    // Atomic: read from other threads by SocketServer::broadcast() and friends.
    std::atomic<bool> authenticated{false};
    std::atomic<bool> closing{false};
    int closeCode = 0;                         // what we closed with, if we closed
    QString closeReason;
    QJsonObject metadata;                      // guarded by metadataMutex (read from any thread)
    mutable QMutex metadataMutex;
    SessionCodec codec;                        // frames <-> messages; plain unless encryption is on
    QString dispatching;                       // the request being handled, for deferReply()

    // Limits and liveness (see SocketConfig).
    QPointer<QTcpSocket> tcpSocket;            // the transport under the WebSocket, when known
    QString admittedAddress;                   // counted by the gate as unauthenticated from here...
    bool admitted = false;                     // ...until authenticated or gone
    InboundMonitor *inbound = nullptr;         // message deadline, close frames; child of the connection
    // Deadlines, on the server's clock (SocketServerPrivate::clock, ms), checked by the
    // server's one coarse timer (onTick): no timer object per connection.
    qint64 authDeadline = -1;                  // not authenticated by then: closed; -1: none
    qint64 nextIdleCheck = -1;                 // the next liveness check; -1: none
    QElapsedTimer lastActivity;                // since the peer last sent a message or pong
    QElapsedTimer rateClock;                   // started once; the limiter counts in ns
    RateLimiter rate{0, 1, 0};
    QList<QByteArray> backlog;                 // throttled: frames waiting for the rate, reading paused
    std::unique_ptr<QTimer> drainBacklog;      // dispatches the backlog as the rate allows; made when first throttled
    bool throttleLogged = false;
};

struct SocketServerPrivate {
    explicit SocketServerPrivate(SocketServer *q, const SocketConfig &config);

    SocketServer *const q;
    SocketConfig config;
    ConnectionGate *gate = nullptr;            // listens, applies the admission caps; null when not listening
    QObject *sockets = nullptr;                // parent of the accepted TCP sockets (outlives close() until they are gone)
    QSslConfiguration tls;                     // of the current listen(); null for plain ws://
    bool secure = false;
    QWebSocketServer *webSocketServer = nullptr; // does the handshakes (handleConnection), never listens
    QSslConfiguration sslConfiguration;        // from code; else from the config's files
    bool sslConfigurationSet = false;
    // TCP connections accepted, their WebSocket handshake not done yet, by peer address
    // and port: the upgraded QWebSocket is matched to its TCP socket in O(1).
    struct Pending {
        QTcpSocket *socket = nullptr;
        QString address;                       // as counted by the gate
        qint64 handshakeDeadline = 0;          // on clock: no WebSocket handshake by then, dropped
    };
    QHash<std::pair<QHostAddress, quint16>, Pending> pending;
    std::shared_ptr<const AesGcm::Key> globalKey; // shared by the codecs of all connections
    QString globalKeyFor;                      // the authKey globalKey was derived from
    QMap<QString, ServerHandler> handlers;
    QList<HandlerLoader::Problem> handlerProblems;
    bool handlerDirLoaded = false;
    // Written on the server's thread only, under clientsMutex; read there without it,
    // and from other threads (sendTo() and friends, clientCount()...) with it.
    QMap<qint64, SocketConnection *> clients;
    mutable QMutex clientsMutex;
    bool onServerThread() const { return QThread::currentThread() == q->thread(); }
    // One coarse timer for every deadline of every connection (handshake, auth, idle,
    // message): a tick a fraction of the shortest configured deadline, at most 250 ms.
    QElapsedTimer clock;
    QTimer *tick = nullptr;
    // So that a tick with nothing due costs O(1), not a scan of every connection: the
    // earliest auth or idle deadline of any connection (a lower bound), and how many
    // message deadlines run (InboundMonitor::setArmedCounter()).
    qint64 nextDue = 0;
    ArmedDeadlines armedMessageDeadlines;
    // Starts the coarse timer if it is stopped: it stops itself when nothing is to
    // be watched (no wake-ups, and no O(n) event loop pass, for a quiet server).
    void wakeTick();
    // For malloc_trim(): the most connections open since memory was last given back.
    qsizetype peakClients = 0;
    // Log lines about connections dropped without a handshake: a few per interval, then a sum.
    LogThrottle droppedLog{ConnectionGate::LogBurst, ConnectionGate::LogIntervalMs};
    qint64 nextId = 1;
    SocketServer::Error error = SocketServer::Error::NoError;
    QString errorString;

    static SocketServerPrivate *get(SocketServer *server) { return server->d.get(); }

    void setError(SocketServer::Error e, const QString &message);
    // The gate admitted a connection: make its socket, start the TLS and WebSocket handshakes.
    void onAccepted(qintptr descriptor, const QString &address);
    void startWebSocketHandshake(QTcpSocket *socket);
    void onPendingSocketGone(const std::pair<QHostAddress, quint16> &key, QObject *socket);
    void onNewConnection();
    // The connection no longer counts as unauthenticated (authenticated, or gone).
    void releaseAdmission(SocketConnection *connection);
    void onIdleCheck(SocketConnection *connection);
    void onTick();
    void finishTick(qint64 now); // the handshake log summary and memory trimming
    // After a burst: hands the heap's free memory back to the system (glibc), once the
    // connection count dropped well below its peak.
    void trimMemory();
    void startDrainTimer(SocketConnection *connection, int ms);
    // The coarse timer's period for the current configuration.
    int tickInterval() const;
    void onDrainBacklog(SocketConnection *connection);
    // Decrypts, parses and dispatches one frame (PROTOCOL.md "Dispatch on the server").
    void dispatchFrame(SocketConnection *connection, const QByteArray &frame);
    bool loadTlsConfiguration(QSslConfiguration *configuration);
    // Registers a connection for an open (or, in fuzz tests, unopened) socket.
    SocketConnection *createConnection(QWebSocket *socket);
    // Derives the global key for config.authKey() unless already done; false on failure
    // (with the error set). listen() calls it; fuzz tests call it instead of listening.
    bool ensureGlobalKey();
    void onFrame(SocketConnection *connection, const QByteArray &frame);
    void onDisconnected(SocketConnection *connection);
    // Applies a handler result, sync or deferred; see PROTOCOL.md "Dispatch on the server".
    bool finishRequest(SocketConnection *connection, const QString &request, const QJsonValue &result);
    // Which key seals a message: the session key once authenticated, except auth responses.
    enum class Seal { SessionKey, GlobalKey };
    bool sendMessage(SocketConnection *connection, const QByteArray &json, Seal seal = Seal::SessionKey);
    // Starts watching the bytes under an upgraded connection (see InboundMonitor).
    void watchInbound(SocketConnection *connection, QTcpSocket *tcp);
    // Cuts every tie between a connection and this server (timers, slots), so that it
    // can finish its close handshake after the server is gone.
    void detach(SocketConnection *connection);
    bool checkSendBuffer(SocketConnection *connection);
    // Sends json to every authenticated client that matches (server thread); returns how many.
    int sendToMatching(const QByteArray &json, const std::function<bool(SocketConnection *)> &matches);
    // The same from another thread: counts the matches now and posts the sending.
    int postToMatching(const QByteArray &json, std::function<bool(SocketConnection *)> matches);
    // Closes a connection for breaking a rule; reported with clientRejected(), not error().
    void reject(SocketConnection *connection, SocketServer::Error error, int closeCode, const QString &reason);
    // Like reject(), for a peer that cannot take a close frame (it does not read): abort.
    void drop(SocketConnection *connection, SocketServer::Error error, int closeCode, const QString &reason);
};

} // namespace Stonyx::Sockets
