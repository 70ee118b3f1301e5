// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library: watches the bytes a server connection receives, under
// QWebSocket, for what Qt 6.4 does not tell. Not installed.
//
//  - The message deadline: a data message must be complete within messageTimeout of
//    its first byte (Qt itself only drops a partial frame after 5 s *without* bytes,
//    so a peer trickling bytes could hold a connection forever). Control frames (the
//    pong answering the server's idle ping, a client's ping) never arm it.
//  - Whether the peer sent a close frame: a connection lost without one is reported
//    with 1006 (abnormal closure), as RFC 6455 and the Node.js library do, instead of
//    the 1000 that QWebSocket::closeCode() returns by default.
//  - The closing handshake (RFC 6455 §7.1.1): when the server closes (its own close, or
//    Qt's for an oversized message), Qt closes the TCP socket right after writing the
//    close frame. With bytes still arriving from a peer that is sending, the kernel
//    then answers with a reset and the peer loses the close frame: it sees 1006, never
//    the server's 1009 or 1008. The monitor keeps the TCP connection open a little
//    longer on a duplicate descriptor, reads and discards what still arrives, and closes
//    it once the peer's close frame (or end of stream) came, or after a short deadline.
//
// How bytes are counted: QWebSocket (Qt 6.4.2) reads the TCP socket in a slot connected
// directly to readyRead, when the socket is upgraded. The monitor is created when the
// TCP connection is accepted, before that, so its own direct slot runs first and sees
// the new bytes at the end of the socket's buffer (during the HTTP handshake it ignores
// them). attach(), once upgraded, adds a second direct slot that runs after Qt's and
// notes what Qt left unread (and a queued one, should Qt read later). So every byte
// is scanned exactly once, by its frame header only (FrameScanner).
//
// Thread affinity: lives on the thread of the connection it watches (a child of it).

#include "framescanner_p.h"

#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QElapsedTimer>

#include <functional>

QT_BEGIN_NAMESPACE
class QWebSocket;
QT_END_NAMESPACE

namespace Stonyx::Sockets {

/*!
    The message deadlines running on a server, counted so that its coarse timer scans
    for late messages only while there are some; \c wake is called when the count
    leaves 0 (the timer may be stopped). Owned by the server; server thread.
*/
struct ArmedDeadlines {
    int count = 0;
    std::function<void()> wake;
};

class InboundMonitor : public QObject
{
    Q_OBJECT

public:
    /*!
        Watches \a tcp from its acceptance, before the WebSocket handshake (which it
        ignores). \a messageTimeout in ms, 0 for none.
    */
    InboundMonitor(QTcpSocket *tcp, int messageTimeout, QObject *parent);
    /*! The handshake is done: \a socket, the upgraded WebSocket over the TCP socket, reads it now. */
    void attach(QWebSocket *socket);
    ~InboundMonitor() override;

    /*! True once a close frame from the peer was seen. */
    bool closeFrameReceived() const { return m_closeFrameReceived; }
    /*! True once this side (the server, or Qt for it) sent a close frame first. */
    bool closeFrameSent() const { return m_closeFrameSent; }

    /*!
        Stops reading from the peer (rate limiting: TCP backpressure slows the sender)
        until resume(). The message deadline does not run while paused: the wait is
        the server's, not the peer's.
    */
    void pause();
    /*!
        Call at least every few seconds while paused. Qt 6.4's WebSocket frame reader
        gives up on a frame it has only part of after 5 s without a readyRead (close
        1001, "Timeout when reading data from socket"); pausing stops readyRead, so a
        throttled peer would be dropped. This renews Qt's wait without reading more.
    */
    void holdPaused();
    /*! Reads on after pause(); a message in progress gets a fresh deadline. */
    void resume();
    bool isPaused() const { return m_paused; }

    /*!
        Emits messageTimedOut() if a message is overdue. The server calls it from its
        coarse timer (one for all connections, no timer per connection), so a late
        message is caught within one tick of its deadline.
    */
    void checkDeadline();
    /*!
        Counts this monitor in \a *counter while its message deadline runs (null: no
        longer). The server scans for late messages only while its count is above 0.
    */
    void setArmedCounter(ArmedDeadlines *counter);
    /*! True if checkDeadline() would emit now: cheap, for a scan of many connections. */
    bool deadlinePassed() const { return m_deadlineAt >= 0 && m_clock.elapsed() >= m_deadlineAt; }

    /*! How long the server waits for the peer's close frame after sending its own. */
    static constexpr int CloseHandshakeTimeout = 2000;

Q_SIGNALS:
    /*! A data message was not complete within the message timeout. */
    void messageTimedOut();
    /*! The peer sent a header no valid peer sends (Qt will close the connection). */
    void invalidFrame();

private:
    void onReadyRead();
    void onProcessed();
    void onAboutToClose();
    void scan(QByteArrayView bytes);

    QPointer<QTcpSocket> m_tcp;
    QWebSocket *m_socket = nullptr; // set by attach()
    void startDeadline();
    void stopDeadline();
    bool deadlineActive() const { return m_deadlineAt >= 0; }

    FrameScanner m_scanner;
    QElapsedTimer m_clock;     // for the message deadline
    qint64 m_deadlineAt = -1;  // on m_clock; -1: none running
    int m_timeout = 0;         // ms; 0: no message deadline
    ArmedDeadlines *m_armed = nullptr; // the server's count of running message deadlines
    qint64 m_known = 0;        // bytes in the socket's buffer already scanned
    bool m_closeFrameReceived = false;
    bool m_closeFrameSent = false;
    bool m_paused = false;
};

} // namespace Stonyx::Sockets
