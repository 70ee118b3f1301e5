// SPDX-License-Identifier: MIT
#include "translations.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QPointer>
#include <QTranslator>

#ifndef STONYX_SOCKETS_TRANSLATIONS_INSTALL_DIR
#define STONYX_SOCKETS_TRANSLATIONS_INSTALL_DIR ""
#endif
#ifndef STONYX_SOCKETS_TRANSLATIONS_RELATIVE_DIR
#define STONYX_SOCKETS_TRANSLATIONS_RELATIVE_DIR "share/stonyx-sockets/translations"
#endif

namespace Stonyx::Sockets {

Q_LOGGING_CATEGORY(lcTranslations, "stonyx.sockets.translations", QtInfoMsg)

namespace {

// The translator these functions installed; owned by the application object.
QPointer<QTranslator> &currentTranslator()
{
    static QPointer<QTranslator> translator;
    return translator;
}

bool isEnglish(const QLocale &locale)
{
    return locale.language() == QLocale::English || locale.language() == QLocale::C;
}

bool load(const QLocale &locale, const QStringList &directories)
{
    QCoreApplication *app = QCoreApplication::instance();
    if (!app) {
        qCWarning(lcTranslations, "Stonyx Sockets translations need a QCoreApplication");
        return false;
    }
    removeTranslations();
    if (isEnglish(locale))
        return true; // the source strings are English

    auto translator = std::make_unique<QTranslator>(app);
    for (const QString &directory : directories) {
        if (directory.isEmpty())
            continue;
        if (translator->load(locale, translationCatalogue(), QStringLiteral("_"), directory)) {
            qCDebug(lcTranslations, "Loaded %s", qUtf8Printable(translator->filePath()));
            QCoreApplication::installTranslator(translator.get());
            currentTranslator() = translator.release();
            return true;
        }
    }
    qCDebug(lcTranslations, "No Stonyx Sockets translation for %s", qUtf8Printable(locale.name()));
    return false;
}

} // namespace

QString translationCatalogue()
{
    return QStringLiteral("stonyx-sockets");
}

QStringList translationDirectories()
{
    QStringList directories;
    const QString fromEnvironment = qEnvironmentVariable("STONYX_SOCKETS_TRANSLATIONS_DIR");
    if (!fromEnvironment.isEmpty())
        directories.append(fromEnvironment);
    const QString installed = QStringLiteral(STONYX_SOCKETS_TRANSLATIONS_INSTALL_DIR);
    if (!installed.isEmpty())
        directories.append(installed);
    if (QCoreApplication::instance()) {
        const QString besideApp = QDir::cleanPath(QCoreApplication::applicationDirPath() + QStringLiteral("/../")
                                                  + QStringLiteral(STONYX_SOCKETS_TRANSLATIONS_RELATIVE_DIR));
        if (!directories.contains(besideApp))
            directories.append(besideApp);
    }
    directories.append(QStringLiteral(":/stonyx-sockets/translations"));
    return directories;
}

bool installTranslator(QCoreApplication *app)
{
    if (!app || app != QCoreApplication::instance()) {
        qCWarning(lcTranslations, "installTranslator() needs the application object");
        return false;
    }
    return load(QLocale(), translationDirectories());
}

bool loadTranslations(const QLocale &locale)
{
    return load(locale, translationDirectories());
}

bool loadTranslations(const QLocale &locale, const QString &directory)
{
    QStringList directories = translationDirectories();
    directories.prepend(directory);
    return load(locale, directories);
}

void removeTranslations()
{
    QPointer<QTranslator> &translator = currentTranslator();
    if (!translator)
        return;
    QCoreApplication::removeTranslator(translator);
    delete translator.data();
    translator.clear();
}

} // namespace Stonyx::Sockets
