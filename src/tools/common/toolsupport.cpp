// SPDX-License-Identifier: MIT
#include "toolsupport.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSocketNotifier>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

using Stonyx::Sockets::SocketConfig;

namespace ToolSupport {

namespace {

int signalPipe[2] = {-1, -1};
std::function<void(int)> signalHandler;

void onSignal(int signalNumber)
{
    const char byte = char(signalNumber);
    // Only async-signal-safe work here: wake the event loop through the pipe.
    [[maybe_unused]] const ssize_t written = ::write(signalPipe[1], &byte, 1);
}

} // namespace

QList<QCommandLineOption> commonOptions()
{
    return {
        {{QStringLiteral("c"), QStringLiteral("config")},
         QCoreApplication::translate("ToolSupport", "Read settings from the JSON file <file> (keys as in the README)."),
         QStringLiteral("file")},
        {{QStringLiteral("k"), QStringLiteral("auth-key")},
         QCoreApplication::translate("ToolSupport", "The shared auth key (default: SOCKET_AUTH_KEY or AUTH_KEY)."),
         QStringLiteral("key")},
        {QStringLiteral("no-encryption"),
         QCoreApplication::translate("ToolSupport", "Send plain JSON text frames (the peer must agree).")},
    };
}

bool buildConfig(const QCommandLineParser &parser, const QStringList &definedOptions, SocketConfig *config)
{
    QString error;
    *config = SocketConfig::fromEnvironment(QProcessEnvironment::systemEnvironment(), &error);
    if (!error.isEmpty()) {
        printError(error);
        return false;
    }
    // Only ask about options this tool defines; QCommandLineParser warns about others.
    auto has = [&](const char *name) {
        const QString option = QString::fromLatin1(name);
        return definedOptions.contains(option) && parser.isSet(option);
    };
    auto value = [&](const char *name) { return parser.value(QString::fromLatin1(name)); };

    // The file first, then the environment again on top of it, then the options.
    if (has("config")) {
        if (!config->loadFile(value("config"), &error) || !config->applyEnvironment(QProcessEnvironment::systemEnvironment(), &error)) {
            printError(error);
            return false;
        }
    }
    QJsonObject options;
    if (has("port"))
        options.insert(u"port", value("port"));
    if (has("host"))
        options.insert(u"host", value("host"));
    if (has("url"))
        options.insert(u"address", value("url"));
    if (has("handler-dir"))
        options.insert(u"handlerDir", value("handler-dir"));
    if (has("heartbeat-interval"))
        options.insert(u"heartBeatInterval", value("heartbeat-interval"));
    if (has("auth-key"))
        options.insert(u"authKey", value("auth-key"));
    if (has("no-encryption"))
        options.insert(u"encryption", false);
    if (!config->applyJson(options, &error)) {
        printError(error);
        return false;
    }
    return true;
}

bool parseJsonValue(const QString &text, QJsonValue *value, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson('[' + text.toUtf8() + ']', &parseError);
    if (parseError.error != QJsonParseError::NoError || document.array().size() != 1) {
        *error = parseError.error != QJsonParseError::NoError
            ? QCoreApplication::translate("ToolSupport", "not valid JSON (%1): %2").arg(parseError.errorString(), text)
            : QCoreApplication::translate("ToolSupport", "expected one JSON value: %1").arg(text);
        return false;
    }
    *value = document.array().first();
    return true;
}

bool readJsonArgument(const QString &argument, QJsonValue *value, QString *error)
{
    if (argument != u"-" && !argument.startsWith(u'@'))
        return parseJsonValue(argument, value, error);

    const bool fromStdin = argument == u"-";
    const QString source = fromStdin ? QCoreApplication::translate("ToolSupport", "standard input") : argument.mid(1);
    QFile file;
    bool opened = false;
    if (fromStdin) {
        opened = file.open(stdin, QIODevice::ReadOnly);
    } else {
        file.setFileName(source);
        opened = file.open(QIODevice::ReadOnly);
    }
    QByteArray text;
    if (opened)
        text = file.readAll();
    if (!opened || file.error() != QFileDevice::NoError) {
        *error = QCoreApplication::translate("ToolSupport", "cannot read %1: %2").arg(source, file.errorString());
        return false;
    }
    if (text.startsWith("\xEF\xBB\xBF")) // a UTF-8 byte order mark some editors write
        text.remove(0, 3);

    // Wrapped in [ ] so that any value parses, not only objects and arrays.
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson('[' + text + ']', &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const qsizetype offset = std::clamp<qsizetype>(parseError.offset - 1, 0, text.size());
        *error = QCoreApplication::translate("ToolSupport", "%1 does not hold valid JSON (%2 at byte %3)")
                     .arg(source, parseError.errorString())
                     .arg(offset);
        return false;
    }
    if (document.array().size() != 1) {
        *error = QCoreApplication::translate("ToolSupport", "%1 does not hold exactly one JSON value").arg(source);
        return false;
    }
    *value = document.array().first();
    return true;
}

QString toJson(const QJsonValue &value)
{
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

void printError(const QString &message)
{
    std::fprintf(stderr, "%s: %s\n", qUtf8Printable(QCoreApplication::applicationName()), qUtf8Printable(message));
    std::fflush(stderr);
}

void installMessagePattern()
{
    qSetMessagePattern(QStringLiteral(
        "%{time yyyy-MM-ddThh:mm:ss.zzz} %{if-debug}debug%{endif}%{if-info}info%{endif}%{if-warning}warning%{endif}"
        "%{if-critical}critical%{endif}%{if-fatal}fatal%{endif} %{category}: %{message}"));
}

void quitOnSignals()
{
    onSignals([](int) { QCoreApplication::quit(); });
}

void onSignals(std::function<void(int)> handler)
{
    signalHandler = std::move(handler);
    if (signalPipe[0] != -1)
        return; // already installed; only the handler changes
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) != 0) {
        signalPipe[0] = signalPipe[1] = -1;
        return;
    }
    auto *notifier = new QSocketNotifier(signalPipe[0], QSocketNotifier::Read, QCoreApplication::instance());
    QObject::connect(notifier, &QSocketNotifier::activated, QCoreApplication::instance(), [] {
        char byte = 0;
        if (::read(signalPipe[0], &byte, 1) == 1 && signalHandler)
            signalHandler(int(static_cast<unsigned char>(byte)));
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

} // namespace ToolSupport
