// SPDX-License-Identifier: MIT
#include "serverworker_p.h"
#include "delivery_p.h"
#include "framewriter_p.h"
#include "message_p.h"
#include "sendbuffer_p.h"
#include "socketserver_p.h"

#include <QCoreApplication>
#include <QSslSocket>
#include <QTimer>
#include <QWebSocketProtocol>

#include <openssl/crypto.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <algorithm>
#include <limits>

namespace Stonyx::Sockets {

namespace {

QString describe(const SocketConnection *c)
{
    return QStringLiteral("#%1 (%2)").arg(c->id()).arg(c->peerAddress().toString());
}

// Calls a handler. One that throws answers nothing: no response, and for auth no
// authentication, as with a QML handler that throws. The exception must not unwind
// into the event loop, which would end the process and every other client with it.
QJsonValue callHandler(SocketHandler *handler, const QString &request, const QJsonValue &payload,
                       SocketConnection *connection)
{
    const qint64 id = connection->id();
    try {
        return handler->handleRequest(payload, connection);
    } catch (const std::exception &e) {
        qCWarning(lcServer, "Handler \"%s\" threw for client #%lld: %s; no response sent", qUtf8Printable(request),
                  static_cast<long long>(id), e.what());
    } catch (...) {
        qCWarning(lcServer, "Handler \"%s\" threw for client #%lld; no response sent", qUtf8Printable(request),
                  static_cast<long long>(id));
    }
    return QJsonValue(QJsonValue::Undefined);
}

} // namespace

ServerWorker::ServerWorker(SocketServerPrivate *server, int index, const SocketConfig &config,
                           const QSslConfiguration &tls, ConnectionGate *gate)
    : m_server(server)
    , m_index(index)
    , m_handlers(server->handlers,
                 [this] { QMetaObject::invokeMethod(this, [this] { m_handlers.releaseIfStale(); }, Qt::QueuedConnection); })
    , m_config(config)
    , m_tls(tls)
    , m_gate(gate)
{
    m_armedMessageDeadlines.wake = [this] { wakeTick(); };
}

ServerWorker::~ServerWorker() = default;

void ServerWorker::start()
{
    m_clock.start();
    m_sockets = new QObject(this);
    m_tick = new QTimer(this);
    connect(m_tick, &QTimer::timeout, this, [this] { onTick(); });
    m_tick->start(tickInterval());
}

void ServerWorker::setConfig(const SocketConfig &config)
{
    m_config = config;
    if (m_tick) {
        m_tick->setInterval(tickInterval());
        wakeTick();
    }
}

void ServerWorker::wakeTick()
{
    if (m_tick && !m_tick->isActive())
        m_tick->start();
}

void ServerWorker::retain(SocketConnection *connection)
{
    connection->d->refs.fetch_add(1, std::memory_order_relaxed);
}

void ServerWorker::release(SocketConnection *connection)
{
    if (connection->d->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
        connection->deleteLater(); // on its thread
}

void ServerWorker::releaseOwnership(SocketConnection *connection)
{
    SocketConnection::Private *cd = connection->d.get();
    if (std::exchange(cd->ownerReleased, true))
        return;
    release(connection);
}

void ServerWorker::shutdown()
{
    m_shutDown = true;
    delete std::exchange(m_tick, nullptr);
    QObject *tcp = std::exchange(m_sockets, nullptr);
    const QList<SocketConnection *> open = m_connections.values();
    for (SocketConnection *connection : open) {
        // 1012 (service restart): clients come back later, spread over their
        // reconnectSpread window instead of all at once (docs/protocol-extensions.md).
        connection->close(Delivery::ServiceRestartCloseCode, SocketServer::tr("server shutting down"));
        // Report the client gone now rather than when its close handshake completes...
        onDisconnected(connection);
        // ...but let the close frame reach it: destroying the socket now, with the frame
        // still queued, would reset the TCP connection and the peer would lose it. The connection no longer
        // refers to this worker (no timer or slot of it calls back), so it may outlive it.
        // (The socket gives up on a silent peer after ServerWebSocket::CloseHandshakeTimeout.)
        ServerWebSocket *socket = connection->d->socket;
        socket->finishClosing(); // the worker's thread ends: no wait for the peer's close frame
        detach(connection);
        connection->setParent(nullptr);
        if (socket->state() == ServerWebSocket::State::Closed)
            releaseOwnership(connection);
        else
            QObject::connect(socket, &ServerWebSocket::disconnected, connection, [connection] { releaseOwnership(connection); });
    }
    m_pending.clear();
    m_gate = nullptr; // the server deletes it next
    if (!tcp) {
        if (m_lingerDone)
            m_lingerDone();
        return;
    }
    // The TCP sockets are children of this holder: it must live until they are gone,
    // and so must this thread (its event loop deletes them): until every connection
    // this worker made is destroyed, the lingering ones and those a reference still
    // holds (ServerWorker::retain()), or a few seconds at most.
    tcp->setParent(nullptr);
    auto finished = std::make_shared<bool>(false);
    const auto finish = [tcp, finished, done = m_lingerDone] {
        if (std::exchange(*finished, true))
            return;
        tcp->deleteLater();
        if (done)
            done();
    };
    if (m_live.isEmpty()) {
        finish();
        return;
    }
    auto remaining = std::make_shared<qsizetype>(m_live.size());
    for (SocketConnection *connection : std::as_const(m_live)) {
        QObject::connect(connection, &QObject::destroyed, tcp, [remaining, finish] {
            if (--*remaining == 0)
                finish();
        });
    }
    QTimer::singleShot(LingerLimitMs, tcp, finish);
}

int ServerWorker::sendToMatching(const QByteArray &json, const std::function<bool(SocketConnection *)> &matches,
                                 quint64 seq)
{
    int sent = 0;
    for (SocketConnection *connection : std::as_const(m_connections)) {
        // Resumed since the push was made: it was in the held session's buffer.
        if (seq && connection->d->resumeSeq >= seq)
            continue;
        if (connection->isAuthenticated() && matches(connection) && sendMessage(connection, json))
            ++sent;
    }
    return sent;
}

void ServerWorker::callOnServerThread(SocketConnection *connection, HandlerRegistry::EntryRef entry,
                                      const QString &request, const QJsonValue &payload, const QJsonValue &id)
{
    SocketConnection::Private *cd = connection->d.get();
    cd->awaitingServer = true;
    cd->socket->pause();
    // Whatever becomes of the call (made, or dropped with the server's event queue),
    // the answer goes back to the connection's thread; the connection lives until then.
    struct Call {
        SocketConnection *connection = nullptr;
        QString request;
        QJsonValue id{QJsonValue::Undefined};
        QJsonValue result;
        bool called = false;
        ~Call()
        {
            if (!connection)
                return;
            QMetaObject::invokeMethod(
                connection,
                [connection = connection, request = std::move(request), result = std::move(result), id = std::move(id),
                 called = called] {
                    if (ServerWorker *worker = connection->d->worker.load())
                        worker->onServerCallDone(connection, request, result, id, called);
                    release(connection);
                },
                Qt::QueuedConnection);
        }
    };
    retain(connection);
    auto call = std::make_shared<Call>();
    call->connection = connection;
    call->request = request;
    call->id = id;
    QMetaObject::invokeMethod(
        m_server->q,
        [call, entry = std::move(entry), payload] {
            SocketConnection *target = call->connection;
            SocketConnection::Private *td = target->d.get();
            if (!td->worker.load() || td->closing)
                return;
            td->dispatching = call->request;
            td->dispatchingId = call->id;
            call->result = callHandler(entry->handler.get(), call->request, payload, target);
            td->dispatching.clear();
            td->dispatchingId = QJsonValue(QJsonValue::Undefined);
            call->called = true;
        },
        Qt::QueuedConnection);
}

void ServerWorker::onServerCallDone(SocketConnection *connection, const QString &request, const QJsonValue &result,
                                    const QJsonValue &id, bool called)
{
    SocketConnection::Private *cd = connection->d.get();
    cd->awaitingServer = false;
    if (called)
        finishRequest(connection, request, result, id);
    if (connection->d->worker == this)
        resumeReading(connection);
}

void ServerWorker::resumeReading(SocketConnection *connection)
{
    SocketConnection::Private *cd = connection->d.get();
    QPointer<SocketConnection> guard(connection);
    // The requests that arrived meanwhile (their rate already paid), in order.
    while (!cd->awaitingServer && !cd->closing && !cd->waiting.isEmpty()) {
        dispatchFrame(connection, cd->waiting.takeFirst());
        if (!guard || connection->d->worker != this)
            return;
    }
    if (cd->closing) {
        cd->backlog.clear();
        cd->waiting.clear();
    } else if (cd->rejectAfterWaiting && !cd->awaitingServer && cd->waiting.isEmpty()) {
        rejectForRate(connection);
    } else if (!readingHeld(connection)) {
        cd->socket->resume();
    }
    // Else: another request went to the server's thread (this runs again when it is
    // back), or throttled frames wait for the drain timer, which reads on after them.
}

void ServerWorker::onAccepted(qintptr descriptor, const QString &address)
{
    const bool secure = !m_tls.isNull();
    Transport *transport = nullptr;
    QSslSocket *ssl = nullptr;
    if (secure) {
        ssl = new QSslSocket;
        if (!ssl->setSocketDescriptor(descriptor)) {
            qCWarning(lcServer, "Cannot use an accepted connection from %s: %s", qUtf8Printable(address),
                      qUtf8Printable(ssl->errorString()));
            ::close(int(descriptor));
            delete ssl;
            if (m_gate)
                m_gate->leave(address);
            changeLoad(-1);
            return;
        }
        transport = new SocketTransport(ssl);
    } else {
        transport = new DescriptorTransport(descriptor);
    }
    auto *stream = new ServerWebSocket(transport, m_sockets);
    QObject::connect(transport, &QObject::destroyed, this, [this, stream] {
        changeLoad(-1);
        onPendingSocketGone(stream);
    });
    // Until it is upgraded, a connection that ends is deleted (with its socket).
    QObject::connect(stream, &ServerWebSocket::disconnected, stream, &QObject::deleteLater);
    m_pending.insert(stream, {address, m_clock.elapsed() + m_config.handshakeTimeout()});
    wakeTick();
    if (!secure) {
        startWebSocketHandshake(stream);
        return;
    }
    ssl->setSslConfiguration(m_tls);
    // Until encrypted, a failed TLS handshake ends the connection.
    QObject::connect(ssl, &QAbstractSocket::errorOccurred, stream, [ssl](QAbstractSocket::SocketError) {
        qCWarning(lcServer, "TLS connection from %s failed: %s", qUtf8Printable(ssl->peerAddress().toString()),
                  qUtf8Printable(ssl->errorString()));
    });
    QObject::connect(ssl, &QSslSocket::encrypted, stream, [this, ssl, stream] {
        QObject::disconnect(ssl, &QAbstractSocket::errorOccurred, stream, nullptr);
        startWebSocketHandshake(stream);
    });
    ssl->startServerEncryption();
}

void ServerWorker::startWebSocketHandshake(ServerWebSocket *stream)
{
    stream->setMessageTimeout(m_config.messageTimeout());
    QObject::connect(stream, &ServerWebSocket::opened, this, [this, stream] { onOpened(stream); });
    QObject::connect(stream, &ServerWebSocket::handshakeFailed, this, [this, stream](const QString &reason) {
        const auto it = m_pending.constFind(stream);
        const QString peer = it == m_pending.cend() ? stream->peerAddress().toString() : it->address;
        logDropped(QStringLiteral("Refusing a WebSocket handshake from %1: %2").arg(peer, reason));
    });
    stream->startHandshake(m_config.allowedOrigins());
}

void ServerWorker::logDropped(const QString &message)
{
    int summary = 0;
    bool logged = false;
    {
        SocketServerPrivate::DroppedLog &log = m_server->droppedLog;
        QMutexLocker locker(&log.mutex);
        logged = log.throttle.allow(log.clock.elapsed(), &summary);
    }
    if (summary > 0)
        qCWarning(lcServer, "Dropped %d more connections without a WebSocket handshake in the last %lld s", summary,
                  qint64(ConnectionGate::LogIntervalMs / 1000));
    if (logged)
        qCWarning(lcServer, "%s", qUtf8Printable(message));
}

void ServerWorker::onPendingSocketGone(ServerWebSocket *stream)
{
    if (m_gate)
        m_gate->connectionClosed(); // a descriptor is free again
    const auto it = m_pending.find(stream);
    if (it == m_pending.end())
        return; // upgraded (the connection counts now), or forgotten by close()
    const QString address = it->address;
    m_pending.erase(it);
    if (m_gate)
        m_gate->leave(address);
}

void ServerWorker::releaseAdmission(SocketConnection *connection)
{
    SocketConnection::Private *cd = connection->d.get();
    if (!cd->admitted)
        return;
    cd->admitted = false;
    if (m_gate)
        m_gate->leave(cd->admittedAddress);
}

void ServerWorker::onOpened(ServerWebSocket *stream)
{
    const auto it = m_pending.find(stream);
    if (it == m_pending.end()) { // not ours any more (shutting down)
        stream->abort();
        return;
    }
    // From now on the connection owns it and reports its end.
    QObject::disconnect(stream, &ServerWebSocket::disconnected, stream, nullptr);
    SocketConnection *connection = createConnection(stream);
    // The connection takes over its place among the unauthenticated.
    SocketConnection::Private *cd = connection->d.get();
    cd->admittedAddress = it->address;
    cd->admitted = true;
    m_pending.erase(it);
    watchInbound(connection);
}

void ServerWorker::watchInbound(SocketConnection *connection)
{
    ServerWebSocket *socket = connection->d->socket;
    socket->setArmedCounter(&m_armedMessageDeadlines);
    QObject::connect(socket, &ServerWebSocket::protocolError, connection, [this, connection](int code, const QString &reason) {
        reject(connection, code == 1009 ? SocketServer::Error::LimitExceeded : SocketServer::Error::InvalidMessage, code,
               reason);
    });
    QObject::connect(socket, &ServerWebSocket::sendBufferExceeded, connection, [this, connection] {
        checkSendBuffer(connection); // drops it
    });
    QObject::connect(socket, &ServerWebSocket::messageTimedOut, connection, [this, connection] {
        reject(connection, SocketServer::Error::Timeout, QWebSocketProtocol::CloseCodePolicyViolated,
               SocketServer::tr("message not complete within %1 ms").arg(m_config.messageTimeout()));
    });
}

void ServerWorker::detach(SocketConnection *connection)
{
    SocketConnection::Private *cd = connection->d.get();
    QObject::disconnect(cd->socket, nullptr, connection, nullptr);
    cd->authDeadline = -1;
    cd->nextIdleCheck = -1;
    cd->socket->setArmedCounter(nullptr); // the connection may outlive the server
    if (cd->drainBacklog) {
        cd->drainBacklog->stop();
        QObject::disconnect(cd->drainBacklog.get(), nullptr, connection, nullptr);
    }
    cd->backlog.clear();
    cd->waiting.clear();
    cd->server = nullptr;
    cd->worker = nullptr;
}

SocketConnection *ServerWorker::createConnection(ServerWebSocket *socket)
{
    auto dd = std::make_unique<SocketConnection::Private>();
    dd->server = m_server->q;
    dd->worker = this;
    dd->socket = socket;
    dd->id = m_server->nextId.fetch_add(1, std::memory_order_relaxed);
    dd->peerAddress = socket->peerAddress();
    dd->peerPort = socket->peerPort();
    if (m_config.encryption())
        dd->codec = SessionCodec(m_server->globalKey);
    auto *connection = new SocketConnection(std::move(dd), this);
    socket->setParent(connection);
    SocketConnection::Private *cd = connection->d.get();
    // A client about to present a resume token: whether this is a new client or a
    // held one come back is known with the auth answer; clientConnected() waits for it.
    cd->connectPending = m_config.resumeWindow() > 0 && socket->request().hasHeader(Delivery::ResumeHeader);

    // Limits on what the peer may send; encrypted frames carry IV and tag on top.
    const qint64 overhead = m_config.encryption() ? FrameCipher::Overhead : 0;
    socket->setLimits(quint64(m_config.maxFrameSize() + overhead), quint64(m_config.maxMessageSize() + overhead));
    socket->setMaxQueued(m_config.maxSendBuffer());

    cd->lastActivity.start();
    cd->rateClock.start();
    cd->rate = RateLimiter(m_config.rateLimit(), m_config.rateBurst(), 0);
    if (m_config.authTimeout() > 0)
        cd->authDeadline = m_clock.elapsed() + m_config.authTimeout();
    if (m_config.idleHeartBeats() > 0)
        cd->nextIdleCheck = m_clock.elapsed() + m_config.heartBeatInterval();
    for (qint64 deadline : {cd->authDeadline, cd->nextIdleCheck}) {
        if (deadline >= 0)
            m_nextDue = std::min(m_nextDue, deadline);
    }
    wakeTick();
    QObject::connect(socket, &ServerWebSocket::messageReceived, connection,
                     [this, connection](const InboundFrame &frame) { onFrame(connection, frame); });
    QObject::connect(socket, &ServerWebSocket::disconnected, connection, [this, connection] { onDisconnected(connection); });

    m_connections.insert(connection->id(), connection);
    m_live.insert(connection);
    QObject::connect(connection, &QObject::destroyed, this, [this, connection] { m_live.remove(connection); });
    {
        QMutexLocker locker(&m_server->clientsMutex);
        m_server->clients.insert(connection->id(), connection);
    }
    if (m_config.log())
        qCInfo(lcServer, "Client %s connected", qUtf8Printable(describe(connection)));
    if (!cd->connectPending) {
        m_server->report([q = m_server->q, id = connection->id()] {
            Q_EMIT q->clientConnected(id);
            Q_EMIT q->clientCountChanged(q->clientCount());
        });
    }
    return connection;
}

void ServerWorker::reportConnected(SocketConnection *connection)
{
    if (!std::exchange(connection->d->connectPending, false))
        return;
    m_server->report([q = m_server->q, id = connection->id()] {
        Q_EMIT q->clientConnected(id);
        Q_EMIT q->clientCountChanged(q->clientCount());
    });
}

bool ServerWorker::takeOverHeld(SocketConnection *connection, const QString &token, QList<QByteArray> *buffer,
                                qint64 *dropped)
{
    SocketConnection::Private *cd = connection->d.get();
    const qint64 provisionalId = cd->id;
    SocketServerPrivate::HeldSession session;
    {
        QMutexLocker heldLocker(&m_server->heldMutex);
        const auto t = m_server->heldTokens.find(token);
        if (t == m_server->heldTokens.end())
            return false;
        const auto it = m_server->held.find(*t);
        if (it == m_server->held.end() || it->expiry.hasExpired())
            return false; // expired: the server's timer ends it (clientDisconnected())
        session = std::move(*it);
        m_server->held.erase(it);
        m_server->heldTokens.erase(t);
        // The id moves from the held to the connected at once: a push finds it in
        // one or the other, never in neither or both.
        {
            QMutexLocker clientsLocker(&m_server->clientsMutex);
            m_server->clients.remove(provisionalId);
            cd->id = session.connection->d->id.load();
            m_server->clients.insert(cd->id, connection);
        }
        cd->resumeSeq = m_server->pushSeq;
    }
    m_connections.remove(provisionalId);
    m_connections.insert(cd->id, connection);
    // The held session's metadata, updated with what the auth handler just set.
    QJsonObject metadata = session.connection->metadata();
    {
        QMutexLocker locker(&cd->metadataMutex);
        for (auto it = cd->metadata.constBegin(); it != cd->metadata.constEnd(); ++it)
            metadata.insert(it.key(), it.value());
        cd->metadata = metadata;
    }
    *buffer = std::move(session.buffer);
    *dropped = session.dropped;
    release(session.connection);
    return true;
}

void ServerWorker::discardHeld(const QString &token)
{
    SocketServerPrivate::HeldSession session;
    {
        QMutexLocker locker(&m_server->heldMutex);
        const auto t = m_server->heldTokens.find(token);
        if (t == m_server->heldTokens.end())
            return;
        const auto it = m_server->held.find(*t);
        m_server->heldTokens.erase(t);
        if (it == m_server->held.end())
            return;
        session = std::move(*it);
        m_server->held.erase(it);
    }
    m_server->discardHeld(std::move(session));
}

void ServerWorker::onDisconnected(SocketConnection *connection)
{
    if (!m_connections.remove(connection->id()))
        return;
    // From now on only its references keep it (see release()): not the worker, which
    // may go first.
    connection->setParent(nullptr);
    SocketConnection::Private *cd = connection->d.get();
    releaseAdmission(connection);
    // The code and reason of the close we sent; else what the peer's close frame said;
    // else the connection was lost without a close frame: 1006.
    int code = cd->closeCode;
    QString reason = cd->closeReason;
    if (!code) {
        code = cd->socket->peerCloseCode();
        reason = cd->socket->peerCloseReason();
    }
    // Session resume: an authenticated client that can resume and was lost (no close
    // frame either way: 1006; or closed by this server for silence) is held for
    // resumeWindow. A close frame from the peer (1000 close(), 1001 destroyed, 1009...)
    // or from this server for any other reason is final.
    const bool lost = cd->holdOnClose || (!cd->closeCode && code == QWebSocketProtocol::CloseCodeAbnormalDisconnection);
    const bool holdSession = m_config.resumeWindow() > 0 && !m_shutDown && cd->authenticated && !cd->resumeToken.isEmpty() && lost;
    {
        QMutexLocker heldLocker(&m_server->heldMutex);
        {
            QMutexLocker locker(&m_server->clientsMutex);
            m_server->clients.remove(connection->id());
        }
        if (holdSession) {
            retain(connection); // for its id and metadata while held
            SocketServerPrivate::HeldSession session;
            session.connection = connection;
            session.token = cd->resumeToken;
            session.expiry = QDeadlineTimer(m_config.resumeWindow());
            session.code = code;
            session.reason = reason;
            m_server->heldTokens.insert(session.token, cd->id);
            m_server->held.insert(cd->id, std::move(session));
        }
    }
    if (cd->drainBacklog)
        cd->drainBacklog->stop();
    cd->socket->setArmedCounter(nullptr); // gone: no longer counted (the object may outlive the server)
    wakeTick(); // for trimMemory()
    cd->backlog.clear();
    cd->waiting.clear();
    cd->codec.clearSessionKey();
    cd->closing = true; // gone: a deferred reply resolved from now on sends nothing
    if (!cd->closeCode && code != QWebSocketProtocol::CloseCodeNormal && code != QWebSocketProtocol::CloseCodeGoingAway)
        qCWarning(lcServer, "Client %s closed with code %d%s%s", qUtf8Printable(describe(connection)), code,
                  reason.isEmpty() ? "" : ": ", qUtf8Printable(reason));
    if (m_config.log())
        qCInfo(lcServer, "Client %s disconnected (code %d%s%s)", qUtf8Printable(describe(connection)), code,
               reason.isEmpty() ? "" : ": ", qUtf8Printable(reason));
    if (holdSession) {
        if (m_config.log())
            qCInfo(lcServer, "Holding the session of client %s for %d ms", qUtf8Printable(describe(connection)),
                   m_config.resumeWindow());
        m_server->report([d = m_server] {
            d->armHeldTimer();
            Q_EMIT d->q->clientCountChanged(d->q->clientCount());
        });
        releaseWhenClosed(connection);
        return;
    }
    reportConnected(connection);
    // The connection lives at least until the server's thread saw it go: a slot on
    // clientDisconnected() may still look at it (and find it closing).
    retain(connection);
    const std::shared_ptr<void> hold(nullptr, [connection](void *) { release(connection); });
    m_server->report([q = m_server->q, id = qint64(cd->id), code, reason, hold] {
        Q_EMIT q->clientDisconnected(id, code, reason);
        Q_EMIT q->clientCountChanged(q->clientCount());
    });
    releaseWhenClosed(connection);
}

void ServerWorker::releaseWhenClosed(SocketConnection *connection)
{
    ServerWebSocket *socket = connection->d->socket;
    if (socket->state() == ServerWebSocket::State::Closed) {
        releaseOwnership(connection);
        return;
    }
    // Closed by the server: reported gone already, while its closing handshake goes on
    // without the worker (which may go first); the connection lives until it ends.
    QObject::disconnect(socket, nullptr, connection, nullptr);
    socket->setArmedCounter(nullptr);
    QObject::connect(socket, &ServerWebSocket::disconnected, connection, [connection] { releaseOwnership(connection); });
}

void ServerWorker::reject(SocketConnection *connection, SocketServer::Error e, int closeCode, const QString &reason)
{
    if (connection->d->closing)
        return;
    qCWarning(lcServer, "Closing client %s: %s", qUtf8Printable(describe(connection)), qUtf8Printable(reason));
    reportConnected(connection);
    connection->close(closeCode, reason);
    m_server->report([q = m_server->q, id = qint64(connection->d->id), e, reason] { Q_EMIT q->clientRejected(id, e, reason); });
}

void ServerWorker::drop(SocketConnection *connection, SocketServer::Error e, int closeCode, const QString &reason)
{
    SocketConnection::Private *cd = connection->d.get();
    if (cd->closing)
        return;
    qCWarning(lcServer, "Dropping client %s: %s", qUtf8Printable(describe(connection)), qUtf8Printable(reason));
    reportConnected(connection);
    cd->closing = true;
    cd->closeCode = closeCode;
    cd->closeReason = reason;
    cd->socket->abort();
    m_server->report([q = m_server->q, id = qint64(cd->id), e, reason] { Q_EMIT q->clientRejected(id, e, reason); });
}

void ServerWorker::onIdleCheck(SocketConnection *connection)
{
    SocketConnection::Private *cd = connection->d.get();
    // Throttled: the server is the one not reading (and not reading the pongs either),
    // while the peer has sent more than it may. That is not silence.
    if (readingHeld(connection)) {
        cd->lastActivity.restart();
        return;
    }
    // Life is anything the peer sent (a message, a ping, a pong): its socket keeps the
    // time of the last read, which costs one clock read per read, not one per message.
    const qint64 idle = std::min(cd->lastActivity.elapsed(), cd->socket->msSinceLastRead());
    const qint64 limit = qint64(m_config.idleHeartBeats()) * m_config.heartBeatInterval();
    if (idle >= limit) {
        cd->holdOnClose = true; // a lost link as far as the server can tell: its session may be resumed
        reject(connection, SocketServer::Error::Timeout, QWebSocketProtocol::CloseCodeGoingAway,
               SocketServer::tr("no heartbeat or message for %1 ms").arg(idle));
        return;
    }
    // A quiet peer is asked for a pong, which also counts as life.
    if (idle >= m_config.heartBeatInterval())
        cd->socket->ping();
}

void ServerWorker::startDrainTimer(SocketConnection *connection, int ms)
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

int ServerWorker::tickInterval() const
{
    // A quarter of the shortest deadline: each fires at most a quarter late.
    int shortest = 1000;
    for (int deadline : {m_config.handshakeTimeout(), m_config.authTimeout(), m_config.messageTimeout(),
                         m_config.idleHeartBeats() > 0 ? m_config.heartBeatInterval() : 0}) {
        if (deadline > 0)
            shortest = std::min(shortest, deadline);
    }
    return std::clamp(shortest / 4, 10, 250);
}

void ServerWorker::onTick()
{
    const qint64 now = m_clock.elapsed();
    // TCP connections without a WebSocket handshake in time.
    QList<QPointer<ServerWebSocket>> late;
    for (auto it = m_pending.begin(); it != m_pending.end(); ++it) {
        if (now >= it->handshakeDeadline) {
            it->handshakeDeadline = std::numeric_limits<qint64>::max(); // reported once
            late.append(it.key());
        }
    }
    for (const QPointer<ServerWebSocket> &stream : std::as_const(late)) {
        const auto it = stream ? m_pending.constFind(stream.data()) : m_pending.cend();
        if (it == m_pending.cend())
            continue;
        const QString peer = it->address;
        logDropped(QStringLiteral("Dropping a connection from %1: no WebSocket handshake within %2 ms")
                       .arg(peer)
                       .arg(m_config.handshakeTimeout()));
        m_server->report([q = m_server->q, message = SocketServer::tr("A connection from %1 sent no WebSocket handshake within %2 ms")
                                                         .arg(peer)
                                                         .arg(m_config.handshakeTimeout())] {
            Q_EMIT q->clientRejected(0, SocketServer::Error::Timeout, message);
        });
        if (stream)
            stream->abort();
    }
    // Connections: authentication, liveness and message deadlines. First a cheap scan
    // for the ones due (most are not); then, since a check may close a connection
    // (and a slot may do anything), those are handled through guarded pointers.
    const bool scanDeadlines = now >= m_nextDue;
    if (!scanDeadlines && m_armedMessageDeadlines.count <= 0) {
        finishTick();
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
    for (SocketConnection *connection : std::as_const(m_connections)) {
        const SocketConnection::Private *cd = connection->d.get();
        if (cd->closing || !cd->worker)
            continue;
        const qint64 deadline = earliest(cd);
        if (now >= deadline || cd->socket->deadlinePassed())
            due.append(connection);
        else
            next = std::min(next, deadline);
    }
    for (const QPointer<SocketConnection> &connection : std::as_const(due)) {
        if (!connection || !connection->d->worker || connection->d->closing)
            continue;
        SocketConnection::Private *cd = connection->d.get();
        if (cd->authDeadline >= 0 && now >= cd->authDeadline) {
            cd->authDeadline = -1;
            reject(connection, SocketServer::Error::Timeout, QWebSocketProtocol::CloseCodePolicyViolated,
                   SocketServer::tr("not authenticated within %1 ms").arg(m_config.authTimeout()));
            continue;
        }
        if (cd->nextIdleCheck >= 0 && now >= cd->nextIdleCheck) {
            // Every heartBeatInterval, as a timer of its own would (not again at once after a late tick).
            cd->nextIdleCheck = std::max(cd->nextIdleCheck + m_config.heartBeatInterval(), now + 1);
            onIdleCheck(connection);
            if (!connection || connection->d->closing)
                continue;
        }
        cd->socket->checkDeadline();
    }
    for (const QPointer<SocketConnection> &connection : std::as_const(due)) {
        if (connection && !connection->d->closing)
            next = std::min(next, earliest(connection->d.get()));
    }
    if (scanDeadlines)
        m_nextDue = next;
    finishTick();
}

void ServerWorker::finishTick()
{
    int suppressed = 0;
    int stillSuppressed = 0;
    {
        SocketServerPrivate::DroppedLog &log = m_server->droppedLog;
        QMutexLocker locker(&log.mutex);
        suppressed = log.throttle.takeSuppressed(log.clock.elapsed());
        stillSuppressed = log.throttle.suppressed();
    }
    if (suppressed > 0)
        qCWarning(lcServer, "Dropped %d more connections without a WebSocket handshake in the last %lld s",
                  suppressed, qint64(ConnectionGate::LogIntervalMs / 1000));
    trimMemory();
    // Nothing to watch: sleep until a connection comes, closes or starts a message.
    const bool trimmable = m_peakClients - (m_connections.size() + m_pending.size()) >= 256;
    if (m_pending.isEmpty() && m_nextDue == std::numeric_limits<qint64>::max() && m_armedMessageDeadlines.count <= 0
        && stillSuppressed == 0 && !trimmable && m_tick)
        m_tick->stop();
}

void ServerWorker::trimMemory()
{
    const qsizetype count = m_connections.size() + m_pending.size();
    m_peakClients = std::max(m_peakClients, count);
#if defined(__GLIBC__)
    // Worth it after a burst only: at least 256 connections gone, and half of the peak.
    if (m_peakClients - count >= 256 && count <= m_peakClients / 2) {
        malloc_trim(0);
        m_peakClients = count;
    }
#endif
}

void ServerWorker::onFrame(SocketConnection *connection, const InboundFrame &frame)
{
    m_server->counters.countIn(m_index, frame.wireSize());
    SocketConnection::Private *cd = connection->d.get();
    if (cd->closing || cd->rejectAfterWaiting)
        return;
    if (m_config.rateLimit() <= 0) {
        deliver(connection, frame);
        return;
    }
    const bool throttle = m_config.rateLimitPolicy() == SocketConfig::RateLimitPolicy::Throttle;
    // Throttled: messages keep their order behind those already waiting.
    if (throttle && !cd->backlog.isEmpty()) {
        cd->backlog.append(frame);
        return;
    }
    if (cd->rate.tryTake(cd->rateClock.nsecsElapsed())) {
        deliver(connection, frame);
        return;
    }
    if (!throttle) {
        if (cd->awaitingServer || !cd->waiting.isEmpty()) {
            // Requests that came within the rate are answered first; nothing more is read.
            cd->rejectAfterWaiting = true;
            cd->socket->pause();
            return;
        }
        rejectForRate(connection);
        return;
    }
    // Too fast: keep the message (nothing is lost), stop reading from the socket (TCP
    // backpressure slows the sender, and only it), and go on when the rate allows.
    cd->backlog.append(frame);
    cd->socket->pause();
    startDrainTimer(connection, int(cd->rate.msUntilToken()));
    if (!cd->throttleLogged) {
        cd->throttleLogged = true;
        qCInfo(lcServer, "Throttling client %s: more than %d messages per second", qUtf8Printable(describe(connection)),
               m_config.rateLimit());
    }
}

void ServerWorker::rejectForRate(SocketConnection *connection)
{
    reject(connection, SocketServer::Error::LimitExceeded, QWebSocketProtocol::CloseCodePolicyViolated,
           SocketServer::tr("more than %1 messages per second").arg(m_config.rateLimit()));
}

void ServerWorker::deliver(SocketConnection *connection, const InboundFrame &frame)
{
    SocketConnection::Private *cd = connection->d.get();
    // A request is being handled on the server's thread: later ones wait their turn.
    if (cd->awaitingServer || !cd->waiting.isEmpty()) {
        cd->waiting.append(frame);
        cd->socket->pause();
        return;
    }
    dispatchFrame(connection, frame);
}

bool ServerWorker::readingHeld(const SocketConnection *connection)
{
    const SocketConnection::Private *cd = connection->d.get();
    return cd->awaitingServer || !cd->waiting.isEmpty() || !cd->backlog.isEmpty() || cd->rejectAfterWaiting;
}

void ServerWorker::onDrainBacklog(SocketConnection *connection)
{
    SocketConnection::Private *cd = connection->d.get();
    QPointer<SocketConnection> guard(connection);
    while (!cd->closing && !cd->backlog.isEmpty() && cd->rate.tryTake(cd->rateClock.nsecsElapsed())) {
        deliver(connection, cd->backlog.takeFirst());
        if (!guard || connection->d->worker != this)
            return;
    }
    if (cd->closing) {
        cd->backlog.clear();
        cd->waiting.clear();
    } else if (!cd->backlog.isEmpty()) {
        startDrainTimer(connection, int(cd->rate.msUntilToken()));
    } else if (!readingHeld(connection)) {
        cd->socket->resume();
    }
}

void ServerWorker::dispatchFrame(SocketConnection *connection, const InboundFrame &frame)
{
    SocketConnection::Private *cd = connection->d.get();
    if (cd->closing)
        return;

    // 1. Decrypt and parse (the session key once authenticated, else the global key).
    Message::Incoming message;
    message.recentRequest = m_recentRequest;
    QString problem;
    switch (cd->codec.decode(frame, u"data", &message, &problem)) {
    case SessionCodec::Decoded::Message:
        if (!message.request.isSharedWith(m_recentRequest))
            m_recentRequest = message.request;
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

    // 3. Handler lookup. The reference keeps the handler alive until its call returns,
    // even if it is unregistered meanwhile (by a slot below, or by itself).
    const HandlerRegistry::EntryRef entry = m_handlers.find(message.request);
    if (!entry) {
        qCDebug(lcServer, "Client %s sent a request with no handler: \"%s\"", qUtf8Printable(describe(connection)),
                qUtf8Printable(message.request));
        if (cd->authenticated && m_server->reportsMessages()) { // never from strangers
            m_server->report([q = m_server->q, id = qint64(cd->id), request = message.request, payload = message.payload] {
                Q_EMIT q->messageReceived(id, request, payload);
            });
        }
        return;
    }

    // 4. Auth gate.
    const bool isAuth = message.request == Message::AuthRequest;
    if (!isAuth && !entry->skipAuth && !cd->authenticated) {
        reject(connection, SocketServer::Error::Unauthenticated, QWebSocketProtocol::CloseCodePolicyViolated,
               SocketServer::tr("request \"%1\" before authentication").arg(message.request));
        return;
    }
    if (isAuth) {
        // Session resume: true (give me a token) or the token of a held session.
        const QJsonValue resume = message.value(Delivery::ResumeField);
        cd->resumeCapable = resume.isString() || (resume.isBool() && resume.toBool());
        cd->resumeOffered = resume.isString() ? resume.toString() : QString();
    }
    // Past the gate: authenticated clients, or a handler opened with skipAuth. Auth
    // requests are never reported: they carry the secret.
    if (!isAuth && m_server->reportsMessages()) {
        reportConnected(connection);
        m_server->report([q = m_server->q, id = qint64(cd->id), request = message.request, payload = message.payload] {
            Q_EMIT q->messageReceived(id, request, payload);
        });
        if (cd->closing) // a slot may have closed it
            return;
    }

    // 5. Call the handler; a deferred reply comes back through finishRequest() later.
    // A handler that keeps to the server's thread is called there (see callOnServerThread()).
    if (entry->affinity == HandlerRegistry::Affinity::Server && !m_server->onServerThread()) {
        callOnServerThread(connection, entry, message.request, message.payload,
                           Delivery::requestId(message.value(Delivery::IdField)));
        return;
    }
    // The server may go during the call: look again afterwards.
    QPointer<SocketConnection> guard(connection);
    const QJsonValue id = Delivery::requestId(message.value(Delivery::IdField));
    cd->dispatching = message.request;
    cd->dispatchingId = id;
    const QJsonValue result = callHandler(entry->handler.get(), message.request, message.payload, connection);
    if (!guard || connection->d->worker != this)
        return;
    cd->dispatching.clear();
    cd->dispatchingId = QJsonValue(QJsonValue::Undefined);
    finishRequest(connection, message.request, result, id);
}

bool ServerWorker::finishRequest(SocketConnection *connection, const QString &request, const QJsonValue &result,
                                 const QJsonValue &id)
{
    // What this sends goes out after what it reports (see ServerWebSocket::Batch).
    const ServerWebSocket::Batch batch(connection->d->socket);
    SocketConnection::Private *cd = connection->d.get();
    if (cd->closing || Message::isNothing(result))
        return false;
    // The request's id, if it had one, goes back with the response (docs/protocol-extensions.md).
    if (request != Message::AuthRequest || !Message::isTruthy(result)) {
        if (request == Message::AuthRequest) {
            // Rejected: a held session it presented ends (the credentials no longer hold).
            if (const QString offered = std::exchange(cd->resumeOffered, QString()); !offered.isEmpty())
                discardHeld(offered);
            reportConnected(connection);
        }
        return sendMessage(connection,
                           Delivery::withField(Message::encodeResponse(request, result, &m_encodeBuffer), Delivery::IdField, id));
    }

    // Session resume: a held session whose token it presents is taken over (its id,
    // metadata, rooms), and what was pushed to it meanwhile follows the answer.
    const bool resumeOn = m_config.resumeWindow() > 0;
    const QString offered = std::exchange(cd->resumeOffered, QString());
    QList<QByteArray> buffered;
    qint64 dropped = 0;
    // A transport that did not announce the resume (no ResumeHeader: e.g. a browser)
    // was reported under an id of its own, which goes when it takes the held one.
    const bool provisionalReported = !cd->connectPending;
    const qint64 provisionalId = cd->id;
    const bool resumed = resumeOn && !offered.isEmpty() && !cd->authenticated
        && takeOverHeld(connection, offered, &buffered, &dropped);

    // A truthy auth result: authenticate, make the session key, answer under the global key.
    QString sessionKey;
    if (m_config.encryption()) {
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
    // It also says which extensions this server supports: a client then matches
    // responses by id only.
    QByteArray json = Message::encodeResponse(request, result, sessionKey);
    json = Delivery::withField(std::move(json), Delivery::ExtensionsField, Delivery::serverExtensions(resumeOn));
    if (resumeOn && cd->resumeCapable) {
        // 128 random bits from OpenSSL: whoever presents them takes the session over.
        QByteArray raw = FrameCipher::randomBytes(16);
        if (!raw.isEmpty()) {
            cd->resumeToken = QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
            OPENSSL_cleanse(raw.data(), size_t(raw.size()));
            json = Delivery::withField(std::move(json), Delivery::ResumeTokenField, cd->resumeToken);
            json = Delivery::withField(std::move(json), Delivery::ResumeWindowField, m_config.resumeWindow());
        }
    }
    if (resumed) {
        json = Delivery::withField(std::move(json), Delivery::ResumedField, true);
        json = Delivery::withField(std::move(json), Delivery::ResumeDroppedField, double(dropped));
    }
    json = Delivery::withField(std::move(json), Delivery::IdField, id);
    const bool sent = sendMessage(connection, json, Seal::GlobalKey);
    const bool wasAuthenticated = cd->authenticated;
    cd->authenticated = true;
    cd->authDeadline = -1;
    releaseAdmission(connection);
    if (resumed) {
        if (m_config.log())
            qCInfo(lcServer, "Client %s resumed its session (%lld pushes delivered, %lld dropped)",
                   qUtf8Printable(describe(connection)), qint64(buffered.size()), dropped);
        cd->connectPending = false;
        if (provisionalReported) {
            m_server->report([q = m_server->q, provisionalId, id = qint64(cd->id)] {
                Q_EMIT q->clientDisconnected(provisionalId, QWebSocketProtocol::CloseCodeNormal,
                                             SocketServer::tr("the connection resumed the session of client %1").arg(id));
            });
        }
        for (const QByteArray &push : std::as_const(buffered)) {
            if (!sendMessage(connection, push))
                break;
        }
        Q_EMIT connection->authenticatedChanged(true);
        m_server->report([q = m_server->q, id = qint64(cd->id)] {
            Q_EMIT q->clientResumed(id);
            Q_EMIT q->clientCountChanged(q->clientCount());
        });
        return sent;
    }
    reportConnected(connection);
    if (m_config.log())
        qCInfo(lcServer, "Client %s authenticated%s", qUtf8Printable(describe(connection)),
               wasAuthenticated ? " again" : "");
    if (!wasAuthenticated)
        Q_EMIT connection->authenticatedChanged(true);
    m_server->report([q = m_server->q, id = qint64(cd->id)] { Q_EMIT q->clientAuthenticated(id); });
    return sent;
}

bool ServerWorker::checkSendBuffer(SocketConnection *connection)
{
    // A peer that does not read makes Qt's write buffer grow without bound.
    const qint64 queued = queuedAfterFlush(connection->d->socket, 0, m_config.maxSendBuffer());
    if (queued <= m_config.maxSendBuffer())
        return true;
    drop(connection, SocketServer::Error::LimitExceeded, QWebSocketProtocol::CloseCodePolicyViolated,
         SocketServer::tr("%1 bytes queued for a client that does not read (limit %2)").arg(queued).arg(m_config.maxSendBuffer()));
    return false;
}

bool ServerWorker::sendMessage(SocketConnection *connection, const QByteArray &json, Seal seal)
{
    SocketConnection::Private *cd = connection->d.get();
    if (cd->closing)
        return false;
    if (!cd->codec.isEncrypted()) {
        m_server->counters.countOut(m_index, json.size());
        return sendFrame(connection, FrameWriter::Opcode::Text, json);
    }
    // Before authentication, and for every auth response, the global key.
    QByteArray frame;
    QString problem;
    if (!cd->codec.encode(json, seal == Seal::GlobalKey ? SessionCodec::KeyChoice::Global : SessionCodec::KeyChoice::Current,
                          &frame, &problem)) {
        qCWarning(lcServer, "Could not encrypt a message for client %s: %s", qUtf8Printable(describe(connection)),
                  qUtf8Printable(problem));
        return false;
    }
    m_server->counters.countOut(m_index, frame.size());
    return sendFrame(connection, FrameWriter::Opcode::Binary, frame);
}

bool ServerWorker::sendFrame(SocketConnection *connection, FrameWriter::Opcode opcode, const QByteArray &payload)
{
    SocketConnection::Private *cd = connection->d.get();
    // Nothing after the close frame or once the link is gone.
    if (cd->socket->state() == ServerWebSocket::State::Open && !cd->socket->sendFrame(opcode, payload))
        return false;
    return checkSendBuffer(connection);
}

} // namespace Stonyx::Sockets
