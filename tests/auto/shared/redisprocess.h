// SPDX-License-Identifier: MIT
#pragma once

// A real redis-server (Debian package redis-server) for the cluster tests: on a free
// loopback port, without persistence, stopped with the test. It can be killed and
// started again on the same port (a Redis restart).

#include <QDir>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <csignal>

class RedisProcess
{
public:
    RedisProcess() = default;
    ~RedisProcess() { kill(); }
    RedisProcess(const RedisProcess &) = delete;
    RedisProcess &operator=(const RedisProcess &) = delete;

    static QString executable() { return QStandardPaths::findExecutable(QStringLiteral("redis-server")); }

    // A port the kernel just gave out, free again.
    static quint16 freePort()
    {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0))
            return 0;
        return probe.serverPort();
    }

    // Starts redis-server on port (a free one when 0) and waits until it accepts connections.
    bool start(quint16 port = 0, const QStringList &extra = {})
    {
        if (executable().isEmpty())
            return false;
        m_port = port ? port : freePort();
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start(executable(), QStringList{QStringLiteral("--port"), QString::number(m_port), QStringLiteral("--bind"),
                                                  QStringLiteral("127.0.0.1"), QStringLiteral("--save"), QString(),
                                                  QStringLiteral("--appendonly"), QStringLiteral("no"),
                                                  QStringLiteral("--dir"), QDir::tempPath()}
                                          + extra);
        if (!m_process.waitForStarted(5000))
            return false;
        const bool ready = QTest::qWaitFor([this] {
            if (m_process.state() != QProcess::Running)
                return true;
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, m_port);
            return socket.waitForConnected(100);
        }, 10000);
        if (!ready || m_process.state() != QProcess::Running) {
            qWarning("redis-server did not start: %s", m_process.readAll().constData());
            return false;
        }
        return true;
    }

    // SIGKILL: Redis goes at once, its clients see the connection drop.
    void kill()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.kill();
        m_process.waitForFinished(5000);
    }

    quint16 port() const { return m_port; }
    qint64 pid() const { return m_process.processId(); }
    QString url() const { return QStringLiteral("redis://127.0.0.1:%1").arg(m_port); }

    // Runs redis-cli against this server; its output.
    QByteArray cli(const QStringList &arguments) const
    {
        QProcess p;
        p.start(QStandardPaths::findExecutable(QStringLiteral("redis-cli")),
                QStringList{QStringLiteral("-p"), QString::number(m_port)} + arguments);
        p.waitForFinished(10000);
        return p.readAllStandardOutput().trimmed();
    }

private:
    QProcess m_process;
    quint16 m_port = 0;
};
