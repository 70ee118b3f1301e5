// SPDX-License-Identifier: MIT
#include "qmlsocketclient.h"
#include "jsonconversion.h"
#include "qmlsockethandler.h"
#include "environmentconfig.h"

#include <QJSEngine>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMetaEnum>

#include <cmath>

namespace Stonyx::Sockets {

Q_LOGGING_CATEGORY(lcQmlClient, "stonyx.sockets.qml.client", QtInfoMsg)

namespace {

// The QML enum is defined from the C++ one; these checks keep it that way (a QML
// value written as a literal, or mapped to the wrong name, fails to compile).
#define STONYX_SAME_VALUE(qml, cpp) static_assert(int(qml) == int(cpp), #qml " must equal " #cpp)
STONYX_SAME_VALUE(QmlSocketClient::NoError, SocketClient::Error::NoError);
STONYX_SAME_VALUE(QmlSocketClient::ConfigurationError, SocketClient::Error::ConfigurationError);
STONYX_SAME_VALUE(QmlSocketClient::CryptoError, SocketClient::Error::CryptoError);
STONYX_SAME_VALUE(QmlSocketClient::ConnectionError, SocketClient::Error::ConnectionError);
STONYX_SAME_VALUE(QmlSocketClient::InvalidMessage, SocketClient::Error::InvalidMessage);
STONYX_SAME_VALUE(QmlSocketClient::AuthenticationRejected, SocketClient::Error::AuthenticationRejected);
STONYX_SAME_VALUE(QmlSocketClient::NotConnected, SocketClient::Error::NotConnected);
STONYX_SAME_VALUE(QmlSocketClient::ReconnectFailed, SocketClient::Error::ReconnectFailed);
STONYX_SAME_VALUE(QmlSocketClient::HandlerError, SocketClient::Error::HandlerError);
STONYX_SAME_VALUE(QmlSocketClient::LimitExceeded, SocketClient::Error::LimitExceeded);
#undef STONYX_SAME_VALUE
// Values of the QML type only stay clear of the C++ ones.
static_assert(int(QmlSocketClient::InvalidData) >= 100);

// The QML properties that are SocketConfig keys (QML name, key). Their NOTIFY signals
// are emitted in this order when useEnvironment changes.
constexpr EnvironmentConfig::Binding ConfigProperties[] = {
    {"url", "address"},
    {"authKey", "authKey"},
    {"encryption", "encryption"},
    {"heartbeatInterval", "heartBeatInterval"},
    {"heartbeatTimeout", "heartBeatTimeout"},
    {"reconnectBaseDelay", "reconnectBaseDelay"},
    {"reconnectMaxDelay", "reconnectMaxDelay"},
    {"maxReconnectAttempts", "maxReconnectAttempts"},
};

} // namespace

struct QmlSocketClient::Private {
    QmlSocketClient *q;
    EnvironmentConfig config; // the environment (or the defaults) with the QML settings on top
    QJSValue authData;
    bool active = false;
    bool complete = false;
    SocketClient *client = nullptr; // made anew every time the client becomes active
    QList<QPointer<QmlSocketHandler>> handlers;
    QStringList registered; // names registered with the client
    Status status = Disconnected;
    QString statusText;
    int attempt = 0;
    ClientError error = NoError;
    QString errorString;

    explicit Private(QmlSocketClient *qq)
        : q(qq)
        , config(qq, QmlSocketClient::staticMetaObject, ConfigProperties)
    {
    }

    void setError(ClientError e, const QString &message)
    {
        error = e;
        errorString = message;
        Q_EMIT q->errorOccurred(e);
        updateStatus();
    }

    bool checkConfig();
    void start();
    void stop();
    void syncHandlers();
    void updateStatus();
    void setAttempt(int value);

    static QString reasonName(RequestException::Reason reason)
    {
        return QString::fromLatin1(QMetaEnum::fromType<RequestException::Reason>().valueToKey(int(reason)));
    }
    // A JavaScript Error for a failed request().
    QJSValue requestError(const QString &request, const QString &reason, const QString &message) const
    {
        QJSValue value = qjsEngine(q)->newErrorObject(QJSValue::GenericError, message);
        value.setProperty(QStringLiteral("request"), request);
        value.setProperty(QStringLiteral("reason"), reason);
        return value;
    }

    static void appendHandler(QQmlListProperty<QmlSocketHandler> *list, QmlSocketHandler *handler);
    static qsizetype handlerCount(QQmlListProperty<QmlSocketHandler> *list);
    static QmlSocketHandler *handlerAt(QQmlListProperty<QmlSocketHandler> *list, qsizetype index);
    static void clearHandlers(QQmlListProperty<QmlSocketHandler> *list);
};

bool QmlSocketClient::Private::checkConfig()
{
    // A bad SOCKET_* variable (or setting) is reported, never replaced by defaults.
    const QString problem = config.config().validate();
    if (problem.isEmpty())
        return true;
    qCWarning(lcQmlClient, "%s", qUtf8Printable(problem));
    setError(ConfigurationError, problem);
    return false;
}

void QmlSocketClient::Private::start()
{
    stop();
    error = NoError;
    errorString.clear();
    if (!checkConfig())
        return; // does not open until the configuration is valid

    QJsonValue extra;
    QString problem;
    if (!JsonConversion::toJson(authData, QStringLiteral("authData"), &extra, &problem)) {
        setError(InvalidData, tr("Cannot connect: %1").arg(problem));
        return;
    }
    if (!extra.isObject() && !extra.isUndefined() && !extra.isNull()) {
        setError(InvalidData, tr("Cannot connect: authData must be an object"));
        return;
    }

    client = new SocketClient(config.config(), q);
    client->setAuthData(extra.toObject());
    QObject::connect(client, &SocketClient::stateChanged, q, [this] { updateStatus(); });
    QObject::connect(client, &SocketClient::reconnectAttemptChanged, q, [this](int a) { setAttempt(a); });
    QObject::connect(client, &SocketClient::errorOccurred, q, [this](SocketClient::Error e) {
        setError(static_cast<ClientError>(e), client->errorString());
    });
    QObject::connect(client, &SocketClient::authenticated, q, [this](const QJsonValue &response) {
        Q_EMIT q->authenticated(JsonConversion::toScript(qjsEngine(q), response));
    });
    QObject::connect(client, &SocketClient::messageReceived, q, [this](const QString &request, const QJsonValue &response) {
        Q_EMIT q->messageReceived(request, JsonConversion::toScript(qjsEngine(q), response));
    });
    QObject::connect(client, &SocketClient::disconnected, q, &QmlSocketClient::disconnected);
    QObject::connect(client, &SocketClient::reconnecting, q, &QmlSocketClient::reconnecting);
    QObject::connect(client, &SocketClient::reconnected, q, &QmlSocketClient::reconnected);
    QObject::connect(client, &SocketClient::resumed, q, &QmlSocketClient::resumed);
    QObject::connect(client, &SocketClient::reconnectFailed, q, &QmlSocketClient::reconnectFailed);
    QObject::connect(client, &SocketClient::deliveryFailed, q,
                     [this](const QString &request, RequestException::Reason reason, const QString &message) {
                         Q_EMIT q->deliveryFailed(request, reasonName(reason), message);
                     });
    syncHandlers();
    client->open(); // on failure, errorOccurred has been forwarded
    updateStatus();
}

void QmlSocketClient::Private::stop()
{
    if (!client)
        return;
    SocketClient *old = std::exchange(client, nullptr);
    registered.clear();
    QObject::disconnect(old, nullptr, q, nullptr);
    old->close();
    old->deleteLater(); // the close handshake goes on without us
    setAttempt(0);
    updateStatus();
}

void QmlSocketClient::Private::syncHandlers()
{
    if (!client)
        return;
    for (const QString &name : std::as_const(registered))
        client->unregisterHandler(name);
    registered.clear();
    // One handler per name: the first one declared wins.
    for (const QPointer<QmlSocketHandler> &handler : std::as_const(handlers)) {
        if (handler && !handler->name().isEmpty() && !registered.contains(handler->name())
            && client->registerHandler(handler->name(), static_cast<SocketHandler *>(handler.data())))
            registered.append(handler->name());
    }
}

void QmlSocketClient::Private::setAttempt(int value)
{
    if (attempt == value)
        return;
    attempt = value;
    Q_EMIT q->reconnectAttemptChanged();
    updateStatus();
}

void QmlSocketClient::Private::updateStatus()
{
    Status s = Disconnected;
    if (client) {
        switch (client->state()) {
        case SocketClient::State::Disconnected:
            s = error != NoError ? Error : Disconnected;
            break;
        case SocketClient::State::Connecting:
            s = Connecting;
            break;
        case SocketClient::State::Authenticating:
            s = Authenticating;
            break;
        case SocketClient::State::Connected:
            s = Connected;
            break;
        case SocketClient::State::Reconnecting:
            s = Reconnecting;
            break;
        }
    } else if (active && error != NoError) {
        s = Error;
    }
    QString text;
    switch (s) {
    case Disconnected:
        text = tr("Disconnected");
        break;
    case Connecting:
        text = tr("Connecting…");
        break;
    case Authenticating:
        text = tr("Authenticating…");
        break;
    case Connected:
        text = tr("Connected");
        break;
    case Reconnecting:
        text = tr("Reconnecting (attempt %1)…").arg(attempt);
        break;
    case Error:
        text = tr("Error: %1").arg(errorString);
        break;
    }
    if (status != s) {
        status = s;
        Q_EMIT q->statusChanged();
    }
    if (statusText != text) {
        statusText = text;
        Q_EMIT q->statusTextChanged();
    }
}

void QmlSocketClient::Private::appendHandler(QQmlListProperty<QmlSocketHandler> *list, QmlSocketHandler *handler)
{
    auto *self = static_cast<QmlSocketClient *>(list->object);
    if (!handler)
        return;
    self->d->handlers.append(handler);
    QObject::connect(handler, &QmlSocketHandler::nameChanged, self, [self] { self->d->syncHandlers(); });
    QObject::connect(handler, &QObject::destroyed, self, [self] {
        self->d->handlers.removeAll(QPointer<QmlSocketHandler>());
        self->d->syncHandlers();
    });
    self->d->syncHandlers();
}

qsizetype QmlSocketClient::Private::handlerCount(QQmlListProperty<QmlSocketHandler> *list)
{
    return static_cast<QmlSocketClient *>(list->object)->d->handlers.size();
}

QmlSocketHandler *QmlSocketClient::Private::handlerAt(QQmlListProperty<QmlSocketHandler> *list, qsizetype index)
{
    return static_cast<QmlSocketClient *>(list->object)->d->handlers.value(index);
}

void QmlSocketClient::Private::clearHandlers(QQmlListProperty<QmlSocketHandler> *list)
{
    auto *self = static_cast<QmlSocketClient *>(list->object);
    for (const QPointer<QmlSocketHandler> &handler : std::as_const(self->d->handlers)) {
        if (handler)
            QObject::disconnect(handler, nullptr, self, nullptr);
    }
    self->d->handlers.clear();
    self->d->syncHandlers();
}

QmlSocketClient::QmlSocketClient(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this))
{
    d->updateStatus();
}

QmlSocketClient::~QmlSocketClient()
{
    for (const QPointer<QmlSocketHandler> &handler : std::as_const(d->handlers)) {
        if (handler)
            QObject::disconnect(handler, nullptr, this, nullptr);
    }
    if (d->client) {
        QObject::disconnect(d->client, nullptr, this, nullptr);
        delete d->client; // closes the connection, without signals into a half-destroyed object
    }
}

QUrl QmlSocketClient::url() const
{
    return d->config.value<QUrl>("url");
}

void QmlSocketClient::setUrl(const QUrl &url)
{
    d->config.setValue("url", url);
}

QString QmlSocketClient::authKey() const
{
    return d->config.value<QString>("authKey");
}

void QmlSocketClient::setAuthKey(const QString &authKey)
{
    d->config.setValue("authKey", authKey);
}

QJSValue QmlSocketClient::authData() const
{
    return d->authData;
}

void QmlSocketClient::setAuthData(const QJSValue &authData)
{
    if (d->authData.strictlyEquals(authData))
        return;
    d->authData = authData;
    Q_EMIT authDataChanged();
}

bool QmlSocketClient::encryption() const
{
    return d->config.value<bool>("encryption");
}

void QmlSocketClient::setEncryption(bool encryption)
{
    d->config.setValue("encryption", encryption);
}

int QmlSocketClient::heartbeatInterval() const
{
    return d->config.value<int>("heartbeatInterval");
}

void QmlSocketClient::setHeartbeatInterval(int milliseconds)
{
    d->config.setValue("heartbeatInterval", milliseconds);
}

int QmlSocketClient::heartbeatTimeout() const
{
    return d->config.value<int>("heartbeatTimeout");
}

void QmlSocketClient::setHeartbeatTimeout(int milliseconds)
{
    d->config.setValue("heartbeatTimeout", milliseconds);
}

int QmlSocketClient::reconnectBaseDelay() const
{
    return d->config.value<int>("reconnectBaseDelay");
}

void QmlSocketClient::setReconnectBaseDelay(int milliseconds)
{
    d->config.setValue("reconnectBaseDelay", milliseconds);
}

int QmlSocketClient::reconnectMaxDelay() const
{
    return d->config.value<int>("reconnectMaxDelay");
}

void QmlSocketClient::setReconnectMaxDelay(int milliseconds)
{
    d->config.setValue("reconnectMaxDelay", milliseconds);
}

int QmlSocketClient::maxReconnectAttempts() const
{
    return d->config.value<int>("maxReconnectAttempts");
}

void QmlSocketClient::setMaxReconnectAttempts(int attempts)
{
    d->config.setValue("maxReconnectAttempts", attempts);
}

bool QmlSocketClient::useEnvironment() const
{
    return d->config.useEnvironment();
}

void QmlSocketClient::setUseEnvironment(bool use)
{
    if (!d->config.setUseEnvironment(use))
        return;
    Q_EMIT useEnvironmentChanged();
    d->config.notifyAll(); // every setting may have changed
    if (!d->complete)
        return;
    if (d->active && !d->client) {
        d->start(); // it was refused for the configuration; reports it again if still invalid
        return;
    }
    if (!d->checkConfig())
        return;
    if (d->error == ConfigurationError) {
        d->error = NoError;
        d->errorString.clear();
        d->updateStatus();
    }
}

bool QmlSocketClient::isActive() const
{
    return d->active;
}

void QmlSocketClient::setActive(bool active)
{
    if (d->active == active)
        return;
    d->active = active;
    Q_EMIT activeChanged();
    if (!d->complete)
        return;
    if (active) {
        d->start();
    } else {
        d->error = NoError;
        d->stop();
    }
}

QmlSocketClient::Status QmlSocketClient::status() const
{
    return d->status;
}

QString QmlSocketClient::statusText() const
{
    return d->statusText;
}

int QmlSocketClient::reconnectAttempt() const
{
    return d->attempt;
}

QmlSocketClient::ClientError QmlSocketClient::error() const
{
    return d->error;
}

QString QmlSocketClient::errorString() const
{
    return d->errorString;
}

QQmlListProperty<QmlSocketHandler> QmlSocketClient::handlers()
{
    return QQmlListProperty<QmlSocketHandler>(this, nullptr, &Private::appendHandler, &Private::handlerCount,
                                              &Private::handlerAt, &Private::clearHandlers);
}

bool QmlSocketClient::send(const QString &request, const QJSValue &data)
{
    QJsonValue json;
    QString problem;
    if (!JsonConversion::toJson(data, QStringLiteral("data"), &json, &problem)) {
        qCWarning(lcQmlClient, "Cannot send \"%s\": %s", qUtf8Printable(request), qUtf8Printable(problem));
        d->setError(InvalidData, tr("Cannot send \"%1\": %2").arg(request, problem));
        return false;
    }
    if (!d->client) {
        d->setError(NotConnected, tr("Cannot send \"%1\": the client is not active").arg(request));
        return false;
    }
    return d->client->send(request, json);
}

QJSValue QmlSocketClient::request(const QString &request, const QJSValue &data, const QJSValue &options)
{
    QJSEngine *engine = qjsEngine(this);
    if (!engine)
        return QJSValue();
    // A Promise and its resolve and reject functions.
    QJSValue deferred = engine->evaluate(QStringLiteral(
        "(function() { var d = {}; d.promise = new Promise(function(resolve, reject) { d.resolve = resolve; d.reject = reject; }); return d; })()"));
    QJSValue resolve = deferred.property(QStringLiteral("resolve"));
    QJSValue reject = deferred.property(QStringLiteral("reject"));
    const QJSValue promise = deferred.property(QStringLiteral("promise"));

    QJsonValue json;
    QString problem;
    if (!JsonConversion::toJson(data, QStringLiteral("data"), &json, &problem)) {
        reject.call({d->requestError(request, QStringLiteral("InvalidData"), tr("Cannot send \"%1\": %2").arg(request, problem))});
        return promise;
    }
    std::chrono::milliseconds timeout = SocketClient::DefaultRequestTimeout;
    RequestOptions flags = RequestOption::NoOptions;
    if (options.isObject()) {
        const QJSValue t = options.property(QStringLiteral("timeout"));
        if (!t.isUndefined()) {
            const double ms = t.toNumber();
            if (!t.isNumber() || !std::isfinite(ms) || ms < 0 || ms > 2147483647.0) {
                reject.call({d->requestError(request, QStringLiteral("InvalidData"),
                                             tr("Cannot send \"%1\": options.timeout must be a number of milliseconds").arg(request))});
                return promise;
            }
            timeout = std::chrono::milliseconds(qint64(ms));
        }
        if (options.property(QStringLiteral("retryable")).toBool())
            flags |= RequestOption::Retryable;
    }
    if (!d->client) {
        reject.call({d->requestError(request, Private::reasonName(RequestException::Reason::NotConnected),
                                     tr("Cannot send \"%1\": the client is not active").arg(request))});
        return promise;
    }
    // The continuations run on this object's thread (the QML engine's), never after it is gone.
    d->client->request(request, json, timeout, flags)
        .then(this,
              [this, resolve](const QJsonValue &response) mutable {
                  resolve.call({JsonConversion::toScript(qjsEngine(this), response)});
              })
        .onFailed(this, [this, reject, request](const RequestException &e) mutable {
            reject.call({d->requestError(request, Private::reasonName(e.reason()), e.errorString())});
        });
    return promise;
}

void QmlSocketClient::classBegin()
{
}

void QmlSocketClient::componentComplete()
{
    d->complete = true;
    if (d->active)
        d->start();
    else
        d->checkConfig(); // report an invalid environment at once, not only when activated
}

} // namespace Stonyx::Sockets
