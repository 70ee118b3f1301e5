// SPDX-License-Identifier: MIT
// Delivery soak: SocketClients keep requests in flight (SocketClient::request(), half
// of them retryable) against an in-process SocketServer that also broadcasts pushes,
// while TCP proxies cut the clients' links (RST) at random moments and the server is
// restarted on the same port in the middle. Checked at the end, and printed:
//  - every request finished exactly once: answered with what it sent, or failed with
//    a RequestException (counted by reason); lost without a visible failure: 0;
//  - no request answered twice, none answered with another request's data;
//  - no push delivered twice; pushes sent while a client is away are delivered after
//    its session resume (counted, and checked to happen); those missed (the server
//    restart starts fresh sessions) are printed, not checked;
//  - every client is connected again.
//
// Usage: stonyx_delivery_soak. Environment: SOAK_SECONDS (20), SOAK_CLIENTS (20),
// SOAK_SEED (random).

#include "tcpproxy.h"

#include <Stonyx/Sockets/RequestException>
#include <Stonyx/Sockets/SocketClient>
#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketServer>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QMap>
#include <QMetaEnum>
#include <QRandomGenerator>
#include <QSet>
#include <QTimer>

#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

using namespace Stonyx::Sockets;
using namespace std::chrono_literals;
using TestPeer::TcpProxy;

namespace {

const QString AuthKey = QStringLiteral("delivery-soak-key");
constexpr int MaxOutstanding = 4; // requests in flight per client

void say(const QString &line)
{
    std::printf("delivery soak: %s\n", qUtf8Printable(line));
    std::fflush(stdout);
}

int envInt(const char *name, int fallback)
{
    bool ok = false;
    const int value = qEnvironmentVariableIntValue(name, &ok);
    return ok && value > 0 ? value : fallback;
}

std::unique_ptr<SocketServer> startServer(quint16 port)
{
    SocketConfig c;
    c.setPort(port);
    c.setAuthKey(AuthKey);
    c.setHandlerDir(QString());
    c.setWorkerThreads(2);
    c.setRateLimit(0);
    auto server = std::make_unique<SocketServer>(c);
    server->registerHandler(QStringLiteral("auth"),
                            [](const QJsonValue &data, SocketConnection *) {
                                return data[u"authKey"].toString() == AuthKey ? QJsonValue(true) : QJsonValue(false);
                            },
                            {});
    server->registerHandler(QStringLiteral("echo"), [](const QJsonValue &data, SocketConnection *) { return data; }, {});
    if (!server->listen()) {
        say(QStringLiteral("cannot listen: %1").arg(server->errorString()));
        return nullptr;
    }
    return server;
}

struct Counts {
    qint64 issued = 0;
    qint64 answered = 0;
    qint64 wrongAnswer = 0;
    qint64 finishedTwice = 0;
    QMap<QString, qint64> failed; // by reason
    qint64 retryableAnswered = 0;
    qint64 pushesReceived = 0;
    qint64 pushesDuplicated = 0;
    qint64 resumes = 0;              // SocketClient::resumed()
    qint64 pushesAfterResume = 0;    // sent before a client's resume, received after it: from the held session's buffer
};

struct Client {
    int index = 0;
    std::unique_ptr<SocketClient> client;
    qint64 nextSeq = 0;
    int outstanding = 0;
    QSet<qint64> finished;       // sequence numbers whose future finished
    QSet<qint64> pushes;         // push numbers received
    qint64 resumedAt = -1;       // pushes sent when the client last resumed
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int seconds = envInt("SOAK_SECONDS", 20);
    const int clientCount = envInt("SOAK_CLIENTS", 20);
    const quint32 seed = quint32(envInt("SOAK_SEED", int(QRandomGenerator::system()->bounded(1, 1 << 30))));
    QRandomGenerator random(seed);
    say(QStringLiteral("%1 clients, %2 s, seed %3").arg(clientCount).arg(seconds).arg(seed));

    std::unique_ptr<SocketServer> server = startServer(0);
    if (!server)
        return 1;
    const quint16 port = server->serverPort();
    const QUrl serverUrl = server->serverUrl();
    // Two proxies: cutting one cuts half the clients.
    TcpProxy proxies[2];
    for (TcpProxy &proxy : proxies) {
        if (!proxy.listen(serverUrl)) {
            say(QStringLiteral("proxy cannot listen"));
            return 1;
        }
    }

    Counts counts;
    qint64 pushesSent = 0;
    bool issuing = true;
    std::vector<std::unique_ptr<Client>> clients;
    std::function<void(Client *)> issue = [&](Client *c) {
        while (issuing && c->outstanding < MaxOutstanding) {
            const qint64 seq = c->nextSeq++;
            const bool retryable = seq % 2 == 1;
            const QJsonObject payload{{QStringLiteral("client"), c->index}, {QStringLiteral("seq"), double(seq)}};
            ++counts.issued;
            ++c->outstanding;
            QFuture<QJsonValue> future = c->client->request(QStringLiteral("echo"), payload, 15s,
                                                            retryable ? RequestOption::Retryable : RequestOption::NoOptions);
            const auto done = [&, c, seq] {
                if (c->finished.contains(seq))
                    ++counts.finishedTwice;
                c->finished.insert(seq);
                --c->outstanding;
                QTimer::singleShot(0, c->client.get(), [&, c] { issue(c); });
            };
            future
                .then(c->client.get(),
                      [&, payload, retryable, done](const QJsonValue &response) {
                          ++counts.answered;
                          if (retryable)
                              ++counts.retryableAnswered;
                          if (response != QJsonValue(payload))
                              ++counts.wrongAnswer;
                          done();
                      })
                .onFailed(c->client.get(), [&, done](const RequestException &e) {
                    ++counts.failed[QString::fromLatin1(QMetaEnum::fromType<RequestException::Reason>().valueToKey(int(e.reason())))];
                    done();
                });
        }
    };

    for (int i = 0; i < clientCount; ++i) {
        auto c = std::make_unique<Client>();
        c->index = i;
        SocketConfig config;
        config.setAddress(proxies[i % 2].url());
        config.setAuthKey(AuthKey);
        config.setReconnectBaseDelay(50);
        config.setReconnectMaxDelay(500);
        config.setReconnectSpread(1000);
        config.setHeartBeatInterval(2000);
        c->client = std::make_unique<SocketClient>(config);
        Client *raw = c.get();
        QObject::connect(raw->client.get(), &SocketClient::authenticated, raw->client.get(), [&, raw] { issue(raw); });
        QObject::connect(raw->client.get(), &SocketClient::resumed, raw->client.get(), [&, raw] {
            ++counts.resumes;
            raw->resumedAt = pushesSent;
        });
        QObject::connect(raw->client.get(), &SocketClient::messageReceived, raw->client.get(),
                         [&, raw](const QString &request, const QJsonValue &response) {
                             if (request != u"push")
                                 return;
                             const qint64 n = qint64(response[u"n"].toDouble());
                             if (n < raw->resumedAt && !raw->pushes.contains(n))
                                 ++counts.pushesAfterResume;
                             if (raw->pushes.contains(n))
                                 ++counts.pushesDuplicated;
                             raw->pushes.insert(n);
                             ++counts.pushesReceived;
                         });
        if (!raw->client->open()) {
            say(QStringLiteral("client %1 cannot open: %2").arg(i).arg(raw->client->errorString()));
            return 1;
        }
        clients.push_back(std::move(c));
    }

    // Pushes every 50 ms; link cuts at random moments; one server restart half-way.
    qint64 pushAudience = 0; // sum of the clients each push reached when sent
    QTimer pushTimer;
    QObject::connect(&pushTimer, &QTimer::timeout, [&] {
        if (!server)
            return;
        const int reached = server->broadcast(QStringLiteral("push"), QJsonObject{{QStringLiteral("n"), double(pushesSent)}});
        ++pushesSent;
        pushAudience += reached;
    });
    pushTimer.start(50);
    int cuts = 0;
    QTimer cutTimer;
    cutTimer.setSingleShot(true);
    std::function<void()> scheduleCut = [&] {
        cutTimer.start(int(random.bounded(300, 1500)));
    };
    QObject::connect(&cutTimer, &QTimer::timeout, [&] {
        proxies[random.bounded(2)].resetClients();
        ++cuts;
        scheduleCut();
    });
    scheduleCut();
    bool restarted = false;
    QTimer::singleShot(seconds * 500, [&] {
        say(QStringLiteral("restarting the server"));
        server.reset();
        QTimer::singleShot(300, [&] {
            server = startServer(port);
            restarted = bool(server);
        });
    });

    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < qint64(seconds) * 1000)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 100);

    // Stop cutting and issuing; wait for every outstanding request to finish.
    cutTimer.stop();
    pushTimer.stop();
    issuing = false;
    QElapsedTimer drain;
    drain.start();
    const auto outstanding = [&] {
        qint64 n = 0;
        for (const auto &c : clients)
            n += c->outstanding;
        return n;
    };
    const auto allConnected = [&] {
        for (const auto &c : clients) {
            if (c->client->state() != SocketClient::State::Connected)
                return false;
        }
        return true;
    };
    while ((outstanding() > 0 || !allConnected()) && drain.elapsed() < 40000)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 100);

    qint64 failedTotal = 0;
    QStringList reasons;
    for (auto it = counts.failed.cbegin(); it != counts.failed.cend(); ++it) {
        failedTotal += it.value();
        reasons << QStringLiteral("%1 %2").arg(it.key()).arg(it.value());
    }
    const qint64 silentlyLost = counts.issued - counts.answered - failedTotal;
    say(QStringLiteral("link cuts: %1, server restarted: %2").arg(cuts).arg(restarted ? u"yes" : u"NO"));
    say(QStringLiteral("requests issued: %1, answered: %2 (retryable %3), failed visibly: %4 (%5)")
            .arg(counts.issued)
            .arg(counts.answered)
            .arg(counts.retryableAnswered)
            .arg(failedTotal)
            .arg(reasons.isEmpty() ? QStringLiteral("none") : reasons.join(QStringLiteral(", "))));
    say(QStringLiteral("requests lost without a visible failure: %1, still outstanding: %2, finished twice: %3, "
                       "answered with the wrong data: %4")
            .arg(silentlyLost)
            .arg(outstanding())
            .arg(counts.finishedTwice)
            .arg(counts.wrongAnswer));
    say(QStringLiteral("pushes sent: %1 (to %2 connected clients in all), received: %3, duplicated: %4, "
                       "missed while away (not resumed: the restart, or dropped): %5")
            .arg(pushesSent)
            .arg(pushAudience)
            .arg(counts.pushesReceived)
            .arg(counts.pushesDuplicated)
            .arg(qint64(pushesSent) * clientCount - counts.pushesReceived));
    say(QStringLiteral("session resumes: %1, pushes during a short cut delivered after the resume: %2")
            .arg(counts.resumes)
            .arg(counts.pushesAfterResume));

    bool ok = true;
    const auto check = [&ok](bool condition, const QString &what) {
        if (!condition) {
            say(QStringLiteral("FAILED: %1").arg(what));
            ok = false;
        }
    };
    check(counts.issued > 0 && counts.answered > 0, QStringLiteral("requests flowed"));
    check(silentlyLost == 0 && outstanding() == 0, QStringLiteral("no request lost without a visible failure"));
    check(counts.finishedTwice == 0, QStringLiteral("no request finished twice"));
    check(counts.wrongAnswer == 0, QStringLiteral("no request answered with another's data"));
    check(counts.pushesDuplicated == 0, QStringLiteral("no push delivered twice"));
    check(counts.pushesReceived > 0, QStringLiteral("pushes flowed"));
    check(counts.resumes > 0 && counts.pushesAfterResume > 0,
          QStringLiteral("sessions resumed, with the pushes made during the cut"));
    check(cuts > 0 && restarted, QStringLiteral("links were cut and the server restarted"));
    check(allConnected(), QStringLiteral("every client connected again"));
    say(ok ? QStringLiteral("PASS") : QStringLiteral("FAIL"));
    return ok ? 0 : 1;
}
