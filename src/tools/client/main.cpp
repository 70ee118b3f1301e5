// SPDX-License-Identifier: MIT
// stonyx-sockets-client: connects, authenticates, sends one request, prints the response;
// with --listen it then stays and prints every message the server sends.

#include "toolsupport.h"

#include <Stonyx/Sockets/SocketClient>

#include <QCoreApplication>
#include <QJsonObject>
#include <QTimer>

#include <cstdio>

using namespace Stonyx::Sockets;

namespace {

// How long the tool waits for the server to answer its close frame before it quits anyway.
constexpr int CloseHandshakeTimeout = 3000;

void printLine(const QString &text)
{
    std::printf("%s\n", qUtf8Printable(text));
    std::fflush(stdout); // one line per message, also when stdout is a pipe
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("stonyx-sockets-client"));
    QCoreApplication::setApplicationVersion(QStringLiteral(STONYX_SOCKETS_VERSION_STRING));
    ToolSupport::installMessagePattern();

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("stonyx-sockets-client", "Connects to a Stonyx Sockets server, authenticates, sends one request and prints the\n"
           "response as JSON on one line. With --listen it stays connected and prints every message\n"
           "the server sends. Settings come from the SOCKET_* environment variables, a JSON file,\n"
           "then these options.\n\n"
           "Example: stonyx-sockets-client echo '{\"msg\":\"hi\"}'"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions(ToolSupport::commonOptions());
    parser.addOptions({
        {{QStringLiteral("u"), QStringLiteral("url")}, QCoreApplication::translate("stonyx-sockets-client", "The server URL (default: SOCKET_ADDRESS or ws://localhost:2667)."),
         QStringLiteral("url")},
        {{QStringLiteral("a"), QStringLiteral("auth-data")},
         QCoreApplication::translate("stonyx-sockets-client", "A JSON object of extra fields for the auth request; @file reads it from a file, - from standard input."),
         QStringLiteral("json")},
        {{QStringLiteral("t"), QStringLiteral("timeout")},
         QCoreApplication::translate("stonyx-sockets-client", "Give up after <ms> milliseconds (default 10000). With --listen: stop listening after <ms> milliseconds (default: until SIGINT or SIGTERM)."),
         QStringLiteral("ms"), QStringLiteral("10000")},
        {QStringLiteral("no-reply"), QCoreApplication::translate("stonyx-sockets-client", "Send the request and exit without waiting for a response.")},
        {{QStringLiteral("l"), QStringLiteral("listen")},
         QCoreApplication::translate("stonyx-sockets-client", "Stay connected after authenticating (and after the response, if a request is given) and print every message from the server as one JSON line {\"request\":...,\"response\":...} until SIGINT, SIGTERM or --timeout.")},
    });
    parser.addPositionalArgument(QStringLiteral("request"), QCoreApplication::translate("stonyx-sockets-client", "The handler to call, e.g. echo (optional with --listen)."));
    parser.addPositionalArgument(QStringLiteral("data"),
                                 QCoreApplication::translate("stonyx-sockets-client", "The request data as JSON, @file to read it from a file or - to read it from standard input (optional)."),
                                 QStringLiteral("[data]"));
    parser.process(app);

    const bool listen = parser.isSet(QStringLiteral("listen"));
    const bool noReply = parser.isSet(QStringLiteral("no-reply"));
    if (listen && noReply) {
        ToolSupport::printError(QCoreApplication::translate("stonyx-sockets-client", "--listen and --no-reply exclude each other"));
        return 2;
    }
    const QStringList args = parser.positionalArguments();
    if ((args.isEmpty() && !listen) || args.size() > 2) {
        ToolSupport::printError(QCoreApplication::translate("stonyx-sockets-client", "expected a request name and optional JSON data; see --help"));
        return 2;
    }
    const QString request = args.value(0);
    const QString authDataArgument = parser.value(QStringLiteral("auth-data"));
    if (args.value(1) == u"-" && parser.isSet(QStringLiteral("auth-data")) && authDataArgument == u"-") {
        ToolSupport::printError(QCoreApplication::translate("stonyx-sockets-client", "only one of the data and --auth-data can be read from standard input"));
        return 2;
    }
    QJsonValue data(QJsonValue::Undefined);
    QString error;
    if (args.size() == 2 && !ToolSupport::readJsonArgument(args.at(1), &data, &error)) {
        ToolSupport::printError(QCoreApplication::translate("stonyx-sockets-client", "invalid data: %1").arg(error));
        return 2;
    }
    QJsonValue authData;
    if (parser.isSet(QStringLiteral("auth-data"))) {
        if (!ToolSupport::readJsonArgument(authDataArgument, &authData, &error)) {
            ToolSupport::printError(QCoreApplication::translate("stonyx-sockets-client", "invalid --auth-data: %1").arg(error));
            return 2;
        }
        if (!authData.isObject()) {
            ToolSupport::printError(QCoreApplication::translate("stonyx-sockets-client", "--auth-data must be a JSON object"));
            return 2;
        }
    }
    bool timeoutOk = false;
    const int timeout = parser.value(QStringLiteral("timeout")).toInt(&timeoutOk);
    if (!timeoutOk || timeout <= 0) {
        ToolSupport::printError(QCoreApplication::translate("stonyx-sockets-client", "--timeout must be a positive number of milliseconds"));
        return 2;
    }
    // With --listen, an explicit --timeout bounds the whole run; the default one only
    // the way to a listening connection.
    const bool listenUntilTimeout = listen && parser.isSet(QStringLiteral("timeout"));

    SocketConfig config;
    const QStringList defined{QStringLiteral("config"), QStringLiteral("auth-key"), QStringLiteral("no-encryption"),
                             QStringLiteral("url")};
    if (!ToolSupport::buildConfig(parser, defined, &config))
        return 2;
    config.setMaxReconnectAttempts(0); // one shot: a dropped connection is a failure

    SocketClient client(config);
    client.setAuthData(authData.toObject());

    // Every way out goes through finish(): it closes an open connection with a close
    // frame (1000) and quits once the server has answered it, or after
    // CloseHandshakeTimeout at the latest.
    int status = -1;
    bool listening = false; // --listen: everything asked for is done; now printing messages
    QTimer deadline;
    deadline.setSingleShot(true);
    QTimer closeGuard;
    closeGuard.setSingleShot(true);
    QObject::connect(&closeGuard, &QTimer::timeout, &app, [&] { QCoreApplication::exit(status); });
    QObject::connect(&client, &SocketClient::stateChanged, &app, [&](SocketClient::State state) {
        if (status != -1 && state == SocketClient::State::Disconnected)
            QCoreApplication::exit(status);
    });
    auto finish = [&](int code, const QString &message) {
        if (status != -1)
            return;
        status = code;
        deadline.stop();
        std::fflush(stdout);
        if (!message.isEmpty())
            ToolSupport::printError(message);
        client.close(); // sends the close frame if open; otherwise stops at once
        if (client.state() == SocketClient::State::Disconnected)
            QCoreApplication::exit(code);
        else
            closeGuard.start(CloseHandshakeTimeout);
    };
    auto startListening = [&] {
        listening = true;
        if (!listenUntilTimeout)
            deadline.stop();
    };
    auto printMessage = [&](const QString &name, const QJsonValue &response) {
        if (listen)
            printLine(ToolSupport::toJson(QJsonObject{{QStringLiteral("request"), name}, {QStringLiteral("response"), response}}));
        else
            printLine(ToolSupport::toJson(response));
    };

    QObject::connect(&client, &SocketClient::authenticated, &app, [&](const QJsonValue &response) {
        if (status != -1) // e.g. the timeout hit while authenticating: already closing
            return;
        if (request.isEmpty() || request == u"auth") { // the auth response is the answer
            if (!request.isEmpty())
                printMessage(request, response);
            if (listen)
                startListening();
            else
                finish(0, {});
            return;
        }
        if (!client.send(request, data))
            finish(1, client.errorString());
        else if (noReply)
            finish(0, {});
    });
    QObject::connect(&client, &SocketClient::messageReceived, &app, [&](const QString &name, const QJsonValue &response) {
        if (status != -1 || name == u"auth") // auth is answered in authenticated()
            return;
        if (listen) {
            printMessage(name, response);
            if (!listening && name == request)
                startListening();
        } else if (name == request) {
            printMessage(name, response);
            finish(0, {});
        }
    });
    QObject::connect(&client, &SocketClient::errorOccurred, &app, [&](SocketClient::Error e) {
        if (e == SocketClient::Error::ConnectionError || e == SocketClient::Error::AuthenticationRejected
            || e == SocketClient::Error::CryptoError)
            finish(1, client.errorString());
    });
    QObject::connect(&client, &SocketClient::disconnected, &app, [&](int code, const QString &reason) {
        finish(1, reason.isEmpty() ? QCoreApplication::translate("stonyx-sockets-client", "the server closed the connection (code %1)").arg(code)
                                   : QCoreApplication::translate("stonyx-sockets-client", "the server closed the connection (code %1: %2)").arg(code).arg(reason));
    });
    QObject::connect(&deadline, &QTimer::timeout, &app, [&] {
        if (listening)
            finish(0, {}); // --listen --timeout: the time is up, which is no error
        else
            finish(1, QCoreApplication::translate("stonyx-sockets-client", "no response within %1 ms").arg(timeout));
    });
    ToolSupport::onSignals([&](int signalNumber) {
        if (status != -1) { // a second signal while closing: quit at once
            QCoreApplication::exit(status);
            return;
        }
        if (listening)
            finish(0, {});
        else
            finish(1, QCoreApplication::translate("stonyx-sockets-client", "interrupted by signal %1").arg(signalNumber));
    });

    deadline.start(timeout);
    if (!client.open())
        return (ToolSupport::printError(client.errorString()), 1);
    const int result = app.exec();
    return status == -1 ? result : status;
}
