// SPDX-License-Identifier: MIT
#pragma once

#include "handlerloader.h"
#include "requestexception.h"
#include "socketconfig.h"
#include "sockethandler.h"
#include "stonyxsockets_export.h"

#include <QFuture>
#include <QJsonObject>
#include <QJsonValue>
#include <QObject>

#include <chrono>
#include <memory>

namespace Stonyx::Sockets {

struct SocketClientPrivate;

/*! An option of SocketClient::request(). */
enum class RequestOption {
    NoOptions = 0x0, //!< The defaults: a request in flight when the connection drops fails with ConnectionLost.
    Retryable = 0x1, //!< Sent again after the client has re-authenticated if the connection drops before the response.
};
/*! A combination of RequestOption values. */
Q_DECLARE_FLAGS(RequestOptions, RequestOption)
Q_DECLARE_OPERATORS_FOR_FLAGS(RequestOptions)

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

    \section1 Delivery

    request() sends a request with an \c id and returns a QFuture that finishes with
    the response, or fails with a RequestException (timeout, connection lost, ...).
    A server of this library echoes the id; against a version 1 server (which does
    not), the response is matched to the oldest pending request of that name. See
    docs/protocol-extensions.md.

    While the client is connecting or reconnecting (and while it re-authenticates,
    see reauthenticate()), send() and request() keep their messages in an offline
    queue (SocketConfig::offlineQueueSize(),
    offlineQueueBytes(), offlineQueueTtl()), sent in order once the client has
    authenticated. A message that does not fit, or that waits too long, fails
    visibly: deliveryFailed() and, for a request, its future.

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

    /*! The timeout request() uses unless told otherwise: 30 seconds. */
    static constexpr std::chrono::milliseconds DefaultRequestTimeout{30000};

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
        While the client is connecting or reconnecting (or re-authenticating), the
        message waits in the offline queue instead (true; false with LimitExceeded if the queue
        is full, and deliveryFailed() if it expires there). Returns false with
        NotConnected if the client is not open (or the offline queue is off), and with
        LimitExceeded if the message would take the bytes waiting to be sent beyond
        SocketConfig::maxSendBuffer() (the peer or the link does not keep up; the
        message is not sent, the connection stays open).
    */
    bool send(const QString &request, const QJsonValue &data);

    /*!
        Sends the request \a name with \a data (left out when undefined) and an \c id,
        and returns a future that finishes with the server's response.

        The future fails with a RequestException: Timeout when no response came within
        \a timeout (zero or less: no timeout; the request then waits until answered or
        failed otherwise); ConnectionLost when the connection dropped after the request was
        sent (unless \a options has RequestOption::Retryable: then it is sent again
        after the client has re-authenticated); NotConnected when the client is not
        open; Rejected when it could not be sent; Closed on close() or destruction;
        QueueOverflow or Expired for the offline queue (see the class description).

        While the client is connecting, authenticating or reconnecting the request
        waits in the offline queue. (send() during the first authentication goes out at
        once, as in version 1, for handlers with skipAuth.) The response is also delivered to the handler and messageReceived(), as
        every server message is. A server that does not answer a request (a handler
        returning null) leaves the future to time out.
    */
    QFuture<QJsonValue> request(const QString &name, const QJsonValue &data = QJsonValue(QJsonValue::Undefined),
                                std::chrono::milliseconds timeout = DefaultRequestTimeout,
                                Stonyx::Sockets::RequestOptions options = RequestOption::NoOptions);
    /*! The requests sent or queued whose response has not come yet. */
    int pendingRequestCount() const;
    /*! The messages (requests and send()s) waiting in the offline queue. */
    int queuedMessageCount() const;
    /*!
        True if the server said, in its auth response, that it echoes request ids (a
        server of this library does; a version 1 server does not). False until
        authenticated.
    */
    bool serverEchoesRequestIds() const;

    /*!
        Authenticates again on the live connection with \a authData (which also
        becomes authData()), e.g. with a fresh token before the old one expires. The
        client sends a new auth request and is Authenticating until the answer comes;
        meanwhile send() and request() wait in the offline queue, and requests already
        sent are still answered. A truthy answer brings a new session key and
        authenticated() again; a rejected one ends the connection as a rejected
        authentication does (AuthenticationRejected, no reconnect). Returns false,
        only storing \a authData for the next connect, when the client is not
        Connected.
    */
    bool reauthenticate(const QJsonObject &authData);

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
    /*!
        The reconnect resumed the session the server held for this client (a server of
        this library with SocketConfig::resumeWindow() on): same client id, metadata
        and rooms on the server, and the pushes sent to this client while it was away
        (at most SocketConfig::resumeBuffer() of them) arrive right after this signal's
        authenticated() and reconnected(), in order. Without it, a reconnect is a new
        session as in protocol version 1.
    */
    void resumed();
    /*! The client gave up after \a attempts failed reconnect attempts. */
    void reconnectFailed(int attempts);
    /*! Something went wrong; errorString() describes it. */
    void errorOccurred(Stonyx::Sockets::SocketClient::Error error);
    /*!
        A message under \a request (a request() or a queued send()) was not delivered:
        \a reason says why, \a errorString describes it. For a request() its future
        fails with the same reason.
    */
    void deliveryFailed(const QString &request, Stonyx::Sockets::RequestException::Reason reason,
                        const QString &errorString);

private:
    friend struct SocketClientPrivate;
    const std::unique_ptr<SocketClientPrivate> d;
};

} // namespace Stonyx::Sockets
