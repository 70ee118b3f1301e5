// SPDX-License-Identifier: MIT
// The German and French catalogues: loading them the Qt way, and translated errors from
// the core library and from the QML module.

#include <Stonyx/Sockets/SocketClient>
#include <Stonyx/Sockets/SocketConfig>
#include <Stonyx/Sockets/Translations>

#include <QFile>
#include <QJsonObject>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QTest>

using namespace Stonyx::Sockets;

class tst_Translations : public QObject
{
    Q_OBJECT

    static QString unknownKeyError()
    {
        SocketConfig config;
        QString error;
        config.applyJson(QJsonObject{{QStringLiteral("bogus"), 1}}, &error);
        return error;
    }

    static QString sendError()
    {
        SocketClient client{SocketConfig()};
        client.send(QStringLiteral("echo"), QJsonValue(1));
        return client.errorString();
    }

    // send() of a function from QML: the message comes from the QML module.
    static QString qmlSendError()
    {
        QQmlEngine engine;
        engine.addImportPath(QStringLiteral(STONYX_QML_IMPORT_PATH));
        QQmlComponent component(&engine);
        component.setData("import Stonyx.Sockets\nSocketClient { property bool sent: send(\"echo\", () => 1) }", QUrl());
        std::unique_ptr<QObject> client(component.create());
        if (!client)
            return component.errorString();
        return client->property("errorString").toString();
    }

private Q_SLOTS:
    void cleanup() { removeTranslations(); }

    void embedded()
    {
        QVERIFY(QFile::exists(QStringLiteral(":/stonyx-sockets/translations/stonyx-sockets_de.qm")));
        QVERIFY(QFile::exists(QStringLiteral(":/stonyx-sockets/translations/stonyx-sockets_fr.qm")));
        QCOMPARE(translationDirectories().constLast(), QStringLiteral(":/stonyx-sockets/translations"));
        QCOMPARE(translationCatalogue(), QStringLiteral("stonyx-sockets"));
    }

    void errors_data()
    {
        QTest::addColumn<QLocale>("locale");
        QTest::addColumn<QString>("unknownKey");
        QTest::addColumn<QString>("send");
        QTest::addColumn<QString>("qmlSend");
        QTest::addRow("German") << QLocale(QLocale::German, QLocale::Germany)
                                << QStringLiteral("Unbekannter Konfigurationsschlüssel „bogus“")
                                << QStringLiteral("„echo“ kann nicht gesendet werden: keine Verbindung")
                                << QStringLiteral("„echo“ kann nicht gesendet werden: data ist eine Funktion, die nicht "
                                                  "gesendet werden kann");
        QTest::addRow("French") << QLocale(QLocale::French, QLocale::Canada)
                                << QStringLiteral("Clé de configuration « bogus » inconnue")
                                << QStringLiteral("Impossible d’envoyer « echo » : non connecté")
                                << QStringLiteral("Impossible d’envoyer « echo » : data est une fonction, qui ne peut pas "
                                                  "être envoyée");
        QTest::addRow("English") << QLocale(QLocale::English, QLocale::UnitedKingdom)
                                 << QStringLiteral("Unknown configuration key \"bogus\"")
                                 << QStringLiteral("Cannot send \"echo\": not connected")
                                 << QStringLiteral("Cannot send \"echo\": data is a function, which cannot be sent");
    }
    void errors()
    {
        QFETCH(QLocale, locale);
        QFETCH(QString, unknownKey);
        QFETCH(QString, send);
        QFETCH(QString, qmlSend);
        QVERIFY(loadTranslations(locale));
        QCOMPARE(unknownKeyError(), unknownKey);
        QCOMPARE(sendError(), send);
        QCOMPARE(qmlSendError(), qmlSend);
    }

    void switching()
    {
        QVERIFY(loadTranslations(QLocale(QLocale::German)));
        QVERIFY(unknownKeyError().startsWith(u"Unbekannter"));
        QVERIFY(loadTranslations(QLocale(QLocale::French))); // replaces German
        QVERIFY(unknownKeyError().startsWith(u"Clé"));
        removeTranslations();
        QVERIFY(unknownKeyError().startsWith(u"Unknown"));
    }

    void installTranslatorUsesTheDefaultLocale()
    {
        const QLocale saved;
        QLocale::setDefault(QLocale(QLocale::German, QLocale::Austria));
        QVERIFY(installTranslator(QCoreApplication::instance()));
        QLocale::setDefault(saved);
        QCOMPARE(sendError(), QStringLiteral("„echo“ kann nicht gesendet werden: keine Verbindung"));
    }

    void unknownLanguage()
    {
        QVERIFY(!loadTranslations(QLocale(QLocale::Japanese)));
        QCOMPARE(sendError(), QStringLiteral("Cannot send \"echo\": not connected"));
    }

    void explicitDirectory()
    {
        // A directory without the catalogue falls back to the default places.
        QVERIFY(loadTranslations(QLocale(QLocale::German), QStringLiteral("/nonexistent")));
        QVERIFY(unknownKeyError().startsWith(u"Unbekannter"));
    }
};

QTEST_MAIN(tst_Translations)

#include "tst_translations.moc"
