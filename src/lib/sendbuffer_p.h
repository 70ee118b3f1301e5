// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library: what a socket (the client's QWebSocket, a server
// connection's ServerWebSocket) still holds to send, for the maxSendBuffer limit of
// both SocketServer and SocketClient. Not installed.
//
// Qt queues whatever the kernel does not take at once, without a bound, and writes
// only from the event loop, so a burst queues up even on a good link. Before judging
// against the limit, hand the kernel what it takes now.
//
// Thread affinity: call on the socket's thread.

#include <QtGlobal>

namespace Stonyx::Sockets {

/*! The bytes \a socket still holds; flushed first if they plus \a adding exceed \a limit. */
template<typename Socket>
qint64 queuedAfterFlush(Socket *socket, qint64 adding, qint64 limit)
{
    qint64 queued = socket->bytesToWrite();
    if (queued + adding > limit) {
        socket->flush();
        queued = socket->bytesToWrite();
    }
    return queued;
}

} // namespace Stonyx::Sockets
