// SPDX-License-Identifier: MIT
#include <Stonyx/Sockets/HandlerLoader>
#include <Stonyx/Sockets/SocketHandler>

#include <QDir>
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
        QCOMPARE(names, (QStringList{QStringLiteral("noInterface"), QStringLiteral("openDoor"), QStringLiteral("validateGame")}));
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

    void loadServerSide()
    {
        const HandlerLoader::Result result = HandlerLoader::load(QStringLiteral(STONYX_TEST_PLUGIN_DIR), HandlerLoader::Side::Server);
        QStringList names;
        for (const auto &h : result.handlers) {
            names << h.name;
            QVERIFY(h.handler);
            QVERIFY(h.instance);
        }
        QCOMPARE(names, (QStringList{QStringLiteral("openDoor"), QStringLiteral("validateGame")}));
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
