// SPDX-License-Identifier: MIT
// wss:// with a throwaway CA made by the openssl command: a verified connection, a
// wrong host name refused, an untrusted certificate refused, and the explicit
// development option that accepts it.

#include "testpeer.h"

#include <Stonyx/Sockets/SocketClient>
#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketServer>

#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Stonyx::Sockets;

namespace {

const QString Key = QStringLiteral("tls-key");

bool openssl(const QStringList &arguments, const QString &workDir)
{
    QProcess p;
    p.setWorkingDirectory(workDir);
    p.start(QStringLiteral("openssl"), arguments);
    if (!p.waitForFinished(30000) || p.exitCode() != 0) {
        qWarning("openssl %s failed: %s", qPrintable(arguments.join(u' ')), p.readAllStandardError().constData());
        return false;
    }
    return true;
}

} // namespace

class tst_Tls : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SocketServer> m_server;

    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }

    SocketConfig clientConfig(const QString &host) const
    {
        SocketConfig c;
        c.setAuthKey(Key);
        c.setAddress(QUrl(QStringLiteral("wss://%1:%2").arg(host).arg(m_server->serverPort())));
        c.setMaxReconnectAttempts(0);
        return c;
    }

    // Opens \a client; returns true if it authenticated, false if the connection failed.
    static bool connects(SocketClient &client)
    {
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        if (!client.open())
            return false;
        [[maybe_unused]] const bool settled = QTest::qWaitFor(
            [&] { return !authenticated.isEmpty() || client.state() == SocketClient::State::Disconnected; }, 10000);
        return !authenticated.isEmpty();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString dir = m_dir.path();
        // A CA, and a server certificate it signs for the name "localhost" only.
        QVERIFY(openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                         QStringLiteral("-nodes"), QStringLiteral("-keyout"), QStringLiteral("ca.key"), QStringLiteral("-out"),
                         QStringLiteral("ca.pem"), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                         QStringLiteral("/CN=Stonyx Test CA")}, dir));
        QVERIFY(openssl({QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                         QStringLiteral("-keyout"), QStringLiteral("server.key"), QStringLiteral("-out"), QStringLiteral("server.csr"),
                         QStringLiteral("-subj"), QStringLiteral("/CN=localhost")}, dir));
        QFile ext(path("server.ext"));
        QVERIFY(ext.open(QIODevice::WriteOnly));
        ext.write("subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
        ext.close();
        QVERIFY(openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), QStringLiteral("server.csr"),
                         QStringLiteral("-CA"), QStringLiteral("ca.pem"), QStringLiteral("-CAkey"), QStringLiteral("ca.key"),
                         QStringLiteral("-CAcreateserial"), QStringLiteral("-out"), QStringLiteral("server.pem"),
                         QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-extfile"), QStringLiteral("server.ext")}, dir));

        SocketConfig c;
        c.setPort(0);
        c.setAuthKey(Key);
        c.setHandlerDir(QString());
        c.setTlsCertificate(path("server.pem"));
        c.setTlsPrivateKey(path("server.key"));
        m_server = std::make_unique<SocketServer>(TestPeer::withWorkers(c));
        m_server->registerHandler(QStringLiteral("auth"), [](const QJsonValue &data, SocketConnection *) {
            return data[u"authKey"].toString() == Key ? QJsonValue(QStringLiteral("success")) : QJsonValue();
        }, {});
        m_server->registerHandler(QStringLiteral("echo"), [](const QJsonValue &data, SocketConnection *) { return data; }, {});
        QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
        QCOMPARE(m_server->serverUrl().scheme(), QStringLiteral("wss"));
    }

    void cleanupTestCase() { m_server.reset(); }

    void verifiedConnection()
    {
        SocketConfig c = clientConfig(QStringLiteral("localhost"));
        c.setTlsCaCertificates(path("ca.pem"));
        SocketClient client(c);
        QVERIFY(connects(client));
        QSignalSpy messages(&client, &SocketClient::messageReceived);
        QVERIFY(client.send(QStringLiteral("echo"), QStringLiteral("over TLS")));
        QVERIFY(messages.wait(5000));
        QCOMPARE(messages.first().at(1).toJsonValue(), QJsonValue(QStringLiteral("over TLS")));
    }

    void wrongHostNameRefused()
    {
        // The certificate names "localhost", not "127.0.0.1".
        SocketConfig c = clientConfig(QStringLiteral("127.0.0.1"));
        c.setTlsCaCertificates(path("ca.pem"));
        SocketClient client(c);
        QVERIFY(!connects(client));
        QCOMPARE(client.error(), SocketClient::Error::ConnectionError);
    }

    void untrustedCertificateRefused()
    {
        SocketClient client(clientConfig(QStringLiteral("localhost"))); // system store only
        QVERIFY(!connects(client));
        QCOMPARE(client.error(), SocketClient::Error::ConnectionError);
        QCOMPARE(m_server->clientCount(), 0);
    }

    void selfSignedAllowedExplicitly()
    {
        SocketConfig c = clientConfig(QStringLiteral("127.0.0.1"));
        c.setTlsAllowSelfSigned(true);
        SocketClient client(c);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("Ignoring a TLS error")));
        QVERIFY(connects(client));
    }

    void badCertificateFiles()
    {
        SocketConfig c;
        c.setPort(0);
        c.setHandlerDir(QString());
        c.setTlsCertificate(path("missing.pem"));
        c.setTlsPrivateKey(path("server.key"));
        SocketServer server(TestPeer::withWorkers(c));
        server.registerHandler(QStringLiteral("auth"), [](const QJsonValue &, SocketConnection *) { return QJsonValue(true); }, {});
        QVERIFY(!server.listen());
        QCOMPARE(server.error(), SocketServer::Error::TlsError);
        QVERIFY(server.errorString().contains(QStringLiteral("tlsCertificate")));

        c.setTlsCertificate(path("server.pem"));
        c.setTlsPrivateKey(QString());
        QVERIFY(!c.validate().isEmpty()); // both or neither
    }
};

QTEST_GUILESS_MAIN(tst_Tls)
#include "tst_tls.moc"
