// SPDX-License-Identifier: MIT
// The load generator of stonyx-bench: protocol-v1 WebSocket clients on plain
// POSIX sockets, non-blocking, one epoll loop per thread, each thread owning a
// share of the connections. No Qt here: the hot path is syscalls, WebSocket
// framing with masking, and (with encryption on) AES-256-GCM via OpenSSL EVP.
//
// Thread affinity: a LoadRun is created, driven and destroyed by one controlling
// thread; its worker threads touch only their own connections and a few atomics.

#pragma once

#include "benchcrypto.h"

#include <netinet/in.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace StonyxBench {

//! A ws:// URL split into what a plain TCP client needs.
struct Target
{
    std::string host;
    std::uint16_t port = 0;
    std::string path = "/";
    sockaddr_storage address{};
    socklen_t addressLength = 0;
};

//! Parses and resolves ws://host:port/path; false with a reason in error.
bool resolveTarget(const std::string &url, Target *target, std::string *error);

enum class Mode {
    RoundTrip, //!< every connection keeps inFlight echo requests outstanding
    Held,      //!< connect, authenticate, stay idle
    FanOut,    //!< connection 0 asks for a broadcast; the next once all connections had it
};

struct LoadSpec
{
    Target target;
    //! More servers (cluster nodes): a worker's connection i goes to target when
    //! i % (1 + extraTargets.size()) is 0, else to extraTargets[that - 1]. The
    //! fan-out sender (connection 0) always goes to target.
    std::vector<Target> extraTargets;
    Mode mode = Mode::RoundTrip;
    int connections = 1;
    int inFlight = 1;
    int payload = 64; //!< bytes of the request's data string
    bool encryption = true;
    Key globalKey{};
    std::string authKey;
    int threads = 1;
    int maxPendingConnects = 48; //!< connections between connect() and the auth response, over all threads
    std::string echoRequest = "echo";
    std::string broadcastRequest = "benchBroadcast";
};

struct LoadResult
{
    std::uint64_t roundTrips = 0; //!< echo answers (round trip) or completed broadcasts (fan-out), while measuring
    std::uint64_t deliveries = 0; //!< broadcast messages received, while measuring
    std::vector<std::uint64_t> latenciesNs;
};

class Worker;

class LoadRun
{
public:
    explicit LoadRun(const LoadSpec &spec);
    ~LoadRun();
    LoadRun(const LoadRun &) = delete;
    LoadRun &operator=(const LoadRun &) = delete;

    //! Starts the worker threads; they connect and authenticate all connections.
    bool start();
    //! Waits until every connection is authenticated (true) or one failed or time ran out.
    bool waitReady(double timeoutSeconds);
    int readyCount() const;
    int failedCount() const;
    //! Round trip and fan-out: start sending.
    void startTraffic();
    //! Counts answers and latencies only while measuring.
    void setMeasuring(bool measuring);
    //! Stops and joins the workers, closes every connection.
    void stop();
    LoadResult result() const;
    std::string firstError() const;

    //! The state shared by the workers (internal).
    struct Shared
    {
        LoadSpec spec;
        std::atomic<int> ready{0};
        std::atomic<int> failed{0};
        std::atomic<int> pendingConnects{0};
        std::atomic<int> phase{0}; // 0 connect, 1 traffic, 2 stop
        std::atomic<bool> measuring{false};
        std::atomic<int> broadcastRemaining{0};
        std::atomic<std::uint64_t> broadcastsCompleted{0};
        int senderEventFd = -1;
        mutable std::mutex errorMutex;
        std::string firstError;
        void fail(const std::string &reason);
    };

private:
    void wakeAll();

    Shared m_shared;
    std::vector<std::unique_ptr<Worker>> m_workers;
    std::vector<std::thread> m_threads;
};

//! utime + stime of this process (all threads), microseconds.
std::int64_t ownCpuMicroseconds();

} // namespace StonyxBench
