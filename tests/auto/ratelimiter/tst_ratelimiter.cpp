// SPDX-License-Identifier: MIT
// The token bucket behind SocketConfig::rateLimit(), on a synthetic clock: exact
// rates far above 1000 messages per second, bursts, and the wait it announces.

#include "ratelimiter_p.h"

#include <QTest>

using Stonyx::Sockets::RateLimiter;

namespace {
constexpr qint64 Second = 1'000'000'000;
}

class tst_RateLimiter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void burstThenRefuse()
    {
        RateLimiter limiter(100, 200, 0);
        for (int i = 0; i < 200; ++i)
            QVERIFY2(limiter.tryTake(0), qPrintable(QString::number(i)));
        QVERIFY(!limiter.tryTake(0));
        // One token takes 10 ms at 100/s.
        QCOMPARE(limiter.msUntilToken(), 10 + 1);
        QVERIFY(!limiter.tryTake(Second / 100 - 1));
        QVERIFY(limiter.tryTake(Second / 100));
        QVERIFY(!limiter.tryTake(Second / 100));
    }

    void exactAboveOneThousandPerSecond_data()
    {
        QTest::addColumn<int>("rate");
        QTest::addColumn<qint64>("stepNs");
        QTest::newRow("2000/s, a message every 10 us") << 2000 << qint64(10'000);
        QTest::newRow("5000/s, a message every 100 us") << 5000 << qint64(100'000);
        QTest::newRow("50000/s, a message every 1 us") << 50000 << qint64(1'000);
        QTest::newRow("100/s, a message every 333 ns") << 100 << qint64(333);
    }
    void exactAboveOneThousandPerSecond()
    {
        // Messages much closer together than a millisecond: a clock that restarts per
        // message and drops the remainder would let almost nothing through after the burst.
        QFETCH(int, rate);
        QFETCH(qint64, stepNs);
        const int burst = 10;
        RateLimiter limiter(rate, burst, 0);
        qint64 allowed = 0;
        for (qint64 t = 0; t <= 2 * Second; t += stepNs)
            allowed += limiter.tryTake(t) ? 1 : 0;
        // Two seconds at the rate, plus the initial burst; at most one token in flight.
        const qint64 expected = 2 * qint64(rate) + burst;
        QVERIFY2(qAbs(allowed - expected) <= 1, qPrintable(QStringLiteral("allowed %1, expected %2").arg(allowed).arg(expected)));
    }

    void refillIsCappedAtBurst()
    {
        RateLimiter limiter(1000, 5, 0);
        for (int i = 0; i < 5; ++i)
            QVERIFY(limiter.tryTake(0));
        QVERIFY(!limiter.tryTake(0));
        // An hour of silence saves up no more than the burst.
        const qint64 later = 3600 * Second;
        int taken = 0;
        while (limiter.tryTake(later))
            ++taken;
        QCOMPARE(taken, 5);
    }

    void clockGoingBackwardsGivesNothing()
    {
        RateLimiter limiter(10, 1, Second);
        QVERIFY(limiter.tryTake(Second));
        QVERIFY(!limiter.tryTake(0));
        QVERIFY(!limiter.tryTake(Second + Second / 10 - 1));
        QVERIFY(limiter.tryTake(Second + Second / 10));
    }

    void zeroRateIsUnlimited()
    {
        RateLimiter limiter(0, 1, 0);
        for (int i = 0; i < 100000; ++i)
            QVERIFY(limiter.tryTake(0));
        QCOMPARE(limiter.msUntilToken(), 0);
    }
};

QTEST_APPLESS_MAIN(tst_RateLimiter)
#include "tst_ratelimiter.moc"
