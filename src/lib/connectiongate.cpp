// SPDX-License-Identifier: MIT
#include "connectiongate_p.h"
#include "socketserver.h"

#include <QLoggingCategory>
#include <QMutexLocker>

#include <limits>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Stonyx::Sockets {

Q_DECLARE_LOGGING_CATEGORY(lcServer)

ConnectionGate::ConnectionGate(QObject *parent)
    : QObject(parent)
{
    m_clock.start();
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &ConnectionGate::resumeAccepting);
    m_logFlush.setSingleShot(true);
    connect(&m_logFlush, &QTimer::timeout, this, [this] { flushLog(); });
}

ConnectionGate::~ConnectionGate()
{
    close();
    flushLog(true);
}

bool ConnectionGate::listen(const QHostAddress &address, quint16 port, int backlog, const Caps &caps, QString *errorString)
{
    close();
    m_caps = caps;
    auto fail = [&](int error) {
        if (errorString)
            *errorString = QString::fromLocal8Bit(strerror(error));
        if (m_descriptor >= 0)
            ::close(std::exchange(m_descriptor, -1));
        return false;
    };
    // "Any" listens on both IPv6 and IPv4 (a dual-stack socket), as QTcpServer does.
    const bool any = address == QHostAddress::Any;
    const bool v6 = any || address.protocol() == QAbstractSocket::IPv6Protocol;
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (v6) {
        auto *in6 = reinterpret_cast<sockaddr_in6 *>(&storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        const Q_IPV6ADDR bytes = any ? QHostAddress(QHostAddress::AnyIPv6).toIPv6Address() : address.toIPv6Address();
        memcpy(&in6->sin6_addr, &bytes, sizeof bytes);
        in6->sin6_scope_id = uint32_t(address.scopeId().toUInt());
        length = sizeof(sockaddr_in6);
    } else {
        auto *in4 = reinterpret_cast<sockaddr_in *>(&storage);
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        in4->sin_addr.s_addr = htonl(address.toIPv4Address());
        length = sizeof(sockaddr_in);
    }
    m_descriptor = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_descriptor < 0)
        return fail(errno);
    const int on = 1;
    const int off = 0;
    ::setsockopt(m_descriptor, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (any)
        ::setsockopt(m_descriptor, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    if (::bind(m_descriptor, reinterpret_cast<sockaddr *>(&storage), length) != 0)
        return fail(errno);
    // Qt's default backlog is 50: after a restart, thousands of reconnecting clients
    // would overflow it and each retry its SYN a second or more later.
    if (::listen(m_descriptor, backlog) != 0)
        return fail(errno);
    sockaddr_storage bound{};
    socklen_t boundLength = sizeof bound;
    if (::getsockname(m_descriptor, reinterpret_cast<sockaddr *>(&bound), &boundLength) != 0)
        return fail(errno);
    m_address = QHostAddress(reinterpret_cast<const sockaddr *>(&bound));
    m_port = ntohs(v6 ? reinterpret_cast<const sockaddr_in6 *>(&bound)->sin6_port
                      : reinterpret_cast<const sockaddr_in *>(&bound)->sin_port);
    if (any)
        m_address = QHostAddress(QHostAddress::Any);
    m_notifier = new QSocketNotifier(m_descriptor, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &ConnectionGate::onReadable);
    return true;
}

void ConnectionGate::close()
{
    m_retry.stop();
    m_pausedForResources.store(false);
    m_resourceLogged = false;
    delete std::exchange(m_notifier, nullptr);
    if (m_descriptor >= 0)
        ::close(std::exchange(m_descriptor, -1));
    m_port = 0;
    QMutexLocker locker(&m_mutex);
    m_total = 0;
    m_perAddress.clear();
}

bool ConnectionGate::isListening() const
{
    return m_descriptor >= 0;
}

QHostAddress ConnectionGate::serverAddress() const
{
    return isListening() ? m_address : QHostAddress();
}

quint16 ConnectionGate::serverPort() const
{
    return m_port;
}

void ConnectionGate::onReadable()
{
    // Bounded: other events get their turn under a flood of connections.
    for (int i = 0; i < 256 && m_descriptor >= 0 && !m_pausedForResources.load(); ++i) {
        sockaddr_storage storage{};
        socklen_t length = sizeof storage;
        const int descriptor = ::accept4(m_descriptor, reinterpret_cast<sockaddr *>(&storage), &length, SOCK_CLOEXEC);
        if (descriptor >= 0) {
            onDescriptor(descriptor, QHostAddress(reinterpret_cast<const sockaddr *>(&storage)));
            continue;
        }
        switch (errno) {
        case EINTR:
        case ECONNABORTED: // the peer gave up while queued
        case EPROTO:
            continue;
        case EMFILE:
        case ENFILE:
        case ENOBUFS:
        case ENOMEM:
            onResourceError(errno);
            return;
        default: // EAGAIN: nothing left to accept
            return;
        }
    }
}

void ConnectionGate::onDescriptor(qintptr descriptor, const QHostAddress &peerAddress)
{
    // Accepting works again: a later shortage is worth a log line of its own.
    m_resourceLogged = false;
    QHostAddress peer = peerAddress;
    // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d: show them as a.b.c.d.
    bool isV4 = false;
    const quint32 v4 = peer.toIPv4Address(&isV4);
    if (isV4 && peer.protocol() == QAbstractSocket::IPv6Protocol)
        peer = QHostAddress(v4);
    const QString address = peer.toString();
    QString reason;
    {
        QMutexLocker locker(&m_mutex);
        const int fromAddress = m_perAddress.value(address);
        if (m_caps.maxTotal > 0 && m_total >= m_caps.maxTotal)
            reason = SocketServer::tr("%n unauthenticated connection(s) open in total", nullptr, m_total);
        else if (m_caps.maxPerAddress > 0 && fromAddress >= m_caps.maxPerAddress)
            reason = SocketServer::tr("%n unauthenticated connection(s) open from this address", nullptr, fromAddress);
        if (reason.isEmpty()) {
            ++m_total;
            ++m_perAddress[address];
        }
    }
    if (!reason.isEmpty()) {
        // Refused before the WebSocket (or TLS) handshake costs anything.
        ::close(int(descriptor));
        int summary = 0;
        if (m_refusedLog.allow(m_clock.elapsed(), &summary)) {
            if (summary > 0)
                qCWarning(lcServer, "Refused %d more connections in the last %lld s (last: %s)", summary,
                          m_refusedLog.interval() / 1000, qUtf8Printable(m_lastRefusal));
            qCWarning(lcServer, "Refusing a connection from %s: %s", qUtf8Printable(address), qUtf8Printable(reason));
        } else if (!m_logFlush.isActive()) {
            m_logFlush.start(int(m_refusedLog.interval()));
        }
        m_lastRefusal = address + QStringLiteral(": ") + reason;
        Q_EMIT refused(address, reason);
        return;
    }
    if (m_sink)
        m_sink(descriptor, peer, address);
    else
        ::close(int(descriptor));
}

void ConnectionGate::flushLog(bool force)
{
    // The interval that started with the first refusal may not be over yet: wait for it.
    const int suppressed = m_refusedLog.suppressed();
    if (suppressed <= 0)
        return;
    if (m_refusedLog.takeSuppressed(force ? std::numeric_limits<qint64>::max() / 2 : m_clock.elapsed()) == 0) {
        if (!m_logFlush.isActive())
            m_logFlush.start(1000);
        return;
    }
    qCWarning(lcServer, "Refused %d more connections in the last %lld s (last: %s)", suppressed,
              m_refusedLog.interval() / 1000, qUtf8Printable(m_lastRefusal));
}

void ConnectionGate::leave(const QString &address)
{
    QMutexLocker locker(&m_mutex);
    if (m_total > 0)
        --m_total;
    const auto it = m_perAddress.find(address);
    if (it != m_perAddress.end() && --*it <= 0)
        m_perAddress.erase(it);
}

int ConnectionGate::unauthenticated() const
{
    QMutexLocker locker(&m_mutex);
    return m_total;
}

int ConnectionGate::unauthenticatedFrom(const QString &address) const
{
    QMutexLocker locker(&m_mutex);
    return m_perAddress.value(address);
}

void ConnectionGate::onResourceError(int error)
{
    // Out of descriptors. The connection stays in the kernel's queue; trying again at
    // once would fail again (and spin): wait for a descriptor to be freed.
    m_notifier->setEnabled(false);
    m_pausedForResources.store(true);
    if (!m_resourceLogged) {
        m_resourceLogged = true;
        qCWarning(lcServer, "Cannot accept connections: %s. Paused until a connection closes; "
                  "raise the limit of open files (ulimit -n, LimitNOFILE) if this recurs",
                  strerror(error));
    }
    m_retry.start(ResourceRetryMs);
}

void ConnectionGate::connectionClosed()
{
    if (!m_pausedForResources.load())
        return; // the common case: nothing to do, nothing posted
    QMetaObject::invokeMethod(this, &ConnectionGate::resumeAccepting, Qt::QueuedConnection);
}

void ConnectionGate::resumeAccepting()
{
    if (!m_pausedForResources.load() || !m_notifier)
        return;
    m_pausedForResources.store(false);
    m_retry.stop();
    m_notifier->setEnabled(true);
    onReadable(); // the notifier may not fire for connections queued meanwhile
}

} // namespace Stonyx::Sockets
