// SPDX-License-Identifier: MIT
// Soak test: many SocketClients keep sending echo requests to the real server tool
// (a separate process, so its memory can be read from /proc) for SOAK_SECONDS. A
// random tenth of the clients go through a TCP proxy inside this program that cuts
// their connection (RST) at random moments; the server is restarted once in the
// middle, on the same port. Checked at the end:
//  - every request got exactly one answer, unless the client reported its
//    connection lost (disconnected()) while the request was outstanding; no
//    request is left without either (vanished), none is answered twice or after
//    being reported lost, and every answer carries what was sent;
//  - every client is connected again;
//  - the server's resident memory after the run, and after the clients leave, is
//    within a bound of its figure after warm-up.
//
// Usage: stonyx_soak --server <stonyx-sockets-server> --handler-dir <dir>
// Environment: SOAK_SECONDS (60), SOAK_CLIENTS (200), SOAK_SEED (random).

#include <Stonyx/Sockets/SocketClient>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QJsonObject>
#include <QMap>
#include <QPointer>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <cstdio>
#include <functional>
#include <memory>
#include <sys/socket.h>

using Stonyx::Sockets::SocketClient;
using Stonyx::Sockets::SocketConfig;

namespace {

const QString AuthKey = QStringLiteral("soak-key");
constexpr int MaxOutstanding = 3;           // requests in flight per client
constexpr qint64 MemoryBoundKiB = 10 * 1024; // or 20 % of the warm-up figure, whichever is larger

void say(const QString &line)
{
    std::printf("soak: %s\n", qUtf8Printable(line));
    std::fflush(stdout);
}

int envInt(const char *name, int fallback)
{
    bool ok = false;
    const int value = qEnvironmentVariableIntValue(name, &ok);
    return ok && value > 0 ? value : fallback;
}

// Runs the event loop until \a done() is true or \a timeoutMs passed; returns done().
bool waitFor(const std::function<bool()> &done, int timeoutMs)
{
    if (done())
        return true;
    QEventLoop loop;
    QElapsedTimer elapsed;
    elapsed.start();
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done() || elapsed.elapsed() >= timeoutMs)
            loop.quit();
    });
    poll.start(10);
    loop.exec();
    return done();
}

// Runs the event loop for \a ms.
void sleepFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(std::max(0, ms), &loop, &QEventLoop::quit);
    loop.exec();
}

// Resets instead of closing: the peer sees the connection cut, as when a cable is pulled.
void reset(QTcpSocket *socket)
{
    if (socket->socketDescriptor() != -1) {
        const linger hard{1, 0};
        ::setsockopt(int(socket->socketDescriptor()), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    }
    socket->abort();
}

// A TCP proxy for one client's connections to the server, which can cut them.
class Proxy : public QObject
{
public:
    explicit Proxy(quint16 upstreamPort)
        : m_upstreamPort(upstreamPort)
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] { accept(); });
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }
    int drops() const { return m_drops; }

    // Cuts every open connection, both ways. Returns whether there was one.
    bool drop()
    {
        const QList<int> keys = m_pairs.keys();
        for (int key : keys) {
            const Pair pair = m_pairs.take(key);
            // No orderly close is passed on: both ends see a reset.
            for (QTcpSocket *socket : {pair.up.data(), pair.down.data()}) {
                if (socket) {
                    socket->disconnect();
                    reset(socket);
                }
            }
            if (pair.down)
                pair.down->deleteLater(); // and the upstream socket, its child
        }
        m_drops += keys.isEmpty() ? 0 : 1;
        return !keys.isEmpty();
    }

private:
    struct Pair {
        QPointer<QTcpSocket> down; // from the client
        QPointer<QTcpSocket> up;   // to the server
    };

    void accept()
    {
        while (QTcpSocket *down = m_server.nextPendingConnection()) {
            auto *up = new QTcpSocket(down);
            const int key = m_nextKey++;
            m_pairs.insert(key, {down, up});
            auto pending = std::make_shared<QByteArray>();
            QObject::connect(down, &QTcpSocket::readyRead, up, [down, up, pending] {
                if (up->state() == QAbstractSocket::ConnectedState)
                    up->write(down->readAll());
                else
                    pending->append(down->readAll());
            });
            QObject::connect(up, &QTcpSocket::connected, up, [up, pending] {
                up->write(*pending);
                pending->clear();
            });
            QObject::connect(up, &QTcpSocket::readyRead, down, [down, up] { down->write(up->readAll()); });
            // An orderly close on either side is passed on (after the data in flight).
            QObject::connect(up, &QTcpSocket::disconnected, down, [down, up] {
                down->write(up->readAll());
                down->disconnectFromHost();
            });
            QObject::connect(up, &QTcpSocket::errorOccurred, down, [down, up](QAbstractSocket::SocketError) {
                if (up->state() != QAbstractSocket::ConnectedState)
                    down->disconnectFromHost(); // e.g. the server is down: refused
            });
            QObject::connect(down, &QTcpSocket::disconnected, this, [this, down, up, key] {
                if (up->state() != QAbstractSocket::UnconnectedState)
                    up->disconnectFromHost();
                m_pairs.remove(key);
                down->deleteLater();
            });
            up->connectToHost(QHostAddress::LocalHost, m_upstreamPort);
        }
    }

    QTcpServer m_server;
    quint16 m_upstreamPort;
    QHash<int, Pair> m_pairs;
    int m_nextKey = 0;
    int m_drops = 0;
};

// The server tool as a child process.
class ServerProcess
{
public:
    ServerProcess(QString program, QString handlerDir)
        : m_program(std::move(program))
        , m_handlerDir(std::move(handlerDir))
    {
    }
    ~ServerProcess() { stop(); }

    // Starts on \a port (0: any); retries while the port is not free yet.
    bool start(quint16 port)
    {
        for (int attempt = 1; attempt <= 10; ++attempt) {
            if (startOnce(port))
                return true;
            say(QStringLiteral("server start attempt %1 on port %2 failed: %3").arg(attempt).arg(port).arg(m_lastError));
            sleepFor(300);
        }
        return false;
    }

    // SIGTERM, as a service manager would; the server closes its clients (1001).
    bool stop()
    {
        if (!m_process)
            return true;
        m_process->terminate();
        // The clients keep running meanwhile.
        const bool stopped = waitFor([this] { return m_process->state() == QProcess::NotRunning; }, 10000);
        if (!stopped)
            m_process->kill();
        m_process->waitForFinished(2000);
        m_stderr += m_process->readAllStandardError();
        m_process.reset();
        return stopped;
    }

    quint16 port() const { return m_port; }
    qint64 pid() const { return m_process ? m_process->processId() : 0; }
    bool isRunning() const { return m_process && m_process->state() == QProcess::Running; }

    // VmRSS from /proc/PID/status in KiB, or -1.
    qint64 rssKiB() const
    {
        QFile status(QStringLiteral("/proc/%1/status").arg(pid()));
        if (!status.open(QIODevice::ReadOnly))
            return -1;
        static const QRegularExpression rss(QStringLiteral("^VmRSS:\\s+(\\d+) kB"), QRegularExpression::MultilineOption);
        const QRegularExpressionMatch match = rss.match(QString::fromLatin1(status.readAll()));
        return match.hasMatch() ? match.captured(1).toLongLong() : -1;
    }

    QString stderrTail(int lines) const
    {
        QByteArray all = m_stderr;
        if (m_process)
            all += m_process->readAllStandardError();
        QStringList list = QString::fromUtf8(all).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        return list.mid(std::max<qsizetype>(0, list.size() - lines)).join(QLatin1Char('\n'));
    }

private:
    bool startOnce(quint16 port)
    {
        m_process = std::make_unique<QProcess>();
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const QString &name : environment.keys()) {
            if (name.startsWith(u"SOCKET_"))
                environment.remove(name); // only the options below
        }
        m_process->setProcessEnvironment(environment);
        m_process->start(m_program, {QStringLiteral("--port"), QString::number(port), QStringLiteral("--host"),
                                     QStringLiteral("127.0.0.1"), QStringLiteral("--handler-dir"), m_handlerDir,
                                     QStringLiteral("--auth-key"), AuthKey, QStringLiteral("--quiet")});
        if (!m_process->waitForStarted(10000)) {
            m_lastError = m_process->errorString();
            m_process.reset();
            return false;
        }
        static const QRegularExpression listening(QStringLiteral("listening on ws://127\\.0\\.0\\.1:(\\d+)"));
        QByteArray out;
        const bool up = waitFor([&] {
            out += m_process->readAllStandardOutput();
            const QRegularExpressionMatch match = listening.match(QString::fromUtf8(out));
            if (match.hasMatch())
                m_port = quint16(match.captured(1).toUInt());
            return match.hasMatch() || m_process->state() != QProcess::Running;
        }, 15000);
        if (!up || m_process->state() != QProcess::Running) {
            m_process->waitForFinished(1000);
            m_lastError = QString::fromUtf8(m_process->readAllStandardError()).trimmed();
            m_stderr.clear();
            m_process.reset();
            return false;
        }
        return true;
    }

    QString m_program;
    QString m_handlerDir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    QString m_lastError;
    QByteArray m_stderr;
};

enum class Outcome : quint8 { Outstanding, Answered, Lost };

struct Counters {
    qint64 sent = 0;
    qint64 answered = 0;
    qint64 lost = 0;
    qint64 refused = 0;        // send() returned false: not a request
    qint64 duplicates = 0;     // answered twice
    qint64 unknown = 0;        // an answer to no request
    qint64 afterLost = 0;      // answered after the client reported it lost
    qint64 mismatched = 0;     // an answer that is not what was sent
};

struct Peer {
    int index = 0;
    std::unique_ptr<SocketClient> client;
    std::unique_ptr<Proxy> proxy;   // for the clients whose connections are cut
    QSet<qint64> outstanding;
    int disconnects = 0;
    int reconnects = 0;
    QTimer sendTimer;
    QTimer dropTimer;
};

QString padFor(qint64 id)
{
    return QString::number(id, 36).repeated(1 + int(id % 23));
}

QString mib(qint64 kib)
{
    return QString::number(double(kib) / 1024.0, 'f', 1);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOptions({{QStringLiteral("server"), QStringLiteral("The stonyx-sockets-server program."), QStringLiteral("path")},
                       {QStringLiteral("handler-dir"), QStringLiteral("The auth and echo handler plugins."), QStringLiteral("dir")}});
    parser.process(app);
    if (!parser.isSet(QStringLiteral("server")) || !parser.isSet(QStringLiteral("handler-dir"))) {
        std::fprintf(stderr, "usage: stonyx_soak --server <stonyx-sockets-server> --handler-dir <dir>\n");
        return 2;
    }
    const int seconds = envInt("SOAK_SECONDS", 60);
    const int clientCount = envInt("SOAK_CLIENTS", 200);
    const quint32 seed = quint32(envInt("SOAK_SEED", int(QRandomGenerator::global()->bounded(1, 1 << 30))));
    QRandomGenerator random(seed);
    say(QStringLiteral("%1 clients for %2 s, seed %3 (SOAK_SEED reproduces the choices)").arg(clientCount).arg(seconds).arg(seed));

    QStringList failures;
    auto check = [&failures](bool ok, const QString &what) {
        if (!ok)
            failures.append(what);
        return ok;
    };

    ServerProcess server(parser.value(QStringLiteral("server")), parser.value(QStringLiteral("handler-dir")));
    if (!server.start(0)) {
        say(QStringLiteral("FAILED: the server did not start"));
        return 1;
    }
    const quint16 port = server.port();
    say(QStringLiteral("server pid %1 on port %2").arg(server.pid()).arg(port));

    // A random tenth of the clients go through a proxy that cuts them.
    QSet<int> droppy;
    while (droppy.size() < std::max(1, clientCount / 10))
        droppy.insert(int(random.bounded(clientCount)));

    Counters counters;
    QHash<qint64, Outcome> outcomes;
    QMap<int, int> closeCodes[2]; // as the direct [0] and the cut [1] clients saw them, before the final close
    bool closing = false;
    qint64 nextId = 1;
    bool sending = false;
    bool dropping = false;
    std::vector<std::unique_ptr<Peer>> peers;
    peers.reserve(std::size_t(clientCount));

    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < clientCount; ++i) {
        auto peer = std::make_unique<Peer>();
        Peer *p = peer.get();
        p->index = i;
        quint16 target = port;
        if (droppy.contains(i)) {
            p->proxy = std::make_unique<Proxy>(port);
            if (!p->proxy->listen()) {
                say(QStringLiteral("FAILED: a proxy could not listen"));
                return 1;
            }
            target = p->proxy->port();
        }
        SocketConfig config;
        config.setAddress(QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(target)));
        config.setAuthKey(AuthKey);
        config.setReconnectBaseDelay(50);
        config.setReconnectMaxDelay(500);
        config.setMaxReconnectAttempts(SocketConfig::Unlimited);
        config.setHeartBeatInterval(2000);
        p->client = std::make_unique<SocketClient>(config);
        SocketClient *client = p->client.get();

        QObject::connect(client, &SocketClient::messageReceived, client, [&, p](const QString &request, const QJsonValue &response) {
            if (request != u"echo")
                return;
            const QJsonObject answer = response.toObject();
            const qint64 id = answer.value(u"id").toInteger();
            const auto it = outcomes.find(id);
            if (it == outcomes.end()) {
                ++counters.unknown;
                return;
            }
            switch (*it) {
            case Outcome::Answered:
                ++counters.duplicates;
                return;
            case Outcome::Lost:
                ++counters.afterLost;
                return;
            case Outcome::Outstanding:
                break;
            }
            if (!p->outstanding.remove(id) || answer.value(u"client").toInt() != p->index
                || answer.value(u"pad").toString() != padFor(id))
                ++counters.mismatched;
            *it = Outcome::Answered;
            ++counters.answered;
        });
        QObject::connect(client, &SocketClient::disconnected, client, [&, p](int code, const QString &) {
            ++p->disconnects;
            if (!closing)
                ++closeCodes[p->proxy ? 1 : 0][code];
            // The client said its connection is gone: what it had in flight is lost.
            for (qint64 id : std::as_const(p->outstanding))
                outcomes[id] = Outcome::Lost;
            counters.lost += p->outstanding.size();
            p->outstanding.clear();
        });
        QObject::connect(client, &SocketClient::reconnected, client, [p] { ++p->reconnects; });

        // Sends while connected, up to MaxOutstanding in flight, at random intervals.
        p->sendTimer.setSingleShot(true);
        QObject::connect(&p->sendTimer, &QTimer::timeout, client, [&, p] {
            if (sending && p->client->state() == SocketClient::State::Connected && p->outstanding.size() < MaxOutstanding) {
                const qint64 id = nextId++;
                const QJsonObject data{{QStringLiteral("id"), id}, {QStringLiteral("client"), p->index},
                                       {QStringLiteral("pad"), padFor(id)}};
                if (p->client->send(QStringLiteral("echo"), data)) {
                    outcomes.insert(id, Outcome::Outstanding);
                    p->outstanding.insert(id);
                    ++counters.sent;
                } else {
                    ++counters.refused;
                }
            }
            if (sending)
                p->sendTimer.start(int(random.bounded(20, 130)));
        });
        // Cuts this client's connection at random moments (0.3 to 4 s apart).
        p->dropTimer.setSingleShot(true);
        QObject::connect(&p->dropTimer, &QTimer::timeout, client, [&, p] {
            if (!dropping)
                return;
            p->proxy->drop();
            p->dropTimer.start(int(random.bounded(300, 4000)));
        });
        if (!client->open()) {
            say(QStringLiteral("FAILED: client %1 did not open: %2").arg(i).arg(client->errorString()));
            return 1;
        }
        peers.push_back(std::move(peer));
        QCoreApplication::processEvents();
    }
    auto connectedCount = [&] {
        return int(std::count_if(peers.begin(), peers.end(),
                                 [](const auto &p) { return p->client->state() == SocketClient::State::Connected; }));
    };
    const bool allUp = waitFor([&] { return connectedCount() == clientCount; }, 60000);
    say(QStringLiteral("%1 of %2 clients connected after %3 ms (each derives the global key once)")
            .arg(connectedCount()).arg(clientCount).arg(clock.elapsed()));
    if (!allUp) {
        say(QStringLiteral("FAILED: not every client connected"));
        return 1;
    }

    // Traffic and cuts.
    sending = true;
    dropping = true;
    for (const auto &p : peers) {
        p->sendTimer.start(int(random.bounded(0, 100)));
        if (p->proxy)
            p->dropTimer.start(int(random.bounded(300, 4000)));
    }
    QElapsedTimer soak;
    soak.start();
    const int warmUpMs = std::min(5000, seconds * 1000 / 6);
    sleepFor(warmUpMs);
    const qint64 rssFirstWarm = server.rssKiB();
    say(QStringLiteral("server RSS after %1 s warm-up: %2 MiB (%3 requests answered)")
            .arg(warmUpMs / 1000.0).arg(mib(rssFirstWarm)).arg(counters.answered));

    // The restart, in the middle.
    sleepFor(std::max(0, seconds * 500 - int(soak.elapsed())));
    const qint64 rssBeforeRestart = server.rssKiB();
    const qint64 answeredBeforeRestart = counters.answered;
    check(server.stop(), QStringLiteral("the server did not stop on SIGTERM within 10 s"));
    QElapsedTimer restart;
    restart.start();
    if (!server.start(port)) {
        say(QStringLiteral("FAILED: the server did not start again on port %1").arg(port));
        return 1;
    }
    say(QStringLiteral("server restarted at %1 s (RSS before: %2 MiB), new pid %3 on port %4")
            .arg(double(soak.elapsed()) / 1000.0, 0, 'f', 1).arg(mib(rssBeforeRestart)).arg(server.pid()).arg(server.port()));
    // Every client comes back (the cut ones may be down at any moment, so wait for
    // the others and then for the cut ones separately).
    const bool back = waitFor([&] {
        return std::all_of(peers.begin(), peers.end(), [](const auto &p) {
            return p->proxy || (p->client->state() == SocketClient::State::Connected && p->disconnects > 0);
        });
    }, 30000);
    check(back, QStringLiteral("not every direct client reconnected within 30 s of the restart"));
    say(QStringLiteral("direct clients reconnected %1 ms after the restart").arg(restart.elapsed()));
    sleepFor(warmUpMs);
    const qint64 rssWarm = server.rssKiB();
    say(QStringLiteral("server RSS %1 s after the clients came back: %2 MiB").arg(warmUpMs / 1000.0).arg(mib(rssWarm)));

    sleepFor(std::max(0, seconds * 1000 - int(soak.elapsed())));
    sending = false;
    dropping = false;
    for (const auto &p : peers) {
        p->sendTimer.stop();
        p->dropTimer.stop();
    }
    const qint64 soakMs = soak.elapsed();

    // Every request settles: answered, or reported lost with its connection.
    const bool settled = waitFor([&] {
        return std::all_of(peers.begin(), peers.end(), [](const auto &p) { return p->outstanding.isEmpty(); });
    }, 15000);
    const bool reconnected = waitFor([&] { return connectedCount() == clientCount; }, 30000);
    qint64 vanished = 0;
    for (const auto &p : peers)
        vanished += p->outstanding.size();
    sleepFor(1000);
    const qint64 rssAfterRun = server.rssKiB();

    // The clients leave; the server frees what they held.
    closing = true;
    for (const auto &p : peers)
        p->client->close();
    const bool closed = waitFor([&] {
        return std::all_of(peers.begin(), peers.end(),
                           [](const auto &p) { return p->client->state() == SocketClient::State::Disconnected; });
    }, 15000);
    sleepFor(3000); // the server deletes closed connections later
    const qint64 rssAfterDisconnect = server.rssKiB();
    const bool serverAlive = server.isRunning();

    int drops = 0, disconnects = 0, reconnects = 0, cutClients = 0;
    for (const auto &p : peers) {
        disconnects += p->disconnects;
        reconnects += p->reconnects;
        if (p->proxy) {
            drops += p->proxy->drops();
            cutClients += p->proxy->drops() > 0 ? 1 : 0;
        }
    }

    check(serverAlive, QStringLiteral("the server process died"));
    check(settled && vanished == 0, QStringLiteral("%1 request(s) vanished: neither answered nor reported lost").arg(vanished));
    check(counters.duplicates == 0, QStringLiteral("%1 request(s) answered twice").arg(counters.duplicates));
    check(counters.afterLost == 0, QStringLiteral("%1 answer(s) to requests already reported lost").arg(counters.afterLost));
    check(counters.unknown == 0, QStringLiteral("%1 answer(s) to no request").arg(counters.unknown));
    check(counters.mismatched == 0, QStringLiteral("%1 answer(s) not matching their request").arg(counters.mismatched));
    check(counters.sent == counters.answered + counters.lost + vanished, QStringLiteral("the request counts do not add up"));
    check(reconnected, QStringLiteral("only %1 of %2 clients reconnected by the end").arg(connectedCount()).arg(clientCount));
    check(closed, QStringLiteral("not every client closed"));
    // The test must have done what it claims: traffic on both servers, cuts, a restart.
    check(answeredBeforeRestart >= clientCount && counters.answered - answeredBeforeRestart >= clientCount,
          QStringLiteral("too little traffic: %1 answers before the restart, %2 after")
              .arg(answeredBeforeRestart).arg(counters.answered - answeredBeforeRestart));
    check(cutClients == int(droppy.size()), QStringLiteral("only %1 of %2 cut clients were cut").arg(cutClients).arg(droppy.size()));
    check(std::all_of(peers.begin(), peers.end(), [](const auto &p) { return p->disconnects > 0 && p->reconnects > 0; }),
          QStringLiteral("a client never lost its connection or never reconnected, though the server restarted"));
    const qint64 bound = std::max(MemoryBoundKiB, rssWarm / 5);
    check(rssWarm > 0 && rssAfterRun > 0 && rssAfterDisconnect > 0, QStringLiteral("the server's RSS could not be read"));
    check(rssAfterRun <= rssWarm + bound,
          QStringLiteral("server RSS grew from %1 to %2 MiB during the run (bound +%3 MiB)").arg(mib(rssWarm), mib(rssAfterRun), mib(bound)));
    check(rssAfterDisconnect <= rssWarm + bound,
          QStringLiteral("server RSS is %1 MiB after the clients left, %2 MiB after warm-up (bound +%3 MiB)")
              .arg(mib(rssAfterDisconnect), mib(rssWarm), mib(bound)));

    say(QStringLiteral("requests %1 (%2/s), answered %3, lost with a dropped connection %4, vanished %5, "
                       "answered twice %6, answered after lost %7, unknown answers %8, mismatched %9, not sent (not connected) %10")
            .arg(counters.sent).arg(double(counters.sent) * 1000.0 / double(std::max<qint64>(1, soakMs)), 0, 'f', 0)
            .arg(counters.answered).arg(counters.lost).arg(vanished).arg(counters.duplicates).arg(counters.afterLost)
            .arg(counters.unknown).arg(counters.mismatched).arg(counters.refused));
    say(QStringLiteral("connections cut %1 (on %2 clients), client disconnects %3, reconnects %4, server restarts 1, "
                       "connected at the end %5/%6")
            .arg(drops).arg(cutClients).arg(disconnects).arg(reconnects).arg(reconnected ? clientCount : connectedCount()).arg(clientCount));
    for (int cut : {0, 1}) {
        QStringList codes;
        for (auto it = closeCodes[cut].cbegin(); it != closeCodes[cut].cend(); ++it)
            codes.append(QStringLiteral("%1 x%2").arg(it.key()).arg(it.value()));
        say(QStringLiteral("close codes reported by the %1 clients during the run: %2")
                .arg(cut ? QStringLiteral("cut") : QStringLiteral("direct"), codes.join(QStringLiteral(", "))));
    }
    say(QStringLiteral("server RSS (MiB): first server after warm-up %1, before restart %2; second server after warm-up %3, "
                       "after the run %4, after the clients left %5; bound warm-up + %6")
            .arg(mib(rssFirstWarm), mib(rssBeforeRestart), mib(rssWarm), mib(rssAfterRun), mib(rssAfterDisconnect), mib(bound)));
    server.stop();
    if (!failures.isEmpty()) {
        for (const QString &failure : std::as_const(failures))
            say(QStringLiteral("FAILED: %1").arg(failure));
        say(QStringLiteral("server stderr (tail):\n%1").arg(server.stderrTail(30)));
        return 1;
    }
    say(QStringLiteral("passed in %1 s").arg(double(clock.elapsed()) / 1000.0, 0, 'f', 1));
    return 0;
}
