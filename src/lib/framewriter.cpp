// SPDX-License-Identifier: MIT
#include "framewriter_p.h"

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

} // namespace Stonyx::Sockets::FrameWriter
