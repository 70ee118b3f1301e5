// SPDX-License-Identifier: MIT
#pragma once

// Shared by the command-line tools: configuration from env, file and options,
// JSON argument parsing, log format and clean shutdown on SIGINT/SIGTERM.

#include <Stonyx/Sockets/SocketConfig>

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QJsonValue>
#include <QList>

#include <functional>

namespace ToolSupport {

/*! The options both tools share: --config, --auth-key, --no-encryption. */
QList<QCommandLineOption> commonOptions();

/*!
    Builds the configuration: defaults, SOCKET_CONFIG / --config file, SOCKET_*
    variables, then the options in \a parser (--config, --auth-key, --no-encryption,
    and --port, --host, --url, --handler-dir, --heartbeat-interval where the tool lists
    them in \a definedOptions). On error prints it and returns false.
*/
bool buildConfig(const QCommandLineParser &parser, const QStringList &definedOptions,
                 Stonyx::Sockets::SocketConfig *config);

/*! Parses a JSON text holding any value (object, array, string, number, true/false/null). */
bool parseJsonValue(const QString &text, QJsonValue *value, QString *error);

/*!
    Reads a JSON value given as a command-line argument: \c{@path} reads it from the
    file \a path, \c{-} from standard input (to its end), anything else is the JSON
    text itself (see parseJsonValue()). On error sets \a error (translated, naming the
    file) and returns false. Lets payloads too large for the command line through.
*/
bool readJsonArgument(const QString &argument, QJsonValue *value, QString *error);

/*! Compact JSON text of any value. */
QString toJson(const QJsonValue &value);

/*! Prints \a message to stderr as "program: message". */
void printError(const QString &message);

/*! Installs the log format (ISO time, level, category). */
void installMessagePattern();

/*! Makes SIGINT and SIGTERM quit the application's event loop cleanly. */
void quitOnSignals();

/*!
    Calls \a handler with the signal number, from the event loop, for every SIGINT
    and SIGTERM. Replaces the handler of an earlier call (or quitOnSignals()).
*/
void onSignals(std::function<void(int)> handler);

} // namespace ToolSupport
