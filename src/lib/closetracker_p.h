// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library: how a client connection ended, where Qt 6.4 does not say.
// Not installed.
//
// QWebSocket::closeCode() is 1000 by default, so a TCP connection lost without any
// close frame (the server killed: a FIN; the link reset: a RST) reads as a normal
// close. RFC 6455 §7.1.5 and the Node.js library call that 1006 (abnormal closure),
// as SocketServer does. What Qt 6.4.2 does, observed on loopback:
//
//  - A close frame sent, whether by the application's close(), by Qt for a protocol
//    error or an oversized message (1009), or as the answer to the peer's close frame:
//    QWebSocket emits aboutToClose() while still connected, with closeCode() and
//    closeReason() already holding what the close frame said.
//  - The connection lost without a close frame (FIN or RST): only error()
//    (RemoteHostClosedError) and disconnected(); no aboutToClose().
//  - abort(): aboutToClose() once, through the TCP socket. So a close this side
//    decides without a close frame (a dead link aborted) is noted with
//    setLocalClose() before the abort, and wins.
//
// Thread affinity: a plain value owned by SocketClientPrivate, fed from its slots.

#include <QString>

#include <optional>

QT_BEGIN_NAMESPACE
class QWebSocket;
QT_END_NAMESPACE

namespace Stonyx::Sockets {

class CloseTracker
{
public:
    /*! Forgets everything: a new socket. */
    void reset();
    /*! QWebSocket::aboutToClose(): a close frame was sent (ours, Qt's or the answer to the peer's). */
    void onAboutToClose() { m_closeFrame = true; }
    /*! QWebSocket::error(): kept as the reason of an abnormal closure. */
    void onError(const QString &errorString);
    /*! This side ends the connection with \a code and \a reason (takes precedence). */
    void setLocalClose(int code, const QString &reason);

    /*! True once a close frame was exchanged or this side decided the close. */
    bool closeFrameSeen() const { return m_closeFrame || m_local.has_value(); }
    /*! The close code to report for \a socket, which has just disconnected. */
    int closeCode(const QWebSocket &socket) const;
    /*! The close reason to report for \a socket, which has just disconnected. */
    QString closeReason(const QWebSocket &socket) const;

private:
    struct Local {
        int code;
        QString reason;
    };
    std::optional<Local> m_local;
    QString m_error;
    bool m_closeFrame = false;
};

} // namespace Stonyx::Sockets
