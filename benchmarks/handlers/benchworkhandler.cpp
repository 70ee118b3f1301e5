// SPDX-License-Identifier: MIT
// The "benchWork" handler (file libbench-work.so) for stonyx-bench's work cases:
// {"request":"benchWork","data":X} is answered with X, as echo does, after the
// handler spent WorkMicroseconds of its own thread's CPU time. It stands for a
// handler with real work to do (parsing, a lookup, a computation), so that the
// benchmark shows what worker threads bring when handlers, not the transport,
// take the CPU.
//
// A foreign server needs the same handler to run these cases; in @stonyx/sockets,
// a handler file bench-work.js that spins 20 us and returns data.
//
// Thread affinity: called by the server on the thread that runs the connection.

#include <Stonyx/Sockets/SocketHandler>

#include <QObject>

#include <time.h>

class BenchWorkHandler : public QObject, public Stonyx::Sockets::SocketHandler
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID StonyxSocketHandler_iid FILE "bench-work.json")
    Q_INTERFACES(Stonyx::Sockets::SocketHandler)

public:
    static constexpr qint64 WorkMicroseconds = 20;

    QJsonValue handleRequest(const QJsonValue &data, Stonyx::Sockets::SocketConnection *) override
    {
        // CPU time, not wall time: a thread that is preempted meanwhile still does
        // the whole amount of work.
        const qint64 start = threadCpuNs();
        volatile quint64 sink = 0;
        while (threadCpuNs() - start < WorkMicroseconds * 1000)
            sink = sink + 1;
        return data;
    }

private:
    static qint64 threadCpuNs()
    {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
    }
};

#include "benchworkhandler.moc"
