// SPDX-License-Identifier: MIT
#include "message_p.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLocale>
#include <QVariant>

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

// JSON text written directly, byte for byte as QJsonDocument writes it, without
// building a QJsonObject (or a one-element QJsonArray) around a value: a profile of
// the echo round trip spent half of the server's instructions there.

char hexDigit(uint nibble)
{
    return char(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
}

// A JSON string as QJsonDocument writes it: '"' and '\\' escaped, control characters
// as \b \f \n \r \t or \u00xx, everything else as UTF-8. False (and out unchanged
// in meaning: the caller discards it) for a lone surrogate, which QJsonDocument
// replaces in its own way: the caller falls back to it.
bool appendString(QByteArray &out, QStringView text)
{
    out += '"';
    const char16_t *p = text.utf16();
    const char16_t *const end = p + text.size();
    while (p != end) {
        const char16_t *run = p;
        while (p != end && *p >= 0x20 && *p < 0x80 && *p != u'"' && *p != u'\\')
            ++p;
        if (p != run) {
            const qsizetype at = out.size();
            out.resize(at + (p - run));
            char *dst = out.data() + at;
            for (const char16_t *c = run; c != p; ++c)
                *dst++ = char(*c);
        }
        if (p == end)
            break;
        const char16_t u = *p;
        if (u < 0x80) {
            out += '\\';
            switch (u) {
            case u'"': out += '"'; break;
            case u'\\': out += '\\'; break;
            case 0x08: out += 'b'; break;
            case 0x0c: out += 'f'; break;
            case 0x0a: out += 'n'; break;
            case 0x0d: out += 'r'; break;
            case 0x09: out += 't'; break;
            default:
                out += "u00";
                out += hexDigit(u >> 4);
                out += hexDigit(u & 0xf);
                break;
            }
            ++p;
            continue;
        }
        // Non-ASCII: the whole run up to the next ASCII character at once.
        run = p;
        while (p != end && *p >= 0x80) {
            if (QChar::isHighSurrogate(*p)) {
                if (p + 1 == end || !QChar::isLowSurrogate(p[1]))
                    return false;
                p += 2;
            } else if (QChar::isLowSurrogate(*p)) {
                return false;
            } else {
                ++p;
            }
        }
        out += QStringView(run, p).toUtf8();
    }
    out += '"';
    return true;
}

// A number as QJsonDocument writes it. QJsonValue keeps integers (from JSON text, or
// made from an int) apart from doubles: an integer in full, a finite double in its
// shortest form ("1e+15"), NaN and infinities as null.
void appendNumber(QByteArray &out, const QJsonValue &value)
{
    const QVariant number = value.toVariant();
    if (number.typeId() == QMetaType::LongLong) {
        out += QByteArray::number(number.toLongLong());
        return;
    }
    const double d = number.toDouble();
    if (std::isfinite(d))
        out += QByteArray::number(d, 'g', QLocale::FloatingPointShortest);
    else
        out += "null";
}

// Appends any value but undefined; false (and out to be discarded) where only
// QJsonDocument knows the bytes (a string with a lone surrogate).
bool appendValue(QByteArray &out, const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Object:
        out += QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
        return true;
    case QJsonValue::Array:
        out += QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
        return true;
    case QJsonValue::Bool:
        out += value.toBool() ? QByteArrayView("true") : QByteArrayView("false");
        return true;
    case QJsonValue::Null:
        out += "null";
        return true;
    case QJsonValue::Double:
        appendNumber(out, value);
        return true;
    case QJsonValue::String:
        return appendString(out, value.toString());
    case QJsonValue::Undefined:
        break;
    }
    return false;
}

QByteArray encodeDirect(const QString &request, QStringView key, const QJsonValue &value, const QString &sessionKey)
{
    QByteArray out;
    out.reserve(40 + request.size() + key.size() + sessionKey.size()
                + (value.isString() ? 2 * value.toString().size() : 16));
    const bool hasValue = !value.isUndefined();
    // QJsonObject sorts its keys: "data" < "request" < "response" < "sessionKey".
    const bool valueFirst = hasValue && key < u"request";
    auto appendPair = [&out](QStringView name, const QJsonValue &v) {
        out += '"';
        out += name.toLatin1();
        out += "\":";
        return appendValue(out, v);
    };
    out += '{';
    if (valueFirst) {
        if (!appendPair(key, value))
            return {};
        out += ',';
    }
    out += "\"request\":";
    if (!appendString(out, request))
        return {};
    if (hasValue && !valueFirst) {
        out += ',';
        if (!appendPair(key, value))
            return {};
    }
    if (!sessionKey.isEmpty()) {
        out += ",\"sessionKey\":";
        if (!appendString(out, sessionKey))
            return {};
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
    if (value.isUndefined())
        return QByteArrayLiteral("undefined");
    QByteArray direct;
    if (appendValue(direct, value))
        return direct;
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
