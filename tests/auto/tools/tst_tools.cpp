// SPDX-License-Identifier: MIT
// The command-line tools, run as processes: stonyx-sockets-server and stonyx-sockets-client.

#include "processhelpers.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

namespace {

QString tool(const char *name)
{
    return QDir(QStringLiteral(STONYX_TOOLS_DIR)).filePath(QString::fromLatin1(name));
}

const QString Key = QStringLiteral("tool-key");

using ProcessHelpers::Process;
using ProcessHelpers::Result;

} // namespace

#ifndef STONYX_HAVE_EXAMPLE_HANDLERS
#define STONYX_HAVE_EXAMPLE_HANDLERS 1
#endif
// The server tool tests load the example handlers auth and echo (STONYX_BUILD_EXAMPLES).
#define REQUIRE_EXAMPLE_HANDLERS()                                                                                     \
    if (!STONYX_HAVE_EXAMPLE_HANDLERS)                                                                                 \
    QSKIP("The example handlers are not built")

class tst_Tools : public QObject
{
    Q_OBJECT

private:
    struct Server {
        std::unique_ptr<Process> process;
        QString url;
    };

    // Starts the server tool and waits for its "listening on" line.
    static Server startServer(const QStringList &arguments, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
    {
        Server s;
        s.process = std::make_unique<Process>(tool("stonyx-sockets-server"), arguments, env, QProcess::SeparateChannels);
        s.url = s.process->waitFor(QStringLiteral("listening on (ws://\\S+)"), 10000);
        return s;
    }

    static Result run(const char *name, const QStringList &arguments,
                      const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(), const QByteArray &input = {})
    {
        return ProcessHelpers::run(tool(name), arguments, env, input);
    }

    static QStringList serverArgs(bool encryption)
    {
        QStringList args{QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--handler-dir"),
                         QStringLiteral(STONYX_EXAMPLE_HANDLER_DIR), QStringLiteral("--auth-key"), Key};
        if (!encryption)
            args << QStringLiteral("--no-encryption");
        return args;
    }

    static QString stop(Server &s, int *exitCode)
    {
        s.process->terminate();
        const bool finished = s.process->waitForFinished(10000);
        *exitCode = finished ? s.process->exitCode() : -1;
        return s.process->errorOutput();
    }

private Q_SLOTS:
    void help_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addRow("server") << "stonyx-sockets-server";
        QTest::addRow("client") << "stonyx-sockets-client";
    }
    void help()
    {
        QFETCH(QString, name);
        const Result r = run(qPrintable(name), {QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("--auth-key")));
        QVERIFY(r.out.contains(QStringLiteral("--no-encryption")));
    }

    void roundTrip_data()
    {
        QTest::addColumn<bool>("encryption");
        QTest::addRow("encrypted") << true;
        QTest::addRow("plain") << false;
    }
    void roundTrip()
    {
        REQUIRE_EXAMPLE_HANDLERS();
        QFETCH(bool, encryption);
        Server s = startServer(serverArgs(encryption));
        QVERIFY2(!s.url.isEmpty(), qPrintable(s.process->errorOutput()));

        QStringList clientArgs{QStringLiteral("--url"), s.url, QStringLiteral("--auth-key"), Key};
        if (!encryption)
            clientArgs << QStringLiteral("--no-encryption");
        const Result echo = run("stonyx-sockets-client", clientArgs + QStringList{QStringLiteral("echo"), QStringLiteral("{\"msg\":\"hi ✓\",\"n\":[1,2.5,null,true]}")});
        QCOMPARE(echo.exitCode, 0);
        QCOMPARE(echo.out, QStringLiteral("{\"msg\":\"hi ✓\",\"n\":[1,2.5,null,true]}\n"));

        // The auth data reaches the auth handler; the auth response is printed as JSON.
        const Result auth = run("stonyx-sockets-client", clientArgs + QStringList{QStringLiteral("--auth-data"), QStringLiteral("{\"nickname\":\"ada\"}"), QStringLiteral("auth")});
        QCOMPARE(auth.exitCode, 0);
        QCOMPARE(auth.out, QStringLiteral("\"success\"\n"));

        // The same settings from SOCKET_* variables.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SOCKET_ADDRESS"), s.url);
        env.insert(QStringLiteral("SOCKET_AUTH_KEY"), Key);
        env.insert(QStringLiteral("SOCKET_ENCRYPTION"), encryption ? QStringLiteral("true") : QStringLiteral("false"));
        const Result fromEnv = run("stonyx-sockets-client", {QStringLiteral("echo"), QStringLiteral("42")}, env);
        QCOMPARE(fromEnv.exitCode, 0);
        QCOMPARE(fromEnv.out, QStringLiteral("42\n"));

        int exitCode = -1;
        const QString log = stop(s, &exitCode);
        QCOMPARE(exitCode, 0);
        QVERIFY2(log.contains(QStringLiteral("connected")), qPrintable(log));
        QVERIFY(log.contains(QStringLiteral("authenticated")));
        QVERIFY(log.contains(QStringLiteral("disconnected")));
        QVERIFY(log.contains(QStringLiteral("Shutting down")));
    }

    void wrongKeyFails()
    {
        REQUIRE_EXAMPLE_HANDLERS();
        Server s = startServer(serverArgs(false));
        QVERIFY(!s.url.isEmpty());
        const Result r = run("stonyx-sockets-client", {QStringLiteral("--url"), s.url, QStringLiteral("--auth-key"), QStringLiteral("nope"),
                                                       QStringLiteral("--no-encryption"), QStringLiteral("echo"), QStringLiteral("1")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("4001")), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
        int exitCode = -1;
        stop(s, &exitCode);
        QCOMPARE(exitCode, 0);
    }

    void rejectedInputIsLogged()
    {
        REQUIRE_EXAMPLE_HANDLERS();
        Server s = startServer(serverArgs(true));
        QVERIFY(!s.url.isEmpty());
        const Result r = run("stonyx-sockets-client", {QStringLiteral("--url"), s.url, QStringLiteral("--no-encryption"), QStringLiteral("echo")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(QStringLiteral("1007")));
        int exitCode = -1;
        const QString log = stop(s, &exitCode);
        QCOMPARE(exitCode, 0);
        QVERIFY2(log.contains(QStringLiteral("Closing client #1")), qPrintable(log));
        QVERIFY(log.contains(QStringLiteral("invalid")));
    }

    void configFile()
    {
        REQUIRE_EXAMPLE_HANDLERS();
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("server.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QStringLiteral("{\"port\": 0, \"authKey\": \"%1\", \"encryption\": false, \"handlerDir\": \"%2\"}")
                       .arg(Key, QStringLiteral(STONYX_EXAMPLE_HANDLER_DIR))
                       .toUtf8());
        file.close();
        Server s = startServer({QStringLiteral("--config"), file.fileName()});
        QVERIFY(!s.url.isEmpty());
        const Result r = run("stonyx-sockets-client", {QStringLiteral("--url"), s.url, QStringLiteral("-k"), Key, QStringLiteral("--no-encryption"),
                                                       QStringLiteral("echo"), QStringLiteral("[true]")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QStringLiteral("[true]\n"));
        int exitCode = -1;
        stop(s, &exitCode);
        QCOMPARE(exitCode, 0);
    }

    void invalidSettings_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::addRow("server port abc") << "stonyx-sockets-server" << QStringList() << "SOCKET_PORT" << "abc" << 2 << "SOCKET_PORT";
        QTest::addRow("server option port") << "stonyx-sockets-server" << QStringList{QStringLiteral("--port"), QStringLiteral("-3")}
                                            << "" << "" << 2 << "\"port\"";
        QTest::addRow("server no auth handler")
            << "stonyx-sockets-server" << QStringList{QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--handler-dir"), QStringLiteral("/nonexistent")}
            << "" << "" << 1 << "\"auth\"";
        QTest::addRow("client interval") << "stonyx-sockets-client" << QStringList{QStringLiteral("echo")} << "SOCKET_HEARTBEAT_INTERVAL" << "-1" << 2
                                         << "heartBeatInterval";
        QTest::addRow("client bad json") << "stonyx-sockets-client" << QStringList{QStringLiteral("echo"), QStringLiteral("{nope")} << "" << "" << 2
                                         << "invalid data";
        QTest::addRow("client no request") << "stonyx-sockets-client" << QStringList() << "" << "" << 2 << "request";
        QTest::addRow("client unreachable")
            << "stonyx-sockets-client" << QStringList{QStringLiteral("--url"), QStringLiteral("ws://127.0.0.1:1"), QStringLiteral("echo")} << "" << "" << 1
            << "failed";
    }
    void invalidSettings()
    {
        QFETCH(QString, name);
        QFETCH(QStringList, arguments);
        QFETCH(QString, variable);
        QFETCH(QString, value);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        if (!variable.isEmpty())
            env.insert(variable, value);
        const Result r = run(qPrintable(name), arguments, env);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(tst_Tools)
#include "tst_tools.moc"
