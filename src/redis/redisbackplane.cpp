// SPDX-License-Identifier: MIT
#include "redisbackplane.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrl>

#include <hiredis/adapters/qt.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <algorithm>

namespace Stonyx::Sockets {

Q_LOGGING_CATEGORY(lcRedis, "stonyx.sockets.redis", QtInfoMsg)

namespace {

constexpr int FirstDelayMs = 100;
constexpr int MaxDelayMs = 5000;
constexpr int ConnectTimeoutMs = 5000;
constexpr int PingIntervalMs = 1000;
constexpr int MaxUnansweredPings = 4;

QByteArray bytes(const redisReply *reply)
{
    return reply && (reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS
                     || reply->type == REDIS_REPLY_ERROR)
        ? QByteArray(reply->str, qsizetype(reply->len))
        : QByteArray();
}

} // namespace

struct RedisBackplane::Private {
    RedisBackplane *q = nullptr;
    QUrl url;
    QString problem; // the URL's, if invalid
    QByteArray host;
    int port = 6379;
    QByteArray password;
    QByteArray user;
    int db = 0;
    QByteArray channel;
    bool running = false;

    // One hiredis context per connection. The adapters live as long as the backplane
    // and are moved to a parked, empty context when theirs is freed: the adapter's
    // destructor writes to its context.
    struct Link {
        redisAsyncContext *context = nullptr;
        RedisQtAdapter *adapter = nullptr;
        redisAsyncContext parking{};
        bool ready = false;
        const char *name = "";
    };
    Link sub;
    Link cmd;
    int unansweredPings = 0;
    int attempt = 0;
    int connects = 0;
    bool outageLogged = false;
    QTimer retry;
    QTimer connectTimeout;
    QTimer ping;

    bool parseUrl();
    void connectLinks();
    bool openLink(Link &link);
    void dropLinks();
    void detach(Link &link);
    void failed(Error error, const QString &message);
    void scheduleRetry();
    void checkReady();
    static Private *of(const redisAsyncContext *context) { return static_cast<Private *>(context->data); }
    Link *linkOf(const redisAsyncContext *context)
    {
        return context == sub.context ? &sub : context == cmd.context ? &cmd : nullptr;
    }

    // hiredis callbacks
    static void onConnect(const redisAsyncContext *context, int status);
    static void onDisconnect(const redisAsyncContext *context, int status);
    static void onSetupReply(redisAsyncContext *context, void *reply, void *);
    static void onSubscribeReply(redisAsyncContext *context, void *reply, void *);
    static void onPingReply(redisAsyncContext *context, void *reply, void *);
    static void onCommandReply(redisAsyncContext *context, void *reply, void *);
};

bool RedisBackplane::Private::parseUrl()
{
    const QUrl u(url);
    const QString path = u.path();
    bool ok = path.isEmpty() || path == u"/";
    if (!ok)
        db = path.mid(1).toInt(&ok);
    if (!u.isValid() || u.scheme() != u"redis" || u.host().isEmpty() || u.port() == 0 || !ok || db < 0) {
        problem = RedisBackplane::tr("Not a Redis URL of the form redis://[:password@]host:port[/db]: \"%1\"")
                      .arg(u.toDisplayString(QUrl::RemovePassword));
        return false;
    }
    host = u.host().toUtf8();
    port = u.port(6379);
    password = u.password(QUrl::FullyDecoded).toUtf8();
    user = u.userName(QUrl::FullyDecoded).toUtf8();
    return true;
}

RedisBackplane::RedisBackplane(const QString &url, QObject *parent)
    : Backplane(parent)
    , d(std::make_unique<Private>())
{
    d->q = this;
    d->url = QUrl(url, QUrl::StrictMode);
    d->parseUrl();
    d->sub.name = "subscriber";
    d->cmd.name = "command";
    d->sub.adapter = new RedisQtAdapter(this);
    d->cmd.adapter = new RedisQtAdapter(this);
    d->retry.setSingleShot(true);
    d->connectTimeout.setSingleShot(true);
    d->ping.setInterval(PingIntervalMs);
    connect(&d->retry, &QTimer::timeout, this, [this] { d->connectLinks(); });
    connect(&d->connectTimeout, &QTimer::timeout, this, [this] {
        d->failed(Error::ConnectionError, tr("no answer from Redis within %1 ms").arg(ConnectTimeoutMs));
    });
    connect(&d->ping, &QTimer::timeout, this, [this] {
        if (!d->cmd.context || !d->cmd.ready)
            return;
        if (++d->unansweredPings > MaxUnansweredPings) {
            d->failed(Error::ConnectionError, tr("Redis did not answer %1 PINGs").arg(MaxUnansweredPings));
            return;
        }
        redisAsyncCommand(d->cmd.context, &Private::onPingReply, nullptr, "PING");
    });
}

RedisBackplane::~RedisBackplane()
{
    d->running = false;
    d->dropLinks();
    // The adapters (children) go after their contexts were freed; they point at their
    // parked contexts by now.
    delete d->sub.adapter;
    delete d->cmd.adapter;
}

QString RedisBackplane::url() const
{
    return d->url.toDisplayString(QUrl::RemovePassword);
}

int RedisBackplane::connectCount() const
{
    return d->connects;
}

void RedisBackplane::start(const QString &channel)
{
    if (d->running)
        return;
    d->channel = channel.toUtf8();
    if (!d->problem.isEmpty()) {
        setError(Error::ConfigurationError, d->problem);
        qCWarning(lcRedis, "%s", qUtf8Printable(d->problem));
        return;
    }
    d->running = true;
    d->attempt = 0;
    d->outageLogged = false;
    setStatus(Status::Connecting);
    d->connectLinks();
}

void RedisBackplane::stop()
{
    if (!d->running)
        return;
    d->running = false;
    d->retry.stop();
    d->dropLinks();
    setStatus(Status::Stopped);
}

bool RedisBackplane::publish(const QByteArray &message)
{
    if (status() != Status::Connected || !d->cmd.context)
        return false;
    return redisAsyncCommand(d->cmd.context, &Private::onCommandReply, nullptr, "PUBLISH %b %b", d->channel.constData(),
                             size_t(d->channel.size()), message.constData(), size_t(message.size()))
        == REDIS_OK;
}

void RedisBackplane::storeKey(const QString &key, const QByteArray &value, int ttlMs)
{
    if (status() != Status::Connected || !d->cmd.context)
        return;
    const QByteArray k = key.toUtf8();
    redisAsyncCommand(d->cmd.context, &Private::onCommandReply, nullptr, "SET %b %b PX %d", k.constData(), size_t(k.size()),
                      value.constData(), size_t(value.size()), std::max(1, ttlMs));
}

void RedisBackplane::refreshKey(const QString &key, int ttlMs)
{
    if (status() != Status::Connected || !d->cmd.context)
        return;
    const QByteArray k = key.toUtf8();
    redisAsyncCommand(d->cmd.context, &Private::onCommandReply, nullptr, "PEXPIRE %b %d", k.constData(), size_t(k.size()),
                      std::max(1, ttlMs));
}

void RedisBackplane::removeKey(const QString &key)
{
    if (status() != Status::Connected || !d->cmd.context)
        return;
    const QByteArray k = key.toUtf8();
    redisAsyncCommand(d->cmd.context, &Private::onCommandReply, nullptr, "DEL %b", k.constData(), size_t(k.size()));
}

void RedisBackplane::Private::connectLinks()
{
    if (!running)
        return;
    dropLinks();
    unansweredPings = 0;
    if (!openLink(sub) || !openLink(cmd))
        return;
    // Queued until connected: AUTH, then SUBSCRIBE or SELECT and a first PING.
    for (Link *link : {&sub, &cmd}) {
        if (!password.isEmpty()) {
            if (user.isEmpty())
                redisAsyncCommand(link->context, &onSetupReply, nullptr, "AUTH %b", password.constData(),
                                  size_t(password.size()));
            else
                redisAsyncCommand(link->context, &onSetupReply, nullptr, "AUTH %b %b", user.constData(),
                                  size_t(user.size()), password.constData(), size_t(password.size()));
        }
    }
    redisAsyncCommand(sub.context, &onSubscribeReply, nullptr, "SUBSCRIBE %b", channel.constData(), size_t(channel.size()));
    if (db)
        redisAsyncCommand(cmd.context, &onSetupReply, nullptr, "SELECT %d", db);
    redisAsyncCommand(cmd.context, &onPingReply, &cmd, "PING");
    connectTimeout.start(ConnectTimeoutMs);
}

bool RedisBackplane::Private::openLink(Link &link)
{
    link.ready = false;
    redisAsyncContext *context = redisAsyncConnect(host.constData(), port);
    if (!context) {
        failed(Error::ConnectionError, RedisBackplane::tr("out of memory"));
        return false;
    }
    if (context->err) {
        const QString message = QString::fromLocal8Bit(context->errstr);
        redisAsyncFree(context);
        failed(Error::ConnectionError, message);
        return false;
    }
    context->data = this;
    link.context = context;
    link.adapter->setContext(context);
    redisAsyncSetConnectCallback(context, &onConnect);
    redisAsyncSetDisconnectCallback(context, &onDisconnect);
    return true;
}

void RedisBackplane::Private::detach(Link &link)
{
    // The context is being freed by hiredis (or by us): forget it, park the adapter.
    link.context = nullptr;
    link.ready = false;
    link.parking = redisAsyncContext{};
    link.adapter->setContext(&link.parking);
}

void RedisBackplane::Private::dropLinks()
{
    connectTimeout.stop();
    ping.stop();
    for (Link *link : {&sub, &cmd}) {
        if (redisAsyncContext *context = link->context) {
            context->data = nullptr; // its callbacks, called while freeing, do nothing
            redisAsyncFree(context);
            detach(*link);
        }
    }
}

void RedisBackplane::Private::failed(Error error, const QString &message)
{
    if (!running)
        return;
    const bool wasConnected = q->status() == Status::Connected;
    // Not from inside a hiredis callback: the contexts are freed on the next turn of
    // the event loop, and the attempt after a delay.
    ping.stop();
    connectTimeout.stop();
    sub.ready = cmd.ready = false;
    q->setStatus(Status::Connecting);
    if (!outageLogged) {
        outageLogged = true;
        qCWarning(lcRedis, "Redis backplane %s %s: %s; cross-node delivery paused, reconnecting",
                  qUtf8Printable(q->url()), wasConnected ? "lost" : "unavailable", qUtf8Printable(message));
        q->setError(error, message);
    }
    QMetaObject::invokeMethod(q, [this] {
        dropLinks();
        scheduleRetry();
    }, Qt::QueuedConnection);
}

void RedisBackplane::Private::scheduleRetry()
{
    if (!running || retry.isActive())
        return;
    const int delay = std::min(MaxDelayMs, FirstDelayMs << std::min(attempt, 6));
    ++attempt;
    // Jitter: between 75 % and 100 % of the delay, so that nodes do not retry in step.
    retry.start(delay - int(QRandomGenerator::global()->bounded(delay / 4 + 1)));
}

void RedisBackplane::Private::checkReady()
{
    if (!sub.ready || !cmd.ready || q->status() == Status::Connected)
        return;
    connectTimeout.stop();
    attempt = 0;
    ++connects;
    if (outageLogged)
        qCInfo(lcRedis, "Redis backplane %s connected again", qUtf8Printable(q->url()));
    outageLogged = false;
    q->clearError();
    ping.start();
    q->setStatus(Status::Connected);
}

void RedisBackplane::Private::onConnect(const redisAsyncContext *context, int status)
{
    Private *self = of(context);
    if (!self || status == REDIS_OK)
        return;
    // hiredis frees the context after this callback.
    const QString message = QString::fromLocal8Bit(context->errstr);
    if (Link *link = self->linkOf(context))
        self->detach(*link);
    self->failed(Error::ConnectionError, message);
}

void RedisBackplane::Private::onDisconnect(const redisAsyncContext *context, int status)
{
    Private *self = of(context);
    if (!self)
        return;
    const QString message = status == REDIS_OK ? RedisBackplane::tr("Redis closed the connection")
                                               : QString::fromLocal8Bit(context->errstr);
    if (Link *link = self->linkOf(context))
        self->detach(*link);
    self->failed(Error::ConnectionError, message);
}

void RedisBackplane::Private::onSetupReply(redisAsyncContext *context, void *r, void *)
{
    Private *self = of(context);
    const auto *reply = static_cast<const redisReply *>(r);
    if (!self || !reply || reply->type != REDIS_REPLY_ERROR)
        return;
    self->failed(Error::ProtocolError, RedisBackplane::tr("Redis refused the connection's setup: %1")
                                           .arg(QString::fromUtf8(bytes(reply))));
}

void RedisBackplane::Private::onSubscribeReply(redisAsyncContext *context, void *r, void *)
{
    Private *self = of(context);
    const auto *reply = static_cast<const redisReply *>(r);
    if (!self || !reply)
        return;
    if (reply->type == REDIS_REPLY_ERROR) {
        self->failed(Error::ProtocolError,
                     RedisBackplane::tr("Redis refused SUBSCRIBE: %1").arg(QString::fromUtf8(bytes(reply))));
        return;
    }
    // ["subscribe", channel, count] once, then ["message", channel, payload] each time.
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3)
        return;
    const QByteArray kind = bytes(reply->element[0]);
    if (kind == "subscribe") {
        self->sub.ready = true;
        self->checkReady();
    } else if (kind == "message" && reply->element[2]->type == REDIS_REPLY_STRING
               && bytes(reply->element[1]) == self->channel) {
        Q_EMIT self->q->messageReceived(bytes(reply->element[2]));
    }
}

void RedisBackplane::Private::onPingReply(redisAsyncContext *context, void *r, void *first)
{
    Private *self = of(context);
    const auto *reply = static_cast<const redisReply *>(r);
    if (!self || !reply)
        return;
    if (reply->type == REDIS_REPLY_ERROR) {
        self->failed(Error::ProtocolError, RedisBackplane::tr("Redis refused PING: %1").arg(QString::fromUtf8(bytes(reply))));
        return;
    }
    self->unansweredPings = 0;
    if (first) {
        self->cmd.ready = true;
        self->checkReady();
    }
}

void RedisBackplane::Private::onCommandReply(redisAsyncContext *context, void *r, void *)
{
    Private *self = of(context);
    const auto *reply = static_cast<const redisReply *>(r);
    if (self && reply && reply->type == REDIS_REPLY_ERROR)
        qCWarning(lcRedis, "Redis refused a command: %s", bytes(reply).constData());
}

} // namespace Stonyx::Sockets
