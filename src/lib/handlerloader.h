// SPDX-License-Identifier: MIT
#pragma once

#include "stonyxsockets_export.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace Stonyx::Sockets {

class SocketHandler;

/*!
    \class Stonyx::Sockets::HandlerLoader
    \brief Discovers and loads handler plugins from a directory.

    Discovery reads each plugin's JSON metadata with QPluginLoader::metaData(), which
    does not load the library (the fields are described at SocketHandler and in
    \c src/lib/handlerloader-metadata.schema.json); only plugins with the right
    interface id (\c StonyxSocketHandler_iid) that serve the requested side are loaded. Files that
    are not plugins, plugins with another IID, plugins whose instance does not
    implement SocketHandler and duplicate names are reported as problems and skipped.
    A missing directory yields no handlers and no problems.

    Statically linked handler plugins (Q_IMPORT_PLUGIN) are found too; they must
    carry a \c name in their metadata.

    Thread affinity: none of its own (not a QObject). A loader is not thread-safe;
    use one from one thread at a time. The plugin instances it returns are owned by
    Qt's plugin loader and live on the thread that first loaded them.
*/
class STONYX_SOCKETS_EXPORT HandlerLoader
{
    Q_DECLARE_TR_FUNCTIONS(Stonyx::Sockets::HandlerLoader)

public:
    /*! Which side of the protocol a handler serves. */
    enum class Side {
        Server, //!< Answers requests (SocketServer).
        Client, //!< Receives server messages (SocketClient).
    };

    /*!
        The thread a server-side handler asks to run on: metadata \c "thread".
        A SocketClient runs every handler on its own thread and ignores it.
    */
    enum class Affinity {
        Worker, //!< \c "worker" (the default): the thread of the connection being served.
        Server, //!< \c "server": the thread of the SocketServer object, e.g. for a handler that uses objects living there.
    };

    /*! A plugin found by discover(), not loaded yet. */
    struct Candidate {
        QString name;          //!< The handler name (metadata "name", else from the file name).
        QString filePath;      //!< The plugin file; empty for a static plugin.
        bool skipAuth = false; //!< Metadata "skipAuth".
        bool server = true;    //!< Metadata "server" (default true).
        bool client = false;   //!< Metadata "client" (default false).
        QJsonObject metadata;  //!< The whole "Stonyx" metadata object.
        Affinity affinity = Affinity::Worker; //!< Metadata "thread" (default "worker").
    };

    /*! A file or plugin that was skipped, and why. */
    struct Problem {
        QString filePath; //!< The file concerned (or the static plugin's class name).
        QString message;  //!< A translated, human-readable reason.
    };

    /*! A loaded handler. The instance is owned by Qt's plugin system and lives until exit. */
    struct Loaded {
        QString name;                    //!< The handler name (metadata "name", else from the file name).
        QString filePath;                //!< The plugin file; empty for a static plugin.
        bool skipAuth = false;           //!< Metadata "skipAuth": open to clients that have not authenticated.
        QObject *instance = nullptr;     //!< The plugin's root object.
        SocketHandler *handler = nullptr; //!< The same object as a SocketHandler.
        Affinity affinity = Affinity::Worker; //!< Metadata "thread".
    };

    /*! The outcome of load(). */
    struct Result {
        QList<Loaded> handlers;  //!< The handlers loaded, in the order discover() listed them.
        QList<Problem> problems; //!< The plugins skipped, with the reasons.
    };

    /*!
        Lists the handler plugins in \a directory (and the static ones) that serve
        \a side, without loading any library. Skipped files are appended to
        \a problems. Names are unique: the first file in alphabetical order wins.
    */
    static QList<Candidate> discover(const QString &directory, Side side, QList<Problem> *problems);

    /*! Discovers, then loads every candidate; failures become problems. */
    static Result load(const QString &directory, Side side);

    /*!
        The handler name for a plugin file name: the directory, a \c lib prefix and
        every suffix are removed, then kebab-case becomes camelCase:
        \c libvalidate-game.so → \c validateGame, \c auth.dll → \c auth.
    */
    static QString handlerNameFromFileName(const QString &fileName);
};

} // namespace Stonyx::Sockets
