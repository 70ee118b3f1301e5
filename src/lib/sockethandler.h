// SPDX-License-Identifier: MIT
#pragma once

#include "stonyxsockets_export.h"

#include <QJsonValue>
#include <QObject>
#include <QSharedPointer>
#include <QString>

#include <functional>

namespace Stonyx::Sockets {

class SocketConnection;

/*!
    \class Stonyx::Sockets::SocketHandler
    \brief The interface of a named request handler, on the server, the client or both.

    A handler plugin is a QObject that implements this interface, declares it with
    \c Q_INTERFACES(Stonyx::Sockets::SocketHandler) and is built as a Qt plugin with
    \c Q_PLUGIN_METADATA(IID StonyxSocketHandler_iid FILE "my-handler.json"). The
    metadata file keeps this library's fields under the key \c "Stonyx":

    \code
    { "Stonyx": { "server": true, "client": false, "skipAuth": false, "name": "optionalName", "thread": "worker" } }
    \endcode

    Fields:
    - \c server (bool, default \c true): the plugin answers requests on a SocketServer.
    - \c client (bool, default \c false): the plugin receives server messages on a
      SocketClient.
    - \c skipAuth (bool, default \c false): connections that have not authenticated
      may use it.
    - \c name (non-empty string, default from the file name): the handler name;
      \c libvalidate-game.so gives \c validateGame.
    - \c thread (\c "worker" or \c "server", default \c "worker"): where a server-side
      handler runs (HandlerLoader::Affinity): \c "worker" on the thread of the
      connection it serves, \c "server" always on the SocketServer's own thread, for a
      handler that uses objects living there. While a server serves its connections on
      its own thread the two are the same. A SocketClient ignores it.

    A plugin that serves neither side is skipped without being loaded; a field of the
    wrong type or value makes the plugin a reported problem (SocketServer::handlerProblems()),
    and other fields are kept (HandlerLoader::Candidate::metadata) but not read. The
    JSON schema \c src/lib/handlerloader-metadata.schema.json in the source tree
    describes the same fields, for editors that validate.

    Handlers can also be registered in code, as an object implementing this interface
    or as a callable (SocketServer::registerHandler(), SocketClient::registerHandler());
    those run on the server's or the client's own thread, like \c "thread": \c "server".

    Thread affinity: handleRequest() is called on the thread its \c "thread" metadata
    names (today, the server's thread in every case) and handleResponse() on the
    client's; a handler shared by several servers or clients on different threads, or
    a plugin that runs on worker threads, must be thread-safe itself. A handler may
    unregister itself during its own call: it stays alive until the call returns.
*/
class STONYX_SOCKETS_EXPORT SocketHandler
{
public:
    virtual ~SocketHandler();

    /*!
        Server side: answers a request carrying \a data on \a connection.

        The returned value is sent back as the response. Return a null or undefined
        QJsonValue to send nothing, for example after closing the connection or after
        calling SocketConnection::deferReply() to answer later. For the \c auth
        handler, a truthy value authenticates the connection and a falsy value that is
        not null (\c false, \c 0, \c "") is sent back without authenticating.

        The default implementation returns undefined.
    */
    virtual QJsonValue handleRequest(const QJsonValue &data, SocketConnection *connection);

    /*!
        Client side: receives \a response, a message the server sent under this
        handler's name (a reply or a server-initiated message).

        The default implementation does nothing.
    */
    virtual void handleResponse(const QJsonValue &response);
};

/*!
    \class Stonyx::Sockets::PendingReply
    \brief A promise to answer a request later, made by SocketConnection::deferReply().

    Copies share one reply. resolve() sends the answer exactly as a synchronous
    handler's return value would be sent (for \c auth it authenticates on a truthy
    value). If the connection is gone by then, resolve() does nothing and returns
    false; resolving twice is ignored with a warning.

    A reply does not keep its connection alive: once the client is gone, resolve()
    returns false.

    Thread affinity: resolve() may be called from any thread. On the connection's
    thread the answer is sent at once; from another thread it is posted to the
    connection's thread (and resolve() returns true if the connection was still
    there to post to).
*/
class STONYX_SOCKETS_EXPORT PendingReply
{
public:
    /*! Creates an invalid reply that resolves nothing. */
    PendingReply();

    /*! Answers the request with \a response. Returns true if it was sent or applied. */
    bool resolve(const QJsonValue &response);
    /*! True if this reply belongs to a request and has not been resolved yet. */
    bool isPending() const;
    /*! The name of the request this reply answers. */
    QString request() const;

private:
    friend class SocketConnection;
    struct State;
    explicit PendingReply(QSharedPointer<State> state);
    QSharedPointer<State> m_state;
};

/*! An option of a handler registered in code. */
enum class HandlerOption {
    NoOptions = 0x0, //!< The defaults: only authenticated connections may use the handler.
    SkipAuth = 0x1,  //!< Let connections that have not authenticated use the handler.
};
/*! A combination of HandlerOption values (QFlags: it can grow without breaking the ABI). */
Q_DECLARE_FLAGS(HandlerOptions, HandlerOption)
Q_DECLARE_OPERATORS_FOR_FLAGS(HandlerOptions)

/*! A server-side handler written as a callable, e.g. a lambda. */
using RequestFunction = std::function<QJsonValue(const QJsonValue &data, SocketConnection *connection)>;
/*! A client-side handler written as a callable. */
using ResponseFunction = std::function<void(const QJsonValue &response)>;

} // namespace Stonyx::Sockets

/*! The versioned interface id of handler plugins. */
#define StonyxSocketHandler_iid "org.stonyx.sockets.Handler/1.0"
Q_DECLARE_INTERFACE(Stonyx::Sockets::SocketHandler, StonyxSocketHandler_iid)
