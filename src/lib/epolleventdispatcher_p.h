// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library (and its tests): the event dispatcher of the server's
// worker threads on Linux. Not installed.

#include "stonyxsockets_export.h"

#include <QAbstractEventDispatcher>
#include <QHash>

#include <atomic>
#include <map>
#include <memory>

namespace Stonyx::Sockets {

/*
    EpollEventDispatcher: a QAbstractEventDispatcher on Linux epoll, for the threads
    of the server's workers.

    Why: Qt's dispatchers (glib's, and Qt's own on Unix) hand every socket notifier
    of the thread to poll() on every turn of the event loop. A worker holding 19,000
    connections so paid for 19,000 sockets each time one of them had something to
    say (perf: sock_poll, fdget, tcp_poll and g_main_context_check were most of the
    worker's time while 19k clients connected, which took 25 s instead of 4). epoll
    keeps the interest list in the kernel: a turn costs what is ready, not what is
    open.

    What it does, as Qt's own dispatchers do:
    - posted events: sent at the start of each processEvents(); wakeUp() (any
      thread) writes an eventfd that the wait includes;
    - socket notifiers: level-triggered, so a notifier whose data is not read fires
      again; a notifier unregistered (or deleted) while a batch is being delivered
      gets nothing more from it;
    - timers: in due order; a timer does not fire again while its own timer event
      runs (a nested loop inside it); timers started while timers are being fired
      wait for the next turn (so a 0 ms timer cannot starve the loop); a precise
      timer that fell behind skips ahead instead of firing in a burst.

    Thread affinity: the thread it dispatches for (set with QThread::setEventDispatcher()
    before the thread starts). wakeUp() and interrupt() may be called from any thread.
*/
class STONYX_SOCKETS_EXPORT EpollEventDispatcher final : public QAbstractEventDispatcher
{
    Q_OBJECT

public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    // False if the kernel refused the epoll instance or the eventfd: use Qt's dispatcher.
    bool isValid() const { return m_epoll >= 0 && m_wakeFd >= 0; }

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;
    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;
    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;
    void wakeUp() override;
    void interrupt() override;

private:
    struct Watch {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        QSocketNotifier *exception = nullptr;
        quint32 events() const;
    };
    struct Timer {
        int id = 0;
        qint64 interval = 0; // ms
        Qt::TimerType type = Qt::CoarseTimer;
        QObject *object = nullptr;
        qint64 due = 0;      // ns, CLOCK_MONOTONIC
        quint64 serial = 0;  // tells a re-registered id from the one being fired
        bool firing = false; // its timer event is running
    };

    void updateWatch(int fd, const Watch &watch, bool existed);
    void drainWakeUp();
    int activateTimers();
    int activateSocket(int fd, quint32 events);
    // Milliseconds epoll_wait() may sleep: until the next timer, or -1 for none.
    int waitTimeout() const;
    static qint64 now();

    int m_epoll = -1;
    int m_wakeFd = -1;
    std::atomic<int> m_wakeUps{0};
    std::atomic<bool> m_interrupt{false};
    QHash<int, Watch> m_watches;
    QHash<int, Timer> m_timers;
    std::multimap<qint64, int> m_timerQueue; // due -> id; every registered timer once
    quint64 m_nextSerial = 1;
};

} // namespace Stonyx::Sockets
