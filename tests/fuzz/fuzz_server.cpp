// SPDX-License-Identifier: MIT
// libFuzzer target: what one server connection does with the frames a client sends —
// decrypt (global or session key), JSON parse, heartbeat, handler lookup, auth gate,
// dispatch, deferred replies and closing — without sockets.
//
// Mode byte: bit 0 encryption on, bit 1 authenticate first (a valid sealed auth
// request), bit 2 resolve the leftover deferred replies after the client is gone
// but before the connection object is deleted. The rest of the input is records
// (see fuzzsupport.h).

#include "fuzzsupport.h"
#include "framecipher_p.h"
#include "socketserver_p.h"

#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketServer>

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QPointer>
#include <QSet>
#include <QWebSocket>

#include <cstdio>
#include <cstdlib>

using namespace Stonyx::Sockets;
using namespace FuzzSupport;

namespace {

QList<PendingReply> pendingReplies;

// What the server reported about each connection, to check the order of its signals.
struct Observed {
    QSet<qint64> connected;
    QSet<qint64> disconnected;
};
Observed observed;

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz_server: invariant broken: %s\n", what);
    std::abort();
}

void registerHandlers(SocketServer *server)
{
    // auth: truthy for the right key, falsy for a wrong one, nothing (null) otherwise;
    // it can also defer or close, as real auth handlers do.
    server->registerHandler(QStringLiteral("auth"), [server](const QJsonValue &data, SocketConnection *connection) -> QJsonValue {
        const QJsonObject fields = data.toObject();
        if (fields.contains(u"defer")) {
            pendingReplies.append(connection->deferReply());
            return QJsonValue(QJsonValue::Undefined);
        }
        if (fields.contains(u"close")) {
            connection->close(4001, QStringLiteral("invalid auth key"));
            return fields.value(u"close");
        }
        const QJsonValue key = fields.value(u"authKey");
        if (key == server->config().authKey()) {
            connection->setMetadata(fields.value(u"meta").toObject());
            return fields.contains(u"answer") ? fields.value(u"answer") : QJsonValue(QStringLiteral("success"));
        }
        if (key.isString())
            return false;
        return QJsonValue(QJsonValue::Null);
    }, {});
    server->registerHandler(QStringLiteral("echo"), [](const QJsonValue &data, SocketConnection *) { return data; }, {});
    server->registerHandler(QStringLiteral("public"), [](const QJsonValue &data, SocketConnection *connection) -> QJsonValue {
        return QJsonObject{{QStringLiteral("public"), data}, {QStringLiteral("id"), connection->id()}};
    }, HandlerOption::SkipAuth);
    server->registerHandler(QStringLiteral("defer"), [](const QJsonValue &data, SocketConnection *connection) -> QJsonValue {
        pendingReplies.append(connection->deferReply());
        if (data.toObject().contains(u"twice"))
            pendingReplies.append(connection->deferReply());
        return data.toObject().value(u"also"); // undefined unless the client asks for a sync answer too
    }, {});
    server->registerHandler(QStringLiteral("resolve"), [](const QJsonValue &data, SocketConnection *) -> QJsonValue {
        // Resolves every reply, including ones resolved before (ignored with a warning).
        const QList<PendingReply> replies = pendingReplies;
        int sent = 0;
        for (PendingReply reply : replies)
            sent += reply.resolve(data) ? 1 : 0;
        return sent;
    }, {});
    server->registerHandler(QStringLiteral("close"), [](const QJsonValue &data, SocketConnection *connection) -> QJsonValue {
        const QJsonObject fields = data.toObject();
        connection->close(fields.value(u"code").toInt(1000), fields.value(u"reason").toString());
        return fields.value(u"after"); // sending after close must do nothing
    }, HandlerOption::SkipAuth);
    server->registerHandler(QStringLiteral("send"), [server](const QJsonValue &data, SocketConnection *connection) -> QJsonValue {
        const QJsonObject fields = data.toObject();
        const QString request = fields.value(u"request").toString();
        connection->send(request, fields.value(u"response"));
        server->sendTo(connection->id(), request, fields.value(u"response"));
        server->broadcast(QStringLiteral("news"), data);
        server->sendToByMeta(QStringLiteral("room"), fields.value(u"room"), QStringLiteral("room"), data);
        return QJsonValue(QJsonValue::Undefined);
    }, {});
    server->registerHandler(QStringLiteral("meta"), [](const QJsonValue &data, SocketConnection *connection) -> QJsonValue {
        const QJsonObject fields = data.toObject();
        for (auto it = fields.begin(); it != fields.end(); ++it)
            connection->setMetadataValue(it.key(), it.value());
        return connection->metadata();
    }, {});
    server->registerHandler(QStringLiteral("nothing"), [](const QJsonValue &, SocketConnection *) {
        return QJsonValue(QJsonValue::Null);
    }, {});
    // A slot on messageReceived may close the connection before dispatch.
    QObject::connect(server, &SocketServer::messageReceived, server, [server](qint64 id, const QString &request, const QJsonValue &) {
        if (request == u"closeInSlot") {
            if (SocketConnection *connection = server->client(id))
                connection->close(4002, QStringLiteral("closed by a slot"));
        }
    });
    QObject::connect(server, &SocketServer::clientConnected, server, [](qint64 id) { observed.connected.insert(id); });
    QObject::connect(server, &SocketServer::clientAuthenticated, server, [](qint64 id) {
        if (!observed.connected.contains(id) || observed.disconnected.contains(id))
            fail("clientAuthenticated for a client that is not connected");
    });
    QObject::connect(server, &SocketServer::messageReceived, server, [](qint64 id, const QString &, const QJsonValue &) {
        if (!observed.connected.contains(id) || observed.disconnected.contains(id))
            fail("messageReceived for a client that is not connected");
    });
    QObject::connect(server, &SocketServer::clientDisconnected, server, [](qint64 id, int, const QString &) {
        if (!observed.connected.contains(id) || observed.disconnected.contains(id))
            fail("clientDisconnected twice or for an unknown client");
        observed.disconnected.insert(id);
    });
}

SocketServer *makeServer(bool encryption)
{
    SocketConfig config;
    config.setAuthKey(QString::fromLatin1(AuthKey));
    config.setEncryption(encryption);
    config.setHandlerDir(QString()); // never listens, so never loads plugins
    auto *server = new SocketServer(config); // lives for the whole run (scrypt is slow)
    registerHandlers(server);
    if (!SocketServerPrivate::get(server)->ensureGlobalKey())
        fail("could not derive the global key");
    return server;
}

SocketServer *server(bool encryption)
{
    static SocketServer *const servers[2] = {makeServer(false), makeServer(true)};
    return servers[encryption ? 1 : 0];
}

void silence(QtMsgType, const QMessageLogContext &, const QString &)
{
}

void flushDeletions()
{
    for (int i = 0; i < 3; ++i)
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
}

// SocketConnection::close() arms a 5 s QTimer::singleShot() to abort a peer that never
// completes the close handshake. Its context is the socket, but Qt 6.4 keeps such a
// timer (a child of the event dispatcher) until it fires even when the context is
// gone. Without an event loop they would pile up here, and every input would leave
// allocations behind (making libFuzzer run a full leak check after each one). Their
// sockets are deleted, so firing them would do nothing: they are deleted instead, as
// if the 5 s had passed.
void expireOrphanedSingleShotTimers()
{
    QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
    const QObjectList children = dispatcher ? dispatcher->children() : QObjectList();
    for (QObject *child : children) {
        if (qstrcmp(child->metaObject()->className(), "QSingleShotTimer") == 0)
            delete child;
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    static int argc = 1;
    static char name[] = "fuzz_server";
    static char *argv[] = {name, nullptr};
    new QCoreApplication(argc, argv); // lives for the whole run
    if (!qEnvironmentVariableIsSet("FUZZ_VERBOSE"))
        qInstallMessageHandler(silence); // the library logs every rejected client
    server(false);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    Input input(data, size);
    const bool encryption = input.mode() & 0x01;
    const bool authenticateFirst = input.mode() & 0x02;
    const bool resolveAfterDisconnect = input.mode() & 0x04;
    SocketServer *const srv = server(encryption);
    SocketServerPrivate *const d = SocketServerPrivate::get(srv);

    QPointer<SocketConnection> connection = d->createConnection(new ServerWebSocket(new SocketTransport(new QTcpSocket)));
    auto *const cd = privateOf(connection.data());
    const qint64 id = connection->id();
    if (srv->clientCount() != 1 || srv->client(id) != connection)
        fail("the new connection is not registered");

    // Authenticated connections use the vectors' session key, so that raw vector
    // frames decrypt; the library's random key would make them meaningless.
    // (A second auth request makes a new session key; it is replaced again.)
    const QByteArray sessionKey = vectorSessionKey();
    auto useVectorSessionKey = [&] {
        if (encryption && connection && cd->authenticated && !cd->closing && cd->codec.sessionKey() != sessionKey) {
            if (!cd->codec.hasSessionKey())
                fail("authenticated without a session key");
            QString keyError;
            if (!cd->codec.setSessionKey(sessionKey, &keyError))
                fail("the vectors' session key was refused");
        }
    };
    auto deliver = [&](std::uint8_t flags, QByteArray bytes) {
        if (!connection)
            return;
        if (encryption && (flags & Seal)) {
            // The session key once authenticated, else the global key.
            QByteArray sealed;
            QString sealError;
            if (cd->codec.encode(bytes, SessionCodec::KeyChoice::Current, &sealed, &sealError))
                bytes = sealed;
        }
        if ((flags & Text) && QByteArrayView(bytes).isValidUtf8())
            d->onFrame(connection, InboundFrame::fromUtf8Text(bytes)); // a text frame, as ServerWebSocket hands it on
        else if (flags & Text)
            d->onFrame(connection, QString::fromUtf8(bytes)); // the UTF-16 reader (the client's text frames)
        else
            d->onFrame(connection, bytes);
        useVectorSessionKey();
    };

    if (authenticateFirst) {
        deliver(Seal, QByteArrayLiteral(R"({"request":"auth","data":{"authKey":"AUTH_KEY","meta":{"room":"a"}}})"));
        if (!connection || !cd->authenticated)
            fail("a valid auth request did not authenticate");
    }
    Record record;
    while (input.next(&record))
        deliver(record.flags, record.payload);

    // The socket is gone: what QWebSocket::disconnected() would trigger.
    if (!connection)
        fail("the connection was deleted while still registered");
    d->onDisconnected(connection);
    if (srv->clientCount() != 0 || srv->client(id))
        fail("the connection is still registered after it disconnected");
    if (resolveAfterDisconnect) {
        // A deferred reply resolved between the disconnect and the deletion (say, from
        // a slot on clientDisconnected): the client is gone, so nothing may be sent.
        for (PendingReply reply : std::as_const(pendingReplies)) {
            if (reply.resolve(QStringLiteral("late")))
                fail("a deferred reply was sent after the client disconnected");
        }
    }
    flushDeletions();
    if (connection)
        fail("the connection object was not deleted after it disconnected");
    // Replies that outlive their connection resolve to nothing.
    for (PendingReply reply : std::as_const(pendingReplies)) {
        if (reply.resolve(QStringLiteral("too late")))
            fail("a reply resolved for a deleted connection");
    }
    pendingReplies.clear();
    observed = {};
    flushDeletions();
    expireOrphanedSingleShotTimers();
    return 0;
}
