// SPDX-License-Identifier: MIT
#include "transport_p.h"

#include <QSocketNotifier>
#include <QTcpSocket>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace Stonyx::Sockets {

DescriptorTransport::DescriptorTransport(qintptr descriptor, QObject *parent)
    : Transport(parent)
    , m_descriptor(int(descriptor))
{
    const int flags = ::fcntl(m_descriptor, F_GETFL);
    if (flags >= 0 && !(flags & O_NONBLOCK))
        ::fcntl(m_descriptor, F_SETFL, flags | O_NONBLOCK);
    ::fcntl(m_descriptor, F_SETFD, FD_CLOEXEC);
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getpeername(m_descriptor, reinterpret_cast<sockaddr *>(&address), &length) == 0) {
        m_peerAddress = QHostAddress(reinterpret_cast<const sockaddr *>(&address));
        if (address.ss_family == AF_INET)
            m_peerPort = ntohs(reinterpret_cast<const sockaddr_in *>(&address)->sin_port);
        else if (address.ss_family == AF_INET6)
            m_peerPort = ntohs(reinterpret_cast<const sockaddr_in6 *>(&address)->sin6_port);
    }
    m_readNotifier = new QSocketNotifier(m_descriptor, QSocketNotifier::Read, this);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &DescriptorTransport::onReadable);
    m_writeNotifier = new QSocketNotifier(m_descriptor, QSocketNotifier::Write, this);
    m_writeNotifier->setEnabled(false);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &DescriptorTransport::onWritable);
}

DescriptorTransport::~DescriptorTransport()
{
    closeDescriptor();
}

void DescriptorTransport::closeDescriptor()
{
    if (m_descriptor < 0)
        return;
    // The notifiers go first: a notifier must not outlive (or watch a reused) descriptor.
    delete std::exchange(m_readNotifier, nullptr);
    delete std::exchange(m_writeNotifier, nullptr);
    ::close(std::exchange(m_descriptor, -1));
    m_queue = QByteArray();
    m_queueHead = 0;
}

void DescriptorTransport::onReadable()
{
    // Level-triggered: called again while bytes are left, so a reader may read part
    // and go back to the event loop (fairness); a reader that stops reading pauses
    // (setReading(false)).
    Q_EMIT readyRead();
}

qint64 DescriptorTransport::read(char *data, qint64 maxSize)
{
    if (m_descriptor < 0 || m_readEnded)
        return -1;
    ssize_t got;
    do {
        got = ::recv(m_descriptor, data, size_t(maxSize), 0);
    } while (got < 0 && errno == EINTR);
    if (got > 0)
        return got;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 0; // all read: the notifier wakes the reader for the next bytes
    if (got == 0) {
        // The peer's end of the stream: it may still read (a half-close, after its
        // last request). The reader answers what it read, then disconnectFromHost().
        m_readEnded = true;
        delete std::exchange(m_readNotifier, nullptr);
        return -1;
    }
    // The connection failed (a reset): gone. Reported from the event loop, not from
    // inside the caller's read.
    closeDescriptor();
    QMetaObject::invokeMethod(this, &DescriptorTransport::disconnected, Qt::QueuedConnection);
    return -1;
}

void DescriptorTransport::setReading(bool reading)
{
    m_reading = reading;
    if (m_readNotifier && m_readNotifier->isEnabled() != reading)
        m_readNotifier->setEnabled(reading);
}

bool DescriptorTransport::write(QByteArrayView head, QByteArrayView payload)
{
    if (m_descriptor < 0 || m_closeWhenWritten)
        return false;
    qsizetype done = 0;
    if (bytesToWrite() == 0) {
        // Straight from the caller's memory, header and payload in one call.
        iovec parts[2] = {{const_cast<char *>(head.data()), size_t(head.size())},
                          {const_cast<char *>(payload.data()), size_t(payload.size())}};
        msghdr message{};
        message.msg_iov = parts;
        message.msg_iovlen = payload.isEmpty() ? 1 : 2;
        ssize_t sent;
        do {
            sent = ::sendmsg(m_descriptor, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
        } while (sent < 0 && errno == EINTR);
        if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            closeDescriptor();
            QMetaObject::invokeMethod(this, &DescriptorTransport::disconnected, Qt::QueuedConnection);
            return false;
        }
        done = std::max<qsizetype>(sent, 0);
        if (done == head.size() + payload.size())
            return true;
    }
    // The rest waits until the kernel takes more.
    if (done < head.size())
        m_queue.append(head.sliced(done));
    m_queue.append(payload.sliced(std::max<qsizetype>(done - head.size(), 0)));
    m_writeNotifier->setEnabled(true);
    return true;
}

bool DescriptorTransport::flush()
{
    if (m_descriptor < 0 || bytesToWrite() == 0)
        return false;
    const qsizetype before = bytesToWrite();
    onWritable();
    return bytesToWrite() < before;
}

void DescriptorTransport::onWritable()
{
    while (m_descriptor >= 0 && bytesToWrite() > 0) {
        const ssize_t sent = ::send(m_descriptor, m_queue.constData() + m_queueHead, size_t(bytesToWrite()),
                                    MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return; // still full: the notifier calls again
        if (sent < 0) {
            closeDescriptor();
            Q_EMIT disconnected();
            return;
        }
        m_queueHead += sent;
    }
    if (m_descriptor < 0)
        return;
    m_queue = QByteArray();
    m_queueHead = 0;
    m_writeNotifier->setEnabled(false);
    if (m_closeWhenWritten) {
        closeDescriptor();
        Q_EMIT disconnected();
    }
}

void DescriptorTransport::disconnectFromHost()
{
    if (m_descriptor < 0)
        return;
    m_closeWhenWritten = true;
    if (bytesToWrite() == 0) {
        closeDescriptor();
        Q_EMIT disconnected();
    }
}

void DescriptorTransport::abort()
{
    if (m_descriptor < 0)
        return;
    closeDescriptor();
    Q_EMIT disconnected();
}

SocketTransport::SocketTransport(QTcpSocket *socket, QObject *parent)
    : Transport(parent)
    , m_socket(socket)
    , m_peerAddress(socket->peerAddress())
    , m_peerPort(socket->peerPort())
{
    socket->setParent(this);
    connect(socket, &QIODevice::readyRead, this, &Transport::readyRead);
    connect(socket, &QAbstractSocket::disconnected, this, [this] {
        if (!std::exchange(m_disconnected, true))
            Q_EMIT disconnected();
    });
}

bool SocketTransport::isConnected() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

qint64 SocketTransport::read(char *data, qint64 maxSize)
{
    if (!m_socket)
        return -1;
    const qint64 got = m_socket->read(data, maxSize);
    if (got > 0)
        return got;
    return m_socket->state() == QAbstractSocket::ConnectedState ? 0 : -1;
}

void SocketTransport::setReading(bool reading)
{
    // Qt stops reading from the kernel once its buffer holds this much (0: no limit).
    if (m_socket)
        m_socket->setReadBufferSize(reading ? 0 : 1);
}

bool SocketTransport::write(QByteArrayView head, QByteArrayView payload)
{
    if (!isConnected())
        return false;
    if (payload.isEmpty())
        return m_socket->write(head.data(), head.size()) == head.size();
    // One write: a header and a payload written apart could become two TCP segments,
    // the second held back by Nagle's algorithm until the first is acknowledged.
    QByteArray bytes(head.size() + payload.size(), Qt::Uninitialized);
    memcpy(bytes.data(), head.data(), size_t(head.size()));
    memcpy(bytes.data() + head.size(), payload.data(), size_t(payload.size()));
    return m_socket->write(bytes) == bytes.size();
}

qint64 SocketTransport::bytesToWrite() const
{
    return m_socket ? m_socket->bytesToWrite() : 0;
}

bool SocketTransport::flush()
{
    return m_socket && m_socket->flush();
}

void SocketTransport::disconnectFromHost()
{
    if (m_socket)
        m_socket->disconnectFromHost();
}

void SocketTransport::abort()
{
    if (m_socket)
        m_socket->abort();
}

} // namespace Stonyx::Sockets
