// SPDX-License-Identifier: MIT
// stonyx-consumer URL AUTH_KEY: connects with encryption on, authenticates, sends
// "echo" with a JSON object and exits 0 if the same object comes back encrypted.
// Built by tests/install against an installed library, with CMake or pkg-config.

#include <Stonyx/Sockets/SocketClient>
#include <Stonyx/Sockets/SocketConfig>

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <QUrl>

#include <cstdio>

using Stonyx::Sockets::SocketClient;
using Stonyx::Sockets::SocketConfig;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 3) {
        std::fprintf(stderr, "usage: stonyx-consumer URL AUTH_KEY\n");
        return 2;
    }

    SocketConfig config;
    config.setAddress(QUrl(args.at(1)));
    config.setAuthKey(args.at(2));
    config.setEncryption(true);
    config.setMaxReconnectAttempts(0);

    const QJsonObject payload{
        {QStringLiteral("text"), QStringLiteral("h\u00e9llo from an installed library")},
        {QStringLiteral("number"), 42},
        {QStringLiteral("list"), QJsonArray{1, 2, 3}},
    };

    int status = 1;
    bool finished = false;
    // The first verdict counts; close() at the end emits disconnected() too.
    auto finish = [&](int code, const QString &message) {
        if (finished)
            return;
        finished = true;
        std::fprintf(code == 0 ? stdout : stderr, "stonyx-consumer: %s\n", qUtf8Printable(message));
        status = code;
        app.quit();
    };

    SocketClient client(config);
    QObject::connect(&client, &SocketClient::authenticated, &app, [&](const QJsonValue &response) {
        // Encryption is on (set above): the echo below only comes back if both sides
        // sealed and opened it with the session key.
        std::printf("stonyx-consumer: authenticated (%s)\n", qUtf8Printable(response.toVariant().toString()));
        client.send(QStringLiteral("echo"), payload);
    });
    QObject::connect(&client, &SocketClient::messageReceived, &app, [&](const QString &request, const QJsonValue &response) {
        if (request != QStringLiteral("echo"))
            return;
        if (response.toObject() != payload) {
            finish(1, QStringLiteral("echo returned %1").arg(QString::fromUtf8(QJsonDocument(response.toObject()).toJson(QJsonDocument::Compact))));
            return;
        }
        finish(0, QStringLiteral("encrypted echo round trip ok"));
    });
    QObject::connect(&client, &SocketClient::errorOccurred, &app, [&](SocketClient::Error) {
        finish(1, QStringLiteral("error: %1").arg(client.errorString()));
    });
    QObject::connect(&client, &SocketClient::disconnected, &app, [&](int code, const QString &reason) {
        finish(1, QStringLiteral("disconnected (%1 %2)").arg(code).arg(reason));
    });
    QTimer::singleShot(15000, &app, [&] { finish(1, QStringLiteral("no echo within 15 s")); });

    if (!client.open())
        return 1;
    app.exec();
    client.close();
    return status;
}
