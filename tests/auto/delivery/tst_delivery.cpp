// SPDX-License-Identifier: MIT
// Delivery (docs/protocol-extensions.md): request ids echoed by the server (also by
// deferred replies), awaitable requests with their failures, the offline queue, and
// the version 1 fallback (no id echo: the oldest pending request of that name),
// against SocketServer, a raw version 1 server and, when the interop suite runs it,
// the Node.js peer of tests/interop.

#include "socketclient_p.h" // test accessors: session key, network reachability
#include "tcpproxy.h"
#include "testpeer.h"

#include <Stonyx/Sockets/RequestException>
#include <Stonyx/Sockets/SocketClient>
#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketServer>

#include <QJsonArray>
#include <QWebSocketProtocol>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace Stonyx::Sockets;
using namespace std::chrono_literals;
using TestPeer::RawClient;
using TestPeer::RawServer;
using TestPeer::TcpProxy;

namespace {

const QString Key = QStringLiteral("delivery-key");

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

// A server with auth, echo, "defer" (answers {data} after data.ms milliseconds, from a
// deferred reply), "never" (never answers), and "flaky" (answers from its second call
// on: the first is left unanswered).
struct TestServer {
    std::unique_ptr<SocketServer> server;
    std::shared_ptr<int> flakyCalls = std::make_shared<int>(0);
    std::shared_ptr<QStringList> tokens = std::make_shared<QStringList>(); // authData.token of each auth request
    QStringList received; // the requests in the order the server's handlers saw them
    std::function<void(SocketConfig &)> configure; // more settings, before listen()

    bool start(quint16 port, bool encryption)
    {
        SocketConfig c;
        c.setPort(port);
        c.setAuthKey(Key);
        c.setEncryption(encryption);
        c.setHandlerDir(QString());
        if (configure)
            configure(c);
        server = std::make_unique<SocketServer>(TestPeer::withWorkers(c));
        server->registerHandler(QStringLiteral("auth"),
                                [tokens = tokens](const QJsonValue &data, SocketConnection *connection) {
                                    tokens->append(data[u"token"].toString());
                                    if (data[u"token"].toString() == u"revoked")
                                        return QJsonValue(false);
                                    if (data[u"token"].toString() == u"slow") { // answered 300 ms later
                                        PendingReply reply = connection->deferReply();
                                        QTimer::singleShot(300, [reply]() mutable { reply.resolve(QStringLiteral("welcome")); });
                                        return QJsonValue(QJsonValue::Undefined);
                                    }
                                    return data[u"authKey"].toString() == Key ? QJsonValue(QStringLiteral("welcome"))
                                                                               : QJsonValue(false);
                                },
                                {});
        server->registerHandler(QStringLiteral("echo"),
                                [this](const QJsonValue &data, SocketConnection *) {
                                    received.append(data.toVariant().toString());
                                    return data;
                                },
                                {});
        server->registerHandler(QStringLiteral("defer"),
                                [](const QJsonValue &data, SocketConnection *connection) {
                                    PendingReply reply = connection->deferReply();
                                    QTimer::singleShot(data[u"ms"].toInt(), [reply, data]() mutable { reply.resolve(data); });
                                    return QJsonValue(QJsonValue::Undefined);
                                },
                                {});
        server->registerHandler(QStringLiteral("never"),
                                [](const QJsonValue &, SocketConnection *) { return QJsonValue(QJsonValue::Undefined); }, {});
        server->registerHandler(QStringLiteral("flaky"),
                                [calls = flakyCalls](const QJsonValue &data, SocketConnection *) {
                                    return ++*calls == 1 ? QJsonValue(QJsonValue::Undefined) : data;
                                },
                                {});
        return server->listen();
    }
};

// The reason a failed future failed with; -1 if it did not fail with a RequestException.
int failureReason(QFuture<QJsonValue> future)
{
    try {
        future.waitForFinished();
        (void)future.result();
    } catch (const RequestException &e) {
        return int(e.reason());
    } catch (...) {
        return -2;
    }
    return -1;
}

// The payloads of the "push" messages a client received, in order.
QList<QJsonValue> pushes(const QSignalSpy &spy)
{
    QList<QJsonValue> out;
    for (const QList<QVariant> &args : spy) {
        if (args.at(0).toString() == u"push")
            out.append(args.at(1).value<QJsonValue>());
    }
    return out;
}

const QString Push = QStringLiteral("push");

// Session resume: a client through a proxy, authenticated; the link is cut with the
// client "offline" (no reconnect attempt) until online() is called.
struct ResumeRig {
    TestServer s;
    TcpProxy proxy;
    std::unique_ptr<SocketClient> client;
    qint64 id = 0;

    bool start(bool encryption, const QJsonObject &authData = {})
    {
        if (!s.start(0, encryption) || !proxy.listen(s.server->serverUrl()))
            return false;
        client = std::make_unique<SocketClient>(clientConfig(proxy.url(), encryption));
        client->setAuthData(authData);
        QSignalSpy authenticated(s.server.get(), &SocketServer::clientAuthenticated);
        if (!client->open() || !authenticated.wait(5000))
            return false;
        id = authenticated.first().at(0).toLongLong();
        return QTest::qWaitFor([this] { return client->state() == SocketClient::State::Connected; }, 5000);
    }
    // Cuts the link (RST); true once the server holds the session and the client waits.
    bool cut()
    {
        SocketClientPrivate::setNetworkReachable(client.get(), false);
        proxy.resetClients();
        return QTest::qWaitFor([this] {
            return s.server->statistics().heldSessions == 1 && client->state() == SocketClient::State::Reconnecting;
        }, 5000);
    }
    void online() { SocketClientPrivate::setNetworkReachable(client.get(), true); }
};

} // namespace

class tst_Delivery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Point 1: the server echoes the id of a request, in ordinary, deferred and auth replies.
    void serverEchoesIds_data() { TestPeer::addEncryptionRows(); }
    void serverEchoesIds()
    {
        QFETCH(bool, encryption);
        TestServer s;
        QVERIFY(s.start(0, encryption));
        RawClient raw(encryption, Key);
        QVERIFY(raw.open(s.server->serverUrl()));
        const std::optional<QJsonObject> auth = raw.authenticate();
        QVERIFY(auth);
        QCOMPARE(auth->value(u"extensions").toArray(), (QJsonArray{QStringLiteral("id"), QStringLiteral("resume")}));
        QVERIFY(!auth->contains(u"resumeToken")); // the client did not ask for one

        const auto ask = [&raw](const QString &request, const QJsonValue &data, const QJsonValue &id) {
            QJsonObject message{{QStringLiteral("request"), request}, {QStringLiteral("data"), data}};
            if (!id.isUndefined())
                message.insert(u"id", id);
            raw.sendJson(TestPeer::json(message));
        };
        ask(QStringLiteral("echo"), QStringLiteral("a"), 7);
        std::optional<QJsonObject> reply = raw.waitForMessage();
        QVERIFY(reply);
        QCOMPARE(reply->value(u"id"), QJsonValue(7));
        QCOMPARE(reply->value(u"response"), QJsonValue(QStringLiteral("a")));

        // A deferred reply carries the id of its request, also when answers cross.
        ask(QStringLiteral("defer"), QJsonObject{{QStringLiteral("ms"), 300}}, 8);
        ask(QStringLiteral("defer"), QJsonObject{{QStringLiteral("ms"), 10}}, 9);
        reply = raw.waitForMessage();
        QVERIFY(reply);
        QCOMPARE(reply->value(u"id"), QJsonValue(9));
        reply = raw.waitForMessage();
        QVERIFY(reply);
        QCOMPARE(reply->value(u"id"), QJsonValue(8));

        // Auth replies echo the id too: a falsy one (an ordinary response) and a truthy
        // one (sealed with the global key, with the session key and the extensions).
        RawClient second(encryption, Key);
        QVERIFY(second.open(s.server->serverUrl()));
        second.sendJson(TestPeer::json(QJsonObject{{QStringLiteral("request"), QStringLiteral("auth")},
                                                   {QStringLiteral("data"), QJsonObject{{QStringLiteral("authKey"), QStringLiteral("wrong")}}},
                                                   {QStringLiteral("id"), 5}}));
        reply = second.waitForMessage();
        QVERIFY(reply);
        QCOMPARE(reply->value(u"response"), QJsonValue(false));
        QCOMPARE(reply->value(u"id"), QJsonValue(5));
        QVERIFY(!reply->contains(u"extensions"));
        second.sendJson(TestPeer::json(QJsonObject{{QStringLiteral("request"), QStringLiteral("auth")},
                                                   {QStringLiteral("data"), QJsonObject{{QStringLiteral("authKey"), Key}}},
                                                   {QStringLiteral("id"), 6}}));
        reply = second.waitForMessage();
        QVERIFY(reply);
        QCOMPARE(reply->value(u"response"), QJsonValue(QStringLiteral("welcome")));
        QCOMPARE(reply->value(u"id"), QJsonValue(6));
        QCOMPARE(reply->value(u"extensions").toArray(), (QJsonArray{QStringLiteral("id"), QStringLiteral("resume")}));
        QCOMPARE(reply->contains(u"sessionKey"), encryption);

        // No id, or one that is not a safe non-negative integer: nothing is echoed
        // (version 1 shape), and the request is still answered.
        const QJsonValue bad[] = {QJsonValue(QJsonValue::Undefined), QJsonValue(QStringLiteral("7")), QJsonValue(-1),
                                  QJsonValue(1.5), QJsonValue(1e300), QJsonValue(QJsonObject{})};
        for (const QJsonValue &id : bad) {
            ask(QStringLiteral("echo"), QStringLiteral("b"), id);
            reply = raw.waitForMessage();
            QVERIFY(reply);
            QVERIFY2(!reply->contains(u"id"), TestPeer::json(*reply).constData());
            QCOMPARE(reply->value(u"response"), QJsonValue(QStringLiteral("b")));
        }
    }

    // Point 2: request() resolves with its own response, matched by id: answers that
    // come back in another order than asked go to the right futures.
    void requestMatchesById_data() { TestPeer::addEncryptionRows(); }
    void requestMatchesById()
    {
        QFETCH(bool, encryption);
        TestServer s;
        QVERIFY(s.start(0, encryption));
        SocketClient client(clientConfig(s.server->serverUrl(), encryption));
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(5000));
        QVERIFY(client.serverEchoesRequestIds());

        QFuture<QJsonValue> slow = client.request(QStringLiteral("defer"), QJsonObject{{QStringLiteral("ms"), 400}, {QStringLiteral("n"), 1}});
        QFuture<QJsonValue> fast = client.request(QStringLiteral("defer"), QJsonObject{{QStringLiteral("ms"), 10}, {QStringLiteral("n"), 2}});
        QFuture<QJsonValue> echo = client.request(QStringLiteral("echo"), QStringLiteral("e"));
        QCOMPARE(client.pendingRequestCount(), 3);
        QTRY_VERIFY(fast.isFinished());
        QVERIFY(!slow.isFinished()); // name-only matching would have given it the fast answer
        QCOMPARE(fast.result()[u"n"].toInt(), 2);
        QTRY_VERIFY(slow.isFinished());
        QCOMPARE(slow.result()[u"n"].toInt(), 1);
        QTRY_VERIFY(echo.isFinished());
        QCOMPARE(echo.result(), QJsonValue(QStringLiteral("e")));
        QCOMPARE(client.pendingRequestCount(), 0);
    }

    // Version 1 fallback: a server that echoes no id (and advertises no extension);
    // each response goes to the oldest pending request of its name.
    void versionOneServerOldestPending_data() { TestPeer::addEncryptionRows(); }
    void versionOneServerOldestPending()
    {
        QFETCH(bool, encryption);
        RawServer raw(encryption, Key);
        QVERIFY(raw.listen());
        SocketClient client(clientConfig(raw.url(), encryption));
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(5000));
        QVERIFY(!client.serverEchoesRequestIds());

        QFuture<QJsonValue> first = client.request(QStringLiteral("ask"), 1);
        QFuture<QJsonValue> other = client.request(QStringLiteral("other"), 2);
        QFuture<QJsonValue> second = client.request(QStringLiteral("ask"), 3);
        QTRY_COMPARE(raw.received.size(), 4); // auth and the three requests, each with an id
        QCOMPARE(raw.received.at(1).value(u"id"), QJsonValue(1));
        // Session resume: the client asks for a token; a version 1 server gives none.
        QCOMPARE(raw.received.at(0).value(u"resume"), QJsonValue(true));
        QVERIFY(SocketClientPrivate::get(&client)->resumeToken.isEmpty());
        QCOMPARE(raw.received.at(3).value(u"id"), QJsonValue(3));
        raw.send(QStringLiteral("ask"), QStringLiteral("A1"));
        QTRY_VERIFY(first.isFinished());
        QVERIFY(!second.isFinished());
        QCOMPARE(first.result(), QJsonValue(QStringLiteral("A1")));
        raw.send(QStringLiteral("ask"), QStringLiteral("A2"));
        QTRY_VERIFY(second.isFinished());
        QCOMPARE(second.result(), QJsonValue(QStringLiteral("A2")));
        QVERIFY(!other.isFinished());
        client.close();
        QCOMPARE(failureReason(other), int(RequestException::Reason::Closed));
    }

    // The same against the Node.js peer of tests/interop (the interop suite runs this
    // with STONYX_NODE and STONYX_NODE_PEER set; it needs the peer's node_modules).
    void nodeVersionOnePeer_data() { TestPeer::addEncryptionRows(); }
    void nodeVersionOnePeer()
    {
        QFETCH(bool, encryption);
        const QString node = qEnvironmentVariable("STONYX_NODE");
        const QString peer = qEnvironmentVariable("STONYX_NODE_PEER");
        if (node.isEmpty() || peer.isEmpty())
            QSKIP("STONYX_NODE and STONYX_NODE_PEER are not set (the interop suite runs this test)");
        QProcess process;
        QStringList arguments{peer, QStringLiteral("server"), QStringLiteral("--port"), QStringLiteral("0"),
                              QStringLiteral("--auth-key"), Key};
        if (!encryption)
            arguments << QStringLiteral("--no-encryption");
        process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process.start(node, arguments);
        QVERIFY(process.waitForStarted(10000));
        QTRY_VERIFY_WITH_TIMEOUT(process.canReadLine(), 20000);
        const QByteArray line = process.readLine().trimmed();
        QVERIFY2(line.startsWith("LISTENING "), line.constData());
        const int port = line.mid(10).toInt();
        QVERIFY(port > 0);

        // Through a proxy, to cut the link below.
        TcpProxy proxy;
        QVERIFY(proxy.listen(QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(port))));
        SocketClient client(clientConfig(proxy.url(), encryption));
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(10000));
        QVERIFY(!client.serverEchoesRequestIds());
        QVERIFY(SocketClientPrivate::get(&client)->resumeToken.isEmpty()); // no "resume" extension
        QList<QFuture<QJsonValue>> futures;
        for (int i = 0; i < 5; ++i)
            futures << client.request(QStringLiteral("echo"), i);
        QFuture<QJsonValue> who = client.request(QStringLiteral("whoami"));
        for (int i = 0; i < 5; ++i) {
            QTRY_VERIFY(futures.at(i).isFinished());
            QCOMPARE(futures.at(i).result(), QJsonValue(i));
        }
        QTRY_VERIFY(who.isFinished());
        QCOMPARE(who.result()[u"authenticated"], QJsonValue(true));
        // reauthenticate() needs nothing new of the server: a second auth request.
        QVERIFY(client.reauthenticate(QJsonObject{{QStringLiteral("nickname"), QStringLiteral("again")}}));
        QTRY_COMPARE_WITH_TIMEOUT(authenticated.size(), 2, 10000);
        QFuture<QJsonValue> after = client.request(QStringLiteral("echo"), QStringLiteral("after"));
        QTRY_VERIFY(after.isFinished());
        QCOMPARE(after.result(), QJsonValue(QStringLiteral("after")));
        // A cut: an ordinary reconnect, as in version 1 (no session to resume).
        QSignalSpy reconnected(&client, &SocketClient::reconnected);
        QSignalSpy resumed(&client, &SocketClient::resumed);
        proxy.resetClients();
        QTRY_COMPARE_WITH_TIMEOUT(reconnected.size(), 1, 10000);
        QCOMPARE(resumed.size(), 0);
        QFuture<QJsonValue> again = client.request(QStringLiteral("echo"), QStringLiteral("again"));
        QTRY_VERIFY(again.isFinished());
        QCOMPARE(again.result(), QJsonValue(QStringLiteral("again")));
        client.close();
        process.terminate();
        QVERIFY(process.waitForFinished(10000));
    }

    void requestFailures()
    {
        // Not open: NotConnected at once, with the signal.
        SocketClient idle(clientConfig(QUrl(QStringLiteral("ws://127.0.0.1:1")), false));
        QSignalSpy idleFailed(&idle, &SocketClient::deliveryFailed);
        QFuture<QJsonValue> f = idle.request(QStringLiteral("echo"), 1);
        QVERIFY(f.isFinished());
        QCOMPARE(failureReason(f), int(RequestException::Reason::NotConnected));
        QCOMPARE(idleFailed.size(), 1);
        QCOMPARE(idleFailed.first().at(0).toString(), QStringLiteral("echo"));
        QCOMPARE(idleFailed.first().at(1).value<RequestException::Reason>(), RequestException::Reason::NotConnected);
        QVERIFY(idleFailed.first().at(2).toString().contains(QStringLiteral("echo")));

        TestServer s;
        QVERIFY(s.start(0, true));
        SocketClient client(clientConfig(s.server->serverUrl(), true));
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(5000));
        QSignalSpy failed(&client, &SocketClient::deliveryFailed);

        // No answer: Timeout, after the timeout and not before.
        QElapsedTimer clock;
        clock.start();
        QFuture<QJsonValue> timedOut = client.request(QStringLiteral("never"), 1, 200ms);
        QTRY_VERIFY(timedOut.isFinished());
        QVERIFY(clock.elapsed() >= 190);
        QCOMPARE(failureReason(timedOut), int(RequestException::Reason::Timeout));
        QCOMPARE(failed.size(), 1);
        try {
            (void)timedOut.result();
            QFAIL("no exception");
        } catch (const RequestException &e) {
            QCOMPARE(e.request(), QStringLiteral("never"));
            QVERIFY(!e.errorString().isEmpty());
            QCOMPARE(QString::fromUtf8(e.what()), e.errorString());
        }

        // close(): Closed.
        QFuture<QJsonValue> pending = client.request(QStringLiteral("never"), 2);
        client.close();
        QVERIFY(pending.isFinished());
        QCOMPARE(failureReason(pending), int(RequestException::Reason::Closed));
        QCOMPARE(client.pendingRequestCount(), 0);

        // Destroyed: Closed, no signal from a half-destroyed client.
        auto doomed = std::make_unique<SocketClient>(clientConfig(s.server->serverUrl(), true));
        QSignalSpy doomedAuth(doomed.get(), &SocketClient::authenticated);
        QVERIFY(doomed->open());
        QVERIFY(doomedAuth.wait(5000));
        QFuture<QJsonValue> orphan = doomed->request(QStringLiteral("never"), 3);
        doomed.reset();
        QVERIFY(orphan.isFinished());
        QCOMPARE(failureReason(orphan), int(RequestException::Reason::Closed));
    }

    // Point 3: a request on the wire when the link drops fails with ConnectionLost,
    // unless retryable: then it is sent again after re-authentication.
    void linkDropRetryable()
    {
        TestServer s;
        QVERIFY(s.start(0, true));
        TcpProxy proxy;
        QVERIFY(proxy.listen(s.server->serverUrl()));
        SocketClient client(clientConfig(proxy.url(), true));
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(5000));

        QFuture<QJsonValue> lost = client.request(QStringLiteral("never"), 1);
        QFuture<QJsonValue> retried = client.request(QStringLiteral("flaky"), QStringLiteral("again"), 10s, RequestOption::Retryable);
        QTRY_COMPARE(*s.flakyCalls, 1); // on the server, unanswered
        QSignalSpy reconnected(&client, &SocketClient::reconnected);
        proxy.resetClients();
        QTRY_VERIFY(lost.isFinished());
        QCOMPARE(failureReason(lost), int(RequestException::Reason::ConnectionLost));
        QTRY_VERIFY_WITH_TIMEOUT(reconnected.size() == 1, 10000);
        QTRY_VERIFY(retried.isFinished());
        QCOMPARE(retried.result(), QJsonValue(QStringLiteral("again")));
        QCOMPARE(*s.flakyCalls, 2);
        QCOMPARE(client.pendingRequestCount(), 0);
    }

    // Point 3: while reconnecting, send() and request() wait in the offline queue and
    // go out in order once the client has authenticated again.
    void offlineQueueFlushesInOrder()
    {
        TestServer s;
        QVERIFY(s.start(0, false));
        const quint16 port = s.server->serverPort();
        SocketClient client(clientConfig(s.server->serverUrl(), false));
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(5000));
        QSignalSpy disconnected(&client, &SocketClient::disconnected);
        s.server.reset();
        QTRY_COMPARE(disconnected.size(), 1);
        QTRY_COMPARE(client.state(), SocketClient::State::Reconnecting);

        QVERIFY(client.send(QStringLiteral("echo"), QStringLiteral("1")));
        QFuture<QJsonValue> two = client.request(QStringLiteral("echo"), QStringLiteral("2"));
        QVERIFY(client.send(QStringLiteral("echo"), QStringLiteral("3")));
        QFuture<QJsonValue> four = client.request(QStringLiteral("echo"), QStringLiteral("4"));
        QCOMPARE(client.queuedMessageCount(), 4);
        QVERIFY(!two.isFinished());

        TestServer again;
        QVERIFY(again.start(port, false));
        QTRY_VERIFY_WITH_TIMEOUT(two.isFinished() && four.isFinished(), 10000);
        QCOMPARE(two.result(), QJsonValue(QStringLiteral("2")));
        QCOMPARE(four.result(), QJsonValue(QStringLiteral("4")));
        QTRY_COMPARE(again.received, (QStringList{QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3"), QStringLiteral("4")}));
        QCOMPARE(client.queuedMessageCount(), 0);
    }

    // While the first auth request is out, request() waits for the answer; send()
    // goes out at once as in version 1 (a skipAuth handler may take it).
    void requestWaitsForAuthentication()
    {
        TestServer s;
        QVERIFY(s.start(0, true));
        SocketClient client(clientConfig(s.server->serverUrl(), true));
        client.setAuthData(QJsonObject{{QStringLiteral("token"), QStringLiteral("slow")}});
        QVERIFY(client.open());
        QTRY_COMPARE(client.state(), SocketClient::State::Authenticating);
        QFuture<QJsonValue> early = client.request(QStringLiteral("echo"), QStringLiteral("early"));
        QCOMPARE(client.queuedMessageCount(), 1);
        QTRY_VERIFY(early.isFinished());
        QCOMPARE(early.result(), QJsonValue(QStringLiteral("early")));
        QCOMPARE(client.state(), SocketClient::State::Connected);
    }

    // Point 3: the queue's bounds (count, bytes) and time-to-live fail messages visibly;
    // with the queue off, sending while reconnecting fails as in version 1.
    void offlineQueueBounds()
    {
        SocketConfig c = clientConfig(QUrl(QStringLiteral("ws://127.0.0.1:1")), false); // nothing listens
        c.setOfflineQueueSize(2);
        c.setOfflineQueueBytes(200);
        c.setOfflineQueueTtl(300);
        c.setReconnectBaseDelay(1000);
        SocketClient client(c);
        QSignalSpy failed(&client, &SocketClient::deliveryFailed);
        QVERIFY(client.open());
        QVERIFY(client.state() != SocketClient::State::Disconnected);

        QVERIFY(client.send(QStringLiteral("a"), 1));
        // Too many bytes: refused, the queue keeps what it has.
        QVERIFY(!client.send(QStringLiteral("big"), QString(300, u'x')));
        QCOMPARE(client.error(), SocketClient::Error::LimitExceeded);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.last().at(1).value<RequestException::Reason>(), RequestException::Reason::QueueOverflow);
        QFuture<QJsonValue> queued = client.request(QStringLiteral("b"), 2);
        QCOMPARE(client.queuedMessageCount(), 2);
        // Too many messages.
        QFuture<QJsonValue> overflow = client.request(QStringLiteral("c"), 3);
        QVERIFY(overflow.isFinished());
        QCOMPARE(failureReason(overflow), int(RequestException::Reason::QueueOverflow));
        QCOMPARE(failed.size(), 2);

        // Both queued ones expire after the time-to-live.
        QTRY_COMPARE(failed.size(), 4);
        QCOMPARE(failed.at(2).at(0).toString(), QStringLiteral("a"));
        QCOMPARE(failed.at(2).at(1).value<RequestException::Reason>(), RequestException::Reason::Expired);
        QCOMPARE(failed.at(3).at(0).toString(), QStringLiteral("b"));
        QCOMPARE(failureReason(queued), int(RequestException::Reason::Expired));
        QCOMPARE(client.queuedMessageCount(), 0);
        client.close();

        // Off: version 1 behaviour.
        c.setOfflineQueueSize(0);
        SocketClient plain(c);
        QVERIFY(plain.open());
        QVERIFY(!plain.send(QStringLiteral("a"), 1));
        QCOMPARE(plain.error(), SocketClient::Error::NotConnected);
        QFuture<QJsonValue> refused = plain.request(QStringLiteral("b"), 2);
        QCOMPARE(failureReason(refused), int(RequestException::Reason::NotConnected));
    }

    // Point 4: a server shutting down closes with 1012 (service restart); the client
    // reports 1012 (Qt 6.4 says 1002) and makes its first attempt within
    // reconnectSpread instead of after the backoff (here a minute).
    void serviceRestartSpreadsReconnect()
    {
        TestServer s;
        QVERIFY(s.start(0, false));
        SocketConfig c = clientConfig(s.server->serverUrl(), false);
        c.setReconnectBaseDelay(60000);
        c.setReconnectMaxDelay(60000);
        c.setReconnectSpread(300);
        SocketClient client(c);
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(5000));
        QSignalSpy disconnected(&client, &SocketClient::disconnected);
        QSignalSpy reconnecting(&client, &SocketClient::reconnecting);
        QSignalSpy serverGone(s.server.get(), &SocketServer::clientDisconnected);
        s.server->close();
        QTRY_COMPARE(disconnected.size(), 1);
        QCOMPARE(disconnected.first().at(0).toInt(), 1012);
        QCOMPARE(serverGone.first().at(1).toInt(), 1012);
        // (The first attempt may fail, and the second be announced, before this looks.)
        QTRY_VERIFY(!reconnecting.isEmpty());
        QVERIFY2(reconnecting.first().at(1).toInt() < 300, qPrintable(reconnecting.first().at(1).toString()));
        // The next attempt (the server is still down) is back on the backoff.
        QTRY_COMPARE_WITH_TIMEOUT(reconnecting.size(), 2, 5000);
        QVERIFY(reconnecting.at(1).at(1).toInt() >= 60000);

        // Without a spread, the same close follows the backoff.
        TestServer t;
        QVERIFY(t.start(0, false));
        c.setAddress(t.server->serverUrl());
        c.setReconnectSpread(0);
        SocketClient plain(c);
        QSignalSpy plainAuth(&plain, &SocketClient::authenticated);
        QVERIFY(plain.open());
        QVERIFY(plainAuth.wait(5000));
        QSignalSpy plainReconnecting(&plain, &SocketClient::reconnecting);
        t.server->close();
        QTRY_COMPARE(plainReconnecting.size(), 1);
        QVERIFY(plainReconnecting.first().at(1).toInt() >= 60000);
    }

    // Point 4: reauthenticate() on a live connection: new credentials, a new session
    // key, no disconnect; messages sent meanwhile wait and go out after.
    void reauthenticate_data() { TestPeer::addEncryptionRows(); }
    void reauthenticate()
    {
        QFETCH(bool, encryption);
        TestServer s;
        QVERIFY(s.start(0, encryption));
        SocketClient client(clientConfig(s.server->serverUrl(), encryption));
        client.setAuthData(QJsonObject{{QStringLiteral("token"), QStringLiteral("t1")}});
        QVERIFY(!client.reauthenticate(QJsonObject{{QStringLiteral("token"), QStringLiteral("t1")}})); // not connected
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(5000));
        const QByteArray firstKey = SocketClientPrivate::sessionKey(&client);
        QSignalSpy serverGone(s.server.get(), &SocketServer::clientDisconnected);
        QSignalSpy disconnected(&client, &SocketClient::disconnected);
        QFuture<QJsonValue> before = client.request(QStringLiteral("defer"), QJsonObject{{QStringLiteral("ms"), 100}});

        QVERIFY(client.reauthenticate(QJsonObject{{QStringLiteral("token"), QStringLiteral("t2")}}));
        QCOMPARE(client.state(), SocketClient::State::Authenticating);
        QFuture<QJsonValue> during = client.request(QStringLiteral("echo"), QStringLiteral("during"));
        QCOMPARE(client.queuedMessageCount(), 1);
        QTRY_COMPARE(authenticated.size(), 2);
        QCOMPARE(client.state(), SocketClient::State::Connected);
        QCOMPARE(*s.tokens, (QStringList{QStringLiteral("t1"), QStringLiteral("t2")}));
        QCOMPARE(client.authData().value(u"token").toString(), QStringLiteral("t2"));
        if (encryption) {
            QCOMPARE(SocketClientPrivate::sessionKey(&client).size(), 32);
            QVERIFY(SocketClientPrivate::sessionKey(&client) != firstKey);
        }
        QTRY_VERIFY(before.isFinished() && during.isFinished());
        QCOMPARE(during.result(), QJsonValue(QStringLiteral("during")));
        QCOMPARE(before.result()[u"ms"].toInt(), 100);
        QCOMPARE(serverGone.size(), 0);
        QCOMPARE(disconnected.size(), 0);

        // Refused credentials end the connection, as a rejected authentication does.
        QSignalSpy errors(&client, &SocketClient::errorOccurred);
        QVERIFY(client.reauthenticate(QJsonObject{{QStringLiteral("token"), QStringLiteral("revoked")}}));
        QTRY_COMPARE(client.state(), SocketClient::State::Disconnected);
        QCOMPARE(client.error(), SocketClient::Error::AuthenticationRejected);
    }

    // Point 4: offline (QNetworkInformation), no attempt is made; back online, one at
    // once, whatever the backoff said (here a minute).
    void networkReachability()
    {
        TestServer s;
        QVERIFY(s.start(0, false));
        const quint16 port = s.server->serverPort();
        SocketConfig c = clientConfig(s.server->serverUrl(), false);
        c.setReconnectBaseDelay(60000);
        c.setReconnectMaxDelay(60000);
        c.setReconnectSpread(0);
        SocketClient client(c);
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(5000));
        QSignalSpy reconnecting(&client, &SocketClient::reconnecting);
        s.server.reset();
        QTRY_COMPARE(reconnecting.size(), 1);
        QVERIFY(SocketClientPrivate::reconnectScheduled(&client));

        SocketClientPrivate::setNetworkReachable(&client, false);
        QVERIFY(!SocketClientPrivate::reconnectScheduled(&client));
        QCOMPARE(client.state(), SocketClient::State::Reconnecting);
        SocketClientPrivate::setNetworkReachable(&client, false); // still offline: nothing
        QCOMPARE(reconnecting.size(), 1);

        TestServer again;
        QVERIFY(again.start(port, false));
        QSignalSpy reconnected(&client, &SocketClient::reconnected);
        SocketClientPrivate::setNetworkReachable(&client, true);
        QCOMPARE(reconnecting.size(), 2);
        QCOMPARE(reconnecting.last().at(0).toInt(), 1); // a fresh backoff
        QCOMPARE(reconnecting.last().at(1).toInt(), 0); // at once
        QTRY_COMPARE_WITH_TIMEOUT(reconnected.size(), 1, 5000);

        // Offline while connected changes nothing; a drop then waits for the network.
        SocketClientPrivate::setNetworkReachable(&client, false);
        QCOMPARE(client.state(), SocketClient::State::Connected);
        again.server.reset();
        QTRY_COMPARE(client.state(), SocketClient::State::Reconnecting);
        QVERIFY(!SocketClientPrivate::reconnectScheduled(&client));
    }

    // Point 5: several addresses; each reconnect attempt goes to the next one.
    void addressFailover()
    {
        TestServer s;
        QVERIFY(s.start(0, true));
        QTcpServer closed; // a port that refuses: listen, note the port, stop
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const QUrl dead(QStringLiteral("ws://127.0.0.1:%1").arg(closed.serverPort()));
        closed.close();
        SocketConfig c = clientConfig(dead, true);
        c.setAddresses({dead, s.server->serverUrl()});
        QCOMPARE(c.address(), dead);
        QCOMPARE(c.addresses().size(), 2);
        SocketClient client(c);
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QSignalSpy errors(&client, &SocketClient::errorOccurred);
        QVERIFY(client.open());
        QTRY_COMPARE_WITH_TIMEOUT(authenticated.size(), 1, 10000);
        QVERIFY(!errors.isEmpty()); // the first address failed...
        QVERIFY(client.errorString().contains(dead.toString()));
        QCOMPARE(client.reconnectAttempt(), 0); // ...the second took over
        QFuture<QJsonValue> echo = client.request(QStringLiteral("echo"), QStringLiteral("failover"));
        QTRY_VERIFY(echo.isFinished());
        QCOMPARE(echo.result(), QJsonValue(QStringLiteral("failover")));

        // When that one goes too, the next attempt goes back to the first (dead), then to it again.
        QSignalSpy reconnecting(&client, &SocketClient::reconnecting);
        const quint16 port = s.server->serverPort();
        s.server.reset();
        TestServer again;
        QVERIFY(again.start(port, true));
        QSignalSpy reconnected(&client, &SocketClient::reconnected);
        QTRY_COMPARE_WITH_TIMEOUT(reconnected.size(), 1, 10000);
        QVERIFY(reconnecting.size() >= 2); // the dead address was tried in between
    }

    // Giving up reconnecting fails what waits with GaveUp.
    void gaveUpFailsQueue()
    {
        SocketConfig c = clientConfig(QUrl(QStringLiteral("ws://127.0.0.1:1")), false);
        c.setMaxReconnectAttempts(1);
        SocketClient client(c);
        QVERIFY(client.open());
        QFuture<QJsonValue> waiting = client.request(QStringLiteral("x"), 1);
        QTRY_VERIFY_WITH_TIMEOUT(waiting.isFinished(), 10000);
        QCOMPARE(failureReason(waiting), int(RequestException::Reason::GaveUp));
        QCOMPARE(client.state(), SocketClient::State::Disconnected);
    }

    // Point 4: a client back within the window resumes its session: same id, metadata
    // and rooms, the pushes made meanwhile in order, each once; other observers see
    // no disconnect/connect pair.
    // A link that goes silent (no FIN, no RST): the server closes it for silence and
    // holds the session; the client notices by its heartbeat, reconnects when the link
    // works again, and resumes.
    void resumeAfterSilentLink()
    {
        TestServer s;
        s.configure = [](SocketConfig &c) {
            c.setHeartBeatInterval(200);
            c.setIdleHeartBeats(2);
        };
        QVERIFY(s.start(0, true));
        TcpProxy proxy;
        QVERIFY(proxy.listen(s.server->serverUrl()));
        SocketConfig c = clientConfig(proxy.url(), true);
        c.setHeartBeatInterval(200);
        c.setHandshakeTimeout(500);
        c.setAuthTimeout(500);
        SocketClient client(c);
        QSignalSpy authenticated(s.server.get(), &SocketServer::clientAuthenticated);
        QVERIFY(client.open());
        QTRY_COMPARE(authenticated.size(), 1);
        const qint64 id = authenticated.first().at(0).toLongLong();
        QTRY_COMPARE(client.state(), SocketClient::State::Connected); // it has its token
        QSignalSpy resumed(&client, &SocketClient::resumed);
        QSignalSpy resumedOnServer(s.server.get(), &SocketServer::clientResumed);
        QSignalSpy disconnected(s.server.get(), &SocketServer::clientDisconnected);
        QSignalSpy messages(&client, &SocketClient::messageReceived);

        proxy.setForwarding(false);
        QTRY_COMPARE_WITH_TIMEOUT(s.server->statistics().heldSessions, 1, 10000);
        QVERIFY(s.server->sendTo(id, Push, QJsonValue(1))); // buffered while held
        proxy.setForwarding(true);
        QTRY_COMPARE_WITH_TIMEOUT(resumed.size(), 1, 15000);
        QTRY_COMPARE(resumedOnServer.size(), 1);
        QCOMPARE(resumedOnServer.first().at(0).toLongLong(), id);
        QCOMPARE(disconnected.size(), 0);
        QVERIFY(s.server->client(id));
        QTRY_COMPARE(pushes(messages), QList<QJsonValue>{1});
    }

    void resumeKeepsSession_data() { TestPeer::addEncryptionRows(); }
    void resumeKeepsSession()
    {
        QFETCH(bool, encryption);
        ResumeRig rig;
        QVERIFY(rig.start(encryption));
        SocketServer *server = rig.s.server.get();
        const qint64 id = rig.id;
        QVERIFY(server->client(id));
        server->client(id)->setMetadata(QJsonObject{{QStringLiteral("team"), QStringLiteral("blue")}});
        QVERIFY(server->join(id, QStringLiteral("lobby")));

        QSignalSpy connected(server, &SocketServer::clientConnected);
        QSignalSpy authenticated(server, &SocketServer::clientAuthenticated);
        QSignalSpy disconnected(server, &SocketServer::clientDisconnected);
        QSignalSpy resumedOnServer(server, &SocketServer::clientResumed);
        QSignalSpy resumed(rig.client.get(), &SocketClient::resumed);
        QSignalSpy reconnected(rig.client.get(), &SocketClient::reconnected);
        QSignalSpy messages(rig.client.get(), &SocketClient::messageReceived);
        QVERIFY(rig.cut());
        QVERIFY(!server->client(id));
        QVERIFY(server->sendTo(id, Push, QJsonValue(1)));
        QCOMPARE(server->broadcast(Push, QJsonValue(2)), 1);
        QCOMPARE(server->sendToRoom(QStringLiteral("lobby"), Push, QJsonValue(3), {}), 1);
        QCOMPARE(server->sendToByMeta(QStringLiteral("team"), QStringLiteral("blue"), Push, QJsonValue(4)), 1);
        QCOMPARE(server->sendToByMeta(QStringLiteral("team"), QStringLiteral("red"), Push, QJsonValue(99)), 0);
        rig.online();

        QTRY_COMPARE_WITH_TIMEOUT(resumed.size(), 1, 10000);
        QCOMPARE(reconnected.size(), 1);
        QTRY_COMPARE(resumedOnServer.size(), 1);
        QCOMPARE(resumedOnServer.first().at(0).toLongLong(), id);
        QTRY_COMPARE(pushes(messages), (QList<QJsonValue>{1, 2, 3, 4}));
        SocketConnection *after = server->client(id);
        QVERIFY(after);
        QVERIFY(after->isAuthenticated());
        QCOMPARE(after->metadata().value(u"team").toString(), QStringLiteral("blue"));
        QCOMPARE(server->rooms(id), QStringList{QStringLiteral("lobby")});
        QCOMPARE(server->clientIds(), QList<qint64>{id});
        QCOMPARE(server->statistics().heldSessions, 0);
        QCOMPARE(disconnected.size(), 0);
        QCOMPARE(connected.size(), 0);
        QCOMPARE(authenticated.size(), 0);

        // Pushes after the resume arrive once; requests work as before.
        QCOMPARE(server->broadcast(Push, QJsonValue(5)), 1);
        QCOMPARE(server->sendToRoom(QStringLiteral("lobby"), Push, QJsonValue(6), {}), 1);
        QFuture<QJsonValue> echo = rig.client->request(QStringLiteral("echo"), QStringLiteral("after"));
        QTRY_VERIFY(echo.isFinished());
        QCOMPARE(echo.result(), QJsonValue(QStringLiteral("after")));
        QTRY_COMPARE(pushes(messages), (QList<QJsonValue>{1, 2, 3, 4, 5, 6}));

        // A second cut resumes again, with the token of the resumed session.
        QVERIFY(rig.cut());
        QVERIFY(server->sendTo(id, Push, QJsonValue(7)));
        rig.online();
        QTRY_COMPARE_WITH_TIMEOUT(resumed.size(), 2, 10000);
        QTRY_COMPARE(pushes(messages), (QList<QJsonValue>{1, 2, 3, 4, 5, 6, 7}));
        QCOMPARE(server->clientIds(), QList<qint64>{id});
        QCOMPARE(disconnected.size(), 0);

        // close() and open() start afresh: no token presented.
        rig.client->close();
        QTRY_COMPARE(disconnected.size(), 1); // closed in order (1000): not held
        QCOMPARE(server->statistics().heldSessions, 0);
        QVERIFY(rig.client->open());
        QTRY_COMPARE(authenticated.size(), 1);
        QVERIFY(authenticated.first().at(0).toLongLong() != id);
        QCOMPARE(resumed.size(), 2);
    }

    // Point 4: a full buffer drops its oldest pushes, and counts them.
    void resumeBufferOverflow()
    {
        ResumeRig rig;
        rig.s.configure = [](SocketConfig &c) { c.setResumeBuffer(3); };
        QVERIFY(rig.start(false));
        SocketServer *server = rig.s.server.get();
        QSignalSpy resumed(rig.client.get(), &SocketClient::resumed);
        QSignalSpy messages(rig.client.get(), &SocketClient::messageReceived);
        QVERIFY(rig.cut());
        for (int i = 1; i <= 5; ++i)
            QVERIFY(server->sendTo(rig.id, Push, QJsonValue(i)));
        QCOMPARE(server->statistics().resumeDropped, 2);
        rig.online();
        QTRY_COMPARE_WITH_TIMEOUT(resumed.size(), 1, 10000);
        QTRY_COMPARE(pushes(messages), (QList<QJsonValue>{3, 4, 5}));
    }

    // Point 4: after the window the held session ends (clientDisconnected, rooms left
    // then), and the client comes back as a new one.
    void resumeWindowExpires()
    {
        ResumeRig rig;
        rig.s.configure = [](SocketConfig &c) { c.setResumeWindow(300); };
        QVERIFY(rig.start(false));
        SocketServer *server = rig.s.server.get();
        QVERIFY(server->join(rig.id, QStringLiteral("lobby")));
        QSignalSpy disconnected(server, &SocketServer::clientDisconnected);
        QSignalSpy authenticated(server, &SocketServer::clientAuthenticated);
        QSignalSpy resumedOnServer(server, &SocketServer::clientResumed);
        QSignalSpy resumed(rig.client.get(), &SocketClient::resumed);
        QSignalSpy reconnected(rig.client.get(), &SocketClient::reconnected);
        QVERIFY(rig.cut());
        QCOMPARE(disconnected.size(), 0);
        QCOMPARE(server->members(QStringLiteral("lobby")), QList<qint64>{rig.id});
        QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, 5000);
        QCOMPARE(disconnected.first().at(0).toLongLong(), rig.id);
        QCOMPARE(disconnected.first().at(1).toInt(), int(QWebSocketProtocol::CloseCodeAbnormalDisconnection));
        QVERIFY(server->members(QStringLiteral("lobby")).isEmpty());
        QCOMPARE(server->statistics().heldSessions, 0);
        QVERIFY(!server->sendTo(rig.id, Push, QJsonValue(1)));
        rig.online();
        QTRY_COMPARE_WITH_TIMEOUT(reconnected.size(), 1, 10000);
        QTRY_COMPARE(authenticated.size(), 1);
        QVERIFY(authenticated.first().at(0).toLongLong() != rig.id);
        QCOMPARE(resumed.size(), 0);
        QCOMPARE(resumedOnServer.size(), 0);
    }

    // Point 4: a token that names no held session gives an ordinary new session; a
    // raw client (no resume header, as a browser) that presents a real one takes the
    // session over, and its own provisional id goes.
    void resumeForgedToken()
    {
        TestServer s;
        QVERIFY(s.start(0, true));
        SocketServer *server = s.server.get();
        QSignalSpy connected(server, &SocketServer::clientConnected);
        QSignalSpy authenticated(server, &SocketServer::clientAuthenticated);
        QSignalSpy disconnected(server, &SocketServer::clientDisconnected);
        QSignalSpy resumedOnServer(server, &SocketServer::clientResumed);
        const auto authWith = [](RawClient &raw, const QJsonValue &resume) {
            QJsonObject message{{QStringLiteral("request"), QStringLiteral("auth")},
                                {QStringLiteral("data"), QJsonObject{{QStringLiteral("authKey"), Key}}},
                                {QStringLiteral("resume"), resume}};
            raw.sendJson(TestPeer::json(message));
            return raw.waitForMessage();
        };

        RawClient first(true, Key);
        QVERIFY(first.open(server->serverUrl()));
        const std::optional<QJsonObject> one = authWith(first, QStringLiteral("AAAAAAAAAAAAAAAAAAAAAA"));
        QVERIFY(one);
        QCOMPARE(one->value(u"response").toString(), QStringLiteral("welcome"));
        QVERIFY(!one->contains(u"resumed"));
        QVERIFY(one->value(u"extensions").toArray().contains(QStringLiteral("resume")));
        const QString token = one->value(u"resumeToken").toString();
        QVERIFY(token.size() >= 22); // 128 bits, base64url
        QCOMPARE(one->value(u"resumeWindow").toInt(), 60000);
        QTRY_COMPARE(authenticated.size(), 1);
        const qint64 id = authenticated.first().at(0).toLongLong();
        QCOMPARE(connected.size(), 1);
        QCOMPARE(resumedOnServer.size(), 0);

        first.socket().abort();
        QTRY_COMPARE(server->statistics().heldSessions, 1);
        QVERIFY(server->sendTo(id, Push, QJsonValue(1)));
        RawClient second(true, Key);
        QVERIFY(second.open(server->serverUrl()));
        QTRY_COMPARE(connected.size(), 2); // no header: reported at once
        const qint64 provisional = connected.last().at(0).toLongLong();
        const std::optional<QJsonObject> two = authWith(second, token);
        QVERIFY(two);
        QCOMPARE(two->value(u"resumed").toBool(), true);
        QCOMPARE(two->value(u"resumeDropped").toInt(), 0);
        QVERIFY(two->value(u"resumeToken").toString() != token);
        const std::optional<QJsonObject> push = second.waitForMessage();
        QVERIFY(push);
        QCOMPARE(push->value(u"request").toString(), Push);
        QTRY_COMPARE(resumedOnServer.size(), 1);
        QCOMPARE(resumedOnServer.first().at(0).toLongLong(), id);
        QTRY_COMPARE(disconnected.size(), 1);
        QCOMPARE(disconnected.first().at(0).toLongLong(), provisional);
        QCOMPARE(server->clientIds(), QList<qint64>{id});
        QCOMPARE(authenticated.size(), 1);

        // The same token again: it was used up.
        RawClient third(true, Key);
        QVERIFY(third.open(server->serverUrl()));
        const std::optional<QJsonObject> three = authWith(third, token);
        QVERIFY(three);
        QVERIFY(!three->contains(u"resumed"));
        QTRY_COMPARE(authenticated.size(), 2);
        QVERIFY(authenticated.last().at(0).toLongLong() != id);
    }

    // Point 4: the auth handler still decides; a rejection ends the held session.
    void resumeAuthRejected()
    {
        ResumeRig rig;
        QVERIFY(rig.start(false, QJsonObject{{QStringLiteral("token"), QStringLiteral("fine")}}));
        SocketServer *server = rig.s.server.get();
        QSignalSpy disconnected(server, &SocketServer::clientDisconnected);
        QSignalSpy resumedOnServer(server, &SocketServer::clientResumed);
        QSignalSpy resumed(rig.client.get(), &SocketClient::resumed);
        QVERIFY(rig.cut());
        rig.client->setAuthData(QJsonObject{{QStringLiteral("token"), QStringLiteral("revoked")}});
        rig.online();
        // The held session ends; so does the rejected new connection (its own id).
        const auto gone = [&disconnected] {
            QList<qint64> ids;
            for (const QList<QVariant> &args : std::as_const(disconnected))
                ids.append(args.at(0).toLongLong());
            return ids;
        };
        QTRY_VERIFY_WITH_TIMEOUT(gone().contains(rig.id), 10000);
        QCOMPARE(gone().count(rig.id), 1);
        QCOMPARE(server->statistics().heldSessions, 0);
        QTRY_COMPARE(rig.client->error(), SocketClient::Error::AuthenticationRejected);
        QCOMPARE(resumed.size(), 0);
        QCOMPARE(resumedOnServer.size(), 0);
    }

    // Point 4: with resumeWindow 0 a lost client is gone at once, as in version 1.
    void resumeOff()
    {
        ResumeRig rig;
        rig.s.configure = [](SocketConfig &c) { c.setResumeWindow(0); };
        QVERIFY(rig.start(false));
        SocketServer *server = rig.s.server.get();
        QSignalSpy disconnected(server, &SocketServer::clientDisconnected);
        QSignalSpy reconnected(rig.client.get(), &SocketClient::reconnected);
        QSignalSpy resumed(rig.client.get(), &SocketClient::resumed);
        rig.proxy.resetClients();
        QTRY_COMPARE(disconnected.size(), 1);
        QCOMPARE(server->statistics().heldSessions, 0);
        QTRY_COMPARE_WITH_TIMEOUT(reconnected.size(), 1, 10000);
        QCOMPARE(resumed.size(), 0);
    }
};

QTEST_MAIN(tst_Delivery)
#include "tst_delivery.moc"
