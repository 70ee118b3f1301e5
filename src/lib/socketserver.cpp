// SPDX-License-Identifier: MIT
#include "socketserver.h"
#include "message_p.h"
#include "sendbuffer_p.h"
#include "socketserver_p.h"

#include <QDir>
#include <limits>
#include <QFile>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslServer>
#include <QTimer>
#include <QWebSocketCorsAuthenticator>

namespace Stonyx::Sockets {

Q_LOGGING_CATEGORY(lcServer, "stonyx.sockets.server", QtInfoMsg)

namespace {

QHostAddress hostAddress(const QString &host)
{
    if (host == u"localhost")
        return QHostAddress(QHostAddress::LocalHost);
    if (host == u"any" || host == u"*")
        return QHostAddress(QHostAddress::Any);
    return QHostAddress(host);
}

QString describe(const SocketConnection *c)
{
    return QStringLiteral("#%1 (%2)").arg(c->id()).arg(c->peerAddress().toString());
}

} // namespace

SocketServerPrivate::SocketServerPrivate(SocketServer *qq, const SocketConfig &cfg)
    : q(qq)
    , config(cfg)
{
}

bool SocketServerPrivate::loadTlsConfiguration(QSslConfiguration *configuration)
{
    if (sslConfigurationSet) {
        *configuration = sslConfiguration;
        return true;
    }
    if (config.tlsCertificate().isEmpty())
        return true; // plain ws://
    auto fail = [this](const QString &message) {
        setError(SocketServer::Error::TlsError, message);
        return false;
    };
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(config.tlsCertificate(), QSsl::Pem);
    if (chain.isEmpty())
        return fail(SocketServer::tr("No PEM certificate could be read from %1 (configuration key \"tlsCertificate\")")
                        .arg(config.tlsCertificate()));
    QFile keyFile(config.tlsPrivateKey());
    if (!keyFile.open(QIODevice::ReadOnly))
        return fail(SocketServer::tr("Cannot read the private key %1: %2").arg(config.tlsPrivateKey(), keyFile.errorString()));
    const QByteArray pem = keyFile.readAll();
    QSslKey key(pem, QSsl::Rsa, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(pem, QSsl::Ec, QSsl::Pem);
    if (key.isNull())
        return fail(SocketServer::tr("%1 holds no RSA or EC private key in PEM form (configuration key \"tlsPrivateKey\")")
                        .arg(config.tlsPrivateKey()));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificateChain(chain);
    tls.setPrivateKey(key);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone); // clients are not asked for certificates
    *configuration = tls;
    return true;
}

bool SocketServerPrivate::ensureGlobalKey()
{
    if (!config.encryption() || (!globalKey.isEmpty() && globalKeyFor == config.authKey()))
        return true;
    QString cryptoError;
    globalKey = FrameCipher::deriveGlobalKey(config.authKey(), &cryptoError);
    if (globalKey.isEmpty()) {
        setError(SocketServer::Error::CryptoError, cryptoError);
        return false;
    }
    globalKeyFor = config.authKey();
    return true;
}

void SocketServerPrivate::setError(SocketServer::Error e, const QString &message)
{
    error = e;
    errorString = message;
    Q_EMIT q->errorOccurred(e);
}

void SocketServerPrivate::onTcpConnection()
{
    while (tcpServer && tcpServer->hasPendingConnections()) {
        QTcpSocket *socket = tcpServer->nextPendingConnection();
        if (!socket)
            break;
        purgeUnauthenticated();
        const QString address = socket->peerAddress().toString();
        const int total = int(unauthenticated.size());
        const int fromAddress = unauthenticatedFrom(address);
        const int maxTotal = config.maxUnauthenticated();
        const int maxPerAddress = config.maxUnauthenticatedPerAddress();
        if ((maxTotal > 0 && total >= maxTotal) || (maxPerAddress > 0 && fromAddress >= maxPerAddress)) {
            // Refused before the WebSocket handshake costs anything.
            const QString reason = maxTotal > 0 && total >= maxTotal
                ? SocketServer::tr("%n unauthenticated connection(s) open in total", nullptr, total)
                : SocketServer::tr("%n unauthenticated connection(s) open from this address", nullptr, fromAddress);
            qCWarning(lcServer, "Refusing a connection from %s: %s", qUtf8Printable(address), qUtf8Printable(reason));
            Q_EMIT q->clientRejected(0, SocketServer::Error::LimitExceeded,
                                     SocketServer::tr("Refused a connection from %1: %2").arg(address, reason));
            socket->abort();
            socket->deleteLater();
            continue;
        }
        unauthenticated.insert(socket, {socket, address});
        // Qt's own handshake timeout drops the socket silently; this one says so. The
        // socket may outlive the server (close() hands it to Qt's server to finish).
        QTimer::singleShot(config.handshakeTimeout(), socket, [this, server = QPointer<SocketServer>(q), socket] {
            if (!server || !unauthenticated.contains(socket))
                return; // gone, or upgraded: the connection took its place
            const QString peer = socket->peerAddress().toString();
            qCWarning(lcServer, "Dropping a connection from %s: no WebSocket handshake within %d ms",
                      qUtf8Printable(peer), config.handshakeTimeout());
            Q_EMIT q->clientRejected(0, SocketServer::Error::Timeout,
                                     SocketServer::tr("A connection from %1 sent no WebSocket handshake within %2 ms")
                                         .arg(peer)
                                         .arg(config.handshakeTimeout()));
            socket->abort();
        });
        // Before Qt connects its own slots to the socket (see InboundMonitor).
        new InboundMonitor(socket, config.messageTimeout(), socket);
        webSocketServer->handleConnection(socket);
    }
}

void SocketServerPrivate::releaseUnauthenticated(QObject *key)
{
    unauthenticated.remove(key);
}

// Sockets that died during their handshake leave stale entries; Qt does not keep our
// connections to a TCP socket it upgrades, so they are found by their null pointer.
void SocketServerPrivate::purgeUnauthenticated()
{
    unauthenticated.removeIf([](const auto &entry) { return entry.value().object.isNull(); });
}

int SocketServerPrivate::unauthenticatedFrom(const QString &address) const
{
    return int(std::count_if(unauthenticated.cbegin(), unauthenticated.cend(),
                             [&](const Unauthenticated &u) { return u.address == address; }));
}

void SocketServerPrivate::onNewConnection()
{
    while (QWebSocket *socket = webSocketServer->nextPendingConnection()) {
        SocketConnection *connection = createConnection(socket);
        // Find the TCP socket under it (same peer address and port) and let the
        // connection take over its place among the unauthenticated.
        purgeUnauthenticated();
        for (auto it = unauthenticated.begin(); it != unauthenticated.end(); ++it) {
            auto *tcp = qobject_cast<QTcpSocket *>(it->object.data());
            if (tcp && tcp->peerPort() == socket->peerPort() && tcp->peerAddress() == socket->peerAddress()) {
                connection->d->tcpSocket = tcp;
                watchInbound(connection, tcp);
                const QString address = it->address;
                unauthenticated.erase(it);
                unauthenticated.insert(connection, {connection, address});
                break;
            }
        }
    }
}

void SocketServerPrivate::watchInbound(SocketConnection *connection, QTcpSocket *tcp)
{
    auto *monitor = tcp->findChild<InboundMonitor *>(QString(), Qt::FindDirectChildrenOnly);
    if (!monitor) // not accepted through onTcpConnection(): watch from now on
        monitor = new InboundMonitor(tcp, config.messageTimeout(), connection);
    monitor->setParent(connection);
    monitor->attach(connection->d->socket);
    connection->d->inbound = monitor;
    // Qt 6.4.2 accepts unmasked frames from a client; RFC 6455 §5.1 says to close.
    QObject::connect(monitor, &InboundMonitor::invalidFrame, connection, [this, connection] {
        reject(connection, SocketServer::Error::InvalidMessage, QWebSocketProtocol::CloseCodeProtocolError,
               SocketServer::tr("invalid WebSocket frame (unmasked, a reserved opcode or a control frame over 125 bytes)"));
    });
    QObject::connect(monitor, &InboundMonitor::messageTimedOut, connection, [this, connection] {
        reject(connection, SocketServer::Error::Timeout, QWebSocketProtocol::CloseCodePolicyViolated,
               SocketServer::tr("message not complete within %1 ms").arg(config.messageTimeout()));
    });
}

void SocketServerPrivate::detach(SocketConnection *connection)
{
    SocketConnection::Private *cd = connection->d.get();
    QObject::disconnect(cd->socket, nullptr, connection, nullptr);
    for (QTimer *timer : {cd->authTimer, cd->idleTimer}) {
        if (!timer)
            continue;
        timer->stop();
        QObject::disconnect(timer, nullptr, connection, nullptr);
        timer->deleteLater(); // it may be the one whose timeout brought us here
    }
    cd->authTimer = nullptr;
    cd->idleTimer = nullptr;
    if (cd->inbound)
        QObject::disconnect(cd->inbound, nullptr, connection, nullptr);
    QObject::disconnect(&cd->drainBacklog, nullptr, connection, nullptr);
    cd->drainBacklog.stop();
    cd->backlog.clear();
    cd->server = nullptr;
}

SocketConnection *SocketServerPrivate::createConnection(QWebSocket *socket)
{
    auto dd = std::make_unique<SocketConnection::Private>();
    dd->server = q;
    dd->socket = socket;
    dd->id = nextId++;
    dd->peerAddress = socket->peerAddress();
    dd->peerPort = socket->peerPort();
    if (config.encryption())
        dd->globalCipher.setKey(globalKey);
    auto *connection = new SocketConnection(std::move(dd), q);
    socket->setParent(connection);
    SocketConnection::Private *cd = connection->d.get();

    // Limits on what the peer may send; encrypted frames carry IV and tag on top.
    const qint64 overhead = config.encryption() ? FrameCipher::Overhead : 0;
    socket->setMaxAllowedIncomingMessageSize(quint64(config.maxMessageSize() + overhead));
    socket->setMaxAllowedIncomingFrameSize(quint64(config.maxFrameSize() + overhead));
    // One frame per message: Qt 6.4 decodes each text frame on its own, so a long
    // plain message split across frames could cut a UTF-8 sequence (close 1007).
    socket->setOutgoingFrameSize(QWebSocket::maxOutgoingFrameSize());

    cd->lastActivity.start();
    cd->rateClock.start();
    cd->rate = RateLimiter(config.rateLimit(), config.rateBurst(), 0);
    cd->drainBacklog.setSingleShot(true);
    QObject::connect(&cd->drainBacklog, &QTimer::timeout, connection, [this, connection] { onDrainBacklog(connection); });
    if (config.authTimeout() > 0) {
        cd->authTimer = new QTimer(connection);
        cd->authTimer->setSingleShot(true);
        QObject::connect(cd->authTimer, &QTimer::timeout, connection, [this, connection] {
            reject(connection, SocketServer::Error::Timeout, QWebSocketProtocol::CloseCodePolicyViolated,
                   SocketServer::tr("not authenticated within %1 ms").arg(config.authTimeout()));
        });
        cd->authTimer->start(config.authTimeout());
    }
    if (config.idleHeartBeats() > 0) {
        cd->idleTimer = new QTimer(connection);
        QObject::connect(cd->idleTimer, &QTimer::timeout, connection, [this, connection] { onIdleCheck(connection); });
        cd->idleTimer->start(config.heartBeatInterval());
    }
    QObject::connect(socket, &QWebSocket::pong, connection, [cd] { cd->lastActivity.restart(); });

    QObject::connect(socket, &QWebSocket::binaryMessageReceived, connection,
                     [this, connection](const QByteArray &frame) { onFrame(connection, frame); });
    QObject::connect(socket, &QWebSocket::textMessageReceived, connection,
                     [this, connection](const QString &text) { onFrame(connection, text.toUtf8()); });
    QObject::connect(socket, &QWebSocket::disconnected, connection,
                     [this, connection] { onDisconnected(connection); });

    clients.insert(connection->id(), connection);
    if (config.log())
        qCInfo(lcServer, "Client %s connected", qUtf8Printable(describe(connection)));
    Q_EMIT q->clientConnected(connection->id());
    Q_EMIT q->clientCountChanged(int(clients.size()));
    return connection;
}

void SocketServerPrivate::onDisconnected(SocketConnection *connection)
{
    if (!clients.remove(connection->id()))
        return;
    releaseUnauthenticated(connection);
    SocketConnection::Private *cd = connection->d.get();
    // The code and reason of the close we sent; else what the peer's close frame said
    // (or Qt's own close, e.g. 1009); else the connection was lost without a close
    // frame: 1006, not the 1000 QWebSocket::closeCode() reports by default.
    int code = cd->closeCode;
    QString reason = cd->closeReason;
    if (!code) {
        const bool closeFrame = !cd->inbound || cd->inbound->closeFrameReceived() || cd->inbound->closeFrameSent();
        code = closeFrame ? int(cd->socket->closeCode()) : int(QWebSocketProtocol::CloseCodeAbnormalDisconnection);
        reason = closeFrame ? cd->socket->closeReason() : QString();
    }
    // Qt closed it on its own (a message or frame above the limits, a protocol error):
    // a per-client rejection like the ones this server makes itself.
    if (!cd->closeCode && cd->inbound && cd->inbound->closeFrameSent()) {
        const bool tooBig = code == QWebSocketProtocol::CloseCodeTooMuchData;
        Q_EMIT q->clientRejected(cd->id, tooBig ? SocketServer::Error::LimitExceeded : SocketServer::Error::InvalidMessage,
                                 reason.isEmpty() ? SocketServer::tr("closed by the WebSocket layer with code %1").arg(code) : reason);
    }
    cd->drainBacklog.stop();
    cd->backlog.clear();
    cd->sessionCipher.clear();
    cd->globalCipher.clear();
    cd->closing = true; // gone: a deferred reply resolved from now on sends nothing
    if (!cd->closeCode && code != QWebSocketProtocol::CloseCodeNormal && code != QWebSocketProtocol::CloseCodeGoingAway)
        qCWarning(lcServer, "Client %s closed with code %d%s%s", qUtf8Printable(describe(connection)), code,
                  reason.isEmpty() ? "" : ": ", qUtf8Printable(reason));
    if (config.log())
        qCInfo(lcServer, "Client %s disconnected (code %d%s%s)", qUtf8Printable(describe(connection)), code,
               reason.isEmpty() ? "" : ": ", qUtf8Printable(reason));
    Q_EMIT q->clientDisconnected(connection->id(), code, reason);
    Q_EMIT q->clientCountChanged(int(clients.size()));
    if (cd->socket->state() == QAbstractSocket::UnconnectedState)
        connection->deleteLater();
}

void SocketServerPrivate::reject(SocketConnection *connection, SocketServer::Error e, int closeCode, const QString &reason)
{
    if (connection->d->closing)
        return;
    qCWarning(lcServer, "Closing client %s: %s", qUtf8Printable(describe(connection)), qUtf8Printable(reason));
    connection->close(closeCode, reason);
    Q_EMIT q->clientRejected(connection->d->id, e, reason);
}

void SocketServerPrivate::drop(SocketConnection *connection, SocketServer::Error e, int closeCode, const QString &reason)
{
    SocketConnection::Private *cd = connection->d.get();
    if (cd->closing)
        return;
    qCWarning(lcServer, "Dropping client %s: %s", qUtf8Printable(describe(connection)), qUtf8Printable(reason));
    cd->closing = true;
    cd->closeCode = closeCode;
    cd->closeReason = reason;
    cd->socket->abort();
    Q_EMIT q->clientRejected(cd->id, e, reason);
}

void SocketServerPrivate::onIdleCheck(SocketConnection *connection)
{
    SocketConnection::Private *cd = connection->d.get();
    // Throttled: the server is the one not reading (and not reading the pongs either),
    // while the peer has sent more than it may. That is not silence.
    if (!cd->backlog.isEmpty()) {
        cd->lastActivity.restart();
        return;
    }
    const qint64 idle = cd->lastActivity.elapsed();
    const qint64 limit = qint64(config.idleHeartBeats()) * config.heartBeatInterval();
    if (idle >= limit) {
        reject(connection, SocketServer::Error::Timeout, QWebSocketProtocol::CloseCodeGoingAway,
               SocketServer::tr("no heartbeat or message for %1 ms").arg(idle));
        return;
    }
    // A quiet peer is asked for a pong, which also counts as life.
    if (idle >= config.heartBeatInterval() && cd->socket->state() == QAbstractSocket::ConnectedState)
        cd->socket->ping();
}

void SocketServerPrivate::onFrame(SocketConnection *connection, const QByteArray &frame)
{
    SocketConnection::Private *cd = connection->d.get();
    if (cd->closing)
        return;
    cd->lastActivity.restart();
    if (config.rateLimit() <= 0) {
        dispatchFrame(connection, frame);
        return;
    }
    const bool throttle = config.rateLimitPolicy() == SocketConfig::RateLimitPolicy::Throttle;
    // Throttled: messages keep their order behind those already waiting.
    if (throttle && !cd->backlog.isEmpty()) {
        cd->backlog.append(frame);
        return;
    }
    if (cd->rate.tryTake(cd->rateClock.nsecsElapsed())) {
        dispatchFrame(connection, frame);
        return;
    }
    if (!throttle) {
        reject(connection, SocketServer::Error::LimitExceeded, QWebSocketProtocol::CloseCodePolicyViolated,
               SocketServer::tr("more than %1 messages per second").arg(config.rateLimit()));
        return;
    }
    // Too fast: keep the message (nothing is lost), stop reading from the socket (TCP
    // backpressure slows the sender, and only it), and go on when the rate allows.
    cd->backlog.append(frame);
    if (cd->inbound)
        cd->inbound->pause();
    cd->drainBacklog.start(int(cd->rate.msUntilToken()));
    if (!cd->throttleLogged) {
        cd->throttleLogged = true;
        qCInfo(lcServer, "Throttling client %s: more than %d messages per second", qUtf8Printable(describe(connection)),
               config.rateLimit());
    }
}

void SocketServerPrivate::onDrainBacklog(SocketConnection *connection)
{
    SocketConnection::Private *cd = connection->d.get();
    QPointer<SocketConnection> guard(connection);
    while (!cd->closing && !cd->backlog.isEmpty() && cd->rate.tryTake(cd->rateClock.nsecsElapsed())) {
        dispatchFrame(connection, cd->backlog.takeFirst());
        if (!guard || !connection->d->server)
            return;
    }
    if (cd->closing) {
        cd->backlog.clear();
    } else if (!cd->backlog.isEmpty()) {
        // At most about a second apart (one token at a rate of at least 1/s), well
        // within the 5 s that Qt waits for the rest of a frame.
        if (cd->inbound)
            cd->inbound->holdPaused();
        cd->drainBacklog.start(int(cd->rate.msUntilToken()));
    } else if (cd->inbound) {
        cd->inbound->resume();
    }
}

void SocketServerPrivate::dispatchFrame(SocketConnection *connection, const QByteArray &frame)
{
    SocketConnection::Private *cd = connection->d.get();
    if (cd->closing)
        return;

    // 1. Decrypt and parse.
    QByteArray plain;
    const QByteArray *json = &frame;
    if (config.encryption()) {
        FrameCipher &cipher = cd->authenticated ? cd->sessionCipher : cd->globalCipher;
        if (!cipher.open(frame, &plain)) {
            reject(connection, SocketServer::Error::InvalidMessage, QWebSocketProtocol::CloseCodeWrongDatatype,
                   SocketServer::tr("invalid frame: %1").arg(cipher.errorString()));
            return;
        }
        json = &plain;
    }
    Message::Incoming message;
    QString problem;
    switch (Message::decode(*json, u"data", &message, &problem)) {
    case Message::DecodeResult::Ok:
        break;
    case Message::DecodeResult::NotAnObject:
        // Valid JSON, but no message: ignored, as the Node.js library does.
        qCInfo(lcServer, "Ignoring a message from client %s: %s", qUtf8Printable(describe(connection)),
               qUtf8Printable(problem));
        return;
    case Message::DecodeResult::InvalidJson:
        reject(connection, SocketServer::Error::InvalidMessage, QWebSocketProtocol::CloseCodeWrongDatatype,
               SocketServer::tr("invalid message: %1").arg(problem));
        return;
    }
    // 2. The built-in heartbeat.
    if (message.request == Message::HeartBeatRequest) {
        if (cd->authenticated)
            sendMessage(connection, Message::encodeResponse(message.request, true));
        return;
    }

    // 3. Handler lookup. The reference keeps the handler alive until its call returns,
    // even if it is unregistered meanwhile (by a slot below, or by itself).
    const HandlerRegistry::EntryRef entry = handlers.find(message.request);
    if (!entry) {
        qCDebug(lcServer, "Client %s sent a request with no handler: \"%s\"", qUtf8Printable(describe(connection)),
                qUtf8Printable(message.request));
        if (cd->authenticated) // the application may want to see it; never from strangers
            Q_EMIT q->messageReceived(cd->id, message.request, message.payload);
        return;
    }

    // 4. Auth gate.
    const bool isAuth = message.request == Message::AuthRequest;
    if (!isAuth && !entry->skipAuth && !cd->authenticated) {
        reject(connection, SocketServer::Error::Unauthenticated, QWebSocketProtocol::CloseCodePolicyViolated,
               SocketServer::tr("request \"%1\" before authentication").arg(message.request));
        return;
    }
    // Past the gate: authenticated clients, or a handler opened with skipAuth. Auth
    // requests are never reported: they carry the secret.
    if (!isAuth) {
        Q_EMIT q->messageReceived(cd->id, message.request, message.payload);
        if (cd->closing) // a slot may have closed it
            return;
    }

    // 5. Call the handler; a deferred reply comes back through finishRequest() later.
    // The server may go during the call: look again afterwards.
    QPointer<SocketConnection> guard(connection);
    cd->dispatching = message.request;
    const QJsonValue result = entry->handler->handleRequest(message.payload, connection);
    if (!guard || !connection->d->server)
        return;
    cd->dispatching.clear();
    finishRequest(connection, message.request, result);
}

bool SocketServerPrivate::finishRequest(SocketConnection *connection, const QString &request, const QJsonValue &result)
{
    SocketConnection::Private *cd = connection->d.get();
    if (cd->closing || Message::isNothing(result))
        return false;
    if (request != Message::AuthRequest || !Message::isTruthy(result))
        return sendMessage(connection, Message::encodeResponse(request, result));

    // A truthy auth result: authenticate, make the session key, answer under the global key.
    QString sessionKey;
    if (config.encryption()) {
        const QByteArray key = FrameCipher::randomBytes(FrameCipher::KeySize);
        if (key.isEmpty() || !cd->sessionCipher.setKey(key)) {
            reject(connection, SocketServer::Error::CryptoError, QWebSocketProtocol::CloseCodeAbnormalDisconnection,
                   SocketServer::tr("could not create a session key"));
            return false;
        }
        sessionKey = QString::fromLatin1(key.toBase64());
    }
    // The auth response is sealed with the global key (PROTOCOL.md), also on a second
    // auth: the client cannot know the new session key before reading it.
    const bool sent = sendMessage(connection, Message::encodeResponse(request, result, sessionKey), Seal::GlobalKey);
    const bool wasAuthenticated = cd->authenticated;
    cd->authenticated = true;
    if (cd->authTimer)
        cd->authTimer->stop();
    releaseUnauthenticated(connection);
    if (config.log())
        qCInfo(lcServer, "Client %s authenticated%s", qUtf8Printable(describe(connection)),
               wasAuthenticated ? " again" : "");
    if (!wasAuthenticated)
        Q_EMIT connection->authenticatedChanged(true);
    Q_EMIT q->clientAuthenticated(cd->id);
    return sent;
}

bool SocketServerPrivate::checkSendBuffer(SocketConnection *connection)
{
    // A peer that does not read makes Qt's write buffer grow without bound.
    const qint64 queued = queuedAfterFlush(connection->d->socket, 0, config.maxSendBuffer());
    if (queued <= config.maxSendBuffer())
        return true;
    drop(connection, SocketServer::Error::LimitExceeded, QWebSocketProtocol::CloseCodePolicyViolated,
         SocketServer::tr("%1 bytes queued for a client that does not read (limit %2)").arg(queued).arg(config.maxSendBuffer()));
    return false;
}

bool SocketServerPrivate::sendMessage(SocketConnection *connection, const QByteArray &json, Seal seal)
{
    SocketConnection::Private *cd = connection->d.get();
    if (cd->closing)
        return false;
    if (!config.encryption())
        return cd->socket->sendTextMessage(QString::fromUtf8(json)) >= 0 && checkSendBuffer(connection);
    // Before authentication, and for every auth response, the global key.
    FrameCipher &cipher = cd->authenticated && seal == Seal::SessionKey ? cd->sessionCipher : cd->globalCipher;
    const QByteArray frame = cipher.seal(json);
    if (frame.isEmpty()) {
        qCWarning(lcServer, "Could not encrypt a message for client %s: %s", qUtf8Printable(describe(connection)),
                  qUtf8Printable(cipher.errorString()));
        return false;
    }
    return cd->socket->sendBinaryMessage(frame) >= 0 && checkSendBuffer(connection);
}

SocketServer::SocketServer(QObject *parent)
    : SocketServer(SocketConfig::fromEnvironment(), parent)
{
}

SocketServer::SocketServer(const SocketConfig &config, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<SocketServerPrivate>(this, config))
{
    // An invalid configuration (e.g. a bad SOCKET_* variable) is reported from the
    // start; listen() refuses it and emits errorOccurred().
    if (const QString problem = config.validate(); !problem.isEmpty()) {
        d->error = Error::ConfigurationError;
        d->errorString = problem;
    }
}

SocketServer::~SocketServer()
{
    close();
}

SocketConfig SocketServer::config() const
{
    return d->config;
}

void SocketServer::setConfig(const SocketConfig &config)
{
    if (d->config == config)
        return;
    d->config = config;
    if (const QString problem = config.validate(); !problem.isEmpty()) {
        d->setError(Error::ConfigurationError, problem);
    } else if (d->error == Error::ConfigurationError) {
        d->error = Error::NoError;
        d->errorString.clear();
    }
    Q_EMIT configChanged();
}

bool SocketServer::registerHandler(const QString &name, SocketHandler *handler, HandlerOptions options)
{
    // Handlers registered in code keep to the server's thread (Affinity::Server): they
    // may use objects living there, as QML handlers do.
    QString error;
    if (!d->handlers.add(name, handler, options.testFlag(HandlerOption::SkipAuth), HandlerRegistry::Affinity::Server,
                         &error)) {
        d->setError(Error::HandlerError, error);
        return false;
    }
    return true;
}

bool SocketServer::registerHandler(const QString &name, RequestFunction function, HandlerOptions options)
{
    QString error;
    if (!d->handlers.add(name, std::move(function), options.testFlag(HandlerOption::SkipAuth),
                         HandlerRegistry::Affinity::Server, &error)) {
        d->setError(Error::HandlerError, error);
        return false;
    }
    return true;
}

bool SocketServer::unregisterHandler(const QString &name)
{
    return d->handlers.remove(name);
}

QStringList SocketServer::handlerNames() const
{
    return d->handlers.names();
}

int SocketServer::loadHandlers(const QString &directory)
{
    return d->handlers.loadDirectory(directory, d->config.log(), [this](const QString &message) {
        d->setError(Error::HandlerError, message);
        return true;
    });
}

QList<HandlerLoader::Problem> SocketServer::handlerProblems() const
{
    return d->handlers.problems();
}

bool SocketServer::listen()
{
    if (isListening())
        return true;
    const QString problem = d->config.validate();
    if (!problem.isEmpty()) {
        d->setError(Error::ConfigurationError, problem);
        return false;
    }
    if (!d->handlerDirLoaded) {
        d->handlerDirLoaded = true;
        loadHandlers(d->config.handlerDir());
    }
    if (!d->handlers.contains(QStringLiteral("auth"))) {
        d->setError(Error::MissingAuthHandler,
                    tr("The server has no \"auth\" handler: add one to %1 or register one in code")
                        .arg(QDir(d->config.handlerDir()).absolutePath()));
        return false;
    }
    const QHostAddress address = hostAddress(d->config.host());
    if (address.isNull()) {
        d->setError(Error::ConfigurationError,
                    tr("Configuration key \"host\" is not an IP address: \"%1\"").arg(d->config.host()));
        return false;
    }
    if (!d->ensureGlobalKey())
        return false;

    QSslConfiguration tls;
    if (!d->loadTlsConfiguration(&tls))
        return false;
    const bool secure = !tls.isNull();

    // TCP first, so connection caps apply before any handshake work; the WebSocket
    // server only performs handshakes on the sockets handed to it.
    QTcpServer *tcp = nullptr;
    if (secure) {
        auto *sslServer = new QSslServer(this);
        sslServer->setSslConfiguration(tls);
        sslServer->setHandshakeTimeout(d->config.handshakeTimeout());
        connect(sslServer, &QSslServer::errorOccurred, this, [](QSslSocket *socket, QAbstractSocket::SocketError) {
            qCWarning(lcServer, "TLS connection from %s failed: %s", qUtf8Printable(socket->peerAddress().toString()),
                      qUtf8Printable(socket->errorString()));
        });
        tcp = sslServer;
    } else {
        tcp = new QTcpServer(this);
    }
    // Qt's default backlog is 50: after a restart, thousands of reconnecting clients
    // would overflow it and each retry its SYN a second or more later.
    tcp->setListenBacklogSize(d->config.listenBacklog());
    if (!tcp->listen(address, quint16(d->config.port()))) {
        d->setError(Error::ListenError, tr("Cannot listen on %1 port %2: %3")
                                            .arg(d->config.host())
                                            .arg(d->config.port())
                                            .arg(tcp->errorString()));
        delete tcp;
        return false;
    }
    auto *ws = new QWebSocketServer(QStringLiteral("Stonyx Sockets"), QWebSocketServer::NonSecureMode, this);
    // A backstop: our own timer (onTcpConnection) fires first and logs why.
    ws->setHandshakeTimeout(d->config.handshakeTimeout() + 1000);
    connect(ws, &QWebSocketServer::newConnection, this, [this] { d->onNewConnection(); });
    // Without a slot on this signal Qt accepts every Origin.
    connect(ws, &QWebSocketServer::originAuthenticationRequired, this, [this](QWebSocketCorsAuthenticator *authenticator) {
        const QStringList allowed = d->config.allowedOrigins();
        const QString origin = authenticator->origin();
        // Browsers always send an Origin; other clients usually do not.
        const bool ok = allowed.isEmpty() || origin.isEmpty() || allowed.contains(origin);
        authenticator->setAllowed(ok);
        if (!ok)
            qCWarning(lcServer, "Refusing a WebSocket handshake from Origin %s: not in allowedOrigins", qUtf8Printable(origin));
    });
    connect(tcp, &QTcpServer::pendingConnectionAvailable, this, [this] { d->onTcpConnection(); });
    d->tcpServer = tcp;
    d->webSocketServer = ws;
    if (d->config.log())
        qCInfo(lcServer, "Listening on %s (encryption %s%s)", qUtf8Printable(serverUrl().toString()),
               d->config.encryption() ? "on" : "off", secure ? ", TLS" : "");
    Q_EMIT listeningChanged(true);
    return true;
}

void SocketServer::setSslConfiguration(const QSslConfiguration &configuration)
{
    d->sslConfiguration = configuration;
    d->sslConfigurationSet = !configuration.isNull();
}

QSslConfiguration SocketServer::sslConfiguration() const
{
    return d->sslConfiguration;
}

void SocketServer::close()
{
    if (!d->tcpServer)
        return;
    QTcpServer *tcp = std::exchange(d->tcpServer, nullptr);
    QWebSocketServer *ws = std::exchange(d->webSocketServer, nullptr);
    tcp->close();
    ws->close();
    const QList<SocketConnection *> open = d->clients.values();
    for (SocketConnection *connection : open) {
        connection->close(QWebSocketProtocol::CloseCodeGoingAway, tr("server shutting down"));
        // Report the client gone now rather than when its close handshake completes...
        d->onDisconnected(connection);
        // ...but let the close frame reach it: destroying the socket now would reset the
        // TCP connection and the peer could lose the frame. The connection no longer
        // refers to this server (no timer or slot of it calls back), so it may outlive it.
        QWebSocket *socket = connection->d->socket;
        d->detach(connection);
        connection->setParent(nullptr);
        QObject::connect(socket, &QWebSocket::disconnected, connection, &QObject::deleteLater);
        QTimer::singleShot(2000, connection, &QObject::deleteLater);
    }
    d->unauthenticated.clear();
    // The TCP sockets are children of the TCP server: it must live until they are gone.
    tcp->disconnect(this);
    tcp->setParent(nullptr);
    ws->setParent(tcp);
    if (open.isEmpty()) {
        tcp->deleteLater();
    } else {
        auto remaining = std::make_shared<qsizetype>(open.size());
        for (SocketConnection *connection : open)
            QObject::connect(connection, &QObject::destroyed, tcp, [tcp, remaining] {
                if (--*remaining == 0)
                    tcp->deleteLater();
            });
    }
    Q_EMIT listeningChanged(false);
}

bool SocketServer::isListening() const
{
    return d->tcpServer && d->tcpServer->isListening();
}

QUrl SocketServer::serverUrl() const
{
    if (!isListening())
        return {};
    QUrl url;
    url.setScheme(qobject_cast<QSslServer *>(d->tcpServer) ? QStringLiteral("wss") : QStringLiteral("ws"));
    QHostAddress address = d->tcpServer->serverAddress();
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4)
        address = QHostAddress::LocalHost;
    else if (address == QHostAddress::AnyIPv6)
        address = QHostAddress::LocalHostIPv6;
    url.setHost(address.toString());
    url.setPort(d->tcpServer->serverPort());
    return url;
}

quint16 SocketServer::serverPort() const
{
    return isListening() ? d->tcpServer->serverPort() : 0;
}

int SocketServer::clientCount() const
{
    return int(d->clients.size());
}

QList<qint64> SocketServer::clientIds() const
{
    return d->clients.keys();
}

SocketConnection *SocketServer::client(qint64 id) const
{
    return d->clients.value(id);
}

bool SocketServer::sendTo(qint64 id, const QString &request, const QJsonValue &response)
{
    SocketConnection *connection = d->clients.value(id);
    return connection && d->sendMessage(connection, Message::encodeResponse(request, response));
}

int SocketServer::broadcast(const QString &request, const QJsonValue &response)
{
    const QByteArray json = Message::encodeResponse(request, response);
    int sent = 0;
    for (SocketConnection *connection : std::as_const(d->clients)) {
        if (connection->isAuthenticated() && d->sendMessage(connection, json))
            ++sent;
    }
    return sent;
}

int SocketServer::sendToByMeta(const QString &key, const QJsonValue &value, const QString &request,
                               const QJsonValue &response)
{
    const QByteArray json = Message::encodeResponse(request, response);
    int sent = 0;
    for (SocketConnection *connection : std::as_const(d->clients)) {
        if (connection->isAuthenticated() && connection->metadataValue(key) == value && d->sendMessage(connection, json))
            ++sent;
    }
    return sent;
}

QString SocketServer::errorText(Error error)
{
    switch (error) {
    case Error::NoError:
        return tr("No error");
    case Error::ConfigurationError:
        return tr("The configuration is invalid");
    case Error::MissingAuthHandler:
        return tr("The server has no \"auth\" handler");
    case Error::HandlerError:
        return tr("A handler could not be registered or loaded");
    case Error::ListenError:
        return tr("The address could not be bound");
    case Error::CryptoError:
        return tr("Key derivation or encryption failed");
    case Error::InvalidMessage:
        return tr("A client sent invalid input");
    case Error::Unauthenticated:
        return tr("A client used a handler before authenticating");
    case Error::LimitExceeded:
        return tr("A client crossed a limit");
    case Error::Timeout:
        return tr("A client did not act in time");
    case Error::TlsError:
        return tr("The TLS certificate or key could not be used");
    }
    return {};
}

SocketServer::Error SocketServer::error() const
{
    return d->error;
}

QString SocketServer::errorString() const
{
    return d->errorString;
}

} // namespace Stonyx::Sockets
