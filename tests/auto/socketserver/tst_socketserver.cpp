// SPDX-License-Identifier: MIT
// SocketServer: dispatch, auth gate, heartbeat, messaging and bad input, each with
// encryption on and off, against raw protocol peers and SocketClient.

#include "testpeer.h"
#include "socketclient_p.h" // SocketClientPrivate::sessionKey(), for tests only

#include <Stonyx/Sockets/SocketClient>
#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketServer>

#include <QJsonArray>
#include <QPointer>
#include <QSet>
#include <QThread>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <memory>
#include <thread>
#include <vector>

using namespace Stonyx::Sockets;
using TestPeer::RawClient;

namespace {

const QString Key = QStringLiteral("test-key");

QJsonObject sampleData()
{
    return QJsonObject{{QStringLiteral("msg"), QStringLiteral("héllo wörld ✓")},
                       {QStringLiteral("n"), QJsonArray{1, 2.5, QJsonValue::Null, true}}};
}

} // namespace

class tst_SocketServer : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SocketServer> m_server;

    SocketConfig config(bool encryption) const
    {
        SocketConfig c;
        c.setPort(0);
        c.setAuthKey(Key);
        c.setEncryption(encryption);
        c.setHandlerDir(QStringLiteral("/nonexistent/handlers"));
        c.setReconnectBaseDelay(10);
        c.setMaxReconnectAttempts(0);
        return c;
    }

    // A server with handlers registered in code: auth (wrong key closes with 4001;
    // data.result overrides the result), echo, ping (skipAuth), later (deferred),
    // closer (closes the connection).
    void startServer(bool encryption)
    {
        m_server = std::make_unique<SocketServer>(TestPeer::withWorkers(config(encryption)));
        QVERIFY(m_server->registerHandler(
            QStringLiteral("auth"),
            [](const QJsonValue &data, SocketConnection *c) -> QJsonValue {
                if (data[u"authKey"].toString() != Key) {
                    c->close(4001, QStringLiteral("invalid auth key"));
                    return {};
                }
                if (data.toObject().contains(u"result"))
                    return data[u"result"];
                QJsonObject meta = data.toObject();
                meta.remove(u"authKey");
                c->setMetadata(meta);
                return QStringLiteral("success");
            },
            {}));
        QVERIFY(m_server->registerHandler(
            QStringLiteral("echo"), [](const QJsonValue &data, SocketConnection *) { return data; }, {}));
        QVERIFY(m_server->registerHandler(
            QStringLiteral("ping"), [](const QJsonValue &, SocketConnection *) { return QJsonValue(QStringLiteral("pong")); },
            {.skipAuth = true}));
        QVERIFY(m_server->registerHandler(
            QStringLiteral("later"),
            [](const QJsonValue &data, SocketConnection *c) -> QJsonValue {
                PendingReply reply = c->deferReply();
                QTimer::singleShot(50, c, [reply, data]() mutable { reply.resolve(QJsonObject{{QStringLiteral("late"), data}}); });
                return {};
            },
            {}));
        QVERIFY(m_server->registerHandler(
            QStringLiteral("closer"),
            [](const QJsonValue &, SocketConnection *c) -> QJsonValue {
                c->close(4002, QStringLiteral("bye"));
                return QStringLiteral("never sent");
            },
            {}));
        QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
        QCOMPARE(m_server->serverUrl().scheme(), QStringLiteral("ws"));
        QVERIFY(m_server->serverPort() != 0);
    }

    std::unique_ptr<RawClient> rawClient(bool encryption, bool authenticate)
    {
        auto peer = std::make_unique<RawClient>(encryption, Key);
        if (!peer->open(m_server->serverUrl()))
            return nullptr;
        if (authenticate) {
            const auto reply = peer->authenticate();
            if (!reply || reply->value(u"response").toString() != u"success")
                return nullptr;
        }
        return peer;
    }

    std::unique_ptr<SocketClient> client(bool encryption, const QJsonObject &authData = {})
    {
        SocketConfig c = config(encryption);
        c.setAddress(m_server->serverUrl());
        auto result = std::make_unique<SocketClient>(c);
        result->setAuthData(authData);
        QSignalSpy authenticated(result.get(), &SocketClient::authenticated);
        if (!result->open() || !authenticated.wait(5000))
            return nullptr;
        return result;
    }

    // Sends through \a peer and returns the answer; fails the test if none comes.
    static std::optional<QJsonObject> ask(RawClient &peer, const QString &request, const QJsonValue &data)
    {
        peer.sendRequest(request, data);
        return peer.waitForMessage();
    }


private Q_SLOTS:
    void cleanup() { m_server.reset(); }

    void refusesToStartWithoutAuthHandler()
    {
        SocketServer server(TestPeer::withWorkers(config(true)));
        QSignalSpy errors(&server, &SocketServer::errorOccurred);
        QVERIFY(!server.listen());
        QCOMPARE(server.error(), SocketServer::Error::MissingAuthHandler);
        QVERIFY(server.errorString().contains(QStringLiteral("\"auth\"")));
        QCOMPARE(errors.size(), 1);
        QVERIFY(!server.isListening());
    }

    void rejectsInvalidConfiguration()
    {
        SocketConfig c = config(true);
        c.setHost(QStringLiteral("not-an-address"));
        SocketServer server(TestPeer::withWorkers(c));
        server.registerHandler(QStringLiteral("auth"), [](const QJsonValue &, SocketConnection *) { return QJsonValue(true); }, {});
        QVERIFY(!server.listen());
        QCOMPARE(server.error(), SocketServer::Error::ConfigurationError);
        QVERIFY(server.errorString().contains(QStringLiteral("host")));
    }

    void duplicateHandlerRejected()
    {
        SocketServer server(TestPeer::withWorkers(config(true)));
        auto fn = [](const QJsonValue &, SocketConnection *) { return QJsonValue(true); };
        QVERIFY(server.registerHandler(QStringLiteral("auth"), fn, {}));
        QVERIFY(!server.registerHandler(QStringLiteral("auth"), fn, {}));
        QCOMPARE(server.error(), SocketServer::Error::HandlerError);
        QVERIFY(server.unregisterHandler(QStringLiteral("auth")));
        QVERIFY(server.handlerNames().isEmpty());
    }

    void roundTrip_data() { TestPeer::addEncryptionRows(); }
    void roundTrip()
    {
        QFETCH(bool, encryption);
        startServer(encryption);
        QSignalSpy connected(m_server.get(), &SocketServer::clientConnected);
        QSignalSpy authenticatedSpy(m_server.get(), &SocketServer::clientAuthenticated);
        QSignalSpy received(m_server.get(), &SocketServer::messageReceived);

        auto c = client(encryption);
        QVERIFY(c);
        QCOMPARE(c->state(), SocketClient::State::Connected);
        QCOMPARE(SocketClientPrivate::sessionKey(c.get()).size(), encryption ? 32 : 0);
        QCOMPARE(connected.size(), 1);
        QCOMPARE(authenticatedSpy.size(), 1);
        const qint64 id = connected.first().first().toLongLong();
        QVERIFY(m_server->client(id)->isAuthenticated());
        QCOMPARE(m_server->client(id)->peerAddress(), QHostAddress(QHostAddress::LocalHost));

        QSignalSpy messages(c.get(), &SocketClient::messageReceived);
        QVERIFY(c->send(QStringLiteral("echo"), sampleData()));
        QVERIFY(messages.wait(5000));
        QCOMPARE(messages.first().at(0).toString(), QStringLiteral("echo"));
        QCOMPARE(messages.first().at(1).toJsonValue(), QJsonValue(sampleData()));
        QCOMPARE(received.last().at(1).toString(), QStringLiteral("echo"));
        QCOMPARE(received.last().at(2).toJsonValue(), QJsonValue(sampleData()));
    }

    void wireFormat_data() { TestPeer::addEncryptionRows(); }
    void wireFormat()
    {
        // What a raw peer sees: the auth response's sessionKey only with encryption.
        QFETCH(bool, encryption);
        startServer(encryption);
        RawClient peer(encryption, Key);
        QVERIFY(peer.open(m_server->serverUrl()));
        const auto reply = peer.authenticate();
        QVERIFY(reply);
        QCOMPARE(reply->value(u"request").toString(), QStringLiteral("auth"));
        QCOMPARE(reply->value(u"response").toString(), QStringLiteral("success"));
        QCOMPARE(reply->contains(u"sessionKey"), encryption);
        if (encryption)
            QCOMPARE(QByteArray::fromBase64(reply->value(u"sessionKey").toString().toLatin1()).size(), 32);
        QCOMPARE(peer.hasSessionKey(), encryption);
        const auto echo = ask(peer, QStringLiteral("echo"), sampleData());
        QVERIFY(echo);
        QCOMPARE(*echo, (QJsonObject{{QStringLiteral("request"), QStringLiteral("echo")}, {QStringLiteral("response"), sampleData()}}));
    }

    // The server writes its data frames itself (FrameWriter): every header length
    // (7-bit, 16-bit, 64-bit), the frame type the protocol asks for (text when plain,
    // binary when encrypted) and non-ASCII text arrive intact at a QWebSocket peer.
    void frameSizes_data() { TestPeer::addEncryptionRows(); }
    void frameSizes()
    {
        QFETCH(bool, encryption);
        startServer(encryption);
        RawClient peer(encryption, Key);
        QVERIFY(peer.open(m_server->serverUrl()));
        QVERIFY(peer.authenticate());
        int text = 0;
        int binary = 0;
        QList<qsizetype> frameSizes;
        connect(&peer.socket(), &QWebSocket::textMessageReceived, this, [&](const QString &message) {
            ++text;
            frameSizes.append(message.toUtf8().size());
        });
        connect(&peer.socket(), &QWebSocket::binaryMessageReceived, this, [&](const QByteArray &message) {
            ++binary;
            frameSizes.append(message.size());
        });
        // Envelope {"request":"echo","response":"..."}: 32 bytes around the string.
        const int envelope = 32;
        const QList<int> payloads{0, 125, 126, 127, 0xffff, 0x10000, 300000};
        int sent = 0;
        for (const int payload : payloads) {
            // Encrypted frames carry 28 bytes more: sizes either side of each boundary.
            const int size = qMax(0, payload - envelope - (encryption ? int(FrameCipher::Overhead) : 0));
            const QString data = QString(size, u'x');
            const auto echo = ask(peer, QStringLiteral("echo"), data);
            QVERIFY(echo);
            QCOMPARE(echo->value(u"response").toString(), data);
            QCOMPARE(frameSizes.last(), qsizetype(size + envelope + (encryption ? FrameCipher::Overhead : 0)));
            ++sent;
        }
        const QString unicode = QStringLiteral("d\u00e9j\u00e0 \u20ac \U0001F600 \"quoted\" \\ \n").repeated(5000);
        const auto echo = ask(peer, QStringLiteral("echo"), unicode);
        QVERIFY(echo);
        QCOMPARE(echo->value(u"response").toString(), unicode);
        ++sent;
        if (!encryption) {
            // A text frame is read as Qt's UTF-16 text; the statistics still count its
            // bytes as received (UTF-8).
            const QString json = QStringLiteral("{\"request\":\"echo\",\"data\":\"d\u00e9j\u00e0 \u20ac \U0001F600\"}");
            const qint64 before = m_server->statistics().bytesIn;
            peer.sendText(json);
            const auto reply = peer.waitForMessage();
            QVERIFY(reply);
            QCOMPARE(reply->value(u"response").toString(), QStringLiteral("d\u00e9j\u00e0 \u20ac \U0001F600"));
            QCOMPARE(m_server->statistics().bytesIn - before, qint64(json.toUtf8().size()));
            ++sent;
        }
        QCOMPARE(text, encryption ? 0 : sent);
        QCOMPARE(binary, encryption ? sent : 0);
        QVERIFY(peer.isOpen());
    }

    void wrongKey_data() { TestPeer::addEncryptionRows(); }
    void wrongKey()
    {
        QFETCH(bool, encryption);
        startServer(encryption);
        auto good = client(encryption);
        QVERIFY(good);
        QSignalSpy disconnected(m_server.get(), &SocketServer::clientDisconnected);

        SocketConfig c = config(encryption);
        c.setAddress(m_server->serverUrl());
        c.setAuthKey(QStringLiteral("wrong"));
        SocketClient bad(c);
        QSignalSpy badDisconnected(&bad, &SocketClient::disconnected);
        QSignalSpy badAuthenticated(&bad, &SocketClient::authenticated);
        QVERIFY(bad.open());
        QVERIFY(badDisconnected.wait(5000));
        QCOMPARE(badAuthenticated.size(), 0);
        QCOMPARE(bad.state(), SocketClient::State::Disconnected);
        QTRY_COMPARE(disconnected.size(), 1);
        // With encryption the server cannot even decrypt the request (another global
        // key); without it, the auth handler closes the connection.
        QCOMPARE(disconnected.first().at(1).toInt(), encryption ? 1007 : 4001);
        QCOMPARE(badDisconnected.first().at(0).toInt(), encryption ? 1007 : 4001);

        // The good client is unaffected.
        QSignalSpy messages(good.get(), &SocketClient::messageReceived);
        QVERIFY(good->send(QStringLiteral("echo"), 1));
        QVERIFY(messages.wait(5000));
    }

    void unauthenticatedRequestCloses_data() { TestPeer::addEncryptionRows(); }
    void unauthenticatedRequestCloses()
    {
        QFETCH(bool, encryption);
        startServer(encryption);
        auto peer = rawClient(encryption, false);
        QVERIFY(peer);
        QSignalSpy rejections(m_server.get(), &SocketServer::clientRejected);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("before authentication")));
        peer->sendRequest(QStringLiteral("echo"), 1);
        QVERIFY(peer->waitForClose());
        QCOMPARE(peer->closeCode(), 1008);
        QVERIFY(peer->closeReason().contains(QStringLiteral("echo")));
        QTRY_COMPARE(rejections.size(), 1);
        QCOMPARE(rejections.first().at(1).value<SocketServer::Error>(), SocketServer::Error::Unauthenticated);
        QVERIFY(rejections.first().at(2).toString().contains(QStringLiteral("echo")));
        // A per-client rejection is not a server-wide error.
        QCOMPARE(m_server->error(), SocketServer::Error::NoError);
    }

    void skipAuthHandlerAllowed_data() { TestPeer::addEncryptionRows(); }
    void skipAuthHandlerAllowed()
    {
        QFETCH(bool, encryption);
        startServer(encryption);
        auto peer = rawClient(encryption, false);
        QVERIFY(peer);
        const auto reply = ask(*peer, QStringLiteral("ping"), QJsonValue(QJsonValue::Undefined));
        QVERIFY(reply);
        QCOMPARE(reply->value(u"response").toString(), QStringLiteral("pong"));
        QVERIFY(peer->isOpen());
    }

    void heartBeatOnlyAfterAuth_data() { TestPeer::addEncryptionRows(); }
    void heartBeatOnlyAfterAuth()
    {
        QFETCH(bool, encryption);
        startServer(encryption);
        auto peer = rawClient(encryption, false);
        QVERIFY(peer);
        peer->sendRequest(QStringLiteral("heartBeat"), QJsonValue(QJsonValue::Undefined));
        QVERIFY(!peer->waitForMessage(300)); // ignored before auth
        QVERIFY(peer->isOpen());
        QVERIFY(peer->authenticate());
        const auto reply = ask(*peer, QStringLiteral("heartBeat"), QJsonValue(QJsonValue::Undefined));
        QVERIFY(reply);
        QCOMPARE(*reply, (QJsonObject{{QStringLiteral("request"), QStringLiteral("heartBeat")}, {QStringLiteral("response"), true}}));
    }

    void falsyAuthResult_data()
    {
        QTest::addColumn<bool>("encryption");
        QTest::addColumn<QJsonValue>("result");
        for (bool encryption : {true, false}) {
            const char *mode = encryption ? "encrypted" : "plain";
            QTest::addRow("%s false", mode) << encryption << QJsonValue(false);
            QTest::addRow("%s 0", mode) << encryption << QJsonValue(0);
            QTest::addRow("%s empty string", mode) << encryption << QJsonValue(QString());
        }
    }
    void falsyAuthResult()
    {
        // A falsy result that is not null is sent back and does not authenticate.
        QFETCH(bool, encryption);
        QFETCH(QJsonValue, result);
        startServer(encryption);
        auto peer = rawClient(encryption, false);
        QVERIFY(peer);
        const auto reply = peer->authenticate(QJsonObject{{QStringLiteral("result"), result}});
        QVERIFY(reply);
        QCOMPARE(*reply, (QJsonObject{{QStringLiteral("request"), QStringLiteral("auth")}, {QStringLiteral("response"), result}}));
        QVERIFY(!peer->hasSessionKey());
        QVERIFY(!m_server->client(m_server->clientIds().first())->isAuthenticated());
        // Still unauthenticated: a closed handler now closes the connection.
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("before authentication")));
        peer->sendRequest(QStringLiteral("echo"), 1);
        QVERIFY(peer->waitForClose());
        QCOMPARE(peer->closeCode(), 1008);
    }

    void truthyAuthResults_data()
    {
        QTest::addColumn<QJsonValue>("result");
        QTest::addRow("true") << QJsonValue(true);
        QTest::addRow("number") << QJsonValue(7);
        QTest::addRow("empty object") << QJsonValue(QJsonObject());
        QTest::addRow("empty array") << QJsonValue(QJsonArray());
    }
    void truthyAuthResults()
    {
        QFETCH(QJsonValue, result);
        startServer(true);
        auto peer = rawClient(true, false);
        QVERIFY(peer);
        const auto reply = peer->authenticate(QJsonObject{{QStringLiteral("result"), result}});
        QVERIFY(reply);
        QCOMPARE(reply->value(u"response"), result);
        QVERIFY(peer->hasSessionKey());
    }

    void nullAuthResultSendsNothing()
    {
        startServer(true);
        auto peer = rawClient(true, false);
        QVERIFY(peer);
        peer->authenticate(QJsonObject{{QStringLiteral("result"), QJsonValue::Null}});
        QVERIFY(!peer->waitForMessage(300));
        QVERIFY(peer->isOpen());
        QVERIFY(!m_server->client(m_server->clientIds().first())->isAuthenticated());
    }

    void unknownRequestIgnored()
    {
        startServer(true);
        auto peer = rawClient(true, true);
        QVERIFY(peer);
        peer->sendRequest(QStringLiteral("noSuchHandler"), 1);
        QVERIFY(!peer->waitForMessage(200));
        QVERIFY(peer->isOpen());
        QVERIFY(ask(*peer, QStringLiteral("echo"), 2));
    }

    void asyncReply_data() { TestPeer::addEncryptionRows(); }
    void asyncReply()
    {
        QFETCH(bool, encryption);
        startServer(encryption);
        auto peer = rawClient(encryption, true);
        QVERIFY(peer);
        const auto reply = ask(*peer, QStringLiteral("later"), QStringLiteral("x"));
        QVERIFY(reply);
        QCOMPARE(reply->value(u"response").toObject(), (QJsonObject{{QStringLiteral("late"), QStringLiteral("x")}}));
    }

    void asyncAuth()
    {
        // An auth handler that answers later still authenticates and makes the session key.
        SocketServer server(TestPeer::withWorkers(config(true)));
        server.registerHandler(
            QStringLiteral("auth"),
            [](const QJsonValue &, SocketConnection *c) -> QJsonValue {
                PendingReply reply = c->deferReply();
                QTimer::singleShot(30, c, [reply]() mutable { reply.resolve(QStringLiteral("welcome")); });
                return {};
            },
            {});
        QVERIFY(server.listen());
        RawClient peer(true, Key);
        QVERIFY(peer.open(server.serverUrl()));
        const auto reply = peer.authenticate();
        QVERIFY(reply);
        QCOMPARE(reply->value(u"response").toString(), QStringLiteral("welcome"));
        QVERIFY(peer.hasSessionKey());
    }

    void deferredReplyAfterDisconnect()
    {
        // Resolving after the client left does nothing and does not crash.
        PendingReply kept;
        QPointer<SocketConnection> held;
        SocketServer server(TestPeer::withWorkers(config(true)));
        server.registerHandler(QStringLiteral("auth"), [](const QJsonValue &, SocketConnection *) { return QJsonValue(true); }, {});
        server.registerHandler(
            QStringLiteral("hold"),
            [&kept, &held](const QJsonValue &, SocketConnection *c) -> QJsonValue {
                kept = c->deferReply();
                held = c;
                return {};
            },
            {});
        QVERIFY(server.listen());
        {
            RawClient peer(true, Key);
            QVERIFY(peer.open(server.serverUrl()));
            QVERIFY(peer.authenticate());
            peer.sendRequest(QStringLiteral("hold"), 1);
            QTRY_VERIFY(kept.isPending());
        }
        QTRY_COMPARE(server.clientCount(), 0);
        QTRY_VERIFY(held.isNull()); // the connection object is deleted
        QVERIFY(!kept.resolve(1));
        QVERIFY(!kept.isPending());
    }

    void handlerClosesConnection()
    {
        startServer(true);
        auto peer = rawClient(true, true);
        QVERIFY(peer);
        QSignalSpy disconnected(m_server.get(), &SocketServer::clientDisconnected);
        peer->sendRequest(QStringLiteral("closer"), 1);
        QVERIFY(peer->waitForClose());
        QCOMPARE(peer->closeCode(), 4002);
        QCOMPARE(peer->closeReason(), QStringLiteral("bye"));
        QVERIFY(!peer->waitForMessage(100)); // the return value was not sent
        QTRY_COMPARE(disconnected.size(), 1);
        QCOMPARE(disconnected.first().at(1).toInt(), 4002);
        QCOMPARE(disconnected.first().at(2).toString(), QStringLiteral("bye"));
        QCOMPARE(m_server->clientCount(), 0);
    }

    void messaging_data() { TestPeer::addEncryptionRows(); }
    void messaging()
    {
        QFETCH(bool, encryption);
        startServer(encryption);
        auto a1 = client(encryption, {{QStringLiteral("room"), QStringLiteral("a")}});
        auto a2 = client(encryption, {{QStringLiteral("room"), QStringLiteral("a")}});
        auto b = client(encryption, {{QStringLiteral("room"), QStringLiteral("b")}});
        QVERIFY(a1 && a2 && b);
        auto stranger = rawClient(encryption, false); // connected, never authenticated
        QVERIFY(stranger);
        QCOMPARE(m_server->clientCount(), 4);

        QSignalSpy gotA1(a1.get(), &SocketClient::messageReceived);
        QSignalSpy gotA2(a2.get(), &SocketClient::messageReceived);
        QSignalSpy gotB(b.get(), &SocketClient::messageReceived);

        QCOMPARE(m_server->broadcast(QStringLiteral("news"), QStringLiteral("all")), 3);
        QTRY_COMPARE(gotA1.size(), 1);
        QTRY_COMPARE(gotA2.size(), 1);
        QTRY_COMPARE(gotB.size(), 1);
        QCOMPARE(gotB.first().at(1).toJsonValue(), QJsonValue(QStringLiteral("all")));
        QVERIFY(!stranger->waitForMessage(200));

        QCOMPARE(m_server->sendToByMeta(QStringLiteral("room"), QStringLiteral("a"), QStringLiteral("news"), QStringLiteral("room a")), 2);
        QTRY_COMPARE(gotA1.size(), 2);
        QTRY_COMPARE(gotA2.size(), 2);

        qint64 idOfB = 0;
        for (qint64 id : m_server->clientIds()) {
            if (m_server->client(id)->metadataValue(QStringLiteral("room")) == QJsonValue(QStringLiteral("b")))
                idOfB = id;
        }
        QVERIFY(idOfB);
        QVERIFY(m_server->sendTo(idOfB, QStringLiteral("direct"), QJsonObject{{QStringLiteral("to"), QStringLiteral("b")}}));
        // Messages to one socket arrive in order: if the room-a push had reached b, it
        // would be b's second message, before this one.
        QTRY_COMPARE(gotB.size(), 2);
        QCOMPARE(gotB.last().at(0).toString(), QStringLiteral("direct"));
        QVERIFY(!m_server->sendTo(987654, QStringLiteral("direct"), 1));
        QCOMPARE(gotA1.size(), 2);
    }

    void noTimerPerConnection()
    {
        // Deadlines are timestamps checked by the server's one coarse timer: a
        // connection with an auth deadline and idle checks owns no QTimer.
        startServer(true);
        QVERIFY(m_server->config().authTimeout() > 0 && m_server->config().idleHeartBeats() > 0);
        auto waiting = rawClient(true, false);
        auto authenticated = rawClient(true, true);
        QVERIFY(waiting && authenticated);
        QCOMPARE(m_server->clientCount(), 2);
        for (qint64 id : m_server->clientIds()) {
            SocketConnection *connection = m_server->client(id);
            QVERIFY(connection);
            QCOMPARE(connection->findChildren<QTimer *>(Qt::FindDirectChildrenOnly).size(), 0);
        }
    }

    void messagingFromForeignThreads_data() { TestPeer::addEncryptionRows(); }
    void messagingFromForeignThreads()
    {
        // sendTo(), broadcast(), sendToByMeta() and SocketConnection::send() called from
        // a thread that is not the server's (no Qt event loop): each message reaches
        // its clients, in the order of the calls.
        QFETCH(bool, encryption);
        startServer(encryption);
        auto a = client(encryption, {{QStringLiteral("room"), QStringLiteral("a")}});
        auto b = client(encryption, {{QStringLiteral("room"), QStringLiteral("b")}});
        QVERIFY(a && b);
        auto stranger = rawClient(encryption, false);
        QVERIFY(stranger);
        QSignalSpy gotA(a.get(), &SocketClient::messageReceived);
        QSignalSpy gotB(b.get(), &SocketClient::messageReceived);
        qint64 idOfA = 0;
        for (qint64 id : m_server->clientIds()) {
            if (m_server->client(id)->metadataValue(QStringLiteral("room")) == QJsonValue(QStringLiteral("a")))
                idOfA = id;
        }
        QVERIFY(idOfA);
        int broadcastCount = -1;
        int roomCount = -1;
        bool sentTo = false;
        bool sentToMissing = true;
        bool connectionSent = false;
        SocketServer *server = m_server.get();
        std::thread foreign([&] {
            sentTo = server->sendTo(idOfA, QStringLiteral("direct"), 1);
            sentToMissing = server->sendTo(987654, QStringLiteral("direct"), 0);
            broadcastCount = server->broadcast(QStringLiteral("news"), 2);
            roomCount = server->sendToByMeta(QStringLiteral("room"), QStringLiteral("b"), QStringLiteral("room"), 3);
            connectionSent = server->client(idOfA)->send(QStringLiteral("conn"), 4);
        });
        foreign.join();
        QVERIFY(sentTo);
        QVERIFY(!sentToMissing);
        QCOMPARE(broadcastCount, 2); // the authenticated clients, not the stranger
        QCOMPARE(roomCount, 1);
        QVERIFY(connectionSent);
        QTRY_COMPARE(gotA.size(), 3);
        QTRY_COMPARE(gotB.size(), 2);
        QStringList orderA, orderB;
        for (const QList<QVariant> &m : std::as_const(gotA))
            orderA << m.at(0).toString();
        for (const QList<QVariant> &m : std::as_const(gotB))
            orderB << m.at(0).toString();
        QCOMPARE(orderA, (QStringList{QStringLiteral("direct"), QStringLiteral("news"), QStringLiteral("conn")}));
        QCOMPARE(orderB, (QStringList{QStringLiteral("news"), QStringLiteral("room")}));
        QVERIFY(!stranger->waitForMessage(200));
    }

    void badFrames_data()
    {
        QTest::addColumn<bool>("encryption");
        QTest::addColumn<bool>("authenticated");
        QTest::addColumn<int>("kind");
        enum { Garbage, Truncated, WrongKey, InvalidJson, NotObject, TextWhenEncrypted };
        for (bool authenticated : {false, true}) {
            const char *phase = authenticated ? "after auth" : "before auth";
            QTest::addRow("encrypted garbage %s", phase) << true << authenticated << int(Garbage);
            QTest::addRow("encrypted truncated %s", phase) << true << authenticated << int(Truncated);
            QTest::addRow("encrypted wrong key %s", phase) << true << authenticated << int(WrongKey);
            QTest::addRow("encrypted invalid json %s", phase) << true << authenticated << int(InvalidJson);
            QTest::addRow("encrypted text frame %s", phase) << true << authenticated << int(TextWhenEncrypted);
            QTest::addRow("plain garbage %s", phase) << false << authenticated << int(Garbage);
            QTest::addRow("plain invalid json %s", phase) << false << authenticated << int(InvalidJson);
        }
    }
    void badFrames()
    {
        // Bad input closes only the sender; the server and other clients go on.
        QFETCH(bool, encryption);
        QFETCH(bool, authenticated);
        QFETCH(int, kind);
        startServer(encryption);
        auto bystander = client(encryption);
        QVERIFY(bystander);
        auto peer = rawClient(encryption, authenticated);
        QVERIFY(peer);

        const QByteArray sessionOrGlobal = authenticated ? QByteArray() : TestPeer::globalKey(Key);
        auto sealed = [&](const QByteArray &plain) {
            // Encrypt exactly as the peer would, but with arbitrary plaintext.
            if (!encryption)
                return plain;
            if (authenticated) {
                peer->sendJson(plain); // uses the session key
                return QByteArray();
            }
            return FrameCipher(sessionOrGlobal).seal(plain);
        };
        QSignalSpy rejections(m_server.get(), &SocketServer::clientRejected);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("Closing client")));
        switch (kind) {
        case 0: // garbage
            peer->sendFrame(QByteArray::fromHex("00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff"));
            break;
        case 1: // truncated
            peer->sendFrame(QByteArray(27, 'x'));
            break;
        case 2: // a frame sealed with a key the server does not expect
            peer->sendFrame(FrameCipher(QByteArray(32, 'w')).seal(R"({"request":"echo"})"));
            break;
        case 3:
        case 4: {
            const QByteArray plain = kind == 3 ? QByteArray("{\"request\": \"echo\", ") : QByteArray("[\"echo\", 1]");
            const QByteArray frame = sealed(plain);
            if (!encryption)
                peer->sendText(QString::fromUtf8(plain));
            else if (!frame.isEmpty())
                peer->sendFrame(frame);
            break;
        }
        case 5:
            peer->sendText(QStringLiteral("{\"request\":\"echo\",\"data\":1}"));
            break;
        }
        QVERIFY(peer->waitForClose());
        QCOMPARE(peer->closeCode(), 1007);
        QVERIFY(!peer->closeReason().isEmpty());
        QTRY_VERIFY(!rejections.isEmpty());
        QCOMPARE(rejections.last().at(1).value<SocketServer::Error>(), SocketServer::Error::InvalidMessage);
        QCOMPARE(m_server->error(), SocketServer::Error::NoError);

        QVERIFY(m_server->isListening());
        QSignalSpy messages(bystander.get(), &SocketClient::messageReceived);
        QVERIFY(bystander->send(QStringLiteral("echo"), QStringLiteral("still here")));
        QVERIFY(messages.wait(5000));
        QCOMPARE(messages.first().at(1).toJsonValue(), QJsonValue(QStringLiteral("still here")));
        auto newcomer = rawClient(encryption, true);
        QVERIFY(newcomer);
    }

    void pluginHandlers()
    {
        SocketConfig c = config(true);
        c.setHandlerDir(QStringLiteral(STONYX_TEST_PLUGIN_DIR));
        SocketServer server(TestPeer::withWorkers(c));
        server.registerHandler(QStringLiteral("auth"), [](const QJsonValue &, SocketConnection *) { return QJsonValue(true); }, {});
        QVERIFY2(server.listen(), qPrintable(server.errorString()));
        QCOMPARE(server.handlerNames(), (QStringList{QStringLiteral("auth"), QStringLiteral("openDoor"), QStringLiteral("serverProbe"),
                                                   QStringLiteral("threadProbe"), QStringLiteral("validateGame")}));
        QVERIFY(!server.handlerProblems().isEmpty()); // the broken plugins, reported

        RawClient peer(true, Key);
        QVERIFY(peer.open(server.serverUrl()));
        const auto door = ask(peer, QStringLiteral("openDoor"), QJsonValue(QJsonValue::Undefined)); // skipAuth
        QVERIFY(door);
        QCOMPARE(door->value(u"response").toString(), QStringLiteral("opened"));
        QVERIFY(peer.authenticate());
        const auto game = ask(peer, QStringLiteral("validateGame"), QJsonObject{{QStringLiteral("score"), 3}});
        QVERIFY(game);
        QCOMPARE(game->value(u"response").toObject().value(u"valid").toBool(), true);
    }

    void exampleHandlerPlugins()
    {
        // The example auth and echo plugins, as the server tool uses them.
        SocketConfig c = config(false);
        c.setHandlerDir(QStringLiteral(STONYX_EXAMPLE_HANDLER_DIR));
        SocketServer server(TestPeer::withWorkers(c));
        QVERIFY2(server.listen(), qPrintable(server.errorString()));
        RawClient peer(false, Key);
        QVERIFY(peer.open(server.serverUrl()));
        const auto auth = peer.authenticate(QJsonObject{{QStringLiteral("nickname"), QStringLiteral("ada")}});
        QVERIFY(auth);
        QCOMPARE(auth->value(u"response").toString(), QStringLiteral("success"));
        const SocketConnection *connection = server.client(server.clientIds().first());
        QCOMPARE(connection->metadata(), (QJsonObject{{QStringLiteral("nickname"), QStringLiteral("ada")}}));
        const auto echo = ask(peer, QStringLiteral("echo"), sampleData());
        QVERIFY(echo);
        QCOMPARE(echo->value(u"response"), QJsonValue(sampleData()));

        RawClient intruder(false, QStringLiteral("guess"));
        QVERIFY(intruder.open(server.serverUrl()));
        intruder.authenticate();
        QVERIFY(intruder.waitForClose());
        QCOMPARE(intruder.closeCode(), 4001);
    }

    void closeDisconnectsEveryone()
    {
        startServer(true);
        auto c1 = client(true);
        auto c2 = client(true);
        QVERIFY(c1 && c2);
        QSignalSpy gone(m_server.get(), &SocketServer::clientDisconnected);
        QSignalSpy listening(m_server.get(), &SocketServer::listeningChanged);
        QSignalSpy c1Disconnected(c1.get(), &SocketClient::disconnected);
        auto raw = rawClient(true, true);
        QVERIFY(raw);
        m_server->close();
        QVERIFY(raw->waitForClose());
        // 1012 (service restart). Qt 6.4's QWebSocket takes 1012 for an invalid code
        // and reports its own protocol error instead; SocketClient reports 1012 again.
        QCOMPARE(raw->closeCode(), 1002);
        QCOMPARE(raw->closeReason(), QStringLiteral("Invalid close code 1002 detected."));
        QCOMPARE(gone.size(), 3);
        QCOMPARE(m_server->clientCount(), 0);
        QCOMPARE(listening.size(), 1);
        QVERIFY(!m_server->isListening());
        QTRY_COMPARE(c1Disconnected.size(), 1);
        QCOMPARE(c1Disconnected.first().at(0).toInt(), 1012);
        QCOMPARE(c1->state(), SocketClient::State::Disconnected); // maxReconnectAttempts 0
    }
    // A server with worker threads (this test sets their number, whatever the run's),
    // the probe plugins, and auth registered in code.
    std::unique_ptr<SocketServer> startThreadedServer(int workers, bool encryption)
    {
        SocketConfig c = config(encryption);
        c.setHandlerDir(QStringLiteral(STONYX_TEST_PLUGIN_DIR));
        c.setWorkerThreads(workers);
        auto server = std::make_unique<SocketServer>(c);
        server->registerHandler(QStringLiteral("auth"), [](const QJsonValue &, SocketConnection *) { return QJsonValue(true); }, {});
        server->registerHandler(QStringLiteral("whereAmI"), [](const QJsonValue &, SocketConnection *) {
            return QJsonValue(QThread::currentThread()->objectName());
        }, {});
        if (!server->listen())
            return nullptr;
        return server;
    }

    static QString probe(RawClient &peer, const QString &request, int sleepMs = 0)
    {
        peer.sendRequest(request, QJsonObject{{QStringLiteral("sleepMs"), sleepMs}});
        const auto reply = peer.waitForMessage(10000);
        if (!reply)
            return QStringLiteral("<no reply>");
        const QJsonValue response = reply->value(u"response");
        return response.isObject() ? response[u"thread"].toString() : response.toString();
    }

    void handlerThreads_data() { TestPeer::addEncryptionRows(); }
    void handlerThreads()
    {
        // With 3 workers: each connection on a worker thread of its own (the least
        // loaded takes the next); plugin handlers run there; handlers registered in
        // code and plugins that ask for it run on the server's thread; the server's
        // signals come on the server's thread.
        QFETCH(bool, encryption);
        QThread::currentThread()->setObjectName(QStringLiteral("test-main"));
        auto server = startThreadedServer(3, encryption);
        QVERIFY(server);
        QList<bool> signalThreads;
        connect(server.get(), &SocketServer::clientConnected, server.get(), [&](qint64) {
            signalThreads << (QThread::currentThread() == server->thread());
        }, Qt::DirectConnection);
        connect(server.get(), &SocketServer::clientAuthenticated, server.get(), [&](qint64) {
            signalThreads << (QThread::currentThread() == server->thread());
        }, Qt::DirectConnection);
        std::vector<std::unique_ptr<RawClient>> peers;
        QSet<QString> workers;
        for (int i = 0; i < 3; ++i) {
            peers.push_back(std::make_unique<RawClient>(encryption, Key));
            RawClient &peer = *peers.back();
            QVERIFY(peer.open(server->serverUrl()));
            QVERIFY(peer.authenticate());
            const QString worker = probe(peer, QStringLiteral("threadProbe"));
            QVERIFY2(worker.startsWith(u"stonyx-worker-"), qPrintable(worker));
            workers << worker;
            QCOMPARE(probe(peer, QStringLiteral("serverProbe")), QStringLiteral("test-main"));
            QCOMPARE(probe(peer, QStringLiteral("whereAmI")), QStringLiteral("test-main"));
            QVERIFY(server->client(server->clientIds().constLast())->thread() != server->thread());
        }
        QCOMPARE(workers.size(), 3);
        QTRY_COMPARE(signalThreads.size(), 6);
        QVERIFY(!signalThreads.contains(false));
    }

    void slowHandlerHoldsOnlyItsWorker()
    {
        // A handler that blocks its worker for 3 s: a client on another worker is
        // answered meanwhile, and the blocked client's own later request waits its
        // turn (answered after, in order).
        auto server = startThreadedServer(2, true);
        QVERIFY(server);
        RawClient slow(true, Key);
        RawClient quick(true, Key);
        QVERIFY(slow.open(server->serverUrl()));
        QVERIFY(slow.authenticate());
        QVERIFY(quick.open(server->serverUrl()));
        QVERIFY(quick.authenticate());
        QVERIFY(probe(slow, QStringLiteral("threadProbe")) != probe(quick, QStringLiteral("threadProbe")));
        slow.sendRequest(QStringLiteral("threadProbe"), QJsonObject{{QStringLiteral("sleepMs"), 3000}});
        slow.sendRequest(QStringLiteral("whereAmI"), 0);
        QTest::qWait(100); // the slow request is being handled
        QVERIFY(probe(quick, QStringLiteral("threadProbe")).startsWith(u"stonyx-worker-"));
        QVERIFY(probe(quick, QStringLiteral("whereAmI")) == QThread::currentThread()->objectName());
        QVERIFY(!slow.waitForMessage(0)); // still blocked
        const auto first = slow.waitForMessage(10000);
        QVERIFY(first);
        QCOMPARE(first->value(u"request").toString(), QStringLiteral("threadProbe"));
        const auto second = slow.waitForMessage(10000);
        QVERIFY(second);
        QCOMPARE(second->value(u"request").toString(), QStringLiteral("whereAmI"));
    }

    void workersAreDeletedWithTheServer()
    {
        // Each worker is deleted as its thread ends. When that deletion was connected
        // after the shutdown call, a worker with no client left could see its thread end
        // first, and leaked (found by LeakSanitizer). A connection's parent is its worker.
        for (int round = 0; round < 10; ++round) {
            auto server = startThreadedServer(4, false);
            QVERIFY(server);
            QList<QPointer<QObject>> workers;
            connect(server.get(), &SocketServer::clientConnected, this, [&](qint64 id) {
                if (SocketConnection *connection = server->client(id))
                    workers.append(QPointer<QObject>(connection->parent()));
            });
            QSignalSpy disconnected(server.get(), &SocketServer::clientDisconnected);
            {
                std::vector<std::unique_ptr<RawClient>> peers;
                for (int i = 0; i < 4; ++i) {
                    peers.push_back(std::make_unique<RawClient>(false, Key));
                    QVERIFY(peers.back()->open(server->serverUrl()));
                    QVERIFY(peers.back()->authenticate());
                }
            }
            QTRY_COMPARE(disconnected.size(), 4);
            QCOMPARE(workers.size(), 4);
            server.reset();
            for (const QPointer<QObject> &worker : std::as_const(workers))
                QVERIFY2(worker.isNull(), qPrintable(QStringLiteral("round %1: a worker outlived its server").arg(round)));
        }
    }

    void requestsKeepTheirOrderAcrossThreads_data() { TestPeer::addEncryptionRows(); }
    void requestsKeepTheirOrderAcrossThreads()
    {
        // Requests alternating between a handler on the worker and one on the server's
        // thread, sent in one burst: answered in the order sent.
        QFETCH(bool, encryption);
        auto server = startThreadedServer(2, encryption);
        QVERIFY(server);
        RawClient peer(encryption, Key);
        QVERIFY(peer.open(server->serverUrl()));
        QVERIFY(peer.authenticate());
        QStringList sent;
        for (int i = 0; i < 40; ++i) {
            const QString request = i % 3 == 0 ? QStringLiteral("whereAmI")
                                               : (i % 3 == 1 ? QStringLiteral("threadProbe") : QStringLiteral("serverProbe"));
            peer.sendRequest(request, QJsonObject());
            sent << request;
        }
        QStringList answered;
        while (answered.size() < sent.size()) {
            const auto reply = peer.waitForMessage(10000);
            QVERIFY(reply);
            answered << reply->value(u"request").toString();
        }
        QCOMPARE(answered, sent);
    }
};

QTEST_GUILESS_MAIN(tst_SocketServer)
#include "tst_socketserver.moc"
