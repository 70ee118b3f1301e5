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
#include <QSslSocket>
#include <QTimer>
#include <QWebSocketCorsAuthenticator>

#include <openssl/crypto.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <algorithm>
#include <functional>

namespace Stonyx::Sockets {

Q_LOGGING_CATEGORY(lcServer, "stonyx.sockets.server", QtInfoMsg)

namespace {

// Adapts a callable to the handler interface so that both kinds dispatch alike.
class FunctionHandler final : public SocketHandler
{
public:
    explicit FunctionHandler(RequestFunction function)
        : m_function(std::move(function))
    {
    }
    QJsonValue handleRequest(const QJsonValue &data, SocketConnection *connection) override
    {
        return m_function(data, connection);
    }

private:
    RequestFunction m_function;
};

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
    clock.start();
    armedMessageDeadlines.wake = [this] { wakeTick(); };
}

void SocketServerPrivate::wakeTick()
{
    if (tick && !tick->isActive())
        tick->start();
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
    QSslConfiguration loaded = QSslConfiguration::defaultConfiguration();
    loaded.setLocalCertificateChain(chain);
    loaded.setPrivateKey(key);
    loaded.setPeerVerifyMode(QSslSocket::VerifyNone); // clients are not asked for certificates
    *configuration = loaded;
    return true;
}

bool SocketServerPrivate::ensureGlobalKey()
{
    if (!config.encryption() || (globalKey && globalKeyFor == config.authKey()))
        return true;
    QString cryptoError;
    QByteArray key = FrameCipher::deriveGlobalKey(config.authKey(), &cryptoError);
    AesGcm::Error keyError = AesGcm::Error::None;
    if (!key.isEmpty()) {
        // One fetch and one key schedule per server; every connection's codec shares it.
        globalKey = AesGcm::Key::create(AesGcm::Algorithm::fetch(&keyError), key, &keyError);
        OPENSSL_cleanse(key.data(), size_t(key.size()));
        if (!globalKey)
            cryptoError = AesGcm::describe(keyError);
    }
    if (!globalKey) {
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

void SocketServerPrivate::onAccepted(qintptr descriptor, const QString &address)
{
    QTcpSocket *socket = secure ? new QSslSocket(sockets) : new QTcpSocket(sockets);
    if (!socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcServer, "Cannot use an accepted connection from %s: %s", qUtf8Printable(address),
                  qUtf8Printable(socket->errorString()));
        ::close(int(descriptor));
        delete socket;
        gate->leave(address);
        return;
    }
    const std::pair<QHostAddress, quint16> key(socket->peerAddress(), socket->peerPort());
    QObject::connect(socket, &QObject::destroyed, q, [this, key, socket] { onPendingSocketGone(key, socket); });
    // Qt's own handshake timeout drops the socket silently; onTick() says so.
    pending.insert(key, {socket, address, clock.elapsed() + config.handshakeTimeout()});
    wakeTick();
    if (!secure) {
        startWebSocketHandshake(socket);
        return;
    }
    auto *ssl = static_cast<QSslSocket *>(socket);
    ssl->setSslConfiguration(tls);
    // Until encrypted, nobody else looks after this socket: a failed TLS handshake ends it.
    QObject::connect(ssl, &QAbstractSocket::errorOccurred, ssl, [ssl](QAbstractSocket::SocketError) {
        qCWarning(lcServer, "TLS connection from %s failed: %s", qUtf8Printable(ssl->peerAddress().toString()),
                  qUtf8Printable(ssl->errorString()));
    });
    QObject::connect(ssl, &QAbstractSocket::disconnected, ssl, &QObject::deleteLater);
    QObject::connect(ssl, &QSslSocket::encrypted, q, [this, ssl] {
        QObject::disconnect(ssl, &QAbstractSocket::errorOccurred, ssl, nullptr);
        QObject::disconnect(ssl, &QAbstractSocket::disconnected, ssl, nullptr);
        startWebSocketHandshake(ssl);
    });
    ssl->startServerEncryption();
}

void SocketServerPrivate::startWebSocketHandshake(QTcpSocket *socket)
{
    // Before Qt connects its own slots to the socket (see InboundMonitor).
    new InboundMonitor(socket, config.messageTimeout(), socket);
    webSocketServer->handleConnection(socket);
}

void SocketServerPrivate::onPendingSocketGone(const std::pair<QHostAddress, quint16> &key, QObject *socket)
{
    if (gate)
        gate->connectionClosed(); // a descriptor is free again
    const auto it = pending.find(key);
    if (it == pending.end() || it->socket != socket)
        return; // upgraded (the connection counts now), or forgotten by close()
    const QString address = it->address;
    pending.erase(it);
    if (gate)
        gate->leave(address);
}

void SocketServerPrivate::releaseAdmission(SocketConnection *connection)
{
    SocketConnection::Private *cd = connection->d.get();
    if (!cd->admitted)
        return;
    cd->admitted = false;
    if (gate)
        gate->leave(cd->admittedAddress);
}

void SocketServerPrivate::onNewConnection()
{
    while (QWebSocket *socket = webSocketServer->nextPendingConnection()) {
        SocketConnection *connection = createConnection(socket);
        // Find the TCP socket under it (same peer address and port): the connection
        // takes over its place among the unauthenticated.
        const auto it = pending.find(std::pair(socket->peerAddress(), socket->peerPort()));
        if (it == pending.end())
            continue;
        SocketConnection::Private *cd = connection->d.get();
        cd->tcpSocket = it->socket;
        cd->admittedAddress = it->address;
        cd->admitted = true;
        pending.erase(it);
        watchInbound(connection, cd->tcpSocket);
    }
}

void SocketServerPrivate::watchInbound(SocketConnection *connection, QTcpSocket *tcp)
{
    auto *monitor = tcp->findChild<InboundMonitor *>(QString(), Qt::FindDirectChildrenOnly);
    if (!monitor) // not accepted through onTcpConnection(): watch from now on
        monitor = new InboundMonitor(tcp, config.messageTimeout(), connection);
    monitor->setParent(connection);
    monitor->attach(connection->d->socket);
    monitor->setArmedCounter(&armedMessageDeadlines);
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
    cd->authDeadline = -1;
    cd->nextIdleCheck = -1;
    if (cd->inbound) {
        cd->inbound->setArmedCounter(nullptr); // the connection may outlive the server
        QObject::disconnect(cd->inbound, nullptr, connection, nullptr);
    }
    if (cd->drainBacklog) {
        cd->drainBacklog->stop();
        QObject::disconnect(cd->drainBacklog.get(), nullptr, connection, nullptr);
    }
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
        dd->codec = SessionCodec(globalKey);
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
    if (config.authTimeout() > 0)
        cd->authDeadline = clock.elapsed() + config.authTimeout();
    if (config.idleHeartBeats() > 0)
        cd->nextIdleCheck = clock.elapsed() + config.heartBeatInterval();
    for (qint64 deadline : {cd->authDeadline, cd->nextIdleCheck}) {
        if (deadline >= 0)
            nextDue = std::min(nextDue, deadline);
    }
    wakeTick();
    QObject::connect(socket, &QWebSocket::pong, connection, [cd] { cd->lastActivity.restart(); });

    QObject::connect(socket, &QWebSocket::binaryMessageReceived, connection,
                     [this, connection](const QByteArray &frame) { onFrame(connection, frame); });
    QObject::connect(socket, &QWebSocket::textMessageReceived, connection,
                     [this, connection](const QString &text) { onFrame(connection, text.toUtf8()); });
    QObject::connect(socket, &QWebSocket::disconnected, connection,
                     [this, connection] { onDisconnected(connection); });

    {
        QMutexLocker locker(&clientsMutex);
        clients.insert(connection->id(), connection);
    }
    if (config.log())
        qCInfo(lcServer, "Client %s connected", qUtf8Printable(describe(connection)));
    Q_EMIT q->clientConnected(connection->id());
    Q_EMIT q->clientCountChanged(int(clients.size()));
    return connection;
}

void SocketServerPrivate::onDisconnected(SocketConnection *connection)
{
    {
        QMutexLocker locker(&clientsMutex);
        if (!clients.remove(connection->id()))
            return;
    }
    releaseAdmission(connection);
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
    if (cd->drainBacklog)
        cd->drainBacklog->stop();
    if (cd->inbound) // gone: no longer counted (the object may outlive the server)
        cd->inbound->setArmedCounter(nullptr);
    wakeTick(); // for trimMemory()
    cd->backlog.clear();
    cd->codec.clearSessionKey();
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

void SocketServerPrivate::startDrainTimer(SocketConnection *connection, int ms)
{
    SocketConnection::Private *cd = connection->d.get();
    if (!cd->drainBacklog) {
        // Only throttled connections pay for a timer of their own.
        cd->drainBacklog = std::make_unique<QTimer>();
        cd->drainBacklog->setSingleShot(true);
        QObject::connect(cd->drainBacklog.get(), &QTimer::timeout, connection,
                         [this, connection] { onDrainBacklog(connection); });
    }
    cd->drainBacklog->start(ms);
}

int SocketServerPrivate::tickInterval() const
{
    // A quarter of the shortest deadline: each fires at most a quarter late.
    int shortest = 1000;
    for (int deadline : {config.handshakeTimeout(), config.authTimeout(), config.messageTimeout(),
                         config.idleHeartBeats() > 0 ? config.heartBeatInterval() : 0}) {
        if (deadline > 0)
            shortest = std::min(shortest, deadline);
    }
    return std::clamp(shortest / 4, 10, 250);
}

void SocketServerPrivate::onTick()
{
    const qint64 now = clock.elapsed();
    // TCP connections without a WebSocket handshake in time.
    QList<std::pair<std::pair<QHostAddress, quint16>, QPointer<QTcpSocket>>> late;
    for (auto it = pending.cbegin(); it != pending.cend(); ++it) {
        if (now >= it->handshakeDeadline)
            late.append({it.key(), it->socket});
    }
    for (const auto &[key, socket] : std::as_const(late)) {
        const auto it = pending.constFind(key);
        if (!socket || it == pending.cend() || it->socket != socket)
            continue;
        pending[key].handshakeDeadline = std::numeric_limits<qint64>::max(); // reported once
        const QString peer = it->address;
        int summary = 0;
        const bool logged = droppedLog.allow(now, &summary);
        if (summary > 0)
            qCWarning(lcServer, "Dropped %d more connections without a WebSocket handshake in the last %lld s",
                      summary, droppedLog.interval() / 1000);
        if (logged)
            qCWarning(lcServer, "Dropping a connection from %s: no WebSocket handshake within %d ms",
                      qUtf8Printable(peer), config.handshakeTimeout());
        Q_EMIT q->clientRejected(0, SocketServer::Error::Timeout,
                                 SocketServer::tr("A connection from %1 sent no WebSocket handshake within %2 ms")
                                     .arg(peer)
                                     .arg(config.handshakeTimeout()));
        if (socket)
            socket->abort();
    }
    // Connections: authentication, liveness and message deadlines. First a cheap scan
    // for the ones due (most are not); then, since a check may close a connection
    // (and a slot may do anything), those are handled through guarded pointers.
    const bool scanDeadlines = now >= nextDue;
    if (!scanDeadlines && armedMessageDeadlines.count <= 0) {
        finishTick(now);
        return;
    }
    constexpr qint64 Never = std::numeric_limits<qint64>::max();
    auto earliest = [](const SocketConnection::Private *cd) {
        qint64 next = Never;
        if (cd->authDeadline >= 0)
            next = cd->authDeadline;
        if (cd->nextIdleCheck >= 0)
            next = std::min(next, cd->nextIdleCheck);
        return next;
    };
    qint64 next = Never;
    QList<QPointer<SocketConnection>> due;
    for (SocketConnection *connection : std::as_const(clients)) {
        const SocketConnection::Private *cd = connection->d.get();
        if (cd->closing || !cd->server)
            continue;
        const qint64 deadline = earliest(cd);
        if (now >= deadline || (cd->inbound && cd->inbound->deadlinePassed()))
            due.append(connection);
        else
            next = std::min(next, deadline);
    }
    for (const QPointer<SocketConnection> &connection : std::as_const(due)) {
        if (!connection || !connection->d->server || connection->d->closing)
            continue;
        SocketConnection::Private *cd = connection->d.get();
        if (cd->authDeadline >= 0 && now >= cd->authDeadline) {
            cd->authDeadline = -1;
            reject(connection, SocketServer::Error::Timeout, QWebSocketProtocol::CloseCodePolicyViolated,
                   SocketServer::tr("not authenticated within %1 ms").arg(config.authTimeout()));
            continue;
        }
        if (cd->nextIdleCheck >= 0 && now >= cd->nextIdleCheck) {
            // Every heartBeatInterval, as a timer of its own would (not again at once after a late tick).
            cd->nextIdleCheck = std::max(cd->nextIdleCheck + config.heartBeatInterval(), now + 1);
            onIdleCheck(connection);
            if (!connection || connection->d->closing)
                continue;
        }
        if (cd->inbound)
            cd->inbound->checkDeadline();
    }
    for (const QPointer<SocketConnection> &connection : std::as_const(due)) {
        if (connection && !connection->d->closing)
            next = std::min(next, earliest(connection->d.get()));
    }
    if (scanDeadlines)
        nextDue = next;
    finishTick(now);
}

void SocketServerPrivate::finishTick(qint64 now)
{
    if (const int suppressed = droppedLog.takeSuppressed(now); suppressed > 0)
        qCWarning(lcServer, "Dropped %d more connections without a WebSocket handshake in the last %lld s",
                  suppressed, droppedLog.interval() / 1000);
    trimMemory();
    // Nothing to watch: sleep until a connection comes, closes or starts a message.
    const bool trimmable = peakClients - (clients.size() + pending.size()) >= 256;
    if (pending.isEmpty() && nextDue == std::numeric_limits<qint64>::max() && armedMessageDeadlines.count <= 0
        && droppedLog.suppressed() == 0 && !trimmable && tick)
        tick->stop();
}

void SocketServerPrivate::trimMemory()
{
    const qsizetype count = clients.size() + pending.size();
    peakClients = std::max(peakClients, count);
#if defined(__GLIBC__)
    // Worth it after a burst only: at least 256 connections gone, and half of the peak.
    if (peakClients - count >= 256 && count <= peakClients / 2) {
        malloc_trim(0);
        peakClients = count;
    }
#endif
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
    startDrainTimer(connection, int(cd->rate.msUntilToken()));
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
        startDrainTimer(connection, int(cd->rate.msUntilToken()));
    } else if (cd->inbound) {
        cd->inbound->resume();
    }
}

void SocketServerPrivate::dispatchFrame(SocketConnection *connection, const QByteArray &frame)
{
    SocketConnection::Private *cd = connection->d.get();
    if (cd->closing)
        return;

    // 1. Decrypt and parse (the session key once authenticated, else the global key).
    Message::Incoming message;
    QString problem;
    switch (cd->codec.decode(frame, u"data", &message, &problem)) {
    case SessionCodec::Decoded::Message:
        break;
    case SessionCodec::Decoded::InvalidFrame:
        reject(connection, SocketServer::Error::InvalidMessage, QWebSocketProtocol::CloseCodeWrongDatatype,
               SocketServer::tr("invalid frame: %1").arg(problem));
        return;
    case SessionCodec::Decoded::NotAnObject:
        // Valid JSON, but no message: ignored, as the Node.js library does.
        qCInfo(lcServer, "Ignoring a message from client %s: %s", qUtf8Printable(describe(connection)),
               qUtf8Printable(problem));
        return;
    case SessionCodec::Decoded::InvalidJson:
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

    // 3. Handler lookup.
    const auto it = handlers.constFind(message.request);
    if (it == handlers.cend()) {
        qCDebug(lcServer, "Client %s sent a request with no handler: \"%s\"", qUtf8Printable(describe(connection)),
                qUtf8Printable(message.request));
        if (cd->authenticated) // the application may want to see it; never from strangers
            Q_EMIT q->messageReceived(cd->id, message.request, message.payload);
        return;
    }

    // 4. Auth gate.
    const bool isAuth = message.request == Message::AuthRequest;
    if (!isAuth && !it->skipAuth && !cd->authenticated) {
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
    // The handler may unregister itself (or the server may go) during the call: keep
    // what the call needs alive, and look again afterwards.
    const ServerHandler entry = *it;
    QPointer<SocketConnection> guard(connection);
    cd->dispatching = message.request;
    const QJsonValue result = entry.handler->handleRequest(message.payload, connection);
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
        QByteArray key = FrameCipher::randomBytes(FrameCipher::KeySize);
        QString keyError;
        if (key.isEmpty() || !cd->codec.setSessionKey(key, &keyError)) {
            reject(connection, SocketServer::Error::CryptoError, QWebSocketProtocol::CloseCodeAbnormalDisconnection,
                   SocketServer::tr("could not create a session key"));
            return false;
        }
        sessionKey = QString::fromLatin1(key.toBase64());
        OPENSSL_cleanse(key.data(), size_t(key.size()));
    }
    // The auth response is sealed with the global key (PROTOCOL.md), also on a second
    // auth: the client cannot know the new session key before reading it.
    const bool sent = sendMessage(connection, Message::encodeResponse(request, result, sessionKey), Seal::GlobalKey);
    const bool wasAuthenticated = cd->authenticated;
    cd->authenticated = true;
    cd->authDeadline = -1;
    releaseAdmission(connection);
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
    if (!cd->codec.isEncrypted())
        return cd->socket->sendTextMessage(QString::fromUtf8(json)) >= 0 && checkSendBuffer(connection);
    // Before authentication, and for every auth response, the global key.
    QByteArray frame;
    QString problem;
    if (!cd->codec.encode(json, seal == Seal::GlobalKey ? SessionCodec::KeyChoice::Global : SessionCodec::KeyChoice::Current,
                          &frame, &problem)) {
        qCWarning(lcServer, "Could not encrypt a message for client %s: %s", qUtf8Printable(describe(connection)),
                  qUtf8Printable(problem));
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
    if (name.isEmpty() || !handler) {
        d->setError(Error::HandlerError, tr("A handler needs a name and an object"));
        return false;
    }
    if (d->handlers.contains(name)) {
        d->setError(Error::HandlerError, tr("A handler named \"%1\" is already registered").arg(name));
        return false;
    }
    ServerHandler &entry = d->handlers[name];
    entry.handler = handler;
    entry.skipAuth = options.testFlag(HandlerOption::SkipAuth);
    return true;
}

bool SocketServer::registerHandler(const QString &name, RequestFunction function, HandlerOptions options)
{
    if (!function) {
        d->setError(Error::HandlerError, tr("The handler \"%1\" has no function").arg(name));
        return false;
    }
    auto owned = std::make_shared<FunctionHandler>(std::move(function));
    if (!registerHandler(name, owned.get(), options))
        return false;
    d->handlers[name].owned = std::move(owned);
    return true;
}

bool SocketServer::unregisterHandler(const QString &name)
{
    return d->handlers.remove(name) > 0;
}

QStringList SocketServer::handlerNames() const
{
    return d->handlers.keys();
}

int SocketServer::loadHandlers(const QString &directory)
{
    HandlerLoader::Result result = HandlerLoader::load(directory, HandlerLoader::Side::Server);
    int loaded = 0;
    for (const HandlerLoader::Loaded &handler : std::as_const(result.handlers)) {
        if (d->handlers.contains(handler.name)) {
            result.problems.append({handler.filePath, tr("Skipped: a handler named \"%1\" is already registered")
                                                          .arg(handler.name)});
            continue;
        }
        ServerHandler &entry = d->handlers[handler.name];
        entry.handler = handler.handler;
        entry.skipAuth = handler.skipAuth;
        entry.source = handler.filePath;
        ++loaded;
        if (d->config.log())
            qCInfo(lcServer, "Loaded handler \"%s\" from %s%s", qUtf8Printable(handler.name),
                   qUtf8Printable(handler.filePath), handler.skipAuth ? " (skipAuth)" : "");
    }
    for (const HandlerLoader::Problem &problem : std::as_const(result.problems)) {
        qCWarning(lcServer, "%s: %s", qUtf8Printable(problem.filePath), qUtf8Printable(problem.message));
        d->setError(Error::HandlerError, tr("%1: %2").arg(problem.filePath, problem.message));
    }
    d->handlerProblems.append(result.problems);
    return loaded;
}

QList<HandlerLoader::Problem> SocketServer::handlerProblems() const
{
    return d->handlerProblems;
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

    // TCP first, so connection caps apply before any handshake work (TLS or WebSocket);
    // the WebSocket server only performs handshakes on the sockets handed to it.
    auto *gate = new ConnectionGate(this);
    QString listenError;
    if (!gate->listen(address, quint16(d->config.port()), d->config.listenBacklog(),
                      {d->config.maxUnauthenticated(), d->config.maxUnauthenticatedPerAddress()}, &listenError)) {
        d->setError(Error::ListenError, tr("Cannot listen on %1 port %2: %3")
                                            .arg(d->config.host())
                                            .arg(d->config.port())
                                            .arg(listenError));
        delete gate;
        return false;
    }
    connect(gate, &ConnectionGate::refused, this, [this](const QString &peer, const QString &reason) {
        Q_EMIT clientRejected(0, Error::LimitExceeded, tr("Refused a connection from %1: %2").arg(peer, reason));
    });
    gate->setSink([this](qintptr descriptor, const QHostAddress &, const QString &peer) { d->onAccepted(descriptor, peer); });
    d->tls = tls;
    d->secure = secure;
    d->sockets = new QObject(this);
    auto *ws = new QWebSocketServer(QStringLiteral("Stonyx Sockets"), QWebSocketServer::NonSecureMode);
    // A backstop: our own timer (onTcpConnection) fires first and logs why.
    ws->setHandshakeTimeout(d->config.handshakeTimeout() + 1000);
    ws->setParent(d->sockets);
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
    d->gate = gate;
    d->webSocketServer = ws;
    d->tick = new QTimer(this);
    connect(d->tick, &QTimer::timeout, this, [this] { d->onTick(); });
    d->tick->start(d->tickInterval());
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
    if (!d->gate)
        return;
    // Stop accepting at once; the accepted sockets' parent lives on until they are gone.
    delete std::exchange(d->gate, nullptr);
    delete std::exchange(d->tick, nullptr);
    QObject *tcp = std::exchange(d->sockets, nullptr);
    QWebSocketServer *ws = std::exchange(d->webSocketServer, nullptr);
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
    d->pending.clear();
    // The TCP sockets are children of this holder: it must live until they are gone.
    ws->disconnect(this);
    tcp->setParent(nullptr);
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
    return d->gate && d->gate->isListening();
}

QUrl SocketServer::serverUrl() const
{
    if (!isListening())
        return {};
    QUrl url;
    url.setScheme(d->secure ? QStringLiteral("wss") : QStringLiteral("ws"));
    QHostAddress address = d->gate->serverAddress();
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4)
        address = QHostAddress::LocalHost;
    else if (address == QHostAddress::AnyIPv6)
        address = QHostAddress::LocalHostIPv6;
    url.setHost(address.toString());
    url.setPort(d->gate->serverPort());
    return url;
}

quint16 SocketServer::serverPort() const
{
    return isListening() ? d->gate->serverPort() : 0;
}

int SocketServer::clientCount() const
{
    QMutexLocker locker(&d->clientsMutex);
    return int(d->clients.size());
}

QList<qint64> SocketServer::clientIds() const
{
    QMutexLocker locker(&d->clientsMutex);
    return d->clients.keys();
}

SocketConnection *SocketServer::client(qint64 id) const
{
    QMutexLocker locker(&d->clientsMutex);
    return d->clients.value(id);
}

bool SocketServer::sendTo(qint64 id, const QString &request, const QJsonValue &response)
{
    if (!d->onServerThread()) {
        {
            QMutexLocker locker(&d->clientsMutex);
            if (!d->clients.contains(id))
                return false;
        }
        // Serialised here, on the caller's thread; sealed and sent on the server's.
        QMetaObject::invokeMethod(this, [this, id, json = Message::encodeResponse(request, response)] {
            if (SocketConnection *connection = d->clients.value(id))
                d->sendMessage(connection, json);
        }, Qt::QueuedConnection);
        return true;
    }
    SocketConnection *connection = d->clients.value(id);
    return connection && d->sendMessage(connection, Message::encodeResponse(request, response));
}

int SocketServerPrivate::sendToMatching(const QByteArray &json, const std::function<bool(SocketConnection *)> &matches)
{
    int sent = 0;
    for (SocketConnection *connection : std::as_const(clients)) {
        if (connection->isAuthenticated() && matches(connection) && sendMessage(connection, json))
            ++sent;
    }
    return sent;
}

int SocketServerPrivate::postToMatching(const QByteArray &json, std::function<bool(SocketConnection *)> matches)
{
    // Counted now (the clients that match when called), sent on the server's thread.
    int count = 0;
    {
        QMutexLocker locker(&clientsMutex);
        for (SocketConnection *connection : std::as_const(clients)) {
            if (connection->isAuthenticated() && matches(connection))
                ++count;
        }
    }
    if (count > 0)
        QMetaObject::invokeMethod(q, [this, json, matches = std::move(matches)] { sendToMatching(json, matches); },
                                  Qt::QueuedConnection);
    return count;
}

int SocketServer::broadcast(const QString &request, const QJsonValue &response)
{
    // The JSON is serialised once for every client; each is sealed with its own key.
    const QByteArray json = Message::encodeResponse(request, response);
    const auto everyone = [](SocketConnection *) { return true; };
    return d->onServerThread() ? d->sendToMatching(json, everyone) : d->postToMatching(json, everyone);
}

int SocketServer::sendToByMeta(const QString &key, const QJsonValue &value, const QString &request,
                               const QJsonValue &response)
{
    const QByteArray json = Message::encodeResponse(request, response);
    const auto matches = [key, value](SocketConnection *connection) { return connection->metadataValue(key) == value; };
    return d->onServerThread() ? d->sendToMatching(json, matches) : d->postToMatching(json, matches);
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
