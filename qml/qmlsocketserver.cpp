// SPDX-License-Identifier: MIT
#include "qmlsocketserver.h"
#include "jsonconversion.h"
#include "qmlsockethandler.h"
#include "environmentconfig.h"

#include <Stonyx/Sockets/FrameCipher>
#include <Stonyx/Sockets/SocketConnection>

#include <QJSEngine>
#include <QLoggingCategory>
#include <QQmlEngine>

namespace Stonyx::Sockets {

Q_LOGGING_CATEGORY(lcQmlServer, "stonyx.sockets.qml.server", QtInfoMsg)

namespace {

constexpr int InvalidAuthKeyCloseCode = 4001;

// The QML enums are defined from the C++ ones; these checks keep it that way (a QML
// value written as a literal, or mapped to the wrong name, fails to compile).
#define STONYX_SAME_VALUE(qml, cpp) static_assert(int(qml) == int(cpp), #qml " must equal " #cpp)
STONYX_SAME_VALUE(QmlSocketServer::NoError, SocketServer::Error::NoError);
STONYX_SAME_VALUE(QmlSocketServer::ConfigurationError, SocketServer::Error::ConfigurationError);
STONYX_SAME_VALUE(QmlSocketServer::MissingAuthHandler, SocketServer::Error::MissingAuthHandler);
STONYX_SAME_VALUE(QmlSocketServer::HandlerError, SocketServer::Error::HandlerError);
STONYX_SAME_VALUE(QmlSocketServer::ListenError, SocketServer::Error::ListenError);
STONYX_SAME_VALUE(QmlSocketServer::CryptoError, SocketServer::Error::CryptoError);
STONYX_SAME_VALUE(QmlSocketServer::InvalidMessage, SocketServer::Error::InvalidMessage);
STONYX_SAME_VALUE(QmlSocketServer::Unauthenticated, SocketServer::Error::Unauthenticated);
STONYX_SAME_VALUE(QmlSocketServer::LimitExceeded, SocketServer::Error::LimitExceeded);
STONYX_SAME_VALUE(QmlSocketServer::Timeout, SocketServer::Error::Timeout);
STONYX_SAME_VALUE(QmlSocketServer::TlsError, SocketServer::Error::TlsError);
STONYX_SAME_VALUE(QmlSocketServer::Throttle, SocketConfig::RateLimitPolicy::Throttle);
STONYX_SAME_VALUE(QmlSocketServer::Close, SocketConfig::RateLimitPolicy::Close);
#undef STONYX_SAME_VALUE
// Values of the QML type only stay clear of the C++ ones.
static_assert(int(QmlSocketServer::InvalidData) > int(SocketServer::Error::TlsError));

// The QML properties that are SocketConfig keys (QML name, key). Their NOTIFY signals
// are emitted in this order when useEnvironment changes.
constexpr EnvironmentConfig::Binding ConfigProperties[] = {
    {"address", "host"},   {"port", "port"}, {"authKey", "authKey"},
    {"encryption", "encryption"}, {"log", "log"},   {"rateLimitPolicy", "rateLimitPolicy"},
};

} // namespace


struct QmlSocketServer::Private {
    QmlSocketServer *q;
    EnvironmentConfig config; // the environment (or the defaults) with the QML settings on top
    QString handlerDirectory;
    bool active = false;
    bool complete = false;
    SocketServer *server = nullptr; // made anew for every start
    QmlClientModel *clients; // the one client registry, which QML also sees as a model
    QList<QPointer<QmlSocketHandler>> handlers;
    QStringList registered; // names this object registered with the server
    Error error = NoError;
    QString errorString;

    explicit Private(QmlSocketServer *qq)
        : q(qq)
        , config(qq, QmlSocketServer::staticMetaObject, ConfigProperties)
        , clients(new QmlClientModel(qq))
    {
    }

    void setError(Error e, const QString &message)
    {
        error = e;
        errorString = message;
        Q_EMIT q->errorOccurred(e);
    }

    bool checkConfig();
    void start();
    void stop();
    void syncHandlers();
    void registerDefaultAuth();
    QmlSocketConnection *wrap(qint64 id);

    static void appendHandler(QQmlListProperty<QmlSocketHandler> *list, QmlSocketHandler *handler);
    static qsizetype handlerCount(QQmlListProperty<QmlSocketHandler> *list);
    static QmlSocketHandler *handlerAt(QQmlListProperty<QmlSocketHandler> *list, qsizetype index);
    static void clearHandlers(QQmlListProperty<QmlSocketHandler> *list);
};

bool QmlSocketServer::Private::checkConfig()
{
    // A bad SOCKET_* variable (or setting) is reported, never replaced by defaults.
    const QString problem = config.config().validate();
    if (problem.isEmpty())
        return true;
    q->reportError(ConfigurationError, problem);
    return false;
}

void QmlSocketServer::Private::start()
{
    stop();
    if (!checkConfig())
        return; // stays inactive in effect: not listening until the configuration is valid
    SocketConfig serverConfig = config.config();
    serverConfig.setHandlerDir(handlerDirectory);
    server = new SocketServer(serverConfig, q);
    QObject::connect(server, &SocketServer::listeningChanged, q, &QmlSocketServer::listeningChanged);
    QObject::connect(server, &SocketServer::errorOccurred, q, [this](SocketServer::Error e) {
        setError(static_cast<Error>(e), server->errorString());
    });
    QObject::connect(server, &SocketServer::clientConnected, q, [this](qint64 id) {
        if (QmlSocketConnection *client = wrap(id)) {
            Q_EMIT q->clientConnected(client);
            Q_EMIT q->clientCountChanged();
        }
    });
    QObject::connect(server, &SocketServer::clientAuthenticated, q, [this](qint64 id) {
        if (QmlSocketConnection *client = clients->find(id))
            Q_EMIT q->clientAuthenticated(client);
    });
    QObject::connect(server, &SocketServer::clientResumed, q, [this](qint64 id) {
        // The connection under the id is a new one: so is its wrapper.
        if (QmlSocketConnection *old = clients->take(id))
            old->deleteLater();
        if (QmlSocketConnection *client = wrap(id))
            Q_EMIT q->clientResumed(client);
    });
    QObject::connect(server, &SocketServer::clientDisconnected, q, [this](qint64 id, int code, const QString &reason) {
        QmlSocketConnection *client = clients->take(id);
        if (!client)
            return;
        client->markDisconnected();
        Q_EMIT q->clientDisconnected(double(id), code, reason);
        Q_EMIT q->clientCountChanged();
        client->deleteLater();
    });
    QObject::connect(server, &SocketServer::clientRejected, q,
                     [this](qint64 id, SocketServer::Error e, const QString &reason) {
                         Q_EMIT q->clientRejected(double(id), static_cast<Error>(e), reason);
                     });
    QObject::connect(server, &SocketServer::messageReceived, q,
                     [this](qint64 id, const QString &request, const QJsonValue &data) {
                         if (QmlSocketConnection *client = clients->find(id))
                             Q_EMIT q->messageReceived(client, request, JsonConversion::toScript(qjsEngine(q), data));
                     });

    if (!handlerDirectory.isEmpty())
        server->loadHandlers(handlerDirectory);
    syncHandlers();
    registerDefaultAuth();
    server->listen(); // on failure, errorOccurred has been forwarded
}

void QmlSocketServer::Private::stop()
{
    if (!server)
        return;
    SocketServer *old = std::exchange(server, nullptr);
    old->close(); // reports every client disconnected, and that it stopped listening
    QObject::disconnect(old, nullptr, q, nullptr);
    old->deleteLater();
    registered.clear();
    // close() reported every client gone; any left over go now.
    const QList<QmlSocketConnection *> left = clients->takeAll();
    for (QmlSocketConnection *client : left) {
        client->markDisconnected();
        client->deleteLater();
    }
    if (!left.isEmpty())
        Q_EMIT q->clientCountChanged();
}

QmlSocketConnection *QmlSocketServer::Private::wrap(qint64 id)
{
    SocketConnection *connection = server ? server->client(id) : nullptr;
    if (!connection)
        return nullptr;
    auto *client = new QmlSocketConnection(connection, q);
    QQmlEngine::setObjectOwnership(client, QQmlEngine::CppOwnership);
    clients->add(client);
    return client;
}

void QmlSocketServer::Private::syncHandlers()
{
    if (!server)
        return;
    for (const QString &name : std::as_const(registered))
        server->unregisterHandler(name);
    registered.clear();
    for (const QPointer<QmlSocketHandler> &handler : std::as_const(handlers)) {
        if (!handler || handler->name().isEmpty())
            continue;
        const HandlerOptions options = handler->skipAuth() ? HandlerOptions(HandlerOption::SkipAuth) : HandlerOptions();
        if (server->registerHandler(handler->name(), handler.data(), options))
            registered.append(handler->name());
    }
}

void QmlSocketServer::Private::registerDefaultAuth()
{
    if (server->handlerNames().contains(QStringLiteral("auth")))
        return;
    SocketServer *s = server;
    // Like the example auth plugin: the key must match; the other fields become metadata.
    s->registerHandler(
        QStringLiteral("auth"),
        [s](const QJsonValue &data, SocketConnection *connection) -> QJsonValue {
            const QJsonObject fields = data.toObject();
            const QJsonValue key = fields.value(u"authKey");
            if (!key.isString() || !FrameCipher::constantTimeEquals(key.toString().toUtf8(), s->config().authKey().toUtf8())) {
                connection->close(InvalidAuthKeyCloseCode, QmlSocketServer::tr("invalid auth key"));
                return QJsonValue(QJsonValue::Undefined);
            }
            QJsonObject metadata = fields;
            metadata.remove(u"authKey");
            connection->setMetadata(metadata);
            return QStringLiteral("success");
        },
        HandlerOptions());
}

void QmlSocketServer::Private::appendHandler(QQmlListProperty<QmlSocketHandler> *list, QmlSocketHandler *handler)
{
    auto *self = static_cast<QmlSocketServer *>(list->object);
    if (!handler)
        return;
    self->d->handlers.append(handler);
    auto resync = [self] {
        if (self->d->server)
            self->d->syncHandlers();
    };
    QObject::connect(handler, &QmlSocketHandler::nameChanged, self, resync);
    QObject::connect(handler, &QmlSocketHandler::skipAuthChanged, self, resync);
    // A handler that throws, rejects or returns something unsendable is a fault of the
    // server's own code: report it on the server too (the handler has logged it).
    QObject::connect(handler, &QmlSocketHandler::errorOccurred, self, [self, handler] {
        self->d->setError(HandlerError, handler->errorString());
    });
    QObject::connect(handler, &QObject::destroyed, self, [self, handler] {
        self->d->handlers.removeAll(QPointer<QmlSocketHandler>());
        self->d->handlers.removeAll(handler);
        if (self->d->server)
            self->d->syncHandlers();
    });
    resync();
}

qsizetype QmlSocketServer::Private::handlerCount(QQmlListProperty<QmlSocketHandler> *list)
{
    return static_cast<QmlSocketServer *>(list->object)->d->handlers.size();
}

QmlSocketHandler *QmlSocketServer::Private::handlerAt(QQmlListProperty<QmlSocketHandler> *list, qsizetype index)
{
    return static_cast<QmlSocketServer *>(list->object)->d->handlers.value(index);
}

void QmlSocketServer::Private::clearHandlers(QQmlListProperty<QmlSocketHandler> *list)
{
    auto *self = static_cast<QmlSocketServer *>(list->object);
    for (const QPointer<QmlSocketHandler> &handler : std::as_const(self->d->handlers)) {
        if (handler)
            QObject::disconnect(handler, nullptr, self, nullptr);
    }
    self->d->handlers.clear();
    if (self->d->server)
        self->d->syncHandlers();
}

QmlSocketServer::QmlSocketServer(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this))
{
}

QmlSocketServer::~QmlSocketServer()
{
    // Handlers may be destroyed before the server: stop using them first.
    for (const QPointer<QmlSocketHandler> &handler : std::as_const(d->handlers)) {
        if (handler)
            QObject::disconnect(handler, nullptr, this, nullptr);
    }
    if (d->server) {
        QObject::disconnect(d->server, nullptr, this, nullptr);
        d->server->close();
    }
}

QString QmlSocketServer::address() const
{
    return d->config.value<QString>("address");
}

void QmlSocketServer::setAddress(const QString &address)
{
    d->config.setValue("address", address);
}

int QmlSocketServer::port() const
{
    return d->config.value<int>("port");
}

void QmlSocketServer::setPort(int port)
{
    d->config.setValue("port", port);
}

QString QmlSocketServer::authKey() const
{
    return d->config.value<QString>("authKey");
}

void QmlSocketServer::setAuthKey(const QString &authKey)
{
    d->config.setValue("authKey", authKey);
}

bool QmlSocketServer::encryption() const
{
    return d->config.value<bool>("encryption");
}

void QmlSocketServer::setEncryption(bool encryption)
{
    d->config.setValue("encryption", encryption);
}

QString QmlSocketServer::handlerDirectory() const
{
    return d->handlerDirectory;
}

void QmlSocketServer::setHandlerDirectory(const QString &directory)
{
    if (d->handlerDirectory == directory)
        return;
    d->handlerDirectory = directory;
    Q_EMIT handlerDirectoryChanged();
}

bool QmlSocketServer::log() const
{
    return d->config.value<bool>("log");
}

void QmlSocketServer::setLog(bool log)
{
    d->config.setValue("log", log);
}

QmlSocketServer::RateLimitPolicy QmlSocketServer::rateLimitPolicy() const
{
    return static_cast<RateLimitPolicy>(d->config.value<SocketConfig::RateLimitPolicy>("rateLimitPolicy"));
}

void QmlSocketServer::setRateLimitPolicy(RateLimitPolicy policy)
{
    if (policy != Throttle && policy != Close) {
        reportError(ConfigurationError, tr("Invalid rateLimitPolicy %1: use SocketServer.Throttle or SocketServer.Close")
                                            .arg(int(policy)));
        return;
    }
    d->config.setValue("rateLimitPolicy", static_cast<SocketConfig::RateLimitPolicy>(policy));
}

bool QmlSocketServer::useEnvironment() const
{
    return d->config.useEnvironment();
}

void QmlSocketServer::setUseEnvironment(bool use)
{
    if (!d->config.setUseEnvironment(use))
        return;
    Q_EMIT useEnvironmentChanged();
    d->config.notifyAll(); // every setting may have changed
    if (!d->complete)
        return;
    if (!d->checkConfig())
        return;
    if (d->error == ConfigurationError) {
        d->error = NoError;
        d->errorString.clear();
    }
    if (d->active && !d->server)
        d->start(); // it was refused for the configuration
}

bool QmlSocketServer::isActive() const
{
    return d->active;
}

void QmlSocketServer::setActive(bool active)
{
    if (d->active == active)
        return;
    d->active = active;
    Q_EMIT activeChanged();
    if (!d->complete)
        return;
    if (active)
        d->start();
    else
        d->stop();
}

bool QmlSocketServer::isListening() const
{
    return d->server && d->server->isListening();
}

QUrl QmlSocketServer::url() const
{
    return d->server ? d->server->serverUrl() : QUrl();
}

int QmlSocketServer::serverPort() const
{
    return d->server ? d->server->serverPort() : 0;
}

QmlClientModel *QmlSocketServer::clients() const
{
    return d->clients;
}

int QmlSocketServer::clientCount() const
{
    return d->clients->rowCount();
}

QmlSocketServer::Error QmlSocketServer::error() const
{
    return d->error;
}

QString QmlSocketServer::errorString() const
{
    return d->errorString;
}

QQmlListProperty<QmlSocketHandler> QmlSocketServer::handlers()
{
    return QQmlListProperty<QmlSocketHandler>(this, nullptr, &Private::appendHandler, &Private::handlerCount,
                                              &Private::handlerAt, &Private::clearHandlers);
}

QmlSocketConnection *QmlSocketServer::client(double clientId) const
{
    return d->clients->find(qint64(clientId));
}

bool QmlSocketServer::sendTo(double clientId, const QString &request, const QJSValue &response)
{
    QJsonValue json;
    QString problem;
    if (!JsonConversion::toJson(response, QStringLiteral("response"), &json, &problem)) {
        reportError(InvalidData, tr("Cannot send \"%1\": %2").arg(request, problem));
        return false;
    }
    return d->server && d->server->sendTo(qint64(clientId), request, json);
}

int QmlSocketServer::broadcast(const QString &request, const QJSValue &response)
{
    QJsonValue json;
    QString problem;
    if (!JsonConversion::toJson(response, QStringLiteral("response"), &json, &problem)) {
        reportError(InvalidData, tr("Cannot send \"%1\": %2").arg(request, problem));
        return 0;
    }
    return d->server ? d->server->broadcast(request, json) : 0;
}

int QmlSocketServer::sendToByMeta(const QString &key, const QJSValue &value, const QString &request,
                                  const QJSValue &response)
{
    QJsonValue json;
    QJsonValue match;
    QString problem;
    if (!JsonConversion::toJson(value, key, &match, &problem)
        || !JsonConversion::toJson(response, QStringLiteral("response"), &json, &problem)) {
        reportError(InvalidData, tr("Cannot send \"%1\": %2").arg(request, problem));
        return 0;
    }
    return d->server ? d->server->sendToByMeta(key, match, request, json) : 0;
}

bool QmlSocketServer::join(double clientId, const QString &room)
{
    return d->server && d->server->join(qint64(clientId), room);
}

bool QmlSocketServer::leave(double clientId, const QString &room)
{
    return d->server && d->server->leave(qint64(clientId), room);
}

QStringList QmlSocketServer::rooms(double clientId) const
{
    return d->server ? d->server->rooms(qint64(clientId)) : QStringList();
}

QVariantList QmlSocketServer::members(const QString &room) const
{
    QVariantList ids;
    if (!d->server)
        return ids;
    for (qint64 id : d->server->members(room))
        ids << QVariant(double(id)); // ids stay below 2^53: exact as JavaScript numbers
    return ids;
}

int QmlSocketServer::sendToRoom(const QString &room, const QString &request, const QJSValue &response,
                                const QVariantList &except)
{
    QJsonValue json;
    QString problem;
    if (!JsonConversion::toJson(response, QStringLiteral("response"), &json, &problem)) {
        reportError(InvalidData, tr("Cannot send \"%1\": %2").arg(request, problem));
        return 0;
    }
    QList<qint64> exceptIds;
    for (const QVariant &id : except)
        exceptIds << qint64(id.toDouble());
    return d->server ? d->server->sendToRoom(room, request, json, exceptIds) : 0;
}

void QmlSocketServer::classBegin()
{
}

void QmlSocketServer::componentComplete()
{
    d->complete = true;
    if (d->active)
        d->start();
    else
        d->checkConfig(); // report an invalid environment at once, not only when activated
}

QmlSocketConnection *QmlSocketServer::wrapperFor(SocketConnection *connection) const
{
    QmlSocketConnection *client = connection ? d->clients->find(connection->id()) : nullptr;
    return client && client->connection() == connection ? client : nullptr;
}

void QmlSocketServer::reportError(Error error, const QString &message)
{
    qCWarning(lcQmlServer, "%s", qUtf8Printable(message));
    d->setError(error, message);
}

} // namespace Stonyx::Sockets
