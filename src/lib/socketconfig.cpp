// SPDX-License-Identifier: MIT
#include "socketconfig.h"
#include "message_p.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QMetaEnum>
#include <QMetaProperty>
#include <QSharedData>

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <utility>

namespace Stonyx::Sockets {

// The storage of the keys, with their defaults. Everything else about a key (name, type,
// environment variable, JSON form, equality) comes from SocketConfig's Q_PROPERTY list,
// plus the rules below for what the type does not say.
class SocketConfigData : public QSharedData
{
public:
    int port = SocketConfig::DefaultPort;
    QString host = QStringLiteral("127.0.0.1");
    QList<QUrl> addresses; // empty: one, derived from the port
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
    QString redisUrl; // empty: no backplane
    int offlineQueueSize = 100;
    qint64 offlineQueueBytes = 256 * 1024;
    int offlineQueueTtl = 30000;
    int reconnectSpread = 5000;
    int resumeWindow = 60000;
    int resumeBuffer = 100;
    // Set by fromEnvironment() when a variable or the SOCKET_CONFIG file was invalid:
    // validate() reports it, so a server or client never runs on silent defaults.
    QString loadError;
};

namespace {

const char *const Context = "Stonyx::Sockets::SocketConfig"; // SocketConfig::tr()'s context

constexpr qint64 IntMax = std::numeric_limits<int>::max();
constexpr qint64 Int64Min = std::numeric_limits<qint64>::min();
constexpr qint64 Int64Max = std::numeric_limits<qint64>::max();

// What a key's type alone does not say about it. A key's name, type, environment
// variable, JSON form, getter and setter come from SocketConfig's Q_PROPERTY list;
// keys not listed here take any value of their type.
enum RuleFlag {
    NoFlags = 0,
    NotEmpty = 1 << 0,      // strings: validate() rejects an empty value
    NotEmptyInput = 1 << 1, // strings: an empty environment or JSON value is refused
    Trimmed = 1 << 2,       // strings: input is trimmed (secrets and paths are taken as they are)
    UnlimitedWords = 1 << 3, // -1 (Unlimited) is also "unlimited" or "Infinity" as text, and null in JSON
    WebSocketUrl = 1 << 4,  // URLs: ws:// or wss:// with a host
};

struct KeyRule {
    const char *key;
    qint64 min = Int64Min;       // numbers: the valid range (validate() and input)
    qint64 max = Int64Max;
    qint64 inputMax = Int64Max;  // numbers: a tighter upper bound for environment and JSON input only
    int flags = NoFlags;
    const char *message = nullptr; // validate()'s error (translated); %1 is the value
};

// The messages several keys share.
const char *const SizesMessage = QT_TRANSLATE_NOOP(
    "Stonyx::Sockets::SocketConfig",
    "Configuration keys \"maxMessageSize\", \"maxFrameSize\" and \"maxSendBuffer\" must be positive");
const char *const LimitsMessage = QT_TRANSLATE_NOOP(
    "Stonyx::Sockets::SocketConfig",
    "Limits (\"authTimeout\", \"messageTimeout\", \"maxUnauthenticated\", \"maxUnauthenticatedPerAddress\", "
    "\"rateLimit\", \"idleHeartBeats\") must not be negative");

// In the order validate() checks them: the first broken rule is the one reported.
const KeyRule Rules[] = {
    {.key = "port", .min = 0, .max = 65535,
     .message = QT_TRANSLATE_NOOP("Stonyx::Sockets::SocketConfig", "Configuration key \"port\" must be between 0 and 65535, not %1")},
    {.key = "heartBeatInterval", .min = 1, .max = IntMax,
     .message = QT_TRANSLATE_NOOP("Stonyx::Sockets::SocketConfig", "Configuration key \"heartBeatInterval\" must be positive, not %1")},
    {.key = "reconnectBaseDelay", .min = 0, .max = IntMax,
     .message = QT_TRANSLATE_NOOP("Stonyx::Sockets::SocketConfig", "Configuration key \"reconnectBaseDelay\" must not be negative, not %1")},
    {.key = "reconnectMaxDelay", .min = 0, .max = IntMax,
     .message = QT_TRANSLATE_NOOP("Stonyx::Sockets::SocketConfig", "Configuration key \"reconnectMaxDelay\" must not be negative, not %1")},
    {.key = "maxReconnectAttempts", .min = SocketConfig::Unlimited, .max = IntMax, .flags = UnlimitedWords,
     .message = QT_TRANSLATE_NOOP("Stonyx::Sockets::SocketConfig",
                                  "Configuration key \"maxReconnectAttempts\" must be -1 (unlimited) or more, not %1")},
    {.key = "host", .flags = NotEmpty | NotEmptyInput | Trimmed,
     .message = QT_TRANSLATE_NOOP("Stonyx::Sockets::SocketConfig", "Configuration key \"host\" must not be empty")},
    {.key = "maxMessageSize", .min = 1, .max = Int64Max, .message = SizesMessage},
    {.key = "maxFrameSize", .min = 1, .max = Int64Max, .message = SizesMessage},
    {.key = "maxSendBuffer", .min = 1, .max = Int64Max, .message = SizesMessage},
    {.key = "handshakeTimeout", .min = 1, .max = IntMax,
     .message = QT_TRANSLATE_NOOP("Stonyx::Sockets::SocketConfig", "Configuration key \"handshakeTimeout\" must be positive, not %1")},
    {.key = "heartBeatTimeout", .min = 0, .max = IntMax,
     .message = QT_TRANSLATE_NOOP("Stonyx::Sockets::SocketConfig", "Configuration key \"heartBeatTimeout\" must not be negative, not %1")},
    {.key = "authTimeout", .min = 0, .max = IntMax, .message = LimitsMessage},
    {.key = "messageTimeout", .min = 0, .max = IntMax, .message = LimitsMessage},
    {.key = "maxUnauthenticated", .min = 0, .max = IntMax, .message = LimitsMessage},
    {.key = "maxUnauthenticatedPerAddress", .min = 0, .max = IntMax, .message = LimitsMessage},
    {.key = "rateLimit", .min = 0, .max = IntMax, .message = LimitsMessage},
    {.key = "idleHeartBeats", .min = 0, .max = IntMax, .inputMax = 1000, .message = LimitsMessage},
    {.key = "listenBacklog", .min = 1, .max = IntMax,
     .message = QT_TRANSLATE_NOOP("Stonyx::Sockets::SocketConfig", "Configuration key \"listenBacklog\" must be at least 1, not %1")},
    {.key = "workerThreads", .min = 0, .max = 1024,
     .message = QT_TRANSLATE_NOOP("Stonyx::Sockets::SocketConfig",
                                  "Configuration key \"workerThreads\" must be between 0 (one per core) and 1024, not %1")},
    {.key = "rateBurst", .min = 1, .max = IntMax,
     .message = QT_TRANSLATE_NOOP("Stonyx::Sockets::SocketConfig", "Configuration key \"rateBurst\" must be at least 1, not %1")},
    {.key = "offlineQueueSize", .min = 0, .max = IntMax,
     .message = QT_TRANSLATE_NOOP("Stonyx::Sockets::SocketConfig", "Configuration key \"offlineQueueSize\" must not be negative, not %1")},
    {.key = "offlineQueueBytes", .min = 1, .max = Int64Max,
     .message = QT_TRANSLATE_NOOP("Stonyx::Sockets::SocketConfig", "Configuration key \"offlineQueueBytes\" must be positive, not %1")},
    {.key = "offlineQueueTtl", .min = 1, .max = IntMax,
     .message = QT_TRANSLATE_NOOP("Stonyx::Sockets::SocketConfig", "Configuration key \"offlineQueueTtl\" must be positive, not %1")},
    {.key = "reconnectSpread", .min = 0, .max = IntMax,
     .message = QT_TRANSLATE_NOOP("Stonyx::Sockets::SocketConfig", "Configuration key \"reconnectSpread\" must not be negative, not %1")},
    {.key = "resumeWindow", .min = 0, .max = IntMax,
     .message = QT_TRANSLATE_NOOP("Stonyx::Sockets::SocketConfig", "Configuration key \"resumeWindow\" must not be negative, not %1")},
    {.key = "resumeBuffer", .min = 0, .max = IntMax,
     .message = QT_TRANSLATE_NOOP("Stonyx::Sockets::SocketConfig", "Configuration key \"resumeBuffer\" must not be negative, not %1")},
    {.key = "handlerDir", .flags = NotEmptyInput},
    {.key = "address", .flags = WebSocketUrl},
    {.key = "redisUrl", .flags = Trimmed},
};

const KeyRule &ruleFor(const char *key)
{
    static const KeyRule none{.key = ""};
    const auto it = std::find_if(std::begin(Rules), std::end(Rules), [key](const KeyRule &r) { return qstrcmp(r.key, key) == 0; });
    return it == std::end(Rules) ? none : *it;
}

// The configuration keys: SocketConfig's properties (a Q_GADGET has no inherited ones).
QList<QMetaProperty> properties()
{
    const QMetaObject &meta = SocketConfig::staticMetaObject;
    QList<QMetaProperty> list;
    for (int i = meta.propertyOffset(); i < meta.propertyCount(); ++i)
        list.append(meta.property(i));
    return list;
}

QMetaProperty propertyFor(const char *key)
{
    const QMetaObject &meta = SocketConfig::staticMetaObject;
    return meta.property(meta.indexOfProperty(key));
}

// By the whole name: a JSON key "port\u0000x" is not "port".
QMetaProperty propertyFor(QStringView key)
{
    const QMetaObject &meta = SocketConfig::staticMetaObject;
    for (int i = meta.propertyOffset(); i < meta.propertyCount(); ++i) {
        if (key == QLatin1String(meta.property(i).name()))
            return meta.property(i);
    }
    return {};
}

// SOCKET_ and the key in upper snake case; "heartBeat" is one word, as in the Node.js
// library's SOCKET_HEARTBEAT_INTERVAL.
QString variableFor(const char *key)
{
    QString name = QStringLiteral("SOCKET_");
    for (const char *c = key; *c; ++c) {
        if (c != key && *c >= 'A' && *c <= 'Z')
            name += u'_';
        name += QChar::fromLatin1(*c).toUpper();
    }
    return name.replace(QLatin1String("HEART_BEAT"), QLatin1String("HEARTBEAT"));
}

bool parseInt64(const QString &text, qint64 min, qint64 max, qint64 *out)
{
    bool ok = false;
    const qint64 v = text.trimmed().toLongLong(&ok);
    if (!ok || v < min || v > max)
        return false;
    *out = v;
    return true;
}

// Only "true" and "false" (any case): the Node.js library treats every other value of
// SOCKET_ENCRYPTION as false, so accepting "1" or "yes" as true would make one shared
// environment file give a plaintext Node.js peer and an encrypting Qt one. No trimming
// either: "true " is not "true" to the Node.js library.
std::optional<bool> parseBool(const QString &text)
{
    if (text.compare(u"true", Qt::CaseInsensitive) == 0)
        return true;
    if (text.compare(u"false", Qt::CaseInsensitive) == 0)
        return false;
    return std::nullopt;
}

bool isInteger(const QMetaProperty &property)
{
    const int type = property.metaType().id();
    return !property.isEnumType() && (type == QMetaType::Int || type == QMetaType::LongLong);
}

// The range a number may take as input: the rule's, within the property's type.
std::pair<qint64, qint64> inputRange(const QMetaProperty &property, const KeyRule &rule)
{
    const bool isInt = property.metaType().id() == QMetaType::Int;
    return {std::max(rule.min, isInt ? qint64(std::numeric_limits<int>::min()) : Int64Min),
            std::min({rule.max, rule.inputMax, isInt ? IntMax : Int64Max})};
}

QVariant number(const QMetaProperty &property, qint64 value)
{
    return property.metaType().id() == QMetaType::Int ? QVariant(int(value)) : QVariant(value);
}

QVariant enumValue(const QMetaProperty &property, int value)
{
    QVariant v(value);
    v.convert(property.metaType());
    return v;
}

// An environment variable's text (or a JSON string) as a value of the key's type.
std::optional<QVariant> fromText(const QMetaProperty &property, const KeyRule &rule, const QString &text)
{
    if (property.isEnumType()) { // a key of the enum, in any case
        const QMetaEnum meta = property.enumerator();
        const QString t = text.trimmed();
        for (int i = 0; i < meta.keyCount(); ++i) {
            if (t.compare(QLatin1String(meta.key(i)), Qt::CaseInsensitive) == 0)
                return enumValue(property, meta.value(i));
        }
        return std::nullopt;
    }
    switch (property.metaType().id()) {
    case QMetaType::Int:
    case QMetaType::LongLong: {
        auto [min, max] = inputRange(property, rule);
        if (rule.flags & UnlimitedWords) { // as text, Unlimited is a word (or exactly "-1"), counts start at 0
            const QString t = text.trimmed();
            if (t.compare(u"unlimited", Qt::CaseInsensitive) == 0 || t.compare(u"infinity", Qt::CaseInsensitive) == 0
                || t == u"-1")
                return number(property, SocketConfig::Unlimited);
            min = std::max(min, qint64(SocketConfig::Unlimited) + 1);
        }
        qint64 v = 0;
        if (!parseInt64(text, min, max, &v))
            return std::nullopt;
        return number(property, v);
    }
    case QMetaType::Bool:
        if (const std::optional<bool> b = parseBool(text))
            return QVariant(*b);
        return std::nullopt;
    case QMetaType::QString:
        if ((rule.flags & NotEmptyInput) && text.isEmpty())
            return std::nullopt;
        return QVariant((rule.flags & Trimmed) ? text.trimmed() : text);
    case QMetaType::QUrl: {
        const QUrl url(text.trimmed(), QUrl::StrictMode);
        if (!url.isValid()
            || ((rule.flags & WebSocketUrl) && ((url.scheme() != u"ws" && url.scheme() != u"wss") || url.host().isEmpty())))
            return std::nullopt;
        return QVariant(url);
    }
    case QMetaType::QStringList: { // comma-separated
        QStringList list;
        for (const QString &part : text.split(u',', Qt::SkipEmptyParts)) {
            if (!part.trimmed().isEmpty())
                list << part.trimmed();
        }
        return QVariant(list);
    }
    default:
        return std::nullopt;
    }
}

bool isAddressKey(const QMetaProperty &property)
{
    return qstrcmp(property.name(), "address") == 0;
}

// "address": one ws:// or wss:// URL, or several separated by commas.
std::optional<QList<QUrl>> addressesFromText(const QMetaProperty &property, const QString &text)
{
    QList<QUrl> urls;
    for (const QString &part : text.split(u',')) {
        const std::optional<QVariant> url = fromText(property, ruleFor(property.name()), part);
        if (!url)
            return std::nullopt;
        urls.append(url->toUrl());
    }
    return urls;
}

// A JSON value as a value of the key's type. Strings are read as the environment's text.
std::optional<QVariant> fromJson(const QMetaProperty &property, const KeyRule &rule, const QJsonValue &json)
{
    if (json.isString())
        return fromText(property, rule, json.toString());
    if (json.isNull() && (rule.flags & UnlimitedWords)) // JSON has no Infinity
        return number(property, SocketConfig::Unlimited);
    if (isInteger(property) && json.isDouble()) {
        const auto [min, max] = inputRange(property, rule);
        const double v = json.toDouble();
        if (v != static_cast<double>(static_cast<qint64>(v)) || v < static_cast<double>(min) || v > static_cast<double>(max))
            return std::nullopt;
        return number(property, static_cast<qint64>(v));
    }
    if (property.metaType().id() == QMetaType::Bool && json.isBool())
        return QVariant(json.toBool());
    if (property.metaType().id() == QMetaType::QStringList && json.isArray()) {
        QStringList list;
        for (const QJsonValue &item : json.toArray()) {
            if (!item.isString())
                return std::nullopt;
            list << item.toString();
        }
        return QVariant(list);
    }
    return std::nullopt;
}

QJsonValue toJsonValue(const QMetaProperty &property, const KeyRule &rule, const QVariant &value)
{
    if (property.isEnumType()) { // the key in camelCase: "throttle"
        QString key = QString::fromLatin1(property.enumerator().valueToKey(value.toInt()));
        if (!key.isEmpty())
            key[0] = key[0].toLower();
        return key;
    }
    switch (property.metaType().id()) {
    case QMetaType::Int:
        if ((rule.flags & UnlimitedWords) && value.toInt() == SocketConfig::Unlimited)
            return QJsonValue(QJsonValue::Null);
        return value.toInt();
    case QMetaType::LongLong:
        return value.toLongLong();
    case QMetaType::Bool:
        return value.toBool();
    case QMetaType::QString:
        return value.toString();
    case QMetaType::QUrl:
        return value.toUrl().toString();
    case QMetaType::QStringList:
        return QJsonArray::fromStringList(value.toStringList());
    default:
        return QJsonValue(QJsonValue::Undefined);
    }
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
    for (const QMetaProperty &property : properties()) {
        const QString variable = variableFor(property.name());
        if (!environment.contains(variable))
            continue;
        const QString value = environment.value(variable);
        if (isAddressKey(property)) { // one URL or several, comma-separated
            const std::optional<QList<QUrl>> urls = addressesFromText(property, value);
            if (urls)
                result.setAddresses(*urls);
            else if (errorString)
                *errorString = tr("Invalid value \"%1\" for %2 (configuration key \"%3\")")
                                   .arg(value, variable, QString::fromLatin1(property.name()));
            if (!urls)
                return false;
            continue;
        }
        const std::optional<QVariant> parsed = fromText(property, ruleFor(property.name()), value);
        if (!parsed || !property.writeOnGadget(&result, *parsed)) {
            if (errorString)
                *errorString = tr("Invalid value \"%1\" for %2 (configuration key \"%3\")")
                                   .arg(value, variable, QString::fromLatin1(property.name()));
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
        const QMetaProperty property = propertyFor(it.key());
        if (!property.isValid()) {
            if (errorString)
                *errorString = tr("Unknown configuration key \"%1\"").arg(it.key());
            return false;
        }
        if (isAddressKey(property)) { // a string (comma-separated URLs) or an array of URLs
            std::optional<QList<QUrl>> urls;
            if (it.value().isString()) {
                urls = addressesFromText(property, it.value().toString());
            } else if (it.value().isArray() && !it.value().toArray().isEmpty()) {
                urls = QList<QUrl>();
                for (const QJsonValue &item : it.value().toArray()) {
                    const std::optional<QList<QUrl>> one = item.isString() && !item.toString().contains(u',')
                        ? addressesFromText(property, item.toString())
                        : std::nullopt;
                    if (!one) {
                        urls.reset();
                        break;
                    }
                    urls->append(*one);
                }
            }
            if (!urls) {
                if (errorString)
                    *errorString = tr("Invalid value %1 for configuration key \"%2\"")
                                       .arg(QString::fromUtf8(Message::toJsonText(it.value())), it.key());
                return false;
            }
            result.setAddresses(*urls);
            continue;
        }
        const std::optional<QVariant> parsed = fromJson(property, ruleFor(property.name()), it.value());
        if (!parsed || !property.writeOnGadget(&result, *parsed)) {
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
    // Bounded: a configuration is a few hundred bytes, and a path such as /dev/zero
    // (or a runaway generator behind a pipe) must not be read until memory runs out.
    constexpr qint64 MaxFileSize = 1024 * 1024;
    const QByteArray text = file.read(MaxFileSize + 1);
    if (text.size() > MaxFileSize) {
        if (errorString)
            *errorString = tr("The configuration file %1 is larger than %2 bytes").arg(path).arg(MaxFileSize);
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
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
    QJsonObject object;
    for (const QMetaProperty &property : properties())
        object.insert(QLatin1String(property.name()),
                      toJsonValue(property, ruleFor(property.name()), property.readOnGadget(this)));
    if (d->addresses.size() > 1) { // several: comma-separated, as in SOCKET_ADDRESS
        QStringList urls;
        for (const QUrl &url : std::as_const(d->addresses))
            urls << url.toString();
        object.insert(u"address", urls.join(u','));
    }
    return object;
}

QString SocketConfig::environmentVariable(const QString &key)
{
    const QMetaProperty property = propertyFor(key);
    return property.isValid() ? variableFor(property.name()) : QString();
}

QString SocketConfig::validate() const
{
    if (!d->loadError.isEmpty())
        return d->loadError;
    for (const KeyRule &rule : Rules) {
        if (!rule.message)
            continue;
        const QMetaProperty property = propertyFor(rule.key);
        const QVariant value = property.readOnGadget(this);
        const bool valid = property.metaType().id() == QMetaType::QString
            ? !(rule.flags & NotEmpty) || !value.toString().isEmpty()
            : value.toLongLong() >= rule.min && value.toLongLong() <= rule.max;
        if (valid)
            continue;
        const QString message = QCoreApplication::translate(Context, rule.message);
        return std::strstr(rule.message, "%1") ? message.arg(value.toLongLong()) : message;
    }
    if (d->tlsCertificate.isEmpty() != d->tlsPrivateKey.isEmpty())
        return tr("Configuration keys \"tlsCertificate\" and \"tlsPrivateKey\" must be set together");
    if (!d->redisUrl.isEmpty()) {
        // redis://[:password@]host:port[/db]
        const QUrl url(d->redisUrl, QUrl::StrictMode);
        const QString path = url.path();
        bool dbOk = path.isEmpty() || path == u"/";
        if (!dbOk) {
            const int db = path.mid(1).toInt(&dbOk);
            dbOk = dbOk && db >= 0;
        }
        if (!url.isValid() || url.scheme() != u"redis" || url.host().isEmpty() || url.port() == 0 || !dbOk
            || url.hasQuery() || url.hasFragment())
            return tr("Configuration key \"redisUrl\" must have the form redis://[:password@]host:port[/db], not \"%1\"")
                .arg(url.isValid() ? url.toDisplayString(QUrl::RemovePassword) : d->redisUrl);
    }
    return {};
}

int SocketConfig::port() const { return d->port; }
void SocketConfig::setPort(int port) { d->port = port; }
QString SocketConfig::host() const { return d->host; }
void SocketConfig::setHost(const QString &host) { d->host = host; }

QUrl SocketConfig::address() const
{
    if (!d->addresses.isEmpty())
        return d->addresses.first();
    return QUrl(QStringLiteral("ws://localhost:%1").arg(d->port));
}

void SocketConfig::setAddress(const QUrl &address)
{
    d->addresses = address.isEmpty() ? QList<QUrl>() : QList<QUrl>{address};
}

QList<QUrl> SocketConfig::addresses() const
{
    return d->addresses.isEmpty() ? QList<QUrl>{address()} : d->addresses;
}

void SocketConfig::setAddresses(const QList<QUrl> &addresses)
{
    d->addresses.clear();
    for (const QUrl &url : addresses) {
        if (!url.isEmpty())
            d->addresses.append(url);
    }
}
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
QString SocketConfig::redisUrl() const { return d->redisUrl; }
void SocketConfig::setRedisUrl(const QString &url) { d->redisUrl = url; }
int SocketConfig::offlineQueueSize() const { return d->offlineQueueSize; }
void SocketConfig::setOfflineQueueSize(int messages) { d->offlineQueueSize = messages; }
qint64 SocketConfig::offlineQueueBytes() const { return d->offlineQueueBytes; }
void SocketConfig::setOfflineQueueBytes(qint64 bytes) { d->offlineQueueBytes = bytes; }
int SocketConfig::offlineQueueTtl() const { return d->offlineQueueTtl; }
void SocketConfig::setOfflineQueueTtl(int milliseconds) { d->offlineQueueTtl = milliseconds; }
int SocketConfig::reconnectSpread() const { return d->reconnectSpread; }
void SocketConfig::setReconnectSpread(int milliseconds) { d->reconnectSpread = milliseconds; }
int SocketConfig::resumeWindow() const { return d->resumeWindow; }
void SocketConfig::setResumeWindow(int milliseconds) { d->resumeWindow = milliseconds; }
int SocketConfig::resumeBuffer() const { return d->resumeBuffer; }
void SocketConfig::setResumeBuffer(int messages) { d->resumeBuffer = messages; }

bool SocketConfig::operator==(const SocketConfig &other) const
{
    if (d == other.d)
        return true;
    // address() follows the port while it is unset: compare whether it was set, too.
    if (d->addresses != other.d->addresses || d->loadError != other.d->loadError)
        return false;
    const QList<QMetaProperty> keys = properties();
    return std::all_of(keys.begin(), keys.end(), [&](const QMetaProperty &property) {
        return property.readOnGadget(this) == property.readOnGadget(&other);
    });
}

} // namespace Stonyx::Sockets
