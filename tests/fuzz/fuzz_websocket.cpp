// SPDX-License-Identifier: MIT
// libFuzzer target: the server's own WebSocket reading (RFC 6455), FrameReader and
// WebSocketHandshake, checked against properties rather than for crashes only.
//
// Mode byte (byte 0), low two bits:
//   0  raw frames: [maxFrame: 2][maxMessage: 2][n: 1][n chunk sizes] then the stream.
//      The stream goes to one reader whole, to one in growing views of one buffer
//      (what follows the view poisoned for ASan) and to one in chunks copied alone
//      (1-byte chunks if no sizes); the three must give the same events at the same
//      offsets, and what the reference parser below gives (byte at a time, written
//      from RFC 6455 §5 and RFC 3629), inMessage() included. *pos never goes back or
//      past the end, None means all was read, after an Error only None.
//   1  generated frames: [limits: 1][n: 1][n chunk sizes][odd: 1] then what builds
//      the frames: masked, text (valid UTF-8, cut anywhere) and binary messages in
//      fragments, pings, pongs and closes between them. The reader must give back
//      exactly what was encoded, whole and in chunks. With odd & 1, frames break
//      rules (raw first byte, RSV, FIN, opcode, no mask, non-minimal or top-bit
//      lengths, long control frames); maybe one byte is corrupted at the end; then
//      the mode-0 checks instead.
//   2  raw handshake: headEnd() and parse() of the bytes; an Upgrade (or a 426) must
//      meet RFC 6455 §4.2.1 as checked here independently (and RFC 9110 §5.5 /
//      RFC 9112 §3.2: no CR, LF or NUL in a value, one Host), its response must
//      carry base64(SHA-1(key + GUID)) computed here; a clearly valid request must
//      be accepted.
//   3  generated handshake: a valid upgrade request (header order, case, whitespace,
//      extra and repeated fields from the input) must be accepted.
//
// Limits stay at most 1 MiB (or none: the input bounds what a reader keeps, and it
// reserves at most 1 MiB from a header).
//
// Triage: FUZZ_WEBSOCKET_VERBOSE=1 prints the events and verdicts of an input;
// FUZZ_WEBSOCKET_SKIP=http-crlfnul,http-host skips those two checks (to fuzz on
// past a known finding).

#include "framereader_p.h"
#include "websockethandshake_p.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <openssl/evp.h>
#include <sanitizer/asan_interface.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

using namespace Stonyx::Sockets;
using Event = FrameReader::Event;
using Type = FrameReader::Event::Type;
using Opcode = FrameReader::Opcode;
using Problem = FrameReader::Problem;

namespace {

constexpr quint64 MiB = 1 << 20;

QByteArray g_input; // the whole fuzz input, printed with a failure
// FUZZ_WEBSOCKET_VERBOSE=1: print what each input gives (to triage a finding).
const bool g_verbose = std::getenv("FUZZ_WEBSOCKET_VERBOSE") != nullptr;
// FUZZ_WEBSOCKET_SKIP=id,...: skip the checks so named (a known finding, to fuzz on past it).
bool skipped(QByteArrayView id)
{
    static const QList<QByteArray> skip = QByteArray(std::getenv("FUZZ_WEBSOCKET_SKIP")).split(',');
    return skip.contains(id.toByteArray());
}

[[noreturn]] void fail(const char *property, const QByteArray &detail = QByteArray())
{
    std::fprintf(stderr, "fuzz_websocket: %s%s%s\n  input: %s\n", property, detail.isEmpty() ? "" : ": ",
                 detail.constData(), g_input.toHex().constData());
    std::abort();
}

// The fuzz input, taken from the front; zeros once it runs out.
class Bytes
{
public:
    Bytes(const std::uint8_t *data, std::size_t size)
        : m_data(data)
        , m_size(size)
    {
    }
    bool atEnd() const { return m_pos >= m_size; }
    std::size_t remaining() const { return m_size - m_pos; }
    std::uint8_t byte() { return m_pos < m_size ? m_data[m_pos++] : 0; }
    quint16 u16()
    {
        const unsigned high = byte();
        return quint16(high << 8 | byte());
    }
    QByteArray take(std::size_t n)
    {
        n = std::min(n, remaining());
        QByteArray taken(reinterpret_cast<const char *>(m_data + m_pos), qsizetype(n));
        m_pos += n;
        return taken;
    }

private:
    const std::uint8_t *m_data;
    std::size_t m_size;
    std::size_t m_pos = 0;
};

const char *typeName(Type type)
{
    switch (type) {
    case Type::None:
        return "None";
    case Type::Message:
        return "Message";
    case Type::Control:
        return "Control";
    case Type::Error:
        return "Error";
    }
    return "?";
}

// ---------------------------------------------------------------------------------
// UTF-8 as RFC 3629 §4 defines it, production by production.

bool isTail(unsigned char c)
{
    return c >= 0x80 && c <= 0xBF;
}

bool isUtf8(QByteArrayView bytes)
{
    const auto *s = reinterpret_cast<const unsigned char *>(bytes.data());
    const qsizetype n = bytes.size();
    qsizetype i = 0;
    auto in = [&](qsizetype at, unsigned char low, unsigned char high) {
        return at < n && s[at] >= low && s[at] <= high;
    };
    auto tails = [&](qsizetype at, int count) {
        for (int k = 0; k < count; ++k) {
            if (at + k >= n || !isTail(s[at + k]))
                return false;
        }
        return true;
    };
    while (i < n) {
        const unsigned char c = s[i];
        if (c <= 0x7F) { // UTF8-1
            i += 1;
        } else if (c >= 0xC2 && c <= 0xDF) { // UTF8-2
            if (!tails(i + 1, 1))
                return false;
            i += 2;
        } else if (c == 0xE0) { // %xE0 %xA0-BF UTF8-tail
            if (!in(i + 1, 0xA0, 0xBF) || !tails(i + 2, 1))
                return false;
            i += 3;
        } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) { // 2( UTF8-tail )
            if (!tails(i + 1, 2))
                return false;
            i += 3;
        } else if (c == 0xED) { // %xED %x80-9F UTF8-tail
            if (!in(i + 1, 0x80, 0x9F) || !tails(i + 2, 1))
                return false;
            i += 3;
        } else if (c == 0xF0) { // %xF0 %x90-BF 2( UTF8-tail )
            if (!in(i + 1, 0x90, 0xBF) || !tails(i + 2, 2))
                return false;
            i += 4;
        } else if (c >= 0xF1 && c <= 0xF3) { // 3( UTF8-tail )
            if (!tails(i + 1, 3))
                return false;
            i += 4;
        } else if (c == 0xF4) { // %xF4 %x80-8F 2( UTF8-tail )
            if (!in(i + 1, 0x80, 0x8F) || !tails(i + 2, 2))
                return false;
            i += 4;
        } else {
            return false; // 0x80-0xC1, 0xF5-0xFF never start a character
        }
    }
    return true;
}

void appendUtf8(QByteArray *s, char32_t c)
{
    if (c < 0x80) {
        s->append(char(c));
    } else if (c < 0x800) {
        s->append(char(0xC0 | (c >> 6)));
        s->append(char(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        s->append(char(0xE0 | (c >> 12)));
        s->append(char(0x80 | ((c >> 6) & 0x3F)));
        s->append(char(0x80 | (c & 0x3F)));
    } else {
        s->append(char(0xF0 | (c >> 18)));
        s->append(char(0x80 | ((c >> 12) & 0x3F)));
        s->append(char(0x80 | ((c >> 6) & 0x3F)));
        s->append(char(0x80 | (c & 0x3F)));
    }
}

// ---------------------------------------------------------------------------------
// The reference: RFC 6455 §5 read one byte at a time, as plainly as it can be written.

quint32 bit(Problem problem)
{
    return quint32(1) << unsigned(problem);
}

class Reference
{
public:
    struct Ev {
        qsizetype end = 0; // the stream offset after the byte that completed it
        Type type = Type::None;
        Opcode opcode = Opcode::Continuation;
        quint32 problems = 0; // for an Error: every rule the frame breaks (RFC 6455 orders none first)
        QByteArray payload;
    };

    Reference(quint64 maxFrame, quint64 maxMessage)
        : m_maxFrame(maxFrame)
        , m_maxMessage(maxMessage)
    {
    }

    void run(QByteArrayView stream)
    {
        m_inMessage.assign(std::size_t(stream.size()) + 1, 0);
        for (qsizetype i = 0; i < stream.size(); ++i) {
            feed(static_cast<unsigned char>(stream[i]), i + 1);
            m_inMessage[std::size_t(i) + 1] = m_failed ? -1 : (inMessage() ? 1 : 0);
        }
    }
    const std::vector<Ev> &events() const { return m_events; }
    // At offset \a at: 1 or 0 as inMessage() must say, -1 once failed.
    int inMessageAt(qsizetype at) const { return m_inMessage[std::size_t(at)]; }

private:
    static bool isControl(unsigned opcode) { return (opcode & 0x8) != 0; } // §5.5

    bool inMessage() const
    {
        return m_fragmented || (!m_header.empty() && !isControl(m_header[0] & 0x0F))
            || (m_inPayload && !isControl(m_opcode));
    }

    std::size_t headerSize() const
    {
        if (m_header.size() < 2)
            return 2;
        const unsigned length7 = m_header[1] & 0x7F;
        return 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + ((m_header[1] & 0x80) ? 4 : 0);
    }

    void feed(unsigned char b, qsizetype offset)
    {
        if (m_failed)
            return;
        if (!m_inPayload) {
            m_header.push_back(b);
            if (m_header.size() == headerSize())
                startFrame(offset);
            return;
        }
        m_payload.append(char(b ^ m_mask[std::size_t(m_payload.size()) % 4]));
        if (quint64(m_payload.size()) == m_length)
            endFrame(offset);
    }

    void startFrame(qsizetype offset)
    {
        const bool fin = (m_header[0] & 0x80) != 0;
        const unsigned rsv = m_header[0] & 0x70;
        const unsigned opcode = m_header[0] & 0x0F;
        const bool masked = (m_header[1] & 0x80) != 0;
        const unsigned length7 = m_header[1] & 0x7F;
        std::size_t at = 2;
        quint64 length = length7;
        if (length7 == 126) {
            length = quint64(m_header[2]) << 8 | m_header[3];
            at = 4;
        } else if (length7 == 127) {
            length = 0;
            for (std::size_t k = 2; k < 10; ++k)
                length = length << 8 | m_header[k];
            at = 10;
        }
        for (std::size_t k = 0; k < 4; ++k)
            m_mask[k] = masked ? m_header[at + k] : 0;
        m_header.clear();

        quint32 problems = 0;
        if (rsv != 0)
            problems |= bit(Problem::ReservedBits); // §5.2: no extension negotiated
        if ((opcode >= 0x3 && opcode <= 0x7) || opcode >= 0xB)
            problems |= bit(Problem::ReservedOpcode);
        if (!masked)
            problems |= bit(Problem::Unmasked); // §5.1: a client masks every frame
        if (length >> 63)
            problems |= bit(Problem::InvalidLength); // §5.2: the most significant bit MUST be 0
        if (isControl(opcode)) {
            if (!fin)
                problems |= bit(Problem::FragmentedControl); // §5.5
            if (length > 125)
                problems |= bit(Problem::ControlTooLong); // §5.5
        } else if (opcode <= 0x2) {
            if (opcode == 0x0 && !m_fragmented)
                problems |= bit(Problem::UnexpectedContinuation); // §5.4
            if (opcode != 0x0 && m_fragmented)
                problems |= bit(Problem::ExpectedContinuation); // §5.4
            if (m_maxFrame > 0 && length > m_maxFrame)
                problems |= bit(Problem::FrameTooLarge);
            // The message so far never exceeds the limit: no overflow.
            if (m_maxMessage > 0 && length > m_maxMessage - quint64(m_message.size()))
                problems |= bit(Problem::MessageTooLarge);
        }
        if (problems) {
            error(offset, problems);
            return;
        }
        m_fin = fin;
        m_opcode = opcode;
        m_length = length;
        m_payload.clear();
        if (length == 0)
            endFrame(offset);
        else
            m_inPayload = true;
    }

    void endFrame(qsizetype offset)
    {
        m_inPayload = false;
        if (isControl(m_opcode)) {
            m_events.push_back({offset, Type::Control, static_cast<Opcode>(m_opcode), 0, m_payload});
            return;
        }
        if (m_opcode != 0x0)
            m_messageOpcode = m_opcode;
        m_message += m_payload;
        if (!m_fin) {
            m_fragmented = true;
            return;
        }
        m_fragmented = false;
        if (m_messageOpcode == 0x1 && !isUtf8(m_message)) { // §8.1, the message as a whole (§5.6)
            error(offset, bit(Problem::InvalidUtf8));
            return;
        }
        m_events.push_back({offset, Type::Message, static_cast<Opcode>(m_messageOpcode), 0, m_message});
        m_message.clear();
    }

    void error(qsizetype offset, quint32 problems)
    {
        m_events.push_back({offset, Type::Error, Opcode::Continuation, problems, QByteArray()});
        m_failed = true;
    }

    quint64 m_maxFrame;
    quint64 m_maxMessage;
    std::vector<unsigned char> m_header;
    unsigned char m_mask[4] = {};
    bool m_fin = false;
    unsigned m_opcode = 0;
    quint64 m_length = 0;
    bool m_inPayload = false;
    QByteArray m_payload;
    bool m_fragmented = false;
    unsigned m_messageOpcode = 0x1;
    QByteArray m_message;
    bool m_failed = false;
    std::vector<Ev> m_events;
    std::vector<signed char> m_inMessage;
};

// ---------------------------------------------------------------------------------
// FrameReader, driven three ways.

struct Seen {
    qsizetype end;
    Type type;
    Opcode opcode;
    Problem problem;
    QByteArray payload;
};

QByteArray describe(const Seen &seen)
{
    return QByteArray(typeName(seen.type)) + " at " + QByteArray::number(seen.end) + " opcode "
        + QByteArray::number(int(seen.opcode)) + " problem " + QByteArray::number(int(seen.problem)) + " payload "
        + seen.payload.left(32).toHex();
}

void checkEventShape(const Event &event)
{
    switch (event.type) {
    case Type::Message:
        if (event.opcode != Opcode::Text && event.opcode != Opcode::Binary)
            fail("a Message whose opcode is not Text or Binary");
        if (event.opcode == Opcode::Text && !isUtf8(event.payload))
            fail("a Text message that is not UTF-8");
        if (event.problem != Problem::None)
            fail("a Message with a problem");
        break;
    case Type::Control:
        if (event.opcode != Opcode::Close && event.opcode != Opcode::Ping && event.opcode != Opcode::Pong)
            fail("a Control event whose opcode is not Close, Ping or Pong");
        if (event.payload.size() > 125)
            fail("a control frame over 125 bytes");
        if (event.problem != Problem::None)
            fail("a Control event with a problem");
        break;
    case Type::Error: {
        if (event.problem == Problem::None)
            fail("an Error without a problem");
        // RFC 6455 §7.4.1: 1009 too big, 1007 inconsistent data, 1002 the rest.
        const int expected = event.problem == Problem::FrameTooLarge || event.problem == Problem::MessageTooLarge ? 1009
            : event.problem == Problem::InvalidUtf8                                                              ? 1007
                                                                                                                 : 1002;
        if (FrameReader::closeCode(event.problem) != expected)
            fail("closeCode() is not the RFC 6455 §7.4.1 code", QByteArray::number(int(event.problem)));
        break;
    }
    case Type::None:
        break;
    }
}

// Calls next() on \a view from \a pos until it returns None, checking what it does.
// \a base: the stream offset of view[0].
void drain(FrameReader &reader, QByteArrayView view, qsizetype pos, qsizetype base, std::vector<Seen> *seen,
           const Reference *reference)
{
    for (;;) {
        const qsizetype before = pos;
        const bool wasFailed = reader.failed();
        Event event = reader.next(view, &pos);
        if (pos < before)
            fail("next() moved *pos backwards");
        if (pos > view.size())
            fail("next() moved *pos beyond the input");
        checkEventShape(event);
        if (event.type == Type::None) {
            if (pos != view.size())
                fail("next() returned None before the end of its input");
            if (reader.failed() != wasFailed)
                fail("failed() changed without an Error");
        } else {
            if (wasFailed)
                fail("next() returned an event after an Error", typeName(event.type));
            if (pos == before)
                fail("next() returned an event without reading a byte");
            if (reader.failed() != (event.type == Type::Error))
                fail("failed() does not tell whether next() returned an Error");
            seen->push_back({base + pos, event.type, event.opcode, event.problem, std::move(event.payload)});
        }
        if (reference && !reader.failed()) {
            const int expected = reference->inMessageAt(base + pos);
            if (expected != (reader.inMessage() ? 1 : 0))
                fail("inMessage() differs from the reference", "at offset " + QByteArray::number(base + pos));
        }
        if (event.type == Type::None)
            return;
    }
}

// Chunk sizes, used in turn; none: 1 byte each.
struct Split {
    std::vector<qsizetype> sizes;

    static Split from(Bytes &in)
    {
        Split split;
        const unsigned count = in.byte() % 16;
        bool any = false;
        for (unsigned k = 0; k < count; ++k) {
            split.sizes.push_back(in.byte());
            any = any || split.sizes.back() > 0;
        }
        if (!any)
            split.sizes.clear();
        return split;
    }
    // The end of each chunk, 0-byte chunks included.
    std::vector<qsizetype> ends(qsizetype total) const
    {
        std::vector<qsizetype> ends;
        qsizetype at = 0;
        std::size_t k = 0;
        while (at < total) {
            const qsizetype size = sizes.empty() ? 1 : sizes[k++ % sizes.size()];
            at = std::min(total, at + size);
            ends.push_back(at);
        }
        return ends;
    }
};

std::vector<Seen> readWhole(QByteArrayView stream, quint64 maxFrame, quint64 maxMessage, const Reference *reference)
{
    FrameReader reader;
    reader.setLimits(maxFrame, maxMessage);
    std::vector<Seen> seen;
    // A copy of exactly its size: ASan sees a read past it.
    std::unique_ptr<char[]> copy(new char[std::size_t(stream.size()) + 1]);
    if (!stream.isEmpty())
        std::memcpy(copy.get(), stream.data(), std::size_t(stream.size()));
    drain(reader, QByteArrayView(copy.get(), stream.size()), 0, 0, &seen, reference);
    drain(reader, QByteArrayView(copy.get(), stream.size()), stream.size(), 0, &seen, reference); // nothing more
    if (!seen.empty() && seen.back().type == Type::Error && stream.size() > 0)
        drain(reader, QByteArrayView(copy.get(), stream.size()), 0, 0, &seen, nullptr); // still nothing
    return seen;
}

// One buffer that grows (the bytes after the current view poisoned), read from where
// the last call stopped: as ServerWebSocket reads its input after a pause.
std::vector<Seen> readGrowing(QByteArrayView stream, const Split &split, quint64 maxFrame, quint64 maxMessage,
                              const Reference *reference)
{
    FrameReader reader;
    reader.setLimits(maxFrame, maxMessage);
    std::vector<Seen> seen;
    const std::size_t size = std::size_t(stream.size());
    char *buffer = static_cast<char *>(std::malloc(size + 1));
    if (size)
        std::memcpy(buffer, stream.data(), size);
    ASAN_POISON_MEMORY_REGION(buffer, size + 1);
    qsizetype pos = 0;
    for (const qsizetype end : split.ends(stream.size())) {
        ASAN_UNPOISON_MEMORY_REGION(buffer, std::size_t(end));
        drain(reader, QByteArrayView(buffer, end), pos, 0, &seen, reference);
        pos = end;
    }
    ASAN_UNPOISON_MEMORY_REGION(buffer, size + 1);
    std::free(buffer);
    return seen;
}

// Each chunk in a buffer of its own, from 0: as ServerWebSocket reads a new socket block.
std::vector<Seen> readChunks(QByteArrayView stream, const Split &split, quint64 maxFrame, quint64 maxMessage,
                             const Reference *reference)
{
    FrameReader reader;
    reader.setLimits(maxFrame, maxMessage);
    std::vector<Seen> seen;
    qsizetype start = 0;
    for (const qsizetype end : split.ends(stream.size())) {
        const qsizetype size = end - start;
        std::unique_ptr<char[]> chunk(size > 0 ? new char[std::size_t(size)] : nullptr);
        if (size > 0)
            std::memcpy(chunk.get(), stream.data() + start, std::size_t(size));
        drain(reader, QByteArrayView(chunk.get(), size), 0, start, &seen, reference);
        start = end;
    }
    return seen;
}

bool same(const Seen &a, const Seen &b)
{
    return a.end == b.end && a.type == b.type && a.opcode == b.opcode && a.problem == b.problem && a.payload == b.payload;
}

void compareReaders(const std::vector<Seen> &a, const std::vector<Seen> &b, const char *how)
{
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t k = 0; k < n; ++k) {
        if (!same(a[k], b[k]))
            fail(how, "event " + QByteArray::number(qsizetype(k)) + ": " + describe(a[k]) + " vs " + describe(b[k]));
    }
    if (a.size() != b.size())
        fail(how, QByteArray::number(qsizetype(a.size())) + " events vs " + QByteArray::number(qsizetype(b.size())));
}

void compareWithReference(const std::vector<Seen> &seen, const Reference &reference)
{
    const std::vector<Reference::Ev> &expected = reference.events();
    const std::size_t n = std::min(seen.size(), expected.size());
    for (std::size_t k = 0; k < n; ++k) {
        const Seen &s = seen[k];
        const Reference::Ev &e = expected[k];
        const Seen asSeen{e.end, e.type, e.opcode, Problem::None, e.payload};
        const QByteArray what = "event " + QByteArray::number(qsizetype(k)) + ": reader " + describe(s) + ", reference "
            + describe(asSeen) + " problems 0x" + QByteArray::number(e.problems, 16);
        if (s.type != e.type || s.end != e.end)
            fail("FrameReader and the reference differ", what);
        if (s.type == Type::Error) {
            if (!(e.problems & bit(s.problem)))
                fail("FrameReader reports a problem the frame does not have", what);
        } else if (s.opcode != e.opcode || s.payload != e.payload) {
            fail("FrameReader and the reference differ", what);
        }
    }
    if (seen.size() != expected.size()) {
        QByteArray what = QByteArray::number(qsizetype(seen.size())) + " events from the reader, "
            + QByteArray::number(qsizetype(expected.size())) + " from the reference; next: ";
        if (seen.size() > n) {
            what += "reader " + describe(seen[n]);
        } else {
            const Reference::Ev &e = expected[n];
            what += "reference " + describe({e.end, e.type, e.opcode, Problem::None, e.payload}) + " problems 0x"
                + QByteArray::number(e.problems, 16);
        }
        fail("FrameReader and the reference differ", what);
    }
}

// Properties 1 and 2: three ways of feeding one reader each, and the reference.
void checkStream(QByteArrayView stream, const Split &split, quint64 maxFrame, quint64 maxMessage)
{
    Reference reference(maxFrame, maxMessage);
    reference.run(stream);
    const std::vector<Seen> whole = readWhole(stream, maxFrame, maxMessage, &reference);
    const std::vector<Seen> growing = readGrowing(stream, split, maxFrame, maxMessage, &reference);
    const std::vector<Seen> chunks = readChunks(stream, split, maxFrame, maxMessage, &reference);
    compareReaders(whole, growing, "whole and growing input differ");
    compareReaders(whole, chunks, "whole and chunked input differ");
    if (g_verbose) {
        std::fprintf(stderr, "stream of %lld bytes, limits %llu/%llu:\n", static_cast<long long>(stream.size()),
                     static_cast<unsigned long long>(maxFrame), static_cast<unsigned long long>(maxMessage));
        for (const Seen &seen : whole)
            std::fprintf(stderr, "  %s\n", describe(seen).constData());
    }
    compareWithReference(whole, reference);
}

quint64 limitFrom(quint16 value)
{
    return value == 0xFFFF ? MiB : value; // 0: none
}

void rawFrames(Bytes &in)
{
    const quint64 maxFrame = limitFrom(in.u16());
    const quint64 maxMessage = limitFrom(in.u16());
    const Split split = Split::from(in);
    const QByteArray stream = in.take(in.remaining());
    // The UTF-8 check FrameReader relies on, against RFC 3629.
    if (QByteArrayView(stream).isValidUtf8() != isUtf8(stream))
        fail("QByteArrayView::isValidUtf8() disagrees with RFC 3629", stream.left(64).toHex());
    checkStream(stream, split, maxFrame, maxMessage);
}

// ---------------------------------------------------------------------------------
// Property 3: well-formed streams read back.

struct Expected {
    Type type;
    Opcode opcode;
    QByteArray payload;
};

// A change that makes a frame break a rule, or encode its length oddly (a
// non-minimal length is the sender's fault only, §5.2: a receiver takes it).
struct Tweak {
    int byte0 = -1; // FIN, RSV and opcode as given
    bool unmasked = false;
    int lengthBits = 0; // 16 or 64: not the minimal encoding
    bool topBit = false; // a 64-bit length with its most significant bit set
    quint64 announced = 0; // if not 0: the length announced (64-bit), not the payload's
};

void appendFrame(QByteArray *out, bool fin, unsigned opcode, QByteArrayView payload, const unsigned char mask[4],
                 const Tweak &tweak = Tweak())
{
    out->append(char(tweak.byte0 >= 0 ? unsigned(tweak.byte0) : (fin ? 0x80u : 0u) | opcode));
    const unsigned maskBit = tweak.unmasked ? 0 : 0x80;
    const auto n = quint64(payload.size());
    const bool odd64 = tweak.topBit || tweak.announced;
    if (n < 126 && tweak.lengthBits == 0 && !odd64) {
        out->append(char(maskBit | n));
    } else if (n < 65536 && tweak.lengthBits != 64 && !odd64) {
        out->append(char(maskBit | 126));
        out->append(char(n >> 8));
        out->append(char(n & 0xFF));
    } else {
        out->append(char(maskBit | 127));
        const quint64 announced = (tweak.announced ? tweak.announced : n) | (tweak.topBit ? quint64(1) << 63 : 0);
        for (int shift = 56; shift >= 0; shift -= 8)
            out->append(char((announced >> shift) & 0xFF));
    }
    if (tweak.unmasked) {
        out->append(payload);
        return;
    }
    out->append(reinterpret_cast<const char *>(mask), 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        out->append(char(static_cast<unsigned char>(payload[i]) ^ mask[i % 4]));
}

char32_t codePoint(Bytes &in, unsigned counter)
{
    static constexpr char32_t Edges[] = {0x0,    0x7F,   0x80,   0x7FF,  0x800,   0xD7FF,   0xE000,
                                         0xFEFF, 0xFFFD, 0xFFFE, 0xFFFF, 0x10000, 0x10FFFF, 0x1F600};
    if (in.atEnd()) // a fixed mix, for long messages
        return counter % 5 == 4 ? Edges[counter % std::size(Edges)] : char32_t('a' + counter % 26);
    switch (in.byte() % 8) {
    case 0:
    case 1:
    case 2:
        return in.byte() & 0x7F;
    case 3:
        return 0x80 + in.u16() % (0x800 - 0x80);
    case 4: {
        const char32_t c = 0x800 + in.u16() % (0x10000 - 0x800);
        return c >= 0xD800 && c <= 0xDFFF ? c + 0x800 : c; // no surrogates
    }
    case 5:
        return 0x10000 + ((char32_t(in.u16()) << 4) | (in.byte() & 0xF)) % 0x100000;
    default:
        return Edges[in.byte() % std::size(Edges)];
    }
}

qsizetype messageLength(Bytes &in)
{
    static constexpr qsizetype Edges[] = {124, 125, 126, 127, 128, 65535, 65536, 65537};
    const unsigned selector = in.byte();
    if (selector < 160)
        return selector % 64;
    if (selector < 200)
        return Edges[selector % std::size(Edges)]; // where the length encoding changes
    if (selector < 240)
        return in.u16() % 1024;
    if (selector < 252)
        return 126 + in.u16() % 4000; // the 16-bit length
    return 65536 + in.u16() % 8192; // the 64-bit length
}

// Reads \a stream back: exactly \a expected, in order, whole and in chunks (if the limits let it).
void roundTrip(const QByteArray &stream, const std::vector<Expected> &expected, const Split &split, quint64 maxFrame,
               quint64 maxMessage, bool fits)
{
    if (fits) {
        // The reference itself reads it back.
        Reference reference(maxFrame, maxMessage);
        reference.run(stream);
        for (std::size_t k = 0; k < reference.events().size() && k < expected.size(); ++k) {
            const Reference::Ev &e = reference.events()[k];
            if (e.type != expected[k].type || e.opcode != expected[k].opcode || e.payload != expected[k].payload)
                fail("the reference misreads a generated stream");
        }
        if (reference.events().size() != expected.size())
            fail("the reference misreads a generated stream (count)");
        // FrameReader, whole and in chunks: exactly what was encoded, in order.
        for (int how = 0; how < 2; ++how) {
            const std::vector<Seen> seen = how == 0 ? readWhole(stream, maxFrame, maxMessage, nullptr)
                                                    : readChunks(stream, split, maxFrame, maxMessage, nullptr);
            for (std::size_t k = 0; k < seen.size() && k < expected.size(); ++k) {
                if (seen[k].type != expected[k].type || seen[k].opcode != expected[k].opcode
                    || seen[k].payload != expected[k].payload) {
                    fail("round trip: FrameReader does not give back what was encoded",
                         "event " + QByteArray::number(qsizetype(k)) + ": " + describe(seen[k]));
                }
            }
            if (seen.size() != expected.size())
                fail("round trip: a different number of events",
                     QByteArray::number(qsizetype(seen.size())) + " vs " + QByteArray::number(qsizetype(expected.size())));
        }
        FrameReader reader;
        reader.setLimits(maxFrame, maxMessage);
        qsizetype pos = 0;
        while (reader.next(stream, &pos).type != Type::None) {
        }
        if (reader.failed() || reader.inMessage())
            fail("round trip: the reader is failed or in a message after whole messages");
    }
}

void generatedFrames(Bytes &in)
{
    constexpr qsizetype MaxStream = 512 * 1024;
    const unsigned limitChoice = in.byte();
    const Split split = Split::from(in);
    // Odd 1: frames break rules (Tweak): what the reference says then, not a round trip.
    const unsigned odd = in.byte();
    QByteArray stream;
    std::vector<Expected> expected;
    qsizetype needFrame = 0;
    qsizetype needMessage = 0;
    unsigned char mask[4];
    auto frame = [&](bool fin, unsigned opcode, QByteArrayView payload) {
        for (unsigned char &m : mask)
            m = in.byte();
        Tweak tweak;
        if (odd & 1) {
            switch (in.byte() % 16) {
            case 0:
                tweak.byte0 = in.byte(); // anything
                break;
            case 1:
                tweak.unmasked = true;
                break;
            case 2:
                tweak.lengthBits = 16;
                break;
            case 3:
                tweak.lengthBits = 64;
                break;
            case 4:
                tweak.topBit = true;
                break;
            case 5:
                tweak.byte0 = int((fin ? 0x80u : 0u) | opcode | (in.byte() & 0x70u)); // RSV
                break;
            case 6:
                tweak.byte0 = int((fin ? 0u : 0x80u) | opcode); // FIN flipped
                break;
            case 7:
                tweak.byte0 = int((fin ? 0x80u : 0u) | (in.byte() & 0xFu)); // another opcode
                break;
            case 8: {
                // More than comes, up to 2^62: no limit must make the reader allocate it
                // (libFuzzer's malloc limit would catch that).
                const unsigned shift = in.byte() % 63;
                tweak.announced = std::max<quint64>(quint64(in.u16()) << shift, 1) + quint64(payload.size());
                break;
            }
            default:
                break;
            }
        }
        appendFrame(&stream, fin, opcode, payload, mask, tweak);
    };
    auto control = [&] {
        static constexpr unsigned Opcodes[] = {0x9, 0xA, 0x8};
        const unsigned opcode = Opcodes[in.byte() % 3];
        // Over 125 bytes only when breaking rules.
        static constexpr std::size_t Edges[] = {0, 1, 2, 124, 125, 125, 126, 127};
        const unsigned selector = in.byte();
        std::size_t length = selector < 64 ? Edges[selector % std::size(Edges)] : selector % 256;
        if (!(odd & 1))
            length = std::min<std::size_t>(length, 125);
        QByteArray payload = in.take(length);
        payload.append(QByteArray(qsizetype(length) - payload.size(), 'p'));
        frame(true, opcode, payload);
        expected.push_back({Type::Control, static_cast<Opcode>(opcode), payload});
    };
    for (int item = 0; item < 64 && !in.atEnd() && stream.size() < MaxStream; ++item) {
        const unsigned kind = in.byte() % 8;
        if (kind >= 6) {
            control();
            continue;
        }
        const bool text = kind % 2 == 0;
        const qsizetype length = messageLength(in);
        QByteArray payload;
        if (text) {
            for (unsigned counter = 0; payload.size() < length; ++counter)
                appendUtf8(&payload, codePoint(in, counter));
        } else {
            payload = in.take(std::size_t(length));
            for (qsizetype i = payload.size(); i < length; ++i)
                payload.append(char(i * 31 + 7));
        }
        // Cut anywhere, inside a UTF-8 sequence too (§5.6), empty fragments included.
        const unsigned fragments = 1 + in.byte() % 6;
        std::vector<qsizetype> cuts{0, payload.size()};
        for (unsigned k = 1; k < fragments; ++k)
            cuts.push_back(qsizetype(in.u16()) % (payload.size() + 1));
        std::sort(cuts.begin(), cuts.end());
        for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
            const bool last = k + 2 == cuts.size();
            const QByteArrayView fragment = QByteArrayView(payload).sliced(cuts[k], cuts[k + 1] - cuts[k]);
            frame(last, k == 0 ? (text ? 0x1u : 0x2u) : 0x0u, fragment);
            needFrame = std::max(needFrame, fragment.size());
            if (!last && (in.byte() & 3) == 0)
                control(); // between fragments (§5.4)
        }
        needMessage = std::max(needMessage, payload.size());
        expected.push_back({Type::Message, text ? Opcode::Text : Opcode::Binary, payload});
    }

    // Limits that hold every frame and message (exactly, or with room), none, or 1
    // short (then only the mode-0 checks apply).
    quint64 maxFrame = 0;
    quint64 maxMessage = 0;
    bool fits = true;
    switch (limitChoice % 5) {
    case 0:
        break;
    case 1:
        maxFrame = std::max<quint64>(quint64(needFrame), 1);
        maxMessage = std::max<quint64>(quint64(needMessage), 1);
        break;
    case 2:
        maxFrame = quint64(needFrame) + 1 + limitChoice / 5;
        maxMessage = quint64(needMessage) + limitChoice / 5;
        maxMessage = std::max(maxMessage, quint64(1));
        break;
    case 3:
        maxFrame = MiB;
        maxMessage = MiB;
        break;
    case 4:
        maxFrame = std::max<quint64>(quint64(needFrame), 2) - (limitChoice & 0x20 ? 1 : 0);
        maxMessage = std::max<quint64>(quint64(needMessage), 2) - (limitChoice & 0x40 ? 1 : 0);
        fits = !(limitChoice & 0x60);
        break;
    }

    // The corruption, if any, comes from the input's last bytes (the generator took
    // what it needed before).
    const unsigned corrupt = in.byte();
    const quint16 corruptAt = in.u16();
    const unsigned char corruptWith = in.byte();
    if ((corrupt & 1) && corruptWith != 0 && !stream.isEmpty())
        stream[corruptAt % stream.size()] = char(stream[corruptAt % stream.size()] ^ corruptWith);
    else if (!(odd & 1))
        roundTrip(stream, expected, split, maxFrame, maxMessage, fits);
    // Small enough streams also through the mode-0 checks.
    if (stream.size() <= 16384)
        checkStream(stream, split, maxFrame, maxMessage);
}

// ---------------------------------------------------------------------------------
// Property 4: the opening handshake.

constexpr char Base64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

QByteArray base64(QByteArrayView bytes)
{
    QByteArray out;
    const auto *s = reinterpret_cast<const unsigned char *>(bytes.data());
    for (qsizetype i = 0; i < bytes.size(); i += 3) {
        const qsizetype n = std::min<qsizetype>(3, bytes.size() - i);
        const unsigned v = unsigned(s[i]) << 16 | (n > 1 ? unsigned(s[i + 1]) << 8 : 0u) | (n > 2 ? s[i + 2] : 0u);
        out.append(Base64Alphabet[(v >> 18) & 63]);
        out.append(Base64Alphabet[(v >> 12) & 63]);
        out.append(n > 1 ? Base64Alphabet[(v >> 6) & 63] : '=');
        out.append(n > 2 ? Base64Alphabet[v & 63] : '=');
    }
    return out;
}

// RFC 6455 §4.1: a nonce of 16 bytes, base64-encoded (RFC 4648 §4): 22 characters of
// the alphabet, then "==". (The 4 pad bits may be anything, §3.5.)
bool isKey(QByteArrayView key)
{
    if (key.size() != 24 || key[22] != '=' || key[23] != '=')
        return false;
    for (qsizetype i = 0; i < 22; ++i) {
        if (!std::strchr(Base64Alphabet, key[i]) || key[i] == '\0')
            return false;
    }
    return true;
}

// Sec-WebSocket-Accept, computed here: base64(SHA-1(key + GUID)) (RFC 6455 §4.2.2).
QByteArray accept(QByteArrayView key)
{
    const QByteArray input = key.toByteArray() + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(input.constData(), std::size_t(input.size()), digest, &length, EVP_sha1(), nullptr) != 1)
        fail("EVP_Digest");
    return base64(QByteArrayView(reinterpret_cast<const char *>(digest), qsizetype(length)));
}

bool isOws(char c)
{
    return c == ' ' || c == '\t';
}

QByteArray trimOws(QByteArrayView v)
{
    while (!v.isEmpty() && isOws(v.front()))
        v = v.sliced(1);
    while (!v.isEmpty() && isOws(v.back()))
        v.chop(1);
    return v.toByteArray();
}

// RFC 9110 §5.6.2: tchar.
bool isTchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c));
}

// RFC 9110 §5.6.1 (#rule): does the list hold \a token (any case)?
bool listHas(const QByteArray &value, QByteArrayView token)
{
    for (const QByteArray &element : value.split(',')) {
        if (trimOws(element).compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool hasCtl(QByteArrayView v, bool tabAllowed)
{
    for (char c : v) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && !(tabAllowed && c == '\t')) || u == 0x7F)
            return true;
    }
    return false;
}

bool hasCrLfNul(QByteArrayView v)
{
    return v.contains('\r') || v.contains('\n') || v.contains('\0');
}

// A request head read here, independently of WebSocketHandshake.
struct Request {
    bool complete = false;    // a blank line ends it
    bool lineOk = false;      // GET SP target SP HTTP/1.1, the target not empty
    bool fieldsOk = false;    // every field line is token ":" value
    bool strict = false;      // and no control character in the target or a value (RFC 9110 §5.5, RFC 9112 §3.2)
    bool noCrLfNul = false;   // no CR, LF or NUL in the target or a value: what RFC 9110 §5.5 and RFC 9112 §2.2 make a MUST
    QByteArray target;
    std::vector<std::pair<QByteArray, QByteArray>> fields; // lower-case name, value without OWS

    QByteArray joined(QByteArrayView name) const
    {
        QByteArray value;
        bool found = false;
        for (const auto &[n, v] : fields) {
            if (n == name) {
                if (found)
                    value += ", ";
                value += v;
                found = true;
            }
        }
        return found ? (value.isNull() ? QByteArray("") : value) : QByteArray();
    }
    int count(QByteArrayView name) const
    {
        return int(std::count_if(fields.begin(), fields.end(), [&](const auto &field) { return field.first == name; }));
    }
    // RFC 6455 §4.2.1, items 1-6 (the version aside).
    bool upgradeConditions() const
    {
        return complete && lineOk && fieldsOk && !joined("host").isNull() && listHas(joined("upgrade"), "websocket")
            && listHas(joined("connection"), "upgrade") && isKey(joined("sec-websocket-key"));
    }
    // What every server must accept: one Host, one key, one version 13, nothing odd.
    bool clearlyValid() const
    {
        return upgradeConditions() && strict && count("host") == 1 && count("sec-websocket-key") == 1
            && count("sec-websocket-version") == 1 && joined("sec-websocket-version") == "13";
    }
};

Request readRequest(QByteArrayView head)
{
    Request request;
    const qsizetype end = head.indexOf(QByteArrayView("\r\n\r\n"));
    if (end < 0)
        return request;
    request.complete = true;
    const QList<QByteArray> lines = head.first(end).toByteArray().split('\n');
    // Split on LF, then every line but the last must end in CR: lines split on CRLF.
    QList<QByteArray> crlfLines;
    QByteArray pending;
    for (qsizetype k = 0; k < lines.size(); ++k) {
        pending += lines[k];
        if (k + 1 == lines.size()) {
            crlfLines.append(pending);
        } else if (pending.endsWith('\r')) {
            pending.chop(1);
            crlfLines.append(pending);
            pending.clear();
        } else {
            pending += '\n'; // a bare LF: part of the line
        }
    }
    const QList<QByteArray> parts = crlfLines.first().split(' ');
    request.lineOk = parts.size() == 3 && parts[0] == "GET" && !parts[1].isEmpty() && parts[2] == "HTTP/1.1";
    if (request.lineOk)
        request.target = parts[1];
    request.fieldsOk = true;
    request.strict = request.lineOk && !hasCtl(request.target, false);
    request.noCrLfNul = request.lineOk && !hasCrLfNul(request.target);
    for (qsizetype k = 1; k < crlfLines.size(); ++k) {
        const QByteArray &line = crlfLines[k];
        const qsizetype colon = line.indexOf(':');
        QByteArray name = colon > 0 ? line.first(colon) : QByteArray();
        if (name.isEmpty() || !std::all_of(name.begin(), name.end(), isTchar)) {
            request.fieldsOk = false;
            continue;
        }
        QByteArray value = trimOws(QByteArrayView(line).sliced(colon + 1));
        if (hasCtl(value, true))
            request.strict = false;
        if (hasCrLfNul(value))
            request.noCrLfNul = false;
        request.fields.emplace_back(name.toLower(), value);
    }
    request.strict = request.strict && request.fieldsOk;
    return request;
}

QByteArray randomCase(QByteArrayView name, Bytes &in)
{
    QByteArray out = name.toByteArray();
    const unsigned pattern = in.byte();
    for (qsizetype i = 0; i < out.size(); ++i) {
        if (pattern & (1u << (i % 8)))
            out[i] = (out[i] >= 'a' && out[i] <= 'z') ? char(out[i] - 32) : (out[i] >= 'A' && out[i] <= 'Z') ? char(out[i] + 32) : out[i];
    }
    return out;
}

void checkHandshake(QByteArrayView head, Bytes &in)
{
    const WebSocketHandshake handshake = WebSocketHandshake::parse(head);
    const Request request = readRequest(head);
    const WebSocketHandshake::Verdict verdict = handshake.verdict();
    const QByteArray response = handshake.response();
    if (g_verbose)
        std::fprintf(stderr, "handshake of %lld bytes: verdict %d %s\n", static_cast<long long>(head.size()), int(verdict),
                     handshake.problem().toUtf8().constData());
    switch (verdict) {
    case WebSocketHandshake::Verdict::Upgrade: {
        if (!request.complete)
            fail("Upgrade: a head without a blank line");
        if (!request.lineOk)
            fail("Upgrade: the request line is not GET <target> HTTP/1.1");
        if (!request.fieldsOk)
            fail("Upgrade: a header line is not a field (token \":\" value)");
        if (request.joined("host").isNull())
            fail("Upgrade: no Host header");
        if (request.count("host") != 1 && !skipped("http-host"))
            fail("Upgrade: more than one Host field (RFC 9112 §3.2: 400)");
        if (!listHas(request.joined("upgrade"), "websocket"))
            fail("Upgrade: Upgrade does not hold websocket", request.joined("upgrade"));
        if (!listHas(request.joined("connection"), "upgrade"))
            fail("Upgrade: Connection does not hold upgrade", request.joined("connection"));
        if (!isKey(request.joined("sec-websocket-key")))
            fail("Upgrade: Sec-WebSocket-Key is not 16 bytes in base64", request.joined("sec-websocket-key").toHex());
        if (request.joined("sec-websocket-version") != "13")
            fail("Upgrade: Sec-WebSocket-Version is not 13", request.joined("sec-websocket-version"));
        if (!request.noCrLfNul && !skipped("http-crlfnul"))
            fail("Upgrade: a bare CR or LF, or a NUL, in the target or a field value (RFC 9110 §5.5, RFC 9112 §2.2)");
        if (handshake.target() != request.target)
            fail("target() differs", handshake.target());
        for (const auto &field : request.fields) {
            if (handshake.header(randomCase(field.first, in)) != request.joined(field.first))
                fail("header() differs", field.first);
        }
        if (handshake.hasHeader("x-not-sent-by-the-fuzzer-at-all"))
            fail("hasHeader() of a field not sent");
        const QByteArray key = request.joined("sec-websocket-key");
        if (WebSocketHandshake::acceptKey(key) != accept(key))
            fail("acceptKey() is not base64(SHA-1(key + GUID))", key);
        if (!response.startsWith("HTTP/1.1 101 ") || !response.endsWith("\r\n\r\n")
            || !response.contains(QByteArray("\r\nSec-WebSocket-Accept: " + accept(key) + "\r\n"))
            || !response.contains("\r\nUpgrade: websocket\r\n") || !response.contains("\r\nConnection: Upgrade\r\n")) {
            fail("the 101 response is not right", response);
        }
        break;
    }
    case WebSocketHandshake::Verdict::UnsupportedVersion:
        if (!request.upgradeConditions())
            fail("426 for a request that is not otherwise an upgrade");
        if (request.joined("sec-websocket-version") == "13")
            fail("426 for version 13");
        if (!response.startsWith("HTTP/1.1 426 ") || !response.contains("\r\nSec-WebSocket-Version: 13\r\n"))
            fail("the 426 response is not right", response);
        break;
    case WebSocketHandshake::Verdict::BadRequest:
        if (request.clearlyValid())
            fail("a valid upgrade request refused", handshake.problem().toUtf8());
        if (!response.startsWith("HTTP/1.1 400 "))
            fail("the 400 response is not right", response);
        break;
    case WebSocketHandshake::Verdict::Forbidden:
        fail("parse() answered Forbidden (only the caller does)");
    }
    if ((verdict == WebSocketHandshake::Verdict::Upgrade) != handshake.problem().isEmpty())
        fail("problem() is empty exactly for an Upgrade: not so");
}

// headEnd() against a plain search, on a copy of exactly the size (ASan sees a read past it).
qsizetype checkHeadEnd(QByteArrayView bytes)
{
    std::unique_ptr<char[]> copy(new char[std::size_t(bytes.size()) + 1]);
    if (!bytes.isEmpty())
        std::memcpy(copy.get(), bytes.data(), std::size_t(bytes.size()));
    const QByteArrayView view(copy.get(), bytes.size());
    const qsizetype end = WebSocketHandshake::headEnd(view);
    qsizetype expected = -1;
    for (qsizetype i = 0; i + 4 <= bytes.size(); ++i) {
        if (std::memcmp(bytes.data() + i, "\r\n\r\n", 4) == 0) {
            expected = i + 4;
            break;
        }
    }
    if (end != expected)
        fail("headEnd() is not after the first blank line", QByteArray::number(end) + " vs " + QByteArray::number(expected));
    return end;
}

void rawHandshake(Bytes &in)
{
    const QByteArray bytes = in.take(in.remaining());
    const qsizetype end = checkHeadEnd(bytes);
    Bytes none(nullptr, 0);
    if (end >= 0)
        checkHandshake(QByteArrayView(bytes).first(end), none);
    checkHandshake(bytes, none); // parse() of anything: it stops at the blank line
}

QByteArray visible(Bytes &in, qsizetype max, const char *extra)
{
    QByteArray out;
    const qsizetype length = in.byte() % (max + 1);
    for (qsizetype i = 0; i < length; ++i) {
        const char c = char(0x21 + in.byte() % 94);
        out.append(std::strchr(extra, c) ? 'x' : c);
    }
    return out;
}

QByteArray ows(Bytes &in)
{
    static constexpr const char *Spaces[] = {"", "", "", " ", "  ", "\t", " \t ", "\t\t"};
    return Spaces[in.byte() % 8];
}

void generatedHandshake(Bytes &in)
{
    // The target: origin-form (RFC 9112 §3.2.1).
    const QByteArray target = '/' + visible(in, 40, "#");
    std::unique_ptr<unsigned char[]> nonce(new unsigned char[16]);
    for (int k = 0; k < 16; ++k)
        nonce[k] = in.byte();
    const QByteArray key = base64(QByteArrayView(reinterpret_cast<const char *>(nonce.get()), 16));

    QList<std::pair<QByteArray, QByteArray>> fields;
    const QByteArray host = visible(in, 20, ",:/@?#") + (in.byte() & 1 ? ":8080" : "");
    fields.append({"Host", host.isEmpty() ? QByteArray("localhost") : host});
    static constexpr const char *Others[] = {"h2c", "foo/1", "TLS/1.2", "x"};
    static constexpr const char *Connection[] = {"keep-alive", "close", "TE", "x-custom"};
    // Upgrade and Connection: the token somewhere in a list, maybe over repeated fields.
    auto listField = [&](const char *name, const char *token, const char *const *others) {
        QList<QByteArray> elements{randomCase(token, in)};
        const unsigned extra = in.byte() % 3;
        for (unsigned k = 0; k < extra; ++k)
            elements.insert(in.byte() % (elements.size() + 1), others[in.byte() % 4]);
        if (in.byte() & 1) { // one field
            QByteArray value;
            for (const QByteArray &element : elements)
                value += (value.isEmpty() ? QByteArray() : QByteArray("," + ows(in))) + element + ows(in);
            fields.append({name, value});
        } else { // a field per element
            for (const QByteArray &element : elements)
                fields.append({name, element});
        }
    };
    listField("Upgrade", "websocket", Others);
    listField("Connection", "upgrade", Connection);
    fields.append({"Sec-WebSocket-Key", key});
    fields.append({QByteArray("Sec-WebSocket-Version"), QByteArray("13")});
    const unsigned extras = in.byte() % 6;
    for (unsigned k = 0; k < extras; ++k) {
        switch (in.byte() % 6) {
        case 0:
            fields.append({"Origin", "http://" + visible(in, 12, ",:/@?#")});
            break;
        case 1:
            fields.append({QByteArray("Sec-WebSocket-Protocol"), QByteArray("chat, superchat")});
            break;
        case 2:
            fields.append({QByteArray("Sec-WebSocket-Extensions"), QByteArray("permessage-deflate; client_max_window_bits")});
            break;
        case 3:
            fields.append({QByteArray("User-Agent"), QByteArray("fuzz/1.0 (caf\xc3\xa9; x)")}); // obs-text and spaces in a value
            break;
        case 4: {
            QByteArray name = "X-" + visible(in, 10, "\"(),/:;<=>?@[\\]{}");
            fields.append({name, visible(in, 30, "") + " " + visible(in, 5, "")});
            if (in.byte() & 1)
                fields.append({name, QByteArray()}); // repeated, empty
            break;
        }
        default:
            fields.append({"Cache-Control", QByteArray()});
            break;
        }
    }
    // Any order (a permutation from the input), any case, OWS around values.
    for (qsizetype k = fields.size() - 1; k > 0; --k)
        std::swap(fields[k], fields[in.byte() % (k + 1)]);
    QByteArray head = "GET " + target + " HTTP/1.1\r\n";
    for (const auto &[name, value] : fields)
        head += randomCase(name, in) + ":" + ows(in) + value + ows(in) + "\r\n";
    head += "\r\n";

    QByteArray bytes = head + in.take(in.byte()); // frames may follow at once
    if (checkHeadEnd(bytes) != head.size())
        fail("headEnd() misses the end of a valid request");
    for (qsizetype cut = std::max<qsizetype>(0, head.size() - 4); cut < head.size(); ++cut) {
        if (checkHeadEnd(QByteArrayView(bytes).first(cut)) != -1)
            fail("headEnd() found an end in a partial request");
    }
    const WebSocketHandshake handshake = WebSocketHandshake::parse(QByteArrayView(bytes).first(head.size()));
    if (handshake.verdict() != WebSocketHandshake::Verdict::Upgrade)
        fail("a valid upgrade request refused", handshake.problem().toUtf8() + " | " + head);
    if (handshake.header("sec-websocket-key") != key || handshake.target() != target)
        fail("a valid request misread", head);
    if (!handshake.response().contains(QByteArray("\r\nSec-WebSocket-Accept: " + accept(key) + "\r\n")))
        fail("the 101 response does not accept the key", head);
    checkHandshake(head, in);
}

// Once: the RFC's own examples, for the library and for the reference.
void checkExamples()
{
    // RFC 6455 §1.3: SHA-1 b37a4f2c...c4ea, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".
    if (accept("dGhlIHNhbXBsZSBub25jZQ==") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        || QByteArray::fromBase64("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=").toHex() != "b37a4f2cc0624f1690f64606cf385945b2bec4ea")
        fail("the reference Sec-WebSocket-Accept misses the RFC 6455 §1.3 example", accept("dGhlIHNhbXBsZSBub25jZQ=="));
    if (WebSocketHandshake::acceptKey("dGhlIHNhbXBsZSBub25jZQ==") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        fail("acceptKey() misses the RFC 6455 §1.3 example", WebSocketHandshake::acceptKey("dGhlIHNhbXBsZSBub25jZQ=="));
    // RFC 6455 §5.7: a masked "Hello", then a masked ping "Hello".
    const QByteArray stream = QByteArray::fromHex("818537fa213d7f9f4d5158"
                                                  "898537fa213d7f9f4d5158");
    Reference reference(0, 0);
    reference.run(stream);
    if (reference.events().size() != 2 || reference.events()[0].payload != "Hello"
        || reference.events()[1].opcode != Opcode::Ping)
        fail("the reference misses the RFC 6455 §5.7 examples");
    checkStream(stream, Split(), 0, 0);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    g_input = QByteArray(reinterpret_cast<const char *>(data), qsizetype(size));
    static const bool examples = (checkExamples(), true);
    Q_UNUSED(examples);
    if (size == 0)
        return 0;
    Bytes in(data + 1, size - 1);
    switch (data[0] & 3) {
    case 0:
        rawFrames(in);
        break;
    case 1:
        generatedFrames(in);
        break;
    case 2:
        rawHandshake(in);
        break;
    default:
        generatedHandshake(in);
        break;
    }
    return 0;
}
