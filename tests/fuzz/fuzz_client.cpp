// SPDX-License-Identifier: MIT
// libFuzzer target: the client's message path — decrypt (global or session key),
// JSON parse, the auth response (session key, authenticated/rejected), heartbeat
// responses and delivery to handlers — for frames a server sends.
//
// Mode byte: bit 0 encryption on, bit 1 a session key is already set (the vectors'),
// bit 2 the client is Connected (else Authenticating). The rest of the input is
// records (see fuzzsupport.h).

#include "fuzzsupport.h"
#include "socketclient_p.h"

#include <Stonyx/Sockets/FrameCipher>
#include <Stonyx/Sockets/SocketClient>

#include <QCoreApplication>
#include <QJsonObject>

#include <cstdio>
#include <cstdlib>

using namespace Stonyx::Sockets;
using namespace FuzzSupport;

namespace {

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz_client: invariant broken: %s\n", what);
    std::abort();
}

const QByteArray &globalKey()
{
    static const QByteArray key = [] {
        QByteArray k = FrameCipher::deriveGlobalKey(QString::fromLatin1(AuthKey));
        if (k.size() != FrameCipher::KeySize)
            fail("could not derive the global key");
        return k;
    }();
    return key;
}

void silence(QtMsgType, const QMessageLogContext &, const QString &)
{
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    static int argc = 1;
    static char name[] = "fuzz_client";
    static char *argv[] = {name, nullptr};
    new QCoreApplication(argc, argv); // lives for the whole run
    if (!qEnvironmentVariableIsSet("FUZZ_VERBOSE"))
        qInstallMessageHandler(silence);
    globalKey();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    Input input(data, size);
    const bool encryption = input.mode() & 0x01;
    const bool hasSessionKey = input.mode() & 0x02;
    const bool connected = input.mode() & 0x04;

    SocketConfig config;
    config.setAuthKey(QString::fromLatin1(AuthKey));
    config.setEncryption(encryption);
    config.setAddress(QUrl(QStringLiteral("ws://127.0.0.1:9"))); // never opened
    config.setOfflineQueueSize(0); // send() below must fail without a socket, not queue
    SocketClient client(config);
    SocketClientPrivate *const d = privateOf(&client);
    d->globalKey = AesGcm::Key::create(AesGcm::Algorithm::fetch(), globalKey());
    d->globalKeyFor = config.authKey();
    // As connectSocket() makes it for a connection.
    d->codec = encryption ? SessionCodec(d->globalKey) : SessionCodec();
    QString keyError;
    if (encryption && hasSessionKey && !d->codec.setSessionKey(vectorSessionKey(), &keyError))
        fail("the vectors' session key was refused");
    // As if the socket had connected (and, for Connected, authenticated).
    d->closedByUser = false;
    (void)d->setState(connected ? SocketClient::State::Connected : SocketClient::State::Authenticating);

    int delivered = 0;
    int messages = 0;
    client.registerHandler(QStringLiteral("echo"), [&](const QJsonValue &) { ++delivered; });
    client.registerHandler(QStringLiteral("auth"), [&](const QJsonValue &) { ++delivered; });
    // A handler that removes itself while it runs: the client must keep it alive.
    client.registerHandler(QStringLiteral("once"), [&client, &delivered](const QJsonValue &response) {
        client.unregisterHandler(QStringLiteral("once"));
        ++delivered;
        if (response.toObject().contains(u"again"))
            client.registerHandler(QStringLiteral("once"), [&delivered](const QJsonValue &) { ++delivered; });
    });
    client.registerHandler(QStringLiteral("close"), [&client](const QJsonValue &) { client.close(); });
    client.registerHandler(QStringLiteral("send"), [&client](const QJsonValue &response) {
        if (client.send(QStringLiteral("echo"), response))
            fail("send() succeeded without a socket");
    });
    QObject::connect(&client, &SocketClient::messageReceived, &client, [&](const QString &, const QJsonValue &) { ++messages; });

    Record record;
    while (input.next(&record)) {
        QByteArray bytes = record.payload;
        if (encryption && (record.flags & Seal)) {
            QByteArray sealed;
            if (d->codec.encode(bytes, SessionCodec::KeyChoice::Current, &sealed, &keyError))
                bytes = sealed;
        }
        const int before = messages;
        if (record.flags & Text)
            d->onFrame(QString::fromUtf8(bytes)); // a text frame: the UTF-16 reader
        else
            d->onFrame(bytes);
        if (messages - before > 1)
            fail("one frame was delivered more than once");
    }
    if (delivered > messages)
        fail("a handler ran for a message that messageReceived did not report");
    return 0;
}
