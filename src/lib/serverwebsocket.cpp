// SPDX-License-Identifier: MIT
#include "serverwebsocket_p.h"

#include "sessioncodec_p.h"
#include "socketserver.h"

#include <QTimer>
#include <QtEndian>

#include <algorithm>
#include <cstring>

namespace Stonyx::Sockets {

namespace {

// Close codes a peer may send (RFC 6455 §7.4, IANA registry): not 1004-1006 or 1015,
// which are reserved or never sent in a close frame.
bool isValidCloseCode(int code)
{
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

QString describe(FrameReader::Problem problem)
{
    using Problem = FrameReader::Problem;
    switch (problem) {
    case Problem::Unmasked:
        return SocketServer::tr("invalid WebSocket frame: not masked");
    case Problem::ReservedBits:
        return SocketServer::tr("invalid WebSocket frame: reserved bits set");
    case Problem::ReservedOpcode:
        return SocketServer::tr("invalid WebSocket frame: reserved opcode");
    case Problem::FragmentedControl:
        return SocketServer::tr("invalid WebSocket frame: a fragmented control frame");
    case Problem::ControlTooLong:
        return SocketServer::tr("invalid WebSocket frame: a control frame over 125 bytes");
    case Problem::UnexpectedContinuation:
        return SocketServer::tr("invalid WebSocket frame: a continuation frame with no message begun");
    case Problem::ExpectedContinuation:
        return SocketServer::tr("invalid WebSocket frame: a new message inside a fragmented one");
    case Problem::InvalidLength:
        return SocketServer::tr("invalid WebSocket frame: invalid payload length");
    case Problem::FrameTooLarge:
        return SocketServer::tr("WebSocket frame too large");
    case Problem::MessageTooLarge:
        return SocketServer::tr("WebSocket message too large");
    case Problem::InvalidUtf8:
        return SocketServer::tr("invalid UTF-8 in a text message");
    case Problem::None:
        break;
    }
    return QString();
}

} // namespace

ServerWebSocket::ServerWebSocket(Transport *transport, QObject *parent)
    : QObject(parent)
    , m_transport(transport)
{
    transport->setParent(this);
    m_peerAddress = transport->peerAddress();
    m_peerPort = transport->peerPort();
    m_reader.setRequireMask(true); // the peer is a client (RFC 6455 §5.1)
    m_clock.start();
    if (transport->isConnected()) {
        m_state = State::Handshake;
        connect(transport, &Transport::disconnected, this, &ServerWebSocket::onTcpDisconnected);
    }
}

ServerWebSocket::~ServerWebSocket()
{
    setArmedCounter(nullptr);
}

void ServerWebSocket::startHandshake(const QStringList &allowedOrigins)
{
    if (m_state != State::Handshake || !m_transport)
        return;
    m_allowedOrigins = allowedOrigins;
    connect(m_transport, &Transport::readyRead, this, &ServerWebSocket::onReadyRead);
    onReadyRead(); // what came with the TLS handshake has no readyRead of its own
}

void ServerWebSocket::onReadyRead()
{
    switch (m_state) {
    case State::Handshake:
        readHandshake();
        return;
    case State::Open:
    case State::Closing:
        if (!m_closeFrameReceived && m_request.verdict() == WebSocketHandshake::Verdict::Upgrade) {
            readFrames();
            return;
        }
        break;
    case State::Closed:
        break;
    }
    // Nothing is read any more (the peer's close frame came, or the handshake was
    // refused): what still arrives is discarded, and the end of the stream noticed.
    char buffer[4096];
    qint64 got = 0;
    while (m_transport && (got = m_transport->read(buffer, sizeof buffer)) > 0) {
    }
    if (got < 0 && m_transport)
        m_transport->disconnectFromHost(); // the peer ended its stream: so do we
}

void ServerWebSocket::readHandshake()
{
    const qsizetype before = m_input.size();
    // All there is, up to one byte over the limit (such a request is refused below).
    for (;;) {
        const qsizetype at = m_input.size();
        const qsizetype room = WebSocketHandshake::MaxRequestSize + 1 - at;
        if (room <= 0)
            break;
        m_input.resize(at + std::min<qsizetype>(room, 4096));
        const qint64 got = m_transport->read(m_input.data() + at, m_input.size() - at);
        m_input.truncate(at + qsizetype(std::max<qint64>(got, 0)));
        if (got < 0)
            m_inputEnded = true; // what came is still answered (a request, then a half-close)
        if (got <= 0)
            break;
    }
    // Only the new bytes can complete the blank line: no rescan of the whole head.
    const qsizetype from = std::max<qsizetype>(0, before - 3);
    qsizetype end = WebSocketHandshake::headEnd(QByteArrayView(m_input).sliced(from));
    if (end >= 0)
        end += from;
    if (end < 0 && m_input.size() <= WebSocketHandshake::MaxRequestSize) {
        if (m_inputEnded) // no more to come
            m_transport->disconnectFromHost();
        return; // more to come
    }
    if (end < 0 || end > WebSocketHandshake::MaxRequestSize)
        end = -1;
    if (end < 0) {
        m_request = WebSocketHandshake();
        m_request.refuse(WebSocketHandshake::Verdict::BadRequest,
                         SocketServer::tr("the request head is larger than %1 bytes").arg(WebSocketHandshake::MaxRequestSize));
    } else {
        m_request = WebSocketHandshake::parse(QByteArrayView(m_input).first(end));
    }
    if (m_request.verdict() == WebSocketHandshake::Verdict::Upgrade && !m_allowedOrigins.isEmpty()) {
        // Browsers always send an Origin; other clients usually do not.
        const QString origin = QString::fromUtf8(m_request.header("origin"));
        if (!origin.isEmpty() && !m_allowedOrigins.contains(origin))
            m_request.refuse(WebSocketHandshake::Verdict::Forbidden,
                             SocketServer::tr("Origin %1 is not in allowedOrigins").arg(origin));
    }
    m_allowedOrigins.clear();
    m_transport->write(m_request.response());
    if (m_request.verdict() != WebSocketHandshake::Verdict::Upgrade) {
        m_input = QByteArray();
        m_state = State::Closing;
        QPointer<ServerWebSocket> guard(this);
        Q_EMIT handshakeFailed(m_request.problem());
        if (guard && m_transport)
            m_transport->disconnectFromHost(); // after the answer is written
        return;
    }
    m_state = State::Open;
    m_input.remove(0, end); // frames may follow the request at once
    m_inputPos = 0;
    QPointer<ServerWebSocket> guard(this);
    Q_EMIT opened();
    if (guard)
        readFrames();
}

void ServerWebSocket::readFrames()
{
    QPointer<ServerWebSocket> guard(this);
    const Batch batch(this); // the answers to the messages of one read go out together
    char buffer[32768];
    auto reading = [this] {
        return !m_paused && m_transport && !m_closeFrameReceived && (m_state == State::Open || m_state == State::Closing);
    };
    // Fairness: one connection reads at most this much per turn of the event loop, so
    // a peer that never stops sending (frames that cost little each and count for no
    // rate limit, such as pings or empty fragments) cannot hold the worker's thread.
    qint64 budget = ReadBudget;
    bool yielded = false;
    // A read shorter than the buffer emptied the socket: another would only say so
    // (a system call per wake-up saved; the notifier is level-triggered, so bytes that
    // come meanwhile still wake it).
    bool drained = false;
    while (reading()) {
        // First what was left unread before a pause, then what the peer sends.
        QByteArray leftover = std::exchange(m_input, QByteArray());
        QByteArrayView input = QByteArrayView(leftover).sliced(std::min(m_inputPos, leftover.size()));
        m_inputPos = 0;
        if (input.isEmpty() && m_inputEnded)
            break;
        if (input.isEmpty()) {
            if (drained)
                break;
            if (budget <= 0) {
                yielded = true;
                break;
            }
            const qint64 got = m_transport->read(buffer, sizeof buffer);
            if (got < 0)
                m_inputEnded = true; // answered below, then closed
            if (got <= 0)
                break; // nothing now (readyRead() comes), or the end of the stream
            budget -= got;
            drained = got < qint64(sizeof buffer);
            m_lastReadAt = m_clock.elapsed(); // once per read, not per message
            input = QByteArrayView(buffer, qsizetype(got));
        }
        qsizetype pos = 0;
        while (pos < input.size()) {
            FrameReader::Event event = m_reader.next(input, &pos);
            switch (event.type) {
            case FrameReader::Event::Type::None:
                break;
            case FrameReader::Event::Type::Message:
                stopDeadline(); // the next message has its own
                if (m_state != State::Open)
                    break; // after the server's close frame, data is discarded (§5.5.1)
                Q_EMIT messageReceived(event.opcode == FrameReader::Opcode::Text ? InboundFrame::fromUtf8Text(event.payload)
                                                                                  : InboundFrame(event.payload));
                break;
            case FrameReader::Event::Type::Control:
                onControlFrame(event.opcode, event.payload);
                break;
            case FrameReader::Event::Type::Error:
                stopDeadline();
                if (m_state == State::Open) {
                    const int code = FrameReader::closeCode(event.problem);
                    const QString reason = describe(event.problem);
                    Q_EMIT protocolError(code, reason);
                    if (guard && m_state == State::Open)
                        close(code, reason);
                }
                break;
            }
            if (!guard)
                return;
            if (!reading())
                break;
        }
        // Paused (or closing) in the middle: the rest is read on resume().
        if (pos < input.size() && m_transport && !m_closeFrameReceived)
            m_input = input.sliced(pos).toByteArray() + m_input;
    }
    updateDeadline();
    if (m_inputEnded && !m_paused && m_input.isEmpty() && m_transport && m_state != State::Closed) {
        // The peer ended its stream without a close frame: what it asked is answered
        // (not while paused: a request may be away on the server's thread), then the
        // connection closes (it ends as lost: 1006).
        uncork();
        m_transport->disconnectFromHost();
        return;
    }
    if (yielded)
        scheduleRead(); // the rest on the next turn (a QSslSocket does not signal it again)
}

void ServerWebSocket::scheduleRead()
{
    if (std::exchange(m_readQueued, true))
        return;
    QMetaObject::invokeMethod(this, [this] {
        m_readQueued = false;
        if (m_state == State::Open || m_state == State::Closing)
            onReadyRead();
    }, Qt::QueuedConnection);
}

void ServerWebSocket::onControlFrame(FrameReader::Opcode opcode, const QByteArray &payload)
{
    switch (opcode) {
    case FrameReader::Opcode::Ping:
        if (m_state != State::Open)
            return;
        writeFrame(FrameWriter::Opcode::Pong, payload);
        // A peer that pings and never reads the pongs would make them pile up.
        if (m_maxQueued > 0 && bytesToWrite() > m_maxQueued)
            Q_EMIT sendBufferExceeded();
        return;
    case FrameReader::Opcode::Pong:
        return; // life, which the read itself recorded (msSinceLastRead())
    case FrameReader::Opcode::Close:
        onPeerClose(payload);
        return;
    default:
        return;
    }
}

void ServerWebSocket::onPeerClose(const QByteArray &payload)
{
    m_closeFrameReceived = true;
    if (m_state != State::Open) {
        finishClosing(); // the answer to the server's close frame
        return;
    }
    int problemCode = 0;
    QString problem;
    if (payload.size() == 1) {
        problemCode = 1002;
        problem = SocketServer::tr("invalid close frame: a payload of 1 byte");
    } else if (payload.size() >= 2) {
        m_peerCloseCode = qFromBigEndian<quint16>(payload.constData());
        const QByteArrayView reason = QByteArrayView(payload).sliced(2);
        if (!isValidCloseCode(m_peerCloseCode)) {
            problemCode = 1002;
            problem = SocketServer::tr("invalid close frame: close code %1").arg(m_peerCloseCode);
        } else if (!reason.isValidUtf8()) {
            problemCode = 1007;
            problem = SocketServer::tr("invalid close frame: the reason is not UTF-8");
        } else {
            m_peerCloseReason = QString::fromUtf8(reason);
        }
    }
    stopDeadline();
    if (problemCode) {
        QPointer<ServerWebSocket> guard(this);
        Q_EMIT protocolError(problemCode, problem);
        if (guard && m_state == State::Open)
            close(problemCode, problem);
        return;
    }
    // The answer echoes the peer's code (none if it sent none), then the server closes
    // the TCP connection first (§7.1.1).
    writeFrame(FrameWriter::Opcode::Close, QByteArrayView(payload).first(std::min<qsizetype>(2, payload.size())));
    m_state = State::Closing;
    finishClosing();
}

void ServerWebSocket::close(int code, const QString &reason)
{
    switch (m_state) {
    case State::Closed:
    case State::Closing:
        return;
    case State::Handshake:
        abort();
        return;
    case State::Open:
        break;
    }
    // The code, and as much of the reason as fits in a control frame, cut at a character.
    QByteArray payload(2, Qt::Uninitialized);
    qToBigEndian<quint16>(quint16(code), payload.data());
    QByteArray text = reason.toUtf8();
    if (text.size() > 123) {
        qsizetype cut = 123;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
            --cut;
        text.truncate(cut);
    }
    payload += text;
    writeFrame(FrameWriter::Opcode::Close, payload);
    uncork();
    m_state = State::Closing;
    stopDeadline();
    // A peer that never answers (or does not read) is cut off.
    m_closeTimer = new QTimer(this);
    m_closeTimer->setSingleShot(true);
    connect(m_closeTimer, &QTimer::timeout, this, [this] {
        if (m_transport && bytesToWrite() == 0)
            m_transport->disconnectFromHost();
        else
            abort();
    });
    m_closeTimer->start(CloseHandshakeTimeout);
    if (m_closeFrameReceived) {
        finishClosing();
        return;
    }
    // Read on, for the peer's close frame (what comes before it is discarded).
    if (m_paused) {
        m_paused = false;
        if (m_transport)
            m_transport->setReading(true);
    }
    scheduleRead();
}

void ServerWebSocket::finishClosing()
{
    if (m_state != State::Closing || !m_transport || !m_transport->isConnected())
        return;
    m_input = QByteArray();
    m_inputPos = 0;
    if (!m_closeTimer) {
        // Written, but not necessarily taken by a peer that does not read.
        m_closeTimer = new QTimer(this);
        m_closeTimer->setSingleShot(true);
        connect(m_closeTimer, &QTimer::timeout, this, &ServerWebSocket::abort);
        m_closeTimer->start(CloseHandshakeTimeout);
    }
    uncork();
    m_transport->disconnectFromHost(); // once what is queued is written
}

void ServerWebSocket::abort()
{
    if (m_state == State::Closed)
        return;
    m_corked = QByteArray();
    m_corkedSize = 0;
    if (m_transport)
        m_transport->abort();
    onTcpDisconnected(); // also if it was not connected
}

void ServerWebSocket::onTcpDisconnected()
{
    if (m_disconnectedEmitted)
        return;
    m_disconnectedEmitted = true;
    m_state = State::Closed;
    stopDeadline();
    m_input = QByteArray();
    m_inputPos = 0;
    delete std::exchange(m_closeTimer, nullptr);
    Q_EMIT disconnected();
}

void ServerWebSocket::ping()
{
    if (m_state == State::Open)
        writeFrame(FrameWriter::Opcode::Ping, QByteArrayView());
}

bool ServerWebSocket::sendFrame(FrameWriter::Opcode opcode, const QByteArray &payload)
{
    return m_state == State::Open && writeFrame(opcode, payload);
}

bool ServerWebSocket::writeFrame(FrameWriter::Opcode opcode, QByteArrayView payload)
{
    if (!m_transport)
        return false;
    char head[FrameWriter::MaxHeaderSize];
    const int headSize = FrameWriter::header(opcode, quint64(payload.size()), head);
    if (m_corkDepth == 0)
        return m_transport->write(QByteArrayView(head, headSize), payload);
    // Copied in place: QByteArray::append() cost more than the copy for small frames.
    const qsizetype needed = m_corkedSize + headSize + payload.size();
    if (needed > m_corked.size())
        m_corked.resize(std::max({needed, qsizetype(4096), 2 * m_corked.size()}));
    char *out = m_corked.data() + m_corkedSize;
    std::memcpy(out, head, size_t(headSize));
    if (!payload.isEmpty())
        std::memcpy(out + headSize, payload.data(), size_t(payload.size()));
    m_corkedSize = needed;
    return true;
}

void ServerWebSocket::uncork()
{
    if (m_corkedSize > 0 && m_transport && m_transport->isConnected())
        m_transport->write(QByteArrayView(m_corked.constData(), m_corkedSize));
    m_corked = QByteArray(); // an idle connection holds no buffer
    m_corkedSize = 0;
}

qint64 ServerWebSocket::bytesToWrite() const
{
    return m_corkedSize + (m_transport ? m_transport->bytesToWrite() : 0);
}

bool ServerWebSocket::flush()
{
    uncork();
    return m_transport && m_transport->flush();
}

void ServerWebSocket::pause()
{
    if (m_paused)
        return;
    m_paused = true;
    stopDeadline();
    if (m_transport)
        m_transport->setReading(false);
}

void ServerWebSocket::resume()
{
    if (!m_paused)
        return;
    m_paused = false;
    if (m_transport)
        m_transport->setReading(true);
    // What was read before the pause (and what Qt holds) gets no readyRead of its own.
    scheduleRead();
    updateDeadline();
}

void ServerWebSocket::setArmedCounter(ArmedDeadlines *counter)
{
    if (m_armed && m_deadlineAt >= 0)
        --m_armed->count;
    m_armed = counter;
    if (m_armed && m_deadlineAt >= 0 && m_armed->count++ == 0 && m_armed->wake)
        m_armed->wake();
}

void ServerWebSocket::updateDeadline()
{
    if (m_state == State::Open && !m_paused && m_reader.inMessage()) {
        if (m_deadlineAt < 0)
            startDeadline();
    } else {
        stopDeadline();
    }
}

void ServerWebSocket::startDeadline()
{
    if (m_messageTimeout <= 0)
        return;
    if (m_deadlineAt < 0 && m_armed && m_armed->count++ == 0 && m_armed->wake)
        m_armed->wake();
    m_deadlineAt = m_clock.elapsed() + m_messageTimeout;
}

void ServerWebSocket::stopDeadline()
{
    if (m_deadlineAt >= 0 && m_armed)
        --m_armed->count;
    m_deadlineAt = -1;
}

void ServerWebSocket::checkDeadline()
{
    if (m_deadlineAt < 0 || m_clock.elapsed() < m_deadlineAt)
        return;
    stopDeadline();
    Q_EMIT messageTimedOut();
}

} // namespace Stonyx::Sockets
