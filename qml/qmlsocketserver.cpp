// SPDX-License-Identifier: MIT
#include "qmlsocketserver.h"
#include "jsonconversion.h"
#include "qmlsockethandler.h"
#include "environmentconfig.h"

#include <Stonyx/Sockets/FrameCipher>
#include <Stonyx/Sockets/SocketConnection>

#include <QJSEngine>
#include <QLoggingCategory>
#include <QMap>
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

} // namespace

// ---------------------------------------------------------------------------------------
// QmlSocketConnection

QmlSocketConnection::QmlSocketConnection(SocketConnection *connection, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
    , m_id(connection->id())
    , m_address(connection->peerAddress().toString())
    , m_port(connection->peerPort())
    , m_authenticated(connection->isAuthenticated())
    , m_metadata(connection->metadata())
{
    connect(connection, &SocketConnection::authenticatedChanged, this, [this](bool authenticated) {
        if (m_authenticated == authenticated)
            return;
        m_authenticated = authenticated;
        Q_EMIT authenticatedChanged();
    });
    connect(connection, &SocketConnection::metadataChanged, this, [this] {
        m_metadata = m_connection ? m_connection->metadata() : m_metadata;
        Q_EMIT metadataChanged();
    });
}

double QmlSocketConnection::clientId() const
{
    return double(m_id);
}

QString QmlSocketConnection::address() const
{
    return m_address;
}

int QmlSocketConnection::port() const
{
    return m_port;
}

bool QmlSocketConnection::isConnected() const
{
    return !m_connection.isNull();
}

bool QmlSocketConnection::isAuthenticated() const
{
    return m_authenticated;
}

QJsonObject QmlSocketConnection::metadata() const
{
    return m_metadata;
}

void QmlSocketConnection::setMetadata(const QJsonObject &metadata)
{
    if (m_connection)
        m_connection->setMetadata(metadata); // notifies through metadataChanged
}

SocketConnection *QmlSocketConnection::connection() const
{
    return m_connection;
}

bool QmlSocketConnection::setMetadataValue(const QString &key, const QJSValue &value)
{
    QJsonValue json;
    QString problem;
    auto *server = qobject_cast<QmlSocketServer *>(parent());
    if (!JsonConversion::toJson(value, key, &json, &problem)) {
        if (server)
            server->reportError(QmlSocketServer::InvalidData, tr("Cannot set the metadata field \"%1\": %2").arg(key, problem));
        return false;
    }
    if (!m_connection)
        return false;
    if (json.isUndefined()) {
        QJsonObject metadata = m_connection->metadata();
        metadata.remove(key);
        m_connection->setMetadata(metadata);
    } else {
        m_connection->setMetadataValue(key, json);
    }
    return true;
}

bool QmlSocketConnection::send(const QString &request, const QJSValue &response)
{
    QJsonValue json;
    QString problem;
    if (!JsonConversion::toJson(response, QStringLiteral("response"), &json, &problem)) {
        if (auto *server = qobject_cast<QmlSocketServer *>(parent()))
            server->reportError(QmlSocketServer::InvalidData, tr("Cannot send \"%1\": %2").arg(request, problem));
        return false;
    }
    return m_connection && m_connection->send(request, json);
}

void QmlSocketConnection::close(int closeCode, const QString &reason)
{
    if (m_connection)
        m_connection->close(closeCode, reason);
}

QmlPendingReply *QmlSocketConnection::deferReply()
{
    if (!m_connection)
        return nullptr;
    const PendingReply reply = m_connection->deferReply();
    if (!reply.isPending())
        return nullptr;
    return QmlPendingReply::create(qjsEngine(this), reply, QmlSocketHandler::dispatching(), this);
}

void QmlSocketConnection::markDisconnected()
{
    if (!m_connection)
        return;
    m_connection.clear();
    Q_EMIT connectedChanged();
}

// ---------------------------------------------------------------------------------------
// QmlClientModel

QmlClientModel::QmlClientModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

int QmlClientModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant QmlClientModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    QmlSocketConnection *connection = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case AddressRole:
        return connection->address();
    case ClientIdRole:
        return connection->clientId();
    case PortRole:
        return connection->port();
    case AuthenticatedRole:
        return connection->isAuthenticated();
    case MetadataRole:
        return connection->metadata().toVariantMap();
    case ConnectionRole:
        return QVariant::fromValue(connection);
    default:
        return {};
    }
}

QHash<int, QByteArray> QmlClientModel::roleNames() const
{
    return {
        {ClientIdRole, "clientId"},         {AddressRole, "address"},   {PortRole, "port"},
        {AuthenticatedRole, "authenticated"}, {MetadataRole, "metadata"}, {ConnectionRole, "connection"},
    };
}

QmlSocketConnection *QmlClientModel::get(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row) : nullptr;
}

void QmlClientModel::add(QmlSocketConnection *connection)
{
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append(connection);
    endInsertRows();
    connect(connection, &QmlSocketConnection::authenticatedChanged, this,
            [this, connection] { changed(connection, AuthenticatedRole); });
    connect(connection, &QmlSocketConnection::metadataChanged, this,
            [this, connection] { changed(connection, MetadataRole); });
    Q_EMIT countChanged();
}

void QmlClientModel::remove(QmlSocketConnection *connection)
{
    const int row = int(m_rows.indexOf(connection));
    if (row < 0)
        return;
    disconnect(connection, nullptr, this, nullptr);
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
    Q_EMIT countChanged();
}

void QmlClientModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    for (QmlSocketConnection *connection : std::as_const(m_rows))
        disconnect(connection, nullptr, this, nullptr);
    m_rows.clear();
    endResetModel();
    Q_EMIT countChanged();
}

void QmlClientModel::changed(QmlSocketConnection *connection, int role)
{
    const int row = int(m_rows.indexOf(connection));
    if (row >= 0)
        Q_EMIT dataChanged(index(row), index(row), {role});
}

// ---------------------------------------------------------------------------------------
// QmlSocketServer

struct QmlSocketServer::Private {
    QmlSocketServer *q;
    EnvironmentConfig config; // the environment (or the defaults) with the QML settings on top
    QString handlerDirectory;
    bool active = false;
    bool complete = false;
    SocketServer *server = nullptr; // made anew for every start
    QmlClientModel *model;
    QMap<qint64, QmlSocketConnection *> connections;
    QList<QPointer<QmlSocketHandler>> handlers;
    QStringList registered; // names this object registered with the server
    Error error = NoError;
    QString errorString;

    explicit Private(QmlSocketServer *qq)
        : q(qq)
        , model(new QmlClientModel(qq))
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
    QObject::connect(server, &SocketServer::clientCountChanged, q, &QmlSocketServer::clientCountChanged);
    QObject::connect(server, &SocketServer::errorOccurred, q, [this](SocketServer::Error e) {
        setError(static_cast<Error>(e), server->errorString());
    });
    QObject::connect(server, &SocketServer::clientConnected, q, [this](qint64 id) {
        if (QmlSocketConnection *client = wrap(id))
            Q_EMIT q->clientConnected(client);
    });
    QObject::connect(server, &SocketServer::clientAuthenticated, q, [this](qint64 id) {
        if (QmlSocketConnection *client = connections.value(id))
            Q_EMIT q->clientAuthenticated(client);
    });
    QObject::connect(server, &SocketServer::clientDisconnected, q, [this](qint64 id, int code, const QString &reason) {
        QmlSocketConnection *client = connections.take(id);
        if (!client)
            return;
        client->markDisconnected();
        model->remove(client);
        Q_EMIT q->clientDisconnected(double(id), code, reason);
        client->deleteLater();
    });
    QObject::connect(server, &SocketServer::clientRejected, q,
                     [this](qint64 id, SocketServer::Error e, const QString &reason) {
                         Q_EMIT q->clientRejected(double(id), static_cast<Error>(e), reason);
                     });
    QObject::connect(server, &SocketServer::messageReceived, q,
                     [this](qint64 id, const QString &request, const QJsonValue &data) {
                         if (QmlSocketConnection *client = connections.value(id))
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
    for (QmlSocketConnection *client : std::as_const(connections)) {
        client->markDisconnected();
        client->deleteLater();
    }
    connections.clear();
    model->clear();
}

QmlSocketConnection *QmlSocketServer::Private::wrap(qint64 id)
{
    SocketConnection *connection = server ? server->client(id) : nullptr;
    if (!connection)
        return nullptr;
    auto *client = new QmlSocketConnection(connection, q);
    QQmlEngine::setObjectOwnership(client, QQmlEngine::CppOwnership);
    connections.insert(id, client);
    model->add(client);
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
    return d->config.config().host();
}

void QmlSocketServer::setAddress(const QString &address)
{
    const bool changed = d->config.config().host() != address;
    d->config.set("host", [&](SocketConfig &c) { c.setHost(address); });
    if (changed)
        Q_EMIT addressChanged();
}

int QmlSocketServer::port() const
{
    return d->config.config().port();
}

void QmlSocketServer::setPort(int port)
{
    const bool changed = d->config.config().port() != port;
    d->config.set("port", [&](SocketConfig &c) { c.setPort(port); });
    if (changed)
        Q_EMIT portChanged();
}

QString QmlSocketServer::authKey() const
{
    return d->config.config().authKey();
}

void QmlSocketServer::setAuthKey(const QString &authKey)
{
    const bool changed = d->config.config().authKey() != authKey;
    d->config.set("authKey", [&](SocketConfig &c) { c.setAuthKey(authKey); });
    if (changed)
        Q_EMIT authKeyChanged();
}

bool QmlSocketServer::encryption() const
{
    return d->config.config().encryption();
}

void QmlSocketServer::setEncryption(bool encryption)
{
    const bool changed = d->config.config().encryption() != encryption;
    d->config.set("encryption", [&](SocketConfig &c) { c.setEncryption(encryption); });
    if (changed)
        Q_EMIT encryptionChanged();
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
    return d->config.config().log();
}

void QmlSocketServer::setLog(bool log)
{
    const bool changed = d->config.config().log() != log;
    d->config.set("log", [&](SocketConfig &c) { c.setLog(log); });
    if (changed)
        Q_EMIT logChanged();
}

QmlSocketServer::RateLimitPolicy QmlSocketServer::rateLimitPolicy() const
{
    return static_cast<RateLimitPolicy>(d->config.config().rateLimitPolicy());
}

void QmlSocketServer::setRateLimitPolicy(RateLimitPolicy policy)
{
    if (policy != Throttle && policy != Close) {
        reportError(ConfigurationError, tr("Invalid rateLimitPolicy %1: use SocketServer.Throttle or SocketServer.Close")
                                            .arg(int(policy)));
        return;
    }
    const bool changed = rateLimitPolicy() != policy;
    d->config.set("rateLimitPolicy", [&](SocketConfig &c) {
        c.setRateLimitPolicy(static_cast<SocketConfig::RateLimitPolicy>(policy));
    });
    if (changed)
        Q_EMIT rateLimitPolicyChanged();
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
    // Every setting may have changed.
    Q_EMIT addressChanged();
    Q_EMIT portChanged();
    Q_EMIT authKeyChanged();
    Q_EMIT encryptionChanged();
    Q_EMIT logChanged();
    Q_EMIT rateLimitPolicyChanged();
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
    return d->model;
}

int QmlSocketServer::clientCount() const
{
    return d->server ? d->server->clientCount() : 0;
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
    return d->connections.value(qint64(clientId));
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
    return connection ? d->connections.value(connection->id()) : nullptr;
}

void QmlSocketServer::reportError(Error error, const QString &message)
{
    qCWarning(lcQmlServer, "%s", qUtf8Printable(message));
    d->setError(error, message);
}

} // namespace Stonyx::Sockets
