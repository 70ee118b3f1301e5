// SPDX-License-Identifier: MIT
// Server limits and liveness, and workarounds for Qt WebSockets 6.4.2 defects. Each
// limit is crossed by one peer; the close code and the log line are checked, and a
// well-behaved client on the same server must be unaffected.

#include "testpeer.h"

#include <Stonyx/Sockets/SocketClient>
#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketServer>

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Stonyx::Sockets;
using TestPeer::RawClient;

namespace {

const QString Key = QStringLiteral("limits-key");

// A WebSocket peer on a bare TCP socket: it can stop reading, stop answering pings,
// or send a frame a byte at a time, which QWebSocket cannot be made to do.
class RawTcpPeer
{
public:
    bool open(const QUrl &url)
    {
        socket.connectToHost(url.host(), quint16(url.port()));
        if (!socket.waitForConnected(5000))
            return false;
        socket.write("GET / HTTP/1.1\r\nHost: " + url.host().toLatin1() + ':' + QByteArray::number(url.port())
                     + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        QByteArray response;
        const bool done = QTest::qWaitFor([&] {
            response += socket.readAll();
            return response.contains("\r\n\r\n") || socket.state() != QAbstractSocket::ConnectedState;
        }, 5000);
        return done && response.startsWith("HTTP/1.1 101");
    }

    // A masked frame (clients must mask), FIN set.
    static QByteArray frame(quint8 opcode, const QByteArray &payload)
    {
        QByteArray out;
        out.append(char(0x80 | opcode));
        const qsizetype n = payload.size();
        if (n < 126) {
            out.append(char(0x80 | n));
        } else if (n < 65536) {
            out.append(char(0x80 | 126));
            out.append(char((n >> 8) & 0xff));
            out.append(char(n & 0xff));
        } else {
            out.append(char(0x80 | 127));
            for (int shift = 56; shift >= 0; shift -= 8)
                out.append(char((quint64(n) >> shift) & 0xff));
        }
        const char mask[4] = {0x11, 0x22, 0x33, 0x44};
        out.append(mask, 4);
        for (qsizetype i = 0; i < n; ++i)
            out.append(char(payload.at(i) ^ mask[i % 4]));
        return out;
    }

    void sendText(const QByteArray &json) { socket.write(frame(0x1, json)); }

    QTcpSocket socket;
};

} // namespace

class tst_Limits : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SocketServer> m_server;
    std::unique_ptr<SocketClient> m_bystander;

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
        m_server = std::make_unique<SocketServer>(config);
        m_server->registerHandler(QStringLiteral("auth"), [](const QJsonValue &data, SocketConnection *) {
            return data[u"authKey"].toString() == Key ? QJsonValue(QStringLiteral("success")) : QJsonValue();
        }, {});
        m_server->registerHandler(QStringLiteral("echo"), [](const QJsonValue &data, SocketConnection *) { return data; }, {});
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
        // Just under the limit passes, encryption overhead included.
        peer.sendRequest(QStringLiteral("echo"), QString(900, u'a'));
        QVERIFY(peer.waitForMessage());
        QSignalSpy gone(m_server.get(), &SocketServer::clientDisconnected);
        expectLog("closed with code 1009");
        peer.sendRequest(QStringLiteral("echo"), QString(2000, u'a'));
        QVERIFY(peer.waitForClose());
        QCOMPARE(peer.closeCode(), 1009);
        QTRY_COMPARE(gone.size(), 1);
        QCOMPARE(gone.first().at(1).toInt(), 1009);
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
        QCOMPARE(m_server->error(), SocketServer::Error::Timeout);
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
        QCOMPARE(m_server->error(), SocketServer::Error::LimitExceeded);
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
        QCOMPARE(m_server->error(), SocketServer::Error::Timeout);
        QCOMPARE(m_server->clientCount(), 1); // the bystander
        verifyBystander();
    }

    void rateLimit()
    {
        SocketConfig c = baseConfig(true);
        c.setRateLimit(10);
        c.setRateBurst(5);
        start(c);
        RawClient flood(true, Key);
        QVERIFY(flood.open(m_server->serverUrl()));
        QVERIFY(flood.authenticate()); // one token
        expectLog("Closing client #2 .*more than 10 messages per second");
        for (int i = 0; i < 20; ++i)
            flood.sendRequest(QStringLiteral("echo"), i);
        QVERIFY(flood.waitForClose());
        QCOMPARE(flood.closeCode(), 1008);
        QCOMPARE(m_server->error(), SocketServer::Error::LimitExceeded);
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
        QSignalSpy gone(m_server.get(), &SocketServer::clientDisconnected);
        expectLog("Closing client #3 .*no heartbeat or message for");
        QTRY_COMPARE_WITH_TIMEOUT(gone.size(), 1, 5000);
        QCOMPARE(gone.first().at(0).toLongLong(), 3);
        QCOMPARE(gone.first().at(1).toInt(), 1001);
        QTest::qWait(600);
        QVERIFY(silent.isOpen());
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
        QSignalSpy evilDisconnected(&evil, &QWebSocket::disconnected);
        expectLog("Refusing a WebSocket handshake from Origin https://evil.example");
        evil.open(m_server->serverUrl());
        QTRY_VERIFY_WITH_TIMEOUT(evil.state() == QAbstractSocket::UnconnectedState && !evilDisconnected.isEmpty() + 1, 5000);
        QTest::qWait(200);
        QCOMPARE(evilConnected.size(), 0);
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
