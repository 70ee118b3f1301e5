// SPDX-License-Identifier: MIT
#include "socketclient_p.h"
#include "delivery_p.h"
#include "message_p.h"
#include "sendbuffer_p.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QNetworkInformation>
#include <QThread>
#include <QLoggingCategory>
#include <QMap>
#include <QPointer>
#include <QRandomGenerator>
#include <QSslCertificate>
#include <QTimer>
#include <QWebSocket>

namespace Stonyx::Sockets {

Q_LOGGING_CATEGORY(lcClient, "stonyx.sockets.client", QtInfoMsg)


QByteArray SocketClientPrivate::sessionKey(const SocketClient *client)
{
    return client->d->codec.sessionKey();
}

qint64 SocketClientPrivate::bytesToWrite(const SocketClient *client)
{
    return client->d->socket ? client->d->socket->bytesToWrite() : 0;
}

qint64 SocketClientPrivate::reconnectDelay(int attempt, const SocketConfig &config)
{
    return SocketClient::backoffDelay(attempt, config.reconnectBaseDelay(), config.reconnectMaxDelay())
        + QRandomGenerator::global()->bounded(MaxJitter);
}

qint64 SocketClientPrivate::frameSize(qint64 payload)
{
    // RFC 6455 §5.2: 2 bytes, a 16- or 64-bit extended length, and a client's 4-byte mask.
    const qint64 extendedLength = payload > 0xffff ? 8 : payload > 125 ? 2 : 0;
    return 2 + extendedLength + 4 + payload;
}

void SocketClientPrivate::dropSocket()
{
    if (!socket)
        return;
    QWebSocket *old = socket;
    socket.clear();
    QObject::disconnect(old, nullptr, q, nullptr);
    // abort(), not close(): after a failed handshake Qt 6.4.2 leaves the TCP connection
    // open, so it has to be torn down before a new attempt.
    old->abort();
    old->deleteLater();
}

void SocketClientPrivate::closeSocket(int code, const QString &reason)
{
    if (!socket)
        return;
    QWebSocket *old = socket;
    socket.clear();
    QObject::disconnect(old, nullptr, q, nullptr);
    if (old->state() != QAbstractSocket::ConnectedState) {
        old->abort();
        old->deleteLater();
        return;
    }
    // A close frame, so the server sees the code; then the socket finishes its close on
    // its own (Qt hands the frame to the kernel, then closes the TCP connection). It
    // stays a child of the client, and a peer that does not read cannot keep it.
    old->close(static_cast<QWebSocketProtocol::CloseCode>(code), reason);
    if (old->state() == QAbstractSocket::UnconnectedState) {
        old->deleteLater();
        return;
    }
    QObject::connect(old, &QWebSocket::disconnected, old, &QObject::deleteLater);
    QTimer::singleShot(CloseTimeout, old, [old] {
        old->abort();
        old->deleteLater();
    });
}

void SocketClientPrivate::connectSocket()
{
    dropSocket();
    // A new connection always starts with the global key.
    codec = activeConfig.encryption() ? SessionCodec(globalKey) : SessionCodec();
    socketErrorReported = false;
    closeTracker.reset();
    heartBeatTimer.stop();
    heartBeatDeadline.stop();
    openDeadline.stop();
    auto *ws = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, q);
    socket = ws;
    const SocketConfig &cfg = activeConfig;
    const qint64 overhead = cfg.encryption() ? FrameCipher::Overhead : 0;
    ws->setMaxAllowedIncomingMessageSize(quint64(cfg.maxMessageSize() + overhead));
    ws->setMaxAllowedIncomingFrameSize(quint64(cfg.maxFrameSize() + overhead));
    // One frame per message: Qt 6.4 decodes each text frame on its own, so a long
    // plain message split across frames could cut a UTF-8 sequence (close 1007).
    ws->setOutgoingFrameSize(QWebSocket::maxOutgoingFrameSize());
    const QUrl url = currentAddress();
    if (url.scheme() == u"wss")
        ws->setSslConfiguration(tlsConfiguration);
    if (cfg.tlsAllowSelfSigned()) {
        QObject::connect(ws, &QWebSocket::sslErrors, q, [ws](const QList<QSslError> &errors) {
            for (const QSslError &e : errors)
                qCWarning(lcClient, "Ignoring a TLS error (tlsAllowSelfSigned): %s", qUtf8Printable(e.errorString()));
            ws->ignoreSslErrors();
        });
    }
    QObject::connect(ws, &QWebSocket::connected, q, [this, ws] {
        if (ws != socket)
            return;
        if (!setState(SocketClient::State::Authenticating) || ws != socket)
            return; // a slot deleted or closed the client
        // The same for the auth response: authTimeout (0 = no limit).
        if (activeConfig.authTimeout() > 0)
            openDeadline.start(activeConfig.authTimeout());
        else
            openDeadline.stop();
        sendAuthRequest();
    });
    QObject::connect(ws, &QWebSocket::binaryMessageReceived, q, [this, ws](const QByteArray &frame) {
        if (ws == socket)
            onFrame(frame);
    });
    QObject::connect(ws, &QWebSocket::textMessageReceived, q, [this, ws](const QString &text) {
        if (ws == socket)
            onFrame(text);
    });
    // Whether a close frame was exchanged: without one, the close code is 1006.
    QObject::connect(ws, &QWebSocket::aboutToClose, q, [this, ws] {
        if (ws == socket)
            closeTracker.onAboutToClose();
    });
    // Qt 6.4 names this signal error(); errorOccurred() came in 6.5.
    QObject::connect(ws, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), q, [this, ws](QAbstractSocket::SocketError) {
        if (ws != socket)
            return;
        socketErrorReported = true;
        closeTracker.onError(ws->errorString());
        if (!setError(SocketClient::Error::ConnectionError,
                      SocketClient::tr("Connection to %1 failed: %2").arg(currentAddress().toString(), ws->errorString()))
            || ws != socket)
            return;
        // Before the handshake completed, an error is the end of this attempt. Once
        // open, wait for disconnected(): the close frame may still be in the buffer.
        if (state == SocketClient::State::Connecting || state == SocketClient::State::Reconnecting)
            onSocketGone(ws);
    });
    QObject::connect(ws, &QWebSocket::disconnected, q, [this, ws] { onSocketGone(ws); });
    // A server (or a link) that accepts TCP but never completes the handshake would
    // keep this attempt waiting forever: give it handshakeTimeout.
    openDeadline.start(cfg.handshakeTimeout());
    if (presentsResume()) {
        // Tells the server to wait for the auth answer before it reports a new client.
        QNetworkRequest request(url);
        request.setRawHeader(Delivery::ResumeHeader, "1");
        ws->open(request);
    } else {
        ws->open(url);
    }
}

void SocketClientPrivate::sendAuthRequest()
{
    QJsonObject data{{QStringLiteral("authKey"), activeConfig.authKey()}};
    for (auto it = authData.begin(); it != authData.end(); ++it)
        data.insert(it.key(), it.value()); // like {authKey, ...authData}
    // "resume" next to "request" and "data" (version 1 servers ignore it): the token of
    // the session to resume, or true to ask for one.
    const QJsonValue resume = !reauthenticating && presentsResume() ? QJsonValue(resumeToken) : QJsonValue(true);
    sendJson(Delivery::withField(Message::encodeRequest(QStringLiteral("auth"), data), Delivery::ResumeField, resume));
}

void SocketClientPrivate::watchNetwork()
{
    if (networkWatched)
        return;
    // Loading a backend is process-wide; Qt wants it done on the main thread. Without
    // one (none installed, or no service behind it) the client reconnects as before.
    if (!QNetworkInformation::instance() && QCoreApplication::instance()
        && QThread::currentThread() == QCoreApplication::instance()->thread())
        QNetworkInformation::loadDefaultBackend();
    QNetworkInformation *info = QNetworkInformation::instance();
    if (!info)
        return;
    networkWatched = true;
    networkOnline = info->reachability() != QNetworkInformation::Reachability::Disconnected;
    QObject::connect(info, &QNetworkInformation::reachabilityChanged, q, [this](QNetworkInformation::Reachability r) {
        onNetworkReachable(r != QNetworkInformation::Reachability::Disconnected);
    });
}

void SocketClientPrivate::onNetworkReachable(bool online)
{
    const bool wasOnline = std::exchange(networkOnline, online);
    if (!online) {
        // Attempts would only fail: none until the network is back.
        if (state == SocketClient::State::Reconnecting && !socket && reconnectTimer.isActive()) {
            reconnectTimer.stop();
            qCInfo(lcClient, "The network is unreachable: reconnecting to %s when it is back",
                   qUtf8Printable(currentAddress().toString()));
        }
        return;
    }
    if (wasOnline || closedByUser || state != SocketClient::State::Reconnecting || socket)
        return;
    // Back online: one attempt at once, and a fresh backoff after it.
    reconnectTimer.stop();
    spreadNextReconnect = false;
    if (!setAttempt(1) || closedByUser || socket)
        return;
    QPointer<SocketClient> alive(q);
    Q_EMIT q->reconnecting(1, 0);
    if (alive && !closedByUser && !socket && state == SocketClient::State::Reconnecting)
        connectSocket();
}

void SocketClientPrivate::setNetworkReachable(SocketClient *client, bool online)
{
    client->d->onNetworkReachable(online);
}

bool SocketClientPrivate::reconnectScheduled(const SocketClient *client)
{
    return client->d->reconnectTimer.isActive();
}

void SocketClientPrivate::onSocketGone(QWebSocket *gone)
{
    if (gone != socket)
        return; // already handled, or an old socket
    heartBeatTimer.stop();
    heartBeatDeadline.stop();
    openDeadline.stop();
    codec.clearSessionKey();
    reauthenticating = false;
    // The code of the close frame sent or received; 1006 if the connection was lost
    // without one (QWebSocket would say 1000).
    int code = closeTracker.closeCode(*gone);
    QString reason = closeTracker.closeReason(*gone);
    if (Delivery::isServiceRestart(code, reason)) {
        // The server restarts. Qt 6.4 reports its 1012 as 1002 ("Invalid close code
        // 1012 detected."): report what the server sent.
        if (code != Delivery::ServiceRestartCloseCode) {
            code = Delivery::ServiceRestartCloseCode;
            reason = SocketClient::tr("the server is restarting");
        }
        spreadNextReconnect = true;
    }
    const bool wasOpen = state == SocketClient::State::Authenticating || state == SocketClient::State::Connected;
    // The server holds the session for resumeWindow from about now.
    if (!resumeToken.isEmpty() && resumeUntil.isForever())
        resumeUntil = QDeadlineTimer(resumeWindow);
    const QString socketError = gone->errorString();
    dropSocket();
    QPointer<SocketClient> alive(q);
    if (wasOpen) {
        if (code == QWebSocketProtocol::CloseCodeAbnormalDisconnection || !closeTracker.closeFrameSeen())
            qCInfo(lcClient, "Connection to %s lost (code %d%s%s)", qUtf8Printable(currentAddress().toString()),
                   code, reason.isEmpty() ? "" : ": ", qUtf8Printable(reason));
        Q_EMIT q->disconnected(code, reason);
    } else if (!socketErrorReported) {
        // Qt 6.4 does not always signal an error for a refused connection or handshake.
        if (!setError(SocketClient::Error::ConnectionError,
                      SocketClient::tr("Connection to %1 failed: %2").arg(currentAddress().toString(), socketError)))
            return;
    }
    if (!alive || socket)
        return; // destroyed, or a slot called open() again
    if (closedByUser) {
        if (setState(SocketClient::State::Disconnected))
            (void)failAll(RequestException::Reason::Closed);
        return;
    }
    // Requests on the wire: lost, or back to the queue if retryable.
    if (!onLinkLost() || socket || closedByUser)
        return;
    scheduleReconnect();
}

void SocketClientPrivate::onHeartBeatTimeout()
{
    if (!socket || state != SocketClient::State::Connected)
        return;
    // The server did not answer: dead, or the link drops everything silently (no FIN,
    // no RST reach us). Nothing would ever tell the TCP socket; give up on it.
    const int timeout = activeConfig.effectiveHeartBeatTimeout();
    const QString reason = SocketClient::tr("no heartbeat answer within %1 ms").arg(timeout);
    qCWarning(lcClient, "Connection to %s lost: no heartbeat answer within %d ms",
              qUtf8Printable(currentAddress().toString()), timeout);
    QWebSocket *ws = socket;
    closeTracker.setLocalClose(QWebSocketProtocol::CloseCodeAbnormalDisconnection, reason);
    if (setError(SocketClient::Error::ConnectionError,
                 SocketClient::tr("Connection to %1 lost: %2").arg(currentAddress().toString(), reason)))
        onSocketGone(ws); // aborts it: a close frame would not get through either
}

void SocketClientPrivate::onOpenTimeout()
{
    if (!socket)
        return;
    QWebSocket *ws = socket;
    const QString address = currentAddress().toString();
    if (state == SocketClient::State::Authenticating) {
        // Connected, but the auth response never came: a silent server or link.
        const QString reason = SocketClient::tr("no answer to the auth request within %1 ms").arg(activeConfig.authTimeout());
        qCWarning(lcClient, "Connection to %s lost: no answer to the auth request within %d ms", qUtf8Printable(address),
                  activeConfig.authTimeout());
        closeTracker.setLocalClose(QWebSocketProtocol::CloseCodeAbnormalDisconnection, reason);
        if (setError(SocketClient::Error::ConnectionError, SocketClient::tr("Connection to %1 lost: %2").arg(address, reason)))
            onSocketGone(ws);
        return;
    }
    if (state != SocketClient::State::Connecting && state != SocketClient::State::Reconnecting)
        return;
    const QString reason = SocketClient::tr("no WebSocket handshake within %1 ms").arg(activeConfig.handshakeTimeout());
    qCWarning(lcClient, "Connection to %s failed: no WebSocket handshake within %d ms", qUtf8Printable(address),
              activeConfig.handshakeTimeout());
    socketErrorReported = true; // this is the error of the attempt
    if (setError(SocketClient::Error::ConnectionError, SocketClient::tr("Connection to %1 failed: %2").arg(address, reason))
        && ws == socket)
        onSocketGone(ws); // aborts the socket and schedules the next attempt
}

void SocketClientPrivate::scheduleReconnect()
{
    const int max = activeConfig.maxReconnectAttempts();
    const int next = attempt + 1;
    if (max != SocketConfig::Unlimited && next > max) {
        const int failed = attempt;
        closedByUser = true;
        if (!setAttempt(0) || !setState(SocketClient::State::Disconnected))
            return;
        if (!failAll(max > 0 ? RequestException::Reason::GaveUp : RequestException::Reason::ConnectionLost))
            return;
        if (max > 0) {
            if (!setError(SocketClient::Error::ReconnectFailed,
                          SocketClient::tr("Gave up reconnecting to %1 after %n attempt(s)", nullptr, failed)
                              .arg(currentAddress().toString())))
                return;
            Q_EMIT q->reconnectFailed(failed);
        }
        return;
    }
    if (!setAttempt(next) || closedByUser)
        return;
    // Failover: every attempt goes to the next address (round robin).
    addressIndex = (addressIndex + 1) % std::max<qsizetype>(activeConfig.addresses().size(), 1);
    // After a 1012 (service restart) the first attempt comes at a random point of the
    // reconnectSpread window: clients of a restarted server do not all return at once.
    const bool spread = std::exchange(spreadNextReconnect, false) && activeConfig.reconnectSpread() > 0;
    const qint64 delay = spread ? QRandomGenerator::global()->bounded(activeConfig.reconnectSpread())
                                : reconnectDelay(next, activeConfig);
    if (!setState(SocketClient::State::Reconnecting) || closedByUser)
        return;
    if (!networkOnline) {
        // Offline: no attempt until the network is back (onNetworkReachable()).
        qCInfo(lcClient, "The network is unreachable: reconnecting to %s when it is back",
               qUtf8Printable(currentAddress().toString()));
        return;
    }
    qCDebug(lcClient, "Reconnect attempt %d in %lld ms", next, delay);
    reconnectTimer.start(std::chrono::milliseconds(delay));
    Q_EMIT q->reconnecting(next, int(delay));
}

bool SocketClientPrivate::sendJson(const QByteArray &json, const QString *request)
{
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return false;
    QByteArray payload;
    QString problem;
    if (!codec.encode(json, SessionCodec::KeyChoice::Current, &payload, &problem)) {
        (void)setError(SocketClient::Error::CryptoError, problem);
        return false;
    }
    if (request) {
        const qint64 limit = activeConfig.maxSendBuffer();
        const qint64 bytes = frameSize(payload.size());
        const qint64 queued = queuedAfterFlush(socket.data(), bytes, limit);
        if (queued + bytes > limit) {
            (void)setError(SocketClient::Error::LimitExceeded,
                     SocketClient::tr("Cannot send \"%1\": %2 bytes would exceed the send buffer limit of %3 bytes "
                                      "(configuration key \"maxSendBuffer\"); %4 bytes are still waiting to be sent")
                         .arg(*request)
                         .arg(queued + bytes)
                         .arg(limit)
                         .arg(queued));
            return false;
        }
    }
    if (codec.isEncrypted())
        return socket->sendBinaryMessage(payload) == payload.size();
    return socket->sendTextMessage(QString::fromUtf8(json)) == json.size();
}

void SocketClientPrivate::sendHeartBeat()
{
    if (state != SocketClient::State::Connected)
        return;
    // The deadline runs even if the heartbeat could not be sent: no answer will come.
    heartBeatDeadline.start(activeConfig.effectiveHeartBeatTimeout());
    sendJson(Message::encodeRequest(QStringLiteral("heartBeat"), QJsonValue(QJsonValue::Undefined)));
}

void SocketClientPrivate::onFrame(const InboundFrame &frame)
{
    Message::Incoming message;
    QString problem;
    SessionCodec::Decoded decoded = codec.decode(frame, u"response", &message, &problem);
    if (decoded == SessionCodec::Decoded::InvalidFrame && reauthenticating && codec.hasSessionKey()) {
        // The answer to reauthenticate() is sealed with the global key, although this
        // connection has a session key; nothing else may be.
        SessionCodec global(globalKey);
        Message::Incoming reply;
        QString globalProblem;
        if (global.decode(frame, u"response", &reply, &globalProblem) == SessionCodec::Decoded::Message
            && reply.request == Message::AuthRequest) {
            message = std::move(reply);
            decoded = SessionCodec::Decoded::Message;
        }
    }
    if (decoded == SessionCodec::Decoded::InvalidFrame) {
        qCWarning(lcClient, "Dropped a frame from the server: %s", qUtf8Printable(problem));
        (void)setError(SocketClient::Error::InvalidMessage, SocketClient::tr("Dropped a frame from the server: %1").arg(problem));
        return;
    }
    if (decoded != SessionCodec::Decoded::Message) {
        qCWarning(lcClient, "Dropped a message from the server: %s", qUtf8Printable(problem));
        (void)setError(SocketClient::Error::InvalidMessage, SocketClient::tr("Dropped a message from the server: %1").arg(problem));
        return;
    }
    if (message.request == Message::AuthRequest) {
        onAuthResponse(message);
        return;
    }
    if (message.request == Message::HeartBeatRequest) {
        if (state == SocketClient::State::Connected) {
            heartBeatDeadline.stop();
            openDeadline.stop();
            heartBeatTimer.start(activeConfig.heartBeatInterval());
        }
        return;
    }
    QPointer<SocketClient> alive(q);
    matchResponse(message); // a continuation of the request's future may delete the client
    if (alive)
        deliver(message.request, message.payload);
}

void SocketClientPrivate::onAuthResponse(const Message::Incoming &message)
{
    openDeadline.stop();
    reauthenticating = false;
    const QJsonValue sessionKey = message.value(u"sessionKey");
    if (activeConfig.encryption() && sessionKey.isString()) {
        const QByteArray key = QByteArray::fromBase64(sessionKey.toString().toLatin1());
        QString keyError;
        if (!codec.setSessionKey(key, &keyError)) {
            (void)setError(SocketClient::Error::InvalidMessage,
                           SocketClient::tr("The server sent an invalid session key: %1").arg(keyError));
            return;
        }
    }
    QPointer<SocketClient> alive(q);
    // Accepted: a truthy answer, or one with a session key (this answer's: after
    // reauthenticate() the connection still has the old one).
    if (Message::isTruthy(message.payload) || (activeConfig.encryption() && sessionKey.isString())) {
        const bool wasReconnect = attempt > 0;
        if (!setAttempt(0) || !setState(SocketClient::State::Connected) || state != SocketClient::State::Connected)
            return;
        heartBeatTimer.start(activeConfig.heartBeatInterval());
        const QJsonArray extensions = message.value(Delivery::ExtensionsField).toArray();
        serverEchoesIds = extensions.contains(Delivery::IdExtension.toString());
        // Session resume: the token for the next loss; whether this answer resumed one.
        const bool resumed = wasReconnect && extensions.contains(Delivery::ResumeField.toString())
            && message.value(Delivery::ResumedField).toBool();
        const QJsonValue token = message.value(Delivery::ResumeTokenField);
        forgetResume();
        if (extensions.contains(Delivery::ResumeField.toString()) && token.isString()) {
            resumeToken = token.toString();
            resumeWindow = message.value(Delivery::ResumeWindowField).toInt();
        }
        // What waited in the offline queue goes first, before anything sent from a slot.
        if (!flushQueue() || state != SocketClient::State::Connected)
            return;
        Q_EMIT q->authenticated(message.payload);
        if (!alive)
            return;
        if (wasReconnect && state == SocketClient::State::Connected)
            Q_EMIT q->reconnected();
        if (resumed && alive && state == SocketClient::State::Connected)
            Q_EMIT q->resumed();
    } else {
        const QString response = QString::fromUtf8(Message::toJsonText(message.payload));
        qCWarning(lcClient, "The server at %s rejected the authentication (response %s)",
                  qUtf8Printable(currentAddress().toString()), qUtf8Printable(response));
        if (!setError(SocketClient::Error::AuthenticationRejected,
                      SocketClient::tr("The server rejected the authentication (response %1)").arg(response)))
            return;
        if (state == SocketClient::State::Authenticating)
            rejectAuthentication(SocketClient::tr("authentication rejected"));
    }
    if (alive)
        deliver(message.request, message.payload);
}

void SocketClientPrivate::rejectAuthentication(const QString &reason)
{
    // Final: the same key would be rejected again, so no reconnect, until open().
    closedByUser = true;
    forgetResume();
    reconnectTimer.stop();
    heartBeatTimer.stop();
    heartBeatDeadline.stop();
    openDeadline.stop();
    codec.clearSessionKey();
    closeSocket(QWebSocketProtocol::CloseCodeNormal, reason);
    if (setAttempt(0) && setState(SocketClient::State::Disconnected) && failAll(RequestException::Reason::Rejected))
        Q_EMIT q->disconnected(QWebSocketProtocol::CloseCodeNormal, reason);
}

void SocketClientPrivate::deliver(const QString &request, const QJsonValue &response)
{
    // The reference keeps the handler alive until it returns: it may unregister itself.
    if (const HandlerRegistry::EntryRef entry = handlers.find(request)) {
        QPointer<SocketClient> alive(q);
        // A handler that throws must not unwind into the event loop (that would end
        // the process): it is logged, and the message still reaches messageReceived.
        try {
            entry->handler->handleResponse(response);
        } catch (const std::exception &e) {
            qCWarning(lcClient, "Handler \"%s\" threw: %s", qUtf8Printable(request), e.what());
        } catch (...) {
            qCWarning(lcClient, "Handler \"%s\" threw", qUtf8Printable(request));
        }
        if (!alive)
            return; // the handler deleted the client
    } else if (request != Message::AuthRequest) {
        qCDebug(lcClient, "No handler for server message \"%s\"", qUtf8Printable(request));
    }
    Q_EMIT q->messageReceived(request, response);
}

QString SocketClientPrivate::failureText(RequestException::Reason reason, const QString &request) const
{
    switch (reason) {
    case RequestException::Reason::Timeout:
        return SocketClient::tr("Request \"%1\" timed out: no response").arg(request);
    case RequestException::Reason::ConnectionLost:
        return SocketClient::tr("Request \"%1\" failed: the connection was lost before the response came").arg(request);
    case RequestException::Reason::NotConnected:
        return SocketClient::tr("Cannot send \"%1\": not connected").arg(request);
    case RequestException::Reason::Rejected:
        return errorString.isEmpty() ? SocketClient::tr("Cannot send \"%1\"").arg(request) : errorString;
    case RequestException::Reason::Closed:
        return SocketClient::tr("\"%1\" was not delivered: the client was closed").arg(request);
    case RequestException::Reason::QueueOverflow:
        return SocketClient::tr("Cannot queue \"%1\": the offline queue is full (configuration keys \"offlineQueueSize\" "
                                "and \"offlineQueueBytes\")")
            .arg(request);
    case RequestException::Reason::Expired:
        return SocketClient::tr("\"%1\" expired in the offline queue after %2 ms (configuration key \"offlineQueueTtl\")")
            .arg(request)
            .arg(activeConfig.offlineQueueTtl());
    case RequestException::Reason::GaveUp:
        return SocketClient::tr("\"%1\" was not delivered: the client gave up reconnecting").arg(request);
    }
    return {};
}

bool SocketClientPrivate::queueing(bool request) const
{
    // While the first auth request is out, send() goes straight to the socket as in
    // version 1 (handlers with skipAuth take it); a request() waits for the answer.
    // While re-authenticating everything waits: the server switches keys on its answer.
    if (closedByUser)
        return false;
    switch (state) {
    case SocketClient::State::Connecting:
    case SocketClient::State::Reconnecting:
        return true;
    case SocketClient::State::Authenticating:
        return request || reauthenticating;
    case SocketClient::State::Connected:
    case SocketClient::State::Disconnected:
        break;
    }
    return false;
}

bool SocketClientPrivate::enqueue(Queued entry, Failure *failure)
{
    if (activeConfig.offlineQueueSize() <= 0) {
        *failure = {entry.name, RequestException::Reason::NotConnected,
                    failureText(RequestException::Reason::NotConnected, entry.name)};
        return false;
    }
    if (queue.size() >= activeConfig.offlineQueueSize() || queueBytes + entry.bytes > activeConfig.offlineQueueBytes()) {
        *failure = {entry.name, RequestException::Reason::QueueOverflow,
                    failureText(RequestException::Reason::QueueOverflow, entry.name)};
        return false;
    }
    entry.expiry = QDeadlineTimer(activeConfig.offlineQueueTtl());
    queueBytes += entry.bytes;
    queue.append(std::move(entry));
    armQueueTimer();
    return true;
}

void SocketClientPrivate::sendRequest(qint64 id)
{
    auto it = requests.find(id);
    if (it == requests.end())
        return;
    const QString name = it->second.name;
    const QByteArray json = Delivery::withField(it->second.json, Delivery::IdField, QJsonValue(double(id)));
    QPointer<SocketClient> alive(q);
    const QString previousError = errorString;
    const bool sent = sendJson(json, &name);
    if (!alive)
        return;
    it = requests.find(id); // a slot of errorOccurred() may have changed them
    if (it == requests.end())
        return;
    if (sent) {
        it->second.sent = true;
        return;
    }
    // sendJson() sets an error when it refuses (send buffer, encryption); else the
    // socket was not writable.
    (void)failRequest(id, RequestException::Reason::Rejected,
                      errorString != previousError ? errorString : SocketClient::tr("Cannot send \"%1\"").arg(name));
}

bool SocketClientPrivate::failRequest(qint64 id, RequestException::Reason reason, const QString &message)
{
    const auto it = requests.find(id);
    if (it == requests.end())
        return true;
    PendingRequest r = std::move(it->second);
    requests.erase(it);
    for (qsizetype i = 0; i < queue.size(); ++i) {
        if (queue.at(i).requestId == id) {
            queueBytes -= queue.at(i).bytes;
            queue.removeAt(i);
            break;
        }
    }
    QPointer<SocketClient> alive(q);
    r.promise->setException(RequestException(reason, r.name, message));
    r.promise->finish(); // runs continuations attached without a context, which may delete the client
    if (!alive)
        return false;
    Q_EMIT q->deliveryFailed(r.name, reason, message);
    return !alive.isNull();
}

bool SocketClientPrivate::failSend(const QString &name, RequestException::Reason reason, const QString &message)
{
    QPointer<SocketClient> alive(q);
    Q_EMIT q->deliveryFailed(name, reason, message);
    return !alive.isNull();
}

bool SocketClientPrivate::failAll(RequestException::Reason reason, bool emitSignals)
{
    // Everything first leaves the client, then is reported: a slot may send again.
    struct Failed {
        QString name;
        std::shared_ptr<QPromise<QJsonValue>> promise; // null for a send()
    };
    QList<Failed> failed;
    // In the order they were made: requests by id (sent ones first, they are older),
    // then the queued send()s (their order among requests is not kept here).
    for (auto &[id, r] : requests)
        failed.append({r.name, r.promise});
    for (const Queued &entry : std::as_const(queue)) {
        if (entry.requestId == 0)
            failed.append({entry.name, nullptr});
    }
    requests.clear();
    queue.clear();
    queueBytes = 0;
    requestTimer.stop();
    queueTimer.stop();
    QPointer<SocketClient> alive(q);
    for (const Failed &f : std::as_const(failed)) {
        const QString message = failureText(reason, f.name);
        if (f.promise) {
            f.promise->setException(RequestException(reason, f.name, message));
            f.promise->finish();
        }
        if (!alive)
            return false;
        if (emitSignals)
            Q_EMIT q->deliveryFailed(f.name, reason, message);
        if (!alive)
            return false;
    }
    return true;
}

bool SocketClientPrivate::onLinkLost()
{
    serverEchoesIds = false;
    QList<qint64> lost;
    QList<Queued> retry;
    for (auto &[id, r] : requests) {
        if (!r.sent)
            continue;
        if (!r.retryable) {
            lost.append(id);
            continue;
        }
        // Back to the head of the queue, in the order they were made, ahead of what
        // was queued after them. They were accepted once: not refused for the bounds.
        r.sent = false;
        Queued entry{r.name, {}, id, r.json.size(), QDeadlineTimer(activeConfig.offlineQueueTtl())};
        queueBytes += entry.bytes;
        retry.append(std::move(entry));
    }
    if (!retry.isEmpty()) {
        queue = retry + queue;
        armQueueTimer();
    }
    for (qint64 id : std::as_const(lost)) {
        const auto it = requests.find(id);
        if (it == requests.end())
            continue;
        if (!failRequest(id, RequestException::Reason::ConnectionLost,
                         failureText(RequestException::Reason::ConnectionLost, it->second.name)))
            return false;
    }
    return true;
}

bool SocketClientPrivate::flushQueue()
{
    QPointer<SocketClient> alive(q);
    while (!queue.isEmpty() && state == SocketClient::State::Connected && socket) {
        Queued entry = queue.takeFirst();
        queueBytes -= entry.bytes;
        if (entry.expiry.hasExpired()) {
            const QString message = failureText(RequestException::Reason::Expired, entry.name);
            if (entry.requestId > 0 ? !failRequest(entry.requestId, RequestException::Reason::Expired, message)
                                    : !failSend(entry.name, RequestException::Reason::Expired, message))
                return false;
            continue;
        }
        if (entry.requestId > 0) {
            sendRequest(entry.requestId);
        } else if (!sendJson(entry.json, &entry.name)) {
            if (!alive || !failSend(entry.name, RequestException::Reason::Rejected,
                                    failureText(RequestException::Reason::Rejected, entry.name)))
                return false;
        }
        if (!alive)
            return false;
    }
    armQueueTimer();
    return true;
}

void SocketClientPrivate::matchResponse(const Message::Incoming &message)
{
    // By id when the response has one; else, unless the server said it echoes ids (a
    // response without one is then a message of its own), the oldest pending request
    // of that name: the version 1 fallback.
    auto it = requests.end();
    const QJsonValue id = Delivery::requestId(message.value(Delivery::IdField));
    if (!id.isUndefined()) {
        it = requests.find(qint64(id.toDouble()));
        if (it != requests.end() && (!it->second.sent || it->second.name != message.request))
            it = requests.end();
    } else if (!serverEchoesIds) {
        it = std::find_if(requests.begin(), requests.end(), [&message](const auto &entry) {
            return entry.second.sent && entry.second.name == message.request;
        });
    }
    if (it == requests.end())
        return;
    const std::shared_ptr<QPromise<QJsonValue>> promise = it->second.promise;
    requests.erase(it);
    promise->addResult(message.payload);
    promise->finish();
}

void SocketClientPrivate::armRequestTimer()
{
    qint64 next = -1;
    for (const auto &[id, r] : requests) {
        const qint64 remaining = r.deadline.remainingTime(); // -1: forever
        if (remaining >= 0 && (next < 0 || remaining < next))
            next = remaining;
    }
    if (next < 0)
        requestTimer.stop();
    else
        requestTimer.start(std::chrono::milliseconds(next));
}

void SocketClientPrivate::onRequestTimer()
{
    QList<qint64> due;
    for (const auto &[id, r] : requests) {
        if (r.deadline.hasExpired())
            due.append(id);
    }
    for (qint64 id : std::as_const(due)) {
        const auto it = requests.find(id);
        if (it == requests.end())
            continue;
        if (!failRequest(id, RequestException::Reason::Timeout, failureText(RequestException::Reason::Timeout, it->second.name)))
            return;
    }
    armRequestTimer();
}

void SocketClientPrivate::armQueueTimer()
{
    qint64 next = -1;
    for (const Queued &entry : std::as_const(queue)) {
        const qint64 remaining = entry.expiry.remainingTime();
        if (remaining >= 0 && (next < 0 || remaining < next))
            next = remaining;
    }
    if (next < 0)
        queueTimer.stop();
    else
        queueTimer.start(std::chrono::milliseconds(next));
}

void SocketClientPrivate::onQueueTimer()
{
    QList<Queued> expired;
    for (qsizetype i = 0; i < queue.size();) {
        if (queue.at(i).expiry.hasExpired()) {
            queueBytes -= queue.at(i).bytes;
            expired.append(queue.takeAt(i));
        } else {
            ++i;
        }
    }
    for (const Queued &entry : std::as_const(expired)) {
        const QString message = failureText(RequestException::Reason::Expired, entry.name);
        if (entry.requestId > 0 ? !failRequest(entry.requestId, RequestException::Reason::Expired, message)
                                : !failSend(entry.name, RequestException::Reason::Expired, message))
            return;
    }
    armQueueTimer();
}

SocketClient::SocketClient(QObject *parent)
    : SocketClient(SocketConfig::fromEnvironment(), parent)
{
}

SocketClient::SocketClient(const SocketConfig &config, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<SocketClientPrivate>(this, config))
{
    // An invalid configuration (e.g. a bad SOCKET_* variable) is reported from the
    // start; open() refuses it and emits errorOccurred().
    if (const QString problem = config.validate(); !problem.isEmpty()) {
        d->error = Error::ConfigurationError;
        d->errorString = problem;
    }
}

SocketClient::~SocketClient()
{
    d->closedByUser = true;
    // Every future finishes: no signal any more, and nothing may delete this twice.
    QSignalBlocker blocker(this);
    (void)d->failAll(RequestException::Reason::Closed, false);
    d->reconnectTimer.stop();
    d->heartBeatTimer.stop();
    d->heartBeatDeadline.stop();
    d->openDeadline.stop();
    // A close frame (1001, going away) so the server sees an orderly end, not 1006. No
    // signal reaches this client any more; the socket is deleted with it.
    d->closeSocket(QWebSocketProtocol::CloseCodeGoingAway, QString());
    // The client may be deleted from a slot of its socket's own signal (a message, an
    // error): Qt goes on using the socket after the slot returns, so the sockets must
    // outlive this destructor instead of going with the client's children.
    QObject *const keeper = QCoreApplication::instance() && QCoreApplication::instance()->thread() == thread()
        ? QCoreApplication::instance()
        : nullptr;
    const QList<QWebSocket *> sockets = findChildren<QWebSocket *>(Qt::FindDirectChildrenOnly);
    for (QWebSocket *ws : sockets) {
        QObject::disconnect(ws, nullptr, this, nullptr);
        ws->setParent(keeper); // deleted at exit at the latest
        ws->deleteLater();
    }
}

SocketConfig SocketClient::config() const
{
    return d->config;
}

void SocketClient::setConfig(const SocketConfig &config)
{
    if (d->config == config)
        return;
    d->config = config;
    if (const QString problem = config.validate(); !problem.isEmpty()) {
        if (!d->setError(Error::ConfigurationError, problem))
            return;
    } else if (d->error == Error::ConfigurationError) {
        d->error = Error::NoError;
        d->errorString.clear();
    }
    Q_EMIT configChanged();
}

QJsonObject SocketClient::authData() const
{
    return d->authData;
}

void SocketClient::setAuthData(const QJsonObject &authData)
{
    if (d->authData == authData)
        return;
    d->authData = authData;
    Q_EMIT authDataChanged();
}

SocketClient::State SocketClient::state() const
{
    return d->state;
}

int SocketClient::reconnectAttempt() const
{
    return d->attempt;
}

bool SocketClient::registerHandler(const QString &name, SocketHandler *handler)
{
    // A client runs every handler on its own thread (Affinity::Server).
    QString error;
    if (!d->handlers.add(name, handler, false, HandlerRegistry::Affinity::Server, &error)) {
        (void)d->setError(Error::HandlerError, error);
        return false;
    }
    return true;
}

bool SocketClient::registerHandler(const QString &name, ResponseFunction function)
{
    QString error;
    if (!d->handlers.add(name, std::move(function), HandlerRegistry::Affinity::Server, &error)) {
        (void)d->setError(Error::HandlerError, error);
        return false;
    }
    return true;
}

bool SocketClient::unregisterHandler(const QString &name)
{
    return d->handlers.remove(name);
}

int SocketClient::loadHandlers(const QString &directory)
{
    // A false setError() means a slot deleted the client, and the registry with it.
    return d->handlers.loadDirectory(directory, d->config.log(), [this](const QString &message) {
        return d->setError(Error::HandlerError, message);
    });
}

bool SocketClient::open()
{
    if (d->state != State::Disconnected)
        return true;
    const QString problem = d->config.validate();
    if (!problem.isEmpty()) {
        (void)d->setError(Error::ConfigurationError, problem);
        return false;
    }
    bool secure = false;
    for (const QUrl &url : d->config.addresses()) {
        if (!url.isValid() || (url.scheme() != u"ws" && url.scheme() != u"wss")) {
            (void)d->setError(Error::ConfigurationError,
                        tr("Configuration key \"address\" must be a ws:// or wss:// URL, not \"%1\"").arg(url.toString()));
            return false;
        }
        secure = secure || url.scheme() == u"wss";
    }
    d->tlsConfiguration = QSslConfiguration::defaultConfiguration();
    if (secure && !d->config.tlsCaCertificates().isEmpty()) {
        const QList<QSslCertificate> cas = QSslCertificate::fromPath(d->config.tlsCaCertificates(), QSsl::Pem);
        if (cas.isEmpty()) {
            (void)d->setError(Error::ConfigurationError,
                        tr("No PEM certificate could be read from %1 (configuration key \"tlsCaCertificates\")")
                            .arg(d->config.tlsCaCertificates()));
            return false;
        }
        d->tlsConfiguration.addCaCertificates(cas);
    }
    if (d->config.encryption() && (!d->globalKey || d->globalKeyFor != d->config.authKey())) {
        QString cryptoError;
        const QByteArray key = FrameCipher::deriveGlobalKey(d->config.authKey(), &cryptoError);
        AesGcm::Error keyError = AesGcm::Error::None;
        // One fetch and one key schedule for this client and all its reconnects.
        d->globalKey = key.isEmpty() ? nullptr : AesGcm::Key::create(AesGcm::Algorithm::fetch(&keyError), key, &keyError);
        if (!d->globalKey) {
            (void)d->setError(Error::CryptoError, key.isEmpty() ? cryptoError : AesGcm::describe(keyError));
            return false;
        }
        d->globalKeyFor = d->config.authKey();
    }
    d->activeConfig = d->config; // the connection and its reconnects keep this one
    d->addressIndex = 0;
    d->spreadNextReconnect = false;
    d->reauthenticating = false;
    d->watchNetwork();
    d->closedByUser = false;
    d->forgetResume(); // open() starts a fresh session
    if (!d->setAttempt(0) || !d->setState(State::Connecting) || d->closedByUser)
        return true; // a slot deleted or closed the client
    d->connectSocket();
    return true;
}

void SocketClient::close()
{
    d->closedByUser = true;
    d->forgetResume(); // close(): the next open() starts a fresh session
    d->reconnectTimer.stop();
    d->heartBeatTimer.stop();
    d->heartBeatDeadline.stop();
    d->openDeadline.stop();
    d->codec.clearSessionKey();
    const bool wasOpen = d->state == State::Authenticating || d->state == State::Connected;
    // With a close frame (1000) when open, so the server sees an orderly end.
    d->closeSocket(QWebSocketProtocol::CloseCodeNormal, QString());
    if (!d->setAttempt(0) || !d->setState(State::Disconnected) || !d->failAll(RequestException::Reason::Closed))
        return;
    if (wasOpen && d->state == State::Disconnected)
        Q_EMIT disconnected(QWebSocketProtocol::CloseCodeNormal, QString());
}

bool SocketClient::send(const QString &request, const QJsonValue &data)
{
    if (d->queueing(false) && d->activeConfig.offlineQueueSize() > 0) {
        // Not connected yet, or again: the offline queue, sent once authenticated.
        QByteArray json = Message::encodeRequest(request, data);
        const qint64 bytes = json.size();
        SocketClientPrivate::Failure failure;
        if (d->enqueue({request, std::move(json), 0, bytes, {}}, &failure))
            return true;
        QPointer<SocketClient> alive(this);
        if (!d->setError(Error::LimitExceeded, failure.message))
            return false;
        (void)d->failSend(request, failure.reason, failure.message);
        return false;
    }
    if (!d->socket || d->socket->state() != QAbstractSocket::ConnectedState) {
        (void)d->setError(Error::NotConnected, tr("Cannot send \"%1\": not connected").arg(request));
        return false;
    }
    return d->sendJson(Message::encodeRequest(request, data), &request);
}

QFuture<QJsonValue> SocketClient::request(const QString &name, const QJsonValue &data, std::chrono::milliseconds timeout,
                                          RequestOptions options)
{
    auto promise = std::make_shared<QPromise<QJsonValue>>();
    QFuture<QJsonValue> future = promise->future();
    promise->start();
    const qint64 id = d->nextRequestId++;
    SocketClientPrivate::PendingRequest &r = d->requests[id];
    r.name = name;
    r.json = Message::encodeRequest(name, data);
    r.promise = promise;
    r.deadline = timeout.count() > 0 ? QDeadlineTimer(timeout) : QDeadlineTimer(QDeadlineTimer::Forever);
    r.retryable = options.testFlag(RequestOption::Retryable);
    const qint64 bytes = r.json.size();
    if (timeout.count() > 0 && (!d->requestTimer.isActive() || d->requestTimer.remainingTimeAsDuration() > timeout))
        d->requestTimer.start(timeout);
    if (d->state == State::Connected && d->socket) {
        d->sendRequest(id); // fails the future (Rejected) if it cannot be sent
        return future;
    }
    if (!d->queueing(true)) {
        (void)d->failRequest(id, RequestException::Reason::NotConnected,
                             d->failureText(RequestException::Reason::NotConnected, name));
        return future;
    }
    SocketClientPrivate::Failure failure;
    if (!d->enqueue({name, {}, id, bytes, {}}, &failure))
        (void)d->failRequest(id, failure.reason, failure.message);
    return future;
}

int SocketClient::pendingRequestCount() const
{
    return int(d->requests.size());
}

int SocketClient::queuedMessageCount() const
{
    return int(d->queue.size());
}

bool SocketClient::serverEchoesRequestIds() const
{
    return d->serverEchoesIds;
}

bool SocketClient::reauthenticate(const QJsonObject &authData)
{
    setAuthData(authData);
    if (d->state != State::Connected || !d->socket)
        return false;
    // Until the answer: no heartbeat (it would be sealed with the old key after the
    // server switched), and new messages wait in the offline queue.
    d->heartBeatTimer.stop();
    d->heartBeatDeadline.stop();
    d->reauthenticating = true;
    if (!d->setState(State::Authenticating) || d->state != State::Authenticating)
        return true;
    if (d->activeConfig.authTimeout() > 0)
        d->openDeadline.start(d->activeConfig.authTimeout());
    d->sendAuthRequest();
    return true;
}

SocketClient::Error SocketClient::error() const
{
    return d->error;
}

QString SocketClient::errorString() const
{
    return d->errorString;
}

qint64 SocketClient::backoffDelay(int attempt, int baseDelay, int maxDelay)
{
    if (attempt < 1)
        return 0;
    const int shift = std::min(attempt - 1, 40); // beyond 2^40 the cap applies anyway
    const qint64 delay = qint64(baseDelay) << shift;
    return std::min(delay, qint64(maxDelay));
}

} // namespace Stonyx::Sockets
