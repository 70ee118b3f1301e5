// SPDX-License-Identifier: MIT
// The quick start's launcher: loads main.qml. (With the qml tool, "qml main.qml" does
// the same when Stonyx.Sockets is installed.)

#include <Stonyx/Sockets/Translations>

#include <QGuiApplication>
#include <QQmlApplicationEngine>

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    Stonyx::Sockets::installTranslator(&app);
    QQmlApplicationEngine engine;
#ifdef STONYX_QML_IMPORT_PATH
    engine.addImportPath(QStringLiteral(STONYX_QML_IMPORT_PATH)); // the build tree's module
#endif
    QObject::connect(&engine, &QQmlApplicationEngine::objectCreationFailed, &app, [] { QCoreApplication::exit(1); },
                     Qt::QueuedConnection);
    engine.load(QUrl(QStringLiteral("qrc:/main.qml")));
    return app.exec();
}
