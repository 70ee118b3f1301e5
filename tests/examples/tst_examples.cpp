// SPDX-License-Identifier: MIT
// Runs the examples as real processes on 127.0.0.1 and checks what they print.

#include "processhelpers.h"

#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketServer>

#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace Stonyx::Sockets;
using namespace std::chrono_literals;

namespace {

constexpr int Timeout = 15000; // per step; every test stays well under CTest's 60 s

using ProcessHelpers::environment;
using ProcessHelpers::Process;

QStringList serverArguments(const QString &port, const QString &key, bool encryption)
{
    QStringList arguments{QStringLiteral("--port"), port, QStringLiteral("--auth-key"), key,
                          QStringLiteral("--handler-dir"), QStringLiteral(HANDLER_DIR)};
    if (!encryption)
        arguments << QStringLiteral("--no-encryption");
    return arguments;
}

const QString UrlPattern = QStringLiteral("listening on (ws://127\\.0\\.0\\.1:\\d+)");

void checkScreenshot(const QString &file, int minWidth, int minHeight)
{
    const QImage image(file);
    QVERIFY2(!image.isNull(), qPrintable(file));
    QVERIFY(image.width() >= minWidth && image.height() >= minHeight);
    // Not a blank grab: some pixels differ from the first one.
    const QRgb first = image.pixel(0, 0);
    int differing = 0;
    for (int y = 0; y < image.height(); y += 7)
        for (int x = 0; x < image.width(); x += 7)
            differing += image.pixel(x, y) != first;
    QVERIFY2(differing > 100, "the screenshot looks blank");
}

} // namespace

class tst_Examples : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QDir().mkpath(QStringLiteral(SCREENSHOT_DIR)); }

    // The device agent against stonyx-sockets-server: it authenticates, its telemetry is
    // answered (the echo handler stands in for a telemetry handler), and it reconnects
    // by itself when the server restarts on the same port.
    void deviceAgentWithServerTool_data()
    {
        QTest::addColumn<bool>("encryption");
        QTest::addRow("encrypted") << true;
        QTest::addRow("plain") << false;
    }
    void deviceAgentWithServerTool()
    {
        QFETCH(bool, encryption);
        auto server = std::make_unique<Process>(QStringLiteral(SERVER_TOOL),
                                                serverArguments(QStringLiteral("0"), QStringLiteral("dev-key"), encryption));
        const QString url = server->waitFor(UrlPattern);
        QVERIFY(!url.isEmpty());
        const QString port = QUrl(url).port() > 0 ? QString::number(QUrl(url).port()) : QString();

        QStringList arguments{QStringLiteral("--url"), url, QStringLiteral("--auth-key"), QStringLiteral("dev-key"),
                              QStringLiteral("--device-id"), QStringLiteral("pump-7"), QStringLiteral("--interval"),
                              QStringLiteral("200"), QStringLiteral("--telemetry-request"), QStringLiteral("echo")};
        if (!encryption)
            arguments << QStringLiteral("--no-encryption");
        Process agent(QStringLiteral(DEVICE_AGENT), arguments,
                      environment({{QStringLiteral("SOCKET_RECONNECT_BASE_DELAY"), QStringLiteral("100")},
                                   {QStringLiteral("SOCKET_RECONNECT_MAX_DELAY"), QStringLiteral("200")}}));
        QVERIFY(agent.started());
        QVERIFY(!agent.waitFor(QStringLiteral("^authenticated as pump-7$")).isEmpty());
        QVERIFY(!agent.waitFor(QStringLiteral("^telemetry #2 acknowledged$")).isEmpty());
        QVERIFY(!server->waitFor(QStringLiteral("Client #1 \\(127\\.0\\.0\\.1\\) authenticated")).isEmpty());

        // The server goes away and comes back on the same port.
        server.reset();
        QVERIFY(!agent.waitFor(QStringLiteral("^disconnected \\(code")).isEmpty());
        QVERIFY(!agent.waitFor(QStringLiteral("^reconnecting in \\d+ ms \\(attempt 1\\)$")).isEmpty());
        server = std::make_unique<Process>(QStringLiteral(SERVER_TOOL),
                                           serverArguments(port, QStringLiteral("dev-key"), encryption));
        QCOMPARE(server->waitFor(UrlPattern), url);
        QVERIFY(!agent.waitFor(QStringLiteral("^reconnected$")).isEmpty());
        QCOMPARE(agent.count(QStringLiteral("^authenticated as pump-7$")), 2);
        const int acknowledged = agent.count(QStringLiteral("acknowledged$"));
        QTRY_VERIFY_WITH_TIMEOUT(agent.count(QStringLiteral("acknowledged$")) > acknowledged, Timeout);
        QVERIFY(!server->waitFor(QStringLiteral("Client #1 \\(127\\.0\\.0\\.1\\) authenticated")).isEmpty());
    }

    // The device agent answers the server's "command" messages with "commandResult".
    void deviceAgentCommands()
    {
        SocketConfig config;
        config.setHost(QStringLiteral("127.0.0.1"));
        config.setPort(0);
        config.setHandlerDir(QString());
        config.setAuthKey(QStringLiteral("cmd-key"));
        SocketServer server(config);
        server.registerHandler(
            QStringLiteral("auth"),
            [](const QJsonValue &data, SocketConnection *connection) -> QJsonValue {
                if (data[u"authKey"] != QStringLiteral("cmd-key"))
                    return false;
                connection->setMetadataValue(QStringLiteral("deviceId"), data[u"deviceId"]);
                return true;
            },
            {});
        QList<QJsonValue> telemetry;
        server.registerHandler(QStringLiteral("telemetry"), [&](const QJsonValue &data, SocketConnection *) {
            telemetry.append(data);
            return QJsonValue(QJsonValue::Undefined);
        }, {});
        QList<QJsonValue> results;
        server.registerHandler(QStringLiteral("commandResult"), [&](const QJsonValue &data, SocketConnection *) {
            results.append(data);
            return QJsonValue(QJsonValue::Undefined);
        }, {});
        QVERIFY2(server.listen(), qPrintable(server.errorString()));
        QSignalSpy authenticated(&server, &SocketServer::clientAuthenticated);

        Process agent(QStringLiteral(DEVICE_AGENT),
                      {QStringLiteral("--url"), server.serverUrl().toString(), QStringLiteral("--auth-key"),
                       QStringLiteral("cmd-key"), QStringLiteral("--device-id"), QStringLiteral("valve-9"),
                       QStringLiteral("--interval"), QStringLiteral("100")});
        QVERIFY(agent.started());
        QTRY_COMPARE_WITH_TIMEOUT(authenticated.size(), 1, Timeout);
        QTRY_VERIFY_WITH_TIMEOUT(telemetry.size() >= 2, Timeout);
        QCOMPARE(telemetry.at(0)[u"seq"].toInt(), 1);
        QVERIFY(telemetry.at(0)[u"temperature"].isDouble());

        QCOMPARE(server.sendToByMeta(QStringLiteral("deviceId"), QStringLiteral("valve-9"), QStringLiteral("command"),
                                     QJsonObject{{QStringLiteral("id"), 42}, {QStringLiteral("action"), QStringLiteral("ping")}}),
                 1);
        QTRY_COMPARE_WITH_TIMEOUT(results.size(), 1, Timeout);
        QCOMPARE(results.at(0).toObject(),
                 (QJsonObject{{QStringLiteral("id"), 42}, {QStringLiteral("action"), QStringLiteral("ping")},
                              {QStringLiteral("ok"), true},
                              {QStringLiteral("result"), QJsonObject{{QStringLiteral("pong"), true}}}}));

        server.sendToByMeta(QStringLiteral("deviceId"), QStringLiteral("valve-9"), QStringLiteral("command"),
                            QJsonObject{{QStringLiteral("id"), 43}, {QStringLiteral("action"), QStringLiteral("self-destruct")}});
        QTRY_COMPARE_WITH_TIMEOUT(results.size(), 2, Timeout);
        QCOMPARE(results.at(1)[u"ok"].toBool(), false);
        QCOMPARE(results.at(1)[u"id"].toInt(), 43);
        QVERIFY(!agent.waitFor(QStringLiteral("^command self-destruct \\(id 43\\): refused$")).isEmpty());
    }

    // The README's main.qml against the server tool: it connects and shows the echo.
    void quickStart()
    {
        if (QStringLiteral(QUICKSTART).isEmpty())
            QSKIP("The QML module is not built");
        Process server(QStringLiteral(SERVER_TOOL), serverArguments(QStringLiteral("0"), QStringLiteral("qs-key"), true));
        const QString url = server.waitFor(UrlPattern);
        QVERIFY(!url.isEmpty());
        Process quickStart(QStringLiteral(QUICKSTART), {},
                           environment({{QStringLiteral("SOCKET_ADDRESS"), url},
                                        {QStringLiteral("SOCKET_AUTH_KEY"), QStringLiteral("qs-key")}}));
        QVERIFY(quickStart.started());
        QVERIFY(!quickStart.waitFor(QStringLiteral("Echo: Hello from QML")).isEmpty());
        QVERIFY(!server.waitFor(QStringLiteral("Client #1 \\(127\\.0\\.0\\.1\\) authenticated")).isEmpty());
    }

    // Two QML chat windows: Alice hosts, Bob joins; both see Bob's message, and Alice's
    // window is grabbed for the README.
    void qmlChat()
    {
        if (QStringLiteral(QMLCHAT).isEmpty())
            QSKIP("The QML module is not built");
        const QString screenshot = QStringLiteral(SCREENSHOT_DIR "/qmlchat.png");
        QFile::remove(screenshot);
        Process alice(QStringLiteral(QMLCHAT),
                      {QStringLiteral("--host"), QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--nick"),
                       QStringLiteral("alice"), QStringLiteral("--auth-key"), QStringLiteral("chat-key"),
                       QStringLiteral("--send"), QStringLiteral("Hi, I am hosting"), QStringLiteral("--screenshot"),
                       screenshot, QStringLiteral("--screenshot-after"), QStringLiteral("2")});
        const QString url = alice.waitFor(QStringLiteral("^hosting on (ws://127\\.0\\.0\\.1:\\d+)$"));
        QVERIFY(!url.isEmpty());
        QVERIFY(!alice.waitFor(QStringLiteral("^\\[chat\\] alice: Hi, I am hosting$")).isEmpty());

        Process bob(QStringLiteral(QMLCHAT),
                    {QStringLiteral("--join"), url, QStringLiteral("--nick"), QStringLiteral("bob"),
                     QStringLiteral("--auth-key"), QStringLiteral("chat-key"), QStringLiteral("--send"),
                     QStringLiteral("Hello from Bob")});
        QVERIFY(!bob.waitFor(QStringLiteral("^\\[info\\] Joined ws://.* as bob$")).isEmpty());
        QVERIFY(!bob.waitFor(QStringLiteral("^\\[chat\\] bob: Hello from Bob$")).isEmpty());
        QVERIFY(!alice.waitFor(QStringLiteral("^\\[chat\\] bob: Hello from Bob$")).isEmpty());
        QVERIFY(!alice.waitFor(QStringLiteral("^screenshot saved to ")).isEmpty());
        checkScreenshot(screenshot, 600, 400);

        // Bob leaves; Alice's chat goes on.
        bob.stop();
        QCOMPARE(alice.count(QStringLiteral("QML Label: Binding loop|ReferenceError|TypeError")), 0);
    }

    // The dashboard hosts the server; a device agent connects; in --demo mode the
    // dashboard sends it a command through its UI and logs the result.
    void dashboard()
    {
        const QString screenshot = QStringLiteral(SCREENSHOT_DIR "/dashboard.png");
        QFile::remove(screenshot);
        Process dashboard(QStringLiteral(DASHBOARD),
                          {QStringLiteral("--start"), QStringLiteral("--port"), QStringLiteral("0"),
                           QStringLiteral("--auth-key"), QStringLiteral("dash-key"), QStringLiteral("--demo"),
                           QStringLiteral("--screenshot"), screenshot, QStringLiteral("--screenshot-after"),
                           QStringLiteral("8")});
        const QString url = dashboard.waitFor(UrlPattern);
        QVERIFY(!url.isEmpty());
        Process agent(QStringLiteral(DEVICE_AGENT),
                      {QStringLiteral("--url"), url, QStringLiteral("--auth-key"), QStringLiteral("dash-key"),
                       QStringLiteral("--device-id"), QStringLiteral("pump-7"), QStringLiteral("--interval"),
                       QStringLiteral("300")});
        QVERIFY(!dashboard.waitFor(QStringLiteral("^#1 authenticated \\{.*\"deviceId\":\"pump-7\"")).isEmpty());
        QVERIFY(!dashboard.waitFor(QStringLiteral("^→ #1 command \\{\"action\":\"ping\",\"id\":1\\}$")).isEmpty());
        QVERIFY(!agent.waitFor(QStringLiteral("^command ping \\(id 1\\): done$")).isEmpty());
        QVERIFY(!dashboard.waitFor(QStringLiteral("^#1 commandResult \\{.*\"ok\":true")).isEmpty());
        QVERIFY(!dashboard.waitFor(QStringLiteral("^#1 telemetry \\{.*\"seq\":2")).isEmpty());
        QVERIFY2(!dashboard.output().contains(u"dash-key"), "the dashboard must not show the auth key");
        QVERIFY(!dashboard.waitFor(QStringLiteral("^screenshot saved to ")).isEmpty());
        checkScreenshot(screenshot, 600, 400);
    }
};

QTEST_GUILESS_MAIN(tst_Examples)

#include "tst_examples.moc"
