// SPDX-License-Identifier: MIT
#include "framereader_p.h"

#include <QtEndian>

#include <cstring>

namespace Stonyx::Sockets {

namespace {

constexpr unsigned char FinBit = 0x80;
constexpr unsigned char ReservedBits = 0x70;
constexpr unsigned char OpcodeBits = 0x0F;
constexpr unsigned char MaskBit = 0x80;
constexpr quint64 MaxControlPayload = 125;
// A payload's memory is reserved from its header, up to this much: a header may
// announce more than the peer ever sends.
constexpr quint64 MaxReserve = 1 << 20;

int lengthBytes(unsigned char length7)
{
    return length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
}

} // namespace

int FrameReader::closeCode(Problem problem)
{
    switch (problem) {
    case Problem::FrameTooLarge:
    case Problem::MessageTooLarge:
        return 1009; // message too big
    case Problem::InvalidUtf8:
        return 1007; // invalid frame payload data
    default:
        return 1002; // protocol error
    }
}

void FrameReader::unmask(char *target, const char *source, qsizetype size, const unsigned char mask[4], unsigned phase)
{
    // The 4-byte key repeated over a word, rotated to start at \a phase: eight bytes a
    // step (the compiler widens this further), then the tail byte by byte.
    unsigned char key8[8];
    for (unsigned i = 0; i < 8; ++i)
        key8[i] = mask[(phase + i) & 3];
    quint64 key;
    memcpy(&key, key8, sizeof key);
    qsizetype i = 0;
    for (; i + 8 <= size; i += 8) {
        quint64 word;
        memcpy(&word, source + i, sizeof word);
        word ^= key;
        memcpy(target + i, &word, sizeof word);
    }
    for (; i < size; ++i)
        target[i] = char(static_cast<unsigned char>(source[i]) ^ key8[i & 7]);
}

FrameReader::Event FrameReader::fail(Problem problem)
{
    m_failed = true;
    m_message = QByteArray();
    m_control = QByteArray();
    Event event;
    event.type = Event::Type::Error;
    event.problem = problem;
    return event;
}

FrameReader::Event FrameReader::next(QByteArrayView input, qsizetype *pos)
{
    const qsizetype size = input.size();
    qsizetype i = *pos;
    if (m_failed) {
        *pos = size;
        return {};
    }
    while (i < size) {
        if (m_inPayload) {
            const qsizetype take = qsizetype(std::min<quint64>(m_payloadRemaining, quint64(size - i)));
            QByteArray &target = m_dataFrame ? m_message : m_control;
            const qsizetype at = target.size();
            target.resize(at + take);
            unmask(target.data() + at, input.data() + i, take, m_mask, m_maskPhase);
            m_maskPhase = unsigned((m_maskPhase + quint64(take)) & 3);
            m_payloadRemaining -= quint64(take);
            i += take;
            if (m_payloadRemaining == 0) {
                *pos = i;
                Event event = frameComplete();
                if (event.type != Event::Type::None)
                    return event;
            }
            continue;
        }
        // A header, possibly cut between reads.
        if (m_headerSize == 0) {
            const auto opcode = static_cast<unsigned char>(input[i] & OpcodeBits);
            m_dataFrame = opcode < static_cast<unsigned char>(Opcode::Close);
        }
        while (i < size && m_headerSize < m_headerNeeded) {
            m_header[m_headerSize++] = static_cast<unsigned char>(input[i++]);
            if (m_headerSize == 2)
                m_headerNeeded = 2 + lengthBytes(m_header[1] & 0x7F) + ((m_header[1] & MaskBit) ? 4 : 0);
        }
        if (m_headerSize < m_headerNeeded)
            break;
        *pos = i;
        Event event = headerComplete();
        if (event.type != Event::Type::None)
            return event;
    }
    *pos = i;
    return {};
}

FrameReader::Event FrameReader::headerComplete()
{
    const unsigned char byte0 = m_header[0];
    const unsigned char byte1 = m_header[1];
    m_headerSize = 0;
    m_headerNeeded = 2;
    const unsigned char code = byte0 & OpcodeBits;
    const unsigned char length7 = byte1 & 0x7F;
    quint64 length = length7;
    int at = 2;
    if (length7 == 126) {
        length = qFromBigEndian<quint16>(m_header + 2);
        at += 2;
    } else if (length7 == 127) {
        length = qFromBigEndian<quint64>(m_header + 2);
        at += 8;
    }
    const bool masked = (byte1 & MaskBit) != 0;
    if (masked)
        memcpy(m_mask, m_header + at, 4);
    else
        memset(m_mask, 0, 4);
    m_maskPhase = 0;
    m_final = (byte0 & FinBit) != 0;

    if (byte0 & ReservedBits)
        return fail(Problem::ReservedBits);
    if ((code >= 0x3 && code <= 0x7) || code > 0xA)
        return fail(Problem::ReservedOpcode);
    if (m_requireMask && !masked)
        return fail(Problem::Unmasked);
    if (length >> 63)
        return fail(Problem::InvalidLength);
    m_opcode = static_cast<Opcode>(code);
    if (!m_dataFrame) {
        if (!m_final)
            return fail(Problem::FragmentedControl);
        if (length > MaxControlPayload)
            return fail(Problem::ControlTooLong);
        m_control.clear();
    } else {
        if (m_opcode == Opcode::Continuation && !m_fragmented)
            return fail(Problem::UnexpectedContinuation);
        if (m_opcode != Opcode::Continuation && m_fragmented)
            return fail(Problem::ExpectedContinuation);
        if (m_maxFrame > 0 && length > m_maxFrame)
            return fail(Problem::FrameTooLarge);
        if (m_maxMessage > 0 && quint64(m_message.size()) + length > m_maxMessage)
            return fail(Problem::MessageTooLarge);
        if (m_opcode != Opcode::Continuation)
            m_messageOpcode = m_opcode;
        if (length > 0) {
            const quint64 reserve = quint64(m_message.size()) + std::min(length, MaxReserve);
            if (reserve > quint64(m_message.capacity()))
                m_message.reserve(qsizetype(reserve));
        }
    }
    m_payloadRemaining = length;
    m_inPayload = length > 0;
    if (length == 0)
        return frameComplete();
    return {};
}

FrameReader::Event FrameReader::frameComplete()
{
    m_inPayload = false;
    Event event;
    if (!m_dataFrame) {
        event.type = Event::Type::Control;
        event.opcode = m_opcode;
        event.payload = std::exchange(m_control, QByteArray());
        return event;
    }
    if (!m_final) {
        m_fragmented = true;
        return event;
    }
    m_fragmented = false;
    m_dataFrame = false;
    event.type = Event::Type::Message;
    event.opcode = m_messageOpcode;
    event.payload = std::exchange(m_message, QByteArray());
    if (event.opcode == Opcode::Text && !QByteArrayView(event.payload).isValidUtf8())
        return fail(Problem::InvalidUtf8);
    return event;
}

} // namespace Stonyx::Sockets
