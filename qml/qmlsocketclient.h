// SPDX-License-Identifier: MIT
#pragma once

#include <Stonyx/Sockets/SocketClient>

#include <QJSValue>
#include <QPointer>
#include <QQmlListProperty>
#include <QQmlParserStatus>
#include <QUrl>
#include <QtQml/qqmlregistration.h>

namespace Stonyx::Sockets {

class QmlSocketHandler;

/*!
    \qmltype SocketClient
    \inqmlmodule Stonyx.Sockets
    \brief A Stonyx Sockets client declared in QML.

    The client connects and authenticates when \c active is true and the component
    is complete, so it never starts half-configured. Setting \c active to false
    closes the connection (no reconnect follows). Changes of the settings apply the
    next time the client becomes active.

    send() takes any JSON-compatible JavaScript value (object, array, string,
    number, boolean, null; undefined leaves \c data out). Responses arrive as the
    same kinds of values in messageReceived() and in the responseReceived() signal
    of the SocketHandler declared for that name.

    Default property values come from the \c SOCKET_* environment variables, as for
    the C++ SocketClient (url \c ws://localhost:2667, authKey \c AUTH_KEY). If a
    variable is invalid, the client reports ConfigurationError (errorOccurred(),
    error, errorString name the variable) when the component is complete, and does
    not connect while \c active (status \c Error), until \c useEnvironment is set
    to false. Nothing falls back to the defaults silently.

    Thread affinity: like every object of this module, a SocketClient lives on the
    thread of the QML engine that created it (the GUI thread); its handlers'
    responseReceived() and its own signals are emitted there, and the C++
    SocketClient inside belongs to the same thread.

    \qml
    SocketClient {
        url: "ws://127.0.0.1:2667"
        authKey: "secret"
        authData: ({ nickname: "ada" })
        active: true
        onAuthenticated: send("echo", { msg: "hi" })
        SocketHandler { name: "echo"; onResponseReceived: (response) => console.log(response.msg) }
    }
    \endqml
*/
class QmlSocketClient : public QObject, public QQmlParserStatus
{
    Q_OBJECT
    QML_NAMED_ELEMENT(SocketClient)
    Q_INTERFACES(QQmlParserStatus)
    Q_CLASSINFO("DefaultProperty", "handlers")
    Q_PROPERTY(QUrl url READ url WRITE setUrl NOTIFY urlChanged)
    Q_PROPERTY(QString authKey READ authKey WRITE setAuthKey NOTIFY authKeyChanged)
    Q_PROPERTY(QJSValue authData READ authData WRITE setAuthData NOTIFY authDataChanged)
    Q_PROPERTY(bool encryption READ encryption WRITE setEncryption NOTIFY encryptionChanged)
    Q_PROPERTY(int heartbeatInterval READ heartbeatInterval WRITE setHeartbeatInterval NOTIFY heartbeatIntervalChanged)
    Q_PROPERTY(int heartbeatTimeout READ heartbeatTimeout WRITE setHeartbeatTimeout NOTIFY heartbeatTimeoutChanged)
    Q_PROPERTY(int reconnectBaseDelay READ reconnectBaseDelay WRITE setReconnectBaseDelay NOTIFY reconnectBaseDelayChanged)
    Q_PROPERTY(int reconnectMaxDelay READ reconnectMaxDelay WRITE setReconnectMaxDelay NOTIFY reconnectMaxDelayChanged)
    Q_PROPERTY(int maxReconnectAttempts READ maxReconnectAttempts WRITE setMaxReconnectAttempts NOTIFY maxReconnectAttemptsChanged)
    Q_PROPERTY(bool useEnvironment READ useEnvironment WRITE setUseEnvironment NOTIFY useEnvironmentChanged)
    Q_PROPERTY(bool active READ isActive WRITE setActive NOTIFY activeChanged)
    Q_PROPERTY(Status status READ status NOTIFY statusChanged)
    Q_PROPERTY(int reconnectAttempt READ reconnectAttempt NOTIFY reconnectAttemptChanged)
    Q_PROPERTY(ClientError error READ error NOTIFY errorOccurred)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorOccurred)
    Q_PROPERTY(QString statusText READ statusText NOTIFY statusTextChanged)
    Q_PROPERTY(QQmlListProperty<Stonyx::Sockets::QmlSocketHandler> handlers READ handlers)

public:
    /*! Where the client is. */
    enum Status {
        Disconnected,   //!< Not active.
        Connecting,     //!< Opening the WebSocket.
        Authenticating, //!< Waiting for the auth response.
        Connected,      //!< Authenticated; send() works.
        Reconnecting,   //!< The connection dropped; a new attempt is due.
        Error,          //!< Active, but stopped by an error (see errorString).
    };
    Q_ENUM(Status)

    /*!
        What went wrong. Every value but InvalidData is the value of the
        Stonyx::Sockets::SocketClient::Error of the same name (each defined from it,
        and checked at compile time); values only the QML type has start at 100. (The
        status value \c Error says that the client stopped because of one.)
    */
    enum ClientError {
        NoError = int(SocketClient::Error::NoError),                               //!< Nothing went wrong.
        ConfigurationError = int(SocketClient::Error::ConfigurationError),         //!< The settings (or a SOCKET_* variable) are invalid.
        CryptoError = int(SocketClient::Error::CryptoError),                       //!< Key derivation or encryption failed.
        ConnectionError = int(SocketClient::Error::ConnectionError),               //!< The WebSocket could not be opened or failed.
        InvalidMessage = int(SocketClient::Error::InvalidMessage),                 //!< The server sent a frame that could not be read.
        AuthenticationRejected = int(SocketClient::Error::AuthenticationRejected), //!< The server refused the auth request.
        NotConnected = int(SocketClient::Error::NotConnected),                     //!< send() was called without a connection.
        ReconnectFailed = int(SocketClient::Error::ReconnectFailed),               //!< The client gave up reconnecting.
        HandlerError = int(SocketClient::Error::HandlerError),                     //!< A handler could not be registered.
        LimitExceeded = int(SocketClient::Error::LimitExceeded),                   //!< send() would exceed the send buffer limit (maxSendBuffer).
        InvalidData = 100, //!< A value passed from QML cannot be sent as JSON.
    };
    Q_ENUM(ClientError)

    /*! Creates an inactive client configured from the environment. */
    explicit QmlSocketClient(QObject *parent = nullptr);
    ~QmlSocketClient() override;

    /*! The server URL, \c ws:// or \c wss://. */
    QUrl url() const;
    void setUrl(const QUrl &url);
    /*! The shared secret. */
    QString authKey() const;
    void setAuthKey(const QString &authKey);
    /*! An object of extra fields for the auth request (e.g. a nickname or device id). */
    QJSValue authData() const;
    void setAuthData(const QJSValue &authData);
    /*! Whether frames are encrypted; the server must agree. */
    bool encryption() const;
    void setEncryption(bool encryption);
    /*! Milliseconds between heartbeats. */
    int heartbeatInterval() const;
    void setHeartbeatInterval(int milliseconds);
    /*!
        Milliseconds to wait for the answer to a heartbeat before the server is taken
        for dead and a reconnect starts; 0 (the default) means one heartbeatInterval.
    */
    int heartbeatTimeout() const;
    void setHeartbeatTimeout(int milliseconds);
    /*! The first reconnect delay in milliseconds; it doubles with every attempt. */
    int reconnectBaseDelay() const;
    void setReconnectBaseDelay(int milliseconds);
    /*! The largest reconnect delay in milliseconds. */
    int reconnectMaxDelay() const;
    void setReconnectMaxDelay(int milliseconds);
    /*! Failed reconnect attempts before giving up; -1 never gives up, 0 never reconnects. */
    int maxReconnectAttempts() const;
    void setMaxReconnectAttempts(int attempts);
    /*!
        Whether settings not made in QML come from the \c SOCKET_* environment
        variables (and the file named by \c SOCKET_CONFIG); true by default. With an
        invalid variable the client reports ConfigurationError and does not connect;
        set this to false to use the protocol defaults instead (the settings made in
        QML are kept), and an active client then connects.
    */
    bool useEnvironment() const;
    void setUseEnvironment(bool use);
    /*! Whether the client should be connected. */
    bool isActive() const;
    void setActive(bool active);
    /*! Where the client is. */
    Status status() const;
    /*! A translated, human-readable status, e.g. "Reconnecting (attempt 2)…". */
    QString statusText() const;
    /*! The reconnect attempt in progress (1, 2, …), or 0. */
    int reconnectAttempt() const;
    /*! The last error. */
    ClientError error() const;
    /*! A translated description of the last error. */
    QString errorString() const;
    /*! The handlers declared in QML. */
    QQmlListProperty<QmlSocketHandler> handlers();

    /*!
        Sends \a data (any JSON-compatible value; undefined or left out sends no
        \c data field) under \a request.
        Returns false with NotConnected when not connected, or with InvalidData when
        \a data cannot be sent as JSON (a function, a cyclic object, ...).
    */
    Q_INVOKABLE bool send(const QString &request, const QJSValue &data = QJSValue());

    /*!
        Sends the request \a request with \a data and returns a JavaScript Promise
        that resolves with the server's response. \a options may set \c timeout
        (milliseconds, default 30000; 0 waits forever) and \c retryable (true: sent
        again after a reconnect if the connection drops before the response).

        The Promise rejects with an Error whose \c message describes the failure,
        \c request names the request and \c reason is one of \c "Timeout",
        \c "ConnectionLost", \c "NotConnected", \c "Rejected", \c "Closed",
        \c "QueueOverflow", \c "Expired", \c "GaveUp" (the C++
        RequestException::Reason), or \c "InvalidData" when \a data or \a options
        cannot be used. While the client reconnects the request waits in the offline
        queue, as send() does.

        \qml
        client.request("echo", { msg: "hi" }, { timeout: 5000 })
            .then(response => console.log(response.msg))
            .catch(error => console.log(error.reason, error.message))
        \endqml
    */
    Q_INVOKABLE QJSValue request(const QString &request, const QJSValue &data = QJSValue(),
                                 const QJSValue &options = QJSValue());

    /*! \internal */
    void classBegin() override;
    /*! \internal Connects if active. */
    void componentComplete() override;

Q_SIGNALS:
    // The NOTIFY signals of the properties above.
    void urlChanged();
    void authKeyChanged();
    void authDataChanged();
    void encryptionChanged();
    void heartbeatIntervalChanged();
    void heartbeatTimeoutChanged();
    void reconnectBaseDelayChanged();
    void reconnectMaxDelayChanged();
    void maxReconnectAttemptsChanged();
    void useEnvironmentChanged();
    void activeChanged();
    void statusChanged();
    void statusTextChanged();
    void reconnectAttemptChanged();
    /*! The server accepted the client; \a response is its auth handler's value. */
    void authenticated(const QJSValue &response);
    /*! The server sent \a response under \a request. */
    void messageReceived(const QString &request, const QJSValue &response);
    /*! The connection closed with \a closeCode and \a reason. */
    void disconnected(int closeCode, const QString &reason);
    /*! Reconnect attempt \a attempt starts in \a delay milliseconds. */
    void reconnecting(int attempt, int delay);
    /*! A reconnect attempt succeeded and the client authenticated again. */
    void reconnected();
    /*! The reconnect resumed the session the server held for this client (SocketClient::resumed()). */
    void resumed();
    /*! The client gave up after \a attempts failed reconnect attempts. */
    void reconnectFailed(int attempts);
    /*! Something went wrong; errorString describes it. */
    void errorOccurred(Stonyx::Sockets::QmlSocketClient::ClientError error);
    /*!
        A message under \a request (a request() or a send() that waited in the offline
        queue) was not delivered: \a reason is one of the reasons request() rejects
        with, \a errorString describes it.
    */
    void deliveryFailed(const QString &request, const QString &reason, const QString &errorString);

private:
    struct Private;
    const std::unique_ptr<Private> d;
    friend struct Private;
};

} // namespace Stonyx::Sockets
