// SPDX-License-Identifier: MIT
// SocketClient: states, heartbeat, reconnect with backoff, giving up, handlers, and
// invalid input from the server, against a raw protocol server and SocketServer; a
// TCP proxy makes the link go silent, end without a close frame, or stop reading.

#include "message_p.h"
#include "socketclient_p.h" // test accessors: session key, send buffer, reconnect delay
#include "tcpproxy.h"
#include "testpeer.h"

#include <Stonyx/Sockets/SocketClient>
#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketServer>

#include <QCoreApplication>
#include <QSignalSpy>
#include <QTest>

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
    return c;
}

std::unique_ptr<SocketServer> startServer(quint16 port, bool encryption)
{
    SocketConfig c;
    c.setPort(port);
    c.setAuthKey(Key);
    c.setEncryption(encryption);
    c.setHandlerDir(QString());
    auto server = std::make_unique<SocketServer>(c);
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
        server.reset(); // the server goes away
        QTRY_COMPARE(disconnected.size(), 1);
        QTRY_VERIFY(reconnecting.size() >= 2); // attempts fail while the server is down
        QCOMPARE(client.state(), SocketClient::State::Reconnecting);
        for (int i = 0; i < reconnecting.size(); ++i) {
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
