// SPDX-License-Identifier: MIT
#include <Stonyx/Sockets/SocketClient>
#include <Stonyx/Sockets/SocketConfig>
#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketServer>

#include <QJsonValue>
#include <QTemporaryFile>
#include <QTest>

using Stonyx::Sockets::SocketConfig;

class tst_SocketConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults()
    {
        const SocketConfig c;
        QCOMPARE(c.port(), 2667);
        QCOMPARE(c.host(), QStringLiteral("127.0.0.1"));
        QCOMPARE(c.address(), QUrl(QStringLiteral("ws://localhost:2667")));
        QCOMPARE(c.authKey(), QStringLiteral("AUTH_KEY"));
        QCOMPARE(c.heartBeatInterval(), 30000);
        QCOMPARE(c.handlerDir(), QStringLiteral("./socket-handlers"));
        QCOMPARE(c.log(), false);
        QCOMPARE(c.encryption(), true);
        QCOMPARE(c.reconnectBaseDelay(), 1000);
        QCOMPARE(c.reconnectMaxDelay(), 60000);
        QCOMPARE(c.maxReconnectAttempts(), SocketConfig::Unlimited);
        QVERIFY(c.validate().isEmpty());
    }

    void addressFollowsPort()
    {
        SocketConfig c;
        c.setPort(4000);
        QCOMPARE(c.address(), QUrl(QStringLiteral("ws://localhost:4000")));
        c.setAddress(QUrl(QStringLiteral("ws://example.invalid:1")));
        QCOMPARE(c.address(), QUrl(QStringLiteral("ws://example.invalid:1")));
    }

    void environment()
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("SOCKET_PORT"), QStringLiteral("9000"));
        env.insert(QStringLiteral("SOCKET_AUTH_KEY"), QStringLiteral("s3cret"));
        env.insert(QStringLiteral("SOCKET_HEARTBEAT_INTERVAL"), QStringLiteral("500"));
        env.insert(QStringLiteral("SOCKET_HANDLER_DIR"), QStringLiteral("/srv/handlers"));
        env.insert(QStringLiteral("SOCKET_LOG"), QStringLiteral("true"));
        env.insert(QStringLiteral("SOCKET_ENCRYPTION"), QStringLiteral("false"));
        env.insert(QStringLiteral("SOCKET_RECONNECT_BASE_DELAY"), QStringLiteral("10"));
        env.insert(QStringLiteral("SOCKET_RECONNECT_MAX_DELAY"), QStringLiteral("20"));
        env.insert(QStringLiteral("SOCKET_MAX_RECONNECT_ATTEMPTS"), QStringLiteral("3"));
        env.insert(QStringLiteral("SOCKET_HOST"), QStringLiteral("0.0.0.0"));
        QString error;
        const SocketConfig c = SocketConfig::fromEnvironment(env, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(c.port(), 9000);
        QCOMPARE(c.address(), QUrl(QStringLiteral("ws://localhost:9000")));
        QCOMPARE(c.authKey(), QStringLiteral("s3cret"));
        QCOMPARE(c.heartBeatInterval(), 500);
        QCOMPARE(c.handlerDir(), QStringLiteral("/srv/handlers"));
        QCOMPARE(c.log(), true);
        QCOMPARE(c.encryption(), false);
        QCOMPARE(c.reconnectBaseDelay(), 10);
        QCOMPARE(c.reconnectMaxDelay(), 20);
        QCOMPARE(c.maxReconnectAttempts(), 3);
        QCOMPARE(c.host(), QStringLiteral("0.0.0.0"));
    }

    void invalidEnvironment_data()
    {
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("key");
        QTest::addRow("port abc") << "SOCKET_PORT" << "abc" << "port";
        QTest::addRow("port too big") << "SOCKET_PORT" << "70000" << "port";
        QTest::addRow("negative interval") << "SOCKET_HEARTBEAT_INTERVAL" << "-5" << "heartBeatInterval";
        QTest::addRow("zero interval") << "SOCKET_HEARTBEAT_INTERVAL" << "0" << "heartBeatInterval";
        QTest::addRow("encryption maybe") << "SOCKET_ENCRYPTION" << "maybe" << "encryption";
        QTest::addRow("address not ws") << "SOCKET_ADDRESS" << "http://x" << "address";
        QTest::addRow("negative delay") << "SOCKET_RECONNECT_BASE_DELAY" << "-1" << "reconnectBaseDelay";
        QTest::addRow("attempts text") << "SOCKET_MAX_RECONNECT_ATTEMPTS" << "many" << "maxReconnectAttempts";
        // Booleans are true or false only: the Node.js library reads anything but
        // "true" as off, so "1" or "yes" would mean opposite things to the two.
        QTest::addRow("encryption 1") << "SOCKET_ENCRYPTION" << "1" << "encryption";
        QTest::addRow("encryption yes") << "SOCKET_ENCRYPTION" << "yes" << "encryption";
        QTest::addRow("encryption 0") << "SOCKET_ENCRYPTION" << "0" << "encryption";
        QTest::addRow("encryption with a space") << "SOCKET_ENCRYPTION" << "TRUE " << "encryption";
        QTest::addRow("log on") << "SOCKET_LOG" << "on" << "log";
        QTest::addRow("heartbeat with unit") << "SOCKET_HEARTBEAT_INTERVAL" << "30s" << "heartBeatInterval";
        QTest::addRow("negative heartbeat timeout") << "SOCKET_HEARTBEAT_TIMEOUT" << "-1" << "heartBeatTimeout";
        QTest::addRow("rate policy drop") << "SOCKET_RATE_LIMIT_POLICY" << "drop" << "rateLimitPolicy";
        QTest::addRow("backlog 0") << "SOCKET_LISTEN_BACKLOG" << "0" << "listenBacklog";
        QTest::addRow("negative workers") << "SOCKET_WORKER_THREADS" << "-1" << "workerThreads";
        QTest::addRow("workers text") << "SOCKET_WORKER_THREADS" << "all" << "workerThreads";
    }

    void capacityKeys()
    {
        SocketConfig c;
        QCOMPARE(c.listenBacklog(), 4096); // not Qt's 50: a reconnect stampede must queue, not retry SYNs
        QCOMPARE(c.workerThreads(), 0);    // one per core
        QProcessEnvironment env;
        env.insert(QStringLiteral("SOCKET_LISTEN_BACKLOG"), QStringLiteral("511"));
        env.insert(QStringLiteral("SOCKET_WORKER_THREADS"), QStringLiteral("4"));
        QString error;
        QVERIFY2(c.applyEnvironment(env, &error), qPrintable(error));
        QCOMPARE(c.listenBacklog(), 511);
        QCOMPARE(c.workerThreads(), 4);
        QCOMPARE(c.toJson().value(QStringLiteral("listenBacklog")).toInt(), 511);
        QCOMPARE(c.toJson().value(QStringLiteral("workerThreads")).toInt(), 4);
        c.setWorkerThreads(2000);
        QVERIFY(c.validate().contains(QStringLiteral("workerThreads")));
    }

    void invalidEnvironment()
    {
        QFETCH(QString, variable);
        QFETCH(QString, value);
        QFETCH(QString, key);
        QProcessEnvironment env;
        env.insert(variable, value);
        SocketConfig c;
        c.setAuthKey(QStringLiteral("kept"));
        const SocketConfig before = c;
        QString error;
        QVERIFY(!c.applyEnvironment(env, &error));
        QVERIFY2(error.contains(key), qPrintable(error));
        QVERIFY2(error.contains(variable), qPrintable(error));
        QCOMPARE(c, before); // nothing changed
    }

    void booleansInAnyCase()
    {
        for (const char *text : {"true", "TRUE", "True"}) {
            QProcessEnvironment env;
            env.insert(QStringLiteral("SOCKET_ENCRYPTION"), QString::fromLatin1(text));
            SocketConfig c;
            c.setEncryption(false);
            QVERIFY2(c.applyEnvironment(env), text);
            QCOMPARE(c.encryption(), true);
        }
        for (const char *text : {"false", "FALSE", "False"}) {
            QProcessEnvironment env;
            env.insert(QStringLiteral("SOCKET_ENCRYPTION"), QString::fromLatin1(text));
            SocketConfig c;
            QVERIFY2(c.applyEnvironment(env), text);
            QCOMPARE(c.encryption(), false);
        }
    }

    void newKeysFromEnvironment()
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("SOCKET_HEARTBEAT_INTERVAL"), QStringLiteral("1000"));
        env.insert(QStringLiteral("SOCKET_RATE_LIMIT_POLICY"), QStringLiteral("close"));
        SocketConfig c = SocketConfig::fromEnvironment(env);
        QVERIFY(c.validate().isEmpty());
        QCOMPARE(c.rateLimitPolicy(), SocketConfig::RateLimitPolicy::Close);
        QCOMPARE(c.heartBeatTimeout(), 0);
        QCOMPARE(c.effectiveHeartBeatTimeout(), 1000); // default: one interval
        env.insert(QStringLiteral("SOCKET_HEARTBEAT_TIMEOUT"), QStringLiteral("250"));
        env.insert(QStringLiteral("SOCKET_RATE_LIMIT_POLICY"), QStringLiteral("Throttle"));
        c = SocketConfig::fromEnvironment(env);
        QCOMPARE(c.effectiveHeartBeatTimeout(), 250);
        QCOMPARE(c.rateLimitPolicy(), SocketConfig::RateLimitPolicy::Throttle);
        QCOMPARE(SocketConfig().rateLimitPolicy(), SocketConfig::RateLimitPolicy::Throttle);
    }

    void badEnvironmentIsInvalid()
    {
        // SOCKET_AUTH_KEY=s3cret SOCKET_HEARTBEAT_INTERVAL=30s used to give a default
        // configuration (authKey AUTH_KEY) with no error anywhere.
        QProcessEnvironment env;
        env.insert(QStringLiteral("SOCKET_AUTH_KEY"), QStringLiteral("s3cret"));
        env.insert(QStringLiteral("SOCKET_HEARTBEAT_INTERVAL"), QStringLiteral("30s"));
        QString error;
        const SocketConfig c = SocketConfig::fromEnvironment(env, &error);
        QVERIFY(error.contains(QStringLiteral("SOCKET_HEARTBEAT_INTERVAL")));
        QCOMPARE(c.validate(), error);

        // Both objects report it and refuse to run until a valid configuration is set.
        Stonyx::Sockets::SocketServer server(c);
        QCOMPARE(server.error(), Stonyx::Sockets::SocketServer::Error::ConfigurationError);
        QVERIFY(server.errorString().contains(QStringLiteral("SOCKET_HEARTBEAT_INTERVAL")));
        server.registerHandler(QStringLiteral("auth"), [](const QJsonValue &, Stonyx::Sockets::SocketConnection *) { return QJsonValue(true); });
        QVERIFY(!server.listen());
        QVERIFY(!server.isListening());

        Stonyx::Sockets::SocketClient client(c);
        QCOMPARE(client.error(), Stonyx::Sockets::SocketClient::Error::ConfigurationError);
        QVERIFY(client.errorString().contains(QStringLiteral("SOCKET_HEARTBEAT_INTERVAL")));
        client.open();
        QCOMPARE(client.state(), Stonyx::Sockets::SocketClient::State::Disconnected);

        // A valid configuration clears it.
        SocketConfig good;
        good.setPort(0);
        good.setHandlerDir(QString());
        server.setConfig(good);
        QCOMPARE(server.error(), Stonyx::Sockets::SocketServer::Error::NoError);
        QVERIFY2(server.listen(), qPrintable(server.errorString()));
    }

    void unlimitedAttempts()
    {
        for (const char *text : {"unlimited", "Infinity", "-1"}) {
            QProcessEnvironment env;
            env.insert(QStringLiteral("SOCKET_MAX_RECONNECT_ATTEMPTS"), QString::fromLatin1(text));
            SocketConfig c;
            c.setMaxReconnectAttempts(5);
            QVERIFY(c.applyEnvironment(env));
            QCOMPARE(c.maxReconnectAttempts(), SocketConfig::Unlimited);
        }
    }

    void jsonFile()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        file.write("{\"port\": 0, \"authKey\": \"from-file\", \"encryption\": false, \"maxReconnectAttempts\": null, \"address\": \"ws://127.0.0.1:1234\", \"heartBeatInterval\": 250}");
        file.close();
        SocketConfig c;
        QString error;
        QVERIFY2(c.loadFile(file.fileName(), &error), qPrintable(error));
        QCOMPARE(c.port(), 0);
        QCOMPARE(c.authKey(), QStringLiteral("from-file"));
        QCOMPARE(c.encryption(), false);
        QCOMPARE(c.maxReconnectAttempts(), SocketConfig::Unlimited);
        QCOMPARE(c.address(), QUrl(QStringLiteral("ws://127.0.0.1:1234")));
        QCOMPARE(c.heartBeatInterval(), 250);
        // The round trip through toJson() gives the same configuration.
        SocketConfig copy;
        QVERIFY(copy.applyJson(c.toJson(), &error));
        QCOMPARE(copy, c);
    }

    void environmentOverFile()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        file.write("{\"port\": 1111, \"authKey\": \"file\"}");
        file.close();
        QProcessEnvironment env;
        env.insert(QStringLiteral("SOCKET_CONFIG"), file.fileName());
        env.insert(QStringLiteral("SOCKET_PORT"), QStringLiteral("2222"));
        QString error;
        const SocketConfig c = SocketConfig::fromEnvironment(env, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(c.port(), 2222);
        QCOMPARE(c.authKey(), QStringLiteral("file"));
    }

    void invalidJson_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::addRow("not json") << QByteArray("{port:") << "not valid JSON";
        QTest::addRow("not object") << QByteArray("[1]") << "JSON object";
        QTest::addRow("unknown key") << QByteArray("{\"prot\": 1}") << "\"prot\"";
        QTest::addRow("port text") << QByteArray("{\"port\": \"abc\"}") << "\"port\"";
        QTest::addRow("port fraction") << QByteArray("{\"port\": 1.5}") << "\"port\"";
        QTest::addRow("negative interval") << QByteArray("{\"heartBeatInterval\": -1}") << "\"heartBeatInterval\"";
        QTest::addRow("log number") << QByteArray("{\"log\": 3}") << "\"log\"";
    }

    void invalidJson()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        QTemporaryFile file;
        QVERIFY(file.open());
        file.write(content);
        file.close();
        SocketConfig c;
        QString error;
        QVERIFY(!c.loadFile(file.fileName(), &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QCOMPARE(c, SocketConfig());
    }

    void missingFile()
    {
        SocketConfig c;
        QString error;
        QVERIFY(!c.loadFile(QStringLiteral("/nonexistent/stonyx.json"), &error));
        QVERIFY(error.contains(QStringLiteral("/nonexistent/stonyx.json")));
    }
};

QTEST_GUILESS_MAIN(tst_SocketConfig)
#include "tst_socketconfig.moc"
