// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library: the accept path of SocketServer ("the gate"). Not installed.
//
//  - Listens on a socket of its own (accept4() under a QSocketNotifier) and yields raw
//    descriptors: the socket objects, plain or TLS, are made by whoever serves the
//    connection. Not QTcpServer: Qt 6.4.2 takes accept()'s EMFILE for a temporary
//    error and, with the descriptor still readable, calls accept() again at once,
//    forever (a busy loop at full CPU, and no acceptError()).
//  - Applies the admission caps, maxUnauthenticated and maxUnauthenticatedPerAddress,
//    before any handshake work. The counts are kept up to date as connections enter
//    (accepted) and leave (authenticated, or gone before that): O(1) per connection,
//    no scans. enter() happens here; leave() may be called from any thread.
//  - Out of file descriptors (accept() fails with EMFILE/ENFILE, QTcpServer reports
//    acceptError(SocketResourceError)): stops accepting, logs once, and tries again
//    when a connection closes (connectionClosed()) or after a short retry timer;
//    never busy-loops on a listening socket it cannot accept from.
//  - Rate-limits its log lines about refused connections (LogThrottle).
//
// Thread affinity: lives on the server's thread; leave() and connectionClosed() are
// thread-safe (a mutex around the counts; a queued call for the resume).

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QMutex>
#include <QObject>
#include <QSocketNotifier>
#include <QString>
#include <QTimer>

#include <atomic>
#include <functional>

namespace Stonyx::Sockets {

/*!
    Lets the first \c burst events of each \c interval through and counts the rest, for
    a summary line when the interval is over. A plain value on a caller-supplied clock
    (ms), so that it can be tested without waiting.
*/
class LogThrottle
{
public:
    LogThrottle(int burst, qint64 intervalMs)
        : m_burst(burst)
        , m_interval(intervalMs)
    {
    }

    /*!
        An event at \a nowMs. Returns true if it may be logged in full. When an interval
        with suppressed events ended before \a nowMs, \a summary (if given) receives their
        count and the count restarts.
    */
    bool allow(qint64 nowMs, int *summary = nullptr)
    {
        if (summary)
            *summary = 0;
        if (m_start < 0 || nowMs - m_start >= m_interval) {
            if (summary)
                *summary = m_suppressed;
            m_start = nowMs;
            m_count = 0;
            m_suppressed = 0;
        }
        if (m_count < m_burst) {
            ++m_count;
            return true;
        }
        ++m_suppressed;
        return false;
    }

    /*! Events suppressed in the current interval, cleared: for a flush when no event comes. */
    int takeSuppressed(qint64 nowMs)
    {
        if (m_start < 0 || nowMs - m_start < m_interval)
            return 0;
        const int n = m_suppressed;
        m_start = -1;
        m_count = 0;
        m_suppressed = 0;
        return n;
    }

    /*! Events suppressed so far in the current interval. */
    int suppressed() const { return m_suppressed; }
    qint64 interval() const { return m_interval; }

private:
    int m_burst;
    qint64 m_interval;
    qint64 m_start = -1;
    int m_count = 0;
    int m_suppressed = 0;
};

class ConnectionGate : public QObject
{
    Q_OBJECT

public:
    /*! How many refusals per interval are logged in full, and the interval. */
    static constexpr int LogBurst = 5;
    static constexpr int LogIntervalMs = 10000;
    /*! How long accepting stays paused when out of descriptors, unless a connection closes first. */
    static constexpr int ResourceRetryMs = 500;

    struct Caps {
        int maxTotal = 0;      // 0: no cap
        int maxPerAddress = 0; // 0: no cap
    };

    explicit ConnectionGate(QObject *parent = nullptr);
    ~ConnectionGate() override;

    /*!
        Listens on \a address and \a port with \a backlog. Returns false with
        \a errorString on failure.
    */
    bool listen(const QHostAddress &address, quint16 port, int backlog, const Caps &caps, QString *errorString);
    /*! Stops listening (connections already handed over are not touched). */
    void close();
    bool isListening() const;
    QHostAddress serverAddress() const;
    quint16 serverPort() const;

    /*!
        Where admitted connections go: the accepted descriptor and the peer's address
        (already counted as entered). Called on the gate's thread. The callee owns the
        descriptor.
    */
    void setSink(std::function<void(qintptr descriptor, const QHostAddress &peer, const QString &address)> sink)
    {
        m_sink = std::move(sink);
    }

    /*! A connection admitted from \a address authenticated or went away. Thread-safe. */
    void leave(const QString &address);
    /*! Unauthenticated connections counted now (all addresses, or from \a address). Thread-safe. */
    int unauthenticated() const;
    int unauthenticatedFrom(const QString &address) const;
    /*! A connection closed: a descriptor is free again. Thread-safe. */
    void connectionClosed();

    /*! True while accepting is paused for lack of descriptors. */
    bool isPausedForResources() const { return m_pausedForResources.load(); }

Q_SIGNALS:
    /*! A connection from \a address was refused by a cap; \a reason is translated. */
    void refused(const QString &address, const QString &reason);

private:
    void onReadable();
    void onDescriptor(qintptr descriptor, const QHostAddress &peer);
    void onResourceError(int error);
    void resumeAccepting();
    void flushLog(bool force = false);

    int m_descriptor = -1;                  // the listening socket
    QSocketNotifier *m_notifier = nullptr;
    QHostAddress m_address;
    quint16 m_port = 0;
    Caps m_caps;
    std::function<void(qintptr, const QHostAddress &, const QString &)> m_sink;

    mutable QMutex m_mutex; // guards the two counts
    int m_total = 0;
    QHash<QString, int> m_perAddress;

    std::atomic<bool> m_pausedForResources{false};
    bool m_resourceLogged = false;
    QTimer m_retry;
    QElapsedTimer m_clock;
    LogThrottle m_refusedLog{LogBurst, LogIntervalMs};
    QString m_lastRefusal;
    QTimer m_logFlush;
};

} // namespace Stonyx::Sockets
