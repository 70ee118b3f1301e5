// SPDX-License-Identifier: MIT
// stonyx-qmlchat: the QML chat example's launcher. The chat itself is Main.qml.
//
//   stonyx-qmlchat                                   (choose in the window)
//   stonyx-qmlchat --host --port 2667 --nick ada     (host a chat and join it)
//   stonyx-qmlchat --join ws://host:2667 --nick bob  (join one)
//
// --send TEXT sends one message once connected; --screenshot FILE grabs the window
// once --screenshot-after N chat messages are shown.

#include <Stonyx/Sockets/Translations>

#include <QCommandLineParser>
#include <QDir>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>

#include <cstdio>

/*! Services the QML side cannot do itself: print a line to stdout and save a screenshot. */
class ChatApp : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    /*! Prints \a line on stdout (tests and scripts read it). */
    Q_INVOKABLE void print(const QString &line) const
    {
        std::printf("%s\n", qUtf8Printable(line));
        std::fflush(stdout);
    }

    /*! Grabs \a window into \a file; returns false if that failed. */
    Q_INVOKABLE bool saveScreenshot(QQuickWindow *window, const QString &file) const
    {
        return window && window->grabWindow().save(file);
    }
};

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("stonyx-qmlchat"));
    Stonyx::Sockets::installTranslator(&app);
    QQuickStyle::setStyle(QStringLiteral("Fusion"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QGuiApplication::translate("ChatApp", "A chat over Stonyx Sockets, written in QML."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("host"), QGuiApplication::translate("ChatApp", "Host a chat server and join it.")},
        {QStringLiteral("port"), QGuiApplication::translate("ChatApp", "The port to host on (0 picks a free one)."),
         QStringLiteral("port"), QStringLiteral("2667")},
        {QStringLiteral("join"), QGuiApplication::translate("ChatApp", "Join the chat at <url>."), QStringLiteral("url")},
        {QStringLiteral("nick"), QGuiApplication::translate("ChatApp", "Your nickname."), QStringLiteral("name")},
        {QStringLiteral("auth-key"), QGuiApplication::translate("ChatApp", "The shared auth key."), QStringLiteral("key"),
         QStringLiteral("AUTH_KEY")},
        {QStringLiteral("no-encryption"), QGuiApplication::translate("ChatApp", "Send plain JSON frames.")},
        {QStringLiteral("send"), QGuiApplication::translate("ChatApp", "Send <text> once connected."), QStringLiteral("text")},
        {QStringLiteral("screenshot"), QGuiApplication::translate("ChatApp", "Save a screenshot to <file>."),
         QStringLiteral("file")},
        {QStringLiteral("screenshot-after"),
         QGuiApplication::translate("ChatApp", "Take the screenshot once <n> chat messages are shown."),
         QStringLiteral("n"), QStringLiteral("1")},
    });
    parser.process(app);

    QQmlApplicationEngine engine;
#ifdef STONYX_QML_IMPORT_PATH
    engine.addImportPath(QStringLiteral(STONYX_QML_IMPORT_PATH));
#endif
    ChatApp chatApp;
    const QString screenshot = parser.value(QStringLiteral("screenshot"));
    engine.setInitialProperties({
        {QStringLiteral("chatApp"), QVariant::fromValue(&chatApp)},
        {QStringLiteral("nickname"), parser.isSet(QStringLiteral("nick")) ? parser.value(QStringLiteral("nick"))
                                                                          : qEnvironmentVariable("USER", QStringLiteral("guest"))},
        {QStringLiteral("authKey"), parser.value(QStringLiteral("auth-key"))},
        {QStringLiteral("encryption"), !parser.isSet(QStringLiteral("no-encryption"))},
        {QStringLiteral("hostPort"), parser.value(QStringLiteral("port")).toInt()},
        {QStringLiteral("autoHost"), parser.isSet(QStringLiteral("host"))},
        {QStringLiteral("autoJoinUrl"), parser.value(QStringLiteral("join"))},
        {QStringLiteral("autoSend"), parser.value(QStringLiteral("send"))},
        {QStringLiteral("screenshotFile"), screenshot.isEmpty() ? QString() : QDir::current().absoluteFilePath(screenshot)},
        {QStringLiteral("screenshotAfter"), parser.value(QStringLiteral("screenshot-after")).toInt()},
    });
    QObject::connect(&engine, &QQmlApplicationEngine::objectCreationFailed, &app, [] { QCoreApplication::exit(1); },
                     Qt::QueuedConnection);
    engine.load(QUrl(QStringLiteral("qrc:/Main.qml")));
    return app.exec();
}

#include "main.moc"
