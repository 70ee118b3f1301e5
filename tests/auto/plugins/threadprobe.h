// SPDX-License-Identifier: MIT
#pragma once
// What the probe plugins answer: the name of the thread that called them
// ("stonyx-worker-N" for a server's worker). {"sleepMs": n} holds the calling thread
// first (at most 5 s), to show what else goes on meanwhile.
#include <QJsonObject>
#include <QJsonValue>
#include <QThread>

#include <algorithm>

inline QJsonValue threadProbeAnswer(const QJsonValue &data)
{
    const int sleepMs = std::clamp(data[u"sleepMs"].toInt(), 0, 5000);
    if (sleepMs > 0)
        QThread::msleep(sleepMs);
    return QJsonObject{{QStringLiteral("thread"), QThread::currentThread()->objectName()}};
}
