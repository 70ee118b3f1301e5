// SPDX-License-Identifier: MIT
// Regressions found by the fuzz targets (tests/fuzz) and the soak test (tests/soak),
// each reproduced through the public API with real sockets.

#include "testpeer.h"

#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketServer>

#include <QPointer>
#include <QSignalSpy>
#include <QTest>

using namespace Stonyx::Sockets;
using TestPeer::RawClient;

namespace {

const QString Key = QStringLiteral("regression-key");

SocketConfig config(bool encryption)
{
    SocketConfig c;
    c.setPort(0);
    c.setAuthKey(Key);
    c.setEncryption(encryption);
    c.setHandlerDir(QStringLiteral("/nonexistent/handlers"));
    return c;
}

} // namespace

class tst_Regressions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void deferredReplyResolvedOnDisconnect_data()
    {
        QTest::addColumn<bool>("encryption");
        QTest::newRow("encrypted") << true;
        QTest::newRow("plain") << false;
    }
    void deferredReplyResolvedOnDisconnect()
    {
        // Found by fuzz_server: a reply resolved after clientDisconnected() but before
        // the connection object was deleted (here: from a slot on that signal, as an
        // application cancelling the client's work would) reported itself as sent.
        QFETCH(bool, encryption);
        SocketServer server(config(encryption));
        PendingReply kept;
        QPointer<SocketConnection> connection;
        server.registerHandler(QStringLiteral("auth"), [](const QJsonValue &, SocketConnection *) { return QJsonValue(true); }, {});
        server.registerHandler(
            QStringLiteral("hold"),
            [&](const QJsonValue &, SocketConnection *c) -> QJsonValue {
                kept = c->deferReply();
                connection = c;
                return {};
            },
            {});
        QVERIFY2(server.listen(), qPrintable(server.errorString()));
        int resolvedOnDisconnect = -1;
        int sentOnDisconnect = -1;
        connect(&server, &SocketServer::clientDisconnected, this, [&] {
            resolvedOnDisconnect = kept.resolve(QStringLiteral("late")) ? 1 : 0;
            sentOnDisconnect = connection && connection->send(QStringLiteral("news"), 1) ? 1 : 0;
        });
        {
            RawClient peer(encryption, Key);
            QVERIFY(peer.open(server.serverUrl()));
            QVERIFY(peer.authenticate());
            peer.sendRequest(QStringLiteral("hold"), 1);
            QTRY_VERIFY(kept.isPending());
        }
        QTRY_COMPARE(server.clientCount(), 0);
        QCOMPARE(resolvedOnDisconnect, 0);
        QCOMPARE(sentOnDisconnect, 0);
    }

    void deferredAuthResolvedOnDisconnect()
    {
        // Found by fuzz_server: the same window for a deferred auth reply authenticated
        // a client that was already reported gone (clientAuthenticated() after
        // clientDisconnected()).
        SocketServer server(config(true));
        PendingReply kept;
        server.registerHandler(
            QStringLiteral("auth"),
            [&](const QJsonValue &, SocketConnection *c) -> QJsonValue {
                kept = c->deferReply();
                return {};
            },
            {});
        QVERIFY2(server.listen(), qPrintable(server.errorString()));
        QSignalSpy authenticated(&server, &SocketServer::clientAuthenticated);
        int resolvedOnDisconnect = -1;
        connect(&server, &SocketServer::clientDisconnected, this,
                [&] { resolvedOnDisconnect = kept.resolve(QStringLiteral("welcome")) ? 1 : 0; });
        {
            RawClient peer(true, Key);
            QVERIFY(peer.open(server.serverUrl()));
            peer.sendRequest(QStringLiteral("auth"), QJsonObject{{QStringLiteral("authKey"), Key}});
            QTRY_VERIFY(kept.isPending());
        }
        QTRY_COMPARE(server.clientCount(), 0);
        QCOMPARE(resolvedOnDisconnect, 0);
        QCOMPARE(authenticated.size(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_Regressions)
#include "tst_regressions.moc"
