// SPDX-License-Identifier: MIT
#pragma once

#include <Stonyx/Sockets/SocketServer>

#include "qmlclientmodel.h"
#include "qmlsocketconnection.h"

#include <QJSValue>
#include <QQmlListProperty>
#include <QQmlParserStatus>
#include <QtQml/qqmlregistration.h>

namespace Stonyx::Sockets {

class QmlSocketHandler;

/*!
    \qmltype SocketServer
    \inqmlmodule Stonyx.Sockets
    \brief A Stonyx Sockets server declared in QML.

    The server starts listening when \c active is true and the component is
    complete, so every property is set first. Request handlers are SocketHandler
    objects declared inside it, plus the plugins of \c handlerDirectory if set.
    Without an \c auth handler, a built-in one accepts clients whose \c authKey
    matches and stores their other auth fields as metadata.

    Default property values come from the \c SOCKET_* environment variables, as
    for the C++ SocketServer; address defaults to \c 127.0.0.1. If a variable is
    invalid, the server reports ConfigurationError (errorOccurred(), error,
    errorString name the variable) when the component is complete, and does not
    listen while \c active, until \c useEnvironment is set to false. Nothing falls
    back to the defaults silently.

    Thread affinity: like every object of this module, a SocketServer lives on the
    thread of the QML engine that created it (the GUI thread), and its handlers run
    and its signals are emitted there. Its SocketConnection objects, client model and
    the C++ SocketServer inside belong to the same thread.

    \qml
    SocketServer {
        port: 0 // any free port
        authKey: "secret"
        active: true
        SocketHandler { name: "echo"; handleRequest: (data, client) => data }
    }
    \endqml
*/
class QmlSocketServer : public QObject, public QQmlParserStatus
{
    Q_OBJECT
    Q_MOC_INCLUDE("qmlsockethandler.h")
    QML_NAMED_ELEMENT(SocketServer)
    Q_INTERFACES(QQmlParserStatus)
    Q_CLASSINFO("DefaultProperty", "handlers")
    Q_PROPERTY(QString address READ address WRITE setAddress NOTIFY addressChanged)
    Q_PROPERTY(int port READ port WRITE setPort NOTIFY portChanged)
    Q_PROPERTY(QString authKey READ authKey WRITE setAuthKey NOTIFY authKeyChanged)
    Q_PROPERTY(bool encryption READ encryption WRITE setEncryption NOTIFY encryptionChanged)
    Q_PROPERTY(QString handlerDirectory READ handlerDirectory WRITE setHandlerDirectory NOTIFY handlerDirectoryChanged)
    Q_PROPERTY(bool log READ log WRITE setLog NOTIFY logChanged)
    Q_PROPERTY(RateLimitPolicy rateLimitPolicy READ rateLimitPolicy WRITE setRateLimitPolicy NOTIFY rateLimitPolicyChanged)
    Q_PROPERTY(bool useEnvironment READ useEnvironment WRITE setUseEnvironment NOTIFY useEnvironmentChanged)
    Q_PROPERTY(bool active READ isActive WRITE setActive NOTIFY activeChanged)
    Q_PROPERTY(bool listening READ isListening NOTIFY listeningChanged)
    Q_PROPERTY(QUrl url READ url NOTIFY listeningChanged)
    Q_PROPERTY(int serverPort READ serverPort NOTIFY listeningChanged)
    Q_PROPERTY(Stonyx::Sockets::QmlClientModel *clients READ clients CONSTANT)
    Q_PROPERTY(int clientCount READ clientCount NOTIFY clientCountChanged)
    Q_PROPERTY(Error error READ error NOTIFY errorOccurred)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorOccurred)
    Q_PROPERTY(QQmlListProperty<Stonyx::Sockets::QmlSocketHandler> handlers READ handlers)

public:
    /*!
        What went wrong. Every value but InvalidData is the value of the
        Stonyx::Sockets::SocketServer::Error of the same name (each defined from it,
        and checked at compile time); values only the QML type has start at 100.
    */
    enum Error {
        NoError = int(SocketServer::Error::NoError),                       //!< Nothing went wrong.
        ConfigurationError = int(SocketServer::Error::ConfigurationError), //!< The settings (or a SOCKET_* variable) are invalid.
        MissingAuthHandler = int(SocketServer::Error::MissingAuthHandler), //!< There is no \c auth handler.
        HandlerError = int(SocketServer::Error::HandlerError),             //!< A handler failed, could not be registered, or a plugin was skipped.
        ListenError = int(SocketServer::Error::ListenError),               //!< The address could not be bound.
        CryptoError = int(SocketServer::Error::CryptoError),               //!< Key derivation or encryption failed.
        InvalidMessage = int(SocketServer::Error::InvalidMessage),         //!< A client sent invalid input (clientRejected()).
        Unauthenticated = int(SocketServer::Error::Unauthenticated),       //!< A client used a closed handler before authenticating (clientRejected()).
        LimitExceeded = int(SocketServer::Error::LimitExceeded),           //!< A client crossed a size, rate or connection limit (clientRejected()).
        Timeout = int(SocketServer::Error::Timeout),                       //!< A client missed a deadline (clientRejected()).
        TlsError = int(SocketServer::Error::TlsError),                     //!< The TLS certificate or key could not be used.
        InvalidData = 100, //!< A value passed from QML cannot be sent as JSON.
    };
    Q_ENUM(Error)

    /*! What the server does with a client that sends faster than its rate limit (as SocketConfig::RateLimitPolicy). */
    enum RateLimitPolicy {
        Throttle = int(SocketConfig::RateLimitPolicy::Throttle), //!< Stop reading from it until the rate allows more; nothing is lost.
        Close = int(SocketConfig::RateLimitPolicy::Close),       //!< Close it with 1008 (policy violation) and report clientRejected().
    };
    Q_ENUM(RateLimitPolicy)

    /*! Creates an inactive server configured from the environment. */
    explicit QmlSocketServer(QObject *parent = nullptr);
    ~QmlSocketServer() override;

    /*! The address to listen on: an IP address, \c localhost or \c any. */
    QString address() const;
    void setAddress(const QString &address);
    /*! The port to listen on; 0 picks a free one (see serverPort). */
    int port() const;
    void setPort(int port);
    /*! The shared secret. */
    QString authKey() const;
    void setAuthKey(const QString &authKey);
    /*! Whether frames are encrypted; clients must agree. */
    bool encryption() const;
    void setEncryption(bool encryption);
    /*! A directory of handler plugins to load, or empty for none. */
    QString handlerDirectory() const;
    void setHandlerDirectory(const QString &directory);
    /*! Whether connects, authentications and disconnects are logged. */
    bool log() const;
    void setLog(bool log);
    /*! What happens to a client above the rate limit: Throttle (the default) or Close. */
    RateLimitPolicy rateLimitPolicy() const;
    void setRateLimitPolicy(RateLimitPolicy policy);
    /*!
        Whether settings not made in QML come from the \c SOCKET_* environment
        variables (and the file named by \c SOCKET_CONFIG); true by default. With an
        invalid variable the server reports ConfigurationError and does not listen;
        set this to false to use the protocol defaults instead (the settings made in
        QML are kept), and an active server then starts.
    */
    bool useEnvironment() const;
    void setUseEnvironment(bool use);
    /*! Whether the server should listen. Changes of the settings above apply when it next starts. */
    bool isActive() const;
    void setActive(bool active);
    /*! True while listening. */
    bool isListening() const;
    /*! The URL clients connect to, with the real port; empty when not listening. */
    QUrl url() const;
    /*! The port listened on, or 0. */
    int serverPort() const;
    /*! The connected clients. */
    QmlClientModel *clients() const;
    /*! The number of connected clients. */
    int clientCount() const;
    /*! The last error. */
    Error error() const;
    /*! A translated description of the last error. */
    QString errorString() const;
    /*! The handlers declared in QML. */
    QQmlListProperty<QmlSocketHandler> handlers();

    /*! The client with \a clientId, or null. */
    Q_INVOKABLE Stonyx::Sockets::QmlSocketConnection *client(double clientId) const;
    /*! Sends \a response under \a request to the client \a clientId. Returns false if there is no such client. */
    Q_INVOKABLE bool sendTo(double clientId, const QString &request, const QJSValue &response);
    /*! Sends \a response under \a request to every authenticated client. Returns how many it went to. */
    Q_INVOKABLE int broadcast(const QString &request, const QJSValue &response);
    /*! Sends to every authenticated client whose metadata \a key equals \a value. Returns how many it went to. */
    Q_INVOKABLE int sendToByMeta(const QString &key, const QJSValue &value, const QString &request,
                                 const QJSValue &response);

    /*!
        Puts the client \a clientId in \a room (SocketServer::join(); with a backplane,
        a client of any node). Returns false if there is no such client or \a room is empty.
    */
    Q_INVOKABLE bool join(double clientId, const QString &room);
    /*! Takes the client \a clientId out of \a room. Returns false if it was not in it. */
    Q_INVOKABLE bool leave(double clientId, const QString &room);
    /*! The rooms of the client \a clientId, sorted. */
    Q_INVOKABLE QStringList rooms(double clientId) const;
    /*! The ids of the clients in \a room, sorted (SocketServer::members()). */
    Q_INVOKABLE QVariantList members(const QString &room) const;
    /*!
        Sends \a response under \a request to every authenticated client in \a room
        except the ids in \a except (an array, may be empty). Returns how many it goes to.
    */
    Q_INVOKABLE int sendToRoom(const QString &room, const QString &request, const QJSValue &response,
                               const QVariantList &except);

    /*! \internal */
    void classBegin() override;
    /*! \internal Starts listening if active. */
    void componentComplete() override;

    /*! \internal The wrapper of \a connection, or null. */
    QmlSocketConnection *wrapperFor(SocketConnection *connection) const;
    /*! \internal Records an error from the QML layer. */
    void reportError(Error error, const QString &message);

Q_SIGNALS:
    // The NOTIFY signals of the settings above.
    void addressChanged();
    void portChanged();
    void authKeyChanged();
    void encryptionChanged();
    void handlerDirectoryChanged();
    void logChanged();
    void rateLimitPolicyChanged();
    void useEnvironmentChanged();
    void activeChanged();
    /*! The server started or stopped listening. */
    void listeningChanged();
    /*! The number of clients changed. */
    void clientCountChanged();
    /*! A client connected. */
    void clientConnected(Stonyx::Sockets::QmlSocketConnection *client);
    /*! A client authenticated. */
    void clientAuthenticated(Stonyx::Sockets::QmlSocketConnection *client);
    /*!
        A client whose connection was lost came back within the resume window and
        resumed its session (SocketServer::clientResumed()): same clientId, metadata
        and rooms. \a client is a new object for it; the one of the lost connection is
        deleted.
    */
    void clientResumed(Stonyx::Sockets::QmlSocketConnection *client);
    /*! The client \a clientId disconnected with \a closeCode and \a reason. */
    void clientDisconnected(double clientId, int closeCode, const QString &reason);
    /*! \a client sent \a data under \a request (before the handler runs). */
    void messageReceived(Stonyx::Sockets::QmlSocketConnection *client, const QString &request, const QJSValue &data);
    /*!
        The server refused or closed the client \a clientId for breaking a rule:
        invalid input (InvalidMessage), a request before authentication
        (Unauthenticated), a limit (LimitExceeded) or a deadline (Timeout).
        \a clientId is 0 if the connection was refused before it got an id. \a reason
        says why, translated. Such per-client events do not change error(), which is
        about the server itself.
    */
    void clientRejected(double clientId, Stonyx::Sockets::QmlSocketServer::Error error, const QString &reason);
    /*! Something went wrong with the server itself; errorString describes it. */
    void errorOccurred(Stonyx::Sockets::QmlSocketServer::Error error);

private:
    struct Private;
    const std::unique_ptr<Private> d;
    friend struct Private;
};

} // namespace Stonyx::Sockets
