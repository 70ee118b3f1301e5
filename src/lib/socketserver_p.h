// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library: the state behind SocketServer and SocketConnection.

#include "framecipher.h"
#include "handlerregistry_p.h"
#include "inboundmonitor_p.h"
#include "ratelimiter_p.h"
#include "socketconnection.h"
#include "socketserver.h"

#include <QElapsedTimer>
#include <QHash>
#include <QLoggingCategory>
#include <QMap>
#include <QPointer>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

namespace Stonyx::Sockets {

Q_DECLARE_LOGGING_CATEGORY(lcServer)

struct SocketConnection::Private {
    SocketServer *server = nullptr;
    QWebSocket *socket = nullptr;              // child of the connection
    qint64 id = 0;
    QHostAddress peerAddress;
    quint16 peerPort = 0;
    bool authenticated = false;
    bool closing = false;
    int closeCode = 0;                         // what we closed with, if we closed
    QString closeReason;
    QJsonObject metadata;
    FrameCipher globalCipher;                  // auth phase
    FrameCipher sessionCipher;                 // after authentication
    QString dispatching;                       // the request being handled, for deferReply()

    // Limits and liveness (see SocketConfig).
    QPointer<QTcpSocket> tcpSocket;            // the transport under the WebSocket, when known
    InboundMonitor *inbound = nullptr;         // message deadline, close frames; child of the connection
    QTimer *authTimer = nullptr;               // child of the connection
    QTimer *idleTimer = nullptr;               // child of the connection
    QElapsedTimer lastActivity;                // since the peer last sent a message or pong
    QElapsedTimer rateClock;                   // started once; the limiter counts in ns
    RateLimiter rate{0, 1, 0};
    QList<QByteArray> backlog;                 // throttled: frames waiting for the rate, reading paused
    QTimer drainBacklog;                       // dispatches the backlog as the rate allows
    bool throttleLogged = false;
};

struct SocketServerPrivate {
    explicit SocketServerPrivate(SocketServer *q, const SocketConfig &config);

    SocketServer *const q;
    SocketConfig config;
    QTcpServer *tcpServer = nullptr;           // a QSslServer with TLS
    QWebSocketServer *webSocketServer = nullptr; // does the handshakes (handleConnection), never listens
    QSslConfiguration sslConfiguration;        // from code; else from the config's files
    bool sslConfigurationSet = false;
    // Connections open but not authenticated, from TCP accept on. The key is the TCP
    // socket until the WebSocket handshake completes, then the SocketConnection.
    struct Unauthenticated {
        QPointer<QObject> object;  // null once destroyed: the entry is stale
        QString address;
    };
    QHash<QObject *, Unauthenticated> unauthenticated;
    QByteArray globalKey;
    QString globalKeyFor;                      // the authKey globalKey was derived from
    HandlerRegistry handlers{HandlerLoader::Side::Server, lcServer};
    bool handlerDirLoaded = false;
    QMap<qint64, SocketConnection *> clients;
    qint64 nextId = 1;
    SocketServer::Error error = SocketServer::Error::NoError;
    QString errorString;

    static SocketServerPrivate *get(SocketServer *server) { return server->d.get(); }

    void setError(SocketServer::Error e, const QString &message);
    void onTcpConnection();
    void onNewConnection();
    void releaseUnauthenticated(QObject *key);
    void purgeUnauthenticated();
    int unauthenticatedFrom(const QString &address) const;
    void onIdleCheck(SocketConnection *connection);
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
    // Closes a connection for breaking a rule; reported with clientRejected(), not error().
    void reject(SocketConnection *connection, SocketServer::Error error, int closeCode, const QString &reason);
    // Like reject(), for a peer that cannot take a close frame (it does not read): abort.
    void drop(SocketConnection *connection, SocketServer::Error error, int closeCode, const QString &reason);
};

} // namespace Stonyx::Sockets
