// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library: a server's WebSocket data frames (RFC 6455 §5.2), written
// straight onto the connection's socket. Not installed.
//
// The server writes its frames itself (see ServerWebSocket): one unfragmented frame
// per message, unmasked (a server's frames carry no mask, §5.1), the header made here
// on the stack and written with the payload in one call (Transport::write()). A plain
// message goes out as the UTF-8 the codec made, with no QString in between.
//
// Thread affinity: call on the socket's thread.

#include <QtGlobal>

namespace Stonyx::Sockets::FrameWriter {

enum class Opcode : quint8 {
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8, // control frames: a payload of at most 125 bytes (§5.5)
    Ping = 0x9,
    Pong = 0xA,
};

/*! Largest header of an unmasked frame: 2 bytes, 8 of them extended length. */
inline constexpr int MaxHeaderSize = 10;

/*! Writes the header of one final, unmasked frame into \a out; returns its size (2, 4 or 10). */
int header(Opcode opcode, quint64 payloadSize, char out[MaxHeaderSize]);

} // namespace Stonyx::Sockets::FrameWriter
