// SPDX-License-Identifier: MIT
#include <Stonyx/Sockets/HandlerLoader>
#include <Stonyx/Sockets/SocketHandler>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPluginLoader>
#include <QTest>

using Stonyx::Sockets::HandlerLoader;

namespace {

QString pluginPath(const QString &base)
{
    return QDir(QStringLiteral(STONYX_TEST_PLUGIN_DIR)).absoluteFilePath(QStringLiteral("lib%1.so").arg(base));
}

bool isLoaded(const QString &base)
{
    return QPluginLoader(pluginPath(base)).isLoaded();
}

QString problemFor(const QList<HandlerLoader::Problem> &problems, const QString &fileNamePart)
{
    for (const auto &p : problems) {
        if (p.filePath.contains(fileNamePart))
            return p.message;
    }
    return {};
}

QJsonObject readJson(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

// Checks a plugin's "Stonyx" object against the properties of the metadata schema:
// the types, the enum and minLength it uses. Returns the first violation.
QString schemaViolation(const QJsonObject &properties, const QJsonObject &fields)
{
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        const QJsonObject rule = properties.value(it.key()).toObject();
        const QString type = rule.value(u"type").toString();
        if ((type == u"boolean" && !it->isBool()) || (type == u"string" && !it->isString()))
            return it.key() + QStringLiteral(" is not a ") + type;
        if (rule.contains(u"enum") && !rule.value(u"enum").toArray().contains(*it))
            return it.key() + QStringLiteral(" is not in the enum");
        if (rule.contains(u"minLength") && it->toString().size() < rule.value(u"minLength").toInt())
            return it.key() + QStringLiteral(" is too short");
    }
    return {};
}

} // namespace

class tst_HandlerLoader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void names_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("name");
        QTest::addRow("kebab") << "libvalidate-game.so" << "validateGame";
        QTest::addRow("plain") << "libauth.so" << "auth";
        QTest::addRow("versioned") << "/opt/x/libopen-the-door.so.1.2" << "openTheDoor";
        QTest::addRow("windows") << "validate-game.dll" << "validateGame";
        QTest::addRow("mac") << "libecho.dylib" << "echo";
        QTest::addRow("no lib prefix") << "ping-pong.so" << "pingPong";
        QTest::addRow("camel kept") << "libheartBeat.so" << "heartBeat";
        QTest::addRow("just lib") << "lib.so" << "lib";
    }

    void names()
    {
        QFETCH(QString, file);
        QFETCH(QString, name);
        QCOMPARE(HandlerLoader::handlerNameFromFileName(file), name);
    }

    void missingDirectory()
    {
        QList<HandlerLoader::Problem> problems;
        QVERIFY(HandlerLoader::discover(QStringLiteral("/nonexistent/handlers"), HandlerLoader::Side::Server, &problems).isEmpty());
        QVERIFY(problems.isEmpty());
    }

    void discoverWithoutLoading()
    {
        QList<HandlerLoader::Problem> problems;
        const auto candidates = HandlerLoader::discover(QStringLiteral(STONYX_TEST_PLUGIN_DIR), HandlerLoader::Side::Server, &problems);
        QStringList names;
        for (const auto &c : candidates)
            names << c.name;
        // no-interface passes discovery (its metadata is fine); loading rejects it.
        QCOMPARE(names, (QStringList{QStringLiteral("noInterface"), QStringLiteral("openDoor"), QStringLiteral("serverProbe"),
                                     QStringLiteral("threadProbe"), QStringLiteral("validateGame")}));
        for (const char *base : {"validate-game", "open-door", "client-news", "dormant", "wrong-iid", "zz-duplicate"})
            QVERIFY2(!isLoaded(QString::fromLatin1(base)), base);

        QVERIFY(problemFor(problems, QStringLiteral("wrong-iid")).contains(QStringLiteral("org.example.SomethingElse/1.0")));
        QVERIFY(problemFor(problems, QStringLiteral("bad-metadata")).contains(QStringLiteral("skipAuth")));
        QVERIFY(problemFor(problems, QStringLiteral("not-a-plugin")).contains(QStringLiteral("not a Qt plugin")));
        QVERIFY(problemFor(problems, QStringLiteral("README.txt")).contains(QStringLiteral("not a shared library")));
        QVERIFY(problemFor(problems, QStringLiteral("zz-duplicate")).contains(QStringLiteral("validateGame")));
        QVERIFY(problemFor(problems, QStringLiteral("dormant")).isEmpty()); // not a problem, just not this side

        const auto open = std::find_if(candidates.begin(), candidates.end(), [](const auto &c) { return c.name == u"openDoor"; });
        QVERIFY(open->skipAuth);
        QVERIFY(open->filePath.endsWith(QStringLiteral("libopen-door.so")));
        QCOMPARE(open->affinity, HandlerLoader::Affinity::Worker); // no "thread": the default
    }

    void metadataSchema()
    {
        // src/lib/handlerloader-metadata.schema.json describes what discover() reads.
        const QDir source(QStringLiteral(STONYX_SOURCE_DIR));
        const QJsonObject schema = readJson(source.absoluteFilePath(QStringLiteral("src/lib/handlerloader-metadata.schema.json")));
        QVERIFY(!schema.isEmpty());
        const QJsonObject properties = schema[u"properties"][u"Stonyx"][u"properties"].toObject();
        QCOMPARE(properties.keys(), (QStringList{QStringLiteral("client"), QStringLiteral("description"), QStringLiteral("name"),
                                                 QStringLiteral("server"), QStringLiteral("skipAuth"), QStringLiteral("thread")}));
        // Its defaults are the loader's.
        const HandlerLoader::Candidate defaults;
        QCOMPARE(properties[u"server"][u"default"], QJsonValue(defaults.server));
        QCOMPARE(properties[u"client"][u"default"], QJsonValue(defaults.client));
        QCOMPARE(properties[u"skipAuth"][u"default"], QJsonValue(defaults.skipAuth));
        QCOMPARE(defaults.affinity, HandlerLoader::Affinity::Worker);
        QCOMPARE(properties[u"thread"][u"default"], QJsonValue(QStringLiteral("worker")));
        QCOMPARE(properties[u"thread"][u"enum"], QJsonValue(QJsonArray{QStringLiteral("worker"), QStringLiteral("server")}));

        // The metadata in this repository: the loader accepts exactly what the schema does.
        const QDir examples(source.absoluteFilePath(QStringLiteral("examples/handlers")));
        const QDir plugins(source.absoluteFilePath(QStringLiteral("tests/auto/plugins")));
        QStringList accepted;
        for (const QString &file : examples.entryList({QStringLiteral("*.json")}))
            accepted << examples.absoluteFilePath(file);
        for (const char *file : {"validategame", "opendoor", "clientnews", "dormant", "duplicate", "nointerface"})
            accepted << plugins.absoluteFilePath(QLatin1StringView(file) + QStringLiteral(".json"));
        QCOMPARE(accepted.size(), 9); // auth.json, echo.json and cluster.json among them
        for (const QString &path : std::as_const(accepted)) {
            const QJsonObject metadata = readJson(path);
            QVERIFY2(metadata[u"Stonyx"].isObject(), qPrintable(path));
            QVERIFY2(schemaViolation(properties, metadata[u"Stonyx"].toObject()).isEmpty(), qPrintable(path));
        }
        QList<HandlerLoader::Problem> problems;
        HandlerLoader::discover(QStringLiteral(STONYX_TEST_PLUGIN_DIR), HandlerLoader::Side::Server, &problems);
        QVERIFY(!problemFor(problems, QStringLiteral("bad-metadata")).isEmpty());
        QCOMPARE(schemaViolation(properties, readJson(plugins.absoluteFilePath(QStringLiteral("badmetadata.json")))[u"Stonyx"].toObject()),
                 QStringLiteral("skipAuth is not a boolean"));
        QCOMPARE(schemaViolation(properties, QJsonObject{{QStringLiteral("thread"), QStringLiteral("gui")}}),
                 QStringLiteral("thread is not in the enum"));
        QCOMPARE(schemaViolation(properties, QJsonObject{{QStringLiteral("name"), QString()}}),
                 QStringLiteral("name is too short"));
    }

    void loadServerSide()
    {
        const HandlerLoader::Result result = HandlerLoader::load(QStringLiteral(STONYX_TEST_PLUGIN_DIR), HandlerLoader::Side::Server);
        QStringList names;
        for (const auto &h : result.handlers) {
            names << h.name;
            QVERIFY(h.handler);
            QVERIFY(h.instance);
        }
        QCOMPARE(names, (QStringList{QStringLiteral("openDoor"), QStringLiteral("serverProbe"), QStringLiteral("threadProbe"),
                                     QStringLiteral("validateGame")}));
        QVERIFY(problemFor(result.problems, QStringLiteral("no-interface")).contains(QStringLiteral("does not implement")));
        // The client-only and dormant plugins were never loaded.
        QVERIFY(!isLoaded(QStringLiteral("client-news")));
        QVERIFY(!isLoaded(QStringLiteral("dormant")));
        QVERIFY(isLoaded(QStringLiteral("validate-game")));
    }

    void loadClientSide()
    {
        const HandlerLoader::Result result = HandlerLoader::load(QStringLiteral(STONYX_TEST_PLUGIN_DIR), HandlerLoader::Side::Client);
        QCOMPARE(result.handlers.size(), 1);
        QCOMPARE(result.handlers.first().name, QStringLiteral("clientNews"));
        QVERIFY(!isLoaded(QStringLiteral("dormant")));
    }
};

QTEST_GUILESS_MAIN(tst_HandlerLoader)
#include "tst_handlerloader.moc"
