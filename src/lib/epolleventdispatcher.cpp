// SPDX-License-Identifier: MIT
#include "epolleventdispatcher_p.h"

#ifdef Q_OS_LINUX // the rest of the platforms keep Qt's dispatcher

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSocketNotifier>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <climits>
#include <vector>

Q_LOGGING_CATEGORY(lcDispatcher, "stonyx.sockets.dispatcher", QtWarningMsg)

namespace Stonyx::Sockets {

namespace {

constexpr qint64 NsPerMs = 1000000;

void removeQueued(std::multimap<qint64, int> *queue, qint64 due, int id)
{
    auto [it, end] = queue->equal_range(due);
    for (; it != end; ++it) {
        if (it->second == id) {
            queue->erase(it);
            return;
        }
    }
}

} // namespace

quint32 EpollEventDispatcher::Watch::events() const
{
    quint32 events = 0;
    if (read)
        events |= EPOLLIN;
    if (write)
        events |= EPOLLOUT;
    if (exception)
        events |= EPOLLPRI;
    return events;
}

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    m_wakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_epoll < 0 || m_wakeFd < 0) {
        qCWarning(lcDispatcher, "Cannot create an epoll instance or an eventfd: %s", strerror(errno));
        return;
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = m_wakeFd;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &event) != 0) {
        qCWarning(lcDispatcher, "Cannot watch the eventfd: %s", strerror(errno));
        ::close(m_wakeFd);
        m_wakeFd = -1;
    }
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    if (m_wakeFd >= 0)
        ::close(m_wakeFd);
    if (m_epoll >= 0)
        ::close(m_epoll);
}

qint64 EpollEventDispatcher::now()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupt.store(false, std::memory_order_relaxed);
    Q_EMIT awake();
    QCoreApplication::sendPostedEvents();
    int delivered = 0;
    if (m_interrupt.load(std::memory_order_relaxed))
        return false;

    const bool wait = flags.testFlag(QEventLoop::WaitForMoreEvents);
    const int timeout = wait ? waitTimeout() : 0;
    if (timeout != 0)
        Q_EMIT aboutToBlock();
    epoll_event events[256];
    int ready;
    do {
        ready = epoll_wait(m_epoll, events, int(std::size(events)), timeout);
    } while (ready < 0 && errno == EINTR);
    if (ready < 0) {
        qCWarning(lcDispatcher, "epoll_wait failed: %s", strerror(errno));
        ready = 0;
    }
    if (timeout != 0)
        Q_EMIT awake();

    for (int i = 0; i < ready; ++i) {
        const int fd = events[i].data.fd;
        if (fd == m_wakeFd) {
            drainWakeUp();
            continue;
        }
        if (flags.testFlag(QEventLoop::ExcludeSocketNotifiers))
            continue; // level-triggered: reported again on a later turn
        delivered += activateSocket(fd, events[i].events);
        if (m_interrupt.load(std::memory_order_relaxed))
            break;
    }
    if (!flags.testFlag(QEventLoop::X11ExcludeTimers) && !m_interrupt.load(std::memory_order_relaxed))
        delivered += activateTimers();
    return delivered > 0;
}

int EpollEventDispatcher::activateSocket(int fd, quint32 events)
{
    int delivered = 0;
    // Looked up again before each delivery: the one before may have unregistered or
    // deleted the next notifier.
    const auto deliver = [&](QSocketNotifier *Watch::*slot) {
        const auto it = m_watches.constFind(fd);
        if (it == m_watches.cend() || !(it.value().*slot))
            return;
        QEvent event(QEvent::SockAct);
        QCoreApplication::sendEvent(it.value().*slot, &event);
        ++delivered;
    };
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP))
        deliver(&Watch::read);
    if (events & (EPOLLOUT | EPOLLERR))
        deliver(&Watch::write);
    if (events & EPOLLPRI)
        deliver(&Watch::exception);
    return delivered;
}

void EpollEventDispatcher::drainWakeUp()
{
    eventfd_t value = 0;
    while (eventfd_read(m_wakeFd, &value) == 0) {
    }
    // Posts after this write the eventfd again; those before it are sent by the next
    // processEvents(), which the loop calls next.
    m_wakeUps.store(0, std::memory_order_release);
}

void EpollEventDispatcher::wakeUp()
{
    int expected = 0;
    if (m_wakeFd >= 0 && m_wakeUps.compare_exchange_strong(expected, 1, std::memory_order_acq_rel))
        eventfd_write(m_wakeFd, 1);
}

void EpollEventDispatcher::interrupt()
{
    m_interrupt.store(true, std::memory_order_relaxed);
    wakeUp();
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    Q_ASSERT(notifier);
    const int fd = int(notifier->socket());
    if (fd < 0)
        return;
    const auto it = m_watches.find(fd);
    const bool existed = it != m_watches.end();
    Watch watch = existed ? it.value() : Watch();
    QSocketNotifier **slot = nullptr;
    switch (notifier->type()) {
    case QSocketNotifier::Read:
        slot = &watch.read;
        break;
    case QSocketNotifier::Write:
        slot = &watch.write;
        break;
    case QSocketNotifier::Exception:
        slot = &watch.exception;
        break;
    }
    if (*slot && *slot != notifier)
        qCWarning(lcDispatcher, "Several socket notifiers of one type for socket %d: the last one is used", fd);
    *slot = notifier;
    m_watches.insert(fd, watch);
    updateWatch(fd, watch, existed);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    Q_ASSERT(notifier);
    const int fd = int(notifier->socket());
    const auto it = m_watches.find(fd);
    if (it == m_watches.end())
        return;
    Watch &watch = it.value();
    bool found = false;
    for (QSocketNotifier **slot : {&watch.read, &watch.write, &watch.exception}) {
        if (*slot == notifier) {
            *slot = nullptr;
            found = true;
        }
    }
    if (!found)
        return;
    const Watch remaining = watch;
    if (remaining.events() == 0) {
        m_watches.erase(it);
        // The descriptor may already be closed (the kernel then dropped it): no error.
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
        return;
    }
    updateWatch(fd, remaining, true);
}

void EpollEventDispatcher::updateWatch(int fd, const Watch &watch, bool existed)
{
    epoll_event event{};
    event.events = watch.events();
    event.data.fd = fd;
    int result = epoll_ctl(m_epoll, existed ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event);
    // A descriptor closed and reused while its old notifier was still registered is
    // new to the kernel; one added behind our back is known to it already.
    if (result != 0 && errno == ENOENT)
        result = epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event);
    else if (result != 0 && errno == EEXIST)
        result = epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event);
    if (result != 0)
        qCWarning(lcDispatcher, "Cannot watch socket %d: %s", fd, strerror(errno));
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    Timer timer;
    timer.id = timerId;
    timer.interval = std::max<qint64>(0, interval);
    timer.type = timerType;
    timer.object = object;
    timer.due = now() + timer.interval * NsPerMs;
    timer.serial = m_nextSerial++;
    unregisterTimer(timerId); // Qt never reuses a live id; this keeps the queue whole if it did
    m_timers.insert(timerId, timer);
    m_timerQueue.emplace(timer.due, timerId);
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return false;
    removeQueued(&m_timerQueue, it->due, timerId);
    m_timers.erase(it);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    QList<int> ids;
    for (const Timer &timer : std::as_const(m_timers)) {
        if (timer.object == object)
            ids.append(timer.id);
    }
    for (int id : std::as_const(ids))
        unregisterTimer(id);
    return !ids.isEmpty();
}

QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> timers;
    for (const Timer &timer : m_timers) {
        if (timer.object == object)
            timers.append(TimerInfo(timer.id, int(std::min<qint64>(timer.interval, INT_MAX)), timer.type));
    }
    return timers;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    const auto it = m_timers.constFind(timerId);
    if (it == m_timers.cend())
        return -1;
    const qint64 left = (it->due - now() + NsPerMs - 1) / NsPerMs;
    return int(std::clamp<qint64>(left, 0, INT_MAX));
}

int EpollEventDispatcher::waitTimeout() const
{
    // A timer whose event is still running (a nested loop inside it) is not waited
    // for: the nested loop would spin.
    auto next = m_timerQueue.cbegin();
    while (next != m_timerQueue.cend() && m_timers.value(next->second).firing)
        ++next;
    if (next == m_timerQueue.cend())
        return -1;
    const qint64 left = next->first - now();
    if (left <= 0)
        return 0;
    return int(std::min<qint64>((left + NsPerMs - 1) / NsPerMs, INT_MAX)); // rounded up: never early
}

int EpollEventDispatcher::activateTimers()
{
    const qint64 start = now();
    // Those due now, taken first: a timer (re)started by a timer event waits for the
    // next turn, so a 0 ms timer cannot keep this loop from the sockets.
    struct Due {
        int id;
        quint64 serial;
    };
    std::vector<Due> due;
    for (auto it = m_timerQueue.begin(); it != m_timerQueue.end() && it->first <= start; ++it) {
        const Timer &timer = m_timers.value(it->second);
        if (!timer.firing)
            due.push_back({timer.id, timer.serial});
    }
    int delivered = 0;
    for (const Due &d : due) {
        auto it = m_timers.find(d.id);
        if (it == m_timers.end() || it->serial != d.serial || it->firing)
            continue; // unregistered (or restarted) by an earlier timer event
        Timer &timer = it.value();
        // The next due time, before the event: the handler may restart or stop it.
        removeQueued(&m_timerQueue, timer.due, timer.id);
        timer.due += timer.interval * NsPerMs;
        if (timer.due <= start)
            timer.due = start + timer.interval * NsPerMs; // fell behind: no burst
        m_timerQueue.emplace(timer.due, timer.id);
        timer.firing = true;
        QObject *object = timer.object;
        QTimerEvent event(timer.id);
        QCoreApplication::sendEvent(object, &event);
        ++delivered;
        it = m_timers.find(d.id);
        if (it != m_timers.end() && it->serial == d.serial)
            it->firing = false;
        if (m_interrupt.load(std::memory_order_relaxed))
            break;
    }
    return delivered;
}

} // namespace Stonyx::Sockets

#endif // Q_OS_LINUX
