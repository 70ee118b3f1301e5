// SPDX-License-Identifier: MIT
// Not compiled: it only shows lupdate the strings of the command-line tools.
//
// src/tools/{server,client}/main.cpp translate through a local tr() helper that calls
// QCoreApplication::translate("stonyx-sockets-server" / "stonyx-sockets-client", ...),
// which lupdate cannot attribute to a context. The same texts are listed here under
// the contexts used at run time, so they are in the .ts files. Keep them in step with
// the tools (or make the tools call QCoreApplication::translate() directly and delete
// this file).

#include <QtGlobal>

[[maybe_unused]] static const char *const toolStrings[] = {
    QT_TRANSLATE_NOOP("stonyx-sockets-server", "Serves Stonyx Sockets (protocol version 1) with the handler plugins of a directory.\nSettings come from the SOCKET_* environment variables, a JSON file, then these options."),
    QT_TRANSLATE_NOOP("stonyx-sockets-server", "Listen on <port>; 0 picks a free port (default 2667)."),
    QT_TRANSLATE_NOOP("stonyx-sockets-server", "Listen on the address <host> (default 127.0.0.1; \"any\" for every interface)."),
    QT_TRANSLATE_NOOP("stonyx-sockets-server", "Load handler plugins from <dir>."),
    QT_TRANSLATE_NOOP("stonyx-sockets-server", "Heartbeat interval in milliseconds, for clients sharing this config."),
    QT_TRANSLATE_NOOP("stonyx-sockets-server", "Do not log connections, authentications and disconnections."),
    QT_TRANSLATE_NOOP("stonyx-sockets-server", "Do not log connections, authentications and disconnections (as SOCKET_LOG=false)."),
    QT_TRANSLATE_NOOP("stonyx-sockets-server", "unexpected argument: %1"),
    QT_TRANSLATE_NOOP("stonyx-sockets-server", "listening on %1"),
    QT_TRANSLATE_NOOP("stonyx-sockets-client", "Connects to a Stonyx Sockets server, authenticates, sends one request and prints the\nresponse as JSON on one line. Settings come from the SOCKET_* environment variables,\na JSON file, then these options.\n\nExample: stonyx-sockets-client echo '{\"msg\":\"hi\"}'"),
    QT_TRANSLATE_NOOP("stonyx-sockets-client", "The server URL (default: SOCKET_ADDRESS or ws://localhost:2667)."),
    QT_TRANSLATE_NOOP("stonyx-sockets-client", "A JSON object of extra fields for the auth request."),
    QT_TRANSLATE_NOOP("stonyx-sockets-client", "Give up after <ms> milliseconds (default 10000)."),
    QT_TRANSLATE_NOOP("stonyx-sockets-client", "Send the request and exit without waiting for a response."),
    QT_TRANSLATE_NOOP("stonyx-sockets-client", "The handler to call, e.g. echo."),
    QT_TRANSLATE_NOOP("stonyx-sockets-client", "The request data as JSON (optional)."),
    QT_TRANSLATE_NOOP("stonyx-sockets-client", "expected a request name and optional JSON data; see --help"),
    QT_TRANSLATE_NOOP("stonyx-sockets-client", "invalid data: %1"),
    QT_TRANSLATE_NOOP("stonyx-sockets-client", "--auth-data must be a JSON object"),
    QT_TRANSLATE_NOOP("stonyx-sockets-client", "--timeout must be a positive number of milliseconds"),
    QT_TRANSLATE_NOOP("stonyx-sockets-client", "the server closed the connection (code %1)"),
    QT_TRANSLATE_NOOP("stonyx-sockets-client", "the server closed the connection (code %1: %2)"),
    QT_TRANSLATE_NOOP("stonyx-sockets-client", "no response within %1 ms"),
};
