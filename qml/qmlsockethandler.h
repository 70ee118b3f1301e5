// SPDX-License-Identifier: MIT
#pragma once

#include <Stonyx/Sockets/SocketHandler>

#include <QJSValue>
#include <QObject>
#include <QtQml/qqmlregistration.h>

namespace Stonyx::Sockets {

/*!
    \qmltype SocketHandler
    \inqmlmodule Stonyx.Sockets
    \brief A request handler written in QML, for a SocketServer, a SocketClient or both.

    Declare it inside a SocketServer or SocketClient (it goes to their \c handlers
    list), or list it in their \c handlers property.

    Server side: \c handleRequest is a JavaScript function \c{(data, client)}; its
    return value is sent back as the response. Return \c undefined (or nothing) to
    send nothing. To answer later, return a Promise, or call
    \c{client.deferReply()} and resolve the returned PendingReply later. For the
    \c auth handler, a truthy value authenticates the client.

    An exception thrown by \c handleRequest, whatever its value (an Error, a string,
    a number, an object, \c undefined), and a Promise rejected with any reason, mean
    failure: nothing is sent, an \c auth request does not authenticate the client,
    and errorOccurred() reports ScriptError with the thrown value as text (the
    SocketServer reports it too, as HandlerError). A client whose \c auth handler
    failed stays connected and unauthenticated.

    Client side: every message the server sends under \c name emits
    responseReceived().

    Thread affinity: a SocketHandler lives on the thread of the QML engine that
    created it (the GUI thread), as does the SocketServer or SocketClient it serves;
    handleRequest is called and responseReceived() and errorOccurred() are emitted on
    that thread only.

    \qml
    SocketServer {
        SocketHandler {
            name: "echo"
            handleRequest: (data, client) => data
        }
    }
    \endqml
*/
class QmlSocketHandler : public QObject, public SocketHandler
{
    Q_OBJECT
    QML_NAMED_ELEMENT(SocketHandler)
    Q_PROPERTY(QString name READ name WRITE setName NOTIFY nameChanged)
    Q_PROPERTY(bool skipAuth READ skipAuth WRITE setSkipAuth NOTIFY skipAuthChanged)
    Q_PROPERTY(QJSValue handleRequest READ requestFunction WRITE setRequestFunction NOTIFY requestFunctionChanged)
    Q_PROPERTY(Error error READ error NOTIFY errorOccurred)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorOccurred)

public:
    /*! What went wrong in the last request. */
    enum Error {
        NoError,        //!< Nothing went wrong.
        NoFunction,     //!< A request arrived but handleRequest is not a function.
        ScriptError,    //!< handleRequest threw, or its Promise was rejected.
        InvalidResponse, //!< The value returned cannot be sent as JSON.
    };
    Q_ENUM(Error)

    /*! Creates a handler with no name; it serves nothing until it has one. */
    explicit QmlSocketHandler(QObject *parent = nullptr);
    ~QmlSocketHandler() override;

    /*! The request name this handler serves, e.g. \c auth or \c echo. */
    QString name() const;
    void setName(const QString &name);
    /*! Whether clients that have not authenticated may use it (server side). */
    bool skipAuth() const;
    void setSkipAuth(bool skipAuth);
    /*! The server-side JavaScript function \c{(data, client) => response}. */
    QJSValue requestFunction() const;
    void setRequestFunction(const QJSValue &function);

    /*! The last error. */
    Error error() const;
    /*! A translated description of the last error. */
    QString errorString() const;

    /*! \internal Calls handleRequest; the response is its return value. */
    QJsonValue handleRequest(const QJsonValue &data, SocketConnection *connection) override;
    /*! \internal Emits responseReceived(). */
    void handleResponse(const QJsonValue &response) override;

    /*! \internal Records \a message as an error and emits errorOccurred(). */
    void reportError(Error error, const QString &message);
    /*! \internal The handler whose handleRequest function is running, or null. */
    static QmlSocketHandler *dispatching();

Q_SIGNALS:
    /*! The name changed. */
    void nameChanged();
    /*! skipAuth changed. */
    void skipAuthChanged();
    /*! The request function changed. */
    void requestFunctionChanged();
    /*! Client side: the server sent \a response under this handler's name. */
    void responseReceived(const QJSValue &response);
    /*! A request could not be handled; errorString says why. */
    void errorOccurred(Stonyx::Sockets::QmlSocketHandler::Error error);

private:
    QString m_name;
    bool m_skipAuth = false;
    QJSValue m_function;
    Error m_error = NoError;
    QString m_errorString;
};

} // namespace Stonyx::Sockets
