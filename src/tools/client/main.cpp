// SPDX-License-Identifier: MIT
// stonyx-sockets-client: connects, authenticates, sends one request, prints the response.

#include "toolsupport.h"

#include <Stonyx/Sockets/SocketClient>

#include <QCoreApplication>
#include <QTimer>

#include <cstdio>

using namespace Stonyx::Sockets;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("stonyx-sockets-client"));
    QCoreApplication::setApplicationVersion(QStringLiteral(STONYX_SOCKETS_VERSION_STRING));
    ToolSupport::installMessagePattern();

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("stonyx-sockets-client", "Connects to a Stonyx Sockets server, authenticates, sends one request and prints the\n"
           "response as JSON on one line. Settings come from the SOCKET_* environment variables,\n"
           "a JSON file, then these options.\n\n"
           "Example: stonyx-sockets-client echo '{\"msg\":\"hi\"}'"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions(ToolSupport::commonOptions());
    parser.addOptions({
        {{QStringLiteral("u"), QStringLiteral("url")}, QCoreApplication::translate("stonyx-sockets-client", "The server URL (default: SOCKET_ADDRESS or ws://localhost:2667)."),
         QStringLiteral("url")},
        {{QStringLiteral("a"), QStringLiteral("auth-data")}, QCoreApplication::translate("stonyx-sockets-client", "A JSON object of extra fields for the auth request."),
         QStringLiteral("json")},
        {{QStringLiteral("t"), QStringLiteral("timeout")}, QCoreApplication::translate("stonyx-sockets-client", "Give up after <ms> milliseconds (default 10000)."),
         QStringLiteral("ms"), QStringLiteral("10000")},
        {QStringLiteral("no-reply"), QCoreApplication::translate("stonyx-sockets-client", "Send the request and exit without waiting for a response.")},
    });
    parser.addPositionalArgument(QStringLiteral("request"), QCoreApplication::translate("stonyx-sockets-client", "The handler to call, e.g. echo."));
    parser.addPositionalArgument(QStringLiteral("data"), QCoreApplication::translate("stonyx-sockets-client", "The request data as JSON (optional)."), QStringLiteral("[data]"));
    parser.process(app);

    const QStringList args = parser.positionalArguments();
    if (args.isEmpty() || args.size() > 2) {
        ToolSupport::printError(QCoreApplication::translate("stonyx-sockets-client", "expected a request name and optional JSON data; see --help"));
        return 2;
    }
    const QString request = args.at(0);
    QJsonValue data(QJsonValue::Undefined);
    QString error;
    if (args.size() == 2 && !ToolSupport::parseJsonValue(args.at(1), &data, &error)) {
        ToolSupport::printError(QCoreApplication::translate("stonyx-sockets-client", "invalid data: %1").arg(error));
        return 2;
    }
    QJsonValue authData;
    if (parser.isSet(QStringLiteral("auth-data"))
        && (!ToolSupport::parseJsonValue(parser.value(QStringLiteral("auth-data")), &authData, &error) || !authData.isObject())) {
        ToolSupport::printError(QCoreApplication::translate("stonyx-sockets-client", "--auth-data must be a JSON object"));
        return 2;
    }
    bool timeoutOk = false;
    const int timeout = parser.value(QStringLiteral("timeout")).toInt(&timeoutOk);
    if (!timeoutOk || timeout <= 0) {
        ToolSupport::printError(QCoreApplication::translate("stonyx-sockets-client", "--timeout must be a positive number of milliseconds"));
        return 2;
    }

    SocketConfig config;
    const QStringList defined{QStringLiteral("config"), QStringLiteral("auth-key"), QStringLiteral("no-encryption"),
                             QStringLiteral("url")};
    if (!ToolSupport::buildConfig(parser, defined, &config))
        return 2;
    config.setMaxReconnectAttempts(0); // one shot: a dropped connection is a failure

    SocketClient client(config);
    client.setAuthData(authData.toObject());
    const bool noReply = parser.isSet(QStringLiteral("no-reply"));
    int status = -1;
    auto finish = [&](int code, const QString &message) {
        if (status != -1)
            return;
        status = code;
        if (!message.isEmpty())
            ToolSupport::printError(message);
        QCoreApplication::exit(code);
    };

    QObject::connect(&client, &SocketClient::authenticated, &app, [&](const QJsonValue &response) {
        if (request == u"auth") { // the auth response is the answer
            std::printf("%s\n", qUtf8Printable(ToolSupport::toJson(response)));
            finish(0, {});
            return;
        }
        if (!client.send(request, data))
            finish(1, client.errorString());
        else if (noReply)
            finish(0, {});
    });
    QObject::connect(&client, &SocketClient::messageReceived, &app, [&](const QString &name, const QJsonValue &response) {
        if (name != request || request == u"auth")
            return;
        std::printf("%s\n", qUtf8Printable(ToolSupport::toJson(response)));
        std::fflush(stdout);
        finish(0, {});
        client.close();
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
    QTimer::singleShot(timeout, &app, [&] { finish(1, QCoreApplication::translate("stonyx-sockets-client", "no response within %1 ms").arg(timeout)); });

    if (!client.open())
        return (ToolSupport::printError(client.errorString()), 1);
    const int result = app.exec();
    return status == -1 ? result : status;
}
