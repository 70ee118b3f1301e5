// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library: the server's end of one WebSocket connection (RFC 6455),
// over the connection the gate accepted (a Transport: the descriptor itself for ws://,
// a QSslSocket for wss://). Not installed.
//
// The server speaks WebSocket itself instead of through QWebSocket/QWebSocketServer:
//  - the opening handshake (WebSocketHandshake), Origin check included;
//  - reading (FrameReader): frames unmasked a word at a time straight into their
//    message, a text message handed on as its validated UTF-8 (no QString), a
//    fragmented text message validated whole (Qt 6.4 refused a fragment ending inside
//    a UTF-8 sequence with 1007, which RFC 6455 §5.6 allows);
//  - what Qt 6.4 could not tell or do, which needed workarounds around QWebSocket: the
//    message deadline from the first byte of a data frame (control frames never arm
//    it), whether the peer's close frame came (a connection lost without one is 1006),
//    masking required of a client, pausing reads (rate limits: TCP backpressure slows
//    the sender, and only it) with no frame timer to renew, and the closing handshake:
//    after its close frame the server reads on (and discards) until the peer's close
//    frame, so the peer never loses the close frame to a TCP reset;
//  - per connection, one QObject and the socket: QWebSocket's objects and its ~30
//    internal connections per socket are gone (memory per held connection).
// Data frames are written by FrameWriter, unfragmented and unmasked (a server's frames
// carry no mask, §5.1); control frames (pong, ping, close) too.
//
// Thread affinity: lives on the thread of its socket (a worker's); call it there only.

#include "framereader_p.h"
#include "framewriter_p.h"
#include "transport_p.h"
#include "websockethandshake_p.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>

QT_BEGIN_NAMESPACE
class QTimer;
QT_END_NAMESPACE

namespace Stonyx::Sockets {

class InboundFrame;

/*!
    The message deadlines running on a worker, counted so that its coarse timer scans
    for late messages only while there are some; \c wake is called when the count
    leaves 0 (the timer may be stopped). Owned by the worker; its thread.
*/
struct ArmedDeadlines {
    int count = 0;
    std::function<void()> wake;
};

class STONYX_SOCKETS_EXPORT ServerWebSocket : public QObject
{
    Q_OBJECT

public:
    enum class State {
        Handshake, // reading the client's upgrade request
        Open,      // messages both ways
        Closing,   // a close frame sent: waiting for the peer's, reading nothing more
        Closed,    // the TCP connection is gone (or was never there)
    };

    /*!
        Takes \a transport (made its child), an accepted connection; reads nothing
        until startHandshake(). An unconnected one makes a connection that never opens
        (the fuzz tests drive the server that way).
    */
    explicit ServerWebSocket(Transport *transport, QObject *parent = nullptr);
    ~ServerWebSocket() override;

    /*!
        Reads the client's upgrade request (for TLS: once encrypted). A request whose
        Origin is not in \a allowedOrigins (if not empty) is refused with 403.
        Emits opened() or handshakeFailed().
    */
    void startHandshake(const QStringList &allowedOrigins);

    State state() const { return m_state; }
    QHostAddress peerAddress() const { return m_peerAddress; }
    quint16 peerPort() const { return m_peerPort; }
    /*! The upgrade request, once opened (its headers, e.g. Delivery::ResumeHeader). */
    const WebSocketHandshake &request() const { return m_request; }

    /*! Limits on what the peer may send, payload bytes of a frame and of a message; 0: none. Over them: 1009. */
    void setLimits(quint64 maxFrame, quint64 maxMessage) { m_reader.setLimits(maxFrame, maxMessage); }
    /*!
        The most bytes the pongs it writes by itself may leave queued for a peer that
        does not read (the server's maxSendBuffer; 0: no limit); over it,
        sendBufferExceeded() is emitted.
    */
    void setMaxQueued(qint64 bytes) { m_maxQueued = bytes; }
    /*! A data message must be complete within \a ms of its first byte (0: no limit). */
    void setMessageTimeout(int ms) { m_messageTimeout = ms; }

    /*! Writes one data frame; false if not open or the socket did not take it. */
    bool sendFrame(FrameWriter::Opcode opcode, const QByteArray &payload);
    /*!
        While one exists, frames are kept and go out together, in one write, when the
        last one ends: the answers to the messages of one read (or to a request and what
        it reports) cost one system call, and nothing is on the wire before the server
        has reported what led to it (e.g. clientAuthenticated() before the auth answer).
    */
    class Batch
    {
    public:
        explicit Batch(ServerWebSocket *socket)
            : m_socket(socket)
        {
            if (socket)
                ++socket->m_corkDepth;
        }
        ~Batch()
        {
            if (m_socket && --m_socket->m_corkDepth == 0)
                m_socket->uncork();
        }
        Batch(const Batch &) = delete;
        Batch &operator=(const Batch &) = delete;

    private:
        QPointer<ServerWebSocket> m_socket;
    };

    /*! Asks the peer for a pong (the heartbeat). */
    void ping();
    /*!
        Starts the closing handshake with \a code and \a reason (RFC 6455 §7.1.2): sends
        the close frame, then waits for the peer's close frame (at most
        CloseHandshakeTimeout) and closes the TCP connection. Nothing is read or sent
        after it. Before the handshake is done: the TCP connection is closed.
    */
    void close(int code, const QString &reason);
    /*!
        After close(): closes the TCP connection as soon as the close frame is written,
        without waiting for the peer's answer (the server shuts down: its threads end).
    */
    void finishClosing();
    /*! Drops the TCP connection at once (no close frame). */
    void abort();
    /*! What the socket holds for the peer, not yet written to the kernel. */
    qint64 bytesToWrite() const;
    /*! Writes what it can of that now; true if anything was written. */
    bool flush();

    /*! True once a close frame from the peer was read. */
    bool closeFrameReceived() const { return m_closeFrameReceived; }
    /*!
        How the connection ended as far as the peer's close frame tells: its code (1005
        if it carried none) and reason; 1006 (abnormal closure) without one.
    */
    int peerCloseCode() const { return m_closeFrameReceived ? m_peerCloseCode : 1006; }
    QString peerCloseReason() const { return m_peerCloseReason; }

    /*!
        Stops reading from the peer until resume(): what the socket already holds stays
        there, and the kernel's buffer fills until TCP backpressure slows the sender.
        The message deadline does not run while paused: the wait is the server's.
    */
    void pause();
    /*! Reads on after pause() (later, from the event loop); a message in progress gets a fresh deadline. */
    void resume();

    /*!
        Counts this connection in \a *counter while its message deadline runs (null: no
        longer). The worker scans for late messages only while its count is above 0.
    */
    void setArmedCounter(ArmedDeadlines *counter);
    /*! True if checkDeadline() would emit now: cheap, for a scan of many connections. */
    bool deadlinePassed() const { return m_deadlineAt >= 0 && m_clock.elapsed() >= m_deadlineAt; }
    // Milliseconds since bytes last came from the peer (messages, pings, pongs), or
    // since the socket was made.
    qint64 msSinceLastRead() const { return m_clock.elapsed() - m_lastReadAt; }
    /*! Emits messageTimedOut() if a message is overdue (called from the worker's coarse timer). */
    void checkDeadline();

    /*! How long the server waits for the peer's close frame after sending its own. */
    static constexpr int CloseHandshakeTimeout = 2000;
    /*! The most one connection reads per turn of the event loop (fairness between connections). */
    static constexpr qint64 ReadBudget = 64 * 1024;

Q_SIGNALS:
    /*! The handshake succeeded: messages flow from now on. */
    void opened();
    /*! The upgrade request was refused (answered with an HTTP error, the connection closed) for \a reason. */
    void handshakeFailed(const QString &reason);
    /*! A complete data message: a text message as its (valid) UTF-8, or a binary message. */
    void messageReceived(const Stonyx::Sockets::InboundFrame &frame);
    /*!
        The peer broke the protocol (\a closeCode 1002, 1007 or 1009): nothing more is
        read from it. The owner closes the connection with that code and \a reason.
    */
    void protocolError(int closeCode, const QString &reason);
    /*! More than setMaxQueued() bytes wait for a peer that does not read (its pings' pongs). */
    void sendBufferExceeded();
    /*! A data message was not complete within the message timeout. */
    void messageTimedOut();
    /*! The TCP connection is gone; emitted once. */
    void disconnected();

private:
    void onReadyRead();
    void readHandshake();
    void readFrames();
    // A close, ping or pong frame from the peer.
    void onControlFrame(FrameReader::Opcode opcode, const QByteArray &payload);
    void onPeerClose(const QByteArray &payload);
    void onTcpDisconnected();
    // Writes a frame, or keeps it for uncork() while the frames of one read are handled.
    bool writeFrame(FrameWriter::Opcode opcode, QByteArrayView payload);
    void uncork();
    void updateDeadline();
    // Reads on from the event loop (after a pause, a close, or a turn's read budget).
    void scheduleRead();
    void startDeadline();
    void stopDeadline();

    QPointer<Transport> m_transport;
    QHostAddress m_peerAddress;
    quint16 m_peerPort = 0;
    State m_state = State::Closed;
    QStringList m_allowedOrigins;
    WebSocketHandshake m_request;
    FrameReader m_reader;
    // Bytes taken from the socket not yet read: the handshake so far, or (after a
    // pause) what follows the last message read. Empty (no memory) when idle.
    QByteArray m_input;
    qsizetype m_inputPos = 0;
    QTimer *m_closeTimer = nullptr; // made by close(): the closing handshake's limit
    // Frames kept while a Batch exists (one system call for them all, as QAbstractSocket's
    // buffer would give, without its copy and its wait for the event loop).
    QByteArray m_corked;
    qsizetype m_corkedSize = 0; // the bytes of m_corked in use (it is sized ahead)
    int m_corkDepth = 0;
    QString m_peerCloseReason;
    int m_peerCloseCode = 1005;
    bool m_closeFrameReceived = false;
    bool m_paused = false;
    bool m_readQueued = false;
    bool m_inputEnded = false; // the peer ended its stream (a half-close, or gone)
    bool m_disconnectedEmitted = false;
    // The message deadline.
    QElapsedTimer m_clock;
    qint64 m_deadlineAt = -1; // on m_clock; -1: none running
    qint64 m_lastReadAt = 0;  // on m_clock: the last read from the peer that returned bytes
    int m_messageTimeout = 0;
    qint64 m_maxQueued = 0;
    ArmedDeadlines *m_armed = nullptr;
};

} // namespace Stonyx::Sockets
