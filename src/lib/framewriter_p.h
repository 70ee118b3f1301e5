// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library: a server's WebSocket data frames (RFC 6455 §5.2), written
// straight onto the connection's socket. Not installed.
//
// QWebSocket's text API takes a QString: a plain message, which the codec makes as
// UTF-8, would be decoded to UTF-16 only for Qt to encode it back, and each send
// builds its header in a buffer of its own. The server writes its data frames itself:
// one unfragmented frame per message, unmasked (a server's frames carry no mask,
// §5.1), the header on the stack and the payload as it is. QWebSocket still does the
// handshake, reads and validates what the peer sends, and writes the control frames
// (ping, pong, close); both write to the same QTcpSocket, on the connection's thread,
// so frames stay whole and in order.
//
// Thread affinity: call on the socket's thread.

#include <QByteArray>
#include <QtGlobal>

QT_BEGIN_NAMESPACE
class QIODevice;
QT_END_NAMESPACE

namespace Stonyx::Sockets::FrameWriter {

enum class Opcode : quint8 {
    Text = 0x1,
    Binary = 0x2,
};

/*! Largest header of an unmasked frame: 2 bytes, 8 of them extended length. */
inline constexpr int MaxHeaderSize = 10;

/*! Writes the header of one final, unmasked frame into \a out; returns its size (2, 4 or 10). */
int header(Opcode opcode, quint64 payloadSize, char out[MaxHeaderSize]);

/*! Writes one frame onto \a device; false if the device did not take all of it. */
bool write(QIODevice *device, Opcode opcode, const QByteArray &payload);

} // namespace Stonyx::Sockets::FrameWriter
