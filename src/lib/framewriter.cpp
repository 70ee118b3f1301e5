// SPDX-License-Identifier: MIT
#include "framewriter_p.h"

#include <QIODevice>

#include <cstring>

namespace Stonyx::Sockets::FrameWriter {

int header(Opcode opcode, quint64 payloadSize, char out[MaxHeaderSize])
{
    out[0] = char(0x80 | quint8(opcode)); // FIN, no RSV bits
    if (payloadSize <= 125) {
        out[1] = char(payloadSize); // no MASK bit
        return 2;
    }
    if (payloadSize <= 0xffff) {
        out[1] = char(126);
        out[2] = char(payloadSize >> 8);
        out[3] = char(payloadSize);
        return 4;
    }
    out[1] = char(127);
    for (int i = 0; i < 8; ++i) // network byte order; the top bit stays 0 (§5.2)
        out[2 + i] = char(payloadSize >> (56 - 8 * i));
    return 10;
}

bool write(QIODevice *device, Opcode opcode, QByteArrayView payload)
{
    // One write per frame. QAbstractSocket hands its buffer to the kernel a block at a
    // time; a header and a payload written apart can become two TCP segments, and
    // Nagle's algorithm then holds the payload back until the peer acknowledges the
    // header, which a peer waiting for the whole message delays (40 ms on Linux).
    char head[MaxHeaderSize];
    const int headSize = header(opcode, quint64(payload.size()), head);
    QByteArray frame(headSize + payload.size(), Qt::Uninitialized);
    char *out = frame.data();
    memcpy(out, head, size_t(headSize));
    if (!payload.isEmpty())
        memcpy(out + headSize, payload.data(), size_t(payload.size()));
    return device->write(frame) == frame.size();
}

} // namespace Stonyx::Sockets::FrameWriter
