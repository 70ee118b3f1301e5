// SPDX-License-Identifier: MIT
#pragma once

#include "handlerloader.h"
#include "socketconfig.h"
#include "sockethandler.h"
#include "stonyxsockets_export.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QObject>

#include <memory>

namespace Stonyx::Sockets {

struct SocketClientPrivate;

/*!
    \class Stonyx::Sockets::SocketClient
    \brief A WebSocket client speaking Stonyx Sockets protocol version 1.

    open() connects to SocketConfig::address() and authenticates with
    SocketConfig::authKey() plus authData(). Once the server accepts, state() is
    Connected, the heartbeat runs, and send() delivers requests. Messages from the
    server reach the handler registered under their name and the messageReceived()
    signal.

    When the connection drops without close() having been called, the client
    reconnects with exponential backoff and jitter (SocketConfig::reconnectBaseDelay(),
    reconnectMaxDelay(), maxReconnectAttempts()), authenticating from scratch with a
    new session key each time. A heartbeat that gets no answer within
    SocketConfig::effectiveHeartBeatTimeout() counts as a dropped connection (close
    code 1006), so a server that died or a link that went silent is noticed. A
    connection lost without a WebSocket close frame (peer killed, link reset) is
    reported with close code 1006. A rejected authentication is final: the client
    closes (1000), reports AuthenticationRejected and does not reconnect until open()
    is called again.

    send() never queues more than SocketConfig::maxSendBuffer() bytes: beyond it the
    message is refused with LimitExceeded, so a link slower than the application
    cannot make the client grow without bound.

    \section1 Thread affinity

    A SocketClient lives on the thread it was created on, which must run an event
    loop; moving it to another thread (QObject::moveToThread()) is not supported, as
    its timers stay behind. It is not thread-safe: call its functions from that thread
    only (from another thread, use QMetaObject::invokeMethod() with a queued
    connection). All its signals are emitted on that thread.

    \code
    Stonyx::Sockets::SocketClient client;
    QObject::connect(&client, &SocketClient::authenticated, [&] { client.send(u"echo"_s, QJsonObject{{u"msg"_s, u"hi"_s}}); });
    client.registerHandler(u"echo"_s, [](const QJsonValue &response) { qDebug() << response; });
    client.open();
    \endcode
*/
class STONYX_SOCKETS_EXPORT SocketClient : public QObject
{
    Q_OBJECT
    Q_PROPERTY(Stonyx::Sockets::SocketConfig config READ config WRITE setConfig NOTIFY configChanged)
    Q_PROPERTY(QJsonObject authData READ authData WRITE setAuthData NOTIFY authDataChanged)
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(int reconnectAttempt READ reconnectAttempt NOTIFY reconnectAttemptChanged)
    Q_PROPERTY(Error error READ error NOTIFY errorOccurred)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorOccurred)

public:
    /*! Where the client is in its session. */
    enum class State {
        Disconnected,   //!< Not connected and not trying to.
        Connecting,     //!< Opening the WebSocket (first time).
        Authenticating, //!< The WebSocket is open; waiting for the auth response.
        Connected,      //!< Authenticated; send() works.
        Reconnecting,   //!< The connection dropped; waiting for or making a new attempt.
    };
    Q_ENUM(State)

    /*! What went wrong; see errorString() for the details. */
    enum class Error {
        NoError,                //!< Nothing went wrong.
        ConfigurationError,     //!< The configuration is invalid.
        CryptoError,            //!< Key derivation or encryption failed.
        ConnectionError,        //!< The WebSocket could not be opened or failed.
        InvalidMessage,         //!< The server sent a frame that could not be decrypted or parsed (dropped).
        AuthenticationRejected, //!< The server answered the auth request with a falsy value.
        NotConnected,           //!< send() was called without an open connection.
        ReconnectFailed,        //!< maxReconnectAttempts attempts failed; the client gave up.
        HandlerError,           //!< A handler could not be registered or a plugin was skipped.
        LimitExceeded,          //!< send() refused a message: the send buffer would exceed SocketConfig::maxSendBuffer().
    };
    Q_ENUM(Error)

    /*! Creates a client configured with SocketConfig::fromEnvironment(). */
    explicit SocketClient(QObject *parent = nullptr);
    /*! Creates a client with \a config. */
    explicit SocketClient(const SocketConfig &config, QObject *parent = nullptr);
    ~SocketClient() override;

    /*! The configuration. */
    SocketConfig config() const;
    /*!
        Sets the configuration. It takes effect at the next open(): a connection that
        is open, and the reconnects that follow it, keep the configuration open() was
        called with. An invalid configuration is reported (ConfigurationError) at once.
    */
    void setConfig(const SocketConfig &config);
    /*! Extra fields merged into the auth request's data, next to \c authKey. */
    QJsonObject authData() const;
    /*! Sets the extra auth fields; takes effect at the next (re)connect. */
    void setAuthData(const QJsonObject &authData);

    /*! The current state. */
    State state() const;
    /*! The reconnect attempt in progress (1, 2, …), or 0. */
    int reconnectAttempt() const;
    /*! Registers \a handler (not owned) for server messages named \a name. */
    bool registerHandler(const QString &name, SocketHandler *handler);
    /*! Registers a callable for server messages named \a name. */
    bool registerHandler(const QString &name, ResponseFunction function);
    /*! Removes the handler \a name. */
    bool unregisterHandler(const QString &name);
    /*! Loads the client-side handler plugins of \a directory; returns how many were loaded. */
    int loadHandlers(const QString &directory);

    /*!
        Connects and authenticates. Does nothing if already connected or connecting.
        Returns false with an error if the configuration is invalid or the global key
        cannot be derived.
    */
    bool open();
    /*!
        Closes the connection with a close frame (1000); no reconnect follows. Stops a
        pending reconnect.
    */
    void close();
    /*!
        Sends \c{{"request": request, "data": data}}; an undefined \a data is left out.
        Returns false with NotConnected if no connection is open, and with
        LimitExceeded if the message would take the bytes waiting to be sent beyond
        SocketConfig::maxSendBuffer() (the peer or the link does not keep up; the
        message is not sent, the connection stays open).
    */
    bool send(const QString &request, const QJsonValue &data);

    /*! The last error. */
    Error error() const;
    /*! A translated description of the last error. */
    QString errorString() const;

    /*!
        The delay before reconnect attempt \a attempt (1, 2, …) without jitter:
        min(baseDelay × 2^(attempt−1), maxDelay) milliseconds. The client adds a
        uniform random jitter in [0, 1000) milliseconds to it.
    */
    static qint64 backoffDelay(int attempt, int baseDelay, int maxDelay);

Q_SIGNALS:
    /*! The configuration changed. */
    void configChanged();
    /*! The auth data changed. */
    void authDataChanged();
    /*! The state changed. */
    void stateChanged(Stonyx::Sockets::SocketClient::State state);
    /*! The reconnect attempt counter changed. */
    void reconnectAttemptChanged(int attempt);
    /*! The server accepted the client; \a response is the auth handler's value. */
    void authenticated(const QJsonValue &response);
    /*! The server sent \a response under \a request (every message but heartbeats). */
    void messageReceived(const QString &request, const QJsonValue &response);
    /*!
        The connection closed with \a closeCode and \a reason: the code of the close
        frame sent or received (1000 for close(), 1009 for an oversized message, the
        server's code when it closed), or 1006 when the connection was lost without a
        close frame (peer gone, link reset, no heartbeat answer).
    */
    void disconnected(int closeCode, const QString &reason);
    /*! Reconnect attempt \a attempt starts in \a delay milliseconds. */
    void reconnecting(int attempt, int delay);
    /*! A reconnect attempt succeeded and the client authenticated again. */
    void reconnected();
    /*! The client gave up after \a attempts failed reconnect attempts. */
    void reconnectFailed(int attempts);
    /*! Something went wrong; errorString() describes it. */
    void errorOccurred(Stonyx::Sockets::SocketClient::Error error);

private:
    friend struct SocketClientPrivate;
    const std::unique_ptr<SocketClientPrivate> d;
};

} // namespace Stonyx::Sockets
