// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library (and its tests): the state behind SocketClient.

#include "closetracker_p.h"
#include "framecipher.h"
#include "sessioncodec_p.h"
#include "message_p.h"
#include "socketclient.h"

#include <QLoggingCategory>
#include <QMap>
#include <QPointer>
#include <QSslConfiguration>
#include <QTimer>
#include <QWebSocket>

#include <memory>

namespace Stonyx::Sockets {

Q_DECLARE_LOGGING_CATEGORY(lcClient)

struct ClientHandler {
    SocketHandler *handler = nullptr;
    std::shared_ptr<SocketHandler> owned; // set when the client owns it (callables)
};

struct SocketClientPrivate {
    SocketClientPrivate(SocketClient *qq, const SocketConfig &cfg)
        : q(qq)
        , config(cfg)
        , activeConfig(cfg)
    {
        heartBeatTimer.setSingleShot(true);
        heartBeatDeadline.setSingleShot(true);
        reconnectTimer.setSingleShot(true);
        openDeadline.setSingleShot(true);
        QObject::connect(&openDeadline, &QTimer::timeout, q, [this] { onOpenTimeout(); });
        QObject::connect(&heartBeatTimer, &QTimer::timeout, q, [this] { sendHeartBeat(); });
        QObject::connect(&heartBeatDeadline, &QTimer::timeout, q, [this] { onHeartBeatTimeout(); });
        QObject::connect(&reconnectTimer, &QTimer::timeout, q, [this] { connectSocket(); });
    }

    // For tests: the private part of \a client.
    static SocketClientPrivate *get(SocketClient *client) { return client->d.get(); }
    // For tests: the session key in use (empty before authentication and with
    // encryption off). Not public: it is a secret.
    STONYX_SOCKETS_EXPORT static QByteArray sessionKey(const SocketClient *client);
    // For tests: the bytes of the current socket not yet handed to the kernel.
    STONYX_SOCKETS_EXPORT static qint64 bytesToWrite(const SocketClient *client);
    // The delay before reconnect attempt \a attempt under \a config: the backoff
    // (SocketClient::backoffDelay()) plus a uniform random jitter in [0, MaxJitter).
    STONYX_SOCKETS_EXPORT static qint64 reconnectDelay(int attempt, const SocketConfig &config);
    static constexpr int MaxJitter = 1000;
    // The bytes a masked (client) WebSocket frame with \a payload bytes takes.
    STONYX_SOCKETS_EXPORT static qint64 frameSize(qint64 payload);

    SocketClient *const q;
    SocketConfig config;       // what config() returns; setConfig() changes it
    SocketConfig activeConfig; // what open() took: the connection and its reconnects use it
    QJsonObject authData;
    SocketClient::State state = SocketClient::State::Disconnected;
    SocketClient::Error error = SocketClient::Error::NoError;
    QString errorString;
    QPointer<QWebSocket> socket;
    QSslConfiguration tlsConfiguration;      // for wss://, made by open()
    std::shared_ptr<const AesGcm::Key> globalKey; // made by open() when encryption is on
    QString globalKeyFor;
    SessionCodec codec;                            // for the current socket
    QMap<QString, ClientHandler> handlers;
    QTimer heartBeatTimer;    // the next heartbeat
    QTimer heartBeatDeadline; // the answer to the heartbeat sent
    QTimer reconnectTimer;
    QTimer openDeadline;      // the WebSocket handshake, then the auth response
    CloseTracker closeTracker; // for the current socket
    int attempt = 0;          // reconnect attempt in progress, 0 when none
    bool socketErrorReported = false; // for the current socket
    bool closedByUser = true;

    // Each of these emits a signal whose slot may delete the client (and this): they
    // return false if it did, and the caller must then return without touching this.
    [[nodiscard]] bool setState(SocketClient::State s)
    {
        if (state == s)
            return true;
        state = s;
        QPointer<SocketClient> alive(q);
        Q_EMIT q->stateChanged(s);
        return !alive.isNull();
    }

    [[nodiscard]] bool setAttempt(int a)
    {
        if (attempt == a)
            return true;
        attempt = a;
        QPointer<SocketClient> alive(q);
        Q_EMIT q->reconnectAttemptChanged(a);
        return !alive.isNull();
    }

    [[nodiscard]] bool setError(SocketClient::Error e, const QString &message)
    {
        error = e;
        errorString = message;
        QPointer<SocketClient> alive(q);
        Q_EMIT q->errorOccurred(e);
        return !alive.isNull();
    }

    void connectSocket();
    // Ends the current socket at once (abort), without a signal to this client.
    void dropSocket();
    // Ends the current socket with a close frame, without a signal to this client; the
    // socket finishes the close on its own, within CloseTimeout.
    void closeSocket(int code, const QString &reason);
    static constexpr int CloseTimeout = 2000;
    void onSocketGone(QWebSocket *gone);
    void onHeartBeatTimeout();
    void onOpenTimeout();
    void onFrame(const QByteArray &frame);
    void onAuthResponse(const Message::Incoming &message);
    void rejectAuthentication(const QString &reason);
    // Sends \a json as one frame; with \a request set, refuses (LimitExceeded) a frame
    // that would take the send buffer beyond maxSendBuffer.
    bool sendJson(const QByteArray &json, const QString *request = nullptr);
    void sendHeartBeat();
    void scheduleReconnect();
    void deliver(const QString &request, const QJsonValue &response);
};

} // namespace Stonyx::Sockets
