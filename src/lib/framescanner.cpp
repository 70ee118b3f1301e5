// SPDX-License-Identifier: MIT
#include "framescanner_p.h"

#include <QtEndian>

namespace Stonyx::Sockets {

namespace {

constexpr unsigned char FinBit = 0x80;
constexpr unsigned char OpcodeMask = 0x0F;
constexpr unsigned char MaskBit = 0x80;
constexpr unsigned char OpcodeClose = 0x8;

int lengthBytes(unsigned char length7)
{
    return length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
}

} // namespace

FrameScanner::Events FrameScanner::feed(QByteArrayView bytes)
{
    Events events;
    if (m_lost) {
        events.invalid = true;
        return events;
    }
    qsizetype i = 0;
    const qsizetype size = bytes.size();
    while (i < size) {
        if (m_inPayload) {
            const quint64 take = std::min<quint64>(m_payloadRemaining, quint64(size - i));
            m_payloadRemaining -= take;
            i += qsizetype(take);
            if (m_payloadRemaining == 0)
                frameComplete(&events);
            continue;
        }
        // A header: the first byte tells whether a data message starts.
        const unsigned char byte = static_cast<unsigned char>(bytes[i++]);
        m_header[m_headerSize++] = byte;
        if (m_headerSize == 1) {
            const unsigned char opcode = byte & OpcodeMask;
            if (opcode < OpcodeClose && !m_inMessage) {
                m_inMessage = true;
                events.dataStarted = true;
            }
            continue;
        }
        if (m_headerSize == 2)
            m_headerNeeded = 2 + lengthBytes(byte & 0x7F) + ((byte & MaskBit) ? 4 : 0);
        if (m_headerSize == m_headerNeeded) {
            headerComplete(&events);
            if (m_lost)
                return events;
        }
    }
    return events;
}

bool FrameScanner::skip(quint64 count)
{
    // Strictly inside the payload: nothing completes, so no event can be missed.
    if (m_lost || !m_inPayload || count >= m_payloadRemaining)
        return false;
    m_payloadRemaining -= count;
    return true;
}

void FrameScanner::headerComplete(Events *events)
{
    const unsigned char opcode = m_header[0] & OpcodeMask;
    const unsigned char length7 = m_header[1] & 0x7F;
    quint64 length = length7;
    if (length7 == 126)
        length = qFromBigEndian<quint16>(m_header + 2);
    else if (length7 == 127)
        length = qFromBigEndian<quint64>(m_header + 2);
    // Reserved opcodes, control frames over 125 bytes and (from a client) unmasked
    // frames: no valid peer sends them.
    const bool control = opcode >= OpcodeClose;
    const bool unmasked = (m_header[1] & MaskBit) == 0;
    if ((opcode >= 3 && opcode <= 7) || opcode > 0xA || (control && length > 125) || (length >> 63)
        || (m_requireMask && unmasked)) {
        m_lost = true;
        events->invalid = true;
        return;
    }
    m_dataFrame = !control;
    m_closeFrame = opcode == OpcodeClose;
    m_finalFrame = (m_header[0] & FinBit) != 0;
    m_headerSize = 0;
    m_headerNeeded = 2;
    m_payloadRemaining = length;
    m_inPayload = true;
    if (length == 0)
        frameComplete(events);
}

void FrameScanner::frameComplete(Events *events)
{
    m_inPayload = false;
    if (m_closeFrame)
        events->closeFrame = true;
    if (m_dataFrame && m_finalFrame) {
        m_inMessage = false;
        events->messageEnded = true;
    }
}

} // namespace Stonyx::Sockets
