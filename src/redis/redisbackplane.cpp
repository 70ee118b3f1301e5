// SPDX-License-Identifier: MIT
#include "redisbackplane.h"

#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <hiredis/hiredis.h>
#include <hiredis/read.h>

#include <algorithm>
#include <deque>
#include <initializer_list>

namespace Stonyx::Sockets {

Q_LOGGING_CATEGORY(lcRedis, "stonyx.sockets.redis", QtInfoMsg)

namespace {

constexpr int FirstDelayMs = 100;
constexpr int MaxDelayMs = 5000;
constexpr int ConnectTimeoutMs = 5000;
constexpr int PingIntervalMs = 1000;
constexpr int MaxUnansweredPings = 4;
// What a reply may take in the reader's buffer before it is complete: more is a
// broken or hostile peer, not Redis answering our small commands.
constexpr size_t MaxBufferedReply = 64 * 1024 * 1024;

QByteArray bytes(const redisReply *reply)
{
    return reply && (reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS
                     || reply->type == REDIS_REPLY_ERROR)
        ? QByteArray(reply->str, qsizetype(reply->len))
        : QByteArray();
}

struct ReplyDeleter {
    void operator()(redisReply *reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

} // namespace

struct RedisBackplane::Private {
    RedisBackplane *q = nullptr;
    QUrl url;
    QString problem; // the URL's, if invalid
    QString host;
    quint16 port = 6379;
    QByteArray password;
    QByteArray user;
    int db = 0;
    QByteArray channel;
    bool running = false;

    // What a reply answers, in the order the commands were sent.
    enum class Expect { Setup, Subscribe, FirstPing, Ping, Command };
    // One TCP connection; RESP is parsed by hiredis's reader and commands are
    // formatted by hiredis. (Not hiredis's async layer: version 0.14 aborts the
    // process on replies nobody asked for, which a broken peer can send.)
    struct Link {
        QTcpSocket *socket = nullptr;
        redisReader *reader = nullptr;
        std::deque<Expect> pending;
        bool ready = false;
        bool subscribed = false;
        const char *name = "";
    };
    Link sub;
    Link cmd;
    int unansweredPings = 0;
    int attempt = 0;
    int connects = 0;
    bool outageLogged = false;
    bool broken = false; // a failure is being handled: ignore the links until dropped
    QTimer retry;
    QTimer connectTimeout;
    QTimer ping;

    bool parseUrl();
    void connectLinks();
    void openLink(Link &link);
    void dropLinks();
    void send(Link &link, Expect expect, std::initializer_list<QByteArray> arguments);
    void onReadyRead(Link &link);
    bool handle(Link &link, const redisReply *reply);
    void failed(Error error, const QString &message);
    void scheduleRetry();
    void checkReady();
};

bool RedisBackplane::Private::parseUrl()
{
    const QString path = url.path();
    bool ok = path.isEmpty() || path == u"/";
    if (!ok)
        db = path.mid(1).toInt(&ok);
    if (!url.isValid() || url.scheme() != u"redis" || url.host().isEmpty() || url.port() == 0 || !ok || db < 0) {
        problem = RedisBackplane::tr("Not a Redis URL of the form redis://[:password@]host:port[/db]: \"%1\"")
                      .arg(q->url());
        return false;
    }
    host = url.host();
    port = quint16(url.port(6379));
    password = url.password(QUrl::FullyDecoded).toUtf8();
    user = url.userName(QUrl::FullyDecoded).toUtf8();
    return true;
}

RedisBackplane::RedisBackplane(const QString &url, QObject *parent)
    : Backplane(parent)
    , d(std::make_unique<Private>())
{
    d->q = this;
    d->url = QUrl(url.trimmed(), QUrl::StrictMode);
    d->parseUrl();
    d->sub.name = "subscriber";
    d->cmd.name = "command";
    d->retry.setSingleShot(true);
    d->connectTimeout.setSingleShot(true);
    d->ping.setInterval(PingIntervalMs);
    connect(&d->retry, &QTimer::timeout, this, [this] { d->connectLinks(); });
    connect(&d->connectTimeout, &QTimer::timeout, this, [this] {
        d->failed(Error::ConnectionError, tr("no answer from Redis within %1 ms").arg(ConnectTimeoutMs));
    });
    connect(&d->ping, &QTimer::timeout, this, [this] {
        if (!d->cmd.ready)
            return;
        if (++d->unansweredPings > MaxUnansweredPings) {
            d->failed(Error::ConnectionError, tr("Redis did not answer %1 PINGs").arg(MaxUnansweredPings));
            return;
        }
        d->send(d->cmd, Private::Expect::Ping, {QByteArrayLiteral("PING")});
    });
}

RedisBackplane::~RedisBackplane()
{
    d->running = false;
    d->dropLinks();
}

QString RedisBackplane::url() const
{
    // redis://:secret@host -> redis://host (RemovePassword alone leaves "redis://@host").
    QUrl shown = d->url;
    shown.setPassword(QString());
    if (shown.userName().isEmpty())
        shown.setUserInfo(QString());
    return shown.toDisplayString();
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
    if (status() != Status::Connected)
        return false;
    d->send(d->cmd, Private::Expect::Command, {QByteArrayLiteral("PUBLISH"), d->channel, message});
    return true;
}

void RedisBackplane::storeKey(const QString &key, const QByteArray &value, int ttlMs)
{
    if (status() != Status::Connected)
        return;
    d->send(d->cmd, Private::Expect::Command,
            {QByteArrayLiteral("SET"), key.toUtf8(), value, QByteArrayLiteral("PX"), QByteArray::number(std::max(1, ttlMs))});
}

void RedisBackplane::refreshKey(const QString &key, int ttlMs)
{
    if (status() != Status::Connected)
        return;
    d->send(d->cmd, Private::Expect::Command,
            {QByteArrayLiteral("PEXPIRE"), key.toUtf8(), QByteArray::number(std::max(1, ttlMs))});
}

void RedisBackplane::removeKey(const QString &key)
{
    if (status() != Status::Connected)
        return;
    d->send(d->cmd, Private::Expect::Command, {QByteArrayLiteral("DEL"), key.toUtf8()});
}

void RedisBackplane::Private::send(Link &link, Expect expect, std::initializer_list<QByteArray> arguments)
{
    if (!link.socket)
        return;
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    for (const QByteArray &argument : arguments) {
        argv.push_back(argument.constData());
        lengths.push_back(size_t(argument.size()));
    }
    char *command = nullptr;
    const int length = redisFormatCommandArgv(&command, int(argv.size()), argv.data(), lengths.data());
    if (length < 0 || !command)
        return;
    // Written to the socket's buffer (sent when connected); never blocks.
    link.socket->write(command, length);
    redisFreeCommand(command);
    link.pending.push_back(expect);
}

void RedisBackplane::Private::connectLinks()
{
    if (!running)
        return;
    dropLinks();
    broken = false;
    unansweredPings = 0;
    openLink(sub);
    openLink(cmd);
    // Queued until connected: AUTH, then SUBSCRIBE or SELECT and a first PING.
    for (Link *link : {&sub, &cmd}) {
        if (password.isEmpty())
            continue;
        if (user.isEmpty())
            send(*link, Expect::Setup, {QByteArrayLiteral("AUTH"), password});
        else
            send(*link, Expect::Setup, {QByteArrayLiteral("AUTH"), user, password});
    }
    send(sub, Expect::Subscribe, {QByteArrayLiteral("SUBSCRIBE"), channel});
    if (db)
        send(cmd, Expect::Setup, {QByteArrayLiteral("SELECT"), QByteArray::number(db)});
    send(cmd, Expect::FirstPing, {QByteArrayLiteral("PING")});
    connectTimeout.start(ConnectTimeoutMs);
}

void RedisBackplane::Private::openLink(Link &link)
{
    link.ready = false;
    link.subscribed = false;
    link.pending.clear();
    link.reader = redisReaderCreate();
    link.socket = new QTcpSocket(q);
    QTcpSocket *socket = link.socket;
    Link *l = &link;
    QObject::connect(socket, &QTcpSocket::readyRead, q, [this, l] { onReadyRead(*l); });
    QObject::connect(socket, &QTcpSocket::errorOccurred, q, [this, socket] {
        failed(Error::ConnectionError, socket->errorString());
    });
    QObject::connect(socket, &QTcpSocket::disconnected, q, [this] {
        failed(Error::ConnectionError, RedisBackplane::tr("Redis closed the connection"));
    });
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    socket->connectToHost(host, port); // names are looked up without blocking
}

void RedisBackplane::Private::dropLinks()
{
    connectTimeout.stop();
    ping.stop();
    for (Link *link : {&sub, &cmd}) {
        if (QTcpSocket *socket = std::exchange(link->socket, nullptr)) {
            QObject::disconnect(socket, nullptr, q, nullptr);
            socket->abort();
            socket->deleteLater();
        }
        if (redisReader *reader = std::exchange(link->reader, nullptr))
            redisReaderFree(reader);
        link->pending.clear();
        link->ready = false;
        link->subscribed = false;
    }
}

void RedisBackplane::Private::onReadyRead(Link &link)
{
    if (broken || !link.socket || !link.reader)
        return;
    const QByteArray data = link.socket->readAll();
    if (redisReaderFeed(link.reader, data.constData(), size_t(data.size())) != REDIS_OK) {
        failed(Error::ProtocolError, RedisBackplane::tr("Redis sent what is not RESP: %1").arg(QString::fromLatin1(link.reader->errstr)));
        return;
    }
    while (!broken) {
        void *r = nullptr;
        if (redisReaderGetReply(link.reader, &r) != REDIS_OK) {
            failed(Error::ProtocolError,
                   RedisBackplane::tr("Redis sent what is not RESP: %1").arg(QString::fromLatin1(link.reader->errstr)));
            return;
        }
        if (!r)
            break;
        const ReplyPtr reply(static_cast<redisReply *>(r));
        if (!handle(link, reply.get()))
            return;
    }
    if (!broken && link.reader->len - link.reader->pos > MaxBufferedReply)
        failed(Error::ProtocolError, RedisBackplane::tr("Redis sent a reply of more than %1 bytes").arg(MaxBufferedReply));
}

// False when the link failed.
bool RedisBackplane::Private::handle(Link &link, const redisReply *reply)
{
    // Subscribed: ["message", channel, payload] arrive unasked.
    if (link.subscribed && link.pending.empty()) {
        if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3 && bytes(reply->element[0]) == "message"
            && bytes(reply->element[1]) == channel && reply->element[2]->type == REDIS_REPLY_STRING) {
            Q_EMIT q->messageReceived(bytes(reply->element[2]));
            return true;
        }
        failed(Error::ProtocolError, RedisBackplane::tr("Redis sent an unexpected message on the subscription"));
        return false;
    }
    if (link.pending.empty()) {
        failed(Error::ProtocolError, RedisBackplane::tr("Redis sent a reply nothing was asked for"));
        return false;
    }
    const Expect expect = link.pending.front();
    link.pending.pop_front();
    if (reply->type == REDIS_REPLY_ERROR && expect != Expect::Command) {
        failed(Error::ProtocolError, RedisBackplane::tr("Redis refused the connection's setup: %1").arg(QString::fromUtf8(bytes(reply))));
        return false;
    }
    switch (expect) {
    case Expect::Setup:
        return true;
    case Expect::Command:
        if (reply->type == REDIS_REPLY_ERROR)
            qCWarning(lcRedis, "Redis refused a command: %s", bytes(reply).constData());
        return true;
    case Expect::Subscribe:
        if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 || bytes(reply->element[0]) != "subscribe") {
            failed(Error::ProtocolError, RedisBackplane::tr("Redis did not confirm SUBSCRIBE"));
            return false;
        }
        link.subscribed = true;
        link.ready = true;
        checkReady();
        return true;
    case Expect::FirstPing:
    case Expect::Ping:
        if (reply->type != REDIS_REPLY_STATUS || bytes(reply) != "PONG") {
            failed(Error::ProtocolError, RedisBackplane::tr("Redis did not answer PING with PONG"));
            return false;
        }
        unansweredPings = 0;
        if (expect == Expect::FirstPing) {
            link.ready = true;
            checkReady();
        }
        return true;
    }
    return true;
}

void RedisBackplane::Private::failed(Error error, const QString &message)
{
    if (!running || broken)
        return;
    broken = true;
    const bool wasConnected = q->status() == Status::Connected;
    ping.stop();
    connectTimeout.stop();
    q->setStatus(Status::Connecting);
    if (!outageLogged) {
        outageLogged = true;
        qCWarning(lcRedis, "Redis backplane %s %s: %s; cross-node delivery paused, reconnecting",
                  qUtf8Printable(q->url()), wasConnected ? "lost" : "unavailable", qUtf8Printable(message));
        q->setError(error, message);
    }
    // Not from inside the socket's own signal: dropped on the next turn of the event
    // loop, the next attempt after a delay.
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

} // namespace Stonyx::Sockets
