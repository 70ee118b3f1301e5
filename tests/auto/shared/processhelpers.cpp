// SPDX-License-Identifier: MIT
#include "processhelpers.h"

#include <QDebug>
#include <QRegularExpression>
#include <QTest>

namespace ProcessHelpers {

QProcessEnvironment environment(std::initializer_list<std::pair<QString, QString>> values)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const auto &[key, value] : values)
        env.insert(key, value);
    return env;
}

Result run(const QString &program, const QStringList &arguments, const QProcessEnvironment &env, const QByteArray &input,
           int timeout)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, arguments);
    if (!p.waitForStarted(5000)) {
        qWarning().noquote() << "Could not start" << program << ":" << p.errorString();
        return {};
    }
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel(); // sent once everything written has gone out
    // Read while waiting: a child writing more than a pipe holds must not block.
    QByteArray out;
    QByteArray err;
    const bool finished = QTest::qWaitFor([&] {
        out += p.readAllStandardOutput();
        err += p.readAllStandardError();
        return p.state() == QProcess::NotRunning;
    }, timeout);
    if (!finished) {
        qWarning().noquote() << program << "did not finish within" << timeout << "ms; killed";
        p.kill();
        p.waitForFinished(5000);
    }
    out += p.readAllStandardOutput();
    err += p.readAllStandardError();
    const int exitCode = finished && p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return {exitCode, QString::fromUtf8(out), QString::fromUtf8(err)};
}

Process::Process(const QString &program, const QStringList &arguments, const QProcessEnvironment &env,
                 QProcess::ProcessChannelMode mode)
{
    m_process.setProgram(program);
    m_process.setArguments(arguments);
    m_process.setProcessEnvironment(env);
    m_process.setProcessChannelMode(mode);
    m_process.start();
}

Process::~Process()
{
    stop();
}

bool Process::started(int timeout)
{
    return m_process.waitForStarted(timeout);
}

void Process::collect()
{
    m_output += QString::fromUtf8(m_process.readAllStandardOutput());
    if (m_process.processChannelMode() != QProcess::MergedChannels)
        m_error += QString::fromUtf8(m_process.readAllStandardError());
}

QString Process::waitFor(const QString &pattern, int timeout)
{
    const QRegularExpression expression(pattern, QRegularExpression::MultilineOption);
    QRegularExpressionMatch match;
    [[maybe_unused]] const bool seen = QTest::qWaitFor([&] {
        collect();
        match = expression.match(m_output);
        return match.hasMatch() || m_process.state() == QProcess::NotRunning;
    }, timeout);
    if (!match.hasMatch()) {
        collect();
        match = expression.match(m_output); // the last lines of a process that just ended
    }
    if (match.hasMatch())
        return match.lastCapturedIndex() >= 1 ? match.captured(1) : match.captured(0);
    qWarning().noquote() << "No output matching" << pattern << "from" << m_process.program() << "; it printed:\n"
                         << m_output << m_error;
    return {};
}

int Process::count(const QString &pattern)
{
    collect();
    return int(m_output.count(QRegularExpression(pattern, QRegularExpression::MultilineOption)));
}

QString Process::output()
{
    collect();
    return m_output;
}

QString Process::errorOutput()
{
    collect();
    return m_error;
}

void Process::terminate()
{
    m_process.terminate();
}

bool Process::waitForFinished(int timeout)
{
    const bool finished = QTest::qWaitFor([&] {
        collect();
        return m_process.state() == QProcess::NotRunning;
    }, timeout);
    collect();
    return finished;
}

int Process::exitCode() const
{
    if (m_process.state() != QProcess::NotRunning || m_process.exitStatus() != QProcess::NormalExit
        || m_process.error() == QProcess::FailedToStart)
        return -1;
    return m_process.exitCode();
}

void Process::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    collect();
}

} // namespace ProcessHelpers
