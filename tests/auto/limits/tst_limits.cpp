// SPDX-License-Identifier: MIT
// Server limits and liveness, and workarounds for Qt WebSockets 6.4.2 defects. Each
// limit is crossed by one peer; the close code and the log line are checked, and a
// well-behaved client on the same server must be unaffected.

#include "connectiongate_p.h" // LogThrottle, on a synthetic clock
#include "testpeer.h"

#include <Stonyx/Sockets/SocketClient>
#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketServer>

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <atomic>
#include <ctime>
#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

using namespace Stonyx::Sockets;
using TestPeer::RawClient;
using TestPeer::RawTcpPeer;

namespace {

const QString Key = QStringLiteral("limits-key");

// Counts the log lines that match a pattern (and keeps them out of the test log); the
// others go to the handler that was installed before. A message handler is a plain
// function, so the one counter installed at a time is reached through a static.
class LogCounter
{
public:
    explicit LogCounter(const QString &pattern)
        : m_pattern(pattern)
    {
        s_current = this;
        m_previous = qInstallMessageHandler(&LogCounter::handle);
    }
    ~LogCounter()
    {
        qInstallMessageHandler(m_previous);
        s_current = nullptr;
    }
    int count() const { return m_count.load(); }

private:
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        LogCounter *self = s_current;
        if (self && message.contains(self->m_pattern)) {
            ++self->m_count;
            return;
        }
        if (self && self->m_previous)
            self->m_previous(type, context, message);
    }

    static inline LogCounter *s_current = nullptr;
    QRegularExpression m_pattern;
    QtMessageHandler m_previous = nullptr;
    std::atomic<int> m_count{0};
};

double processCpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

int openDescriptors()
{
    int n = 0;
    if (DIR *dir = opendir("/proc/self/fd")) {
        while (readdir(dir))
            ++n;
        closedir(dir);
    }
    return n; // counts ".", ".." and the directory's own descriptor: a little over
}

} // namespace

class tst_Limits : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SocketServer> m_server;
    std::unique_ptr<SocketClient> m_bystander;
    std::unique_ptr<QSignalSpy> m_rejections; // SocketServer::clientRejected

    // The error of the last client the server rejected; per-client rejections leave the
    // server's own error() alone.
    SocketServer::Error lastRejection() const
    {
        return m_rejections->isEmpty() ? SocketServer::Error::NoError
                                       : m_rejections->last().at(1).value<SocketServer::Error>();
    }

    static SocketConfig baseConfig(bool encryption)
    {
        SocketConfig c;
        c.setPort(0);
        c.setAuthKey(Key);
        c.setEncryption(encryption);
        c.setHandlerDir(QString());
        c.setMaxReconnectAttempts(0);
        return c;
    }

    // Starts a server with auth and echo, and a well-behaved authenticated client.
    void start(const SocketConfig &config)
    {
        m_server = std::make_unique<SocketServer>(TestPeer::withWorkers(config));
        m_server->registerHandler(QStringLiteral("auth"), [](const QJsonValue &data, SocketConnection *) {
            return data[u"authKey"].toString() == Key ? QJsonValue(QStringLiteral("success")) : QJsonValue();
        }, {});
        m_server->registerHandler(QStringLiteral("echo"), [](const QJsonValue &data, SocketConnection *) { return data; }, {});
        m_rejections = std::make_unique<QSignalSpy>(m_server.get(), &SocketServer::clientRejected);
        QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
        SocketConfig c = config;
        c.setAddress(m_server->serverUrl());
        m_bystander = std::make_unique<SocketClient>(c);
        QSignalSpy authenticated(m_bystander.get(), &SocketClient::authenticated);
        QVERIFY(m_bystander->open());
        QVERIFY(authenticated.wait(5000));
    }

    // The well-behaved client still gets its answers.
    void verifyBystander()
    {
        QCOMPARE(m_bystander->state(), SocketClient::State::Connected);
        QSignalSpy messages(m_bystander.get(), &SocketClient::messageReceived);
        QVERIFY(m_bystander->send(QStringLiteral("echo"), QStringLiteral("fine")));
        QVERIFY(messages.wait(5000));
        QCOMPARE(messages.first().at(1).toJsonValue(), QJsonValue(QStringLiteral("fine")));
    }

    static void expectLog(const char *pattern)
    {
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QString::fromLatin1(pattern)));
    }

private Q_SLOTS:
    void cleanup()
    {
        m_rejections.reset();
        m_bystander.reset();
        m_server.reset();
    }

    void messageTooBig_data()
    {
        QTest::addColumn<bool>("encryption");
        QTest::addColumn<bool>("frameLimit");
        QTest::addRow("encrypted, message limit") << true << false;
        QTest::addRow("plain, message limit") << false << false;
        QTest::addRow("encrypted, frame limit") << true << true;
        QTest::addRow("plain, frame limit") << false << true;
    }
    void messageTooBig()
    {
        QFETCH(bool, encryption);
        QFETCH(bool, frameLimit);
        SocketConfig c = baseConfig(encryption);
        if (frameLimit)
            c.setMaxFrameSize(1000);
        else
            c.setMaxMessageSize(1000);
        start(c);
        RawClient peer(encryption, Key);
        QVERIFY(peer.open(m_server->serverUrl()));
        QVERIFY(peer.authenticate());
        // A request of exactly `size` bytes of JSON (the limit is on the plaintext; the
        // encryption overhead is allowed for on top).
        auto request = [](qsizetype size) -> QByteArray {
            const QByteArray head = "{\"request\":\"echo\",\"data\":\"";
            return head + QByteArray(size - head.size() - 2, 'a') + "\"}";
        };
        // At the limit passes...
        peer.sendJson(request(1000));
        QVERIFY(peer.waitForMessage());
        QSignalSpy gone(m_server.get(), &SocketServer::clientDisconnected);
        expectLog("Closing client #2 .*WebSocket (message|frame) too large");
        // ...one byte above does not.
        peer.sendJson(request(1001));
        QVERIFY(peer.waitForClose());
        QCOMPARE(peer.closeCode(), 1009);
        QTRY_COMPARE(gone.size(), 1);
        QCOMPARE(gone.first().at(1).toInt(), 1009);
        // Qt closed it, not this library: still a per-client rejection, not error().
        QCOMPARE(lastRejection(), SocketServer::Error::LimitExceeded);
        QCOMPARE(m_server->error(), SocketServer::Error::NoError);
        verifyBystander();
    }

    void authTimeout()
    {
        SocketConfig c = baseConfig(true);
        c.setAuthTimeout(300);
        start(c);
        RawClient idle(true, Key);
        QVERIFY(idle.open(m_server->serverUrl()));
        expectLog("Closing client #2 .*not authenticated within 300 ms");
        QVERIFY(idle.waitForClose(3000));
        QCOMPARE(idle.closeCode(), 1008);
        QVERIFY(idle.closeReason().contains(QStringLiteral("not authenticated")));
        QCOMPARE(lastRejection(), SocketServer::Error::Timeout);
        QCOMPARE(m_server->error(), SocketServer::Error::NoError);
        verifyBystander(); // authenticated in time: no timeout
    }

    void unauthenticatedCaps_data()
    {
        QTest::addColumn<bool>("perAddress");
        QTest::addRow("per address") << true;
        QTest::addRow("total") << false;
    }
    void unauthenticatedCaps()
    {
        QFETCH(bool, perAddress);
        SocketConfig c = baseConfig(true);
        if (perAddress) {
            c.setMaxUnauthenticatedPerAddress(2);
        } else {
            c.setMaxUnauthenticated(2);
            c.setMaxUnauthenticatedPerAddress(0);
        }
        start(c);
        RawClient a(true, Key), b(true, Key), refused(true, Key);
        QVERIFY(a.open(m_server->serverUrl()));
        QVERIFY(b.open(m_server->serverUrl()));
        expectLog("Refusing a connection from 127.0.0.1");
        QVERIFY(!refused.open(m_server->serverUrl()));
        QCOMPARE(lastRejection(), SocketServer::Error::LimitExceeded);
        QCOMPARE(m_server->error(), SocketServer::Error::NoError);
        QCOMPARE(m_server->clientCount(), 3); // the bystander and a, b

        // Once one authenticates, its place is free again.
        QVERIFY(a.authenticate());
        RawClient later(true, Key);
        QVERIFY(later.open(m_server->serverUrl()));
        verifyBystander();
    }

    void handshakeTimeout()
    {
        SocketConfig c = baseConfig(true);
        c.setHandshakeTimeout(300);
        start(c);
        // A TCP connection that never sends its WebSocket handshake...
        QTcpSocket silent;
        silent.connectToHost(QHostAddress::LocalHost, m_server->serverPort());
        QVERIFY(silent.waitForConnected(5000));
        // ...and one that sends half of it.
        QTcpSocket halfway;
        halfway.connectToHost(QHostAddress::LocalHost, m_server->serverPort());
        QVERIFY(halfway.waitForConnected(5000));
        halfway.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        expectLog("Dropping a connection from 127.0.0.1: no WebSocket handshake within 300 ms");
        expectLog("Dropping a connection from 127.0.0.1: no WebSocket handshake within 300 ms");
        QTRY_VERIFY_WITH_TIMEOUT(silent.state() == QAbstractSocket::UnconnectedState, 3000);
        QTRY_VERIFY_WITH_TIMEOUT(halfway.state() == QAbstractSocket::UnconnectedState, 3000);
        QCOMPARE(lastRejection(), SocketServer::Error::Timeout);
        QCOMPARE(m_server->error(), SocketServer::Error::NoError);
        QCOMPARE(m_server->clientCount(), 1); // the bystander
        verifyBystander();
    }

    void rateLimitClosePolicy()
    {
        // Boundary: a burst of 5 at 1 message per second (no refill worth counting
        // during the test). The auth request takes one token, so four requests are
        // answered and the fifth closes the connection.
        SocketConfig c = baseConfig(true);
        c.setRateLimit(1);
        c.setRateBurst(5);
        c.setRateLimitPolicy(SocketConfig::RateLimitPolicy::Close);
        start(c);
        RawClient flood(true, Key);
        QVERIFY(flood.open(m_server->serverUrl()));
        QVERIFY(flood.authenticate()); // one token
        expectLog("Closing client #2 .*more than 1 messages per second");
        for (int i = 0; i < 20; ++i)
            flood.sendRequest(QStringLiteral("echo"), i);
        QVERIFY(flood.waitForClose());
        QCOMPARE(flood.closeCode(), 1008);
        QList<int> answered;
        while (const auto reply = flood.waitForMessage(0))
            answered << reply->value(u"response").toInt();
        QCOMPARE(answered, (QList<int>{0, 1, 2, 3}));
        QCOMPARE(lastRejection(), SocketServer::Error::LimitExceeded);
        QCOMPARE(m_server->error(), SocketServer::Error::NoError);
        verifyBystander();
    }

    void deadPeer()
    {
        SocketConfig c = baseConfig(false);
        c.setHeartBeatInterval(200); // dead after 600 ms of silence: wide enough for a loaded CI machine
        c.setIdleHeartBeats(3);
        start(c);
        // A peer that answers pings (QWebSocket does) is alive even when silent.
        RawClient silent(false, Key);
        QVERIFY(silent.open(m_server->serverUrl()));
        QVERIFY(silent.authenticate());
        // A peer that neither sends nor answers pings is dead.
        RawTcpPeer dead;
        QVERIFY(dead.open(m_server->serverUrl()));
        dead.sendText(R"({"request":"auth","data":{"authKey":"limits-key"}})");
        // A peer that sends pings of its own, and neither messages nor pongs, is alive.
        RawTcpPeer pinger;
        QVERIFY(pinger.open(m_server->serverUrl()));
        pinger.sendText(R"({"request":"auth","data":{"authKey":"limits-key"}})");
        QSignalSpy gone(m_server.get(), &SocketServer::clientDisconnected);
        expectLog("Closing client #3 .*no heartbeat or message for");
        QElapsedTimer clock;
        clock.start();
        while (gone.isEmpty() && clock.elapsed() < 5000) {
            pinger.socket.write(RawTcpPeer::frame(0x9, "alive"));
            QTest::qWait(100);
        }
        QCOMPARE(gone.size(), 1);
        QCOMPARE(gone.first().at(0).toLongLong(), 3);
        QCOMPARE(gone.first().at(1).toInt(), 1001);
        for (int i = 0; i < 10; ++i) { // 1 s: more than the 600 ms of silence allowed
            pinger.socket.write(RawTcpPeer::frame(0x9, "alive"));
            QTest::qWait(100);
        }
        QVERIFY(silent.isOpen());
        QVERIFY(pinger.isConnected());
        QCOMPARE(gone.size(), 1);
        verifyBystander(); // it sent nothing either, but its socket answers pings
    }

    void trickledMessage()
    {
        SocketConfig c = baseConfig(false);
        c.setMessageTimeout(1000);
        start(c);
        RawTcpPeer trickler;
        QVERIFY(trickler.open(m_server->serverUrl()));
        trickler.sendText(R"({"request":"auth","data":{"authKey":"limits-key"}})");
        QTRY_VERIFY(m_server->client(2) && m_server->client(2)->isAuthenticated());
        QSignalSpy gone(m_server.get(), &SocketServer::clientDisconnected);
        expectLog("Closing client #2 .*message not complete within 1000 ms");
        // A 100-byte frame, one byte every 200 ms: Qt alone would wait forever.
        const QByteArray frame = RawTcpPeer::frame(0x1, QByteArray(100, ' '));
        QElapsedTimer clock;
        clock.start();
        for (qsizetype i = 0; i < frame.size() && gone.isEmpty() && clock.elapsed() < 10000; ++i) {
            trickler.socket.write(frame.mid(i, 1));
            QTest::qWait(200);
        }
        QTRY_COMPARE(gone.size(), 1);
        QCOMPARE(gone.first().at(1).toInt(), 1008);
        QVERIFY(clock.elapsed() < 5000);
        verifyBystander();
    }

    void burstToASlowReaderArrivesWholeAndInOrder()
    {
        // More than the kernel takes at once: the rest waits in the connection's own
        // queue (DescriptorTransport) and must follow in order, whole, interleaved with
        // the answers to the peer's own requests, once the peer reads.
        SocketConfig c = baseConfig(false);
        c.setMaxSendBuffer(64 * 1024 * 1024);
        start(c);
        RawTcpPeer reader;
        QVERIFY(reader.open(m_server->serverUrl()));
        reader.sendText(R"({"request":"auth","data":{"authKey":"limits-key"}})");
        const std::optional<TestPeer::ServerFrame> authAnswer = reader.readFrame();
        QVERIFY(authAnswer && authAnswer->opcode == 0x1);
        constexpr int Count = 300;
        for (int i = 0; i < Count; ++i) {
            // 1 byte to 96 KiB: frames of every header size, most over a socket buffer.
            const qsizetype size = i % 3 == 0 ? 1 : (i % 3 == 1 ? 200 : 96 * 1024);
            m_server->sendTo(2, QStringLiteral("seq"), QString(QString::number(i) + u':' + QString(size, QChar(u'a' + i % 26))));
            if (i == Count / 2)
                reader.sendText(R"({"request":"echo","data":"middle"})");
        }
        int next = 0;
        bool echoed = false;
        while (next < Count || !echoed) {
            const std::optional<TestPeer::ServerFrame> frame = reader.readFrame(10000);
            QVERIFY2(frame, qPrintable(QStringLiteral("stopped after %1 of %2").arg(next).arg(Count)));
            QCOMPARE(frame->opcode, 0x1);
            QVERIFY(frame->fin && !frame->masked);
            const QJsonObject message = QJsonDocument::fromJson(frame->payload).object();
            if (message.value(u"request").toString() == u"echo") {
                QCOMPARE(message.value(u"response").toString(), QStringLiteral("middle"));
                echoed = true;
                continue;
            }
            const QString text = message.value(u"response").toString();
            const qsizetype colon = text.indexOf(u':');
            QCOMPARE(text.left(colon).toInt(), next);
            const qsizetype size = next % 3 == 0 ? 1 : (next % 3 == 1 ? 200 : 96 * 1024);
            QCOMPARE(text.size() - colon - 1, size);
            QVERIFY(text.sliced(colon + 1).count(QChar(u'a' + next % 26)) == size);
            ++next;
        }
        QVERIFY(reader.isConnected());
        verifyBystander();
    }

    void unreadPongsAreCapped()
    {
        // Pings answered with pongs the peer never reads: the pongs are held to the
        // send buffer limit like any answer, and the peer is dropped, instead of the
        // server's memory growing with every ping.
        SocketConfig c = baseConfig(false);
        c.setMaxSendBuffer(64 * 1024);
        start(c);
        RawTcpPeer pinger;
        QVERIFY(pinger.open(m_server->serverUrl()));
        pinger.socket.setReadBufferSize(4096); // leaves what comes in the kernel
        QTRY_VERIFY(m_server->client(2));
        QSignalSpy gone(m_server.get(), &SocketServer::clientDisconnected);
        expectLog("Dropping client #2 .*does not read");
        QByteArray batch;
        for (int i = 0; i < 500; ++i)
            batch += RawTcpPeer::frame(0x9, QByteArray(125, 'p'));
        for (int sent = 0; gone.isEmpty() && sent < 1000 && pinger.isConnected(); ++sent) { // at most 65 MB
            pinger.socket.write(batch);
            QCoreApplication::processEvents();
        }
        QTRY_COMPARE(gone.size(), 1);
        QCOMPARE(gone.first().at(1).toInt(), 1008);
        QCOMPARE(lastRejection(), SocketServer::Error::LimitExceeded);
        verifyBystander();
    }

    void slowConsumer()
    {
        SocketConfig c = baseConfig(false);
        c.setMaxSendBuffer(256 * 1024);
        start(c);
        RawTcpPeer sleeper; // never reads again after the handshake
        QVERIFY(sleeper.open(m_server->serverUrl()));
        // QTcpSocket would keep reading into its own buffer from the event loop; a
        // full small buffer makes it leave the data in the kernel, like a stuck peer.
        sleeper.socket.setReadBufferSize(4096);
        sleeper.sendText(R"({"request":"auth","data":{"authKey":"limits-key"}})");
        QTRY_VERIFY(m_server->client(2) && m_server->client(2)->isAuthenticated());
        QSignalSpy gone(m_server.get(), &SocketServer::clientDisconnected);
        expectLog("Dropping client #2 .*does not read");
        const QString chunk(64 * 1024, u'x');
        int sent = 0;
        while (gone.isEmpty() && sent < 4000) { // at most 256 MiB
            m_server->sendTo(2, QStringLiteral("flood"), chunk);
            ++sent;
            if (sent % 16 == 0)
                QCoreApplication::processEvents();
        }
        QTRY_COMPARE(gone.size(), 1);
        QCOMPARE(gone.first().at(1).toInt(), 1008);
        qInfo("slow consumer dropped after %d messages of 64 KiB", sent);
        verifyBystander();
    }

    void allowedOrigins()
    {
        SocketConfig c = baseConfig(true);
        c.setAllowedOrigins({QStringLiteral("https://good.example")});
        start(c); // the bystander sends no Origin: not a browser, accepted
        QWebSocket good(QStringLiteral("https://good.example"));
        QSignalSpy goodConnected(&good, &QWebSocket::connected);
        good.open(m_server->serverUrl());
        QVERIFY(goodConnected.wait(5000));

        QWebSocket evil(QStringLiteral("https://evil.example"));
        QSignalSpy evilConnected(&evil, &QWebSocket::connected);
        QSignalSpy evilFailed(&evil, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error));
        expectLog("Refusing a WebSocket handshake from .*Origin https://evil.example is not in allowedOrigins");
        evil.open(m_server->serverUrl());
        // Refused: the handshake fails (an error), and the socket never opens.
        QTRY_VERIFY_WITH_TIMEOUT(!evilFailed.isEmpty() && evil.state() == QAbstractSocket::UnconnectedState, 5000);
        QCOMPARE(evilConnected.size(), 0);
        verifyBystander();
    }


    void rateLimitThrottles_data()
    {
        QTest::addColumn<bool>("encryption");
        QTest::addRow("encrypted") << true;
        QTest::addRow("plain") << false;
    }
    void rateLimitThrottles()
    {
        // Issue 8, item 10: an application that pipelines requests faster than the rate
        // works against the Node.js server. Here it is slowed down, and loses nothing.
        QFETCH(bool, encryption);
        SocketConfig c = baseConfig(encryption);
        c.setRateLimit(200);
        c.setRateBurst(10);
        start(c);
        RawClient fast(encryption, Key);
        QVERIFY(fast.open(m_server->serverUrl()));
        QVERIFY(fast.authenticate());
        QElapsedTimer clock;
        clock.start();
        const int count = 150;
        for (int i = 0; i < count; ++i)
            fast.sendRequest(QStringLiteral("echo"), i);
        for (int i = 0; i < count; ++i) {
            const std::optional<QJsonObject> answer = fast.waitForMessage(10000);
            QVERIFY2(answer, qPrintable(QStringLiteral("answer %1 missing").arg(i)));
            QCOMPARE(answer->value(u"response").toInt(), i); // all of them, in order
        }
        // 140 requests beyond the burst at 200/s cannot be answered in less than 0.7 s.
        QVERIFY2(clock.elapsed() >= 600, qPrintable(QString::number(clock.elapsed())));
        QVERIFY(fast.isOpen());
        QVERIFY(m_rejections->isEmpty());
        verifyBystander();
    }

    void unmaskedFrameCloses()
    {
        // RFC 6455 §5.1: a server must close the connection on an unmasked client frame.
        SocketConfig c = baseConfig(false);
        start(c);
        RawTcpPeer peer;
        QVERIFY(peer.open(m_server->serverUrl()));
        peer.sendText("{\"request\":\"auth\",\"data\":{\"authKey\":\"limits-key\"}}");
        QTRY_VERIFY(m_server->client(2) && m_server->client(2)->isAuthenticated());
        QSignalSpy gone(m_server.get(), &SocketServer::clientDisconnected);
        QSignalSpy received(m_server.get(), &SocketServer::messageReceived);
        expectLog("Closing client #2 .*invalid WebSocket frame");
        const QByteArray json = "{\"request\":\"echo\",\"data\":\"unmasked\"}";
        QByteArray unmasked;
        unmasked.append(char(0x81));
        unmasked.append(char(json.size()));
        unmasked.append(json);
        peer.socket.write(unmasked);
        QTRY_COMPARE(gone.size(), 1);
        QCOMPARE(gone.first().at(1).toInt(), 1002);
        QCOMPARE(received.size(), 0);
        QCOMPARE(lastRejection(), SocketServer::Error::InvalidMessage);
        verifyBystander();
    }

    void heldFragmentedMessage_data()
    {
        QTest::addColumn<bool>("answerPings");
        QTest::addRow("silent") << false;
        QTest::addRow("answering pings") << true;
    }
    void heldFragmentedMessage()
    {
        // The first fragment of a message (FIN=0), never continued: the message deadline
        // runs from its first byte, whatever else the peer does.
        QFETCH(bool, answerPings);
        SocketConfig c = baseConfig(false);
        c.setMessageTimeout(1000);
        c.setHeartBeatInterval(500);
        c.setIdleHeartBeats(10);
        start(c);
        RawTcpPeer holder;
        QVERIFY(holder.open(m_server->serverUrl()));
        holder.sendText("{\"request\":\"auth\",\"data\":{\"authKey\":\"limits-key\"}}");
        QTRY_VERIFY(m_server->client(2) && m_server->client(2)->isAuthenticated());
        QSignalSpy gone(m_server.get(), &SocketServer::clientDisconnected);
        expectLog("Closing client #2 .*message not complete within 1000 ms");
        QByteArray first = RawTcpPeer::frame(0x1, "{\"request\":\"echo\",\"data\":\"");
        first[0] = char(0x01); // FIN clear: more fragments to come
        holder.socket.write(first);
        QElapsedTimer clock;
        clock.start();
        while (gone.isEmpty() && clock.elapsed() < 5000) {
            if (answerPings)
                holder.socket.write(RawTcpPeer::frame(0xA, QByteArray())); // unsolicited pongs
            QTest::qWait(100);
        }
        QCOMPARE(gone.size(), 1);
        QCOMPARE(gone.first().at(1).toInt(), 1008);
        QVERIFY2(clock.elapsed() < 2500, qPrintable(QString::number(clock.elapsed())));
        verifyBystander();
    }

    void longThrottleKeepsPartialFrame()
    {
        // Throttled for longer than Qt 6.4 waits for the rest of a frame (5 s without a
        // readyRead, then close 1001): the server stops reading mid-frame and must keep
        // Qt waiting, and must not let its own message deadline run meanwhile.
        SocketConfig c = baseConfig(false);
        c.setRateLimit(25);
        c.setRateBurst(1);
        c.setMessageTimeout(2000);
        // Nor may the idle check count the time the server itself does not read.
        c.setHeartBeatInterval(500);
        c.setIdleHeartBeats(2);
        start(c);
        RawTcpPeer fast;
        QVERIFY(fast.open(m_server->serverUrl()));
        fast.sendText("{\"request\":\"auth\",\"data\":{\"authKey\":\"limits-key\"}}");
        QTRY_VERIFY(m_server->client(2) && m_server->client(2)->isAuthenticated());
        QSignalSpy received(m_server.get(), &SocketServer::messageReceived);
        QSignalSpy gone(m_server.get(), &SocketServer::clientDisconnected);
        const int count = 150; // 6 s at 25/s
        QByteArray burst;
        for (int i = 0; i < count; ++i)
            burst += RawTcpPeer::frame(0x1, "{\"request\":\"echo\",\"data\":" + QByteArray::number(i) + '}');
        const QByteArray last = RawTcpPeer::frame(0x1, "{\"request\":\"echo\",\"data\":" + QByteArray::number(count) + '}');
        fast.socket.write(burst + last.left(5)); // ends inside a frame
        QTRY_VERIFY(received.size() >= 5);
        fast.socket.write(last.mid(5));
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), count + 1, 20000);
        for (int i = 0; i <= count; ++i)
            QCOMPARE(received.at(i).at(2).toJsonValue().toInt(), i); // all, in order
        QVERIFY(gone.isEmpty());
        QVERIFY(m_rejections->isEmpty());
        QCOMPARE(fast.socket.state(), QAbstractSocket::ConnectedState);
        verifyBystander();
    }

    void idleConnectionKeepsMessageDeadlineDisarmed()
    {
        // Issue 8, item 5: the pong answering the server's idle ping (and a client's own
        // pings) armed the message deadline and nothing disarmed it: healthy idle
        // clients were cut with 1008 "message not complete".
        SocketConfig c = baseConfig(true);
        c.setMessageTimeout(300);
        c.setHeartBeatInterval(100); // the server pings after 100 ms of silence
        c.setIdleHeartBeats(100);
        start(c);
        RawClient idle(true, Key), pinging(true, Key);
        QVERIFY(idle.open(m_server->serverUrl()));
        QVERIFY(idle.authenticate());
        QVERIFY(pinging.open(m_server->serverUrl()));
        QVERIFY(pinging.authenticate());
        QSignalSpy gone(m_server.get(), &SocketServer::clientDisconnected);
        QSignalSpy pongs(&idle.socket(), &QWebSocket::pong);
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 1500) { // five message timeouts
            pinging.ping();
            QTest::qWait(50);
        }
        QVERIFY(gone.isEmpty());
        QVERIFY(idle.isOpen());
        QVERIFY(pinging.isOpen());
        // A data message still has its deadline: see trickledMessage().
        idle.sendRequest(QStringLiteral("echo"), 1);
        QVERIFY(idle.waitForMessage());
        verifyBystander();
    }

    void closeCodeReachesSendingPeer_data()
    {
        QTest::addColumn<bool>("encryption");
        QTest::addRow("encrypted") << true;
        QTest::addRow("plain") << false;
    }
    void closeCodeReachesSendingPeer()
    {
        // Issue 8, item 9: the server closed with 1009, but a peer still sending saw
        // 1006: the TCP connection was closed (reset) before it read the close frame.
        QFETCH(bool, encryption);
        SocketConfig c = baseConfig(encryption);
        c.setMaxMessageSize(256 * 1024);
        c.setMaxFrameSize(256 * 1024);
        start(c);
        RawClient peer(encryption, Key);
        QVERIFY(peer.open(m_server->serverUrl()));
        QVERIFY(peer.authenticate());
        expectLog("Closing client #2 .*WebSocket (message|frame) too large");
        peer.sendRequest(QStringLiteral("echo"), QString(2 * 1024 * 1024, u'x'));
        QVERIFY(peer.waitForClose(10000));
        QCOMPARE(peer.closeCode(), 1009);
        verifyBystander();
    }

    void abruptDropIsAbnormal()
    {
        // Issue 8, item 8: a peer gone without a close frame was reported with 1000.
        SocketConfig c = baseConfig(false);
        start(c);
        QSignalSpy gone(m_server.get(), &SocketServer::clientDisconnected);
        {
            RawTcpPeer vanishing;
            QVERIFY(vanishing.open(m_server->serverUrl()));
            vanishing.sendText(R"({"request":"auth","data":{"authKey":"limits-key"}})");
            QTRY_VERIFY(m_server->client(2) && m_server->client(2)->isAuthenticated());
            vanishing.socket.abort(); // no close frame
        }
        QTRY_COMPARE(gone.size(), 1);
        QCOMPARE(gone.first().at(1).toInt(), 1006);
        // A proper close is still reported with the peer's code.
        RawClient polite(false, Key);
        QVERIFY(polite.open(m_server->serverUrl()));
        QVERIFY(polite.authenticate());
        polite.socket().close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("bye"));
        QTRY_COMPARE(gone.size(), 2);
        QCOMPARE(gone.last().at(1).toInt(), 1000);
        QCOMPARE(gone.last().at(2).toString(), QStringLiteral("bye"));
        verifyBystander();
    }

    void longNonAsciiPlainMessage_data()
    {
        QTest::addColumn<bool>("encryption");
        QTest::addRow("plain") << false;
        QTest::addRow("encrypted") << true;
    }
    void longNonAsciiPlainMessage()
    {
        // 600 KiB of two- and four-byte UTF-8: longer than Qt's 512 KiB outgoing frame,
        // so without one frame per message a character would be split (close 1007).
        QFETCH(bool, encryption);
        start(baseConfig(encryption));
        // Only two-byte characters after the 9 bytes of {"data":" : the 512 KiB frame
        // boundary falls at an odd offset of the text, inside a character.
        const QString text = QString(300 * 1024, QChar(0xe9)) + QStringLiteral("🔑✓");
        QSignalSpy messages(m_bystander.get(), &SocketClient::messageReceived);
        QSignalSpy disconnected(m_bystander.get(), &SocketClient::disconnected);
        QVERIFY(m_bystander->send(QStringLiteral("echo"), text));
        QVERIFY(messages.wait(10000));
        QCOMPARE(messages.first().at(1).toJsonValue().toString(), text);
        QCOMPARE(disconnected.size(), 0);
        // Server to client as well.
        QCOMPARE(m_server->broadcast(QStringLiteral("big"), text), 1);
        QVERIFY(messages.wait(10000));
        QCOMPARE(messages.last().at(1).toJsonValue().toString(), text);
    }

    void failedHandshakeClosesTcp()
    {
        // Qt 6.4.2 leaves the TCP connection of a failed handshake open; the client
        // must abort it before it reconnects.
        QTcpServer refuser;
        QVERIFY(refuser.listen(QHostAddress::LocalHost));
        QList<QTcpSocket *> accepted;
        int closedByClient = 0;
        connect(&refuser, &QTcpServer::newConnection, this, [&] {
            QTcpSocket *s = refuser.nextPendingConnection();
            accepted << s;
            connect(s, &QTcpSocket::disconnected, this, [&closedByClient] { ++closedByClient; });
            connect(s, &QTcpSocket::readyRead, this, [s] {
                s->readAll();
                s->write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"); // and keep the connection
            });
        });
        SocketConfig c = baseConfig(false);
        c.setAddress(QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(refuser.serverPort())));
        c.setReconnectBaseDelay(50);
        c.setMaxReconnectAttempts(2);
        SocketClient client(c);
        QSignalSpy failed(&client, &SocketClient::reconnectFailed);
        QVERIFY(client.open());
        QTRY_VERIFY_WITH_TIMEOUT(failed.size() == 1, 10000);
        QCOMPARE(accepted.size(), 3); // the first try and two reconnects
        QTRY_COMPARE(closedByClient, 3); // none left open by the client
    }

    void logThrottle()
    {
        Stonyx::Sockets::LogThrottle throttle(3, 10000);
        int summary = -1;
        for (int i = 0; i < 3; ++i) {
            QVERIFY(throttle.allow(1000 + i, &summary));
            QCOMPARE(summary, 0);
        }
        for (int i = 0; i < 100; ++i)
            QVERIFY(!throttle.allow(2000 + i, &summary));
        QCOMPARE(throttle.suppressed(), 100);
        QCOMPARE(throttle.takeSuppressed(10999), 0); // the interval is not over
        // The first event of the next interval is logged, with the summary of the last.
        QVERIFY(throttle.allow(11000, &summary));
        QCOMPARE(summary, 100);
        QVERIFY(throttle.allow(11001, &summary));
        QVERIFY(throttle.allow(11002, &summary));
        QVERIFY(!throttle.allow(11003, &summary));
        QCOMPARE(throttle.takeSuppressed(21000), 1); // a flush with no event
        QVERIFY(throttle.allow(30000, &summary));
        QCOMPARE(summary, 0);
    }

    void refusalsAreLoggedRateLimited()
    {
        // Twenty refusals in a burst: each is reported with clientRejected(), but only
        // the first few are logged, the rest are summed up later.
        SocketConfig c = baseConfig(false);
        c.setMaxUnauthenticatedPerAddress(1);
        start(c);
        RawClient holder(false, Key);
        QVERIFY(holder.open(m_server->serverUrl()));
        const int before = int(m_rejections->size());
        LogCounter refusing(QStringLiteral("Refusing a connection from 127.0.0.1"));
        std::vector<std::unique_ptr<QTcpSocket>> refused;
        for (int i = 0; i < 20; ++i) {
            refused.push_back(std::make_unique<QTcpSocket>());
            refused.back()->connectToHost(QHostAddress::LocalHost, m_server->serverPort());
        }
        QTRY_COMPARE_WITH_TIMEOUT(int(m_rejections->size()) - before, 20, 10000);
        QCOMPARE(refusing.count(), 5); // ConnectionGate::LogBurst
        QCOMPARE(lastRejection(), SocketServer::Error::LimitExceeded);
        for (const auto &socket : refused)
            QTRY_COMPARE(socket->state(), QAbstractSocket::UnconnectedState);
        verifyBystander();
    }

    void handshakeDropsAreLoggedRateLimited()
    {
        SocketConfig c = baseConfig(false);
        c.setHandshakeTimeout(200);
        c.setMaxUnauthenticatedPerAddress(0);
        start(c);
        const int before = int(m_rejections->size());
        LogCounter dropping(QStringLiteral("Dropping a connection from 127.0.0.1: no WebSocket handshake"));
        std::vector<std::unique_ptr<QTcpSocket>> silent;
        for (int i = 0; i < 12; ++i) {
            silent.push_back(std::make_unique<QTcpSocket>());
            silent.back()->connectToHost(QHostAddress::LocalHost, m_server->serverPort());
        }
        for (const auto &socket : silent)
            QTRY_COMPARE_WITH_TIMEOUT(socket->state(), QAbstractSocket::UnconnectedState, 5000);
        QTRY_COMPARE(int(m_rejections->size()) - before, 12); // every drop is reported...
        QCOMPARE(dropping.count(), 5);                        // ...the first few logged
        QCOMPARE(lastRejection(), SocketServer::Error::Timeout);
        verifyBystander();
    }

    void outOfDescriptors()
    {
        // With no file descriptor left, accept() fails (EMFILE). The server must neither
        // spin on the listening socket nor stop accepting for good once some are free.
        start(baseConfig(false));
        rlimit original{};
        QCOMPARE(getrlimit(RLIMIT_NOFILE, &original), 0);
        std::vector<int> filler;
        auto restore = qScopeGuard([&] {
            for (int fd : filler)
                ::close(fd);
            setrlimit(RLIMIT_NOFILE, &original);
        });
        rlimit low = original;
        low.rlim_cur = rlim_t(openDescriptors() + 32);
        QCOMPARE(setrlimit(RLIMIT_NOFILE, &low), 0);
        for (int fd; (fd = ::dup(STDIN_FILENO)) >= 0;)
            filler.push_back(fd);
        QVERIFY(!filler.empty());
        // One descriptor for the client socket; the kernel completes its TCP handshake
        // (the listen backlog), the server cannot accept it.
        ::close(filler.back());
        filler.pop_back();
        LogCounter exhausted(QStringLiteral("Cannot accept connections"));
        QTcpSocket waiting;
        waiting.connectToHost(QHostAddress::LocalHost, m_server->serverPort());
        QVERIFY(waiting.waitForConnected(5000));
        QTRY_COMPARE_WITH_TIMEOUT(exhausted.count(), 1, 5000);
        const double cpuBefore = processCpuSeconds();
        QTest::qWait(2000);
        const double cpu = processCpuSeconds() - cpuBefore;
        QVERIFY2(cpu < 0.5, qPrintable(QStringLiteral("%1 s of CPU in 2 s while out of descriptors").arg(cpu)));
        QCOMPARE(exhausted.count(), 1); // logged once, not per retry
        QCOMPARE(m_server->clientCount(), 1); // the bystander only
        // Descriptors free again: the waiting connection is accepted, and new ones too.
        restore.dismiss();
        for (int fd : filler)
            ::close(fd);
        filler.clear();
        setrlimit(RLIMIT_NOFILE, &original);
        RawClient later(false, Key);
        QVERIFY(later.open(m_server->serverUrl()));
        QVERIFY(later.authenticate());
        QCOMPARE(m_server->clientCount(), 2);
        verifyBystander();
    }

    void limitsFromEnvironment()
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("SOCKET_MAX_MESSAGE_SIZE"), QStringLiteral("2048"));
        env.insert(QStringLiteral("SOCKET_AUTH_TIMEOUT"), QStringLiteral("0"));
        env.insert(QStringLiteral("SOCKET_RATE_LIMIT"), QStringLiteral("7"));
        env.insert(QStringLiteral("SOCKET_ALLOWED_ORIGINS"), QStringLiteral("https://a.example, https://b.example"));
        env.insert(QStringLiteral("SOCKET_MAX_UNAUTHENTICATED_PER_ADDRESS"), QStringLiteral("4"));
        QString error;
        const SocketConfig c = SocketConfig::fromEnvironment(env, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(c.maxMessageSize(), 2048);
        QCOMPARE(c.authTimeout(), 0);
        QCOMPARE(c.rateLimit(), 7);
        QCOMPARE(c.maxUnauthenticatedPerAddress(), 4);
        QCOMPARE(c.allowedOrigins(), (QStringList{QStringLiteral("https://a.example"), QStringLiteral("https://b.example")}));
        env.insert(QStringLiteral("SOCKET_MAX_MESSAGE_SIZE"), QStringLiteral("-1"));
        SocketConfig bad;
        QVERIFY(!bad.applyEnvironment(env, &error));
        QVERIFY(error.contains(QStringLiteral("maxMessageSize")));
    }
};

QTEST_GUILESS_MAIN(tst_Limits)
#include "tst_limits.moc"
