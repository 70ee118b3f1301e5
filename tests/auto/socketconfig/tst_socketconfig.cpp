// SPDX-License-Identifier: MIT
#include <Stonyx/Sockets/SocketClient>
#include <Stonyx/Sockets/SocketConfig>
#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketServer>

#include <QJsonArray>
#include <QJsonValue>
#include <QMetaProperty>
#include <QTemporaryFile>
#include <QVariant>

#include <limits>
#include <QTest>

using Stonyx::Sockets::SocketConfig;

namespace {

struct KeySample {
    const char *key;
    const char *variable; // as the README documents it
    const char *text;     // a valid value that is not the default
    QJsonValue json;      // the same value as toJson() gives it
};

// Every key, with its documented environment variable.
QList<KeySample> keySamples()
{
    return {
        {"port", "SOCKET_PORT", "9000", 9000},
        {"host", "SOCKET_HOST", " 0.0.0.0 ", QStringLiteral("0.0.0.0")},
        {"address", "SOCKET_ADDRESS", "wss://example.org:1/x", QStringLiteral("wss://example.org:1/x")},
        {"authKey", "SOCKET_AUTH_KEY", " s3cret ", QStringLiteral(" s3cret ")}, // secrets are not trimmed
        {"heartBeatInterval", "SOCKET_HEARTBEAT_INTERVAL", "500", 500},
        {"heartBeatTimeout", "SOCKET_HEARTBEAT_TIMEOUT", "250", 250},
        {"handlerDir", "SOCKET_HANDLER_DIR", "/srv/handlers", QStringLiteral("/srv/handlers")},
        {"log", "SOCKET_LOG", "TRUE", true},
        {"encryption", "SOCKET_ENCRYPTION", "false", false},
        {"reconnectBaseDelay", "SOCKET_RECONNECT_BASE_DELAY", "10", 10},
        {"reconnectMaxDelay", "SOCKET_RECONNECT_MAX_DELAY", "20", 20},
        {"maxReconnectAttempts", "SOCKET_MAX_RECONNECT_ATTEMPTS", "3", 3},
        {"maxMessageSize", "SOCKET_MAX_MESSAGE_SIZE", "5000000000", 5000000000.0}, // beyond int
        {"maxFrameSize", "SOCKET_MAX_FRAME_SIZE", "4096", 4096},
        {"handshakeTimeout", "SOCKET_HANDSHAKE_TIMEOUT", "1500", 1500},
        {"authTimeout", "SOCKET_AUTH_TIMEOUT", "0", 0},
        {"messageTimeout", "SOCKET_MESSAGE_TIMEOUT", "7", 7},
        {"maxUnauthenticated", "SOCKET_MAX_UNAUTHENTICATED", "8", 8},
        {"maxUnauthenticatedPerAddress", "SOCKET_MAX_UNAUTHENTICATED_PER_ADDRESS", "9", 9},
        {"listenBacklog", "SOCKET_LISTEN_BACKLOG", "511", 511},
        {"workerThreads", "SOCKET_WORKER_THREADS", "4", 4},
        {"rateLimit", "SOCKET_RATE_LIMIT", "0", 0},
        {"rateBurst", "SOCKET_RATE_BURST", "11", 11},
        {"rateLimitPolicy", "SOCKET_RATE_LIMIT_POLICY", " CLOSE ", QStringLiteral("close")},
        {"idleHeartBeats", "SOCKET_IDLE_HEARTBEATS", "1000", 1000},
        {"maxSendBuffer", "SOCKET_MAX_SEND_BUFFER", "12", 12},
        {"allowedOrigins", "SOCKET_ALLOWED_ORIGINS", " https://a.example , ,https://b.example,",
         QJsonArray{QStringLiteral("https://a.example"), QStringLiteral("https://b.example")}},
        {"tlsCertificate", "SOCKET_TLS_CERTIFICATE", "/etc/cert.pem", QStringLiteral("/etc/cert.pem")},
        {"tlsPrivateKey", "SOCKET_TLS_PRIVATE_KEY", "/etc/key.pem", QStringLiteral("/etc/key.pem")},
        {"tlsCaCertificates", "SOCKET_TLS_CA_CERTIFICATES", "/etc/ca.pem", QStringLiteral("/etc/ca.pem")},
        {"tlsAllowSelfSigned", "SOCKET_TLS_ALLOW_SELF_SIGNED", "true", true},
        {"redisUrl", "SOCKET_REDIS_URL", " redis://:pw@10.0.0.5:6380/2 ", QStringLiteral("redis://:pw@10.0.0.5:6380/2")},
        {"offlineQueueSize", "SOCKET_OFFLINE_QUEUE_SIZE", "0", 0},
        {"offlineQueueBytes", "SOCKET_OFFLINE_QUEUE_BYTES", "4096", 4096},
        {"offlineQueueTtl", "SOCKET_OFFLINE_QUEUE_TTL", "1500", 1500},
        {"reconnectSpread", "SOCKET_RECONNECT_SPREAD", "0", 0},
        {"resumeWindow", "SOCKET_RESUME_WINDOW", "0", 0},
        {"resumeBuffer", "SOCKET_RESUME_BUFFER", "7", 7},
    };
}

} // namespace

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

    void redisUrl_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("valid");
        QTest::addRow("empty") << QString() << true;
        QTest::addRow("host:port") << QStringLiteral("redis://127.0.0.1:6379") << true;
        QTest::addRow("password, db") << QStringLiteral("redis://:s3cret@redis.example:6380/3") << true;
        QTest::addRow("no port") << QStringLiteral("redis://localhost") << true;
        QTest::addRow("wrong scheme") << QStringLiteral("http://127.0.0.1:6379") << false;
        QTest::addRow("no host") << QStringLiteral("redis://:6379") << false;
        QTest::addRow("db not a number") << QStringLiteral("redis://127.0.0.1:6379/x") << false;
        QTest::addRow("negative db") << QStringLiteral("redis://127.0.0.1:6379/-1") << false;
        QTest::addRow("query") << QStringLiteral("redis://127.0.0.1:6379?a=b") << false;
        QTest::addRow("not a URL") << QStringLiteral("127.0.0.1:6379") << false;
    }

    void redisUrl()
    {
        QFETCH(QString, url);
        QFETCH(bool, valid);
        SocketConfig c;
        c.setRedisUrl(url);
        const QString problem = c.validate();
        QCOMPARE(problem.isEmpty(), valid);
        if (!valid) {
            QVERIFY2(problem.contains(QLatin1String("redisUrl")), qPrintable(problem));
            QVERIFY2(!problem.contains(QLatin1String("s3cret")), qPrintable(problem));
        }
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

    void everyKey_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QJsonValue>("json");
        for (const KeySample &sample : keySamples())
            QTest::newRow(sample.key) << QString::fromLatin1(sample.key) << QString::fromLatin1(sample.variable)
                                      << QString::fromLatin1(sample.text) << sample.json;
    }

    // The variable is derived from the key; it is the documented one, and it is the
    // one applyEnvironment() reads.
    void everyKey()
    {
        QFETCH(QString, key);
        QFETCH(QString, variable);
        QFETCH(QString, text);
        QFETCH(QJsonValue, json);
        QCOMPARE(SocketConfig::environmentVariable(key), variable);

        QProcessEnvironment env;
        env.insert(variable, text);
        if (key == u"tlsCertificate" || key == u"tlsPrivateKey") // only valid together
            env.insert(key == u"tlsCertificate" ? QStringLiteral("SOCKET_TLS_PRIVATE_KEY") : QStringLiteral("SOCKET_TLS_CERTIFICATE"),
                       QStringLiteral("/etc/other.pem"));
        SocketConfig fromEnv;
        QString error;
        QVERIFY2(fromEnv.applyEnvironment(env, &error), qPrintable(error));
        QCOMPARE(fromEnv.toJson().value(key), json);
        QVERIFY(SocketConfig().toJson().value(key) != json); // the value is not the default
        QVERIFY(fromEnv != SocketConfig());                  // equality sees every key

        // The same value from JSON, and back through toJson(). (toJson() writes the
        // address, so the copy has one set: compare the values.)
        SocketConfig fromFile;
        const QJsonObject object = fromEnv.toJson();
        QVERIFY2(fromFile.applyJson(object, &error), qPrintable(error));
        QCOMPARE(fromFile.toJson(), object);
        // A JSON string is read as the environment's text.
        SocketConfig fromText;
        QJsonObject textObject{{key, text}};
        if (key == u"tlsCertificate" || key == u"tlsPrivateKey")
            textObject.insert(key == u"tlsCertificate" ? QStringLiteral("tlsPrivateKey") : QStringLiteral("tlsCertificate"),
                              QStringLiteral("/etc/other.pem"));
        QVERIFY2(fromText.applyJson(textObject, &error), qPrintable(error));
        QCOMPARE(fromText, fromEnv);
    }

    // "address" takes several URLs: comma-separated (environment, JSON string) or an
    // array (JSON); address() is the first, addresses() all, toJson() round-trips.
    void severalAddresses()
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("SOCKET_ADDRESS"), QStringLiteral(" ws://a.example:1 ,wss://b.example/x"));
        SocketConfig c;
        QString error;
        QVERIFY2(c.applyEnvironment(env, &error), qPrintable(error));
        const QList<QUrl> both{QUrl(QStringLiteral("ws://a.example:1")), QUrl(QStringLiteral("wss://b.example/x"))};
        QCOMPARE(c.addresses(), both);
        QCOMPARE(c.address(), both.first());
        SocketConfig back;
        QVERIFY2(back.applyJson(c.toJson(), &error), qPrintable(error));
        QCOMPARE(back, c);
        SocketConfig fromArray;
        QVERIFY2(fromArray.applyJson(QJsonObject{{QStringLiteral("address"),
                                                  QJsonArray{QStringLiteral("ws://a.example:1"), QStringLiteral("wss://b.example/x")}}},
                                     &error),
                 qPrintable(error));
        QCOMPARE(fromArray, c);
        // The single-URL API is unchanged.
        c.setAddress(QUrl(QStringLiteral("ws://c.example")));
        QCOMPARE(c.addresses(), QList<QUrl>{QUrl(QStringLiteral("ws://c.example"))});
        c.setAddresses({});
        QCOMPARE(c.address(), QUrl(QStringLiteral("ws://localhost:2667")));
        // One bad element spoils the value; nothing changes.
        for (const char *bad : {"ws://a.example,", "ws://a.example,http://b.example", ",ws://a.example"}) {
            env.insert(QStringLiteral("SOCKET_ADDRESS"), QString::fromLatin1(bad));
            SocketConfig d;
            QVERIFY2(!d.applyEnvironment(env, &error), bad);
            QVERIFY(error.contains(QStringLiteral("SOCKET_ADDRESS")));
            QCOMPARE(d, SocketConfig());
        }
        SocketConfig d;
        QVERIFY(!d.applyJson(QJsonObject{{QStringLiteral("address"), QJsonArray{QStringLiteral("ws://a.example"), 1}}}, &error));
        QVERIFY(!d.applyJson(QJsonObject{{QStringLiteral("address"), QJsonArray{}}}, &error));
    }

    // keySamples() lists every key, in declaration order: a new Q_PROPERTY needs a
    // documented variable, and the derived variables are exactly the documented ones.
    void everyKeyIsListed()
    {
        const QMetaObject &meta = SocketConfig::staticMetaObject;
        QStringList keys;
        for (int i = meta.propertyOffset(); i < meta.propertyCount(); ++i)
            keys << QString::fromLatin1(meta.property(i).name());
        QStringList listed;
        QStringList documented;
        QStringList derived;
        for (const KeySample &sample : keySamples()) {
            listed << QString::fromLatin1(sample.key);
            documented << QString::fromLatin1(sample.variable);
            derived << SocketConfig::environmentVariable(QString::fromLatin1(sample.key));
        }
        QCOMPARE(listed, keys);
        QCOMPARE(derived, documented);
        QStringList jsonKeys = SocketConfig().toJson().keys();
        QStringList sortedKeys = keys;
        sortedKeys.sort();
        QCOMPARE(jsonKeys, sortedKeys); // toJson() writes every key and nothing else

        // Not keys: no variable.
        QCOMPARE(SocketConfig::environmentVariable(QStringLiteral("bogus")), QString());
        QCOMPARE(SocketConfig::environmentVariable(QStringLiteral("Port")), QString());
        QCOMPARE(SocketConfig::environmentVariable(QStringLiteral("port\u0000x")), QString());
        QCOMPARE(SocketConfig::environmentVariable(QString()), QString());
        // Near misses of the derivation are not read.
        QProcessEnvironment env;
        env.insert(QStringLiteral("SOCKET_HEART_BEAT_INTERVAL"), QStringLiteral("5"));
        env.insert(QStringLiteral("SOCKET_IDLE_HEART_BEATS"), QStringLiteral("5"));
        env.insert(QStringLiteral("SOCKET_AUTHKEY"), QStringLiteral("x"));
        SocketConfig c;
        QVERIFY(c.applyEnvironment(env));
        QCOMPARE(c, SocketConfig());
    }

    // Each number's range holds for the environment, for JSON and for validate(),
    // whose messages (translated, in translations/*.ts) stay as they were.
    void ranges_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<qint64>("lowest");
        QTest::addColumn<qint64>("highest"); // as input
        QTest::addColumn<QString>("message"); // validate() below the lowest
        const QString sizes = QStringLiteral(
            "Configuration keys \"maxMessageSize\", \"maxFrameSize\" and \"maxSendBuffer\" must be positive");
        const QString limits = QStringLiteral(
            "Limits (\"authTimeout\", \"messageTimeout\", \"maxUnauthenticated\", \"maxUnauthenticatedPerAddress\", "
            "\"rateLimit\", \"idleHeartBeats\") must not be negative");
        const qint64 intMax = std::numeric_limits<int>::max();
        const qint64 int64Max = std::numeric_limits<qint64>::max();
        QTest::newRow("port") << "port" << qint64(0) << qint64(65535)
                              << "Configuration key \"port\" must be between 0 and 65535, not -1";
        QTest::newRow("heartBeatInterval") << "heartBeatInterval" << qint64(1) << intMax
                                           << "Configuration key \"heartBeatInterval\" must be positive, not 0";
        QTest::newRow("heartBeatTimeout") << "heartBeatTimeout" << qint64(0) << intMax
                                          << "Configuration key \"heartBeatTimeout\" must not be negative, not -1";
        QTest::newRow("reconnectBaseDelay") << "reconnectBaseDelay" << qint64(0) << intMax
                                            << "Configuration key \"reconnectBaseDelay\" must not be negative, not -1";
        QTest::newRow("reconnectMaxDelay") << "reconnectMaxDelay" << qint64(0) << intMax
                                           << "Configuration key \"reconnectMaxDelay\" must not be negative, not -1";
        QTest::newRow("maxReconnectAttempts") << "maxReconnectAttempts" << qint64(-1) << intMax
                                              << "Configuration key \"maxReconnectAttempts\" must be -1 (unlimited) or more, not -2";
        QTest::newRow("maxMessageSize") << "maxMessageSize" << qint64(1) << int64Max << sizes;
        QTest::newRow("maxFrameSize") << "maxFrameSize" << qint64(1) << int64Max << sizes;
        QTest::newRow("maxSendBuffer") << "maxSendBuffer" << qint64(1) << int64Max << sizes;
        QTest::newRow("handshakeTimeout") << "handshakeTimeout" << qint64(1) << intMax
                                          << "Configuration key \"handshakeTimeout\" must be positive, not 0";
        QTest::newRow("authTimeout") << "authTimeout" << qint64(0) << intMax << limits;
        QTest::newRow("messageTimeout") << "messageTimeout" << qint64(0) << intMax << limits;
        QTest::newRow("maxUnauthenticated") << "maxUnauthenticated" << qint64(0) << intMax << limits;
        QTest::newRow("maxUnauthenticatedPerAddress") << "maxUnauthenticatedPerAddress" << qint64(0) << intMax << limits;
        QTest::newRow("rateLimit") << "rateLimit" << qint64(0) << intMax << limits;
        QTest::newRow("idleHeartBeats") << "idleHeartBeats" << qint64(0) << qint64(1000) << limits;
        QTest::newRow("listenBacklog") << "listenBacklog" << qint64(1) << intMax
                                       << "Configuration key \"listenBacklog\" must be at least 1, not 0";
        QTest::newRow("workerThreads") << "workerThreads" << qint64(0) << qint64(1024)
                                       << "Configuration key \"workerThreads\" must be between 0 (one per core) and 1024, not -1";
        QTest::newRow("rateBurst") << "rateBurst" << qint64(1) << intMax
                                   << "Configuration key \"rateBurst\" must be at least 1, not 0";
    }

    void ranges()
    {
        QFETCH(QString, key);
        QFETCH(qint64, lowest);
        QFETCH(qint64, highest);
        QFETCH(QString, message);
        const QString variable = SocketConfig::environmentVariable(key);
        const auto fromEnvironment = [&](const QString &text) {
            QProcessEnvironment env;
            env.insert(variable, text);
            SocketConfig c;
            QString error;
            const bool ok = c.applyEnvironment(env, &error);
            return ok ? c.toJson().value(key) : QJsonValue(error);
        };
        const auto fromJson = [&](qint64 value) {
            SocketConfig c;
            QString error;
            const bool ok = c.applyJson(QJsonObject{{key, double(value)}}, &error);
            return ok ? c.toJson().value(key) : QJsonValue(error);
        };
        const QJsonValue lowestJson = key == u"maxReconnectAttempts" ? QJsonValue(QJsonValue::Null) : QJsonValue(lowest);
        QCOMPARE(fromEnvironment(QString::number(lowest)), lowestJson);
        QCOMPARE(fromEnvironment(QString::number(highest)), QJsonValue(highest));
        QVERIFY(fromEnvironment(QString::number(lowest - 1)).toString().contains(variable));
        if (highest < std::numeric_limits<qint64>::max())
            QVERIFY(fromEnvironment(QString::number(highest + 1)).toString().contains(variable));
        if (highest < (qint64(1) << 53)) { // exact as a JSON number
            QCOMPARE(fromJson(lowest), lowestJson);
            QCOMPARE(fromJson(highest), QJsonValue(highest));
            QVERIFY(fromJson(lowest - 1).toString().contains(key));
            QVERIFY(fromJson(highest + 1).toString().contains(key));
        }

        // Set in code: validate() names the key, in the same words as always.
        const QMetaObject &meta = SocketConfig::staticMetaObject;
        const QMetaProperty property = meta.property(meta.indexOfProperty(key.toLatin1().constData()));
        SocketConfig c;
        QVERIFY(property.writeOnGadget(&c, QVariant(lowest - 1)));
        QCOMPARE(c.validate(), message);
        QVERIFY(property.writeOnGadget(&c, QVariant(lowest)));
        QCOMPARE(c.validate(), QString());
    }

    void otherRules()
    {
        // The first broken rule is reported, in the order validate() always checked.
        SocketConfig c;
        c.setRateBurst(0);
        c.setPort(-1);
        QCOMPARE(c.validate(), QStringLiteral("Configuration key \"port\" must be between 0 and 65535, not -1"));
        c = SocketConfig();
        c.setTlsCertificate(QStringLiteral("cert.pem"));
        QCOMPARE(c.validate(), QStringLiteral("Configuration keys \"tlsCertificate\" and \"tlsPrivateKey\" must be set together"));
        c.setHost(QString());
        QCOMPARE(c.validate(), QStringLiteral("Configuration key \"host\" must not be empty"));

        // idleHeartBeats: at most 1000 as input; validate() only wants it non-negative.
        c = SocketConfig();
        c.setIdleHeartBeats(5000);
        QCOMPARE(c.validate(), QString());

        // host: an empty value is refused; blanks are trimmed, and then it is empty.
        QProcessEnvironment env;
        env.insert(QStringLiteral("SOCKET_HOST"), QString());
        QString error;
        c = SocketConfig();
        QVERIFY(!c.applyEnvironment(env, &error));
        QCOMPARE(error, QStringLiteral("Invalid value \"\" for SOCKET_HOST (configuration key \"host\")"));
        env.insert(QStringLiteral("SOCKET_HOST"), QStringLiteral("  "));
        QVERIFY(!c.applyEnvironment(env, &error));
        QCOMPARE(error, QStringLiteral("Configuration key \"host\" must not be empty"));
        // handlerDir: refused empty as input, though an empty one set in code is valid.
        env.clear();
        env.insert(QStringLiteral("SOCKET_HANDLER_DIR"), QString());
        QVERIFY(!c.applyEnvironment(env, &error));
        QVERIFY(error.contains(QStringLiteral("SOCKET_HANDLER_DIR")));
        // Other strings are taken as they are, empty or not.
        env.clear();
        env.insert(QStringLiteral("SOCKET_AUTH_KEY"), QString());
        env.insert(QStringLiteral("SOCKET_TLS_CA_CERTIFICATES"), QStringLiteral(" ca.pem "));
        QVERIFY2(c.applyEnvironment(env, &error), qPrintable(error));
        QCOMPARE(c.authKey(), QString());
        QCOMPARE(c.tlsCaCertificates(), QStringLiteral(" ca.pem "));

        // address: ws:// or wss:// with a host.
        for (const char *bad : {"http://x", "ws://", "ws:///path", "not a url"}) {
            SocketConfig a;
            QVERIFY2(!a.applyJson(QJsonObject{{QStringLiteral("address"), QString::fromLatin1(bad)}}, &error), bad);
            QVERIFY2(error.contains(QStringLiteral("\"address\"")), qPrintable(error));
        }

        // maxReconnectAttempts: unlimited in words, as exactly -1, and as JSON null; out as null.
        for (const char *text : {"unlimited", " Infinity ", "-1"}) {
            SocketConfig a;
            a.setMaxReconnectAttempts(2);
            QVERIFY2(a.applyJson(QJsonObject{{QStringLiteral("maxReconnectAttempts"), QString::fromLatin1(text)}}), text);
            QCOMPARE(a.maxReconnectAttempts(), SocketConfig::Unlimited);
        }
        env.clear();
        env.insert(QStringLiteral("SOCKET_MAX_RECONNECT_ATTEMPTS"), QStringLiteral("-01"));
        QVERIFY(!c.applyEnvironment(env)); // as text, only the exact "-1"
        QVERIFY(!c.applyJson(QJsonObject{{QStringLiteral("port"), QJsonValue(QJsonValue::Null)}}, &error));
        QVERIFY(error.contains(QStringLiteral("\"port\"")));

        // allowedOrigins: a JSON array is taken as it is; other element types are refused.
        SocketConfig o;
        QVERIFY(o.applyJson(QJsonObject{{QStringLiteral("allowedOrigins"), QJsonArray{QStringLiteral(" a "), QString()}}}));
        QCOMPARE(o.allowedOrigins(), QStringList({QStringLiteral(" a "), QString()}));
        QVERIFY(!o.applyJson(QJsonObject{{QStringLiteral("allowedOrigins"), QJsonArray{1}}}));
        QVERIFY(!o.applyJson(QJsonObject{{QStringLiteral("allowedOrigins"), true}}));

        // rateLimitPolicy: the enum's keys in any case; written in camelCase.
        QVERIFY(o.applyJson(QJsonObject{{QStringLiteral("rateLimitPolicy"), QStringLiteral("Close")}}));
        QCOMPARE(o.rateLimitPolicy(), SocketConfig::RateLimitPolicy::Close);
        QCOMPARE(o.toJson().value(QStringLiteral("rateLimitPolicy")), QJsonValue(QStringLiteral("close")));
        QVERIFY(!o.applyJson(QJsonObject{{QStringLiteral("rateLimitPolicy"), 1}}));

        // A JSON key must match a whole name.
        QVERIFY(!o.applyJson(QJsonObject{{QStringLiteral("port\u0000x"), 1}}, &error));
        QVERIFY(error.startsWith(QStringLiteral("Unknown configuration key")));
    }

    void equality()
    {
        // Every key counts (see everyKey()); so do whether address was set, and a load error.
        SocketConfig explicitAddress;
        explicitAddress.setAddress(SocketConfig().address());
        QCOMPARE(explicitAddress.address(), SocketConfig().address());
        QVERIFY(explicitAddress != SocketConfig());
        QProcessEnvironment env;
        env.insert(QStringLiteral("SOCKET_PORT"), QStringLiteral("x"));
        const SocketConfig failed = SocketConfig::fromEnvironment(env);
        QCOMPARE(failed.toJson(), SocketConfig().toJson());
        QVERIFY(failed != SocketConfig());
        SocketConfig copy = failed;
        QVERIFY(copy == failed);
        copy.setLog(true);
        QVERIFY(copy != failed);
    }

    void missingFile()
    {
        SocketConfig c;
        QString error;
        QVERIFY(!c.loadFile(QStringLiteral("/nonexistent/stonyx.json"), &error));
        QVERIFY(error.contains(QStringLiteral("/nonexistent/stonyx.json")));
    }

    void endlessFile()
    {
        // /dev/zero as the configuration file was read until memory ran out.
        SocketConfig c;
        QString error;
        QVERIFY(!c.loadFile(QStringLiteral("/dev/zero"), &error));
        QVERIFY2(error.contains(QStringLiteral("larger than 1048576 bytes")), qPrintable(error));
        // Just below the bound is read (and judged as JSON).
        QTemporaryFile file;
        QVERIFY(file.open());
        QByteArray json = "{\"authKey\": \"k\"}";
        json.append(QByteArray(1024 * 1024 - json.size(), ' '));
        file.write(json);
        file.close();
        QVERIFY2(c.loadFile(file.fileName(), &error), qPrintable(error));
        QCOMPARE(c.authKey(), QStringLiteral("k"));
    }
};

QTEST_GUILESS_MAIN(tst_SocketConfig)
#include "tst_socketconfig.moc"
