// SPDX-License-Identifier: MIT
#pragma once

#include "stonyxsockets_export.h"

#include <QLocale>
#include <QString>
#include <QStringList>

QT_BEGIN_NAMESPACE
class QCoreApplication;
QT_END_NAMESPACE

/*!
    \headerfile <Stonyx/Sockets/Translations>
    \brief Loading the translations of Stonyx Sockets.

    Every user-visible string of the library, of its QML module, of the command-line
    tools and of the examples goes through \c tr() / \c qsTr(). The translations
    (catalogue \c stonyx-sockets, e.g. \c stonyx-sockets_de.qm) are installed to
    \c share/stonyx-sockets/translations and are also embedded in the library, so
    the functions below work in the build tree and after installation alike.

    \code
    QCoreApplication app(argc, argv);
    Stonyx::Sockets::installTranslator(&app); // German error texts on a German system
    \endcode

    These functions must be called from the thread that owns the application object.
*/
namespace Stonyx::Sockets {

/*!
    Loads the Stonyx Sockets translation for the default locale (QLocale()) and
    installs it into \a app, replacing one installed earlier by these functions.
    Returns true if a translation was found, or if the locale needs none (English).
*/
STONYX_SOCKETS_EXPORT bool installTranslator(QCoreApplication *app);

/*!
    Loads the Stonyx Sockets translation for \a locale and installs it into the
    application object, replacing one installed earlier by these functions. An
    English locale removes it. Returns false if the locale is not English and no
    translation was found (the strings then stay English).
*/
STONYX_SOCKETS_EXPORT bool loadTranslations(const QLocale &locale);

/*!
    Like loadTranslations(const QLocale &), but looks in \a directory before the
    default places (see translationDirectories()). Use it for an application that
    ships its own copy of the \c .qm files.
*/
STONYX_SOCKETS_EXPORT bool loadTranslations(const QLocale &locale, const QString &directory);

/*!
    Removes the translation installed by these functions, if any; the strings are
    English again.
*/
STONYX_SOCKETS_EXPORT void removeTranslations();

/*!
    The places searched for <tt>stonyx-sockets_&lt;language&gt;.qm</tt>, in order: the
    directory named by the \c STONYX_SOCKETS_TRANSLATIONS_DIR environment
    variable (if set), \c share/stonyx-sockets/translations under the
    installation prefix, the same path relative to the application's directory
    (\c ../share/...), and last the copy embedded in the library
    (\c :/stonyx-sockets/translations).
*/
STONYX_SOCKETS_EXPORT QStringList translationDirectories();

/*! The base name of the translation files: \c stonyx-sockets. */
STONYX_SOCKETS_EXPORT QString translationCatalogue();

} // namespace Stonyx::Sockets
