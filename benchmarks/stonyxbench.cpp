// SPDX-License-Identifier: MIT
// stonyx-bench: a load generator for Stonyx Sockets protocol version 1.
//
// By default it launches this project's stonyx-sockets-server (a fresh process per
// case, with the example auth and echo handlers and the benchBroadcast handler,
// rate limits and connection caps off) and runs the case list against it:
//
//   rt-CxK-SIZE-MODE   C clients, each keeping K echo requests in flight, SIZE bytes
//                      of data per request (64 or 4k), encryption plain or enc
//   held-MODE          --connections clients connect at once and authenticate:
//                      connect time, server RSS per connection, idle server CPU
//   fanout-MODE        --connections clients; one asks benchBroadcast, the next
//                      broadcast leaves once every client had the last one
//   cluster-fanout-MODE the same across a cluster: redis-server and 3 server nodes
//                      sharing it (--redis-url), the clients spread over the nodes, the
//                      sender on node 1: cross-node broadcast latency (p50/p99 per
//                      delivery) and fan-out rate; server CPU is node 1's
//
// With --url ws://host:port it drives any protocol-v1 server instead (for example
// the Node.js one); --server-pid lets it read that server's CPU time and RSS from
// /proc. Such a server needs an auth handler accepting {"authKey": K}, the echo
// handler (answers with the request's data) and, for the fan-out cases, a
// benchBroadcast handler that broadcasts its data (handlers/benchbroadcasthandler.cpp)
// and, for the work cases, a benchWork handler that spends 20 us of CPU and answers
// with its data (handlers/benchworkhandler.cpp).
// A server runs either plain or encrypted: pick the matching cases with --cases.
//
// For every plain rt case it also runs stonyx-bench-floor, a bare QWebSocketServer
// answering by byte replacement, and prints server CPU / floor CPU per round trip.
// The floor does no JSON, no auth and no encryption, so it is only meaningful for
// the plain cases.
//
// The load generator itself (loadgen.cpp) is plain epoll and OpenSSL EVP; Qt Core
// serves only the command line and JSON here. It prints its own CPU per round trip
// so one can check that it is not the bottleneck.
//
// Thread affinity: main() runs the cases on the main thread; LoadRun owns workers.

#include "benchcrypto.h"
#include "loadgen.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <arpa/inet.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fnmatch.h>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

extern char **environ;

using namespace StonyxBench;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void sleepSeconds(double seconds)
{
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

// utime + stime of a process from /proc/<pid>/stat, microseconds; -1 if unreadable.
std::int64_t processCpuMicroseconds(pid_t pid)
{
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", int(pid));
    FILE *file = std::fopen(path, "r");
    if (file == nullptr)
        return -1;
    char buffer[4096];
    const std::size_t n = std::fread(buffer, 1, sizeof buffer - 1, file);
    std::fclose(file);
    buffer[n] = '\0';
    // The fields after the command name (which may hold spaces) start after the last ')'.
    const char *p = std::strrchr(buffer, ')');
    if (p == nullptr)
        return -1;
    unsigned long long utime = 0;
    unsigned long long stime = 0;
    if (std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
        return -1;
    return std::int64_t((utime + stime) * 1000000ull / std::uint64_t(sysconf(_SC_CLK_TCK)));
}

// VmRSS of a process, KiB; -1 if unreadable.
std::int64_t processRssKiB(pid_t pid)
{
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/status", int(pid));
    FILE *file = std::fopen(path, "r");
    if (file == nullptr)
        return -1;
    char line[256];
    std::int64_t rss = -1;
    while (std::fgets(line, sizeof line, file) != nullptr) {
        long long v = 0;
        if (std::sscanf(line, "VmRSS: %lld", &v) == 1) {
            rss = v;
            break;
        }
    }
    std::fclose(file);
    return rss;
}

//! A child process (the server or the floor) whose first stdout line names its URL.
class ChildProcess
{
public:
    ChildProcess() = default;
    ChildProcess(const ChildProcess &) = delete;
    ChildProcess &operator=(const ChildProcess &) = delete;
    ~ChildProcess() { stop(); }

    bool start(const std::vector<std::string> &args, const std::vector<std::string> &extraEnv, std::string *url, std::string *error)
    {
        int pipeFds[2];
        if (pipe2(pipeFds, O_CLOEXEC) != 0) {
            *error = "pipe failed";
            return false;
        }
        std::vector<std::string> env;
        for (char **e = environ; *e != nullptr; ++e) {
            const std::string entry(*e);
            const std::string name = entry.substr(0, entry.find('='));
            if (std::none_of(extraEnv.begin(), extraEnv.end(), [&](const std::string &x) { return x.compare(0, name.size() + 1, name + '=') == 0; }))
                env.push_back(entry);
        }
        env.insert(env.end(), extraEnv.begin(), extraEnv.end());
        std::vector<char *> argv;
        for (const std::string &a : args)
            argv.push_back(const_cast<char *>(a.c_str()));
        argv.push_back(nullptr);
        std::vector<char *> envp;
        for (const std::string &e : env)
            envp.push_back(const_cast<char *>(e.c_str()));
        envp.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, pipeFds[1], STDOUT_FILENO);
        const int rc = posix_spawn(&m_pid, args.front().c_str(), &actions, nullptr, argv.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        ::close(pipeFds[1]);
        m_stdout = pipeFds[0];
        if (rc != 0) {
            m_pid = -1;
            *error = "cannot start " + args.front() + ": " + std::strerror(rc);
            return false;
        }
        // Wait for "... ws://host:port" on the first line.
        std::string line;
        const auto start = Clock::now();
        while (line.find('\n') == std::string::npos) {
            const double left = 20.0 - secondsSince(start);
            pollfd p{m_stdout, POLLIN, 0};
            if (left <= 0 || poll(&p, 1, int(left * 1000) + 1) <= 0) {
                *error = args.front() + " did not report its address";
                stop();
                return false;
            }
            char buffer[512];
            const ssize_t n = ::read(m_stdout, buffer, sizeof buffer);
            if (n <= 0) {
                *error = args.front() + " exited before listening";
                stop();
                return false;
            }
            line.append(buffer, std::size_t(n));
        }
        const std::size_t at = line.find("ws://");
        if (at == std::string::npos) {
            *error = "unexpected first line from " + args.front() + ": " + line;
            stop();
            return false;
        }
        *url = line.substr(at, line.find_first_of(" \r\n", at) - at);
        return true;
    }

    void stop()
    {
        if (m_pid > 0) {
            kill(m_pid, SIGTERM);
            int status = 0;
            for (int i = 0; i < 500 && waitpid(m_pid, &status, WNOHANG) == 0; ++i)
                sleepSeconds(0.01);
            if (waitpid(m_pid, &status, WNOHANG) == 0) {
                kill(m_pid, SIGKILL);
                waitpid(m_pid, &status, 0);
            }
            m_pid = -1;
        }
        if (m_stdout >= 0) {
            ::close(m_stdout);
            m_stdout = -1;
        }
    }

    pid_t pid() const { return m_pid; }

private:
    pid_t m_pid = -1;
    int m_stdout = -1;
};

struct Options
{
    std::string url;
    pid_t serverPid = -1;
    std::string authKey = "bench-key";
    std::string serverBinary = STONYX_BENCH_SERVER;
    std::string floorBinary = STONYX_BENCH_FLOOR;
    std::string handlerDir = STONYX_BENCH_HANDLER_DIR;
    int threads = 1;
    int workers = -1;
    double seconds = 5;
    double warmup = 1;
    double idleSeconds = 3;
    int connections = 1000;
    int connectWindow = 48;
    int rounds = 1; //!< plain round-trip cases: server and floor measured alternately this many times
    bool floor = true;
    std::vector<std::string> casePatterns;
};

struct CaseDef
{
    std::string name;
    Mode mode = Mode::RoundTrip;
    int clients = 1;
    int inFlight = 1;
    int payload = 64;
    bool encryption = false;
    int nodes = 1; //!< more than 1: a cluster over a redis-server the case starts
    std::string request = "echo"; //!< what the round trips ask: echo, or benchWork (20 us of CPU each)
};

struct Measurement
{
    bool ok = false;
    std::string error;
    double seconds = 0;
    std::uint64_t roundTrips = 0;
    std::uint64_t deliveries = 0;
    double p50Us = 0;
    double p99Us = 0;
    double maxUs = 0;
    std::optional<double> serverCpuUs; // total over the measured window
    std::optional<std::int64_t> serverRssKiB;
    double ownCpuUs = 0;
    // held
    double connectSeconds = 0;
    std::optional<double> rssPerConnectionKiB;
    std::optional<double> connectCpuUsPerConnection; // server CPU while connecting and authenticating
    double ownConnectCpuUsPerConnection = 0;
    std::optional<double> idleCpuPercent;
    int connected = 0;
};

struct CaseResult
{
    CaseDef def;
    Measurement server;
    std::optional<Measurement> floor;
    std::vector<double> roundRatios; //!< server CPU / floor CPU per round trip, one per round
};

std::vector<CaseDef> allCases(int connections)
{
    std::vector<CaseDef> cases;
    for (const bool encryption : {false, true}) {
        const std::string mode = encryption ? "enc" : "plain";
        for (const auto &[clients, inFlight] : {std::pair{1, 1}, std::pair{1, 64}, std::pair{50, 8}}) {
            for (const int payload : {64, 4096}) {
                cases.push_back({"rt-" + std::to_string(clients) + "x" + std::to_string(inFlight) + "-" + (payload == 64 ? "64" : "4k") + "-" + mode,
                                 Mode::RoundTrip, clients, inFlight, payload, encryption});
            }
        }
    }
    for (const bool encryption : {false, true}) {
        const std::string mode = encryption ? "enc" : "plain";
        cases.push_back({"held-" + mode, Mode::Held, connections, 0, 0, encryption});
        cases.push_back({"fanout-" + mode, Mode::FanOut, connections, 1, 64, encryption});
    }
    for (const bool encryption : {false, true})
        cases.push_back({std::string("cluster-fanout-") + (encryption ? "enc" : "plain"), Mode::FanOut, connections, 1, 64, encryption, 3});
    // Handlers with work to do (20 us of CPU per request): what worker threads bring
    // when the handlers, not the transport, take the CPU. Compare --workers 1 and 2.
    for (const bool encryption : {false, true})
        cases.push_back({std::string("work-50x8-") + (encryption ? "enc" : "plain"), Mode::RoundTrip, 50, 8, 64, encryption, 1, "benchWork"});
    return cases;
}

bool selected(const CaseDef &c, const std::vector<std::string> &patterns)
{
    if (patterns.empty())
        return true;
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string &p) { return fnmatch(p.c_str(), c.name.c_str(), 0) == 0; });
}

double percentileUs(std::vector<std::uint64_t> &ns, double q)
{
    if (ns.empty())
        return 0;
    const std::size_t k = std::min(ns.size() - 1, std::size_t(std::ceil(q * double(ns.size()))) - (q > 0 ? 1 : 0));
    std::nth_element(ns.begin(), ns.begin() + std::ptrdiff_t(k), ns.end());
    return double(ns[k]) / 1000.0;
}

const Key *globalKeyFor(const std::string &authKey)
{
    static std::string cachedFor;
    static Key cached{};
    static bool have = false;
    if (!have || cachedFor != authKey) {
        if (!deriveGlobalKey(authKey, &cached))
            return nullptr;
        cachedFor = authKey;
        have = true;
    }
    return &cached;
}

// Runs one case against url; pid (or -1) is the server to read /proc from.
Measurement measure(const Options &options, const CaseDef &def, const std::string &url, pid_t pid,
                    const std::vector<std::string> &extraUrls = {})
{
    Measurement m;
    LoadSpec spec;
    std::string error;
    if (!resolveTarget(url, &spec.target, &error)) {
        m.error = error;
        return m;
    }
    for (const std::string &extra : extraUrls) {
        Target target;
        if (!resolveTarget(extra, &target, &error)) {
            m.error = error;
            return m;
        }
        spec.extraTargets.push_back(target);
    }
    spec.mode = def.mode;
    spec.connections = def.clients;
    spec.inFlight = def.inFlight;
    spec.payload = def.payload;
    spec.echoRequest = def.request;
    spec.encryption = def.encryption;
    spec.authKey = options.authKey;
    spec.threads = options.threads;
    spec.maxPendingConnects = options.connectWindow;
    if (def.encryption) {
        const Key *key = globalKeyFor(options.authKey);
        if (key == nullptr) {
            m.error = "scrypt failed";
            return m;
        }
        spec.globalKey = *key;
    }
    const auto serverCpu = [pid]() -> std::optional<std::int64_t> {
        if (pid <= 0)
            return std::nullopt;
        const std::int64_t v = processCpuMicroseconds(pid);
        return v < 0 ? std::nullopt : std::optional(v);
    };
    const auto serverRss = [pid]() -> std::optional<std::int64_t> {
        if (pid <= 0)
            return std::nullopt;
        const std::int64_t v = processRssKiB(pid);
        return v < 0 ? std::nullopt : std::optional(v);
    };

    LoadRun run(spec);
    if (def.mode == Mode::Held) {
        sleepSeconds(0.3); // let a freshly started server settle before its baseline
        const std::optional<std::int64_t> rssBefore = serverRss();
        const std::optional<std::int64_t> connectCpu0 = serverCpu();
        const std::int64_t ownConnect0 = ownCpuMicroseconds();
        const auto start = Clock::now();
        run.start();
        const bool ready = run.waitReady(300);
        m.connectSeconds = secondsSince(start);
        const std::optional<std::int64_t> connectCpu1 = serverCpu();
        m.ownConnectCpuUsPerConnection = double(ownCpuMicroseconds() - ownConnect0) / double(def.clients);
        if (connectCpu0 && connectCpu1)
            m.connectCpuUsPerConnection = double(*connectCpu1 - *connectCpu0) / double(def.clients);
        m.connected = run.readyCount();
        if (!ready) {
            m.error = "only " + std::to_string(run.readyCount()) + " of " + std::to_string(def.clients) + " connected: " + run.firstError();
            run.stop();
            return m;
        }
        sleepSeconds(1); // settle: late acknowledgements, deferred deletions
        const std::optional<std::int64_t> rssAfter = serverRss();
        const std::optional<std::int64_t> cpu0 = serverCpu();
        const auto idleStart = Clock::now();
        sleepSeconds(options.idleSeconds);
        const std::optional<std::int64_t> cpu1 = serverCpu();
        const double idleWall = secondsSince(idleStart);
        if (rssBefore && rssAfter) {
            m.rssPerConnectionKiB = double(*rssAfter - *rssBefore) / double(def.clients);
            m.serverRssKiB = *rssAfter;
        }
        if (cpu0 && cpu1)
            m.idleCpuPercent = double(*cpu1 - *cpu0) / (idleWall * 1e6) * 100.0;
        m.seconds = idleWall;
        m.ok = run.failedCount() == 0;
        if (!m.ok)
            m.error = run.firstError();
        run.stop();
        return m;
    }

    run.start();
    if (!run.waitReady(120)) {
        m.error = "only " + std::to_string(run.readyCount()) + " of " + std::to_string(def.clients) + " connected: " + run.firstError();
        run.stop();
        return m;
    }
    run.startTraffic();
    sleepSeconds(options.warmup);
    const std::optional<std::int64_t> cpu0 = serverCpu();
    const std::int64_t own0 = ownCpuMicroseconds();
    const auto start = Clock::now();
    run.setMeasuring(true);
    sleepSeconds(options.seconds);
    run.setMeasuring(false);
    m.seconds = secondsSince(start);
    const std::int64_t own1 = ownCpuMicroseconds();
    const std::optional<std::int64_t> cpu1 = serverCpu();
    m.serverRssKiB = serverRss();
    const int failed = run.failedCount();
    run.stop();
    LoadResult result = run.result();
    m.roundTrips = result.roundTrips;
    m.deliveries = result.deliveries;
    m.p50Us = percentileUs(result.latenciesNs, 0.50);
    m.p99Us = percentileUs(result.latenciesNs, 0.99);
    m.maxUs = result.latenciesNs.empty() ? 0 : double(*std::max_element(result.latenciesNs.begin(), result.latenciesNs.end())) / 1000.0;
    if (cpu0 && cpu1)
        m.serverCpuUs = double(*cpu1 - *cpu0);
    m.ownCpuUs = double(own1 - own0);
    m.ok = failed == 0 && m.roundTrips > 0;
    if (failed != 0)
        m.error = run.firstError();
    else if (m.roundTrips == 0)
        m.error = "no round trip completed";
    return m;
}

std::vector<std::string> serverEnvironment(const Options &options, bool encryption)
{
    std::vector<std::string> env{
        "SOCKET_ENCRYPTION=" + std::string(encryption ? "true" : "false"),
        "SOCKET_LOG=false",
        // Measure the work, not the protections: no rate limit, no connection caps.
        "SOCKET_RATE_LIMIT=0",
        "SOCKET_MAX_UNAUTHENTICATED=0",
        "SOCKET_MAX_UNAUTHENTICATED_PER_ADDRESS=0",
        "SOCKET_AUTH_TIMEOUT=0",
        "SOCKET_MESSAGE_TIMEOUT=0",
        "SOCKET_IDLE_HEARTBEATS=0",
        "SOCKET_MAX_SEND_BUFFER=1073741824",
    };
    if (options.workers >= 0)
        env.push_back("SOCKET_WORKER_THREADS=" + std::to_string(options.workers));
    return env;
}

// A redis-server on a free loopback port, for the cluster cases; stopped with the object.
class RedisChild
{
public:
    ~RedisChild()
    {
        if (m_pid > 0) {
            kill(m_pid, SIGKILL);
            int status = 0;
            waitpid(m_pid, &status, 0);
        }
    }

    bool start(std::string *url, std::string *error)
    {
        // A port the kernel just gave out, free again.
        const int probe = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (probe < 0 || ::bind(probe, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0
            || getsockname(probe, reinterpret_cast<sockaddr *>(&address), &length) != 0) {
            *error = "no free port for redis-server";
            if (probe >= 0)
                ::close(probe);
            return false;
        }
        ::close(probe);
        const std::string port = std::to_string(ntohs(address.sin_port));
        std::vector<std::string> args{"redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                      "--dir", "/tmp"};
        std::vector<char *> argv;
        for (const std::string &a : args)
            argv.push_back(const_cast<char *>(a.c_str()));
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        const int rc = posix_spawnp(&m_pid, "redis-server", &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) {
            m_pid = -1;
            *error = std::string("cannot start redis-server (Debian package redis-server): ") + std::strerror(rc);
            return false;
        }
        // Ready when it accepts connections.
        const auto start = Clock::now();
        while (secondsSince(start) < 10) {
            const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            const bool up = ::connect(s, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0;
            ::close(s);
            if (up) {
                *url = "redis://127.0.0.1:" + port;
                return true;
            }
            sleepSeconds(0.02);
        }
        *error = "redis-server did not start";
        return false;
    }

private:
    pid_t m_pid = -1;
};

// A cluster case: redis-server, def.nodes server nodes; clients spread over them.
Measurement measureCluster(const Options &options, const CaseDef &def)
{
    Measurement m;
    RedisChild redis;
    std::string redisUrl;
    if (!redis.start(&redisUrl, &m.error))
        return m;
    std::vector<std::unique_ptr<ChildProcess>> nodes;
    std::vector<std::string> urls;
    std::vector<std::string> env = serverEnvironment(options, def.encryption);
    env.push_back("SOCKET_REDIS_URL=" + redisUrl);
    for (int i = 0; i < def.nodes; ++i) {
        std::vector<std::string> args{options.serverBinary, "--port", "0", "--host", "127.0.0.1", "--quiet",
                                      "--auth-key", options.authKey, "--handler-dir", options.handlerDir};
        if (!def.encryption)
            args.push_back("--no-encryption");
        auto node = std::make_unique<ChildProcess>();
        std::string url;
        if (!node->start(args, env, &url, &m.error))
            return m;
        urls.push_back(url);
        nodes.push_back(std::move(node));
    }
    sleepSeconds(1); // every node connected to Redis and subscribed before the first broadcast
    return measure(options, def, urls.front(), nodes.front()->pid(), std::vector<std::string>(urls.begin() + 1, urls.end()));
}

// Adds the round \a m to \a total: counts and CPU add up, the latency columns keep
// the worst round's, RSS the largest.
void accumulate(Measurement *total, const Measurement &m, bool first)
{
    if (first) {
        *total = m;
        return;
    }
    total->ok = total->ok && m.ok;
    if (total->error.empty())
        total->error = m.error;
    total->seconds += m.seconds;
    total->roundTrips += m.roundTrips;
    total->deliveries += m.deliveries;
    total->ownCpuUs += m.ownCpuUs;
    total->serverCpuUs = total->serverCpuUs && m.serverCpuUs ? std::optional<double>(*total->serverCpuUs + *m.serverCpuUs) : std::nullopt;
    if (m.p99Us > total->p99Us) {
        total->p50Us = m.p50Us;
        total->p99Us = m.p99Us;
    }
    total->maxUs = std::max(total->maxUs, m.maxUs);
    if (m.serverRssKiB && (!total->serverRssKiB || *m.serverRssKiB > *total->serverRssKiB))
        total->serverRssKiB = m.serverRssKiB;
}

Measurement measureServer(const Options &options, const CaseDef &def)
{
    if (!options.url.empty())
        return measure(options, def, options.url, options.serverPid);
    ChildProcess server;
    std::string url;
    Measurement m;
    std::vector<std::string> args{options.serverBinary, "--port", "0", "--host", "127.0.0.1", "--quiet",
                                  "--auth-key", options.authKey, "--handler-dir", options.handlerDir};
    if (!def.encryption)
        args.push_back("--no-encryption");
    if (!server.start(args, serverEnvironment(options, def.encryption), &url, &m.error))
        return m;
    return measure(options, def, url, server.pid());
}

Measurement measureFloor(const Options &options, const CaseDef &def)
{
    ChildProcess floor;
    std::string url;
    Measurement m;
    if (!floor.start({options.floorBinary, "--port", "0"}, {}, &url, &m.error))
        return m;
    return measure(options, def, url, floor.pid());
}

std::optional<double> perUnit(const std::optional<double> &total, std::uint64_t units);

CaseResult runCase(const Options &options, const CaseDef &def)
{
    CaseResult result{def, {}, std::nullopt, {}};
    if (def.nodes > 1) {
        if (!options.url.empty())
            result.server.error = "cluster cases start their own servers: not with --url";
        else
            result.server = measureCluster(options, def);
        return result;
    }
    const bool withFloor = options.floor && def.mode == Mode::RoundTrip && !def.encryption && def.request == "echo";
    if (!withFloor) {
        result.server = measureServer(options, def);
        return result;
    }
    // Server and floor alternate, so that a machine whose speed drifts (shared, or
    // throttled) weighs on both alike; the ratio is of the sums. Odd rounds measure
    // the floor first, so that neither always runs in the other's wake.
    result.floor = Measurement();
    for (int round = 0; round < options.rounds; ++round) {
        Measurement server;
        Measurement floor;
        if (round % 2 == 0) {
            server = measureServer(options, def);
            floor = measureFloor(options, def);
        } else {
            floor = measureFloor(options, def);
            server = measureServer(options, def);
        }
        accumulate(&result.server, server, round == 0);
        accumulate(&*result.floor, floor, round == 0);
        const std::optional<double> s = perUnit(server.serverCpuUs, server.roundTrips);
        const std::optional<double> f = perUnit(floor.serverCpuUs, floor.roundTrips);
        if (server.ok && floor.ok && s && f && *f > 0)
            result.roundRatios.push_back(*s / *f);
        if (!server.ok || !floor.ok)
            break;
    }
    return result;
}

std::string fmt(double v, int decimals = 1)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
    return buffer;
}

std::string fmt(const std::optional<double> &v, int decimals = 1)
{
    return v ? fmt(*v, decimals) : "-";
}

std::optional<double> perUnit(const std::optional<double> &total, std::uint64_t units)
{
    if (!total || units == 0)
        return std::nullopt;
    return *total / double(units);
}

std::optional<double> cpuRatio(const CaseResult &r)
{
    if (!r.floor || !r.floor->ok || !r.server.ok)
        return std::nullopt;
    const std::optional<double> server = perUnit(r.server.serverCpuUs, r.server.roundTrips);
    const std::optional<double> floor = perUnit(r.floor->serverCpuUs, r.floor->roundTrips);
    if (!server || !floor || *floor <= 0)
        return std::nullopt;
    return *server / *floor;
}

std::optional<double> throughputRatio(const CaseResult &r)
{
    if (!r.floor || !r.floor->ok || !r.server.ok || r.floor->roundTrips == 0)
        return std::nullopt;
    return (double(r.server.roundTrips) / r.server.seconds) / (double(r.floor->roundTrips) / r.floor->seconds);
}

void printTable(const std::vector<std::vector<std::string>> &rows)
{
    if (rows.empty())
        return;
    std::vector<std::size_t> widths(rows.front().size(), 0);
    for (const auto &row : rows)
        for (std::size_t i = 0; i < row.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
        std::string line;
        for (std::size_t i = 0; i < rows[r].size(); ++i) {
            const std::string &cell = rows[r][i];
            const std::string pad(widths[i] - cell.size(), ' ');
            line += i == 0 ? cell + pad : "  " + pad + cell; // first column left, numbers right
        }
        std::printf("%s\n", line.c_str());
        if (r == 0)
            std::printf("%s\n", std::string(line.size(), '-').c_str());
    }
}

// "min-max" of the per-round ratios, or "-" for a single round.
std::string roundRange(const std::vector<double> &ratios)
{
    if (ratios.size() < 2)
        return "-";
    const auto [low, high] = std::minmax_element(ratios.begin(), ratios.end());
    return fmt(*low, 2) + "-" + fmt(*high, 2);
}

void printResults(const std::vector<CaseResult> &results)
{
    std::vector<std::vector<std::string>> rt{{"case", "rt/s", "p50 us", "p99 us", "max us", "srv us/rt", "srv RSS MiB", "own us/rt",
                                              "floor rt/s", "floor us/rt", "srv/floor cpu", "per round"}};
    std::vector<std::vector<std::string>> held{{"case", "connections", "connect s", "conn/s", "srv us/conn", "own us/conn", "srv RSS MiB", "RSS KiB/conn", "idle srv CPU %"}};
    std::vector<std::vector<std::string>> fan{{"case", "clients", "bcast/s", "deliveries/s", "p50 us", "p99 us", "max us", "srv us/delivery",
                                               "srv RSS MiB", "own us/delivery"}};
    std::vector<std::string> errors;
    for (const CaseResult &r : results) {
        const Measurement &m = r.server;
        if (!m.error.empty())
            errors.push_back(r.def.name + ": " + m.error);
        if (r.floor && !r.floor->error.empty())
            errors.push_back(r.def.name + " (floor): " + r.floor->error);
        const std::string rssMiB = m.serverRssKiB ? fmt(double(*m.serverRssKiB) / 1024.0) : std::string("-");
        switch (r.def.mode) {
        case Mode::RoundTrip:
            rt.push_back({r.def.name, fmt(double(m.roundTrips) / std::max(m.seconds, 1e-9), 0), fmt(m.p50Us), fmt(m.p99Us), fmt(m.maxUs),
                          fmt(perUnit(m.serverCpuUs, m.roundTrips), 2), rssMiB, fmt(perUnit(m.ownCpuUs, m.roundTrips), 2),
                          r.floor ? fmt(double(r.floor->roundTrips) / std::max(r.floor->seconds, 1e-9), 0) : "-",
                          r.floor ? fmt(perUnit(r.floor->serverCpuUs, r.floor->roundTrips), 2) : "-", fmt(cpuRatio(r), 2),
                          roundRange(r.roundRatios)});
            break;
        case Mode::Held:
            held.push_back({r.def.name, std::to_string(m.connected) + "/" + std::to_string(r.def.clients), fmt(m.connectSeconds, 2),
                            fmt(double(m.connected) / std::max(m.connectSeconds, 1e-9), 0), fmt(m.connectCpuUsPerConnection, 0),
                            fmt(m.ownConnectCpuUsPerConnection, 0), rssMiB, fmt(m.rssPerConnectionKiB, 1),
                            fmt(m.idleCpuPercent, 2)});
            break;
        case Mode::FanOut:
            fan.push_back({r.def.name, std::to_string(r.def.clients), fmt(double(m.roundTrips) / std::max(m.seconds, 1e-9), 0),
                           fmt(double(m.deliveries) / std::max(m.seconds, 1e-9), 0), fmt(m.p50Us), fmt(m.p99Us), fmt(m.maxUs),
                           fmt(perUnit(m.serverCpuUs, m.deliveries), 2), rssMiB, fmt(perUnit(m.ownCpuUs, m.deliveries), 2)});
            break;
        }
    }
    if (rt.size() > 1) {
        std::printf("\nRound trips (echo, or benchWork for work-*; latency = request sent to answer read; srv/floor = server CPU per round trip over the bare "
                    "QWebSocketServer floor's, plain only)\n");
        printTable(rt);
    }
    if (held.size() > 1) {
        std::printf("\nHeld connections (connect + authenticate at once; RSS growth per connection; server CPU while they idle)\n");
        printTable(held);
    }
    if (fan.size() > 1) {
        std::printf("\nFan-out (benchBroadcast to every client; latency = until the last client had it)\n");
        printTable(fan);
    }
    for (const std::string &e : errors)
        std::printf("ERROR %s\n", e.c_str());
}

QJsonValue jsonOptional(const std::optional<double> &v)
{
    return v ? QJsonValue(*v) : QJsonValue();
}

QJsonObject measurementJson(const Measurement &m, Mode mode)
{
    QJsonObject o{
        {QStringLiteral("ok"), m.ok},
        {QStringLiteral("seconds"), m.seconds},
    };
    if (!m.error.empty())
        o.insert(QStringLiteral("error"), QString::fromStdString(m.error));
    o.insert(QStringLiteral("serverRssKiB"), m.serverRssKiB ? QJsonValue(double(*m.serverRssKiB)) : QJsonValue());
    if (mode == Mode::Held) {
        o.insert(QStringLiteral("connected"), m.connected);
        o.insert(QStringLiteral("connectSeconds"), m.connectSeconds);
        o.insert(QStringLiteral("rssPerConnectionKiB"), jsonOptional(m.rssPerConnectionKiB));
        o.insert(QStringLiteral("serverCpuUsPerConnect"), jsonOptional(m.connectCpuUsPerConnection));
        o.insert(QStringLiteral("ownCpuUsPerConnect"), m.ownConnectCpuUsPerConnection);
        o.insert(QStringLiteral("idleServerCpuPercent"), jsonOptional(m.idleCpuPercent));
        return o;
    }
    const std::uint64_t units = mode == Mode::FanOut ? m.deliveries : m.roundTrips;
    o.insert(QStringLiteral("roundTrips"), double(m.roundTrips));
    o.insert(QStringLiteral("roundTripsPerSecond"), double(m.roundTrips) / std::max(m.seconds, 1e-9));
    if (mode == Mode::FanOut) {
        o.insert(QStringLiteral("deliveries"), double(m.deliveries));
        o.insert(QStringLiteral("deliveriesPerSecond"), double(m.deliveries) / std::max(m.seconds, 1e-9));
    }
    o.insert(QStringLiteral("latencyUs"), QJsonObject{{QStringLiteral("p50"), m.p50Us}, {QStringLiteral("p99"), m.p99Us}, {QStringLiteral("max"), m.maxUs}});
    o.insert(mode == Mode::FanOut ? QStringLiteral("serverCpuUsPerDelivery") : QStringLiteral("serverCpuUsPerRoundTrip"),
             jsonOptional(perUnit(m.serverCpuUs, units)));
    o.insert(mode == Mode::FanOut ? QStringLiteral("ownCpuUsPerDelivery") : QStringLiteral("ownCpuUsPerRoundTrip"),
             jsonOptional(perUnit(m.ownCpuUs, units)));
    return o;
}

bool writeJson(const QString &path, const Options &options, const std::vector<CaseResult> &results, const QStringList &arguments,
               double pingPong, double loadBefore, double loadAfter)
{
    QJsonArray cases;
    for (const CaseResult &r : results) {
        const char *kind = r.def.mode == Mode::RoundTrip ? "roundTrip" : r.def.mode == Mode::Held ? "held" : "fanOut";
        QJsonObject o{
            {QStringLiteral("name"), QString::fromStdString(r.def.name)},
            {QStringLiteral("kind"), QLatin1String(kind)},
            {QStringLiteral("clients"), r.def.clients},
            {QStringLiteral("encryption"), r.def.encryption},
        };
        if (r.def.mode != Mode::Held) {
            o.insert(QStringLiteral("inFlight"), r.def.inFlight);
            o.insert(QStringLiteral("payloadBytes"), r.def.payload);
        }
        if (r.def.mode == Mode::RoundTrip)
            o.insert(QStringLiteral("request"), QString::fromStdString(r.def.request));
        o.insert(QStringLiteral("server"), measurementJson(r.server, r.def.mode));
        if (r.floor) {
            o.insert(QStringLiteral("floor"), measurementJson(*r.floor, r.def.mode));
            o.insert(QStringLiteral("ratioServerFloorCpu"), jsonOptional(cpuRatio(r)));
            o.insert(QStringLiteral("ratioServerFloorThroughput"), jsonOptional(throughputRatio(r)));
            QJsonArray rounds;
            for (const double ratio : r.roundRatios)
                rounds.append(ratio);
            o.insert(QStringLiteral("ratioServerFloorCpuPerRound"), rounds);
        }
        cases.append(o);
    }
    utsname host{};
    uname(&host);
    const QJsonObject root{
        {QStringLiteral("tool"), QStringLiteral("stonyx-bench")},
        {QStringLiteral("arguments"), QJsonArray::fromStringList(arguments)},
        {QStringLiteral("target"), options.url.empty() ? QStringLiteral("stonyx-sockets-server (launched)") : QString::fromStdString(options.url)},
        {QStringLiteral("threads"), options.threads},
        {QStringLiteral("connectWindow"), options.connectWindow},
        {QStringLiteral("workers"), options.workers},
        {QStringLiteral("secondsPerCase"), options.seconds},
        {QStringLiteral("rounds"), options.rounds},
        {QStringLiteral("cpus"), int(std::thread::hardware_concurrency())},
        {QStringLiteral("kernel"), QString::fromLatin1(host.release)},
        {QStringLiteral("pingPongCpuUsPerSide"), pingPong},
        {QStringLiteral("loadAverageBefore"), loadBefore},
        {QStringLiteral("loadAverageAfter"), loadAfter},
        {QStringLiteral("cases"), cases},
    };
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return file.write(QJsonDocument(root).toJson()) > 0;
}

std::string fromHex(const QString &hex)
{
    return QByteArray::fromHex(hex.toLatin1()).toStdString();
}

std::string toHex(std::string_view bytes)
{
    return QByteArray(bytes.data(), qsizetype(bytes.size())).toHex().toStdString();
}

// Checks the crypto against the protocol's vectors.json; prints each check.
int selfTest(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "stonyx-bench: cannot read %s\n", qUtf8Printable(path));
        return 1;
    }
    const QJsonObject vectors = QJsonDocument::fromJson(file.readAll()).object();
    int failures = 0;
    int checks = 0;
    const auto check = [&](bool ok, const std::string &what) {
        ++checks;
        if (!ok)
            ++failures;
        std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
    };
    const auto keyFromBytes = [](const std::string &bytes) {
        Key key{};
        std::copy_n(bytes.begin(), std::min(bytes.size(), key.size()), key.begin());
        return key;
    };
    for (const QJsonValue &v : vectors.value(u"derivation").toArray()) {
        const QJsonObject o = v.toObject();
        Key key{};
        const std::string authKey = o.value(u"authKey").toString().toStdString();
        check(deriveGlobalKey(authKey, &key) && toHex(std::string_view(reinterpret_cast<const char *>(key.data()), key.size()))
                      == o.value(u"key").toString().toStdString(),
              "scrypt global key for \"" + authKey + "\"");
    }
    Key global{};
    deriveGlobalKey(vectors.value(u"globalKeyFor").toString().toStdString(), &global);
    const Key session = keyFromBytes(fromHex(vectors.value(u"sessionKey").toString()));
    FrameCrypter globalCrypter(global);
    FrameCrypter sessionCrypter(session);
    for (const QJsonValue &v : vectors.value(u"frames").toArray()) {
        const QJsonObject o = v.toObject();
        FrameCrypter &crypter = o.value(u"key").toString() == u"session" ? sessionCrypter : globalCrypter;
        const std::string iv = fromHex(o.value(u"iv").toString());
        const std::string plain = o.value(u"plaintext").toString().toStdString();
        const std::string expected = fromHex(o.value(u"frame").toString());
        std::string frame;
        check(iv.size() == IvSize && crypter.encrypt(plain, reinterpret_cast<const unsigned char *>(iv.data()), &frame) && frame == expected,
              "encrypt: " + o.value(u"name").toString().toStdString());
        std::string back;
        check(crypter.decrypt(expected, &back) && back == plain, "decrypt: " + o.value(u"name").toString().toStdString());
    }
    for (const QJsonValue &v : vectors.value(u"mustReject").toArray()) {
        const QJsonObject o = v.toObject();
        FrameCrypter &crypter = o.value(u"key").toString() == u"session" ? sessionCrypter : globalCrypter;
        std::string out;
        check(!crypter.decrypt(fromHex(o.value(u"frame").toString()), &out), "reject: " + o.value(u"name").toString().toStdString());
    }
    // Two random IVs in a row differ (the pool refills from RAND_bytes).
    IvSource ivs;
    const unsigned char *first = ivs.next();
    const unsigned char *second = ivs.next();
    check(first != nullptr && second != nullptr && !std::equal(first, first + IvSize, second), "fresh random IVs");
    // The session key travels as standard base64, and the handshake uses SHA-1 + base64 (RFC 6455, 1.3).
    std::string decoded;
    check(base64Decode("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", &decoded)
              && decoded == std::string(reinterpret_cast<const char *>(session.data()), session.size()),
          "base64 session key");
    check(base64Encode(sha1("dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11")) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
          "Sec-WebSocket-Accept (RFC 6455 example)");
    std::printf("%d of %d checks passed\n", checks - failures, checks);
    return failures == 0 && checks > 8 ? 0 : 1;
}

// The machine's floor for a blocking round trip: two threads of this process bounce
// 64 bytes over a socketpair. Its CPU per round trip and side is the least a
// latency-bound (1x1) case can cost the load generator, whatever it does.
double pingPongCpuUsPerSide()
{
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
        return -1;
    constexpr int rounds = 20000;
    const std::int64_t cpu0 = ownCpuMicroseconds();
    std::thread echo([fd = fds[1]] {
        char b[64];
        for (int i = 0; i < rounds; ++i) {
            if (::read(fd, b, sizeof b) != ssize_t(sizeof b) || ::write(fd, b, sizeof b) != ssize_t(sizeof b))
                return;
        }
    });
    char b[64] = {};
    bool ok = true;
    for (int i = 0; i < rounds && ok; ++i)
        ok = ::write(fds[0], b, sizeof b) == ssize_t(sizeof b) && ::read(fds[0], b, sizeof b) == ssize_t(sizeof b);
    if (!ok)
        ::shutdown(fds[0], SHUT_RDWR);
    echo.join();
    const std::int64_t cpu1 = ownCpuMicroseconds();
    ::close(fds[0]);
    ::close(fds[1]);
    return ok ? double(cpu1 - cpu0) / rounds / 2 : -1;
}

// The first field of /proc/loadavg: how shared the machine was (the numbers are only as quiet as it).
double loadAverage()
{
    double load = -1;
    if (FILE *file = std::fopen("/proc/loadavg", "r")) {
        if (std::fscanf(file, "%lf", &load) != 1)
            load = -1;
        std::fclose(file);
    }
    return load;
}

void raiseFileLimit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max; // inherited by the server and floor it launches
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("stonyx-bench"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Load generator for Stonyx Sockets protocol version 1. Launches stonyx-sockets-server per case, or drives --url.\n"
        "Cases: rt-{1x1,1x64,50x8}-{64,4k}-{plain,enc}, held-{plain,enc}, fanout-{plain,enc}, cluster-fanout-{plain,enc}, work-50x8-{plain,enc}."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("url"),
         QStringLiteral("Drive this ws:// server instead of launching one. Turn its rate limit and connection caps off "
                        "(for this server: SOCKET_RATE_LIMIT=0 SOCKET_MAX_UNAUTHENTICATED=0 SOCKET_MAX_UNAUTHENTICATED_PER_ADDRESS=0), "
                        "or keep --connect-window below them."),
         QStringLiteral("url")},
        {QStringLiteral("server-pid"), QStringLiteral("With --url: the server's pid, to read its CPU time and RSS."), QStringLiteral("pid")},
        {QStringLiteral("auth-key"), QStringLiteral("The shared authKey (default bench-key)."), QStringLiteral("key")},
        {QStringLiteral("cases"), QStringLiteral("Comma-separated case names or globs (default: all)."), QStringLiteral("list")},
        {QStringLiteral("seconds"), QStringLiteral("Measured seconds per case (default 5)."), QStringLiteral("s")},
        {QStringLiteral("connections"), QStringLiteral("Clients of the held and fan-out cases (default 1000)."), QStringLiteral("n")},
        {QStringLiteral("connect-window"), QStringLiteral("Most connections between connect() and the auth response at once (default 48)."),
         QStringLiteral("n")},
        {QStringLiteral("threads"), QStringLiteral("Load generator threads (default: half the CPUs, at least 1)."), QStringLiteral("n")},
        {QStringLiteral("workers"), QStringLiteral("SOCKET_WORKER_THREADS for the launched server."), QStringLiteral("n")},
        {QStringLiteral("idle-seconds"), QStringLiteral("Held cases: seconds of idle CPU measurement (default 3)."), QStringLiteral("s")},
        {QStringLiteral("server-binary"), QStringLiteral("The server to launch."), QStringLiteral("path")},
        {QStringLiteral("no-floor"), QStringLiteral("Do not run the bare QWebSocketServer floor.")},
        {QStringLiteral("rounds"),
         QStringLiteral("Plain round-trip cases: measure the server and the floor alternately this many times, "
                        "--seconds each, and compare the sums (default 1)."),
         QStringLiteral("n")},
        {QStringLiteral("quick"), QStringLiteral("A fast smoke run: short cases, 100 connections.")},
        {QStringLiteral("json"), QStringLiteral("Also write the results as JSON to <file>."), QStringLiteral("file")},
        {QStringLiteral("self-test"), QStringLiteral("Check the crypto against vectors.json (default: the tree's) and exit.")},
    });
    parser.addPositionalArgument(QStringLiteral("vectors"), QStringLiteral("With --self-test: the vectors.json to use."), QStringLiteral("[vectors]"));
    parser.process(app);

    if (parser.isSet(QStringLiteral("self-test"))) {
        const QStringList positional = parser.positionalArguments();
        return selfTest(positional.isEmpty() ? QStringLiteral(STONYX_BENCH_VECTORS) : positional.first());
    }
    if (!parser.positionalArguments().isEmpty()) {
        std::fprintf(stderr, "stonyx-bench: unexpected argument %s\n", qUtf8Printable(parser.positionalArguments().first()));
        return 2;
    }

    Options options;
    options.threads = std::max(1, int(std::thread::hardware_concurrency()) / 2);
    const bool quick = parser.isSet(QStringLiteral("quick"));
    if (quick) {
        options.seconds = 0.5;
        options.warmup = 0.2;
        options.idleSeconds = 0.5;
        options.connections = 100;
    }
    bool ok = true;
    const auto number = [&](const char *name, double low, double *out) {
        const QString key = QLatin1String(name);
        if (!parser.isSet(key))
            return;
        bool good = false;
        const double v = parser.value(key).toDouble(&good);
        if (!good || v < low) {
            std::fprintf(stderr, "stonyx-bench: invalid --%s\n", name);
            ok = false;
            return;
        }
        *out = v;
    };
    double connections = options.connections;
    double threads = options.threads;
    double connectWindow = options.connectWindow;
    double workers = -1;
    double serverPid = -1;
    double rounds = options.rounds;
    number("seconds", 0.1, &options.seconds);
    number("rounds", 1, &rounds);
    number("idle-seconds", 0.1, &options.idleSeconds);
    number("connections", 1, &connections);
    number("threads", 1, &threads);
    number("connect-window", 1, &connectWindow);
    number("workers", 0, &workers);
    number("server-pid", 1, &serverPid);
    if (!ok)
        return 2;
    if (!quick)
        options.warmup = std::min(1.0, options.seconds / 5);
    options.connections = int(connections);
    options.rounds = int(rounds);
    options.threads = int(threads);
    options.connectWindow = int(connectWindow);
    options.workers = int(workers);
    options.serverPid = pid_t(serverPid);
    if (parser.isSet(QStringLiteral("url")))
        options.url = parser.value(QStringLiteral("url")).toStdString();
    if (parser.isSet(QStringLiteral("auth-key")))
        options.authKey = parser.value(QStringLiteral("auth-key")).toStdString();
    if (parser.isSet(QStringLiteral("server-binary")))
        options.serverBinary = parser.value(QStringLiteral("server-binary")).toStdString();
    options.floor = !parser.isSet(QStringLiteral("no-floor"));
    if (parser.isSet(QStringLiteral("cases"))) {
        for (const QString &p : parser.value(QStringLiteral("cases")).split(u',', Qt::SkipEmptyParts))
            options.casePatterns.push_back(p.trimmed().toStdString());
    }

    raiseFileLimit();
    signal(SIGPIPE, SIG_IGN);

    std::vector<CaseDef> cases;
    for (const CaseDef &c : allCases(options.connections))
        if (selected(c, options.casePatterns))
            cases.push_back(c);
    if (cases.empty()) {
        std::fprintf(stderr, "stonyx-bench: no case matches --cases\n");
        return 2;
    }
    rlimit files{};
    getrlimit(RLIMIT_NOFILE, &files);
    const double loadBefore = loadAverage();
    const double pingPong = pingPongCpuUsPerSide();
    if (files.rlim_cur != RLIM_INFINITY && rlim_t(options.connections) + 64 > files.rlim_cur)
        std::fprintf(stderr, "stonyx-bench: warning: --connections %d exceeds the open-file limit %llu (raise ulimit -Hn)\n", options.connections,
                     static_cast<unsigned long long>(files.rlim_cur));
    std::printf("stonyx-bench: %zu case(s), %.1f s each, %d load thread(s), target %s, open-file limit %llu\n", cases.size(),
                options.seconds, options.threads, options.url.empty() ? "stonyx-sockets-server (launched per case)" : options.url.c_str(),
                static_cast<unsigned long long>(files.rlim_cur));
    std::printf("machine: load average %.2f, %u CPUs; a bare socketpair ping-pong between two threads costs %.2f us of CPU per round trip and side\n",
                loadBefore, std::thread::hardware_concurrency(), pingPong);
    std::fflush(stdout);

    std::vector<CaseResult> results;
    bool allOk = true;
    for (const CaseDef &c : cases) {
        std::fprintf(stderr, "running %s ...\n", c.name.c_str());
        results.push_back(runCase(options, c));
        allOk = allOk && results.back().server.ok && (!results.back().floor || results.back().floor->ok);
    }
    printResults(results);
    const double loadAfter = loadAverage();
    std::printf("load average at the end: %.2f\n", loadAfter);
    if (parser.isSet(QStringLiteral("json"))
        && !writeJson(parser.value(QStringLiteral("json")), options, results, QCoreApplication::arguments(), pingPong, loadBefore, loadAfter)) {
        std::fprintf(stderr, "stonyx-bench: cannot write %s\n", qUtf8Printable(parser.value(QStringLiteral("json"))));
        return 1;
    }
    return allOk ? 0 : 1;
}
