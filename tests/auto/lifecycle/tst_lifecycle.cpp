// SPDX-License-Identifier: MIT
// Objects destroyed in the middle of an operation. CTest runs this test twice: natively
// and under valgrind (tst_lifecycle_valgrind), where any invalid read or write fails it
// even when the process happens not to crash.

#include "testpeer.h"

#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketServer>

#include <QElapsedTimer>
#include <QPointer>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Stonyx::Sockets;
using TestPeer::RawClient;
using TestPeer::RawTcpPeer;

namespace {

const QString Key = QStringLiteral("lifecycle-key");

SocketConfig shortTimers(bool encryption)
{
    SocketConfig c;
    c.setPort(0);
    c.setAuthKey(Key);
    c.setEncryption(encryption);
    c.setHandlerDir(QStringLiteral("/nonexistent/handlers"));
    c.setLog(false);
    // Every per-connection timer comes due within a few seconds: long enough for the
    // test to set its peers up under valgrind (where scrypt alone takes a second) first.
    c.setAuthTimeout(3000);
    c.setMessageTimeout(3000);
    c.setHeartBeatInterval(1000);
    c.setIdleHeartBeats(3);
    return c;
}

std::unique_ptr<SocketServer> startServer(bool encryption)
{
    auto server = std::make_unique<SocketServer>(TestPeer::withWorkers(shortTimers(encryption)));
    server->registerHandler(QStringLiteral("auth"), [](const QJsonValue &, SocketConnection *) { return QJsonValue(true); }, {});
    server->registerHandler(QStringLiteral("echo"), [](const QJsonValue &data, SocketConnection *) { return data; }, {});
    if (!server->listen())
        return {};
    return server;
}

} // namespace

class tst_Lifecycle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // The peers' scrypt, once per process, before any test's deadlines run: under
        // valgrind on a loaded machine it took long enough for a 3 s auth deadline
        // to close a client the test was still setting up.
        QVERIFY(!TestPeer::globalKey(Key).isEmpty());
    }

    void serverDestroyedWhilePeersLinger_data() { TestPeer::addEncryptionRows(); }
    void serverDestroyedWhilePeersLinger()
    {
        // Peers that never answer the close frame keep their connections alive after
        // the server is gone; their auth, idle and message timers must not call into it.
        QFETCH(bool, encryption);
        auto server = startServer(encryption);
        QVERIFY(server);
        const QUrl url = server->serverUrl();

        RawTcpPeer silent; // connected, never authenticates
        QVERIFY(silent.open(url));
        RawTcpPeer stalled; // half a frame: arms the message deadline
        QVERIFY(stalled.open(url));
        stalled.socket.write(RawTcpPeer::frame(0x1, QByteArray(64, 'x')).left(10));
        auto authenticated = std::make_unique<RawClient>(encryption, Key);
        QVERIFY(authenticated->open(url));
        QVERIFY(authenticated->authenticate());
        QTRY_COMPARE(server->clientCount(), 3);

        server.reset();

        // Let every timer of the old connections come due, and the lingering close end.
        QTest::qWait(3500);
        // The lingering sockets are closed within their deadline even though the peers
        // never send a close frame.
        QTRY_COMPARE_WITH_TIMEOUT(silent.socket.state(), QAbstractSocket::UnconnectedState, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(stalled.socket.state(), QAbstractSocket::UnconnectedState, 5000);
        QVERIFY(authenticated->waitForClose());
    }

    void throttledPeerOutlivesServer_data() { TestPeer::addEncryptionRows(); }
    void throttledPeerOutlivesServer()
    {
        // A flooding peer is throttled (its backlog waits for tokens, its socket is not
        // read); the server goes away, then the peer leaves, while the drain timer of
        // the backlog would still be due.
        QFETCH(bool, encryption);
        SocketConfig c = shortTimers(encryption);
        c.setRateLimit(5);
        c.setRateBurst(2);
        auto server = std::make_unique<SocketServer>(TestPeer::withWorkers(c));
        server->registerHandler(QStringLiteral("auth"), [](const QJsonValue &, SocketConnection *) { return QJsonValue(true); }, {});
        server->registerHandler(QStringLiteral("echo"), [](const QJsonValue &data, SocketConnection *) { return data; }, {});
        QVERIFY(server->listen());
        auto flood = std::make_unique<RawClient>(encryption, Key);
        QVERIFY(flood->open(server->serverUrl()));
        QVERIFY(flood->authenticate());
        for (int i = 0; i < 200; ++i)
            flood->sendRequest(QStringLiteral("echo"), i);
        QVERIFY(flood->waitForMessage()); // the burst is answered, the rest waits
        server.reset();
        QTest::qWait(300);
        flood.reset();
        QTest::qWait(500); // the drain timer's period is a few hundred ms at 5/s
    }

    void handlerUnregistersItself_data() { TestPeer::addEncryptionRows(); }
    void handlerUnregistersItself()
    {
        // A handler that removes itself during its own call runs to the end with its
        // captured state intact, and its answer is still sent.
        QFETCH(bool, encryption);
        auto server = startServer(encryption);
        QVERIFY(server);
        const QString greeting = QStringLiteral("a string long enough to live on the heap, not in the object");
        SocketServer *raw = server.get();
        QVERIFY(server->registerHandler(
            QStringLiteral("once"),
            [raw, greeting](const QJsonValue &, SocketConnection *) -> QJsonValue {
                raw->unregisterHandler(QStringLiteral("once"));
                return greeting; // read after the handler entry was removed
            },
            {}));

        RawClient peer(encryption, Key);
        QVERIFY(peer.open(server->serverUrl()));
        QVERIFY(peer.authenticate());
        peer.sendRequest(QStringLiteral("once"), QJsonValue());
        const auto reply = peer.waitForMessage();
        QVERIFY(reply);
        QCOMPARE(reply->value(u"response").toString(), greeting);
        QVERIFY(!server->handlerNames().contains(QStringLiteral("once")));
    }

    void serverClosedInsideHandler_data() { TestPeer::addEncryptionRows(); }
    void serverClosedInsideHandler()
    {
        // close() from inside a handler tears down the connection that is being served.
        QFETCH(bool, encryption);
        auto server = startServer(encryption);
        QVERIFY(server);
        SocketServer *raw = server.get();
        server->registerHandler(
            QStringLiteral("shutdown"),
            [raw](const QJsonValue &, SocketConnection *) -> QJsonValue {
                raw->close();
                return QStringLiteral("bye");
            },
            {});
        RawClient peer(encryption, Key);
        QVERIFY(peer.open(server->serverUrl()));
        QVERIFY(peer.authenticate());
        peer.sendRequest(QStringLiteral("shutdown"), QJsonValue());
        QVERIFY(peer.waitForClose());
        QVERIFY(!server->isListening());
        QCOMPARE(server->clientCount(), 0);
        server.reset();
        QTest::qWait(500); // timers of the closed connection come due
    }

    void serverDestroyedWithDeferredReply()
    {
        // A reply kept by the application outlives the server: resolving it later is a
        // no-op that says so.
        auto server = startServer(true);
        QVERIFY(server);
        PendingReply kept;
        server->registerHandler(
            QStringLiteral("later"),
            [&kept](const QJsonValue &, SocketConnection *c) -> QJsonValue {
                kept = c->deferReply();
                return {};
            },
            {});
        RawClient peer(true, Key);
        QVERIFY(peer.open(server->serverUrl()));
        QVERIFY(peer.authenticate());
        peer.sendRequest(QStringLiteral("later"), QJsonValue());
        QTRY_VERIFY(kept.isPending());
        server.reset();
        QVERIFY(!kept.resolve(QStringLiteral("too late")));
        QVERIFY(peer.waitForClose());
    }

    void connectionDeletedBySlot()
    {
        // An application that deletes the server from a slot on clientDisconnected
        // (deleteLater, as Qt asks) must not crash the server's own bookkeeping.
        auto server = startServer(false);
        QVERIFY(server);
        QPointer<SocketServer> watched = server.get();
        connect(server.get(), &SocketServer::clientDisconnected, server.get(), &QObject::deleteLater);
        {
            RawClient peer(false, Key);
            QVERIFY(peer.open(server->serverUrl()));
            QVERIFY(peer.authenticate());
        }
        SocketServer *released = server.release(); // now owned by deleteLater
        Q_UNUSED(released);
        QTRY_VERIFY(watched.isNull());
        QTest::qWait(500);
    }
};

QTEST_GUILESS_MAIN(tst_Lifecycle)
#include "tst_lifecycle.moc"
