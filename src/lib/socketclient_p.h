// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library (and its fuzz tests): the state behind SocketClient.

#include "framecipher.h"
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
    {
        heartBeatTimer.setSingleShot(true);
        reconnectTimer.setSingleShot(true);
        QObject::connect(&heartBeatTimer, &QTimer::timeout, q, [this] { sendHeartBeat(); });
        QObject::connect(&reconnectTimer, &QTimer::timeout, q, [this] { connectSocket(); });
    }

    SocketClient *const q;
    SocketConfig config;
    QJsonObject authData;
    SocketClient::State state = SocketClient::State::Disconnected;
    SocketClient::Error error = SocketClient::Error::NoError;
    QString errorString;
    QPointer<QWebSocket> socket;
    QSslConfiguration tlsConfiguration;      // for wss://, made by open()
    FrameCipher globalCipher;
    QString globalKeyFor;
    FrameCipher sessionCipher;
    QMap<QString, ClientHandler> handlers;
    QTimer heartBeatTimer;
    QTimer reconnectTimer;
    int attempt = 0;          // reconnect attempt in progress, 0 when none
    bool socketErrorReported = false; // for the current socket
    bool closedByUser = true;

    void setState(SocketClient::State s)
    {
        if (state == s)
            return;
        state = s;
        Q_EMIT q->stateChanged(s);
    }

    void setAttempt(int a)
    {
        if (attempt == a)
            return;
        attempt = a;
        Q_EMIT q->reconnectAttemptChanged(a);
    }

    void setError(SocketClient::Error e, const QString &message)
    {
        error = e;
        errorString = message;
        Q_EMIT q->errorOccurred(e);
    }

    void connectSocket();
    void dropSocket();
    void onSocketGone(QWebSocket *gone);
    void onFrame(const QByteArray &frame);
    void onAuthResponse(const Message::Incoming &message);
    bool sendJson(const QByteArray &json);
    void sendHeartBeat();
    void scheduleReconnect();
    void deliver(const QString &request, const QJsonValue &response);
};

} // namespace Stonyx::Sockets
