// SPDX-License-Identifier: MIT
// C++ quick start: an encrypted echo round trip between a SocketServer and a SocketClient.

//! [quickstart]
#include <Stonyx/Sockets/SocketClient>
#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketServer>

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

using namespace Stonyx::Sockets;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);

    SocketConfig config;               // protocol defaults: encryption on, authKey "AUTH_KEY"
    config.setPort(0);                 // any free port
    config.setAuthKey(QStringLiteral("change-me"));

    // The server: an "auth" handler is required; "echo" answers with its data.
    SocketServer server(config);
    server.registerHandler(QStringLiteral("auth"), [&server](const QJsonValue &data, SocketConnection *client) -> QJsonValue {
        if (data[u"authKey"].toString() != server.config().authKey()) {
            client->close(4001, QStringLiteral("invalid auth key"));
            return {};                 // nothing is sent
        }
        return QStringLiteral("success"); // truthy: the client is authenticated
    }, {});
    server.registerHandler(QStringLiteral("echo"), [](const QJsonValue &data, SocketConnection *) {
        return data;                   // the return value is the response
    }, {});
    if (!server.listen()) {
        qCritical("%s", qPrintable(server.errorString()));
        return 1;
    }

    // The client: connects, authenticates, then sends.
    config.setAddress(server.serverUrl());
    SocketClient client(config);
    client.registerHandler(QStringLiteral("echo"), [&](const QJsonValue &response) {
        qInfo("echo answered: %s", QJsonDocument(response.toObject()).toJson(QJsonDocument::Compact).constData());
        client.close();
        app.quit();
    });
    QObject::connect(&client, &SocketClient::authenticated, &client, [&] {
        client.send(QStringLiteral("echo"), QJsonObject{{QStringLiteral("msg"), QStringLiteral("hello")}});
    });
    QObject::connect(&client, &SocketClient::errorOccurred, &client, [&] {
        qCritical("%s", qPrintable(client.errorString()));
        app.exit(1);
    });
    client.open();

    QTimer::singleShot(10000, &app, [&] { app.exit(1); }); // never hang
    return app.exec();
}
//! [quickstart]
