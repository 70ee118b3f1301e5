// SPDX-License-Identifier: MIT

#include "loadgen.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

namespace StonyxBench {

namespace {

constexpr std::string_view WebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr std::size_t ReadChunk = 64 * 1024;
constexpr std::uint64_t MaxMessage = 64 * 1024 * 1024; // a bigger frame from the server is an error

std::uint64_t nowNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::uint64_t(ts.tv_sec) * 1000000000ull + std::uint64_t(ts.tv_nsec);
}

std::string jsonString(std::string_view text)
{
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\u00";
            out += hex[(c >> 4) & 0xf];
            out += hex[c & 0xf];
        } else {
            out += c;
        }
    }
    return out + '"';
}

void writeHex16(char *at, std::uint64_t value)
{
    static constexpr char hex[] = "0123456789abcdef";
    for (int i = 15; i >= 0; --i) {
        at[i] = hex[value & 0xf];
        value >>= 4;
    }
}

bool readHex16(const char *at, std::uint64_t *value)
{
    std::uint64_t v = 0;
    for (int i = 0; i < 16; ++i) {
        const char c = at[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= std::uint64_t(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= std::uint64_t(c - 'a' + 10);
        else
            return false;
    }
    *value = v;
    return true;
}

std::string_view findAfter(std::string_view haystack, std::string_view needle)
{
    const std::size_t at = haystack.find(needle);
    return at == std::string_view::npos ? std::string_view() : haystack.substr(at + needle.size());
}

bool headerEquals(std::string_view headers, std::string_view name, std::string_view value)
{
    std::size_t pos = 0;
    while ((pos = headers.find("\r\n", pos)) != std::string_view::npos) {
        pos += 2;
        const std::size_t end = headers.find("\r\n", pos);
        const std::string_view line = headers.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
        const std::size_t colon = line.find(':');
        if (colon == name.size()
            && std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
            std::string_view v = line.substr(colon + 1);
            while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
                v.remove_prefix(1);
            while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
                v.remove_suffix(1);
            return v == value;
        }
    }
    return false;
}

enum class State { Idle, Connecting, Upgrading, Authenticating, Ready, Closing, Closed };

struct Connection
{
    int fd = -1;
    State state = State::Idle;
    bool writeArmed = false;
    std::string in; // bytes of an incomplete frame (or of the HTTP response) kept between reads
    std::string out;
    std::size_t outPos = 0;
    std::string wsKey;
    std::string fragments;
    bool fragmented = false;
    std::unique_ptr<FrameCrypter> session; // with encryption, once authenticated
};

} // namespace

//! One thread's connections and epoll loop.
class Worker
{
public:
    Worker(LoadRun::Shared *shared, int index, int connectionCount);
    ~Worker();
    void run();
    void wake();

    LoadResult result;

private:
    void startConnections();
    void openConnection(Connection &c);
    const Target &targetOf(const Connection &c) const;
    void onEvent(Connection &c, std::uint32_t events);
    void onWritable(Connection &c);
    void onReadable(Connection &c);
    // Handles the complete frames of data; *consumed says how many bytes they took.
    bool processInput(Connection &c, std::string_view data, std::size_t *consumed);
    void closeGracefully();
    bool onHandshake(Connection &c);
    bool onMessage(Connection &c, std::string_view payload);
    bool onAuthResponse(Connection &c, std::string_view json);
    void sendMessage(Connection &c, int opcode, std::string_view payload);
    void sendRequest(Connection &c, std::string *templ, std::size_t stampAt);
    void flush(Connection &c);
    void fail(Connection &c, const std::string &reason);
    void close(Connection &c);
    void startTraffic();
    void sendBroadcast();
    std::uint32_t nextMask();

    LoadRun::Shared *m_shared;
    const LoadSpec &m_spec;
    int m_index;
    int m_epoll = -1;
    int m_eventFd = -1;
    std::vector<Connection> m_connections;
    std::size_t m_nextToOpen = 0;
    bool m_trafficStarted = false;
    std::unique_ptr<FrameCrypter> m_global; // with encryption
    IvSource m_ivs;
    std::uint64_t m_rng;
    std::string m_echoTemplate; // {"request":"echo","data":"<16 hex ns><padding>"}
    std::size_t m_echoStampAt = 0;
    std::string m_broadcastTemplate;
    std::size_t m_broadcastStampAt = 0;
    std::string m_plain;  // scratch: decrypted message
    std::string m_cipher; // scratch: encrypted frame
    std::unique_ptr<char[]> m_readBuffer{new char[ReadChunk]};
};

void LoadRun::Shared::fail(const std::string &reason)
{
    failed.fetch_add(1, std::memory_order_relaxed);
    const std::lock_guard lock(errorMutex);
    if (firstError.empty())
        firstError = reason;
}

Worker::Worker(LoadRun::Shared *shared, int index, int connectionCount)
    : m_shared(shared)
    , m_spec(shared->spec)
    , m_index(index)
    , m_connections(std::size_t(connectionCount))
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    m_eventFd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = ~std::uint64_t(0);
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_eventFd, &ev);
    if (m_spec.encryption)
        m_global = std::make_unique<FrameCrypter>(m_spec.globalKey);
    randomBytes(reinterpret_cast<unsigned char *>(&m_rng), sizeof m_rng);
    m_rng |= 1;
    const auto makeTemplate = [this](const std::string &request, char tag, std::string *out, std::size_t *stampAt) {
        *out = "{\"request\":" + jsonString(request) + ",\"data\":\"";
        *out += tag;
        *stampAt = out->size();
        const std::size_t body = std::max<std::size_t>(std::size_t(m_spec.payload), 17);
        out->append(16, '0');
        out->append(body - 17, 'x');
        *out += "\"}";
    };
    makeTemplate(m_spec.echoRequest, 't', &m_echoTemplate, &m_echoStampAt);
    makeTemplate(m_spec.broadcastRequest, 'b', &m_broadcastTemplate, &m_broadcastStampAt);
    // Fan-out: the first connection of the first worker asks for the broadcasts.
    if (index == 0 && m_spec.mode == Mode::FanOut)
        shared->senderEventFd = m_eventFd;
}

Worker::~Worker()
{
    for (Connection &c : m_connections)
        close(c);
    ::close(m_eventFd);
    ::close(m_epoll);
}

void Worker::wake()
{
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(m_eventFd, &one, sizeof one);
}

std::uint32_t Worker::nextMask()
{
    // xorshift64: masking only has to keep intermediaries from reading the frames
    // as something else (RFC 6455, 10.3); it is no secret.
    m_rng ^= m_rng << 13;
    m_rng ^= m_rng >> 7;
    m_rng ^= m_rng << 17;
    return std::uint32_t(m_rng >> 16);
}

void Worker::run()
{
    if (m_spec.encryption && !m_global->isValid()) {
        for (std::size_t i = 0; i < m_connections.size(); ++i)
            m_shared->fail("OpenSSL AES-256-GCM is not available");
        return;
    }
    std::vector<epoll_event> events(512);
    while (m_shared->phase.load(std::memory_order_acquire) != 2) {
        startConnections();
        if (!m_trafficStarted && m_shared->phase.load(std::memory_order_acquire) == 1)
            startTraffic();
        const bool opening = m_nextToOpen < m_connections.size();
        const int n = epoll_wait(m_epoll, events.data(), int(events.size()), opening ? 1 : 200);
        for (int i = 0; i < n; ++i) {
            if (events[std::size_t(i)].data.u64 == ~std::uint64_t(0)) {
                std::uint64_t count = 0;
                [[maybe_unused]] const auto r = ::read(m_eventFd, &count, sizeof count);
                // Fan-out: another thread saw the last delivery of a broadcast.
                if (m_spec.mode == Mode::FanOut && m_index == 0 && m_trafficStarted
                    && m_shared->phase.load(std::memory_order_acquire) == 1
                    && m_shared->broadcastRemaining.load(std::memory_order_acquire) == 0)
                    sendBroadcast();
                continue;
            }
            Connection &c = m_connections[events[std::size_t(i)].data.u64];
            onEvent(c, events[std::size_t(i)].events);
        }
    }
    closeGracefully();
}

// Sends a close frame (1000) on every open connection and waits a little for the
// server's, so the server sees ordinary closes rather than aborted connections.
void Worker::closeGracefully()
{
    int closing = 0;
    for (Connection &c : m_connections) {
        if (c.state == State::Ready || c.state == State::Authenticating) {
            sendMessage(c, 0x8, std::string_view("\x03\xe8", 2));
            flush(c);
            if (c.state != State::Closed) {
                c.state = State::Closing;
                ++closing;
            }
        } else if (c.state != State::Closed) {
            close(c);
        }
    }
    const std::uint64_t deadline = nowNs() + 2000000000ull;
    std::vector<epoll_event> events(512);
    while (closing > 0 && nowNs() < deadline) {
        const int n = epoll_wait(m_epoll, events.data(), int(events.size()), 50);
        for (int i = 0; i < n; ++i) {
            if (events[std::size_t(i)].data.u64 == ~std::uint64_t(0))
                continue;
            Connection &c = m_connections[events[std::size_t(i)].data.u64];
            if (c.state != State::Closing)
                continue;
            onEvent(c, events[std::size_t(i)].events);
            if (c.state == State::Closed)
                --closing;
        }
    }
}

void Worker::startConnections()
{
    while (m_nextToOpen < m_connections.size()) {
        if (m_shared->pendingConnects.fetch_add(1, std::memory_order_acq_rel) >= m_spec.maxPendingConnects) {
            m_shared->pendingConnects.fetch_sub(1, std::memory_order_acq_rel);
            return;
        }
        openConnection(m_connections[m_nextToOpen++]);
    }
}

const Target &Worker::targetOf(const Connection &c) const
{
    const std::size_t index = std::size_t(&c - m_connections.data());
    const std::size_t k = index % (1 + m_spec.extraTargets.size());
    return k == 0 ? m_spec.target : m_spec.extraTargets[k - 1];
}

void Worker::openConnection(Connection &c)
{
    const std::size_t index = std::size_t(&c - m_connections.data());
    const Target &target = targetOf(c);
    c.fd = ::socket(target.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) {
        fail(c, std::string("socket: ") + std::strerror(errno));
        return;
    }
    const int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (target.address.ss_family == AF_INET) {
        // To a loopback server, from 64 loopback addresses: with every connection on
        // one source address, the kernel's search for a free ephemeral port grew with
        // the connections open (perf: __inet_check_established, __inet_hash_connect),
        // and took most of the time of 19k connects. The port is still the kernel's
        // choice, made at connect() (IP_BIND_ADDRESS_NO_PORT).
        sockaddr_in to{};
        std::memcpy(&to, &target.address, sizeof to);
        if ((ntohl(to.sin_addr.s_addr) >> 24) == 127) {
            sockaddr_in from{};
            from.sin_family = AF_INET;
            from.sin_addr.s_addr = htonl((127u << 24) | (1u + std::uint32_t(index % 64)));
            setsockopt(c.fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
            if (::bind(c.fd, reinterpret_cast<const sockaddr *>(&from), sizeof from) < 0) {
                fail(c, std::string("bind: ") + std::strerror(errno));
                return;
            }
        }
    }
    c.state = State::Connecting;
    if (::connect(c.fd, reinterpret_cast<const sockaddr *>(&target.address), target.addressLength) < 0
        && errno != EINPROGRESS) {
        fail(c, std::string("connect: ") + std::strerror(errno));
        return;
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u64 = index;
    c.writeArmed = true;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, c.fd, &ev) < 0) {
        fail(c, std::string("epoll_ctl: ") + std::strerror(errno));
        return;
    }
}

void Worker::onEvent(Connection &c, std::uint32_t events)
{
    if (c.state == State::Closed || c.fd < 0)
        return;
    if (c.state == State::Connecting) {
        int error = 0;
        socklen_t length = sizeof error;
        getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0 || (events & (EPOLLERR | EPOLLHUP)) != 0) {
            fail(c, std::string("connect: ") + std::strerror(error != 0 ? error : ECONNREFUSED));
            return;
        }
        if ((events & EPOLLOUT) == 0)
            return;
        unsigned char nonce[16];
        randomBytes(nonce, sizeof nonce);
        c.wsKey = base64Encode(std::string_view(reinterpret_cast<const char *>(nonce), sizeof nonce));
        const Target &target = targetOf(c);
        c.out += "GET " + target.path + " HTTP/1.1\r\nHost: " + target.host + ':' + std::to_string(target.port)
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + c.wsKey
            + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        c.state = State::Upgrading;
        flush(c);
        return;
    }
    if ((events & EPOLLOUT) != 0)
        onWritable(c);
    if (c.state != State::Closed && (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0)
        onReadable(c);
}

void Worker::onWritable(Connection &c)
{
    flush(c);
}

void Worker::flush(Connection &c)
{
    if (c.fd < 0)
        return;
    while (c.outPos < c.out.size()) {
        const ssize_t n = ::send(c.fd, c.out.data() + c.outPos, c.out.size() - c.outPos, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            if (errno == EINTR)
                continue;
            fail(c, std::string("send: ") + std::strerror(errno));
            return;
        }
        c.outPos += std::size_t(n);
    }
    const bool pending = c.outPos < c.out.size();
    if (!pending) {
        c.out.clear();
        c.outPos = 0;
    }
    if (pending != c.writeArmed) {
        epoll_event ev{};
        ev.events = EPOLLIN | (pending ? EPOLLOUT : 0u);
        ev.data.u64 = std::size_t(&c - m_connections.data());
        epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
        c.writeArmed = pending;
    }
}

void Worker::onReadable(Connection &c)
{
    char *buffer = m_readBuffer.get();
    for (;;) {
        const ssize_t n = ::recv(c.fd, buffer, ReadChunk, 0);
        if (n <= 0) {
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                break;
            if (n < 0 && errno == EINTR)
                continue;
            // The server closed: fine once the run is stopping, a failure before.
            if (m_shared->phase.load(std::memory_order_acquire) == 2)
                close(c);
            else
                fail(c, n == 0 ? "the server closed the connection" : std::string("recv: ") + std::strerror(errno));
            return;
        }
        std::string_view data(buffer, std::size_t(n));
        if (c.state == State::Upgrading) {
            c.in.append(data);
            if (!onHandshake(c))
                return;
            if (c.state == State::Upgrading)
                continue; // the HTTP response is incomplete
            data = c.in; // what followed the HTTP response
        } else if (!c.in.empty()) {
            c.in.append(data);
            data = c.in;
        }
        // Usually the whole read holds whole frames and is parsed in place, without a copy.
        std::size_t consumed = 0;
        if (!processInput(c, data, &consumed))
            return;
        if (data.data() == c.in.data())
            c.in.erase(0, consumed);
        else
            c.in.assign(data.substr(consumed));
        // A short read drained the socket; level-triggered epoll reports more later.
        if (std::size_t(n) < ReadChunk)
            break;
    }
    if (c.state != State::Closed)
        flush(c);
}

bool Worker::processInput(Connection &c, std::string_view data, std::size_t *consumed)
{
    std::size_t pos = 0;
    for (;;) {
        *consumed = pos;
        if (c.state == State::Closed)
            return false;
        const std::size_t available = data.size() - pos;
        const auto *p = reinterpret_cast<const unsigned char *>(data.data() + pos);
        if (available < 2)
            break;
        const bool fin = (p[0] & 0x80) != 0;
        const int opcode = p[0] & 0x0f;
        if ((p[1] & 0x80) != 0) {
            fail(c, "the server sent a masked frame");
            return false;
        }
        std::uint64_t length = p[1] & 0x7f;
        std::size_t header = 2;
        if (length == 126) {
            if (available < 4)
                break;
            length = (std::uint64_t(p[2]) << 8) | p[3];
            header = 4;
        } else if (length == 127) {
            if (available < 10)
                break;
            length = 0;
            for (int i = 0; i < 8; ++i)
                length = (length << 8) | p[2 + i];
            header = 10;
        }
        if (length > MaxMessage) {
            fail(c, "the server sent an oversized frame");
            return false;
        }
        if (available < header + length)
            break;
        const std::string_view payload = data.substr(pos + header, std::size_t(length));
        pos += header + std::size_t(length);
        if (opcode == 0x9) { // ping
            sendMessage(c, 0xA, payload);
        } else if (opcode == 0x8) {
            if (c.state == State::Closing || m_shared->phase.load(std::memory_order_acquire) == 2) {
                close(c);
            } else {
                const unsigned code = payload.size() >= 2 ? (unsigned(std::uint8_t(payload[0])) << 8 | std::uint8_t(payload[1])) : 1005u;
                fail(c, "the server closed the connection with code " + std::to_string(code) + ": "
                            + std::string(payload.size() > 2 ? payload.substr(2) : std::string_view()));
            }
            return false;
        } else if (opcode == 0xA) {
            // pong: nothing to do
        } else if (opcode == 0x0 || opcode == 0x1 || opcode == 0x2) {
            if (!fin || c.fragmented) {
                if (c.fragments.size() + payload.size() > MaxMessage) {
                    fail(c, "the server sent an oversized message");
                    return false;
                }
                c.fragments.append(payload);
                c.fragmented = !fin;
                if (fin) {
                    const std::string message = std::move(c.fragments);
                    c.fragments.clear();
                    if (!onMessage(c, message))
                        return false;
                }
            } else if (!onMessage(c, payload)) {
                return false;
            }
        } else {
            fail(c, "the server sent an unknown opcode");
            return false;
        }
    }
    return true;
}

bool Worker::onHandshake(Connection &c)
{
    const std::size_t end = c.in.find("\r\n\r\n");
    if (end == std::string::npos) {
        if (c.in.size() > 16384) {
            fail(c, "oversized HTTP upgrade response");
            return false;
        }
        return true;
    }
    const std::string_view headers(c.in.data(), end + 2);
    const std::string expected = base64Encode(sha1(c.wsKey + std::string(WebSocketGuid)));
    if (headers.substr(0, 12) != "HTTP/1.1 101" || !headerEquals(headers, "Sec-WebSocket-Accept", expected)) {
        fail(c, "the WebSocket upgrade failed: " + std::string(headers.substr(0, headers.find("\r\n"))));
        return false;
    }
    c.in.erase(0, end + 4);
    c.state = State::Authenticating;
    const std::string auth = "{\"request\":\"auth\",\"data\":{\"authKey\":" + jsonString(m_spec.authKey) + "}}";
    if (m_spec.encryption) {
        m_cipher.clear();
        if (!m_global->encrypt(auth, m_ivs.next(), &m_cipher)) {
            fail(c, "AES-256-GCM encryption failed");
            return false;
        }
        sendMessage(c, 0x2, m_cipher);
    } else {
        sendMessage(c, 0x1, auth);
    }
    return true;
}

bool Worker::onMessage(Connection &c, std::string_view payload)
{
    if (c.state == State::Closing)
        return true;
    std::string_view json = payload;
    if (m_spec.encryption) {
        FrameCrypter *crypter = c.state == State::Ready ? c.session.get() : m_global.get();
        if (!crypter->decrypt(payload, &m_plain)) {
            fail(c, "a frame from the server did not decrypt");
            return false;
        }
        json = m_plain;
    }
    if (c.state == State::Authenticating)
        return onAuthResponse(c, json);
    if (c.state != State::Ready)
        return true;
    const std::string_view value = findAfter(json, "\"response\":\"");
    std::uint64_t stamp = 0;
    if (value.size() < 17 || !readHex16(value.data() + 1, &stamp))
        return true; // a heartbeat answer or something else: not ours
    const std::uint64_t now = nowNs();
    const bool measuring = m_shared->measuring.load(std::memory_order_relaxed);
    if (value.front() == 't') {
        if (measuring) {
            ++result.roundTrips;
            result.latenciesNs.push_back(now - stamp);
        }
        if (m_shared->phase.load(std::memory_order_relaxed) == 1)
            sendRequest(c, &m_echoTemplate, m_echoStampAt);
    } else if (value.front() == 'b') {
        if (measuring)
            ++result.deliveries;
        if (m_shared->broadcastRemaining.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            // The last delivery of this broadcast: it is complete.
            if (measuring) {
                ++result.roundTrips;
                result.latenciesNs.push_back(now - stamp);
            }
            if (m_index == 0)
                sendBroadcast();
            else
                eventfd_write(m_shared->senderEventFd, 1);
        }
    }
    return true;
}

bool Worker::onAuthResponse(Connection &c, std::string_view json)
{
    if (json.find("\"request\":\"auth\"") == std::string_view::npos)
        return true; // not the auth response (yet)
    if (m_spec.encryption) {
        const std::string_view rest = findAfter(json, "\"sessionKey\":\"");
        const std::size_t end = rest.find('"');
        std::string bytes;
        Key key{};
        if (end == std::string_view::npos || !base64Decode(rest.substr(0, end), &bytes) || bytes.size() != key.size()) {
            fail(c, "the auth response has no valid sessionKey: " + std::string(json.substr(0, 200)));
            return false;
        }
        std::copy(bytes.begin(), bytes.end(), key.begin());
        c.session = std::make_unique<FrameCrypter>(key);
        if (!c.session->isValid()) {
            fail(c, "OpenSSL AES-256-GCM is not available");
            return false;
        }
    } else if (json.find("\"response\":") == std::string_view::npos) {
        fail(c, "the auth response has no response field");
        return false;
    }
    c.state = State::Ready;
    m_shared->pendingConnects.fetch_sub(1, std::memory_order_acq_rel);
    m_shared->ready.fetch_add(1, std::memory_order_acq_rel);
    if (m_trafficStarted && m_spec.mode == Mode::RoundTrip) {
        for (int i = 0; i < m_spec.inFlight; ++i)
            sendRequest(c, &m_echoTemplate, m_echoStampAt);
    }
    return true;
}

void Worker::sendMessage(Connection &c, int opcode, std::string_view payload)
{
    unsigned char header[14];
    std::size_t size = 0;
    header[size++] = std::uint8_t(0x80 | opcode);
    if (payload.size() < 126) {
        header[size++] = std::uint8_t(0x80 | payload.size());
    } else if (payload.size() <= 0xffff) {
        header[size++] = 0x80 | 126;
        header[size++] = std::uint8_t(payload.size() >> 8);
        header[size++] = std::uint8_t(payload.size());
    } else {
        header[size++] = 0x80 | 127;
        for (int i = 7; i >= 0; --i)
            header[size++] = std::uint8_t(std::uint64_t(payload.size()) >> (8 * i));
    }
    const std::uint32_t mask = nextMask();
    std::memcpy(header + size, &mask, 4);
    unsigned char maskBytes[4];
    std::memcpy(maskBytes, &mask, 4);
    size += 4;
    const std::size_t start = c.out.size();
    c.out.resize(start + size + payload.size());
    char *out = c.out.data() + start;
    std::memcpy(out, header, size);
    out += size;
    // Eight bytes at a time, then the tail.
    std::uint64_t mask8 = 0;
    for (int i = 0; i < 8; ++i)
        mask8 |= std::uint64_t(maskBytes[i % 4]) << (8 * i);
    std::size_t i = 0;
    for (; i + 8 <= payload.size(); i += 8) {
        std::uint64_t word;
        std::memcpy(&word, payload.data() + i, 8);
        word ^= mask8;
        std::memcpy(out + i, &word, 8);
    }
    for (; i < payload.size(); ++i)
        out[i] = char(payload[i] ^ char(maskBytes[i % 4]));
}

void Worker::sendRequest(Connection &c, std::string *templ, std::size_t stampAt)
{
    writeHex16(templ->data() + stampAt, nowNs());
    if (m_spec.encryption) {
        m_cipher.clear();
        if (!c.session->encrypt(*templ, m_ivs.next(), &m_cipher)) {
            fail(c, "AES-256-GCM encryption failed");
            return;
        }
        sendMessage(c, 0x2, m_cipher);
    } else {
        sendMessage(c, 0x1, *templ);
    }
}

void Worker::startTraffic()
{
    m_trafficStarted = true;
    if (m_spec.mode == Mode::RoundTrip) {
        for (Connection &c : m_connections) {
            if (c.state != State::Ready)
                continue;
            for (int i = 0; i < m_spec.inFlight; ++i)
                sendRequest(c, &m_echoTemplate, m_echoStampAt);
            flush(c);
        }
    } else if (m_spec.mode == Mode::FanOut && m_index == 0) {
        sendBroadcast();
    }
}

void Worker::sendBroadcast()
{
    if (m_shared->phase.load(std::memory_order_acquire) != 1 || m_connections.empty())
        return;
    Connection &c = m_connections.front();
    if (c.state != State::Ready)
        return;
    m_shared->broadcastRemaining.store(m_shared->ready.load(std::memory_order_acquire), std::memory_order_release);
    sendRequest(c, &m_broadcastTemplate, m_broadcastStampAt);
    flush(c);
}

void Worker::fail(Connection &c, const std::string &reason)
{
    if (c.state == State::Closing || c.state == State::Closed) {
        close(c); // the run is over: not a failure
        return;
    }
    if (c.state == State::Connecting || c.state == State::Upgrading || c.state == State::Authenticating)
        m_shared->pendingConnects.fetch_sub(1, std::memory_order_acq_rel);
    else if (c.state == State::Ready)
        m_shared->ready.fetch_sub(1, std::memory_order_acq_rel);
    m_shared->fail(reason);
    close(c);
}

void Worker::close(Connection &c)
{
    if (c.fd >= 0) {
        ::close(c.fd); // also leaves the epoll set
        c.fd = -1;
    }
    c.state = State::Closed;
    // c.in stays: processInput() may still hold a view of it; it goes with the Worker.
    c.out.clear();
    c.outPos = 0;
}

bool resolveTarget(const std::string &url, Target *target, std::string *error)
{
    constexpr std::string_view scheme = "ws://";
    if (url.compare(0, scheme.size(), scheme) != 0) {
        *error = "only ws:// URLs are supported: " + url;
        return false;
    }
    std::string rest = url.substr(scheme.size());
    const std::size_t slash = rest.find('/');
    target->path = slash == std::string::npos ? "/" : rest.substr(slash);
    rest = rest.substr(0, slash);
    std::string port = "80";
    if (!rest.empty() && rest.front() == '[') {
        const std::size_t close = rest.find(']');
        if (close == std::string::npos) {
            *error = "bad address in " + url;
            return false;
        }
        target->host = rest.substr(1, close - 1);
        if (close + 1 < rest.size() && rest[close + 1] == ':')
            port = rest.substr(close + 2);
    } else {
        const std::size_t colon = rest.rfind(':');
        target->host = rest.substr(0, colon);
        if (colon != std::string::npos)
            port = rest.substr(colon + 1);
    }
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *found = nullptr;
    const int rc = getaddrinfo(target->host.c_str(), port.c_str(), &hints, &found);
    if (rc != 0 || found == nullptr) {
        *error = "cannot resolve " + target->host + ": " + gai_strerror(rc);
        return false;
    }
    std::memcpy(&target->address, found->ai_addr, found->ai_addrlen);
    target->addressLength = found->ai_addrlen;
    target->port = std::uint16_t(std::stoi(port));
    freeaddrinfo(found);
    return true;
}

LoadRun::LoadRun(const LoadSpec &spec)
{
    m_shared.spec = spec;
    const int threads = std::max(1, std::min(spec.threads, spec.connections));
    for (int t = 0; t < threads; ++t) {
        const int share = spec.connections / threads + (t < spec.connections % threads ? 1 : 0);
        m_workers.push_back(std::make_unique<Worker>(&m_shared, t, share));
    }
}

LoadRun::~LoadRun()
{
    stop();
}

bool LoadRun::start()
{
    for (auto &worker : m_workers)
        m_threads.emplace_back([w = worker.get()] { w->run(); });
    return true;
}

bool LoadRun::waitReady(double timeoutSeconds)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeoutSeconds);
    while (std::chrono::steady_clock::now() < deadline) {
        if (m_shared.failed.load() > 0)
            return false;
        if (m_shared.ready.load() == m_shared.spec.connections)
            return true;
        std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    return false;
}

int LoadRun::readyCount() const
{
    return m_shared.ready.load();
}

int LoadRun::failedCount() const
{
    return m_shared.failed.load();
}

void LoadRun::wakeAll()
{
    for (auto &worker : m_workers)
        worker->wake();
}

void LoadRun::startTraffic()
{
    m_shared.phase.store(1, std::memory_order_release);
    wakeAll();
}

void LoadRun::setMeasuring(bool measuring)
{
    m_shared.measuring.store(measuring, std::memory_order_relaxed);
}

void LoadRun::stop()
{
    m_shared.phase.store(2, std::memory_order_release);
    wakeAll();
    for (std::thread &t : m_threads)
        t.join();
    m_threads.clear();
}

LoadResult LoadRun::result() const
{
    LoadResult total;
    for (const auto &worker : m_workers) {
        total.roundTrips += worker->result.roundTrips;
        total.deliveries += worker->result.deliveries;
        total.latenciesNs.insert(total.latenciesNs.end(), worker->result.latenciesNs.begin(), worker->result.latenciesNs.end());
    }
    return total;
}

std::string LoadRun::firstError() const
{
    const std::lock_guard lock(m_shared.errorMutex);
    return m_shared.firstError;
}

std::int64_t ownCpuMicroseconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return std::int64_t(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000 + usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

} // namespace StonyxBench
