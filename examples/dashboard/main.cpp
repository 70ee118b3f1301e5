// SPDX-License-Identifier: MIT
// stonyx-dashboard: a Qt Widgets monitor for a Stonyx Sockets server.
//
//   stonyx-dashboard --port 2667 --auth-key SECRET --start
//
// --demo sends a "command" to every client that authenticates (through the UI);
// --screenshot FILE grabs the window once --screenshot-after N log entries are shown.

#include "dashboardwindow.h"

#include <Stonyx/Sockets/Translations>

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("stonyx-dashboard"));
    Stonyx::Sockets::installTranslator(&app);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("DashboardWindow", "A monitor for a Stonyx Sockets server."));
    parser.addHelpOption();
    parser.addOptions({
        {{QStringLiteral("p"), QStringLiteral("port")}, QApplication::translate("DashboardWindow", "The port to listen on."),
         QStringLiteral("port"), QStringLiteral("2667")},
        {{QStringLiteral("k"), QStringLiteral("auth-key")}, QApplication::translate("DashboardWindow", "The shared auth key."),
         QStringLiteral("key"), QStringLiteral("AUTH_KEY")},
        {QStringLiteral("no-encryption"), QApplication::translate("DashboardWindow", "Send plain JSON frames.")},
        {{QStringLiteral("d"), QStringLiteral("handler-dir")},
         QApplication::translate("DashboardWindow", "Load handler plugins from <dir>."), QStringLiteral("dir")},
        {QStringLiteral("start"), QApplication::translate("DashboardWindow", "Start the server right away.")},
        {QStringLiteral("demo"),
         QApplication::translate("DashboardWindow", "Send a ping command to every client that authenticates.")},
        {QStringLiteral("screenshot"), QApplication::translate("DashboardWindow", "Save a screenshot to <file>."),
         QStringLiteral("file")},
        {QStringLiteral("screenshot-after"),
         QApplication::translate("DashboardWindow", "Take the screenshot after <n> log entries."), QStringLiteral("n"),
         QStringLiteral("1")},
    });
    parser.process(app);

    DashboardWindow::Options options;
    options.port = parser.value(QStringLiteral("port")).toInt();
    options.authKey = parser.value(QStringLiteral("auth-key"));
    options.encryption = !parser.isSet(QStringLiteral("no-encryption"));
    options.handlerDir = parser.value(QStringLiteral("handler-dir"));
    options.demo = parser.isSet(QStringLiteral("demo"));
    options.screenshotFile = parser.value(QStringLiteral("screenshot"));
    options.screenshotAfter = parser.value(QStringLiteral("screenshot-after")).toInt();

    DashboardWindow window(options);
    window.show();
    if (parser.isSet(QStringLiteral("start")) && !window.startServer())
        return 1;
    return app.exec();
}
