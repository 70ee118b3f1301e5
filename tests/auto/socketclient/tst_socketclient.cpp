// SPDX-License-Identifier: MIT
// SocketClient: states, heartbeat, reconnect with backoff, giving up, handlers, and
// invalid input from the server, against a raw protocol server and SocketServer; a
// TCP proxy makes the link go silent, end without a close frame, or stop reading.

#include "socketclient_p.h" // test accessors: session key, send buffer, reconnect delay
#include "tcpproxy.h"
#include "testpeer.h"

#include <Stonyx/Sockets/SocketClient>
#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketServer>

#include <QCoreApplication>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace Stonyx::Sockets;
using TestPeer::RawServer;
using TestPeer::TcpProxy;

namespace {

const QString Key = QStringLiteral("client-key");

SocketConfig clientConfig(const QUrl &url, bool encryption)
{
    SocketConfig c;
    c.setAddress(url);
    c.setAuthKey(Key);
    c.setEncryption(encryption);
    c.setReconnectBaseDelay(20);
    c.setReconnectMaxDelay(40);
    c.setReconnectSpread(200); // after a server restart (1012)
    return c;
}

// A SocketServer whose auth handler answers false (a falsy value that is sent back:
// PROTOCOL.md, session step 3) to a wrong key.
std::unique_ptr<SocketServer> startRejectingServer()
{
    SocketConfig c;
    c.setPort(0);
    c.setAuthKey(Key);
    c.setEncryption(false);
    c.setHandlerDir(QString());
    auto server = std::make_unique<SocketServer>(TestPeer::withWorkers(c));
    server->registerHandler(QStringLiteral("auth"),
                            [](const QJsonValue &data, SocketConnection *) {
                                return QJsonValue(data[u"authKey"].toString() == Key);
                            },
                            {});
    if (!server->listen())
        return nullptr;
    return server;
}

// Compact JSON of {"request": request, key: value}, as both sides encode messages.
QByteArray messageText(const QString &request, const QString &key, const QJsonValue &value)
{
    QJsonObject object{{QStringLiteral("request"), request}};
    if (!value.isUndefined())
        object.insert(key, value);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// The JSON text a server sends for {"request": request, "response": "x…x"} is exactly
// \a bytes long: the string that makes it so.
QString paddingFor(const QString &request, qint64 bytes)
{
    const qint64 base = messageText(request, QStringLiteral("response"), QString()).size();
    return QString(bytes - base, u'x');
}

std::unique_ptr<SocketServer> startServer(quint16 port, bool encryption)
{
    SocketConfig c;
    c.setPort(port);
    c.setAuthKey(Key);
    c.setEncryption(encryption);
    c.setHandlerDir(QString());
    auto server = std::make_unique<SocketServer>(TestPeer::withWorkers(c));
    server->registerHandler(QStringLiteral("auth"),
                            [](const QJsonValue &data, SocketConnection *) {
                                return data[u"authKey"].toString() == Key ? QJsonValue(QStringLiteral("success")) : QJsonValue();
                            },
                            {});
    server->registerHandler(QStringLiteral("echo"), [](const QJsonValue &data, SocketConnection *) { return data; }, {});
    if (!server->listen())
        return nullptr;
    return server;
}

} // namespace

class tst_SocketClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void backoff_data()
    {
        QTest::addColumn<int>("attempt");
        QTest::addColumn<int>("base");
        QTest::addColumn<int>("max");
        QTest::addColumn<qint64>("expected");
        QTest::addRow("first") << 1 << 1000 << 60000 << qint64(1000);
        QTest::addRow("second") << 2 << 1000 << 60000 << qint64(2000);
        QTest::addRow("sixth") << 6 << 1000 << 60000 << qint64(32000);
        QTest::addRow("capped") << 7 << 1000 << 60000 << qint64(60000);
        QTest::addRow("far") << 200 << 1000 << 60000 << qint64(60000);
        QTest::addRow("zero base") << 3 << 0 << 60000 << qint64(0);
    }
    void backoff()
    {
        QFETCH(int, attempt);
        QFETCH(int, base);
        QFETCH(int, max);
        QFETCH(qint64, expected);
        QCOMPARE(SocketClient::backoffDelay(attempt, base, max), expected);
    }

    void states_data()
    {
        QTest::addColumn<bool>("encryption");
        QTest::addRow("encrypted") << true;
        QTest::addRow("plain") << false;
    }
    void states()
    {
        QFETCH(bool, encryption);
        RawServer server(encryption, Key);
        QVERIFY(server.listen());
        SocketClient client(clientConfig(server.url(), encryption));
        QSignalSpy states(&client, &SocketClient::stateChanged);
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QCOMPARE(client.state(), SocketClient::State::Disconnected);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(5000));
        QCOMPARE(authenticated.first().first().toJsonValue(), QJsonValue(QStringLiteral("success")));
        QCOMPARE(states.size(), 3);
        QCOMPARE(states.at(0).first().value<SocketClient::State>(), SocketClient::State::Connecting);
        QCOMPARE(states.at(1).first().value<SocketClient::State>(), SocketClient::State::Authenticating);
        QCOMPARE(states.at(2).first().value<SocketClient::State>(), SocketClient::State::Connected);

        // The auth request carries the key (and, decrypted with the global key, proves it).
        QCOMPARE(server.received.first().value(u"request").toString(), QStringLiteral("auth"));
        QCOMPARE(server.received.first().value(u"data").toObject().value(u"authKey").toString(), Key);

        QSignalSpy disconnected(&client, &SocketClient::disconnected);
        QSignalSpy reconnecting(&client, &SocketClient::reconnecting);
        client.close();
        QTRY_COMPARE(client.state(), SocketClient::State::Disconnected);
        QTRY_COMPARE(disconnected.size(), 1);
        QCOMPARE(disconnected.first().first().toInt(), 1000);
        QTest::qWait(200);
        QCOMPARE(reconnecting.size(), 0); // an application close never reconnects
    }

    void authDataMerged()
    {
        RawServer server(true, Key);
        QVERIFY(server.listen());
        SocketClient client(clientConfig(server.url(), true));
        client.setAuthData({{QStringLiteral("deviceId"), QStringLiteral("d-42")}, {QStringLiteral("n"), 3}});
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(5000));
        const QJsonObject data = server.received.first().value(u"data").toObject();
        QCOMPARE(data, (QJsonObject{{QStringLiteral("authKey"), Key}, {QStringLiteral("deviceId"), QStringLiteral("d-42")}, {QStringLiteral("n"), 3}}));
    }

    void heartBeat()
    {
        RawServer server(true, Key);
        QVERIFY(server.listen());
        SocketConfig c = clientConfig(server.url(), true);
        c.setHeartBeatInterval(50);
        c.setHeartBeatTimeout(10000); // the silence below must not end the connection
        SocketClient client(c);
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(5000));
        QCOMPARE(server.heartBeats, 0); // none before the interval has passed
        QTRY_VERIFY_WITH_TIMEOUT(server.heartBeats >= 3, 5000);
        // Heartbeats are {"request":"heartBeat"} without data, under the session key.
        const auto beat = std::find_if(server.received.begin(), server.received.end(),
                                       [](const QJsonObject &m) { return m.value(u"request") == QJsonValue(QStringLiteral("heartBeat")); });
        QCOMPARE(*beat, (QJsonObject{{QStringLiteral("request"), QStringLiteral("heartBeat")}}));

        // The next heartbeat is only sent after a response: silence stops the chain.
        server.answerHeartBeat = false;
        QTest::qWait(150);
        const int count = server.heartBeats;
        QTest::qWait(200);
        QCOMPARE(server.heartBeats, count);
    }

    void invalidFrameFromServerIsDropped()
    {
        RawServer server(true, Key);
        QVERIFY(server.listen());
        SocketClient client(clientConfig(server.url(), true));
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(5000));
        QSignalSpy errors(&client, &SocketClient::errorOccurred);
        QSignalSpy messages(&client, &SocketClient::messageReceived);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("Dropped a frame")));
        server.sendFrame(QByteArray(40, 'g'));
        QTRY_COMPARE(errors.size(), 1);
        QCOMPARE(errors.first().first().value<SocketClient::Error>(), SocketClient::Error::InvalidMessage);
        QCOMPARE(client.state(), SocketClient::State::Connected);
        server.send(QStringLiteral("news"), 5);
        QVERIFY(messages.wait(5000));
        QCOMPARE(messages.first().at(1).toJsonValue(), QJsonValue(5));
    }

    void handlers()
    {
        RawServer server(false, Key);
        QVERIFY(server.listen());
        SocketClient client(clientConfig(server.url(), false));
        QJsonValue got;
        QVERIFY(client.registerHandler(QStringLiteral("news"), [&got](const QJsonValue &r) { got = r; }));
        QVERIFY(!client.registerHandler(QStringLiteral("news"), [](const QJsonValue &) {}));
        QCOMPARE(client.error(), SocketClient::Error::HandlerError);
        QCOMPARE(client.loadHandlers(QStringLiteral(STONYX_TEST_PLUGIN_DIR)), 1); // clientNews
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(5000));
        server.send(QStringLiteral("news"), QJsonObject{{QStringLiteral("headline"), QStringLiteral("hi")}});
        QTRY_COMPARE(got, QJsonValue(QJsonObject{{QStringLiteral("headline"), QStringLiteral("hi")}}));
        server.send(QStringLiteral("clientNews"), QStringLiteral("from a plugin"));
        QTRY_COMPARE(qApp->property("clientNews").toString(), QStringLiteral("from a plugin"));
    }

    void sendWhileDisconnected()
    {
        SocketClient client(clientConfig(QUrl(QStringLiteral("ws://127.0.0.1:1")), true));
        QSignalSpy errors(&client, &SocketClient::errorOccurred);
        QVERIFY(!client.send(QStringLiteral("echo"), 1));
        QCOMPARE(client.error(), SocketClient::Error::NotConnected);
        QVERIFY(client.errorString().contains(QStringLiteral("echo")));
        QCOMPARE(errors.size(), 1);
    }

    void reconnectAfterServerRestart()
    {
        auto server = startServer(0, true);
        QVERIFY(server);
        const quint16 port = server->serverPort();
        SocketClient client(clientConfig(server->serverUrl(), true));
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(5000));
        const QByteArray firstKey = SocketClientPrivate::sessionKey(&client);
        QCOMPARE(firstKey.size(), 32);

        QSignalSpy disconnected(&client, &SocketClient::disconnected);
        QSignalSpy reconnecting(&client, &SocketClient::reconnecting);
        QSignalSpy reconnected(&client, &SocketClient::reconnected);
        server.reset(); // the server goes away: 1012, service restart
        QTRY_COMPARE(disconnected.size(), 1);
        QCOMPARE(disconnected.first().at(0).toInt(), 1012);
        QTRY_VERIFY(reconnecting.size() >= 2); // attempts fail while the server is down
        QCOMPARE(client.state(), SocketClient::State::Reconnecting);
        // The first attempt after a 1012 comes within reconnectSpread, the others after the backoff.
        QVERIFY(reconnecting.first().at(1).toInt() < client.config().reconnectSpread());
        for (int i = 1; i < reconnecting.size(); ++i) {
            const int attempt = reconnecting.at(i).at(0).toInt();
            const int delay = reconnecting.at(i).at(1).toInt();
            QCOMPARE(attempt, i + 1);
            const qint64 backoff = SocketClient::backoffDelay(attempt, 20, 40);
            QVERIFY2(delay >= backoff && delay < backoff + 1000, qPrintable(QString::number(delay)));
        }
        QVERIFY(SocketClientPrivate::sessionKey(&client).isEmpty()); // forgotten before reconnecting

        server = startServer(port, true);
        QVERIFY(server);
        QTRY_VERIFY_WITH_TIMEOUT(reconnected.size() == 1, 10000);
        QCOMPARE(client.state(), SocketClient::State::Connected);
        QCOMPARE(client.reconnectAttempt(), 0);
        QCOMPARE(SocketClientPrivate::sessionKey(&client).size(), 32);
        QVERIFY(SocketClientPrivate::sessionKey(&client) != firstKey);

        QSignalSpy messages(&client, &SocketClient::messageReceived);
        QVERIFY(client.send(QStringLiteral("echo"), QStringLiteral("again")));
        QVERIFY(messages.wait(5000));
        QCOMPARE(messages.first().at(1).toJsonValue(), QJsonValue(QStringLiteral("again")));
    }

    void givesUpAfterMaxAttempts()
    {
        auto server = startServer(0, false);
        QVERIFY(server);
        SocketConfig c = clientConfig(server->serverUrl(), false);
        c.setMaxReconnectAttempts(2);
        SocketClient client(c);
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(5000));
        QSignalSpy reconnecting(&client, &SocketClient::reconnecting);
        QSignalSpy failed(&client, &SocketClient::reconnectFailed);
        server.reset();
        QTRY_VERIFY_WITH_TIMEOUT(failed.size() == 1, 10000);
        QCOMPARE(failed.first().first().toInt(), 2);
        QCOMPARE(reconnecting.size(), 2);
        QCOMPARE(client.state(), SocketClient::State::Disconnected);
        QCOMPARE(client.error(), SocketClient::Error::ReconnectFailed);
        QTest::qWait(300);
        QCOMPARE(reconnecting.size(), 2); // and stays down
    }

    void closeDuringReconnectStops()
    {
        auto server = startServer(0, true);
        QVERIFY(server);
        SocketConfig c = clientConfig(server->serverUrl(), true);
        c.setReconnectBaseDelay(200);
        c.setReconnectSpread(0); // the backoff's jitter keeps the first attempt apart from the next
        SocketClient client(c);
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(5000));
        QSignalSpy reconnecting(&client, &SocketClient::reconnecting);
        server.reset();
        QTRY_COMPARE(reconnecting.size(), 1);
        client.close();
        QCOMPARE(client.state(), SocketClient::State::Disconnected);
        QTest::qWait(1500);
        QCOMPARE(reconnecting.size(), 1);
    }

    void connectionRefused()
    {
        // Nothing listens: the first attempt fails, reconnecting follows (unlimited by default).
        auto probe = startServer(0, false);
        QVERIFY(probe);
        const QUrl url = probe->serverUrl();
        probe.reset();
        SocketConfig c = clientConfig(url, false);
        c.setMaxReconnectAttempts(1);
        SocketClient client(c);
        QSignalSpy errors(&client, &SocketClient::errorOccurred);
        QSignalSpy failed(&client, &SocketClient::reconnectFailed);
        QVERIFY(client.open());
        QTRY_VERIFY_WITH_TIMEOUT(failed.size() == 1, 10000);
        QCOMPARE(errors.first().first().value<SocketClient::Error>(), SocketClient::Error::ConnectionError);
        QVERIFY(!client.errorString().isEmpty());
    }

    void heartBeatTimeoutOnSilentLink_data() { states_data(); }
    void heartBeatTimeoutOnSilentLink()
    {
        // A link that drops everything without a FIN or a RST (a pulled cable, an
        // expired NAT entry): only the missing heartbeat answer tells.
        QFETCH(bool, encryption);
        RawServer server(encryption, Key);
        QVERIFY(server.listen());
        TcpProxy proxy;
        QVERIFY(proxy.listen(server.url()));
        SocketConfig c = clientConfig(proxy.url(), encryption);
        c.setHeartBeatInterval(200);
        c.setHeartBeatTimeout(1000); // generous: a loaded machine must not drop a live link
        // A reconnect attempt may start while the link is still down; it must then end
        // quickly and the next attempt get through once the link is back.
        c.setHandshakeTimeout(1500);
        SocketClient client(c);
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(5000));
        QTRY_VERIFY_WITH_TIMEOUT(server.heartBeats >= 2, 5000); // answered heartbeats keep it up
        QCOMPARE(client.state(), SocketClient::State::Connected);

        QSignalSpy disconnected(&client, &SocketClient::disconnected);
        QSignalSpy reconnecting(&client, &SocketClient::reconnecting);
        QSignalSpy reconnected(&client, &SocketClient::reconnected);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("no heartbeat answer within 1000 ms")));
        proxy.setForwarding(false);
        QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, 5000);
        QCOMPARE(disconnected.first().at(0).toInt(), 1006);
        QCOMPARE(disconnected.first().at(1).toString(), QStringLiteral("no heartbeat answer within 1000 ms"));
        QCOMPARE(client.error(), SocketClient::Error::ConnectionError);
        QVERIFY(client.errorString().contains(QStringLiteral("no heartbeat answer")));
        QCOMPARE(reconnecting.size(), 1);
        QCOMPARE(client.state(), SocketClient::State::Reconnecting);

        // The link comes back: the reconnect gets through and the heartbeat runs again.
        proxy.setForwarding(true);
        QTRY_COMPARE_WITH_TIMEOUT(reconnected.size(), 1, 30000);
        // Attempts made while the link was down count too: at least the first and the one
        // that got through.
        QVERIFY2(proxy.connections() >= 2, QByteArray::number(proxy.connections()));
        const int beats = server.heartBeats;
        QTRY_VERIFY_WITH_TIMEOUT(server.heartBeats >= beats + 2, 5000);
        QCOMPARE(disconnected.size(), 1);
    }

    void silentServerDuringHandshake()
    {
        // A server (or link) that accepts TCP and then says nothing: the attempt ends
        // after handshakeTimeout and the next one starts, instead of waiting forever.
        QTcpServer blackHole;
        QVERIFY(blackHole.listen(QHostAddress::LocalHost));
        QList<QTcpSocket *> accepted;
        connect(&blackHole, &QTcpServer::newConnection, this, [&] {
            while (QTcpSocket *s = blackHole.nextPendingConnection())
                accepted << s; // kept open, never answered
        });
        SocketConfig c = clientConfig(QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(blackHole.serverPort())), true);
        c.setHandshakeTimeout(300);
        c.setMaxReconnectAttempts(1);
        SocketClient client(c);
        QSignalSpy errors(&client, &SocketClient::errorOccurred);
        QSignalSpy reconnecting(&client, &SocketClient::reconnecting);
        QSignalSpy failed(&client, &SocketClient::reconnectFailed);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("no WebSocket handshake within 300 ms")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("no WebSocket handshake within 300 ms")));
        QVERIFY(client.open());
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
        QCOMPARE(reconnecting.size(), 1);
        QCOMPARE(accepted.size(), 2); // the first attempt and the one retry
        QVERIFY(!errors.isEmpty());
        QCOMPARE(errors.first().at(0).value<SocketClient::Error>(), SocketClient::Error::ConnectionError);
        QCOMPARE(client.state(), SocketClient::State::Disconnected);
        // The sockets of both attempts were torn down, not left open.
        for (QTcpSocket *s : std::as_const(accepted))
            QTRY_COMPARE(s->state(), QAbstractSocket::UnconnectedState);
    }

    void silentServerDuringAuth_data() { states_data(); }
    void silentServerDuringAuth()
    {
        // The WebSocket opens, but the auth request is never answered.
        QFETCH(bool, encryption);
        QWebSocketServer mute(QStringLiteral("mute"), QWebSocketServer::NonSecureMode);
        QVERIFY(mute.listen(QHostAddress::LocalHost));
        int connections = 0;
        connect(&mute, &QWebSocketServer::newConnection, this, [&] {
            while (QWebSocket *s = mute.nextPendingConnection()) {
                s->setParent(&mute);
                ++connections;
            }
        });
        SocketConfig c = clientConfig(mute.serverUrl(), encryption);
        c.setAuthTimeout(300);
        SocketClient client(c);
        QSignalSpy disconnected(&client, &SocketClient::disconnected);
        QSignalSpy reconnecting(&client, &SocketClient::reconnecting);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("no answer to the auth request within 300 ms")));
        QVERIFY(client.open());
        QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, 5000);
        QCOMPARE(disconnected.first().at(0).toInt(), 1006);
        QCOMPARE(disconnected.first().at(1).toString(), QStringLiteral("no answer to the auth request within 300 ms"));
        QCOMPARE(client.error(), SocketClient::Error::ConnectionError);
        QTRY_VERIFY(reconnecting.size() >= 1);
        client.close();
        QCOMPARE(client.state(), SocketClient::State::Disconnected);
        QVERIFY(connections >= 1);
    }

    void authenticationRejectedIsFinal()
    {
        auto server = startRejectingServer();
        QVERIFY(server);
        SocketConfig c = clientConfig(server->serverUrl(), false);
        c.setAuthKey(QStringLiteral("wrong-key"));
        SocketClient client(c);
        QSignalSpy errors(&client, &SocketClient::errorOccurred);
        QSignalSpy disconnected(&client, &SocketClient::disconnected);
        QSignalSpy reconnecting(&client, &SocketClient::reconnecting);
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QSignalSpy serverConnected(server.get(), &SocketServer::clientConnected);
        QSignalSpy serverDisconnected(server.get(), &SocketServer::clientDisconnected);
        QJsonValue handlerGot;
        QVERIFY(client.registerHandler(QStringLiteral("auth"), [&](const QJsonValue &r) { handlerGot = r; }));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("rejected the authentication")));
        QVERIFY(client.open());
        QTRY_COMPARE(client.state(), SocketClient::State::Disconnected);
        QCOMPARE(client.error(), SocketClient::Error::AuthenticationRejected);
        QVERIFY(client.errorString().contains(QStringLiteral("false")));
        QCOMPARE(errors.last().first().value<SocketClient::Error>(), SocketClient::Error::AuthenticationRejected);
        QCOMPARE(disconnected.size(), 1);
        QCOMPARE(disconnected.first().at(0).toInt(), 1000);
        QCOMPARE(handlerGot, QJsonValue(false)); // the auth handler still sees the answer
        QCOMPARE(authenticated.size(), 0);
        // A close frame: the server sees 1000, not an abnormal closure.
        QTRY_COMPARE(serverDisconnected.size(), 1);
        QCOMPARE(serverDisconnected.first().at(1).toInt(), 1000);

        // No reconnect with the same bad key (reconnectBaseDelay is 20 ms).
        QTest::qWait(500);
        QCOMPARE(reconnecting.size(), 0);
        QCOMPARE(serverConnected.size(), 1);
        QCOMPARE(client.state(), SocketClient::State::Disconnected);

        // open() tries again (and is rejected again).
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("rejected the authentication")));
        QVERIFY(client.open());
        QTRY_COMPARE(serverDisconnected.size(), 2);
        QCOMPARE(serverConnected.size(), 2);
        QTRY_COMPARE(client.state(), SocketClient::State::Disconnected);
        QCOMPARE(reconnecting.size(), 0);
    }

    void dropWithoutCloseFrame_data()
    {
        QTest::addColumn<bool>("encryption");
        QTest::addColumn<bool>("reset");
        QTest::addRow("FIN, encrypted") << true << false;
        QTest::addRow("FIN, plain") << false << false;
        QTest::addRow("RST, encrypted") << true << true;
        QTest::addRow("RST, plain") << false << true;
    }
    void dropWithoutCloseFrame()
    {
        // The server side of the TCP connection ends without a WebSocket close frame
        // (the server process killed: FIN; the link reset: RST): 1006, not 1000.
        QFETCH(bool, encryption);
        QFETCH(bool, reset);
        RawServer server(encryption, Key);
        QVERIFY(server.listen());
        TcpProxy proxy;
        QVERIFY(proxy.listen(server.url()));
        SocketClient client(clientConfig(proxy.url(), encryption));
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(5000));
        QSignalSpy disconnected(&client, &SocketClient::disconnected);
        QSignalSpy reconnecting(&client, &SocketClient::reconnecting);
        if (reset)
            proxy.resetClients();
        else
            proxy.finClients();
        QTRY_COMPARE(disconnected.size(), 1);
        QCOMPARE(disconnected.first().at(0).toInt(), 1006);
        QCOMPARE(client.error(), SocketClient::Error::ConnectionError);
        QTRY_VERIFY(reconnecting.size() >= 1); // a lost connection is reconnected
    }

    void serverCloseCodeIsReported_data()
    {
        QTest::addColumn<int>("code");
        QTest::addRow("1008") << 1008;
        QTest::addRow("1000") << 1000;
        QTest::addRow("4001") << 4001;
    }
    void serverCloseCodeIsReported()
    {
        QFETCH(int, code);
        auto server = startServer(0, true);
        QVERIFY(server);
        QSignalSpy serverAuthenticated(server.get(), &SocketServer::clientAuthenticated);
        SocketClient client(clientConfig(server->serverUrl(), true));
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(5000));
        QTRY_COMPARE(serverAuthenticated.size(), 1);
        QSignalSpy disconnected(&client, &SocketClient::disconnected);
        SocketConnection *connection = server->client(serverAuthenticated.first().first().toLongLong());
        QVERIFY(connection);
        connection->close(code, QStringLiteral("closed by the test"));
        QTRY_COMPARE(disconnected.size(), 1);
        QCOMPARE(disconnected.first().at(0).toInt(), code);
        QCOMPARE(disconnected.first().at(1).toString(), QStringLiteral("closed by the test"));
    }

    void clientCloseSendsCloseFrame_data()
    {
        QTest::addColumn<bool>("destroy");
        QTest::addRow("close()") << false;
        QTest::addRow("destroyed") << true;
    }
    void clientCloseSendsCloseFrame()
    {
        QFETCH(bool, destroy);
        auto server = startServer(0, true);
        QVERIFY(server);
        QSignalSpy serverDisconnected(server.get(), &SocketServer::clientDisconnected);
        auto client = std::make_unique<SocketClient>(clientConfig(server->serverUrl(), true));
        QSignalSpy authenticated(client.get(), &SocketClient::authenticated);
        QVERIFY(client->open());
        QVERIFY(authenticated.wait(5000));
        if (destroy) {
            client.reset();
        } else {
            QSignalSpy disconnected(client.get(), &SocketClient::disconnected);
            client->close();
            QCOMPARE(client->state(), SocketClient::State::Disconnected); // at once
            QCOMPARE(disconnected.size(), 1);
            QCOMPARE(disconnected.first().at(0).toInt(), 1000);
        }
        QTRY_COMPARE(serverDisconnected.size(), 1);
        QCOMPARE(serverDisconnected.first().at(1).toInt(), destroy ? 1001 : 1000);
    }

    void sendBufferLimit()
    {
        // A peer that does not read: the kernel's buffers fill, then the client's.
        RawServer server(false, Key);
        QVERIFY(server.listen());
        TcpProxy proxy;
        QVERIFY(proxy.listen(server.url()));
        SocketConfig c = clientConfig(proxy.url(), false);
        const qint64 limit = 256 * 1024;
        c.setMaxSendBuffer(limit);
        SocketClient client(c);
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(5000));
        proxy.stallClients();

        const QString chunk(16 * 1024, u'x');
        int sent = 0;
        bool refused = false;
        for (; sent < 8192 && !refused; ++sent) // 128 MiB: far beyond what the kernel holds
            refused = !client.send(QStringLiteral("bulk"), chunk);
        QVERIFY2(refused, "send() never refused a message to a peer that does not read");
        QCOMPARE(client.error(), SocketClient::Error::LimitExceeded);
        QVERIFY2(client.errorString().contains(QStringLiteral("maxSendBuffer"))
                     && client.errorString().contains(QStringLiteral("\"bulk\""))
                     && client.errorString().contains(QString::number(limit)),
                 qPrintable(client.errorString()));
        const qint64 waiting = SocketClientPrivate::bytesToWrite(&client);
        QVERIFY2(waiting <= limit, qPrintable(QString::number(waiting)));
        QVERIFY(waiting > 0);
        QCOMPARE(client.state(), SocketClient::State::Connected); // refused, not dropped

        // The boundary, exact: a frame that makes the queue limit + 1 bytes is refused,
        // one that makes it exactly the limit is sent. (The limit is moved to where a
        // frame of a known size lands on it: the kernel's share is not known upfront.)
        const QString text(1000, u'y');
        const qint64 frame = SocketClientPrivate::frameSize(messageText(QStringLiteral("edge"), QStringLiteral("data"), text).size());
        SocketClientPrivate::get(&client)->activeConfig.setMaxSendBuffer(waiting + frame - 1);
        QVERIFY(!client.send(QStringLiteral("edge"), text));
        QCOMPARE(SocketClientPrivate::bytesToWrite(&client), waiting);
        QVERIFY2(client.errorString().contains(QString::number(waiting + frame)), qPrintable(client.errorString()));
        SocketClientPrivate::get(&client)->activeConfig.setMaxSendBuffer(waiting + frame);
        QVERIFY(client.send(QStringLiteral("edge"), text));
        QCOMPARE(SocketClientPrivate::bytesToWrite(&client), waiting + frame);
        QVERIFY(!client.send(QStringLiteral("edge"), QJsonValue()));
    }

    void reconnectJitter()
    {
        // Exponential backoff plus a uniform jitter in [0, 1000): bounded, and varying.
        SocketConfig c;
        c.setReconnectBaseDelay(100);
        c.setReconnectMaxDelay(1000);
        for (int attempt = 1; attempt <= 6; ++attempt) {
            const qint64 backoff = SocketClient::backoffDelay(attempt, 100, 1000);
            QCOMPARE(backoff, std::min<qint64>(100LL << (attempt - 1), 1000));
            QSet<qint64> distinct;
            qint64 lowest = std::numeric_limits<qint64>::max();
            qint64 highest = 0;
            for (int i = 0; i < 400; ++i) {
                const qint64 delay = SocketClientPrivate::reconnectDelay(attempt, c);
                QVERIFY2(delay >= backoff && delay < backoff + 1000, qPrintable(QString::number(delay)));
                distinct.insert(delay);
                lowest = std::min(lowest, delay);
                highest = std::max(highest, delay);
            }
            // Uniform over 1000 values: 400 draws all in one quarter has p = 4e-50.
            QVERIFY2(distinct.size() > 100, qPrintable(QString::number(distinct.size())));
            QVERIFY2(lowest < backoff + 250, qPrintable(QString::number(lowest)));
            QVERIFY2(highest >= backoff + 750, qPrintable(QString::number(highest)));
        }

        // The client's own reconnects use it: with a 1 ms backoff the delays still spread.
        auto probe = startServer(0, false);
        QVERIFY(probe);
        const QUrl url = probe->serverUrl();
        probe.reset(); // nothing listens: every attempt fails at once
        SocketConfig live = clientConfig(url, false);
        live.setReconnectBaseDelay(1);
        live.setReconnectMaxDelay(1);
        live.setMaxReconnectAttempts(4);
        SocketClient client(live);
        QSignalSpy reconnecting(&client, &SocketClient::reconnecting);
        QSignalSpy failed(&client, &SocketClient::reconnectFailed);
        QVERIFY(client.open());
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 15000);
        QCOMPARE(reconnecting.size(), 4);
        QSet<int> delays;
        for (const QList<QVariant> &signal : std::as_const(reconnecting)) {
            const int delay = signal.at(1).toInt();
            QVERIFY2(delay >= 1 && delay < 1001, qPrintable(QString::number(delay)));
            delays.insert(delay);
        }
        QVERIFY2(delays.size() > 1, "four reconnect delays without any jitter"); // p = 1e-9 by chance
    }

    void incomingLimits_data()
    {
        QTest::addColumn<bool>("encryption");
        QTest::addColumn<bool>("frameLimit");
        QTest::addRow("message limit, encrypted") << true << false;
        QTest::addRow("message limit, plain") << false << false;
        QTest::addRow("frame limit, encrypted") << true << true;
        QTest::addRow("frame limit, plain") << false << true;
    }
    void incomingLimits()
    {
        // maxMessageSize counts the JSON text; with encryption the frame carries
        // FrameCipher::Overhead more, which the limit allows for. The server sends each
        // message as one frame, so maxFrameSize bounds it too.
        QFETCH(bool, encryption);
        QFETCH(bool, frameLimit);
        auto server = startServer(0, encryption);
        QVERIFY(server);
        QSignalSpy serverAuthenticated(server.get(), &SocketServer::clientAuthenticated);
        QSignalSpy serverDisconnected(server.get(), &SocketServer::clientDisconnected);
        SocketConfig c = clientConfig(server->serverUrl(), encryption);
        const qint64 limit = frameLimit ? 2048 : 4096;
        if (frameLimit) {
            c.setMaxFrameSize(limit);
            c.setMaxMessageSize(64 * 1024);
        } else {
            c.setMaxMessageSize(limit);
        }
        SocketClient client(c);
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QSignalSpy disconnected(&client, &SocketClient::disconnected);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(5000));
        QTRY_COMPARE(serverAuthenticated.size(), 1);
        const qint64 id = serverAuthenticated.first().first().toLongLong();

        // Exactly the limit passes...
        QSignalSpy pushes(&client, &SocketClient::messageReceived);
        QVERIFY(server->sendTo(id, QStringLiteral("push"), paddingFor(QStringLiteral("push"), limit)));
        QVERIFY(pushes.wait(5000));
        QCOMPARE(pushes.first().at(0).toString(), QStringLiteral("push"));
        QCOMPARE(pushes.first().at(1).toString().size(), paddingFor(QStringLiteral("push"), limit).size());
        QCOMPARE(disconnected.size(), 0);

        // ...one byte more closes with 1009.
        QVERIFY(server->sendTo(id, QStringLiteral("push"), paddingFor(QStringLiteral("push"), limit + 1)));
        QTRY_COMPARE(disconnected.size(), 1);
        QCOMPARE(disconnected.first().at(0).toInt(), 1009);
        QCOMPARE(pushes.size(), 1);
        // The client's close frame reaches the server.
        QTRY_COMPARE(serverDisconnected.size(), 1);
        QCOMPARE(serverDisconnected.first().at(1).toInt(), 1009);
    }

    void setConfigTakesEffectAtNextOpen()
    {
        RawServer first(false, Key);
        QVERIFY(first.listen());
        RawServer second(false, Key);
        QVERIFY(second.listen());
        TcpProxy proxy;
        QVERIFY(proxy.listen(first.url()));
        SocketClient client(clientConfig(proxy.url(), false));
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QSignalSpy reconnected(&client, &SocketClient::reconnected);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(5000));

        QSignalSpy configChanged(&client, &SocketClient::configChanged);
        client.setConfig(clientConfig(second.url(), false));
        QCOMPARE(configChanged.size(), 1);
        QCOMPARE(client.config().address(), second.url()); // config() says what is set

        // The connection drops: the reconnect keeps the configuration it was opened with.
        proxy.resetClients();
        QTRY_COMPARE_WITH_TIMEOUT(reconnected.size(), 1, 10000);
        QCOMPARE(first.connections, 2);
        QCOMPARE(second.connections, 0);

        // The next open() takes the new one.
        client.close();
        QVERIFY(client.open());
        QTRY_COMPARE(authenticated.size(), 3);
        QCOMPARE(second.connections, 1);
    }

    void destroyedFromItsSignals_data()
    {
        QTest::addColumn<QString>("when");
        QTest::addRow("disconnected, silent link") << QStringLiteral("silent");
        QTest::addRow("errorOccurred, rejected") << QStringLiteral("rejected");
        QTest::addRow("disconnected, close()") << QStringLiteral("close");
        QTest::addRow("reconnecting, RST") << QStringLiteral("reset");
    }
    void destroyedFromItsSignals()
    {
        // An application may delete the client in any slot: nothing may touch it after.
        QFETCH(QString, when);
        std::unique_ptr<SocketServer> rejecting;
        RawServer server(false, Key);
        QVERIFY(server.listen());
        TcpProxy proxy;
        QUrl url;
        if (when == u"rejected") {
            rejecting = startRejectingServer();
            QVERIFY(rejecting);
            url = rejecting->serverUrl();
        } else {
            QVERIFY(proxy.listen(server.url()));
            url = proxy.url();
        }
        SocketConfig c = clientConfig(url, false);
        c.setHeartBeatInterval(50);
        c.setHeartBeatTimeout(100);
        if (when == u"rejected")
            c.setAuthKey(QStringLiteral("wrong-key"));
        QPointer<SocketClient> client = new SocketClient(c);
        auto kill = [&client] { delete client.data(); };
        if (when == u"rejected")
            connect(client, &SocketClient::errorOccurred, this, kill);
        else if (when == u"reset")
            connect(client, &SocketClient::reconnecting, this, kill);
        else
            connect(client, &SocketClient::disconnected, this, kill);
        QSignalSpy authenticated(client.data(), &SocketClient::authenticated);
        if (when == u"rejected")
            QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("rejected the authentication")));
        else if (when == u"silent")
            QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("no heartbeat answer")));
        QVERIFY(client->open());
        if (when != u"rejected")
            QVERIFY(authenticated.wait(5000));
        if (when == u"silent")
            proxy.setForwarding(false);
        else if (when == u"close")
            client->close();
        else if (when == u"reset")
            proxy.resetClients();
        QTRY_VERIFY_WITH_TIMEOUT(client.isNull(), 5000);
        QTest::qWait(50); // let deferred deletions and queued events run
    }

    void invalidConfiguration()
    {
        SocketConfig c;
        c.setAddress(QUrl(QStringLiteral("http://127.0.0.1:1")));
        SocketClient client(c);
        QVERIFY(!client.open());
        QCOMPARE(client.error(), SocketClient::Error::ConfigurationError);
        QVERIFY(client.errorString().contains(QStringLiteral("address")));
        QCOMPARE(client.state(), SocketClient::State::Disconnected);
    }
};

QTEST_GUILESS_MAIN(tst_SocketClient)
#include "tst_socketclient.moc"
