// SPDX-License-Identifier: MIT
#include "inboundmonitor_p.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QThread>
#include <QTimer>
#include <QSslSocket>
#include <QWebSocket>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace Stonyx::Sockets {

namespace {

// Owns a duplicate of a closed connection's descriptor: reads and discards what the
// peer still sends until its close frame (or the end of the stream) arrives, or the
// deadline passes; then closes. Refers to nothing else, so it may outlive the server.
class LingeringClose final : public QObject
{
public:
    // On the application's thread a child of the application (deleted at exit at the
    // latest); on a server's worker thread a child of \a keeper, the holder of the
    // worker's sockets, which goes when the worker's clients are gone.
    LingeringClose(int descriptor, const FrameScanner &scanner, bool canScan, int timeout, QObject *keeper)
        : QObject(QCoreApplication::instance() && QCoreApplication::instance()->thread() == QThread::currentThread()
                      ? QCoreApplication::instance()
                      : keeper)
        , m_descriptor(descriptor)
        , m_scanner(scanner)
        , m_canScan(canScan)
        , m_notifier(descriptor, QSocketNotifier::Read, this)
    {
        connect(&m_notifier, &QSocketNotifier::activated, this, &LingeringClose::onReadable);
        m_deadline.setSingleShot(true);
        connect(&m_deadline, &QTimer::timeout, this, &LingeringClose::finish);
        m_deadline.start(timeout);
    }

    ~LingeringClose() override
    {
        if (m_descriptor >= 0)
            ::close(m_descriptor);
    }

private:
    void onReadable()
    {
        char buffer[16384];
        for (;;) {
            const ssize_t n = ::read(m_descriptor, buffer, sizeof buffer);
            if (n > 0) {
                // The peer's close frame ends the handshake. Over TLS the bytes are
                // records, not frames: wait for the end of the stream instead.
                if (m_canScan && m_scanner.feed(QByteArrayView(buffer, n)).closeFrame)
                    return finish();
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return;
            if (n < 0 && errno == EINTR)
                continue;
            return finish(); // end of stream or error
        }
    }

    void finish()
    {
        m_notifier.setEnabled(false);
        m_deadline.stop();
        ::close(std::exchange(m_descriptor, -1));
        deleteLater();
    }

    int m_descriptor;
    FrameScanner m_scanner;
    bool m_canScan;
    QSocketNotifier m_notifier;
    QTimer m_deadline;
};

} // namespace

InboundMonitor::InboundMonitor(QTcpSocket *tcp, int messageTimeout, QObject *parent)
    : QObject(parent)
    , m_tcp(tcp)
    , m_timeout(messageTimeout)
{
    m_clock.start();
    m_scanner.setRequireMask(true); // the peer is a client
    // Connected before Qt's own slots exist: runs before they read the new bytes.
    connect(tcp, &QIODevice::readyRead, this, &InboundMonitor::onReadyRead);
}

void InboundMonitor::attach(QWebSocket *socket)
{
    if (m_socket || !m_tcp)
        return;
    m_socket = socket;
    // After Qt's slot (direct in Qt 6.4.2): what it left unread. Queued: in case it reads later.
    connect(m_tcp, &QIODevice::readyRead, this, &InboundMonitor::onProcessed);
    connect(m_tcp, &QIODevice::readyRead, this, &InboundMonitor::onProcessed, Qt::QueuedConnection);
    connect(socket, &QWebSocket::aboutToClose, this, &InboundMonitor::onAboutToClose);
    // Bytes that arrived with the handshake and are still unread: scan them now.
    onReadyRead();
}

InboundMonitor::~InboundMonitor()
{
    setArmedCounter(nullptr);
}

void InboundMonitor::setArmedCounter(ArmedDeadlines *counter)
{
    if (m_armed && deadlineActive())
        --m_armed->count;
    m_armed = counter;
    if (m_armed && deadlineActive() && m_armed->count++ == 0 && m_armed->wake)
        m_armed->wake();
}

void InboundMonitor::startDeadline()
{
    if (m_timeout <= 0)
        return;
    if (!deadlineActive() && m_armed && m_armed->count++ == 0 && m_armed->wake)
        m_armed->wake();
    m_deadlineAt = m_clock.elapsed() + m_timeout;
}

void InboundMonitor::stopDeadline()
{
    if (deadlineActive() && m_armed)
        --m_armed->count;
    m_deadlineAt = -1;
}

void InboundMonitor::checkDeadline()
{
    if (!deadlineActive() || m_clock.elapsed() < m_deadlineAt)
        return;
    stopDeadline();
    Q_EMIT messageTimedOut();
}

void InboundMonitor::onReadyRead()
{
    if (!m_tcp || !m_socket)
        return; // not yet upgraded: the bytes are the HTTP handshake
    const qint64 available = m_tcp->bytesAvailable();
    if (available < m_known) // consumed outside the queued slot: nothing new
        m_known = available;
    const qint64 fresh = available - m_known;
    m_known = available;
    if (fresh <= 0 || m_scanner.skip(quint64(fresh)))
        return;
    // The new bytes are the last ones in the buffer; peek() copies from its start.
    const QByteArray buffered = m_tcp->peek(available);
    scan(QByteArrayView(buffered).sliced(buffered.size() - fresh));
}

void InboundMonitor::onProcessed()
{
    if (m_tcp)
        m_known = std::min(m_known, m_tcp->bytesAvailable());
}

void InboundMonitor::scan(QByteArrayView bytes)
{
    const FrameScanner::Events events = m_scanner.feed(bytes);
    if (events.closeFrame)
        m_closeFrameReceived = true;
    if (events.invalid) {
        stopDeadline();
        Q_EMIT invalidFrame();
        return;
    }
    if (events.messageEnded || !m_scanner.inMessage())
        stopDeadline();
    if (m_scanner.inMessage() && !m_paused && !deadlineActive())
        startDeadline();
}

void InboundMonitor::pause()
{
    if (m_paused || !m_tcp)
        return;
    m_paused = true;
    stopDeadline();
    m_tcp->setReadBufferSize(1); // Qt stops reading from the kernel once it holds a byte
}

void InboundMonitor::holdPaused()
{
    // A readyRead without new bytes: Qt's frame reader stops its wait timer, looks at
    // the (unchanged) buffer and starts a new wait. Our own slots see nothing new.
    if (m_paused && m_tcp)
        Q_EMIT m_tcp->readyRead();
}

void InboundMonitor::resume()
{
    if (!m_paused)
        return;
    m_paused = false;
    if (!m_tcp)
        return;
    m_tcp->setReadBufferSize(0); // unlimited again: Qt reads on
    if (m_scanner.inMessage())
        startDeadline();
}

void InboundMonitor::onAboutToClose()
{
    stopDeadline();
    // Emitted once by QWebSocket when it sends its close frame (our close, Qt's own for
    // a protocol error, or the answer to the peer's close), and again by the TCP socket.
    // Only when the server closes first does the peer still owe its close frame.
    if (m_closeFrameSent || m_closeFrameReceived || !m_tcp || m_tcp->state() != QAbstractSocket::ConnectedState)
        return;
    m_closeFrameSent = true;
    const qintptr descriptor = m_tcp->socketDescriptor();
    if (descriptor < 0)
        return;
    const int duplicate = ::fcntl(int(descriptor), F_DUPFD_CLOEXEC, 0);
    if (duplicate < 0)
        return; // out of descriptors: Qt's immediate close it is
    const bool canScan = qobject_cast<QSslSocket *>(m_tcp.data()) == nullptr;
    new LingeringClose(duplicate, m_scanner, canScan, CloseHandshakeTimeout, m_tcp ? m_tcp->parent() : nullptr);
}

} // namespace Stonyx::Sockets
