// SPDX-License-Identifier: MIT
// stonyx-sockets-server: serves the handler plugins of a directory.

#include "toolsupport.h"

#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketServer>
#if STONYX_HAVE_REDIS
#include <Stonyx/Sockets/RedisBackplane>
#endif
#if STONYX_HAVE_HTTPSERVER
#include "adminserver.h"
#endif
#include <QFile>

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <QLoggingCategory>

#include <cstdio>
#include <memory>

using namespace Stonyx::Sockets;

namespace {

Q_LOGGING_CATEGORY(lcTool, "stonyx.sockets.tool", QtInfoMsg)

// Without an explicit handler directory, fall back to the handlers installed (or
// built) next to this program when ./socket-handlers does not exist.
QString defaultHandlerDir(const SocketConfig &config)
{
    if (QFileInfo::exists(config.handlerDir()))
        return config.handlerDir();
    const QString installed = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral(STONYX_RELATIVE_HANDLERDIR));
    return QFileInfo::exists(installed) ? QDir::cleanPath(installed) : config.handlerDir();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("stonyx-sockets-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(STONYX_SOCKETS_VERSION_STRING));
    ToolSupport::installMessagePattern();

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("stonyx-sockets-server", "Serves Stonyx Sockets (protocol version 1) with the handler plugins of a directory.\n"
           "Settings come from the SOCKET_* environment variables, a JSON file, then these options."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions(ToolSupport::commonOptions());
    parser.addOptions({
        {{QStringLiteral("p"), QStringLiteral("port")}, QCoreApplication::translate("stonyx-sockets-server", "Listen on <port>; 0 picks a free port (default 2667)."),
         QStringLiteral("port")},
        {QStringLiteral("host"), QCoreApplication::translate("stonyx-sockets-server", "Listen on the address <host> (default 127.0.0.1; \"any\" for every interface)."),
         QStringLiteral("host")},
        {{QStringLiteral("d"), QStringLiteral("handler-dir")}, QCoreApplication::translate("stonyx-sockets-server", "Load handler plugins from <dir>."),
         QStringLiteral("dir")},
        {QStringLiteral("heartbeat-interval"), QCoreApplication::translate("stonyx-sockets-server", "Heartbeat interval in milliseconds, for clients sharing this config."),
         QStringLiteral("ms")},
        {QStringLiteral("redis-url"), QCoreApplication::translate("stonyx-sockets-server", "Join the cluster of servers that share the Redis backplane <url>, redis://[:password@]host:port[/db] (as SOCKET_REDIS_URL)."),
         QStringLiteral("url")},
        {QStringLiteral("metrics-port"), QCoreApplication::translate("stonyx-sockets-server", "Serve Prometheus metrics (/metrics) and the admin page (/admin) over HTTP on <port> of the listening host; 0 picks a free port (default: off)."),
         QStringLiteral("port")},
        {QStringLiteral("admin-token-file"), QCoreApplication::translate("stonyx-sockets-server", "Read the admin token from <file>: with it the admin page may disconnect clients (default: read-only)."),
         QStringLiteral("file")},
        {{QStringLiteral("q"), QStringLiteral("quiet")}, QCoreApplication::translate("stonyx-sockets-server", "Do not log connections, authentications and disconnections (as SOCKET_LOG=false).")},
    });
    parser.process(app);
    if (!parser.positionalArguments().isEmpty()) {
        ToolSupport::printError(QCoreApplication::translate("stonyx-sockets-server", "unexpected argument: %1").arg(parser.positionalArguments().first()));
        return 2;
    }

    SocketConfig config;
    const QStringList defined{QStringLiteral("config"), QStringLiteral("auth-key"), QStringLiteral("no-encryption"),
                             QStringLiteral("port"), QStringLiteral("host"), QStringLiteral("handler-dir"),
                             QStringLiteral("heartbeat-interval")};
    if (!ToolSupport::buildConfig(parser, defined, &config))
        return 2;
    const bool handlerDirGiven = parser.isSet(QStringLiteral("handler-dir")) || parser.isSet(QStringLiteral("config"))
        || qEnvironmentVariableIsSet("SOCKET_HANDLER_DIR");
    if (!handlerDirGiven)
        config.setHandlerDir(defaultHandlerDir(config));
    // The tool logs by default (SOCKET_LOG=false or --quiet turn it off).
    if (!qEnvironmentVariableIsSet("SOCKET_LOG"))
        config.setLog(true);
    if (parser.isSet(QStringLiteral("quiet")))
        config.setLog(false);
    if (parser.isSet(QStringLiteral("redis-url"))) {
        config.setRedisUrl(parser.value(QStringLiteral("redis-url")).trimmed());
        if (const QString problem = config.validate(); !problem.isEmpty()) {
            ToolSupport::printError(problem);
            return 2;
        }
    }

    SocketServer server(config);
#if STONYX_HAVE_REDIS
    std::unique_ptr<RedisBackplane> backplane;
    if (!config.redisUrl().isEmpty()) {
        backplane = std::make_unique<RedisBackplane>(config.redisUrl());
        server.setBackplane(backplane.get());
        qCInfo(lcTool, "Cluster node %s, backplane %s", qUtf8Printable(server.nodeId()), qUtf8Printable(backplane->url()));
    }
#else
    if (!config.redisUrl().isEmpty()) {
        ToolSupport::printError(QCoreApplication::translate("stonyx-sockets-server", "this build has no Redis backplane (hiredis was not found): \"redisUrl\" cannot be used"));
        return 2;
    }
#endif
    if (!server.listen()) {
        ToolSupport::printError(server.errorString());
        return 1;
    }
#if STONYX_HAVE_HTTPSERVER
    std::unique_ptr<AdminServer> admin;
    if (parser.isSet(QStringLiteral("metrics-port"))) {
        bool ok = false;
        const uint port = parser.value(QStringLiteral("metrics-port")).toUInt(&ok);
        QByteArray token;
        if (parser.isSet(QStringLiteral("admin-token-file"))) {
            QFile file(parser.value(QStringLiteral("admin-token-file")));
            if (!file.open(QIODevice::ReadOnly)) {
                ToolSupport::printError(QCoreApplication::translate("stonyx-sockets-server", "cannot read the admin token file %1: %2").arg(file.fileName(), file.errorString()));
                return 2;
            }
            token = file.readAll().trimmed();
            if (token.isEmpty()) {
                ToolSupport::printError(QCoreApplication::translate("stonyx-sockets-server", "the admin token file %1 is empty").arg(file.fileName()));
                return 2;
            }
        }
        admin = std::make_unique<AdminServer>(&server, token);
        // The WebSocket server's host: "any" (or "*") is every interface, "localhost" loopback.
        const QString h = config.host();
        const QHostAddress host = h == u"localhost"         ? QHostAddress(QHostAddress::LocalHost)
                                  : h == u"any" || h == u"*" ? QHostAddress(QHostAddress::Any)
                                                             : QHostAddress(h);
        const quint16 bound = ok && port <= 65535 ? admin->listen(host, quint16(port)) : 0;
        if (!bound) {
            ToolSupport::printError(QCoreApplication::translate("stonyx-sockets-server", "cannot serve metrics on port %1").arg(parser.value(QStringLiteral("metrics-port"))));
            return 1;
        }
        std::printf("%s\n", qUtf8Printable(QCoreApplication::translate("stonyx-sockets-server", "metrics on %1").arg(QStringLiteral("http://%1:%2/metrics").arg(server.serverUrl().host()).arg(bound))));
    }
#else
    if (parser.isSet(QStringLiteral("metrics-port"))) {
        ToolSupport::printError(QCoreApplication::translate("stonyx-sockets-server", "this build has no metrics endpoint (Qt HTTP Server was not found)"));
        return 2;
    }
#endif
    qCInfo(lcTool, "Handlers from %s: %s", qUtf8Printable(QDir(config.handlerDir()).absolutePath()),
          qUtf8Printable(server.handlerNames().join(QStringLiteral(", "))));
    // A machine-readable line on stdout, so scripts can find the (possibly random) port.
    std::printf("%s\n", qUtf8Printable(QCoreApplication::translate("stonyx-sockets-server", "listening on %1").arg(server.serverUrl().toString())));
    std::fflush(stdout);

    ToolSupport::quitOnSignals();
    const int status = app.exec();
    qCInfo(lcTool, "Shutting down (%d client(s) connected)", server.clientCount());
    server.close();
    return status;
}
