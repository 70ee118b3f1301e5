// SPDX-License-Identifier: MIT
// The metrics endpoint and admin page of stonyx-sockets-server (--metrics-port,
// --admin-token-file): Prometheus text, the state JSON, disconnecting with and
// without the token, and the page rendered by a real headless Chromium (its DOM and
// a screenshot).

#include "processhelpers.h"
#include "testpeer.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>
#include <vector>

using TestPeer::RawClient;

namespace {

const QString AuthKey = QStringLiteral("admin-test-key");
const QByteArray Token = QByteArrayLiteral("s3cret-admin-token");

struct Reply {
    int status = 0;
    QByteArray body;
};

} // namespace

class tst_Admin : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QNetworkAccessManager m_network;

    Reply fetch(const QUrl &url, const QByteArray &method = "GET", const QByteArray &authorization = {})
    {
        QNetworkRequest request(url);
        if (!authorization.isEmpty())
            request.setRawHeader("Authorization", authorization);
        QNetworkReply *reply = m_network.sendCustomRequest(request, method);
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        if (!reply->isFinished())
            loop.exec();
        Reply result{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
        reply->deleteLater();
        return result;
    }

    // The server tool with the metrics port, and a token file when token is not empty.
    std::unique_ptr<ProcessHelpers::Process> startServer(const QByteArray &token, QUrl *wsUrl, QUrl *httpBase)
    {
        QStringList arguments{QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--metrics-port"), QStringLiteral("0"),
                              QStringLiteral("--auth-key"), AuthKey, QStringLiteral("--handler-dir"),
                              QStringLiteral(STONYX_EXAMPLE_HANDLER_DIR)};
        if (!token.isEmpty()) {
            QFile file(m_dir.filePath(QStringLiteral("token")));
            if (!file.open(QIODevice::WriteOnly) || file.write(token + "\n") < 0)
                return nullptr;
            arguments << QStringLiteral("--admin-token-file") << file.fileName();
        }
        auto process = std::make_unique<ProcessHelpers::Process>(QStringLiteral(STONYX_TOOLS_DIR "/stonyx-sockets-server"),
                                                                 arguments, ProcessHelpers::environment(),
                                                                 QProcess::SeparateChannels);
        *wsUrl = QUrl(process->waitFor(QStringLiteral("listening on (\\S+)")));
        const QString metrics = process->waitFor(QStringLiteral("metrics on (\\S+)"));
        *httpBase = QUrl(metrics).resolved(QUrl(QStringLiteral("/")));
        if (wsUrl->isEmpty() || metrics.isEmpty())
            return nullptr;
        return process;
    }

    static QByteArray runChromium(const QStringList &arguments)
    {
        QTemporaryDir profile;
        QProcess chromium;
        chromium.start(QStringLiteral(STONYX_CHROMIUM),
                       QStringList{QStringLiteral("--headless=new"), QStringLiteral("--no-sandbox"), QStringLiteral("--disable-gpu"),
                                   QStringLiteral("--disable-dev-shm-usage"), QStringLiteral("--hide-scrollbars"),
                                   QStringLiteral("--no-first-run"), QStringLiteral("--no-default-browser-check"),
                                   QStringLiteral("--user-data-dir=") + profile.path(), QStringLiteral("--virtual-time-budget=4000")}
                           + arguments);
        // Run the event loop meanwhile: the server tool answers on its own, but keep
        // the test's client alive too.
        if (!QTest::qWaitFor([&chromium] { return chromium.state() == QProcess::NotRunning; }, 90000))
            qWarning("chromium did not finish within 90 s");
        return chromium.readAllStandardOutput();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFileInfo::exists(QStringLiteral(STONYX_TOOLS_DIR "/stonyx-sockets-server")), "the server tool is not built");
    }

    void metricsStateAndDisconnect()
    {
        QUrl ws;
        QUrl http;
        auto server = startServer(Token, &ws, &http);
        QVERIFY(server);
        RawClient ada(true, AuthKey);
        QVERIFY(ada.open(ws));
        QVERIFY(ada.authenticate(QJsonObject{{QStringLiteral("name"), QStringLiteral("ada")}}));
        // A client that breaks a rule: counted as a rejection by reason.
        RawClient bad(true, AuthKey);
        QVERIFY(bad.open(ws));
        bad.sendFrame("not a frame");
        QVERIFY(bad.waitForClose());

        QByteArray metrics;
        QTRY_VERIFY((metrics = fetch(http.resolved(QUrl(QStringLiteral("/metrics")))).body)
                        .contains("stonyx_rejections_total{reason=\"InvalidMessage\"} 1\n"));
        QVERIFY2(metrics.contains("# TYPE stonyx_connections gauge\nstonyx_connections 1\n"), metrics.constData());
        QVERIFY(metrics.contains("stonyx_authenticated_connections 1\n"));
        QVERIFY(metrics.contains("stonyx_rejections_total{reason=\"Timeout\"} 0\n"));
        QVERIFY(metrics.contains("stonyx_held_sessions 0\n"));
        QVERIFY(metrics.contains("stonyx_resume_dropped_total 0\n"));
        QVERIFY(metrics.contains("stonyx_backplane_state{state=\"stopped\"} 1\n"));
        QVERIFY(metrics.contains("stonyx_cluster_nodes 1\n"));
        QVERIFY(metrics.contains("# TYPE stonyx_messages_received_total counter\n"));
        // Received: ada's auth request and the bad frame; sent: the auth response.
        const std::pair<const char *, qint64> counters[] = {{"stonyx_messages_received_total ", 2},
                                                            {"stonyx_messages_sent_total ", 1},
                                                            {"stonyx_received_bytes_total ", 40},
                                                            {"stonyx_sent_bytes_total ", 40}};
        for (const auto &[counter, least] : counters) {
            const qsizetype at = metrics.indexOf(QByteArray(QByteArray("\n") + counter));
            QVERIFY2(at >= 0, counter);
            const QByteArray value = metrics.mid(at + 1 + qsizetype(qstrlen(counter))).split('\n').first();
            QVERIFY2(value.toLongLong() >= least, counter);
        }

        const Reply state = fetch(http.resolved(QUrl(QStringLiteral("/admin/api/state"))));
        QCOMPARE(state.status, 200);
        const QJsonObject json = QJsonDocument::fromJson(state.body).object();
        QCOMPARE(json.value(u"readOnly").toBool(), false);
        QCOMPARE(json.value(u"backplane").toString(), QStringLiteral("stopped"));
        const QJsonArray clients = json.value(u"clients").toArray();
        QCOMPARE(clients.size(), 1);
        QCOMPARE(clients.first()[u"metadata"][u"name"].toString(), QStringLiteral("ada"));
        const qint64 id = clients.first()[u"id"].toInteger();

        // The page, rendered by Chromium: the client's metadata and a disconnect button.
        const QString page = http.resolved(QUrl(QStringLiteral("/admin"))).toString();
        const QByteArray dom = runChromium({QStringLiteral("--dump-dom"), page});
        QVERIFY2(dom.contains("{&quot;name&quot;:&quot;ada&quot;}") || dom.contains("{\"name\":\"ada\"}"), dom.constData());
        QVERIFY(dom.contains("admin token configured"));
        QVERIFY(dom.contains(QByteArray("onclick=\"disconnect(" + QByteArray::number(id) + ")\"")));
        const QString png = QDir::current().filePath(QStringLiteral("admin-page.png"));
        QFile::remove(png);
        runChromium({QStringLiteral("--window-size=1200,700"), QStringLiteral("--screenshot=") + png, page});
        QFile shot(png);
        QVERIFY2(shot.open(QIODevice::ReadOnly), qPrintable(png));
        QVERIFY(shot.read(8) == QByteArray("\x89PNG\r\n\x1a\n", 8));
        QVERIFY(shot.size() > 10000); // not a blank page

        // Disconnecting: only with the token.
        const QUrl disconnect = http.resolved(QUrl(QStringLiteral("/admin/api/clients/%1/disconnect").arg(id)));
        QCOMPARE(fetch(disconnect, "POST").status, 403);
        QCOMPARE(fetch(disconnect, "POST", "Bearer wrong").status, 403);
        QVERIFY(ada.isOpen());
        QCOMPARE(fetch(http.resolved(QUrl(QStringLiteral("/admin/api/clients/999/disconnect"))), "POST", "Bearer " + Token).status,
                 404);
        QCOMPARE(fetch(disconnect, "POST", "Bearer " + Token).status, 200);
        QVERIFY(ada.waitForClose());
        QCOMPARE(ada.closeCode(), 4000);
    }

    void readOnlyWithoutToken()
    {
        QUrl ws;
        QUrl http;
        auto server = startServer({}, &ws, &http);
        QVERIFY(server);
        RawClient client(true, AuthKey);
        QVERIFY(client.open(ws));
        QVERIFY(client.authenticate());
        const QJsonObject json =
            QJsonDocument::fromJson(fetch(http.resolved(QUrl(QStringLiteral("/admin/api/state")))).body).object();
        QCOMPARE(json.value(u"readOnly").toBool(), true);
        const qint64 id = json.value(u"clients").toArray().first()[u"id"].toInteger();
        QCOMPARE(fetch(http.resolved(QUrl(QStringLiteral("/admin/api/clients/%1/disconnect").arg(id))), "POST",
                       "Bearer anything")
                     .status,
                 403);
        QVERIFY(client.isOpen());
        const QByteArray dom = runChromium({QStringLiteral("--dump-dom"), http.resolved(QUrl(QStringLiteral("/admin"))).toString()});
        QVERIFY2(dom.contains("read-only"), dom.constData());
        QVERIFY(dom.contains(QByteArray("<code>" + QByteArray::number(id) + "</code>"))); // the client is listed...
        QVERIFY(!dom.contains(QByteArray("onclick=\"disconnect(" + QByteArray::number(id) + ")\""))); // ...without a button
    }

    // The HTTP port bounds what a peer may do (found by an outside attack): a request
    // body that never ends was buffered without limit (6.5 GB in 20 s), a request that
    // never completes and idle connections held descriptors for good.
    void boundedRequests()
    {
        QUrl ws;
        QUrl http;
        auto server = startServer({}, &ws, &http);
        QVERIFY(server);
        const auto connect = [&http](QTcpSocket *socket) {
            socket->connectToHost(QHostAddress::LocalHost, quint16(http.port()));
            return socket->waitForConnected(5000);
        };

        // An endless body: cut once it passes 64 KiB.
        QTcpSocket big;
        QVERIFY(connect(&big));
        big.write("POST /admin/api/clients/1/disconnect HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000000\r\n\r\n");
        const QByteArray chunk(16 * 1024, 'x');
        for (int i = 0; i < 64 && big.state() == QAbstractSocket::ConnectedState; ++i) {
            big.write(chunk);
            big.waitForBytesWritten(1000);
            QCoreApplication::processEvents();
        }
        QTRY_COMPARE_WITH_TIMEOUT(big.state(), QAbstractSocket::UnconnectedState, 5000);

        // A request that never completes: cut after the request deadline (5 s).
        QTcpSocket slow;
        QVERIFY(connect(&slow));
        slow.write("GET /metrics HTTP/1.1\r\nHost: x\r\n");
        QVERIFY(slow.waitForBytesWritten(1000));
        QTRY_COMPARE_WITH_TIMEOUT(slow.state(), QAbstractSocket::UnconnectedState, 10000);

        // Connections beyond the cap (32) are closed at once; those below it still work.
        std::vector<std::unique_ptr<QTcpSocket>> idle;
        for (int i = 0; i < 40; ++i) {
            idle.push_back(std::make_unique<QTcpSocket>());
            QVERIFY(connect(idle.back().get()));
        }
        QTRY_VERIFY_WITH_TIMEOUT(std::count_if(idle.cbegin(), idle.cend(),
                                               [](const auto &s) { return s->state() == QAbstractSocket::UnconnectedState; })
                                     >= 8,
                                 5000);
        idle.clear(); // frees the slots
        QTRY_COMPARE_WITH_TIMEOUT(fetch(http.resolved(QUrl(QStringLiteral("/metrics")))).status, 200, 10000);
        // And the WebSocket port was served throughout.
        RawClient client(true, AuthKey);
        QVERIFY(client.open(ws));
        QVERIFY(client.authenticate());
    }
};

QTEST_MAIN(tst_Admin)
#include "tst_admin.moc"
