// SPDX-License-Identifier: MIT
#include "message_p.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLocale>
#include <QStringDecoder>
#include <QVariant>

#include <cmath>
#include <cstring>
#include <type_traits>

namespace Stonyx::Sockets::Message {

namespace {

// The common message read directly: a compact object ({"request":"echo","data":"...",
// "id":7}) whose numbers are short integers; an object or array member is handed to
// QJsonDocument on its own. A profile of the echo round trip spent a third of the
// server's instructions in QJsonDocument::fromJson, most of it on the envelope and
// long plain strings.
//
// It reads UTF-8 bytes (an encrypted frame's plaintext) or, without converting them
// back, the UTF-16 text QWebSocket made of a text frame. Strings may hold escapes and
// any character; a \u escape of a surrogate, a lone surrogate and invalid UTF-8 are
// left to QJsonDocument. Anything else it does not take (whitespace, fractions,
// deep nesting, invalid input) returns false without a verdict and QJsonDocument
// reads the whole text (as UTF-8), so what is accepted and the values read are the
// same either way (tst_sessioncodec::directDecode compares them).
template<typename Char>
class DirectReader
{
    static constexpr bool IsUtf16 = sizeof(Char) == 2;
    static constexpr char16_t ByteOrderMark = 0xfeff;

public:
    DirectReader(const Char *begin, qsizetype size) : m_p(begin), m_end(begin + size) { }

    // Into out, which is to be cleared if this fails.
    bool readObject(Incoming *out, QStringView payloadKey)
    {
        if (!take('{'))
            return false;
        if (take('}'))
            return m_p == m_end;
        QString key;
        for (;;) {
            key.resize(0); // keeps its buffer for the next key
            if (!readString(&key) || !take(':'))
                return false;
            if (key == u"request" && m_p != m_end && unit(*m_p) == '"') {
                QString name;
                if (!readString(&name))
                    return false;
                out->setRequest(name);
            } else {
                QJsonValue value;
                if (!readValue(&value))
                    return false;
                out->set(key, value, payloadKey);
            }
            if (take(','))
                continue;
            return take('}') && m_p == m_end;
        }
    }

private:
    static uint unit(Char c) { return uint(std::make_unsigned_t<Char>(c)); }

    bool take(char c)
    {
        if (m_p == m_end || unit(*m_p) != uint(uchar(c)))
            return false;
        ++m_p;
        return true;
    }

    // Appends the unescaped run [begin, end) to out: UTF-16 as it is, ASCII as Latin-1,
    // other UTF-8 through a strict decoder. False for invalid UTF-8.
    static bool appendRun(QString *out, const Char *begin, const Char *end, bool ascii)
    {
        if constexpr (IsUtf16) {
            out->append(QStringView(begin, end - begin));
        } else if (ascii) {
            out->append(QLatin1StringView(begin, end - begin));
        } else {
            // Stateless: a sequence cut short is an error, not carried over; a leading
            // BOM is a character of the string, as for QJsonDocument.
            QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless | QStringDecoder::Flag::ConvertInitialBom);
            const QString decoded = decoder.decode(QByteArrayView(begin, end - begin));
            // QJsonDocument drops a U+FEFF (byte order mark) anywhere in a string.
            if (decoder.hasError() || decoded.contains(QChar(ByteOrderMark)))
                return false;
            out->append(decoded);
        }
        return true;
    }

    static int hexValue(uint c)
    {
        if (c >= '0' && c <= '9')
            return int(c - '0');
        if (c >= 'a' && c <= 'f')
            return int(c - 'a' + 10);
        if (c >= 'A' && c <= 'F')
            return int(c - 'A' + 10);
        return -1;
    }

    // After a backslash: the escaped character, or false for one left to QJsonDocument
    // (a surrogate, which it pairs in its own way, or an unknown escape).
    bool readEscape(QString *out)
    {
        if (m_p == m_end)
            return false;
        const uint c = unit(*m_p++);
        switch (c) {
        case '"':
        case '\\':
        case '/':
            out->append(QChar(char16_t(c)));
            return true;
        case 'b':
            out->append(QChar(u'\b'));
            return true;
        case 'f':
            out->append(QChar(u'\f'));
            return true;
        case 'n':
            out->append(QChar(u'\n'));
            return true;
        case 'r':
            out->append(QChar(u'\r'));
            return true;
        case 't':
            out->append(QChar(u'\t'));
            return true;
        case 'u': {
            if (m_end - m_p < 4)
                return false;
            uint code = 0;
            for (int i = 0; i < 4; ++i) {
                const int digit = hexValue(unit(*m_p++));
                if (digit < 0)
                    return false;
                code = code * 16 + uint(digit);
            }
            if (QChar::isSurrogate(code))
                return false;
            out->append(QChar(char16_t(code)));
            return true;
        }
        default:
            return false;
        }
    }

    bool readString(QString *out)
    {
        if (!take('"'))
            return false;
        const Char *run = m_p;
        bool ascii = true;
        for (;;) {
            if (m_p == m_end)
                return false;
            const uint c = unit(*m_p);
            if (c == '"') {
                if (!appendRun(out, run, m_p, ascii))
                    return false;
                ++m_p;
                return true;
            }
            if (c < 0x20)
                return false;
            if (c == '\\') {
                if (!appendRun(out, run, m_p, ascii))
                    return false;
                ++m_p;
                if (!readEscape(out))
                    return false;
                run = m_p;
                ascii = true;
                continue;
            }
            if (c >= 0x80) {
                ascii = false;
                if constexpr (IsUtf16) {
                    // Only whole surrogate pairs: QJsonDocument would read a lone one,
                    // through toUtf8(), as '?'. It also drops a U+FEFF.
                    if (c == ByteOrderMark)
                        return false;
                    if (QChar::isHighSurrogate(c) && m_end - m_p > 1 && QChar::isLowSurrogate(unit(m_p[1])))
                        ++m_p;
                    else if (QChar::isSurrogate(c))
                        return false;
                }
            }
            ++m_p;
        }
    }

    bool readLiteral(QLatin1StringView word, const QJsonValue &value, QJsonValue *out)
    {
        if (m_end - m_p < word.size())
            return false;
        for (qsizetype i = 0; i < word.size(); ++i) {
            if (unit(m_p[i]) != uint(uchar(word[i].toLatin1())))
                return false;
        }
        m_p += word.size();
        *out = value;
        return true;
    }

    static bool isDigit(uint c) { return c >= '0' && c <= '9'; }

    // -?(0|[1-9][0-9]*) with at most 15 digits and no fraction or exponent: exactly
    // representable, and QJsonDocument keeps it as an integer too. "-0" is left to it.
    bool readInteger(QJsonValue *out)
    {
        const bool negative = take('-');
        const Char *start = m_p;
        while (m_p != m_end && isDigit(unit(*m_p)))
            ++m_p;
        const qsizetype digits = m_p - start;
        if (digits == 0 || digits > 15 || (digits > 1 && unit(*start) == '0') || (negative && digits == 1 && unit(*start) == '0'))
            return false;
        if (m_p != m_end && (unit(*m_p) == '.' || unit(*m_p) == 'e' || unit(*m_p) == 'E'))
            return false;
        qint64 value = 0;
        for (const Char *d = start; d != m_p; ++d)
            value = value * 10 + qint64(unit(*d) - '0');
        *out = QJsonValue(negative ? -value : value);
        return true;
    }

    // An object or array member: its extent found here (strings skipped, nesting
    // counted), its value read by QJsonDocument.
    bool readContainer(QJsonValue *out)
    {
        const Char *start = m_p;
        int depth = 0;
        while (m_p != m_end) {
            const uint c = unit(*m_p++);
            if (c == '"') {
                while (m_p != m_end && unit(*m_p) != '"')
                    m_p += (unit(*m_p) == '\\' && m_end - m_p > 1) ? 2 : 1;
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
        QByteArray utf8;
        if constexpr (IsUtf16)
            utf8 = QStringView(start, m_p - start).toUtf8();
        else
            utf8 = QByteArray::fromRawData(start, m_p - start);
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(utf8, &error);
        if (error.error != QJsonParseError::NoError)
            return false;
        *out = document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array());
        return true;
    }

    bool readValue(QJsonValue *out)
    {
        if (m_p == m_end)
            return false;
        switch (unit(*m_p)) {
        case '"': {
            QString text;
            if (!readString(&text))
                return false;
            *out = QJsonValue(text);
            return true;
        }
        case '{':
        case '[':
            return readContainer(out);
        case 't':
            return readLiteral(QLatin1StringView("true"), QJsonValue(true), out);
        case 'f':
            return readLiteral(QLatin1StringView("false"), QJsonValue(false), out);
        case 'n':
            return readLiteral(QLatin1StringView("null"), QJsonValue(QJsonValue::Null), out);
        default:
            return readInteger(out);
        }
    }

    // Well below QJsonDocument's own limit, so that a member it reads alone is never
    // one level short of what the whole message would be refused for.
    static constexpr int MaxDepth = 64;

    const Char *m_p;
    const Char *const m_end;
};

// The whole text read by QJsonDocument, with its verdict.
DecodeResult decodeWithQt(const QByteArray &json, QStringView payloadKey, Incoming *out, QString *error)
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
    const QJsonObject object = document.object();
    for (auto it = object.constBegin(); it != object.constEnd(); ++it)
        out->set(it.key(), it.value(), payloadKey);
    return DecodeResult::Ok;
}

} // namespace

void Incoming::clear()
{
    request.clear();
    payload = QJsonValue(QJsonValue::Undefined);
    m_requestIsString = false;
    m_payloadKey = {};
    m_others.clear();
}

void Incoming::setRequest(const QString &name)
{
    request = name;
    m_requestIsString = true;
    m_others.removeIf([](const auto &member) { return member.first == u"request"; });
}

void Incoming::set(const QString &key, const QJsonValue &value, QStringView payloadKey)
{
    if (key == u"request") {
        if (value.isString()) {
            setRequest(value.toString());
            return;
        }
        request.clear();
        m_requestIsString = false;
    } else if (key == payloadKey) {
        payload = value;
        m_payloadKey = payloadKey;
        return;
    }
    for (auto &member : m_others) {
        if (member.first == key) {
            member.second = value;
            return;
        }
    }
    m_others.append({key, value});
}

QJsonValue Incoming::value(QStringView key) const
{
    if (m_requestIsString && key == u"request")
        return QJsonValue(request);
    if (!m_payloadKey.isNull() && key == m_payloadKey)
        return payload;
    for (const auto &member : m_others) {
        if (member.first == key)
            return member.second;
    }
    return QJsonValue(QJsonValue::Undefined);
}

QJsonObject Incoming::toObject() const
{
    QJsonObject object;
    if (m_requestIsString)
        object.insert(u"request", request);
    if (!m_payloadKey.isNull())
        object.insert(m_payloadKey, payload);
    for (const auto &member : m_others)
        object.insert(member.first, member.second);
    return object;
}

DecodeResult decode(const QByteArray &json, QStringView payloadKey, Incoming *out, QString *error)
{
    out->clear();
    if (DirectReader<char>(json.constData(), json.size()).readObject(out, payloadKey))
        return DecodeResult::Ok;
    out->clear();
    return decodeWithQt(json, payloadKey, out, error);
}

DecodeResult decode(QStringView json, QStringView payloadKey, Incoming *out, QString *error)
{
    out->clear();
    if (DirectReader<char16_t>(json.utf16(), json.size()).readObject(out, payloadKey))
        return DecodeResult::Ok;
    out->clear();
    return decodeWithQt(json.toUtf8(), payloadKey, out, error);
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
