// SPDX-License-Identifier: MIT
#include "socketserver.h"
#include "message_p.h"
#include "sendbuffer_p.h"
#include "socketserver_p.h"
#include "epolleventdispatcher_p.h"

#include <QDir>
#include <QMetaEnum>
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

QHostAddress hostAddress(const QString &host)
{
    if (host == u"localhost")
        return QHostAddress(QHostAddress::LocalHost);
    if (host == u"any" || host == u"*")
        return QHostAddress(QHostAddress::Any);
    return QHostAddress(host);
}

} // namespace

SocketServerPrivate::SocketServerPrivate(SocketServer *qq, const SocketConfig &cfg)
    : q(qq)
    , config(cfg)
    , resumeBufferLimit(cfg.resumeBuffer())
    , hub(std::make_unique<ClusterHub>(this))
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

ServerWorker *SocketServerPrivate::unlistenedWorker()
{
    if (workers.isEmpty()) {
        auto *worker = new ServerWorker(this, 0, config, {}, nullptr);
        worker->start();
        workers.append({worker, nullptr});
    }
    return workers.constFirst().worker;
}

ServerWorker *SocketServerPrivate::pickWorker() const
{
    ServerWorker *best = nullptr;
    for (const Worker &w : workers) {
        if (!best || w.worker->load() < best->load())
            best = w.worker;
    }
    return best;
}

void SocketServerPrivate::stopWorkers()
{
    const QList<Worker> stopping = std::exchange(workers, {});
    for (const Worker &w : stopping) {
        ServerWorker *worker = w.worker;
        if (!w.thread) {
            // On the server's thread: its clients linger here, the worker can go now.
            worker->shutdown();
            delete worker;
            continue;
        }
        // The worker's thread ends once its clients finished their close handshake.
        // Connected before the shutdown: with no client left, the thread may finish
        // as soon as the call returns, and a later connection would never fire (the
        // worker leaked; found by LeakSanitizer on tst_socketserver).
        QThread *thread = w.thread;
        QObject::connect(thread, &QThread::finished, worker, &QObject::deleteLater);
        worker->setLingerDone([thread] { thread->quit(); });
        QMetaObject::invokeMethod(worker, [worker] { worker->shutdown(); }, Qt::BlockingQueuedConnection);
        retiredThreads.append(thread);
    }
    // What the workers reported (clientDisconnected()...) is delivered before close() returns.
    QCoreApplication::sendPostedEvents(q, QEvent::MetaCall);
}

void SocketServerPrivate::reapRetiredThreads(bool wait)
{
    for (auto it = retiredThreads.begin(); it != retiredThreads.end();) {
        QThread *thread = *it;
        if (wait && !thread->wait(10000))
            qCWarning(lcServer, "A worker thread did not finish within 10 s of the server's close; leaving it");
        if (thread->isFinished()) {
            delete thread;
            it = retiredThreads.erase(it);
        } else {
            if (wait)
                thread->setParent(nullptr); // leaked rather than destroyed while running
            ++it;
        }
    }
    if (wait)
        retiredThreads.clear();
}

void SocketServerPrivate::bufferPush(HeldSession &session, const QByteArray &json)
{
    const int limit = resumeBufferLimit.load(std::memory_order_relaxed); // config is the server thread's
    session.buffer.append(json);
    while (session.buffer.size() > limit && !session.buffer.isEmpty()) {
        session.buffer.removeFirst();
        ++session.dropped;
        resumeDropped.fetch_add(1, std::memory_order_relaxed);
    }
}

void SocketServerPrivate::armHeldTimer()
{
    qint64 next = -1;
    {
        QMutexLocker locker(&heldMutex);
        for (const HeldSession &session : std::as_const(held)) {
            const qint64 remaining = session.expiry.remainingTime();
            if (next < 0 || remaining < next)
                next = remaining;
        }
    }
    if (!heldTimer)
        return;
    if (next < 0)
        heldTimer->stop();
    else
        heldTimer->start(int(std::min<qint64>(next, std::numeric_limits<int>::max())));
}

void SocketServerPrivate::expireHeld(bool all)
{
    QList<HeldSession> ended;
    {
        QMutexLocker locker(&heldMutex);
        for (auto it = held.begin(); it != held.end();) {
            if (all || it->expiry.hasExpired()) {
                heldTokens.remove(it->token);
                ended.append(std::move(*it));
                it = held.erase(it);
            } else {
                ++it;
            }
        }
    }
    for (HeldSession &session : ended)
        discardHeld(std::move(session));
    if (!all)
        armHeldTimer();
}

void SocketServerPrivate::discardHeld(HeldSession session)
{
    SocketConnection *connection = session.connection;
    const std::shared_ptr<void> hold(nullptr, [connection](void *) { ServerWorker::release(connection); });
    report([q = q, id = connection->id(), code = session.code, reason = session.reason, hold] {
        Q_EMIT q->clientDisconnected(id, code, reason);
    });
}

bool SocketServerPrivate::sendLocal(qint64 id, const QByteArray &json)
{
    // Connected or held, looked up at once (see heldMutex).
    QMutexLocker heldLocker(&heldMutex);
    QMutexLocker locker(&clientsMutex);
    SocketConnection *connection = clients.value(id);
    if (!connection) {
        locker.unlock();
        const auto it = held.find(id);
        if (it == held.end())
            return false;
        bufferPush(*it, json);
        return true;
    }
    heldLocker.unlock();
    if (QThread::currentThread() == connection->thread()) {
        locker.unlock();
        ServerWorker *worker = connection->d->worker;
        return worker && worker->sendMessage(connection, json);
    }
    // Sealed and sent on the connection's thread. It is registered, so alive: a
    // connection leaves the registry before it is deleted.
    QMetaObject::invokeMethod(connection, [connection, json] {
        if (ServerWorker *worker = connection->d->worker)
            worker->sendMessage(connection, json);
    }, Qt::QueuedConnection);
    return true;
}

int SocketServerPrivate::deliverLocal(const QByteArray &json, std::function<bool(SocketConnection *)> matches)
{
    // Held sessions that match keep it for their resume. The push is numbered: a
    // session resumed after this point got it from its buffer, and the workers skip
    // it (ServerWorker::sendToMatching()).
    quint64 seq = 0;
    int count = 0;
    {
        QMutexLocker locker(&heldMutex);
        seq = ++pushSeq;
        for (HeldSession &session : held) {
            if (matches(session.connection)) {
                bufferPush(session, json);
                ++count;
            }
        }
    }
    // A single worker on this thread: sent now, and counted as sent.
    if (workers.size() == 1 && QThread::currentThread() == workers.constFirst().worker->thread())
        return count + workers.constFirst().worker->sendToMatching(json, matches, seq);
    // Else counted now (the clients that match when called); each worker seals and sends
    // to its own clients on its thread. The JSON is shared by all (serialised once).
    const int heldCount = count;
    {
        QMutexLocker locker(&clientsMutex);
        for (SocketConnection *connection : std::as_const(clients)) {
            if (connection->isAuthenticated() && matches(connection))
                ++count;
        }
    }
    if (count == heldCount)
        return count;
    for (const Worker &w : std::as_const(workers)) {
        ServerWorker *worker = w.worker;
        if (QThread::currentThread() == worker->thread())
            worker->sendToMatching(json, matches, seq);
        else
            QMetaObject::invokeMethod(worker, [worker, json, matches, seq] { worker->sendToMatching(json, matches, seq); },
                                      Qt::QueuedConnection);
    }
    return count;
}

void SocketServerPrivate::setError(SocketServer::Error e, const QString &message)
{
    error = e;
    errorString = message;
    Q_EMIT q->errorOccurred(e);
}

SocketServer::SocketServer(QObject *parent)
    : SocketServer(SocketConfig::fromEnvironment(), parent)
{
}

SocketServer::SocketServer(const SocketConfig &config, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<SocketServerPrivate>(this, config))
{
    // The cluster hub follows this node's clients (on this thread, before any slot
    // connected later).
    connect(this, &SocketServer::clientAuthenticated, d->hub.get(), [this](qint64 id) { d->hub->onAuthenticated(id); });
    connect(this, &SocketServer::clientDisconnected, d->hub.get(), [this](qint64 id) { d->hub->onDisconnected(id); });
    // Session resume: held sessions end when their window does.
    d->heldTimer = new QTimer(this);
    d->heldTimer->setSingleShot(true);
    connect(d->heldTimer, &QTimer::timeout, this, [this] { d->expireHeld(false); });
    // Rejections by reason, for statistics().
    connect(this, &SocketServer::clientRejected, this, [this](qint64, Error error, const QString &) {
        const QString key = QString::fromLatin1(QMetaEnum::fromType<Error>().valueToKey(int(error)));
        QMutexLocker locker(&d->counters.rejectionsMutex);
        ++d->counters.rejections[key];
    });
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
    // Fuzz tests' worker, made without listen().
    d->stopWorkers();
    d->expireHeld(true);
    // Calls of handlers on this thread that were never made: dropping them hands
    // their connections back to the workers, which end once their clients are gone.
    QCoreApplication::removePostedEvents(this, QEvent::MetaCall);
    d->reapRetiredThreads(true);
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
    d->resumeBufferLimit.store(config.resumeBuffer(), std::memory_order_relaxed);
    for (const SocketServerPrivate::Worker &w : std::as_const(d->workers)) {
        ServerWorker *worker = w.worker;
        if (!w.thread)
            worker->setConfig(config);
        else
            QMetaObject::invokeMethod(worker, [worker, config] { worker->setConfig(config); }, Qt::QueuedConnection);
    }
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
    d->tls = tls;
    d->secure = secure;
    d->gate = gate;
    d->stopWorkers(); // the fuzz tests' worker, if any
    d->reapRetiredThreads(false);
    const int threads = d->config.workerThreads() > 0 ? d->config.workerThreads() : std::max(1, QThread::idealThreadCount());
    for (int i = 0; i < threads; ++i) {
        auto *worker = new ServerWorker(d.get(), i, d->config, tls, gate);
        if (threads == 1) {
            worker->start(); // on this thread: a single-threaded server
            d->workers.append({worker, nullptr});
            break;
        }
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("stonyx-worker-%1").arg(i));
#ifdef Q_OS_LINUX
        // A turn of the loop costs what is ready, not every socket the worker holds.
        if (auto dispatcher = std::make_unique<EpollEventDispatcher>(); dispatcher->isValid())
            thread->setEventDispatcher(dispatcher.release());
#endif
        worker->moveToThread(thread);
        thread->start();
        QMetaObject::invokeMethod(worker, [worker] { worker->start(); }, Qt::BlockingQueuedConnection);
        d->workers.append({worker, thread});
    }
    gate->setSink([this](qintptr descriptor, const QHostAddress &, const QString &peer) {
        ServerWorker *worker = d->pickWorker();
        worker->changeLoad(+1);
        if (QThread::currentThread() == worker->thread())
            worker->onAccepted(descriptor, peer);
        else
            QMetaObject::invokeMethod(worker, [worker, descriptor, peer] { worker->onAccepted(descriptor, peer); },
                                      Qt::QueuedConnection);
    });
    d->hub->start(d->config.heartBeatInterval());
    if (d->config.log())
        qCInfo(lcServer, "Listening on %s (encryption %s%s, %d worker thread%s)", qUtf8Printable(serverUrl().toString()),
               d->config.encryption() ? "on" : "off", secure ? ", TLS" : "", threads, threads == 1 ? "" : "s");
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
    // Stop accepting at once; the workers close their clients, which may linger a
    // little to finish the close handshake (on their worker's thread).
    d->gate->close();
    d->hub->stop();
    d->stopWorkers();
    // Held sessions cannot be resumed on a closed server: they end now.
    d->expireHeld(true);
    delete std::exchange(d->gate, nullptr);
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
    // Serialised here, on the caller's thread; sealed and sent on the connection's.
    const QByteArray json = Message::encodeResponse(request, response);
    return d->sendLocal(id, json) || d->hub->publishTo(id, json);
}

int SocketServer::broadcast(const QString &request, const QJsonValue &response)
{
    // The JSON is serialised once for every client; each is sealed with its own key.
    const QByteArray json = Message::encodeResponse(request, response);
    return d->deliverLocal(json, [](SocketConnection *) { return true; }) + d->hub->publishBroadcast(json);
}

int SocketServer::sendToByMeta(const QString &key, const QJsonValue &value, const QString &request,
                               const QJsonValue &response)
{
    const QByteArray json = Message::encodeResponse(request, response);
    return d->deliverLocal(json, [key, value](SocketConnection *connection) {
        return connection->metadataValue(key) == value;
    }) + d->hub->publishByMeta(key, value, json);
}

bool SocketServer::join(qint64 id, const QString &room)
{
    return d->hub->join(id, room);
}

bool SocketServer::leave(qint64 id, const QString &room)
{
    return d->hub->leave(id, room);
}

QStringList SocketServer::rooms(qint64 id) const
{
    return d->hub->rooms(id);
}

QList<qint64> SocketServer::members(const QString &room) const
{
    return d->hub->members(room);
}

int SocketServer::sendToRoom(const QString &room, const QString &request, const QJsonValue &response,
                             const QList<qint64> &except)
{
    const QByteArray json = Message::encodeResponse(request, response);
    const QSet<qint64> members = d->hub->localMembers(room, except);
    const int local = members.isEmpty()
        ? 0
        : d->deliverLocal(json, [members](SocketConnection *connection) { return members.contains(connection->id()); });
    return local + d->hub->publishToRoom(room, except, json);
}

void SocketServer::setBackplane(Backplane *backplane)
{
    d->hub->setBackplane(backplane);
    if (isListening())
        d->hub->start(d->config.heartBeatInterval());
}

Backplane *SocketServer::backplane() const
{
    return d->hub->backplane();
}

Backplane::Status SocketServer::backplaneStatus() const
{
    return d->hub->status();
}

QString SocketServer::nodeId() const
{
    return d->hub->nodeId();
}

QStringList SocketServer::nodes() const
{
    return d->hub->nodes();
}

int SocketServer::clusterClientCount() const
{
    return d->hub->clusterClientCount();
}

QList<qint64> SocketServer::clusterClients(const QJsonObject &filter) const
{
    return d->hub->clusterClients(filter);
}

ServerStatistics SocketServer::statistics() const
{
    ServerStatistics stats;
    {
        QMutexLocker locker(&d->clientsMutex);
        stats.connections = int(d->clients.size());
        for (SocketConnection *connection : std::as_const(d->clients))
            stats.authenticated += connection->isAuthenticated() ? 1 : 0;
    }
    stats.messagesIn = d->counters.sum(&SocketServerPrivate::Counters::Shard::messagesIn);
    stats.bytesIn = d->counters.sum(&SocketServerPrivate::Counters::Shard::bytesIn);
    stats.messagesOut = d->counters.sum(&SocketServerPrivate::Counters::Shard::messagesOut);
    stats.bytesOut = d->counters.sum(&SocketServerPrivate::Counters::Shard::bytesOut);
    QMutexLocker locker(&d->counters.rejectionsMutex);
    stats.rejections = d->counters.rejections;
    stats.resumeDropped = d->resumeDropped.load(std::memory_order_relaxed);
    {
        QMutexLocker heldLocker(&d->heldMutex);
        stats.heldSessions = int(d->held.size());
    }
    return stats;
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
