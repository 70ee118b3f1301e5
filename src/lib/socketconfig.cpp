// SPDX-License-Identifier: MIT
#include "socketconfig.h"
#include "message_p.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSharedData>

#include <functional>
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
    QString handlerDir = QStringLiteral("./socket-handlers");
    bool log = false;
    bool encryption = true;
    int reconnectBaseDelay = 1000;
    int reconnectMaxDelay = 60000;
    int maxReconnectAttempts = SocketConfig::Unlimited;

    bool operator==(const SocketConfigData &o) const
    {
        return port == o.port && host == o.host && address == o.address && authKey == o.authKey
            && heartBeatInterval == o.heartBeatInterval && handlerDir == o.handlerDir && log == o.log
            && encryption == o.encryption && reconnectBaseDelay == o.reconnectBaseDelay
            && reconnectMaxDelay == o.reconnectMaxDelay && maxReconnectAttempts == o.maxReconnectAttempts;
    }
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

bool parseInt(const QString &text, qint64 min, qint64 max, int *out)
{
    bool ok = false;
    const qint64 v = text.trimmed().toLongLong(&ok);
    if (!ok || v < min || v > max)
        return false;
    *out = static_cast<int>(v);
    return true;
}

bool jsonInt(const QJsonValue &value, qint64 min, qint64 max, int *out)
{
    if (value.isString())
        return parseInt(value.toString(), min, max, out);
    if (!value.isDouble())
        return false;
    const double v = value.toDouble();
    if (v != static_cast<double>(static_cast<qint64>(v)) || v < static_cast<double>(min) || v > static_cast<double>(max))
        return false;
    *out = static_cast<int>(v);
    return true;
}

bool parseBool(const QString &text, bool *out)
{
    const QString t = text.trimmed().toLower();
    if (t == u"true" || t == u"1" || t == u"yes" || t == u"on") {
        *out = true;
        return true;
    }
    if (t == u"false" || t == u"0" || t == u"no" || t == u"off") {
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
    const QString file = environment.value(QStringLiteral("SOCKET_CONFIG"));
    if (!file.isEmpty() && !config.loadFile(file, errorString))
        return SocketConfig();
    if (!config.applyEnvironment(environment, errorString))
        return SocketConfig();
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
        {QStringLiteral("handlerDir"), d->handlerDir},
        {QStringLiteral("log"), d->log},
        {QStringLiteral("encryption"), d->encryption},
        {QStringLiteral("reconnectBaseDelay"), d->reconnectBaseDelay},
        {QStringLiteral("reconnectMaxDelay"), d->reconnectMaxDelay},
        {QStringLiteral("maxReconnectAttempts"),
         d->maxReconnectAttempts == Unlimited ? QJsonValue(QJsonValue::Null) : QJsonValue(d->maxReconnectAttempts)},
    };
}

QString SocketConfig::validate() const
{
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

bool SocketConfig::operator==(const SocketConfig &other) const
{
    return d == other.d || *d == *other.d;
}

} // namespace Stonyx::Sockets
