// SPDX-License-Identifier: MIT
#include "message_p.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <cmath>

namespace Stonyx::Sockets::Message {

DecodeResult decode(const QByteArray &json, QStringView payloadKey, Incoming *out, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        // QJsonDocument takes no scalar at the top level ("x", 42, true): valid JSON
        // all the same, so not invalid input. Only this error path pays for the check.
        QJsonParseError wrappedError;
        const QJsonDocument wrapped = QJsonDocument::fromJson('[' + json + ']', &wrappedError);
        if (wrappedError.error == QJsonParseError::NoError && wrapped.array().size() == 1) {
            *error = QCoreApplication::translate("Stonyx::Sockets::Message", "the message is not a JSON object");
            return DecodeResult::NotAnObject;
        }
        *error = QCoreApplication::translate("Stonyx::Sockets::Message", "invalid JSON: %1 at offset %2")
                     .arg(parseError.errorString())
                     .arg(parseError.offset);
        return DecodeResult::InvalidJson;
    }
    if (!document.isObject()) {
        *error = QCoreApplication::translate("Stonyx::Sockets::Message", "the message is not a JSON object");
        return DecodeResult::NotAnObject;
    }
    out->object = document.object();
    const QJsonValue request = out->object.value(u"request");
    out->request = request.isString() ? request.toString() : QString();
    out->payload = out->object.value(payloadKey);
    return DecodeResult::Ok;
}

namespace {

// Printable ASCII without '"' and '\\': JSON text as it stands, the way QJsonDocument
// writes it. Requests and session keys (base64) are such strings.
bool isPlainAscii(QStringView text)
{
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u < 0x20 || u >= 0x7f || u == u'"' || u == u'\\')
            return false;
    }
    return true;
}

void appendPlainString(QByteArray &out, QStringView text)
{
    out += '"';
    for (const QChar c : text)
        out += char(c.unicode());
    out += '"';
}

// The envelope written directly, without building a QJsonObject around the value: the
// same bytes QJsonDocument writes (keys in its sorted order), for the common shapes: a
// plain request name, an object, array, bool, null or no value. Empty otherwise.
QByteArray encodeDirect(const QString &request, QStringView key, const QJsonValue &value, const QString &sessionKey)
{
    if (!isPlainAscii(request) || !isPlainAscii(sessionKey))
        return {};
    QByteArray valueText;
    switch (value.type()) {
    case QJsonValue::Object:
        valueText = QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
        break;
    case QJsonValue::Array:
        valueText = QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
        break;
    case QJsonValue::Bool:
        valueText = value.toBool() ? QByteArrayLiteral("true") : QByteArrayLiteral("false");
        break;
    case QJsonValue::Null:
        valueText = QByteArrayLiteral("null");
        break;
    case QJsonValue::Undefined:
        break;
    case QJsonValue::Double:
    case QJsonValue::String:
        return {};
    }
    QByteArray out;
    out.reserve(32 + request.size() + key.size() + valueText.size() + sessionKey.size());
    const bool hasValue = !value.isUndefined();
    // QJsonObject sorts its keys: "data" < "request" < "response" < "sessionKey".
    const bool valueFirst = hasValue && key < u"request";
    out += '{';
    if (valueFirst) {
        appendPlainString(out, key);
        out += ':';
        out += valueText;
        out += ',';
    }
    out += "\"request\":";
    appendPlainString(out, request);
    if (hasValue && !valueFirst) {
        out += ',';
        appendPlainString(out, key);
        out += ':';
        out += valueText;
    }
    if (!sessionKey.isEmpty()) {
        out += ",\"sessionKey\":";
        appendPlainString(out, sessionKey);
    }
    out += '}';
    return out;
}

QByteArray encode(const QString &request, QStringView key, const QJsonValue &value, const QString &sessionKey)
{
    if (QByteArray direct = encodeDirect(request, key, value, sessionKey); !direct.isEmpty())
        return direct;
    QJsonObject object{{QStringLiteral("request"), request}};
    if (!value.isUndefined())
        object.insert(key, value);
    if (!sessionKey.isEmpty())
        object.insert(u"sessionKey", sessionKey);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

QByteArray encodeRequest(const QString &request, const QJsonValue &data)
{
    return encode(request, u"data", data, {});
}

QByteArray encodeResponse(const QString &request, const QJsonValue &response, const QString &sessionKey)
{
    return encode(request, u"response", response, sessionKey);
}

QByteArray toJsonText(const QJsonValue &value)
{
    if (value.isObject())
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    if (value.isUndefined())
        return QByteArrayLiteral("undefined");
    // Wrap scalars in an array and strip the brackets.
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

bool isTruthy(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return value.toBool();
    case QJsonValue::Double: {
        const double v = value.toDouble();
        return v != 0 && !std::isnan(v);
    }
    case QJsonValue::String:
        return !value.toString().isEmpty();
    case QJsonValue::Array:
    case QJsonValue::Object:
        return true;
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return false;
    }
    return false;
}

} // namespace Stonyx::Sockets::Message
