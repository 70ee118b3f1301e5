// SPDX-License-Identifier: MIT
// RedisBackplane against a real redis-server and against a peer that speaks garbage.

#include "redisprocess.h"

#include <Stonyx/Sockets/RedisBackplane>

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QElapsedTimer>

#include <csignal>
#include <sys/types.h>

using namespace Stonyx::Sockets;

class tst_Backplane : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!RedisProcess::executable().isEmpty(), "redis-server is not installed (tools/install-deps.sh installs it)");
    }

    void invalidUrl_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addRow("scheme") << QStringLiteral("http://127.0.0.1:1");
        QTest::addRow("no host") << QStringLiteral("redis://:1");
        QTest::addRow("db") << QStringLiteral("redis://127.0.0.1:1/x");
    }

    void invalidUrl()
    {
        QFETCH(QString, url);
        RedisBackplane backplane(url);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("Not a Redis URL")));
        backplane.start(QStringLiteral("c"));
        QCOMPARE(backplane.error(), Backplane::Error::ConfigurationError);
        QCOMPARE(backplane.status(), Backplane::Status::Stopped);
    }

    void urlHidesPassword()
    {
        QCOMPARE(RedisBackplane(QStringLiteral("redis://:s3cret@127.0.0.1:6379/2")).url(), QStringLiteral("redis://127.0.0.1:6379/2"));
        QCOMPARE(RedisBackplane(QStringLiteral("redis://app:s3cret@10.0.0.1:6380")).url(), QStringLiteral("redis://app@10.0.0.1:6380"));
        QCOMPARE(RedisBackplane(QStringLiteral("redis://10.0.0.1:6380")).url(), QStringLiteral("redis://10.0.0.1:6380"));
    }

    void publishSubscribeAndKeys()
    {
        RedisProcess redis;
        QVERIFY(redis.start());
        RedisBackplane a(redis.url());
        RedisBackplane b(redis.url());
        QSignalSpy received(&b, &Backplane::messageReceived);
        QVERIFY(!a.publish("early")); // not connected: dropped
        a.start(QStringLiteral("chan"));
        b.start(QStringLiteral("chan"));
        QCOMPARE(a.status(), Backplane::Status::Connecting);
        QTRY_COMPARE(a.status(), Backplane::Status::Connected);
        QTRY_COMPARE(b.status(), Backplane::Status::Connected);
        const QByteArray binary("\x00\x01\r\n\xff payload", 14);
        QVERIFY(a.publish(binary));
        QVERIFY(a.publish("second"));
        QTRY_COMPARE(received.size(), 2);
        QCOMPARE(received.at(0).at(0).toByteArray(), binary);
        QCOMPARE(received.at(1).at(0).toByteArray(), QByteArray("second"));

        a.storeKey(QStringLiteral("k"), "value", 60000);
        QTRY_COMPARE(redis.cli({QStringLiteral("GET"), QStringLiteral("k")}), QByteArray("value"));
        a.refreshKey(QStringLiteral("k"), 100);
        QTRY_COMPARE(redis.cli({QStringLiteral("EXISTS"), QStringLiteral("k")}), QByteArray("0")); // expired
        a.storeKey(QStringLiteral("k2"), "v", 60000);
        QTRY_COMPARE(redis.cli({QStringLiteral("EXISTS"), QStringLiteral("k2")}), QByteArray("1"));
        a.removeKey(QStringLiteral("k2"));
        QTRY_COMPARE(redis.cli({QStringLiteral("EXISTS"), QStringLiteral("k2")}), QByteArray("0"));

        a.stop();
        QCOMPARE(a.status(), Backplane::Status::Stopped);
        QVERIFY(!a.publish("after stop"));
    }

    void passwordAndDatabase()
    {
        RedisProcess redis;
        QVERIFY(redis.start(0, {QStringLiteral("--requirepass"), QStringLiteral("pw")}));
        const QString base = QStringLiteral("redis://:%1@127.0.0.1:") + QString::number(redis.port());
        RedisBackplane good(base.arg(QStringLiteral("pw")) + QStringLiteral("/3"));
        good.start(QStringLiteral("c"));
        QTRY_COMPARE(good.status(), Backplane::Status::Connected);
        good.storeKey(QStringLiteral("indb3"), "x", 60000);
        QTRY_COMPARE(redis.cli({QStringLiteral("-a"), QStringLiteral("pw"), QStringLiteral("--no-auth-warning"),
                                QStringLiteral("-n"), QStringLiteral("3"), QStringLiteral("GET"), QStringLiteral("indb3")}),
                     QByteArray("x"));

        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("unavailable: .*")));
        RedisBackplane bad(base.arg(QStringLiteral("wrong")));
        QSignalSpy errors(&bad, &Backplane::errorOccurred);
        bad.start(QStringLiteral("c"));
        QTRY_COMPARE(bad.error(), Backplane::Error::ProtocolError);
        QCOMPARE(bad.status(), Backplane::Status::Connecting); // it keeps trying
        QCOMPARE(errors.size(), 1);
    }

    // Redis not there yet: one warning and one errorOccurred() for the outage however
    // many attempts fail, then connected when it comes.
    void reconnectsWhenRedisComes()
    {
        const quint16 port = RedisProcess::freePort();
        RedisBackplane backplane(QStringLiteral("redis://127.0.0.1:%1").arg(port));
        QSignalSpy errors(&backplane, &Backplane::errorOccurred);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("unavailable: .*reconnecting")));
        backplane.start(QStringLiteral("c"));
        QTRY_COMPARE(backplane.error(), Backplane::Error::ConnectionError);
        QCOMPARE(backplane.status(), Backplane::Status::Connecting);
        RedisProcess redis;
        QVERIFY(redis.start(port));
        QTRY_VERIFY_WITH_TIMEOUT(backplane.status() == Backplane::Status::Connected, 15000);
        QCOMPARE(errors.size(), 1);
        QCOMPARE(backplane.error(), Backplane::Error::NoError);
        QCOMPARE(backplane.connectCount(), 1);

        // Lost and back: a second outage, logged once more.
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("lost: .*reconnecting")));
        redis.kill();
        QTRY_COMPARE(backplane.status(), Backplane::Status::Connecting);
        QVERIFY(redis.start(port));
        QTRY_VERIFY_WITH_TIMEOUT(backplane.status() == Backplane::Status::Connected, 15000);
        QCOMPARE(backplane.connectCount(), 2);
        QCOMPARE(errors.size(), 2);
    }

    // Redis hangs (SIGSTOP): the unanswered PINGs count it as down within about 5 s;
    // the event loop keeps running meanwhile; after SIGCONT the backplane is back.
    void redisHangs()
    {
        RedisProcess redis;
        QVERIFY(redis.start());
        RedisBackplane backplane(redis.url());
        backplane.start(QStringLiteral("c"));
        QTRY_COMPARE(backplane.status(), Backplane::Status::Connected);

        QElapsedTimer sinceTick;
        sinceTick.start();
        qint64 longestGap = 0;
        QTimer ticker;
        connect(&ticker, &QTimer::timeout, &ticker, [&] {
            longestGap = std::max(longestGap, sinceTick.restart());
        });
        ticker.start(20);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("lost: Redis did not answer 4 PINGs")));
        ::kill(pid_t(redis.pid()), SIGSTOP);
        QTRY_VERIFY_WITH_TIMEOUT(backplane.status() == Backplane::Status::Connecting, 10000);
        QCOMPARE(backplane.error(), Backplane::Error::ConnectionError);
        QVERIFY2(longestGap < 1000, qPrintable(QString::number(longestGap))); // never blocked
        QVERIFY(!backplane.publish("while hanging")); // dropped, not queued
        ::kill(pid_t(redis.pid()), SIGCONT);
        QTRY_VERIFY_WITH_TIMEOUT(backplane.status() == Backplane::Status::Connected, 15000);
    }

    // A peer that answers with bytes that are not RESP, or RESP that is not what was
    // asked: the backplane drops the connection and retries, nothing crashes or hangs.
    void garbageFromThePeer_data()
    {
        QTest::addColumn<QByteArray>("answer");
        QTest::addRow("not RESP") << QByteArray("HTTP/1.1 400 Bad Request\r\n\r\n");
        QTest::addRow("negative bulk") << QByteArray("$-7\r\n*-9\r\n");
        QTest::addRow("wrong reply type") << QByteArray(":1\r\n:2\r\n:3\r\n");
        QTest::addRow("huge length") << QByteArray("$99999999999999999999\r\n");
        QTest::addRow("binary") << QByteArray(4096, '\xff');
    }

    void garbageFromThePeer()
    {
        QFETCH(QByteArray, answer);
        QTcpServer peer;
        QVERIFY(peer.listen(QHostAddress::LocalHost, 0));
        connect(&peer, &QTcpServer::newConnection, &peer, [&peer, answer] {
            while (QTcpSocket *socket = peer.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [socket, answer] {
                    socket->readAll();
                    socket->write(answer);
                });
            }
        });
        RedisBackplane backplane(QStringLiteral("redis://127.0.0.1:%1").arg(peer.serverPort()));
        QSignalSpy errors(&backplane, &Backplane::errorOccurred);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("Redis backplane .*")));
        backplane.start(QStringLiteral("c"));
        // Either refused outright (a protocol error) or, for replies it cannot tell
        // from slow ones, given up on after the connect timeout.
        QTRY_VERIFY_WITH_TIMEOUT(errors.size() == 1, 8000);
        QVERIFY(backplane.status() != Backplane::Status::Connected);
        backplane.stop();
        QCOMPARE(backplane.status(), Backplane::Status::Stopped);
    }
};

QTEST_MAIN(tst_Backplane)
#include "tst_backplane.moc"
