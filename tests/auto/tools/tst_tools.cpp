// SPDX-License-Identifier: MIT
// The command-line tools, run as processes: stonyx-sockets-server and stonyx-sockets-client.

#include "processhelpers.h"
#include "testpeer.h"

#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketServer>

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Stonyx::Sockets;

namespace {

QString tool(const char *name)
{
    return QDir(QStringLiteral(STONYX_TOOLS_DIR)).filePath(QString::fromLatin1(name));
}

const QString Key = QStringLiteral("tool-key");

using ProcessHelpers::Process;
using ProcessHelpers::Result;

constexpr int CloseCodeNormal = 1000;

// A compact JSON object of more than 200 KB: more than fits on a command line.
QByteArray bigPayload()
{
    const QJsonObject object{{QStringLiteral("blob"), QString(200 * 1024, u'x')},
                             {QStringLiteral("text"), QStringLiteral("h\u00e9llo \u2713")},
                             {QStringLiteral("n"), QJsonArray{1, 2.5, QJsonValue::Null, true}}};
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// A pattern matching exactly the line \a line.
QString linePattern(const QString &line)
{
    return QLatin1Char('^') + QRegularExpression::escape(line) + QLatin1Char('$');
}

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
    QTemporaryDir m_dir;

    // A server in the test process (no plugins needed), so the tests see what it sees:
    // auth checks Key and answers "success" (or the nickname of the auth data), echo
    // answers with its data, silent never answers.
    static std::unique_ptr<SocketServer> inProcessServer()
    {
        SocketConfig config;
        config.setHost(QStringLiteral("127.0.0.1"));
        config.setPort(0);
        config.setHandlerDir(QString());
        config.setAuthKey(Key);
        auto server = std::make_unique<SocketServer>(TestPeer::withWorkers(config));
        server->registerHandler(
            QStringLiteral("auth"),
            [](const QJsonValue &data, SocketConnection *) -> QJsonValue {
                if (data[u"authKey"].toString() != Key)
                    return false;
                return data.toObject().contains(u"nickname") ? data[u"nickname"] : QJsonValue(QStringLiteral("success"));
            },
            {});
        server->registerHandler(QStringLiteral("echo"), [](const QJsonValue &data, SocketConnection *) { return data; }, {});
        server->registerHandler(
            QStringLiteral("silent"), [](const QJsonValue &, SocketConnection *) { return QJsonValue(QJsonValue::Undefined); }, {});
        if (!server->listen()) {
            qWarning().noquote() << "The in-process server does not listen:" << server->errorString();
            return {};
        }
        return server;
    }

    static QStringList clientArgs(const SocketServer &server)
    {
        return {QStringLiteral("--url"), server.serverUrl().toString(), QStringLiteral("--auth-key"), Key};
    }

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

    // 15a: the data (and --auth-data) from a file with @path or from standard input
    // with -, for payloads larger than a command line takes; clear errors otherwise.
    void dataFromFileOrStdin_data()
    {
        QTest::addColumn<QByteArray>("fileContent"); // written to FILE unless null
        QTest::addColumn<QStringList>("arguments");  // "@FILE" stands for @<the file>
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("out");
        QTest::addColumn<QString>("err");
        const QByteArray big = bigPayload();
        const QString echoed = QString::fromUtf8(big) + u'\n';
        QTest::addRow("@file 200 KB") << big << QStringList{QStringLiteral("echo"), QStringLiteral("@FILE")} << QByteArray() << 0
                                      << echoed << QString();
        QTest::addRow("stdin 200 KB") << QByteArray() << QStringList{QStringLiteral("echo"), QStringLiteral("-")} << big << 0 << echoed
                                      << QString();
        QTest::addRow("stdin scalar") << QByteArray() << QStringList{QStringLiteral("echo"), QStringLiteral("-")}
                                      << QByteArray("  \"text\"\n") << 0 << QStringLiteral("\"text\"\n") << QString();
        QTest::addRow("@file with BOM") << QByteArray("\xEF\xBB\xBF[1]\n") << QStringList{QStringLiteral("echo"), QStringLiteral("@FILE")}
                                        << QByteArray() << 0 << QStringLiteral("[1]\n") << QString();
        QTest::addRow("auth data @file") << QByteArray("{\"nickname\":\"ada\"}")
                                         << QStringList{QStringLiteral("--auth-data"), QStringLiteral("@FILE"), QStringLiteral("auth")}
                                         << QByteArray() << 0 << QStringLiteral("\"ada\"\n") << QString();
        QTest::addRow("missing file") << QByteArray() << QStringList{QStringLiteral("echo"), QStringLiteral("@/nonexistent/data.json")}
                                      << QByteArray() << 2 << QString() << QStringLiteral("cannot read /nonexistent/data.json");
        QTest::addRow("file not JSON") << QByteArray("{\"a\": nope}") << QStringList{QStringLiteral("echo"), QStringLiteral("@FILE")}
                                       << QByteArray() << 2 << QString() << QStringLiteral("does not hold valid JSON");
        QTest::addRow("empty stdin") << QByteArray() << QStringList{QStringLiteral("echo"), QStringLiteral("-")} << QByteArray() << 2
                                     << QString() << QStringLiteral("standard input does not hold exactly one JSON value");
        QTest::addRow("two values") << QByteArray("1, 2") << QStringList{QStringLiteral("echo"), QStringLiteral("@FILE")} << QByteArray()
                                    << 2 << QString() << QStringLiteral("does not hold exactly one JSON value");
        QTest::addRow("auth data not object") << QByteArray("[1]")
                                              << QStringList{QStringLiteral("--auth-data"), QStringLiteral("@FILE"), QStringLiteral("auth")}
                                              << QByteArray() << 2 << QString() << QStringLiteral("--auth-data must be a JSON object");
        QTest::addRow("stdin twice") << QByteArray()
                                     << QStringList{QStringLiteral("--auth-data"), QStringLiteral("-"), QStringLiteral("echo"), QStringLiteral("-")}
                                     << QByteArray("{}") << 2 << QString() << QStringLiteral("standard input");
    }
    void dataFromFileOrStdin()
    {
        QFETCH(QByteArray, fileContent);
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, input);
        QFETCH(int, exitCode);
        QFETCH(QString, out);
        QFETCH(QString, err);
        QVERIFY(m_dir.isValid());
        const QString file = m_dir.filePath(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'_') + u".json");
        if (!fileContent.isNull()) {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QCOMPARE(f.write(fileContent), fileContent.size());
        }
        arguments.replaceInStrings(QStringLiteral("@FILE"), u'@' + file);

        const std::unique_ptr<SocketServer> server = inProcessServer();
        QVERIFY(server);
        const Result r = run("stonyx-sockets-client", clientArgs(*server) + arguments, QProcessEnvironment::systemEnvironment(), input);
        QVERIFY2(r.err.contains(err), qPrintable(r.err));
        QCOMPARE(r.exitCode, exitCode);
        QCOMPARE(r.out.size(), out.size()); // a short message on a mismatch of 200 KB
        QCOMPARE(r.out, out);
    }

    // 15b: the client closes with a close frame (1000) on every way out, and the server
    // sees it (it reports 1006 when the connection just drops).
    void closesWithCloseFrame_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("received"); // the request the server gets, if any
        QTest::addRow("reply") << QStringList{QStringLiteral("echo"), QStringLiteral("1")} << 0 << "echo";
        QTest::addRow("no-reply") << QStringList{QStringLiteral("--no-reply"), QStringLiteral("silent"), QStringLiteral("1")} << 0 << "silent";
        QTest::addRow("timeout") << QStringList{QStringLiteral("--timeout"), QStringLiteral("1000"), QStringLiteral("silent"), QStringLiteral("1")}
                                 << 1 << "silent";
        QTest::addRow("auth") << QStringList{QStringLiteral("auth")} << 0 << "";
        QTest::addRow("listen timeout") << QStringList{QStringLiteral("--listen"), QStringLiteral("--timeout"), QStringLiteral("1000")} << 0
                                        << "";
    }
    void closesWithCloseFrame()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, received);
        const std::unique_ptr<SocketServer> server = inProcessServer();
        QVERIFY(server);
        QSignalSpy authenticated(server.get(), &SocketServer::clientAuthenticated);
        QSignalSpy messages(server.get(), &SocketServer::messageReceived);
        QSignalSpy disconnected(server.get(), &SocketServer::clientDisconnected);

        const Result r = run("stonyx-sockets-client", clientArgs(*server) + arguments);
        QCOMPARE(r.exitCode, exitCode);
        QCOMPARE(authenticated.size(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, 5000);
        QCOMPARE(disconnected.at(0).at(1).toInt(), CloseCodeNormal);
        if (received.isEmpty()) {
            QCOMPARE(messages.size(), 0);
        } else {
            QCOMPARE(messages.size(), 1);
            QCOMPARE(messages.at(0).at(1).toString(), received);
        }
    }

    // 15c: --listen prints the reply and then every message the server sends, one JSON
    // line each, until SIGTERM; then it closes with a close frame and exits with 0.
    void listenPrintsPushedMessages()
    {
        const std::unique_ptr<SocketServer> server = inProcessServer();
        QVERIFY(server);
        QSignalSpy authenticated(server.get(), &SocketServer::clientAuthenticated);
        QSignalSpy disconnected(server.get(), &SocketServer::clientDisconnected);

        Process client(tool("stonyx-sockets-client"), clientArgs(*server) + QStringList{QStringLiteral("--listen"), QStringLiteral("echo"), QStringLiteral("\"hi\"")},
                       QProcessEnvironment::systemEnvironment(), QProcess::SeparateChannels);
        QVERIFY(client.started());
        const QString reply = QStringLiteral("{\"request\":\"echo\",\"response\":\"hi\"}");
        QVERIFY2(!client.waitFor(linePattern(reply)).isEmpty(), qPrintable(client.errorOutput()));
        QCOMPARE(authenticated.size(), 1);

        QCOMPARE(server->broadcast(QStringLiteral("news"), QJsonObject{{QStringLiteral("n"), 1}}), 1);
        QCOMPARE(server->broadcast(QStringLiteral("news"), QJsonObject{{QStringLiteral("n"), 2}, {QStringLiteral("text"), QStringLiteral("\u2713")}}), 1);
        const QString first = QStringLiteral("{\"request\":\"news\",\"response\":{\"n\":1}}");
        const QString second = QStringLiteral("{\"request\":\"news\",\"response\":{\"n\":2,\"text\":\"\u2713\"}}");
        QVERIFY(!client.waitFor(linePattern(second)).isEmpty());
        QCOMPARE(client.output(), reply + u'\n' + first + u'\n' + second + u'\n');
        QVERIFY2(client.isRunning(), "--listen must keep the client running");
        QCOMPARE(disconnected.size(), 0);

        client.terminate();
        QVERIFY(client.waitForFinished(10000));
        QCOMPARE(client.exitCode(), 0);
        QVERIFY2(client.errorOutput().isEmpty(), qPrintable(client.errorOutput()));
        QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, 5000);
        QCOMPARE(disconnected.at(0).at(1).toInt(), CloseCodeNormal);
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
        QTest::addRow("client listen and no-reply")
            << "stonyx-sockets-client" << QStringList{QStringLiteral("--listen"), QStringLiteral("--no-reply"), QStringLiteral("echo")} << ""
            << "" << 2 << "--listen and --no-reply exclude each other";
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
