// SPDX-License-Identifier: MIT
// stonyx-deviceagent: the headless device agent example.
//
//   stonyx-deviceagent --url ws://server:2667 --auth-key SECRET --device-id pump-7
//
// Settings not given as options come from the SOCKET_* environment variables.

#include "deviceagent.h"

#include <Stonyx/Sockets/Translations>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSysInfo>

#include <cstdio>

using namespace Stonyx::Sockets;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("stonyx-deviceagent"));
    installTranslator(&app);

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "DeviceAgent", "A headless device agent: authenticates with its device id, sends telemetry, "
                       "answers commands and reconnects when the server restarts."));
    parser.addHelpOption();
    parser.addOptions({
        {{QStringLiteral("u"), QStringLiteral("url")}, QCoreApplication::translate("DeviceAgent", "The server URL."),
         QStringLiteral("url")},
        {{QStringLiteral("k"), QStringLiteral("auth-key")}, QCoreApplication::translate("DeviceAgent", "The shared auth key."),
         QStringLiteral("key")},
        {QStringLiteral("device-id"), QCoreApplication::translate("DeviceAgent", "This device's id (default: the host name)."),
         QStringLiteral("id")},
        {QStringLiteral("interval"), QCoreApplication::translate("DeviceAgent", "Milliseconds between telemetry messages."),
         QStringLiteral("ms"), QStringLiteral("5000")},
        {QStringLiteral("telemetry-request"),
         QCoreApplication::translate("DeviceAgent", "The request name telemetry is sent under."),
         QStringLiteral("name"), QStringLiteral("telemetry")},
        {QStringLiteral("no-encryption"), QCoreApplication::translate("DeviceAgent", "Send plain JSON frames.")},
    });
    parser.process(app);

    QString error;
    SocketConfig config = SocketConfig::fromEnvironment(QProcessEnvironment::systemEnvironment(), &error);
    QJsonObject options;
    if (parser.isSet(QStringLiteral("url")))
        options.insert(u"address", parser.value(QStringLiteral("url")));
    if (parser.isSet(QStringLiteral("auth-key")))
        options.insert(u"authKey", parser.value(QStringLiteral("auth-key")));
    if (parser.isSet(QStringLiteral("no-encryption")))
        options.insert(u"encryption", false);
    if (!error.isEmpty() || !config.applyJson(options, &error)) {
        std::fprintf(stderr, "%s\n", qUtf8Printable(error));
        return 2;
    }

    DeviceAgent::Options agentOptions;
    agentOptions.deviceId = parser.isSet(QStringLiteral("device-id")) ? parser.value(QStringLiteral("device-id"))
                                                                       : QSysInfo::machineHostName();
    agentOptions.intervalMs = parser.value(QStringLiteral("interval")).toInt();
    agentOptions.telemetryRequest = parser.value(QStringLiteral("telemetry-request"));
    if (agentOptions.intervalMs <= 0 || agentOptions.deviceId.isEmpty() || agentOptions.telemetryRequest.isEmpty()) {
        std::fprintf(stderr, "%s\n",
                     qUtf8Printable(QCoreApplication::translate(
                         "DeviceAgent", "--interval must be positive; --device-id and --telemetry-request must not be empty")));
        return 2;
    }

    DeviceAgent agent(config, agentOptions);
    if (!agent.start())
        return 1;
    return app.exec();
}
