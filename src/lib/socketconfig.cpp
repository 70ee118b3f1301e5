// SPDX-License-Identifier: MIT
#include "socketconfig.h"
#include "message_p.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonArray>
#include <QJsonParseError>
#include <QSharedData>

#include <functional>
#include <tuple>
#include <limits>

namespace Stonyx::Sockets {

class SocketConfigData : public QSharedData
{
public:
    int port = SocketConfig::DefaultPort;
    QString host = QStringLiteral("127.0.0.1");
    QUrl address; // empty: derived from the port
    QString authKey = QStringLiteral("AUTH_KEY");
    int heartBeatInterval = 30000;
    int heartBeatTimeout = 0; // 0: one heartBeatInterval
    QString handlerDir = QStringLiteral("./socket-handlers");
    bool log = false;
    bool encryption = true;
    int reconnectBaseDelay = 1000;
    int reconnectMaxDelay = 60000;
    int maxReconnectAttempts = SocketConfig::Unlimited;
    qint64 maxMessageSize = 1024 * 1024;
    qint64 maxFrameSize = 1024 * 1024;
    int handshakeTimeout = 10000;
    int authTimeout = 10000;
    int messageTimeout = 30000;
    int maxUnauthenticated = 1000;
    int maxUnauthenticatedPerAddress = 32;
    int listenBacklog = 4096;
    int workerThreads = 0; // 0: QThread::idealThreadCount()
    int rateLimit = 100;
    int rateBurst = 200;
    SocketConfig::RateLimitPolicy rateLimitPolicy = SocketConfig::RateLimitPolicy::Throttle;
    int idleHeartBeats = 3;
    qint64 maxSendBuffer = 8 * 1024 * 1024;
    QStringList allowedOrigins;
    QString tlsCertificate;
    QString tlsPrivateKey;
    QString tlsCaCertificates;
    bool tlsAllowSelfSigned = false;
    // Set by fromEnvironment() when a variable or the SOCKET_CONFIG file was invalid:
    // validate() reports it, so a server or client never runs on silent defaults.
    QString loadError;

    auto tie() const
    {
        return std::tie(port, host, address, authKey, heartBeatInterval, heartBeatTimeout, rateLimitPolicy, handlerDir, log, encryption, reconnectBaseDelay,
                        reconnectMaxDelay, maxReconnectAttempts, maxMessageSize, maxFrameSize, handshakeTimeout,
                        authTimeout, messageTimeout, maxUnauthenticated, maxUnauthenticatedPerAddress, listenBacklog, workerThreads, rateLimit,
                        rateBurst, idleHeartBeats, maxSendBuffer, allowedOrigins, tlsCertificate, tlsPrivateKey,
                        tlsCaCertificates, tlsAllowSelfSigned, loadError);
    }
    bool operator==(const SocketConfigData &o) const { return tie() == o.tie(); }
};

namespace {

// One description per key: its environment variable, and how to apply a textual
// (environment) or JSON value. Both paths validate, so errors name the key.
using TextSetter = std::function<bool(SocketConfig &, const QString &)>;
using JsonSetter = std::function<bool(SocketConfig &, const QJsonValue &)>;

struct Key {
    const char *name;
    const char *env;
    TextSetter fromText;
    JsonSetter fromJson;
};


bool parseInt64(const QString &text, qint64 min, qint64 max, qint64 *out)
{
    bool ok = false;
    const qint64 v = text.trimmed().toLongLong(&ok);
    if (!ok || v < min || v > max)
        return false;
    *out = v;
    return true;
}

bool jsonInt64(const QJsonValue &value, qint64 min, qint64 max, qint64 *out)
{
    if (value.isString())
        return parseInt64(value.toString(), min, max, out);
    if (!value.isDouble())
        return false;
    const double v = value.toDouble();
    if (v != static_cast<double>(static_cast<qint64>(v)) || v < static_cast<double>(min) || v > static_cast<double>(max))
        return false;
    *out = static_cast<qint64>(v);
    return true;
}

// The int versions: callers pass bounds within int's range.
bool parseInt(const QString &text, qint64 min, qint64 max, int *out)
{
    qint64 v = 0;
    return parseInt64(text, min, max, &v) && (*out = static_cast<int>(v), true);
}

bool jsonInt(const QJsonValue &value, qint64 min, qint64 max, int *out)
{
    qint64 v = 0;
    return jsonInt64(value, min, max, &v) && (*out = static_cast<int>(v), true);
}

// Only "true" and "false" (any case): the Node.js library treats every other value of
// SOCKET_ENCRYPTION as false, so accepting "1" or "yes" as true would make one shared
// environment file give a plaintext Node.js peer and an encrypting Qt one. No trimming
// either: "true " is not "true" to the Node.js library.
bool parseBool(const QString &text, bool *out)
{
    const QString &t = text;
    if (t.compare(u"true", Qt::CaseInsensitive) == 0) {
        *out = true;
        return true;
    }
    if (t.compare(u"false", Qt::CaseInsensitive) == 0) {
        *out = false;
        return true;
    }
    return false;
}

bool jsonBool(const QJsonValue &value, bool *out)
{
    if (value.isBool()) {
        *out = value.toBool();
        return true;
    }
    return value.isString() && parseBool(value.toString(), out);
}

constexpr qint64 IntMax = std::numeric_limits<int>::max();

template<typename Setter>
Key intKey(const char *name, const char *env, qint64 min, qint64 max, Setter set)
{
    return Key{name, env,
               [=](SocketConfig &c, const QString &t) {
                   int v = 0;
                   return parseInt(t, min, max, &v) && (set(c, v), true);
               },
               [=](SocketConfig &c, const QJsonValue &j) {
                   int v = 0;
                   return jsonInt(j, min, max, &v) && (set(c, v), true);
               }};
}

template<typename Setter>
Key int64Key(const char *name, const char *env, qint64 min, qint64 max, Setter set)
{
    return Key{name, env,
               [=](SocketConfig &c, const QString &t) {
                   qint64 v = 0;
                   return parseInt64(t, min, max, &v) && (set(c, v), true);
               },
               [=](SocketConfig &c, const QJsonValue &j) {
                   qint64 v = 0;
                   return jsonInt64(j, min, max, &v) && (set(c, v), true);
               }};
}

// A list: comma-separated in the environment, a JSON array of strings (or one string) in files.
bool applyOrigins(SocketConfig &c, const QString &text)
{
    QStringList origins;
    for (const QString &part : text.split(u',', Qt::SkipEmptyParts)) {
        if (!part.trimmed().isEmpty())
            origins << part.trimmed();
    }
    c.setAllowedOrigins(origins);
    return true;
}

bool applyOriginsJson(SocketConfig &c, const QJsonValue &j)
{
    if (j.isString())
        return applyOrigins(c, j.toString());
    if (!j.isArray())
        return false;
    QStringList origins;
    for (const QJsonValue &v : j.toArray()) {
        if (!v.isString())
            return false;
        origins << v.toString();
    }
    c.setAllowedOrigins(origins);
    return true;
}

template<typename Setter>
Key boolKey(const char *name, const char *env, Setter set)
{
    return Key{name, env,
               [=](SocketConfig &c, const QString &t) {
                   bool v = false;
                   return parseBool(t, &v) && (set(c, v), true);
               },
               [=](SocketConfig &c, const QJsonValue &j) {
                   bool v = false;
                   return jsonBool(j, &v) && (set(c, v), true);
               }};
}

template<typename Setter>
Key stringKey(const char *name, const char *env, bool allowEmpty, Setter set)
{
    return Key{name, env,
               [=](SocketConfig &c, const QString &t) { return (allowEmpty || !t.isEmpty()) && (set(c, t), true); },
               [=](SocketConfig &c, const QJsonValue &j) {
                   return j.isString() && (allowEmpty || !j.toString().isEmpty()) && (set(c, j.toString()), true);
               }};
}

bool applyAddress(SocketConfig &c, const QString &text)
{
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"ws" && url.scheme() != u"wss") || url.host().isEmpty())
        return false;
    c.setAddress(url);
    return true;
}

// maxReconnectAttempts: a count, or "unlimited"/"Infinity"/-1 for no limit (the Node.js default).
bool applyAttempts(SocketConfig &c, const QString &text)
{
    const QString t = text.trimmed().toLower();
    if (t == u"unlimited" || t == u"infinity" || t == u"-1") {
        c.setMaxReconnectAttempts(SocketConfig::Unlimited);
        return true;
    }
    int v = 0;
    if (!parseInt(t, 0, IntMax, &v))
        return false;
    c.setMaxReconnectAttempts(v);
    return true;
}

// rateLimitPolicy: "throttle" (stop reading until tokens refill) or "close" (1008).
bool applyRatePolicy(SocketConfig &c, const QString &text)
{
    const QString t = text.trimmed();
    if (t.compare(u"throttle", Qt::CaseInsensitive) == 0)
        c.setRateLimitPolicy(SocketConfig::RateLimitPolicy::Throttle);
    else if (t.compare(u"close", Qt::CaseInsensitive) == 0)
        c.setRateLimitPolicy(SocketConfig::RateLimitPolicy::Close);
    else
        return false;
    return true;
}

const std::vector<Key> &keys()
{
    static const std::vector<Key> table = {
        intKey("port", "SOCKET_PORT", 0, 65535, [](SocketConfig &c, int v) { c.setPort(v); }),
        stringKey("host", "SOCKET_HOST", false, [](SocketConfig &c, const QString &v) { c.setHost(v.trimmed()); }),
        Key{"address", "SOCKET_ADDRESS", applyAddress,
            [](SocketConfig &c, const QJsonValue &j) { return j.isString() && applyAddress(c, j.toString()); }},
        stringKey("authKey", "SOCKET_AUTH_KEY", true, [](SocketConfig &c, const QString &v) { c.setAuthKey(v); }),
        intKey("heartBeatInterval", "SOCKET_HEARTBEAT_INTERVAL", 1, IntMax,
               [](SocketConfig &c, int v) { c.setHeartBeatInterval(v); }),
        intKey("heartBeatTimeout", "SOCKET_HEARTBEAT_TIMEOUT", 0, IntMax,
               [](SocketConfig &c, int v) { c.setHeartBeatTimeout(v); }),
        stringKey("handlerDir", "SOCKET_HANDLER_DIR", false, [](SocketConfig &c, const QString &v) { c.setHandlerDir(v); }),
        boolKey("log", "SOCKET_LOG", [](SocketConfig &c, bool v) { c.setLog(v); }),
        boolKey("encryption", "SOCKET_ENCRYPTION", [](SocketConfig &c, bool v) { c.setEncryption(v); }),
        intKey("reconnectBaseDelay", "SOCKET_RECONNECT_BASE_DELAY", 0, IntMax,
               [](SocketConfig &c, int v) { c.setReconnectBaseDelay(v); }),
        intKey("reconnectMaxDelay", "SOCKET_RECONNECT_MAX_DELAY", 0, IntMax,
               [](SocketConfig &c, int v) { c.setReconnectMaxDelay(v); }),
        Key{"maxReconnectAttempts", "SOCKET_MAX_RECONNECT_ATTEMPTS", applyAttempts,
            [](SocketConfig &c, const QJsonValue &j) {
                if (j.isNull()) { // JSON has no Infinity; null means "unlimited"
                    c.setMaxReconnectAttempts(SocketConfig::Unlimited);
                    return true;
                }
                int v = 0;
                if (j.isString())
                    return applyAttempts(c, j.toString());
                return jsonInt(j, -1, IntMax, &v) && (c.setMaxReconnectAttempts(v), true);
            }},
        int64Key("maxMessageSize", "SOCKET_MAX_MESSAGE_SIZE", 1, std::numeric_limits<qint64>::max(),
                 [](SocketConfig &c, qint64 v) { c.setMaxMessageSize(v); }),
        int64Key("maxFrameSize", "SOCKET_MAX_FRAME_SIZE", 1, std::numeric_limits<qint64>::max(),
                 [](SocketConfig &c, qint64 v) { c.setMaxFrameSize(v); }),
        intKey("handshakeTimeout", "SOCKET_HANDSHAKE_TIMEOUT", 1, IntMax, [](SocketConfig &c, int v) { c.setHandshakeTimeout(v); }),
        intKey("authTimeout", "SOCKET_AUTH_TIMEOUT", 0, IntMax, [](SocketConfig &c, int v) { c.setAuthTimeout(v); }),
        intKey("messageTimeout", "SOCKET_MESSAGE_TIMEOUT", 0, IntMax, [](SocketConfig &c, int v) { c.setMessageTimeout(v); }),
        intKey("maxUnauthenticated", "SOCKET_MAX_UNAUTHENTICATED", 0, IntMax,
               [](SocketConfig &c, int v) { c.setMaxUnauthenticated(v); }),
        intKey("maxUnauthenticatedPerAddress", "SOCKET_MAX_UNAUTHENTICATED_PER_ADDRESS", 0, IntMax,
               [](SocketConfig &c, int v) { c.setMaxUnauthenticatedPerAddress(v); }),
        intKey("listenBacklog", "SOCKET_LISTEN_BACKLOG", 1, IntMax, [](SocketConfig &c, int v) { c.setListenBacklog(v); }),
        intKey("workerThreads", "SOCKET_WORKER_THREADS", 0, 1024, [](SocketConfig &c, int v) { c.setWorkerThreads(v); }),
        intKey("rateLimit", "SOCKET_RATE_LIMIT", 0, IntMax, [](SocketConfig &c, int v) { c.setRateLimit(v); }),
        intKey("rateBurst", "SOCKET_RATE_BURST", 1, IntMax, [](SocketConfig &c, int v) { c.setRateBurst(v); }),
        Key{"rateLimitPolicy", "SOCKET_RATE_LIMIT_POLICY", applyRatePolicy,
            [](SocketConfig &c, const QJsonValue &j) { return j.isString() && applyRatePolicy(c, j.toString()); }},
        intKey("idleHeartBeats", "SOCKET_IDLE_HEARTBEATS", 0, 1000, [](SocketConfig &c, int v) { c.setIdleHeartBeats(v); }),
        int64Key("maxSendBuffer", "SOCKET_MAX_SEND_BUFFER", 1, std::numeric_limits<qint64>::max(),
                 [](SocketConfig &c, qint64 v) { c.setMaxSendBuffer(v); }),
        Key{"allowedOrigins", "SOCKET_ALLOWED_ORIGINS", applyOrigins, applyOriginsJson},
        stringKey("tlsCertificate", "SOCKET_TLS_CERTIFICATE", true, [](SocketConfig &c, const QString &v) { c.setTlsCertificate(v); }),
        stringKey("tlsPrivateKey", "SOCKET_TLS_PRIVATE_KEY", true, [](SocketConfig &c, const QString &v) { c.setTlsPrivateKey(v); }),
        stringKey("tlsCaCertificates", "SOCKET_TLS_CA_CERTIFICATES", true,
                  [](SocketConfig &c, const QString &v) { c.setTlsCaCertificates(v); }),
        boolKey("tlsAllowSelfSigned", "SOCKET_TLS_ALLOW_SELF_SIGNED", [](SocketConfig &c, bool v) { c.setTlsAllowSelfSigned(v); }),
    };
    return table;
}

} // namespace

SocketConfig::SocketConfig()
    : d(new SocketConfigData)
{
}

SocketConfig::SocketConfig(const SocketConfig &other) = default;
SocketConfig::SocketConfig(SocketConfig &&other) noexcept = default;
SocketConfig &SocketConfig::operator=(const SocketConfig &other) = default;
SocketConfig &SocketConfig::operator=(SocketConfig &&other) noexcept = default;
SocketConfig::~SocketConfig() = default;

SocketConfig SocketConfig::fromEnvironment(const QProcessEnvironment &environment, QString *errorString)
{
    SocketConfig config;
    QString problem;
    const QString file = environment.value(QStringLiteral("SOCKET_CONFIG"));
    if ((!file.isEmpty() && !config.loadFile(file, &problem)) || !config.applyEnvironment(environment, &problem)) {
        // Never fall back to the defaults silently (the authKey among them): the
        // returned configuration is invalid and says why.
        config = SocketConfig();
        config.d->loadError = problem;
    }
    if (errorString)
        *errorString = problem;
    return config;
}

bool SocketConfig::applyEnvironment(const QProcessEnvironment &environment, QString *errorString)
{
    SocketConfig result = *this;
    for (const Key &key : keys()) {
        const QString variable = QString::fromLatin1(key.env);
        if (!environment.contains(variable))
            continue;
        const QString value = environment.value(variable);
        if (!key.fromText(result, value)) {
            if (errorString)
                *errorString = tr("Invalid value \"%1\" for %2 (configuration key \"%3\")")
                                   .arg(value, variable, QString::fromLatin1(key.name));
            return false;
        }
    }
    const QString problem = result.validate();
    if (!problem.isEmpty()) {
        if (errorString)
            *errorString = problem;
        return false;
    }
    *this = result;
    return true;
}

bool SocketConfig::applyJson(const QJsonObject &object, QString *errorString)
{
    SocketConfig result = *this;
    for (auto it = object.begin(); it != object.end(); ++it) {
        const auto key = std::find_if(keys().begin(), keys().end(),
                                      [&](const Key &k) { return it.key() == QLatin1String(k.name); });
        if (key == keys().end()) {
            if (errorString)
                *errorString = tr("Unknown configuration key \"%1\"").arg(it.key());
            return false;
        }
        if (!key->fromJson(result, it.value())) {
            if (errorString)
                *errorString = tr("Invalid value %1 for configuration key \"%2\"")
                                   .arg(QString::fromUtf8(Message::toJsonText(it.value())), it.key());
            return false;
        }
    }
    const QString problem = result.validate();
    if (!problem.isEmpty()) {
        if (errorString)
            *errorString = problem;
        return false;
    }
    *this = result;
    return true;
}

bool SocketConfig::loadFile(const QString &path, QString *errorString)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (errorString)
            *errorString = tr("Cannot read the configuration file %1: %2").arg(path, file.errorString());
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        if (errorString)
            *errorString = parseError.error != QJsonParseError::NoError
                ? tr("The configuration file %1 is not valid JSON: %2 at offset %3")
                      .arg(path, parseError.errorString())
                      .arg(parseError.offset)
                : tr("The configuration file %1 must hold a JSON object").arg(path);
        return false;
    }
    QString problem;
    if (!applyJson(document.object(), &problem)) {
        if (errorString)
            *errorString = tr("%1: %2").arg(path, problem);
        return false;
    }
    return true;
}

QJsonObject SocketConfig::toJson() const
{
    return QJsonObject{
        {QStringLiteral("port"), d->port},
        {QStringLiteral("host"), d->host},
        {QStringLiteral("address"), address().toString()},
        {QStringLiteral("authKey"), d->authKey},
        {QStringLiteral("heartBeatInterval"), d->heartBeatInterval},
        {QStringLiteral("heartBeatTimeout"), d->heartBeatTimeout},
        {QStringLiteral("handlerDir"), d->handlerDir},
        {QStringLiteral("log"), d->log},
        {QStringLiteral("encryption"), d->encryption},
        {QStringLiteral("reconnectBaseDelay"), d->reconnectBaseDelay},
        {QStringLiteral("reconnectMaxDelay"), d->reconnectMaxDelay},
        {QStringLiteral("maxReconnectAttempts"),
         d->maxReconnectAttempts == Unlimited ? QJsonValue(QJsonValue::Null) : QJsonValue(d->maxReconnectAttempts)},
        {QStringLiteral("maxMessageSize"), d->maxMessageSize},
        {QStringLiteral("maxFrameSize"), d->maxFrameSize},
        {QStringLiteral("handshakeTimeout"), d->handshakeTimeout},
        {QStringLiteral("authTimeout"), d->authTimeout},
        {QStringLiteral("messageTimeout"), d->messageTimeout},
        {QStringLiteral("maxUnauthenticated"), d->maxUnauthenticated},
        {QStringLiteral("maxUnauthenticatedPerAddress"), d->maxUnauthenticatedPerAddress},
        {QStringLiteral("listenBacklog"), d->listenBacklog},
        {QStringLiteral("workerThreads"), d->workerThreads},
        {QStringLiteral("rateLimit"), d->rateLimit},
        {QStringLiteral("rateBurst"), d->rateBurst},
        {QStringLiteral("rateLimitPolicy"), d->rateLimitPolicy == RateLimitPolicy::Close ? QStringLiteral("close")
                                                                                          : QStringLiteral("throttle")},
        {QStringLiteral("idleHeartBeats"), d->idleHeartBeats},
        {QStringLiteral("maxSendBuffer"), d->maxSendBuffer},
        {QStringLiteral("allowedOrigins"), QJsonArray::fromStringList(d->allowedOrigins)},
        {QStringLiteral("tlsCertificate"), d->tlsCertificate},
        {QStringLiteral("tlsPrivateKey"), d->tlsPrivateKey},
        {QStringLiteral("tlsCaCertificates"), d->tlsCaCertificates},
        {QStringLiteral("tlsAllowSelfSigned"), d->tlsAllowSelfSigned},
    };
}

QString SocketConfig::validate() const
{
    if (!d->loadError.isEmpty())
        return d->loadError;
    if (d->port < 0 || d->port > 65535)
        return tr("Configuration key \"port\" must be between 0 and 65535, not %1").arg(d->port);
    if (d->heartBeatInterval <= 0)
        return tr("Configuration key \"heartBeatInterval\" must be positive, not %1").arg(d->heartBeatInterval);
    if (d->reconnectBaseDelay < 0)
        return tr("Configuration key \"reconnectBaseDelay\" must not be negative, not %1").arg(d->reconnectBaseDelay);
    if (d->reconnectMaxDelay < 0)
        return tr("Configuration key \"reconnectMaxDelay\" must not be negative, not %1").arg(d->reconnectMaxDelay);
    if (d->maxReconnectAttempts < Unlimited)
        return tr("Configuration key \"maxReconnectAttempts\" must be -1 (unlimited) or more, not %1")
            .arg(d->maxReconnectAttempts);
    if (d->host.isEmpty())
        return tr("Configuration key \"host\" must not be empty");
    if (d->maxMessageSize <= 0 || d->maxFrameSize <= 0 || d->maxSendBuffer <= 0)
        return tr("Configuration keys \"maxMessageSize\", \"maxFrameSize\" and \"maxSendBuffer\" must be positive");
    if (d->handshakeTimeout <= 0)
        return tr("Configuration key \"handshakeTimeout\" must be positive, not %1").arg(d->handshakeTimeout);
    if (d->heartBeatTimeout < 0)
        return tr("Configuration key \"heartBeatTimeout\" must not be negative, not %1").arg(d->heartBeatTimeout);
    if (d->authTimeout < 0 || d->messageTimeout < 0 || d->maxUnauthenticated < 0 || d->maxUnauthenticatedPerAddress < 0
        || d->rateLimit < 0 || d->idleHeartBeats < 0)
        return tr("Limits (\"authTimeout\", \"messageTimeout\", \"maxUnauthenticated\", \"maxUnauthenticatedPerAddress\", "
                  "\"rateLimit\", \"idleHeartBeats\") must not be negative");
    if (d->listenBacklog < 1)
        return tr("Configuration key \"listenBacklog\" must be at least 1, not %1").arg(d->listenBacklog);
    if (d->workerThreads < 0 || d->workerThreads > 1024)
        return tr("Configuration key \"workerThreads\" must be between 0 (one per core) and 1024, not %1").arg(d->workerThreads);
    if (d->rateBurst < 1)
        return tr("Configuration key \"rateBurst\" must be at least 1, not %1").arg(d->rateBurst);
    if (d->tlsCertificate.isEmpty() != d->tlsPrivateKey.isEmpty())
        return tr("Configuration keys \"tlsCertificate\" and \"tlsPrivateKey\" must be set together");
    return {};
}

int SocketConfig::port() const { return d->port; }
void SocketConfig::setPort(int port) { d->port = port; }
QString SocketConfig::host() const { return d->host; }
void SocketConfig::setHost(const QString &host) { d->host = host; }

QUrl SocketConfig::address() const
{
    if (!d->address.isEmpty())
        return d->address;
    return QUrl(QStringLiteral("ws://localhost:%1").arg(d->port));
}

void SocketConfig::setAddress(const QUrl &address) { d->address = address; }
QString SocketConfig::authKey() const { return d->authKey; }
void SocketConfig::setAuthKey(const QString &authKey) { d->authKey = authKey; }
int SocketConfig::heartBeatInterval() const { return d->heartBeatInterval; }
void SocketConfig::setHeartBeatInterval(int milliseconds) { d->heartBeatInterval = milliseconds; }
int SocketConfig::heartBeatTimeout() const { return d->heartBeatTimeout; }
void SocketConfig::setHeartBeatTimeout(int milliseconds) { d->heartBeatTimeout = milliseconds; }
int SocketConfig::effectiveHeartBeatTimeout() const
{
    return d->heartBeatTimeout > 0 ? d->heartBeatTimeout : d->heartBeatInterval;
}
QString SocketConfig::handlerDir() const { return d->handlerDir; }
void SocketConfig::setHandlerDir(const QString &directory) { d->handlerDir = directory; }
bool SocketConfig::log() const { return d->log; }
void SocketConfig::setLog(bool log) { d->log = log; }
bool SocketConfig::encryption() const { return d->encryption; }
void SocketConfig::setEncryption(bool encryption) { d->encryption = encryption; }
int SocketConfig::reconnectBaseDelay() const { return d->reconnectBaseDelay; }
void SocketConfig::setReconnectBaseDelay(int milliseconds) { d->reconnectBaseDelay = milliseconds; }
int SocketConfig::reconnectMaxDelay() const { return d->reconnectMaxDelay; }
void SocketConfig::setReconnectMaxDelay(int milliseconds) { d->reconnectMaxDelay = milliseconds; }
int SocketConfig::maxReconnectAttempts() const { return d->maxReconnectAttempts; }
void SocketConfig::setMaxReconnectAttempts(int attempts) { d->maxReconnectAttempts = attempts; }

qint64 SocketConfig::maxMessageSize() const { return d->maxMessageSize; }
void SocketConfig::setMaxMessageSize(qint64 bytes) { d->maxMessageSize = bytes; }
qint64 SocketConfig::maxFrameSize() const { return d->maxFrameSize; }
void SocketConfig::setMaxFrameSize(qint64 bytes) { d->maxFrameSize = bytes; }
int SocketConfig::handshakeTimeout() const { return d->handshakeTimeout; }
void SocketConfig::setHandshakeTimeout(int milliseconds) { d->handshakeTimeout = milliseconds; }
int SocketConfig::authTimeout() const { return d->authTimeout; }
void SocketConfig::setAuthTimeout(int milliseconds) { d->authTimeout = milliseconds; }
int SocketConfig::messageTimeout() const { return d->messageTimeout; }
void SocketConfig::setMessageTimeout(int milliseconds) { d->messageTimeout = milliseconds; }
int SocketConfig::maxUnauthenticated() const { return d->maxUnauthenticated; }
void SocketConfig::setMaxUnauthenticated(int connections) { d->maxUnauthenticated = connections; }
int SocketConfig::maxUnauthenticatedPerAddress() const { return d->maxUnauthenticatedPerAddress; }
void SocketConfig::setMaxUnauthenticatedPerAddress(int connections) { d->maxUnauthenticatedPerAddress = connections; }
int SocketConfig::listenBacklog() const { return d->listenBacklog; }
void SocketConfig::setListenBacklog(int connections) { d->listenBacklog = connections; }
int SocketConfig::workerThreads() const { return d->workerThreads; }
void SocketConfig::setWorkerThreads(int threads) { d->workerThreads = threads; }
int SocketConfig::rateLimit() const { return d->rateLimit; }
void SocketConfig::setRateLimit(int messagesPerSecond) { d->rateLimit = messagesPerSecond; }
int SocketConfig::rateBurst() const { return d->rateBurst; }
void SocketConfig::setRateBurst(int messages) { d->rateBurst = messages; }
SocketConfig::RateLimitPolicy SocketConfig::rateLimitPolicy() const { return d->rateLimitPolicy; }
void SocketConfig::setRateLimitPolicy(RateLimitPolicy policy) { d->rateLimitPolicy = policy; }
int SocketConfig::idleHeartBeats() const { return d->idleHeartBeats; }
void SocketConfig::setIdleHeartBeats(int intervals) { d->idleHeartBeats = intervals; }
qint64 SocketConfig::maxSendBuffer() const { return d->maxSendBuffer; }
void SocketConfig::setMaxSendBuffer(qint64 bytes) { d->maxSendBuffer = bytes; }
QStringList SocketConfig::allowedOrigins() const { return d->allowedOrigins; }
void SocketConfig::setAllowedOrigins(const QStringList &origins) { d->allowedOrigins = origins; }
QString SocketConfig::tlsCertificate() const { return d->tlsCertificate; }
void SocketConfig::setTlsCertificate(const QString &file) { d->tlsCertificate = file; }
QString SocketConfig::tlsPrivateKey() const { return d->tlsPrivateKey; }
void SocketConfig::setTlsPrivateKey(const QString &file) { d->tlsPrivateKey = file; }
QString SocketConfig::tlsCaCertificates() const { return d->tlsCaCertificates; }
void SocketConfig::setTlsCaCertificates(const QString &file) { d->tlsCaCertificates = file; }
bool SocketConfig::tlsAllowSelfSigned() const { return d->tlsAllowSelfSigned; }
void SocketConfig::setTlsAllowSelfSigned(bool allow) { d->tlsAllowSelfSigned = allow; }

bool SocketConfig::operator==(const SocketConfig &other) const
{
    return d == other.d || *d == *other.d;
}

} // namespace Stonyx::Sockets
