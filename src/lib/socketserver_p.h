// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library: the state behind SocketServer and SocketConnection.

#include "framecipher.h"
#include "socketconnection.h"
#include "socketserver.h"

#include <QHash>
#include <QLoggingCategory>
#include <QMap>
#include <QPointer>
#include <QWebSocket>
#include <QWebSocketServer>

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
    bool authenticated = false;
    bool closing = false;
    int closeCode = 0;                         // what we closed with, if we closed
    QString closeReason;
    QJsonObject metadata;
    FrameCipher globalCipher;                  // auth phase
    FrameCipher sessionCipher;                 // after authentication
    QString dispatching;                       // the request being handled, for deferReply()
};

struct SocketServerPrivate {
    explicit SocketServerPrivate(SocketServer *q, const SocketConfig &config);

    SocketServer *const q;
    SocketConfig config;
    QWebSocketServer *webSocketServer = nullptr;
    QByteArray globalKey;
    QString globalKeyFor;                      // the authKey globalKey was derived from
    QMap<QString, ServerHandler> handlers;
    QList<HandlerLoader::Problem> handlerProblems;
    bool handlerDirLoaded = false;
    QMap<qint64, SocketConnection *> clients;
    qint64 nextId = 1;
    SocketServer::Error error = SocketServer::Error::NoError;
    QString errorString;

    static SocketServerPrivate *get(SocketServer *server) { return server->d.get(); }

    void setError(SocketServer::Error e, const QString &message);
    void onNewConnection();
    // Registers a connection for an open (or, in fuzz tests, unopened) socket.
    SocketConnection *createConnection(QWebSocket *socket);
    // Derives the global key for config.authKey() unless already done; false on failure
    // (with the error set). listen() calls it; fuzz tests call it instead of listening.
    bool ensureGlobalKey();
    void onFrame(SocketConnection *connection, const QByteArray &frame);
    void onDisconnected(SocketConnection *connection);
    // Applies a handler result, sync or deferred; see PROTOCOL.md "Dispatch on the server".
    bool finishRequest(SocketConnection *connection, const QString &request, const QJsonValue &result);
    bool sendMessage(SocketConnection *connection, const QByteArray &json);
    void reject(SocketConnection *connection, SocketServer::Error error, int closeCode, const QString &reason);
};

} // namespace Stonyx::Sockets
