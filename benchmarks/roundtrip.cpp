// SPDX-License-Identifier: MIT
// Server CPU per round trip: starts stonyx-sockets-server (the example auth and echo
// handlers) as its own process, drives it with SocketClients from this process, and
// reads the server's CPU time and memory from /proc.
//
//   stonyx-bench-roundtrip [--clients N] [--seconds S] [--payload BYTES] [--plain]

#include <Stonyx/Sockets/SocketClient>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTimer>

#include <cstdio>
#include <unistd.h>

using namespace Stonyx::Sockets;

namespace {

// utime + stime of a process, in microseconds.
qint64 cpuMicroseconds(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray line = stat.readAll();
    // Fields after the command name (which may contain spaces) start after ')'.
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    const qint64 ticks = fields.at(11).toLongLong() + fields.at(12).toLongLong();
    return ticks * 1000000 / sysconf(_SC_CLK_TCK);
}

qint64 rssKiB(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("VmRSS:\\s+(\\d+)")).match(QString::fromLatin1(status.readAll()));
    return m.captured(1).toLongLong();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Measures the server's CPU time per request/response round trip."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("clients"), QStringLiteral("Concurrent clients (default 8)."), QStringLiteral("n"), QStringLiteral("8")},
        {QStringLiteral("seconds"), QStringLiteral("Measured duration (default 5)."), QStringLiteral("s"), QStringLiteral("5")},
        {QStringLiteral("payload"), QStringLiteral("Bytes of data per request (default 64)."), QStringLiteral("bytes"), QStringLiteral("64")},
        {QStringLiteral("plain"), QStringLiteral("Encryption off.")},
    });
    parser.process(app);
    const int clientCount = parser.value(QStringLiteral("clients")).toInt();
    const int seconds = parser.value(QStringLiteral("seconds")).toInt();
    const int payloadSize = parser.value(QStringLiteral("payload")).toInt();
    const bool encryption = !parser.isSet(QStringLiteral("plain"));
    if (clientCount < 1 || seconds < 1 || payloadSize < 0) {
        std::fprintf(stderr, "invalid arguments\n");
        return 2;
    }

    const QString key = QStringLiteral("bench-key");
    QProcess server;
    QStringList args{QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--quiet"), QStringLiteral("--auth-key"), key,
                     QStringLiteral("--handler-dir"), QStringLiteral(STONYX_EXAMPLE_HANDLER_DIR)};
    if (!encryption)
        args << QStringLiteral("--no-encryption");
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("SOCKET_RATE_LIMIT"), QStringLiteral("0")); // measure the work, not the limiter
    server.setProcessEnvironment(env);
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    server.start(QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("stonyx-sockets-server")), args);
    if (!server.waitForReadyRead(10000)) {
        std::fprintf(stderr, "the server did not start\n");
        return 1;
    }
    const QString url = QRegularExpression(QStringLiteral("(ws://\\S+)")).match(QString::fromUtf8(server.readAllStandardOutput())).captured(1);

    SocketConfig config;
    config.setAddress(QUrl(url));
    config.setAuthKey(key);
    config.setEncryption(encryption);
    config.setMaxReconnectAttempts(0);
    const QJsonObject data{{QStringLiteral("msg"), QString(payloadSize, u'x')}};

    std::vector<std::unique_ptr<SocketClient>> clients;
    qint64 roundTrips = 0;
    bool measuring = false;
    int ready = 0;
    for (int i = 0; i < clientCount; ++i) {
        auto client = std::make_unique<SocketClient>(config);
        SocketClient *c = client.get();
        // Each client keeps exactly one request in flight.
        c->registerHandler(QStringLiteral("echo"), [&, c](const QJsonValue &) {
            if (measuring)
                ++roundTrips;
            c->send(QStringLiteral("echo"), data);
        });
        QObject::connect(c, &SocketClient::authenticated, c, [&, c] {
            ++ready;
            c->send(QStringLiteral("echo"), data);
        });
        QObject::connect(c, &SocketClient::disconnected, &app, [&] {
            std::fprintf(stderr, "a client was disconnected\n");
            app.exit(1);
        });
        c->open();
        clients.push_back(std::move(client));
    }

    qint64 cpuStart = 0;
    qint64 rssStart = 0;
    QElapsedTimer clock;
    QTimer::singleShot(1000, &app, [&] { // one second of warm-up
        if (ready != clientCount) {
            std::fprintf(stderr, "only %d of %d clients authenticated\n", ready, clientCount);
            app.exit(1);
            return;
        }
        measuring = true;
        cpuStart = cpuMicroseconds(server.processId());
        rssStart = rssKiB(server.processId());
        clock.start();
        QTimer::singleShot(seconds * 1000, &app, [&] {
            measuring = false;
            const qint64 cpu = cpuMicroseconds(server.processId()) - cpuStart;
            const double wall = double(clock.elapsed()) / 1000.0;
            std::printf("%s, %d B payload, %d clients: %lld round trips in %.1f s = %.0f/s; server CPU %.1f us per round trip; "
                        "server RSS %lld -> %lld KiB\n",
                        encryption ? "encrypted" : "plain", payloadSize, clientCount, roundTrips, wall,
                        double(roundTrips) / wall, double(cpu) / double(std::max<qint64>(roundTrips, 1)), rssStart,
                        rssKiB(server.processId()));
            app.quit();
        });
    });
    const int status = app.exec();
    clients.clear();
    server.terminate();
    server.waitForFinished(5000);
    return status;
}
