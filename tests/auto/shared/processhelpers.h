// SPDX-License-Identifier: MIT
#pragma once

// Running the tools and examples as real processes from tests: run one to completion
// and collect what it printed, or keep one running and wait for lines of its output.
// Every wait keeps the test's event loop running, so servers and clients living in
// the test process go on working while a child process talks to them.

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <initializer_list>
#include <utility>

namespace ProcessHelpers {

/*! The system environment with \a values added or replaced. */
QProcessEnvironment environment(std::initializer_list<std::pair<QString, QString>> values = {});

/*! How a process ended and what it printed. */
struct Result {
    int exitCode = -1; //!< -1 if it crashed or did not finish in time (it is killed then)
    QString out;
    QString err;
};

/*!
    Runs \a program with \a arguments and \a env, writes \a input to its standard input
    and closes it (so a program reading it sees the end), and waits up to \a timeout ms
    for it to finish, running the event loop meanwhile.
*/
Result run(const QString &program, const QStringList &arguments,
           const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(), const QByteArray &input = {},
           int timeout = 20000);

/*!
    A process whose output is collected while it runs. With QProcess::MergedChannels
    output() holds stdout and stderr; with QProcess::SeparateChannels output() holds
    stdout and errorOutput() stderr. The destructor stops a process still running.
*/
class Process
{
public:
    Process(const QString &program, const QStringList &arguments,
            const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(),
            QProcess::ProcessChannelMode mode = QProcess::MergedChannels);
    ~Process();
    Process(const Process &) = delete;
    Process &operator=(const Process &) = delete;

    /*! Waits until the process has started. */
    bool started(int timeout = 5000);

    /*!
        Waits for output() to match \a pattern (multi-line: ^ and $ match at line
        breaks); returns the first capture, or the whole match. Returns an empty string,
        after a warning with everything it printed, on timeout or if the process ends.
    */
    QString waitFor(const QString &pattern, int timeout = 15000);
    /*! The number of matches of \a pattern in output() so far. */
    int count(const QString &pattern);

    QString output();
    QString errorOutput();

    /*! Sends SIGTERM (QProcess::terminate()). */
    void terminate();
    /*! Waits up to \a timeout ms for the process to end. */
    bool waitForFinished(int timeout = 15000);
    /*! The exit code, or -1 while running or after a crash. */
    int exitCode() const;
    qint64 processId() const { return m_process.processId(); }
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }

    /*! Terminates the process, then kills it if it does not end within 5 s. */
    void stop();

private:
    void collect();

    QProcess m_process;
    QString m_output;
    QString m_error;
};

} // namespace ProcessHelpers
