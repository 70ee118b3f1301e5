// SPDX-License-Identifier: MIT
// HandlerRegistry, the one handler registry behind SocketServer and SocketClient:
// registration in code, plugin directories (real plugins built next to this test),
// duplicates, thread affinity metadata, bad metadata, the reporting of problems, and
// handlers that unregister themselves while they run, alone and over real sockets.

#include "handlerregistry_p.h"
#include "socketserver_p.h"
#include "testpeer.h"

#include <Stonyx/Sockets/SocketClient>
#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketServer>

#include <QDir>
#include <QElapsedTimer>
#include <QPluginLoader>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>

using namespace Stonyx::Sockets;
using TestPeer::RawClient;
using TestPeer::RawServer;
using Affinity = HandlerLoader::Affinity;

Q_LOGGING_CATEGORY(lcRegistryTest, "stonyx.test.registry", QtInfoMsg)

namespace {

const QString Key = QStringLiteral("registry-key");

QString pluginDir()
{
    return QStringLiteral(STONYX_REGISTRY_PLUGIN_DIR);
}

QString pluginPath(const QString &base)
{
    return QDir(pluginDir()).absoluteFilePath(QStringLiteral("lib%1.so").arg(base));
}

QString problemFor(const QList<HandlerLoader::Problem> &problems, const QString &fileNamePart)
{
    for (const auto &p : problems) {
        if (p.filePath.contains(fileNamePart))
            return p.message;
    }
    return {};
}

QJsonValue call(const HandlerRegistry::EntryRef &entry, const QJsonValue &data = {})
{
    return entry->handler->handleRequest(data, nullptr);
}

// Sets a flag when destroyed: captured by a callable, it tells when the callable went.
struct Witness {
    explicit Witness(bool *flag)
        : destroyed(flag)
    {
    }
    ~Witness() { *destroyed = true; }
    bool *destroyed;
};

SocketConfig serverConfig(bool encryption, const QString &handlerDir)
{
    SocketConfig c;
    c.setPort(0);
    c.setAuthKey(Key);
    c.setEncryption(encryption);
    c.setHandlerDir(handlerDir);
    c.setLog(false);
    return c;
}

// A server with the plugins of this test and a code-registered "auth".
std::unique_ptr<SocketServer> startServer(bool encryption)
{
    auto server = std::make_unique<SocketServer>(TestPeer::withWorkers(serverConfig(encryption, pluginDir())));
    server->registerHandler(QStringLiteral("auth"), [](const QJsonValue &, SocketConnection *) { return QJsonValue(true); }, {});
    if (!server->listen())
        return {};
    return server;
}

std::optional<QJsonObject> ask(RawClient &peer, const QString &request, const QJsonValue &data)
{
    peer.sendRequest(request, data);
    return peer.waitForMessage();
}

} // namespace

class tst_HandlerRegistry : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(pluginPath(QStringLiteral("twin-a"))), qPrintable(pluginPath(QStringLiteral("twin-a"))));
    }

    void callables()
    {
        HandlerRegistry registry(HandlerLoader::Side::Server, lcRegistryTest);
        QString error;
        QVERIFY(registry.add(QStringLiteral("double"),
                             RequestFunction([](const QJsonValue &data, SocketConnection *) { return QJsonValue(data.toInt() * 2); }),
                             true, Affinity::Worker, &error));
        QVERIFY(error.isEmpty());
        const HandlerRegistry::EntryRef entry = registry.find(QStringLiteral("double"));
        QVERIFY(entry);
        QCOMPARE(entry->name, QStringLiteral("double"));
        QVERIFY(entry->owned);
        QVERIFY(entry->skipAuth);
        QCOMPARE(entry->affinity, Affinity::Worker);
        QVERIFY(entry->source.isEmpty());
        QCOMPARE(call(entry, 21), QJsonValue(42));

        // A client-side callable: handleResponse() reaches it.
        HandlerRegistry client(HandlerLoader::Side::Client, lcRegistryTest);
        QJsonValue got;
        QVERIFY(client.add(QStringLiteral("news"), ResponseFunction([&got](const QJsonValue &r) { got = r; }),
                           Affinity::Server, &error));
        client.find(QStringLiteral("news"))->handler->handleResponse(QStringLiteral("hello"));
        QCOMPARE(got, QJsonValue(QStringLiteral("hello")));

        // An object registered in code is not owned; the defaults are closed and on the worker.
        SocketHandler plain;
        QVERIFY(registry.add(QStringLiteral("plain"), &plain, false, Affinity::Server, &error));
        const auto plainEntry = registry.find(QStringLiteral("plain"));
        QCOMPARE(plainEntry->handler.get(), &plain);
        QVERIFY(!plainEntry->owned);
        QCOMPARE(plainEntry->handler.use_count(), 0); // no control block: nothing to delete
        QVERIFY(!plainEntry->skipAuth);
        QCOMPARE(plainEntry->affinity, Affinity::Server);
        QVERIFY(call(plainEntry).isUndefined()); // SocketHandler's default answers nothing

        // What cannot be registered.
        QVERIFY(!registry.add(QStringLiteral("nothing"), RequestFunction(), false, Affinity::Worker, &error));
        QCOMPARE(error, QStringLiteral("The handler \"nothing\" has no function"));
        QVERIFY(!registry.add(QString(), &plain, false, Affinity::Worker, &error));
        QCOMPARE(error, QStringLiteral("A handler needs a name and an object"));
        QVERIFY(!registry.add(QStringLiteral("null"), static_cast<SocketHandler *>(nullptr), false, Affinity::Worker, &error));
        QCOMPARE(error, QStringLiteral("A handler needs a name and an object"));

        QCOMPARE(registry.names(), (QStringList{QStringLiteral("double"), QStringLiteral("plain")}));
        QVERIFY(registry.remove(QStringLiteral("double")));
        QVERIFY(!registry.remove(QStringLiteral("double")));
        QVERIFY(!registry.find(QStringLiteral("double")));
        QCOMPARE(call(entry, 4), QJsonValue(8)); // the reference taken before still works
    }

    void duplicatesInCode()
    {
        HandlerRegistry registry(HandlerLoader::Side::Server, lcRegistryTest);
        QString error;
        QVERIFY(registry.add(QStringLiteral("same"), RequestFunction([](const QJsonValue &, SocketConnection *) { return QJsonValue(1); }),
                             false, Affinity::Worker, &error));
        QVERIFY(!registry.add(QStringLiteral("same"), RequestFunction([](const QJsonValue &, SocketConnection *) { return QJsonValue(2); }),
                              true, Affinity::Server, &error));
        QCOMPARE(error, QStringLiteral("A handler named \"same\" is already registered"));
        const auto entry = registry.find(QStringLiteral("same"));
        QCOMPARE(call(entry), QJsonValue(1)); // the first one stays, unchanged
        QVERIFY(!entry->skipAuth);
        QCOMPARE(entry->affinity, Affinity::Worker);

        // Through the public API too, with HandlerError.
        SocketServer server(TestPeer::withWorkers(serverConfig(false, QStringLiteral("/nonexistent/handlers"))));
        QSignalSpy errors(&server, &SocketServer::errorOccurred);
        QVERIFY(server.registerHandler(QStringLiteral("same"), [](const QJsonValue &, SocketConnection *) { return QJsonValue(1); }, {}));
        QVERIFY(!server.registerHandler(QStringLiteral("same"), [](const QJsonValue &, SocketConnection *) { return QJsonValue(2); }, {}));
        QCOMPARE(server.error(), SocketServer::Error::HandlerError);
        QCOMPARE(server.errorString(), QStringLiteral("A handler named \"same\" is already registered"));
        QCOMPARE(errors.size(), 1);
        SocketClient client(serverConfig(false, QStringLiteral("/nonexistent/handlers")));
        QVERIFY(client.registerHandler(QStringLiteral("same"), [](const QJsonValue &) {}));
        QVERIFY(!client.registerHandler(QStringLiteral("same"), [](const QJsonValue &) {}));
        QCOMPARE(client.error(), SocketClient::Error::HandlerError);
        QCOMPARE(client.errorString(), QStringLiteral("A handler named \"same\" is already registered"));
    }

    void duplicatesInDirectory()
    {
        HandlerRegistry registry(HandlerLoader::Side::Server, lcRegistryTest);
        QString error;
        // Registered first in code: the plugin of the same name is skipped.
        QVERIFY(registry.add(QStringLiteral("onServer"), RequestFunction([](const QJsonValue &, SocketConnection *) { return QJsonValue(QStringLiteral("code")); }),
                             false, Affinity::Worker, &error));
        QStringList reported;
        const int loaded = registry.loadDirectory(pluginDir(), false, [&reported](const QString &message) {
            reported << message;
            return true;
        });
        QCOMPARE(registry.names(), (QStringList{QStringLiteral("affinityDefault"), QStringLiteral("affinityWorker"),
                                                QStringLiteral("onServer"), QStringLiteral("twin")}));
        QCOMPARE(loaded, 3);

        // Two plugins named "twin": the first file wins, the second is a problem.
        const auto twin = registry.find(QStringLiteral("twin"));
        QCOMPARE(twin->source, pluginPath(QStringLiteral("twin-a")));
        QCOMPARE(call(twin), QJsonValue(QStringLiteral("twin-a")));
        QCOMPARE(twin->affinity, Affinity::Worker); // twin-b's "server" was not applied
        QVERIFY(!twin->owned);
        const QList<HandlerLoader::Problem> problems = registry.problems();
        QVERIFY(problemFor(problems, QStringLiteral("twin-b")).contains(QStringLiteral("\"twin\"")));
        // The plugin named like a code handler: the code handler stays.
        QCOMPARE(call(registry.find(QStringLiteral("onServer"))), QJsonValue(QStringLiteral("code")));
        QCOMPARE(problemFor(problems, QStringLiteral("affinity-server")),
                 QStringLiteral("Skipped: a handler named \"onServer\" is already registered"));

        // Every problem reported once, as "file: reason", in the order stored.
        QCOMPARE(reported.size(), problems.size());
        for (qsizetype i = 0; i < problems.size(); ++i)
            QCOMPARE(reported.at(i), problems.at(i).filePath + QStringLiteral(": ") + problems.at(i).message);

        // twin-b, the two bad threads, and onServer.
        QCOMPARE(problems.size(), 4);

        // A second load of the same directory: the four names it has are taken now; the
        // problems accumulate (the loader's three again, and four names taken).
        QCOMPARE(registry.loadDirectory(pluginDir(), false, {}), 0);
        QCOMPARE(registry.problems().size(), 4 + 3 + 4);
        QCOMPARE(registry.problems().first().message, problems.first().message);
        QCOMPARE(problemFor(registry.problems().mid(4), QStringLiteral("twin-a")),
                 QStringLiteral("Skipped: a handler named \"twin\" is already registered"));
    }

    void affinityMetadata_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("file");
        QTest::addColumn<Affinity>("affinity");
        QTest::addColumn<bool>("skipAuth");
        QTest::addRow("server") << "onServer" << "affinity-server" << Affinity::Server << false;
        QTest::addRow("worker") << "affinityWorker" << "affinity-worker" << Affinity::Worker << true;
        QTest::addRow("default") << "affinityDefault" << "affinity-default" << Affinity::Worker << false;
    }

    void affinityMetadata()
    {
        QFETCH(QString, name);
        QFETCH(QString, file);
        QFETCH(Affinity, affinity);
        QFETCH(bool, skipAuth);

        // Discovery reads it without loading...
        QList<HandlerLoader::Problem> problems;
        const auto candidates = HandlerLoader::discover(pluginDir(), HandlerLoader::Side::Server, &problems);
        const auto candidate = std::find_if(candidates.begin(), candidates.end(), [&](const auto &c) { return c.name == name; });
        QVERIFY(candidate != candidates.end());
        QCOMPARE(candidate->affinity, affinity);
        // ...and the registry keeps it, with the rest of the entry.
        HandlerRegistry registry(HandlerLoader::Side::Server, lcRegistryTest);
        registry.loadDirectory(pluginDir(), false, {});
        const auto entry = registry.find(name);
        QVERIFY(entry);
        QCOMPARE(entry->affinity, affinity);
        QCOMPARE(entry->skipAuth, skipAuth);
        QCOMPARE(entry->source, pluginPath(file));
        QCOMPARE(call(entry), QJsonValue(file));

        // A SocketServer's registry, from its handler directory.
        auto server = startServer(false);
        QVERIFY(server);
        const auto served = SocketServerPrivate::get(server.get())->handlers.find(name);
        QVERIFY(served);
        QCOMPARE(served->affinity, affinity);
        // Handlers registered in code keep to the server's thread.
        QCOMPARE(SocketServerPrivate::get(server.get())->handlers.find(QStringLiteral("auth"))->affinity, Affinity::Server);
    }

    void badMetadata_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addRow("unknown thread") << "bad-thread-value";
        QTest::addRow("thread not a string") << "bad-thread-type";
    }

    void badMetadata()
    {
        QFETCH(QString, file);
        const QString expected = QStringLiteral("Skipped: its metadata field \"thread\" must be \"worker\" or \"server\"");
        for (const auto side : {HandlerLoader::Side::Server, HandlerLoader::Side::Client}) {
            HandlerRegistry registry(side, lcRegistryTest);
            QStringList reported;
            registry.loadDirectory(pluginDir(), false, [&reported](const QString &message) {
                reported << message;
                return true;
            });
            QCOMPARE(problemFor(registry.problems(), file), expected);
            QVERIFY(reported.contains(pluginPath(file) + QStringLiteral(": ") + expected));
            for (const QString &name : registry.names())
                QVERIFY2(registry.find(name)->source != pluginPath(file), qPrintable(name));
        }
        // Not loaded: the metadata is read without loading the library.
        QVERIFY(!QPluginLoader(pluginPath(file)).isLoaded());
    }

    void logLines()
    {
        // The one place that logs: an info line per loaded handler, a warning per problem.
        HandlerRegistry registry(HandlerLoader::Side::Server, lcRegistryTest);
        const QString twinB = QRegularExpression::escape(pluginPath(QStringLiteral("twin-b")));
        QTest::ignoreMessage(QtInfoMsg, QRegularExpression(QStringLiteral("^Loaded handler \"onServer\" from .*libaffinity-server\\.so \\(thread: server\\)$")));
        QTest::ignoreMessage(QtInfoMsg, QRegularExpression(QStringLiteral("^Loaded handler \"affinityWorker\" from .* \\(skipAuth\\)$")));
        QTest::ignoreMessage(QtInfoMsg, QRegularExpression(QStringLiteral("^Loaded handler \"affinityDefault\" from .*libaffinity-default\\.so$")));
        QTest::ignoreMessage(QtInfoMsg, QRegularExpression(QStringLiteral("^Loaded handler \"twin\" from .*libtwin-a\\.so$")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^%1: Skipped: a handler named \"twin\" was already found$").arg(twinB)));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("bad-thread-value\\.so: Skipped: its metadata field \"thread\"")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("bad-thread-type\\.so: Skipped: its metadata field \"thread\"")));
        QTest::failOnWarning(QRegularExpression(QStringLiteral(".")));
        QCOMPARE(registry.loadDirectory(pluginDir(), true, {}), 4);
        QCOMPARE(registry.problems().size(), 3);
    }

    void reportingStopsWhenOwnerGone()
    {
        // The reporter's owner may be destroyed by a slot while problems are reported:
        // the registry goes with it and must stop at once (valgrind would see more).
        auto *registry = new HandlerRegistry(HandlerLoader::Side::Server, lcRegistryTest);
        int calls = 0;
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^/.*: Skipped: ")));
        const int loaded = registry->loadDirectory(pluginDir(), false, [&](const QString &) {
            ++calls;
            delete registry;
            registry = nullptr;
            return false;
        });
        QCOMPARE(calls, 1);
        QCOMPARE(loaded, 4);
        QVERIFY(!registry);

        // The same through SocketClient: a slot deletes the client on the first error.
        auto *client = new SocketClient(serverConfig(false, QStringLiteral("/nonexistent/handlers")));
        QPointer<SocketClient> alive(client);
        int errors = 0;
        connect(client, &SocketClient::errorOccurred, client, [&errors, client] {
            ++errors;
            delete client;
        });
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^/.*: Skipped: ")));
        client->loadHandlers(pluginDir());
        QVERIFY(!alive);
        QCOMPARE(errors, 1);
    }

    void unregisterWhileRunning()
    {
        // A callable that unregisters itself keeps running with its captures intact;
        // it is destroyed once the caller drops the reference.
        HandlerRegistry registry(HandlerLoader::Side::Server, lcRegistryTest);
        bool destroyed = false;
        bool intactAfterRemove = false;
        auto witness = std::make_shared<Witness>(&destroyed);
        QString error;
        QVERIFY(registry.add(QStringLiteral("once"),
                             RequestFunction([&registry, &intactAfterRemove, witness](const QJsonValue &, SocketConnection *) -> QJsonValue {
                                 const bool removed = registry.remove(QStringLiteral("once"));
                                 intactAfterRemove = removed && !*witness->destroyed;
                                 return QJsonValue(removed);
                             }),
                             false, Affinity::Worker, &error));
        witness.reset();
        {
            const HandlerRegistry::EntryRef entry = registry.find(QStringLiteral("once"));
            QVERIFY(entry);
            QCOMPARE(call(entry), QJsonValue(true));
            QVERIFY(intactAfterRemove);
            QVERIFY(!registry.contains(QStringLiteral("once")));
            QVERIFY(!destroyed); // the reference still holds it
        }
        QVERIFY(destroyed);

        // A client-side callable, through the registry too.
        HandlerRegistry client(HandlerLoader::Side::Client, lcRegistryTest);
        destroyed = false;
        intactAfterRemove = false;
        witness = std::make_shared<Witness>(&destroyed);
        QVERIFY(client.add(QStringLiteral("once"),
                           ResponseFunction([&client, &intactAfterRemove, witness](const QJsonValue &) {
                               intactAfterRemove = client.remove(QStringLiteral("once")) && !*witness->destroyed;
                           }),
                           Affinity::Server, &error));
        witness.reset();
        client.find(QStringLiteral("once"))->handler->handleResponse(QJsonValue());
        QVERIFY(intactAfterRemove);
        QVERIFY(destroyed); // the temporary reference was the last one
    }

    void cacheReferencesOutliveItsCopy()
    {
        // A worker's cache: a handler unregistered during its call (here before a
        // nested lookup) stays whole until the call's lookup goes, and not longer.
        HandlerRegistry registry(HandlerLoader::Side::Server, lcRegistryTest);
        int changes = 0;
        HandlerRegistry::Cache cache(registry, [&changes] { ++changes; });
        bool destroyed = false;
        auto witness = std::make_shared<Witness>(&destroyed);
        QString error;
        QVERIFY(registry.add(QStringLiteral("once"),
                             RequestFunction([witness](const QJsonValue &, SocketConnection *) -> QJsonValue {
                                 return QJsonValue(!*witness->destroyed);
                             }),
                             false, Affinity::Worker, &error));
        witness.reset();
        QCOMPARE(changes, 1);
        {
            const HandlerRegistry::EntryRef entry = cache.find(QStringLiteral("once"));
            QVERIFY(entry);
            QVERIFY(registry.remove(QStringLiteral("once")));
            QCOMPARE(changes, 2);
            QVERIFY(!cache.find(QStringLiteral("once"))); // a nested lookup sees the change
            cache.releaseIfStale();                       // the reference still holds it
            QVERIFY(!destroyed);
            QCOMPARE(entry->handler->handleRequest(QJsonValue(), nullptr), QJsonValue(true));
        }
        QVERIFY(destroyed); // gone with the reference

        // Unregistered while the cache sits idle: let go of on releaseIfStale(), which
        // the change callback is for.
        destroyed = false;
        witness = std::make_shared<Witness>(&destroyed);
        QVERIFY(registry.add(QStringLiteral("idle"),
                             RequestFunction([witness](const QJsonValue &, SocketConnection *) { return QJsonValue(1); }), false,
                             Affinity::Worker, &error));
        witness.reset();
        QVERIFY(cache.find(QStringLiteral("idle")));
        QVERIFY(registry.remove(QStringLiteral("idle")));
        QVERIFY(!destroyed); // the cache's snapshot still has it
        cache.releaseIfStale();
        QVERIFY(destroyed);
        QVERIFY(!cache.find(QStringLiteral("idle")));
        QCOMPARE(changes, 4);

        // The cache (its worker) destroyed during a call: the reference still holds
        // the entry, which the registry has let go of too.
        destroyed = false;
        witness = std::make_shared<Witness>(&destroyed);
        QVERIFY(registry.add(QStringLiteral("orphan"),
                             RequestFunction([witness](const QJsonValue &, SocketConnection *) -> QJsonValue {
                                 return QJsonValue(!*witness->destroyed);
                             }),
                             false, Affinity::Worker, &error));
        witness.reset();
        HandlerRegistry::EntryRef orphan;
        {
            HandlerRegistry::Cache shortLived(registry);
            orphan = shortLived.find(QStringLiteral("orphan"));
        }
        QVERIFY(registry.remove(QStringLiteral("orphan")));
        QVERIFY(!destroyed);
        QCOMPARE(call(orphan), QJsonValue(true));
        orphan.reset();
        QVERIFY(destroyed);
    }

    void pluginUnregistersItselfOverSocket_data() { TestPeer::addEncryptionRows(); }
    void pluginUnregistersItselfOverSocket()
    {
        // A plugin handler removes itself from a listening server during its own call:
        // its answer is still sent, and the next request finds no handler.
        QFETCH(bool, encryption);
        auto server = startServer(encryption);
        QVERIFY(server);
        QSignalSpy messages(server.get(), &SocketServer::messageReceived);
        RawClient peer(encryption, Key);
        QVERIFY(peer.open(server->serverUrl()));
        QVERIFY(peer.authenticate());
        const QJsonObject unregister{{QStringLiteral("unregister"), QStringLiteral("affinityDefault")}};
        const auto reply = ask(peer, QStringLiteral("affinityDefault"), unregister);
        QVERIFY(reply);
        QCOMPARE(reply->value(u"response").toString(), QStringLiteral("affinity-default"));
        QVERIFY(!server->handlerNames().contains(QStringLiteral("affinityDefault")));

        messages.clear();
        peer.sendRequest(QStringLiteral("affinityDefault"), unregister);
        QTRY_COMPARE(messages.size(), 1); // reported as a request without a handler
        QVERIFY(!peer.waitForMessage(300)); // and not answered
        // The other handlers are untouched.
        const auto twin = ask(peer, QStringLiteral("twin"), QJsonValue());
        QVERIFY(twin);
        QCOMPARE(twin->value(u"response").toString(), QStringLiteral("twin-a"));
    }

    void unregisteredBySlotBeforeItRuns()
    {
        // messageReceived comes after the lookup and before the call: a slot that
        // unregisters the handler there does not pull it from under the dispatch.
        auto server = startServer(false);
        QVERIFY(server);
        bool destroyed = false;
        auto witness = std::make_shared<Witness>(&destroyed);
        QVERIFY(server->registerHandler(QStringLiteral("doomed"),
                                        [witness](const QJsonValue &, SocketConnection *) -> QJsonValue {
                                            return QJsonValue(!*witness->destroyed);
                                        },
                                        {}));
        witness.reset();
        SocketServer *raw = server.get();
        connect(raw, &SocketServer::messageReceived, raw, [raw](qint64, const QString &request) {
            if (request == u"doomed")
                raw->unregisterHandler(request);
        });
        RawClient peer(false, Key);
        QVERIFY(peer.open(server->serverUrl()));
        QVERIFY(peer.authenticate());
        const auto reply = ask(peer, QStringLiteral("doomed"), QJsonValue());
        QVERIFY(reply);
        QCOMPARE(reply->value(u"response"), QJsonValue(true)); // ran with its captures alive
        // And went once it returned: at once with the server's thread dispatching; with
        // workers, when the worker lets go of its view of the registry (told of the
        // change, it does so on its next turn, with no further request needed).
        QTRY_VERIFY(destroyed);
        QVERIFY(!server->handlerNames().contains(QStringLiteral("doomed")));
    }

    void clientHandlerUnregistersItself_data() { TestPeer::addEncryptionRows(); }
    void clientHandlerUnregistersItself()
    {
        QFETCH(bool, encryption);
        RawServer server(encryption, Key);
        QVERIFY(server.listen());
        SocketConfig c = serverConfig(encryption, QStringLiteral("/nonexistent/handlers"));
        c.setAddress(server.url());
        SocketClient client(c);
        QList<QJsonValue> got;
        const QString tail = QStringLiteral("a string long enough to live on the heap, not in the object");
        SocketClient *raw = &client;
        QVERIFY(client.registerHandler(QStringLiteral("once"), [raw, &got, tail](const QJsonValue &response) {
            raw->unregisterHandler(QStringLiteral("once"));
            got << QJsonValue(response.toString() + tail); // captures read after the removal
        }));
        QSignalSpy authenticated(&client, &SocketClient::authenticated);
        QSignalSpy messages(&client, &SocketClient::messageReceived);
        QVERIFY(client.open());
        QVERIFY(authenticated.wait(5000));
        messages.clear(); // the auth response
        server.send(QStringLiteral("once"), QStringLiteral("first "));
        QTRY_COMPARE(messages.size(), 1);
        server.send(QStringLiteral("once"), QStringLiteral("second "));
        QTRY_COMPARE(messages.size(), 2); // still reported to the application
        QCOMPARE(got, (QList<QJsonValue>{QJsonValue(QStringLiteral("first ") + tail)}));
    }

    void clientLoadsItsSide()
    {
        SocketClient client(serverConfig(false, QStringLiteral("/nonexistent/handlers")));
        QSignalSpy errors(&client, &SocketClient::errorOccurred);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("bad-thread-value\\.so: Skipped: ")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("bad-thread-type\\.so: Skipped: ")));
        QCOMPARE(client.loadHandlers(pluginDir()), 1); // clientSide; its "thread" is accepted
        QCOMPARE(errors.size(), 2);
        QCOMPARE(client.error(), SocketClient::Error::HandlerError);

        // Loaded again: the name is taken now, which is reported the same way.
        errors.clear();
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("bad-thread-value\\.so: Skipped: ")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("bad-thread-type\\.so: Skipped: ")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("client-side\\.so: Skipped: a handler named \"clientSide\" is already registered$")));
        QCOMPARE(client.loadHandlers(pluginDir()), 0);
        QCOMPARE(errors.size(), 3);
        QVERIFY(client.errorString().contains(QStringLiteral("clientSide")));
    }

    void serverReportsProblems()
    {
        SocketServer server(TestPeer::withWorkers(serverConfig(false, QStringLiteral("/nonexistent/handlers"))));
        QSignalSpy errors(&server, &SocketServer::errorOccurred);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("bad-thread-value\\.so: Skipped: ")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("bad-thread-type\\.so: Skipped: ")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("twin-b\\.so: Skipped: ")));
        QCOMPARE(server.loadHandlers(pluginDir()), 4);
        QCOMPARE(server.handlerProblems().size(), 3);
        QCOMPARE(errors.size(), 3);
        QCOMPARE(server.error(), SocketServer::Error::HandlerError);
        const HandlerLoader::Problem last = server.handlerProblems().last();
        QCOMPARE(server.errorString(), last.filePath + QStringLiteral(": ") + last.message);
    }

    void concurrentReaders()
    {
        // Lookups from other threads while the owner registers and removes handlers:
        // every reader sees whole entries, or none, and never a torn one.
        HandlerRegistry registry(HandlerLoader::Side::Server, lcRegistryTest);
        QString error;
        QVERIFY(registry.add(QStringLiteral("stable"), RequestFunction([](const QJsonValue &, SocketConnection *) { return QJsonValue(7); }),
                             false, Affinity::Worker, &error));
        std::atomic<bool> stop{false};
        std::atomic<int> bad{0};
        std::atomic<qint64> lookups{0};
        QList<QThread *> readers;
        for (int i = 0; i < 3; ++i) {
            readers << QThread::create([&] {
                HandlerRegistry::Cache cache(registry); // as a worker looks up
                while (!stop.load()) {
                    if (const HandlerRegistry::EntryRef cached = cache.find(QStringLiteral("churn"))) {
                        if (cached->name != u"churn" || call(cached) != QJsonValue(QStringLiteral("churn")))
                            ++bad;
                    }
                    if (!cache.find(QStringLiteral("stable")))
                        ++bad;
                    const auto stable = registry.find(QStringLiteral("stable"));
                    if (!stable || call(stable) != QJsonValue(7))
                        ++bad;
                    if (const auto churn = registry.find(QStringLiteral("churn"))) {
                        if (churn->name != u"churn" || call(churn) != QJsonValue(QStringLiteral("churn")))
                            ++bad;
                    }
                    const auto all = registry.snapshot();
                    if (!all->contains(QStringLiteral("stable")))
                        ++bad;
                    lookups += 3;
                }
            });
            readers.last()->start();
        }
        // Readers first (valgrind runs one thread at a time), then at least 3000 changes
        // and until the readers made as many lookups, within 20 s.
        QTRY_VERIFY_WITH_TIMEOUT(lookups.load() > 0, 20000);
        QElapsedTimer clock;
        clock.start();
        for (int i = 0; i < 3000 || (lookups.load() < 3000 && clock.elapsed() < 20000); ++i) {
            QVERIFY(registry.add(QStringLiteral("churn"),
                                 RequestFunction([](const QJsonValue &, SocketConnection *) { return QJsonValue(QStringLiteral("churn")); }),
                                 false, Affinity::Worker, &error));
            QVERIFY(registry.remove(QStringLiteral("churn")));
        }
        stop = true;
        for (QThread *reader : std::as_const(readers)) {
            QVERIFY(reader->wait(10000));
            delete reader;
        }
        QCOMPARE(bad.load(), 0);
        QVERIFY(lookups.load() > 0);
    }
};

QTEST_GUILESS_MAIN(tst_HandlerRegistry)
#include "tst_handlerregistry.moc"
