// SPDX-License-Identifier: MIT
#include "message_p.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLocale>
#include <QStringDecoder>
#include <QStringEncoder>
#include <QVariant>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace Stonyx::Sockets::Message {

namespace {

// Word-at-a-time tests on 8 bytes (the exact "has a lane below n / equal to n" bit
// tricks; the "any" answer is exact even where a borrow flags a later lane): a
// profile of a 4 KiB echo spent a third of the server's instructions on
// byte-by-byte scans.
constexpr quint64 Ones8 = 0x0101010101010101ULL;
constexpr quint64 Highs8 = 0x8080808080808080ULL;
constexpr quint64 Ones16 = 0x0001000100010001ULL;
constexpr quint64 Highs16 = 0x8000800080008000ULL;
constexpr quint64 NonAscii16 = 0xff80ff80ff80ff80ULL;

quint64 load64(const void *p)
{
    quint64 w;
    memcpy(&w, p, sizeof w);
    return w;
}

bool byteNeedsEscape(uchar c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

// Whether any of 8 bytes is below 0x20, '"' or '\\' (what a JSON string escapes).
bool bytesNeedEscape(quint64 w)
{
    const auto hasZero = [](quint64 v) { return (v - Ones8) & ~v & Highs8; };
    const quint64 below0x20 = (w - Ones8 * 0x20) & ~w & Highs8;
    return (below0x20 | hasZero(w ^ (Ones8 * '"')) | hasZero(w ^ (Ones8 * '\\'))) != 0;
}

// 8 bytes of string content that a reader copies as they are: ASCII, no escape.
bool bytesArePlain(quint64 w)
{
    return (w & Highs8) == 0 && !bytesNeedEscape(w);
}

bool unitsAreAscii(quint64 w)
{
    return (w & NonAscii16) == 0;
}

// The same for 4 UTF-16 units.
bool unitsArePlain(quint64 w)
{
    if (!unitsAreAscii(w))
        return false;
    const auto hasZero = [](quint64 v) { return (v - Ones16) & ~v & Highs16; };
    const quint64 below0x20 = (w - Ones16 * 0x20) & ~w & Highs16;
    return (below0x20 | hasZero(w ^ (Ones16 * '"')) | hasZero(w ^ (Ones16 * '\\'))) == 0;
}

// How many units from p on a JSON string keeps as they are (ASCII, nothing to
// escape), or with \a plainOnly false how many are ASCII; SSE2 8 units at a time
// where available, then a word at a time. The caller looks at the unit it stops at.
const char16_t *skipAscii16(const char16_t *p, const char16_t *const end, bool plainOnly)
{
#if defined(__SSE2__)
    const __m128i nonAscii = _mm_set1_epi16(short(0xff80));
    const __m128i quote = _mm_set1_epi16(u'"');
    const __m128i backslash = _mm_set1_epi16(u'\\');
    const __m128i space = _mm_set1_epi16(0x20);
    while (end - p >= 8) {
        const __m128i units = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        __m128i stop = _mm_xor_si128(_mm_cmpeq_epi16(_mm_and_si128(units, nonAscii), _mm_setzero_si128()),
                                     _mm_set1_epi16(-1));
        if (plainOnly) { // ASCII units: signed compares hold
            stop = _mm_or_si128(stop, _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi16(units, quote), _mm_cmpeq_epi16(units, backslash)),
                                                   _mm_cmplt_epi16(units, space)));
        }
        if (_mm_movemask_epi8(stop) != 0)
            break;
        p += 8;
    }
#endif
    while (end - p >= 4 && (plainOnly ? unitsArePlain(load64(p)) : unitsAreAscii(load64(p))))
        p += 4;
    return p;
}

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
            Key which;
            if (!readKey(&key, payloadKey, &which) || !take(':'))
                return false;
            if (which == Key::Request && m_p != m_end && unit(*m_p) == '"') {
                if (!out->recentRequest.isEmpty() && readPlain(out->recentRequest)) {
                    out->setRequest(out->recentRequest);
                } else {
                    QString name;
                    if (!readString(&name))
                        return false;
                    out->setRequest(name);
                }
            } else {
                QJsonValue value;
                if (!readValue(&value))
                    return false;
                if (which == Key::Payload)
                    out->setPayload(value, payloadKey);
                else
                    out->set(which == Key::Request ? QStringLiteral("request") : key, value, payloadKey);
            }
            if (take(','))
                continue;
            return take('}') && m_p == m_end;
        }
    }

private:
    static uint unit(Char c) { return uint(std::make_unsigned_t<Char>(c)); }

    enum class Key { Request, Payload, Other };

    static bool equals(const Char *begin, const Char *end, QStringView key)
    {
        if (end - begin != key.size())
            return false;
        for (qsizetype i = 0; i < key.size(); ++i) {
            if (unit(begin[i]) != key[i].unicode())
                return false;
        }
        return true;
    }

    // A string without escapes that is exactly \a text: read (true), else nothing is.
    bool readPlain(QStringView text)
    {
        const Char *const quote = m_p;
        if (!take('"'))
            return false;
        const Char *const begin = m_p;
        skipPlain();
        if (m_p != m_end && unit(*m_p) == '"' && equals(begin, m_p, text)) {
            ++m_p;
            return true;
        }
        m_p = quote;
        return false;
    }

    // A member's key: "request" and the payload key recognised in place when the key
    // is plain ASCII (no allocation); any other key read into *storage.
    bool readKey(QString *storage, QStringView payloadKey, Key *which)
    {
        const Char *const quote = m_p;
        if (!take('"'))
            return false;
        const Char *const begin = m_p;
        skipPlain();
        storage->resize(0); // keeps its buffer for the next key
        if (m_p != m_end && unit(*m_p) == '"') {
            const Char *const end = m_p++;
            *which = equals(begin, end, u"request")  ? Key::Request
                : equals(begin, end, payloadKey) ? Key::Payload
                                                 : Key::Other;
            return *which != Key::Other || appendRun(storage, begin, end, true);
        }
        m_p = quote;
        if (!readString(storage))
            return false;
        *which = *storage == u"request" ? Key::Request : *storage == payloadKey ? Key::Payload : Key::Other;
        return true;
    }

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
            if (out->isEmpty())
                *out = QString(reinterpret_cast<const QChar *>(begin), end - begin);
            else
                out->append(QStringView(begin, end - begin));
        } else if (ascii) {
            if (out->isEmpty())
                *out = QString::fromLatin1(begin, end - begin);
            else
                out->append(QLatin1StringView(begin, end - begin));
        } else {
            // Stateless: a sequence cut short is an error, not carried over; a leading
            // BOM is a character of the string, as for QJsonDocument.
            QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless | QStringDecoder::Flag::ConvertInitialBom);
            const QString decoded = decoder.decode(QByteArrayView(begin, end - begin));
            // QJsonDocument drops a U+FEFF (byte order mark) at a string's start: any
            // U+FEFF is left to it.
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

    // The character a one-letter escape stands for; 0 for none.
    static char16_t simpleEscape(uint c)
    {
        switch (c) {
        case '"':
        case '\\':
        case '/':
            return char16_t(c);
        case 'b':
            return u'\b';
        case 'f':
            return u'\f';
        case 'n':
            return u'\n';
        case 'r':
            return u'\r';
        case 't':
            return u'\t';
        default:
            return 0;
        }
    }

    // After a backslash: the escaped character, or false for one left to QJsonDocument
    // (a surrogate, which it pairs in its own way, or an unknown escape).
    bool readEscape(QString *out)
    {
        if (m_p == m_end)
            return false;
        const uint c = unit(*m_p++);
        if (const char16_t simple = simpleEscape(c)) {
            out->append(QChar(simple));
            return true;
        }
        if (c != 'u' || m_end - m_p < 4)
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

    static constexpr qsizetype WordUnits = 8 / sizeof(Char);

    // String content that needs nothing but copying: ASCII, not a quote, a backslash
    // or a control character.
    static bool isPlain(uint c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

    // Moves to the first unit of string content that is not plain (or the end), a
    // block or a word at a time first.
    void skipPlain()
    {
        if constexpr (IsUtf16) {
            m_p = skipAscii16(m_p, m_end, true);
        } else {
#if defined(__SSE2__)
            // Signed compares: a byte beyond ASCII is negative, below 0x20 too.
            const __m128i quote = _mm_set1_epi8('"');
            const __m128i backslash = _mm_set1_epi8('\\');
            const __m128i space = _mm_set1_epi8(0x20);
            while (m_end - m_p >= 16) {
                const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i *>(m_p));
                const __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)),
                                                  _mm_cmplt_epi8(bytes, space));
                if (_mm_movemask_epi8(stop) != 0)
                    break;
                m_p += 16;
            }
#endif
            while (m_end - m_p >= WordUnits && bytesArePlain(load64(m_p)))
                m_p += WordUnits;
        }
        while (m_p != m_end && isPlain(unit(*m_p)))
            ++m_p;
    }

    bool readString(QString *out)
    {
        if (!take('"'))
            return false;
        const Char *run = m_p;
        bool ascii = true;
        for (;;) {
            skipPlain();
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
                    // through toUtf8(), as '?'. A U+FEFF is left to it too (see appendRun()).
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
            if constexpr (!IsUtf16) {
                // Plain ASCII (the common payload) goes into the value as it is: Qt keeps
                // an ASCII string as bytes, so a QString in between would be widened
                // and narrowed again (measured on a 4 KiB echo).
                const Char *const quote = m_p++;
                const Char *const begin = m_p;
                skipPlain();
                if (m_p != m_end && unit(*m_p) == '"') {
                    *out = QJsonValue(QLatin1StringView(begin, m_p - begin));
                    ++m_p;
                    return true;
                }
                m_p = quote;
            }
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

qsizetype utf8Length(QStringView text)
{
    // 1 byte below U+0080, 2 below U+0800, 4 for a surrogate pair (2 per unit), 3 for
    // the rest; ASCII a word at a time.
    const char16_t *const end = text.utf16() + text.size();
    const char16_t *p = skipAscii16(text.utf16(), end, false);
    qsizetype size = text.size();
    for (; p != end; ++p) {
        if (*p >= 0x80)
            size += (*p < 0x800 || QChar::isSurrogate(*p)) ? 1 : 2;
    }
    return size;
}

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

void Incoming::setPayload(const QJsonValue &value, QStringView payloadKey)
{
    payload = value;
    m_payloadKey = payloadKey;
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
        setPayload(value, payloadKey);
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

// Writes text through a cursor into a buffer sized once for the expected length: a
// profile of the echo round trip spent about 100 instructions on each
// QByteArray::append() and a reallocation per message when the value came.
class TextWriter
{
public:
    explicit TextWriter(qsizetype expected) : m_out(expected, Qt::Uninitialized), m_p(m_out.data()) { }
    // Writes into \a reuse, whose capacity is kept between uses (see encodeResponse()).
    TextWriter(qsizetype expected, QByteArray *reuse) : m_reuse(reuse)
    {
        m_out = std::move(*reuse);
        m_out.resize(expected); // no allocation when it was large enough and is not shared
        m_p = m_out.data();
    }

    // Room for n more bytes at cursor().
    char *reserve(qsizetype n)
    {
        if (m_out.size() - used() < n) {
            const qsizetype at = used();
            m_out.resize(std::max(at + n, m_out.size() * 2));
            m_p = m_out.data() + at;
        }
        return m_p;
    }
    void advanceTo(char *p) { m_p = p; }
    void put(char c) { *reserve(1) = c, ++m_p; }
    void put(QByteArrayView bytes)
    {
        memcpy(reserve(bytes.size()), bytes.data(), size_t(bytes.size()));
        m_p += bytes.size();
    }
    // Text known to be Latin-1 (member names).
    void putLatin1(QStringView text)
    {
        char *p = reserve(text.size());
        for (const QChar c : text)
            *p++ = char(c.unicode());
        m_p = p;
    }
    QByteArray take()
    {
        m_out.truncate(used());
        if (!m_reuse)
            return std::move(m_out);
        *m_reuse = m_out; // shared until the caller lets its copy go
        return std::move(m_out);
    }
    ~TextWriter()
    {
        if (m_reuse && m_reuse->isNull())
            *m_reuse = std::move(m_out); // not taken (a failure): the buffer goes back
    }

private:
    qsizetype used() const { return m_p - m_out.constData(); }

    QByteArray *m_reuse = nullptr;
    QByteArray m_out;
    char *m_p;
};

// Copies units that a JSON string keeps as they are (ASCII, nothing to escape) to dst
// as bytes; returns where it stopped. SSE2 8 units at a time where there is SSE2,
// then a word (4 units) at a time.
const char16_t *narrowPlain(char *&dst, const char16_t *p, const char16_t *const end)
{
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    // Units packed with signed saturation: anything beyond ASCII becomes a byte of 0x80
    // or more, or 0 (units from 0x8000), which the signed "below 0x20" test catches.
    auto plainBytes = [&](__m128i bytes) {
        const __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)),
                                             _mm_cmplt_epi8(bytes, space));
        return _mm_movemask_epi8(special) == 0;
    };
    while (end - p >= 16) {
        const __m128i bytes = _mm_packus_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i *>(p)),
                                               _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + 8)));
        if (!plainBytes(bytes))
            break;
        _mm_storeu_si128(reinterpret_cast<__m128i *>(dst), bytes);
        p += 16;
        dst += 16;
    }
    while (end - p >= 8) {
        const __m128i units = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        const __m128i bytes = _mm_packus_epi16(units, units);
        if (!plainBytes(bytes))
            break;
        _mm_storel_epi64(reinterpret_cast<__m128i *>(dst), bytes);
        p += 8;
        dst += 8;
    }
#endif
    while (end - p >= 4) {
        const quint64 w = load64(p);
        if (!unitsArePlain(w))
            break;
        // Lane i's low byte to byte i, whatever the byte order.
        const quint32 bytes = quint32((w & 0xff) | ((w >> 8) & 0xff00) | ((w >> 16) & 0xff0000) | ((w >> 24) & 0xff000000));
        memcpy(dst, &bytes, sizeof bytes);
        p += 4;
        dst += 4;
    }
    while (p != end && *p >= 0x20 && *p < 0x80 && *p != u'"' && *p != u'\\') {
        *dst++ = char(*p);
        ++p;
    }
    return p;
}

// The bytes of a string's content with what needs it escaped.
void putEscaped(TextWriter &out, const char *p, const char *const end)
{
    while (p != end) {
        const char *run = p;
        while (end - p >= 8 && !bytesNeedEscape(load64(p)))
            p += 8;
        while (p != end && !byteNeedsEscape(uchar(*p)))
            ++p;
        out.put(QByteArrayView(run, p - run));
        if (p == end)
            break;
        const uchar c = uchar(*p++);
        switch (c) {
        case '"': out.put("\\\""); break;
        case '\\': out.put("\\\\"); break;
        case 0x08: out.put("\\b"); break;
        case 0x0c: out.put("\\f"); break;
        case 0x0a: out.put("\\n"); break;
        case 0x0d: out.put("\\r"); break;
        case 0x09: out.put("\\t"); break;
        default: {
            const char escape[] = {'\\', 'u', '0', '0', hexDigit(c >> 4), hexDigit(c & 0xf)};
            out.put(QByteArrayView(escape, sizeof escape));
            break;
        }
        }
    }
}

// A JSON string as QJsonDocument writes it: '"' and '\\' escaped, control characters
// as \b \f \n \r \t or \u00xx, everything else as UTF-8. False (out is then to be
// discarded) for a lone surrogate, which QJsonDocument replaces in its own way: the
// caller falls back to it.
bool putString(TextWriter &out, QStringView text)
{
    const char16_t *const end = text.utf16() + text.size();
    char *dst = out.reserve(text.size() + 2);
    *dst++ = '"';
    const char16_t *const rest = narrowPlain(dst, text.utf16(), end);
    out.advanceTo(dst);
    if (rest != end) {
        // From the first character to escape or beyond ASCII: through Qt's UTF-8
        // encoder, which writes a lone surrogate as '?', so text that came out with a
        // '?' is checked for one.
        const QStringView tail(rest, end);
        const QByteArray utf8 = tail.toUtf8();
        if (utf8.contains('?')) {
            for (qsizetype i = 0; i < tail.size(); ++i) {
                const char16_t u = tail[i].unicode();
                if (QChar::isHighSurrogate(u) && i + 1 < tail.size() && QChar::isLowSurrogate(tail[i + 1].unicode()))
                    ++i;
                else if (QChar::isSurrogate(u))
                    return false;
            }
        }
        putEscaped(out, utf8.constData(), utf8.constData() + utf8.size());
    }
    out.put('"');
    return true;
}

// A number as QJsonDocument writes it. QJsonValue keeps integers (from JSON text, or
// made from an int) apart from doubles: an integer in full, a finite double in its
// shortest form ("1e+15"), NaN and infinities as null.
void putNumber(TextWriter &out, const QJsonValue &value)
{
    const QVariant number = value.toVariant();
    if (number.typeId() == QMetaType::LongLong) {
        out.put(QByteArray::number(number.toLongLong()));
        return;
    }
    const double d = number.toDouble();
    if (std::isfinite(d))
        out.put(QByteArray::number(d, 'g', QLocale::FloatingPointShortest));
    else
        out.put("null");
}

// Any value but undefined; false (and out to be discarded) where only QJsonDocument
// knows the bytes (a string with a lone surrogate). \a text: the value's string, when
// it is one and the caller has it already.
bool putValue(TextWriter &out, const QJsonValue &value, const QString *text = nullptr)
{
    switch (value.type()) {
    case QJsonValue::Object:
        out.put(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
        return true;
    case QJsonValue::Array:
        out.put(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
        return true;
    case QJsonValue::Bool:
        out.put(value.toBool() ? QByteArrayView("true") : QByteArrayView("false"));
        return true;
    case QJsonValue::Null:
        out.put("null");
        return true;
    case QJsonValue::Double:
        putNumber(out, value);
        return true;
    case QJsonValue::String:
        return text ? putString(out, *text) : putString(out, value.toString());
    case QJsonValue::Undefined:
        break;
    }
    return false;
}

QByteArray encodeDirect(const QString &request, QStringView key, const QJsonValue &value, const QString &sessionKey,
                        QByteArray *reuse)
{
    // A string value taken out once, so that its length sizes the buffer.
    const QString text = value.isString() ? value.toString() : QString();
    const qsizetype expected = 40 + request.size() + key.size() + sessionKey.size() + text.size();
    std::optional<TextWriter> writer;
    if (reuse)
        writer.emplace(expected, reuse);
    else
        writer.emplace(expected);
    TextWriter &out = *writer;
    const bool hasValue = !value.isUndefined();
    // QJsonObject sorts its keys: "data" < "request" < "response" < "sessionKey".
    const bool valueFirst = hasValue && key < u"request";
    auto putPair = [&]() {
        out.put('"');
        out.putLatin1(key);
        out.put("\":");
        return putValue(out, value, &text);
    };
    out.put('{');
    if (valueFirst) {
        if (!putPair())
            return {};
        out.put(',');
    }
    out.put("\"request\":");
    if (!putString(out, request))
        return {};
    if (hasValue && !valueFirst) {
        out.put(',');
        if (!putPair())
            return {};
    }
    if (!sessionKey.isEmpty()) {
        out.put(",\"sessionKey\":");
        if (!putString(out, sessionKey))
            return {};
    }
    out.put('}');
    return out.take();
}

QByteArray encode(const QString &request, QStringView key, const QJsonValue &value, const QString &sessionKey,
                  QByteArray *reuse = nullptr)
{
    if (QByteArray direct = encodeDirect(request, key, value, sessionKey, reuse); !direct.isEmpty())
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

QByteArray encodeResponse(const QString &request, const QJsonValue &response, QByteArray *buffer)
{
    QByteArray json = encode(request, u"response", response, {}, buffer);
    // A buffer grown for a large answer is not kept for every later one.
    if (buffer->capacity() > KeptBufferCapacity)
        *buffer = QByteArray();
    return json;
}

QByteArray toJsonText(const QJsonValue &value)
{
    if (value.isUndefined())
        return QByteArrayLiteral("undefined");
    if (TextWriter direct(16); putValue(direct, value))
        return direct.take();
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
