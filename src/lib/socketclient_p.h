// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library (and its tests): the state behind SocketClient.

#include "closetracker_p.h"
#include "framecipher.h"
#include "handlerregistry_p.h"
#include "sessioncodec_p.h"
#include "message_p.h"
#include "socketclient.h"

#include <QLoggingCategory>
#include <QDeadlineTimer>
#include <QMap>
#include <QPointer>
#include <QPromise>
#include <QSslConfiguration>
#include <QTimer>
#include <QWebSocket>

#include <map>
#include <memory>

namespace Stonyx::Sockets {

Q_DECLARE_LOGGING_CATEGORY(lcClient)

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
        requestTimer.setSingleShot(true);
        queueTimer.setSingleShot(true);
        QObject::connect(&requestTimer, &QTimer::timeout, q, [this] { onRequestTimer(); });
        QObject::connect(&queueTimer, &QTimer::timeout, q, [this] { onQueueTimer(); });
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
    HandlerRegistry handlers{HandlerLoader::Side::Client, lcClient};
    QTimer heartBeatTimer;    // the next heartbeat
    QTimer heartBeatDeadline; // the answer to the heartbeat sent
    QTimer reconnectTimer;
    QTimer openDeadline;      // the WebSocket handshake, then the auth response
    CloseTracker closeTracker; // for the current socket
    int attempt = 0;          // reconnect attempt in progress, 0 when none
    bool socketErrorReported = false; // for the current socket
    bool closedByUser = true;

    // Delivery (docs/protocol-extensions.md): requests with ids, the offline queue.
    struct PendingRequest {
        QString name;
        QByteArray json;          // the request without its id
        std::shared_ptr<QPromise<QJsonValue>> promise;
        QDeadlineTimer deadline;  // the request's timeout
        bool retryable = false;
        bool sent = false;        // on the wire of the current connection (else queued)
    };
    std::map<qint64, PendingRequest> requests; // by id: the order they were made in
    qint64 nextRequestId = 1;
    struct Queued {
        QString name;
        QByteArray json;          // a send(); empty for a request (its json is in requests)
        qint64 requestId = 0;     // > 0: a request
        qint64 bytes = 0;         // counted against offlineQueueBytes
        QDeadlineTimer expiry;    // offlineQueueTtl after it was queued
    };
    QList<Queued> queue;          // in order; bounded by offlineQueueSize and offlineQueueBytes
    qint64 queueBytes = 0;
    QTimer requestTimer;          // the earliest request deadline
    QTimer queueTimer;            // the expiry of the queue's head
    bool serverEchoesIds = false; // the auth response advertised the "id" extension
    bool spreadNextReconnect = false; // the server closed with 1012: spread the next attempt (reconnectSpread)
    qsizetype addressIndex = 0;       // into activeConfig.addresses(): the one connected or tried
    QUrl currentAddress() const
    {
        const QList<QUrl> all = activeConfig.addresses();
        return all.at(addressIndex % all.size());
    }
    // Session resume (docs/protocol-extensions.md): the token of the last truthy auth
    // answer of a server with the "resume" extension, presented on automatic reconnects
    // until resumeUntil (resumeWindow after the loss; forever while connected).
    QString resumeToken;
    int resumeWindow = 0;
    QDeadlineTimer resumeUntil{QDeadlineTimer::Forever};
    bool presentsResume() const
    {
        return !resumeToken.isEmpty() && !closedByUser && !resumeUntil.isForever() && !resumeUntil.hasExpired();
    }
    void forgetResume()
    {
        resumeToken.clear();
        resumeUntil = QDeadlineTimer(QDeadlineTimer::Forever);
    }
    bool reauthenticating = false;    // reauthenticate() sent an auth request on the live connection
    // QNetworkInformation: offline, no reconnect is attempted; back online, one at once.
    bool networkWatched = false;
    bool networkOnline = true;
    void watchNetwork();
    void onNetworkReachable(bool online);
    // For tests: what QNetworkInformation would report (no backend runs in a container).
    STONYX_SOCKETS_EXPORT static void setNetworkReachable(SocketClient *client, bool online);
    // For tests: whether a reconnect attempt is scheduled.
    STONYX_SOCKETS_EXPORT static bool reconnectScheduled(const SocketClient *client);
    void sendAuthRequest();
    struct Failure {
        QString name;
        RequestException::Reason reason;
        QString message;
    };

    // True while messages (\a request: of request()) go to the offline queue rather than the socket.
    bool queueing(bool request) const;
    // A message the queue would take; false, with the failure, if it does not fit.
    bool enqueue(Queued entry, Failure *failure);
    // Tells the application that the send() of \a name was not delivered. False if a slot deleted the client.
    [[nodiscard]] bool failSend(const QString &name, RequestException::Reason reason, const QString &message);
    void sendRequest(qint64 id);
    // Fails request \a id: its future and deliveryFailed(). False if a slot deleted the client.
    [[nodiscard]] bool failRequest(qint64 id, RequestException::Reason reason, const QString &message);
    // Fails everything pending and queued with \a reason; \a emitSignals false in the destructor.
    [[nodiscard]] bool failAll(RequestException::Reason reason, bool emitSignals = true);
    // The connection dropped: requests on the wire fail or, retryable, go back to the queue.
    [[nodiscard]] bool onLinkLost();
    // After (re-)authentication: sends the queue in order.
    [[nodiscard]] bool flushQueue();
    void matchResponse(const Message::Incoming &message);
    void onRequestTimer();
    void onQueueTimer();
    void armRequestTimer();
    void armQueueTimer();
    QString failureText(RequestException::Reason reason, const QString &request) const;

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
    void onFrame(const InboundFrame &frame);
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
