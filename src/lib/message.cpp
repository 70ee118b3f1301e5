// SPDX-License-Identifier: MIT
#include "message_p.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLocale>
#include <QVariant>

#include <cmath>
#include <cstring>

namespace Stonyx::Sockets::Message {

namespace {

// The common message read directly: a compact object ({"request":"echo","data":"...",
// "id":7}) whose keys and strings are printable ASCII without escapes and whose numbers
// are short integers; an object or array member is handed to QJsonDocument on its
// own. A profile of the echo round trip spent a third of the server's instructions in
// QJsonDocument::fromJson, most of it on the envelope and long plain strings.
// Anything else (whitespace, escapes, non-ASCII, fractions, deep nesting, invalid
// input) returns false without a verdict and QJsonDocument reads the whole text, so
// what is accepted and the values read are the same either way
// (tst_sessioncodec::directDecode compares them).
class DirectReader
{
public:
    explicit DirectReader(const QByteArray &json) : m_p(json.constData()), m_end(json.constData() + json.size()) { }

    bool readObject(QJsonObject *object)
    {
        if (!take('{'))
            return false;
        if (take('}'))
            return m_p == m_end;
        for (;;) {
            QString key;
            QJsonValue value;
            if (!readPlainString(&key) || !take(':') || !readValue(&value))
                return false;
            object->insert(key, value); // a repeated key: the last one wins, as in QJsonDocument
            if (take(','))
                continue;
            return take('}') && m_p == m_end;
        }
    }

private:
    bool take(char c)
    {
        if (m_p == m_end || *m_p != c)
            return false;
        ++m_p;
        return true;
    }

    bool readPlainString(QString *out)
    {
        if (!take('"'))
            return false;
        const char *start = m_p;
        while (m_p != m_end && uchar(*m_p) >= 0x20 && uchar(*m_p) < 0x7f && *m_p != '"' && *m_p != '\\')
            ++m_p;
        if (m_p == m_end || *m_p != '"')
            return false;
        *out = QString::fromLatin1(start, m_p - start);
        ++m_p;
        return true;
    }

    bool readLiteral(QByteArrayView word, const QJsonValue &value, QJsonValue *out)
    {
        if (m_end - m_p < word.size() || QByteArrayView(m_p, word.size()) != word)
            return false;
        m_p += word.size();
        *out = value;
        return true;
    }

    // -?(0|[1-9][0-9]*) with at most 15 digits and no fraction or exponent: exactly
    // representable, and QJsonDocument keeps it as an integer too. "-0" is left to it.
    bool readInteger(QJsonValue *out)
    {
        const bool negative = take('-');
        const char *start = m_p;
        while (m_p != m_end && *m_p >= '0' && *m_p <= '9')
            ++m_p;
        const qsizetype digits = m_p - start;
        if (digits == 0 || digits > 15 || (digits > 1 && *start == '0') || (negative && digits == 1 && *start == '0'))
            return false;
        if (m_p != m_end && (*m_p == '.' || *m_p == 'e' || *m_p == 'E'))
            return false;
        qint64 value = 0;
        for (const char *d = start; d != m_p; ++d)
            value = value * 10 + (*d - '0');
        *out = QJsonValue(negative ? -value : value);
        return true;
    }

    // An object or array member: its extent found here (strings skipped, nesting
    // counted), its value read by QJsonDocument.
    bool readContainer(QJsonValue *out)
    {
        const char *start = m_p;
        int depth = 0;
        while (m_p != m_end) {
            const char c = *m_p++;
            if (c == '"') {
                while (m_p != m_end && *m_p != '"')
                    m_p += (*m_p == '\\' && m_end - m_p > 1) ? 2 : 1;
                if (m_p == m_end)
                    return false;
                ++m_p;
            } else if (c == '{' || c == '[') {
                if (++depth > MaxDepth)
                    return false;
            } else if (c == '}' || c == ']') {
                if (--depth == 0)
                    break;
            }
        }
        if (depth != 0)
            return false;
        QJsonParseError error;
        const QJsonDocument document =
            QJsonDocument::fromJson(QByteArray::fromRawData(start, m_p - start), &error);
        if (error.error != QJsonParseError::NoError)
            return false;
        *out = document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array());
        return true;
    }

    bool readValue(QJsonValue *out)
    {
        if (m_p == m_end)
            return false;
        switch (*m_p) {
        case '"': {
            QString text;
            if (!readPlainString(&text))
                return false;
            *out = QJsonValue(text);
            return true;
        }
        case '{':
        case '[':
            return readContainer(out);
        case 't':
            return readLiteral("true", QJsonValue(true), out);
        case 'f':
            return readLiteral("false", QJsonValue(false), out);
        case 'n':
            return readLiteral("null", QJsonValue(QJsonValue::Null), out);
        default:
            return readInteger(out);
        }
    }

    // Well below QJsonDocument's own limit, so that a member it reads alone is never
    // one level short of what the whole message would be refused for.
    static constexpr int MaxDepth = 64;

    const char *m_p;
    const char *const m_end;
};

} // namespace

DecodeResult decode(const QByteArray &json, QStringView payloadKey, Incoming *out, QString *error)
{
    if (QJsonObject object; DirectReader(json).readObject(&object)) {
        out->object = std::move(object);
        const QJsonValue request = out->object.value(u"request");
        out->request = request.isString() ? request.toString() : QString();
        out->payload = out->object.value(payloadKey);
        return DecodeResult::Ok;
    }
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

bool byteNeedsEscape(uchar c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

// Whether any of the 8 bytes at p needs an escape, a word at a time (the exact
// "has a byte below n / equal to n" tests; a profile of a 4 KiB echo spent a third of
// the server's instructions on a byte-by-byte scan).
bool wordNeedsEscape(const char *p)
{
    constexpr quint64 Ones = 0x0101010101010101ULL;
    constexpr quint64 Highs = 0x8080808080808080ULL;
    quint64 w;
    memcpy(&w, p, sizeof w);
    const auto hasZeroByte = [](quint64 v) { return (v - Ones) & ~v & Highs; };
    const quint64 below0x20 = (w - Ones * 0x20) & ~w & Highs;
    return (below0x20 | hasZeroByte(w ^ (Ones * '"')) | hasZeroByte(w ^ (Ones * '\\'))) != 0;
}

// A JSON string as QJsonDocument writes it: '"' and '\\' escaped, control characters
// as \b \f \n \r \t or \u00xx, everything else as UTF-8. False (out is then to be
// discarded) for a lone surrogate, which QJsonDocument replaces in its own way: the
// caller falls back to it.
bool appendString(QByteArray &out, QStringView text)
{
    // Qt's UTF-8 encoder has a vectorised ASCII path; the escapes are then found in
    // the bytes. It writes a lone surrogate as '?': text that came out longer (not
    // ASCII) or with a '?' is checked for one.
    const QByteArray utf8 = text.toUtf8();
    if (utf8.size() != text.size() || utf8.contains('?')) {
        for (qsizetype i = 0; i < text.size(); ++i) {
            const char16_t u = text[i].unicode();
            if (QChar::isHighSurrogate(u) && i + 1 < text.size() && QChar::isLowSurrogate(text[i + 1].unicode()))
                ++i;
            else if (QChar::isSurrogate(u))
                return false;
        }
    }
    out.reserve(out.size() + utf8.size() + 16);
    out += '"';
    const char *p = utf8.constData();
    const char *const end = p + utf8.size();
    while (p != end) {
        const char *run = p;
        while (end - p >= 8 && !wordNeedsEscape(p))
            p += 8;
        while (p != end && !byteNeedsEscape(uchar(*p)))
            ++p;
        out.append(run, p - run);
        if (p == end)
            break;
        const uchar c = uchar(*p++);
        out += '\\';
        switch (c) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case 0x08: out += 'b'; break;
        case 0x0c: out += 'f'; break;
        case 0x0a: out += 'n'; break;
        case 0x0d: out += 'r'; break;
        case 0x09: out += 't'; break;
        default:
            out += "u00";
            out += hexDigit(c >> 4);
            out += hexDigit(c & 0xf);
            break;
        }
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
                + 16);
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
