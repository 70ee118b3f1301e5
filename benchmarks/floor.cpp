// SPDX-License-Identifier: MIT
// stonyx-bench-floor: the cost floor of a bare QWebSocketServer, for stonyx-bench.
// It answers every plain (encryption off) protocol-v1 request by byte replacement:
// {"request":"echo","data":X} comes back as {"request":"echo","response":X}, the
// same bytes with the field renamed. No JSON parsing, no handlers, no auth check
// (the auth request is answered the same way, which a plain client takes as
// success), no encryption: so it is only a meaningful floor for the plain cases.
//
//   stonyx-bench-floor [--port N]     prints "listening on ws://127.0.0.1:PORT"
//
// Thread affinity: everything runs on the main thread.

#include <QCoreApplication>
#include <QHostAddress>
#include <QWebSocket>
#include <QWebSocketServer>

#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    quint16 port = 0;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
            port = quint16(std::atoi(argv[++i]));
        } else {
            std::fprintf(stderr, "usage: stonyx-bench-floor [--port N]\n");
            return 2;
        }
    }

    QWebSocketServer server(QStringLiteral("stonyx-bench-floor"), QWebSocketServer::NonSecureMode);
    server.setMaxPendingConnections(4096);
    QObject::connect(&server, &QWebSocketServer::newConnection, &server, [&server] {
        while (QWebSocket *socket = server.nextPendingConnection()) {
            QObject::connect(socket, &QWebSocket::textMessageReceived, socket, [socket](const QString &message) {
                const qsizetype at = message.indexOf(u"\"data\":");
                if (at < 0)
                    return;
                QString reply = message;
                reply.replace(at, 7, QStringLiteral("\"response\":"));
                socket->sendTextMessage(reply);
            });
            QObject::connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        }
    });
    if (!server.listen(QHostAddress::LocalHost, port)) {
        std::fprintf(stderr, "stonyx-bench-floor: %s\n", qUtf8Printable(server.errorString()));
        return 1;
    }
    std::printf("listening on ws://127.0.0.1:%u\n", unsigned(server.serverPort()));
    std::fflush(stdout);
    return app.exec();
}
