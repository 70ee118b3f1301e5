// SPDX-License-Identifier: MIT
#pragma once

#include "stonyxsockets_export.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QMetaType>
#include <QProcessEnvironment>
#include <QSharedDataPointer>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace Stonyx::Sockets {

class SocketConfigData;

/*!
    \class Stonyx::Sockets::SocketConfig
    \brief The settings shared by SocketServer and SocketClient.

    A SocketConfig starts with the defaults of protocol version 1. Values can then be
    layered from a JSON file (loadFile(), applyJson()), from the \c SOCKET_*
    environment variables (applyEnvironment()) and from code (the setters), in that
    order of precedence when applied in that order. fromEnvironment() is the common
    shortcut: defaults, then an optional file named by \c SOCKET_CONFIG, then the
    environment.

    Thread affinity: a value type (implicitly shared, copy-on-write). Copies may be
    read and written on different threads; one object must not be written from two
    threads at once.

    Every setting is a key: a property of this class (see the Q_PROPERTY list and the
    getters below, which give each key's default). Its environment variable is
    \c SOCKET_ and the key in upper snake case, "heartBeat" counting as one word:
    port is \c SOCKET_PORT, authKey \c SOCKET_AUTH_KEY, heartBeatInterval
    \c SOCKET_HEARTBEAT_INTERVAL, tlsAllowSelfSigned \c SOCKET_TLS_ALLOW_SELF_SIGNED
    (environmentVariable() returns it). In a JSON file the key is the name itself.
    Booleans are \c true or \c false (any case); lists (allowedOrigins) are
    comma-separated in the environment and arrays in JSON; maxReconnectAttempts also
    takes \c unlimited or \c Infinity (\c null in JSON); rateLimitPolicy is
    \c throttle or \c close.

    The keys from port to maxReconnectAttempts are those of the Node.js library. The
    others are limits and liveness (see the README's security section) and TLS.

    Invalid values are rejected with an error that names the key; the configuration
    is then left unchanged.

    SocketConfig is implicitly shared.
*/
class STONYX_SOCKETS_EXPORT SocketConfig
{
    Q_GADGET
    Q_DECLARE_TR_FUNCTIONS(Stonyx::Sockets::SocketConfig)
    Q_PROPERTY(int port READ port WRITE setPort)
    Q_PROPERTY(QString host READ host WRITE setHost)
    Q_PROPERTY(QUrl address READ address WRITE setAddress)
    Q_PROPERTY(QString authKey READ authKey WRITE setAuthKey)
    Q_PROPERTY(int heartBeatInterval READ heartBeatInterval WRITE setHeartBeatInterval)
    Q_PROPERTY(int heartBeatTimeout READ heartBeatTimeout WRITE setHeartBeatTimeout)
    Q_PROPERTY(QString handlerDir READ handlerDir WRITE setHandlerDir)
    Q_PROPERTY(bool log READ log WRITE setLog)
    Q_PROPERTY(bool encryption READ encryption WRITE setEncryption)
    Q_PROPERTY(int reconnectBaseDelay READ reconnectBaseDelay WRITE setReconnectBaseDelay)
    Q_PROPERTY(int reconnectMaxDelay READ reconnectMaxDelay WRITE setReconnectMaxDelay)
    Q_PROPERTY(int maxReconnectAttempts READ maxReconnectAttempts WRITE setMaxReconnectAttempts)
    Q_PROPERTY(qint64 maxMessageSize READ maxMessageSize WRITE setMaxMessageSize)
    Q_PROPERTY(qint64 maxFrameSize READ maxFrameSize WRITE setMaxFrameSize)
    Q_PROPERTY(int handshakeTimeout READ handshakeTimeout WRITE setHandshakeTimeout)
    Q_PROPERTY(int authTimeout READ authTimeout WRITE setAuthTimeout)
    Q_PROPERTY(int messageTimeout READ messageTimeout WRITE setMessageTimeout)
    Q_PROPERTY(int maxUnauthenticated READ maxUnauthenticated WRITE setMaxUnauthenticated)
    Q_PROPERTY(int maxUnauthenticatedPerAddress READ maxUnauthenticatedPerAddress WRITE setMaxUnauthenticatedPerAddress)
    Q_PROPERTY(int listenBacklog READ listenBacklog WRITE setListenBacklog)
    Q_PROPERTY(int workerThreads READ workerThreads WRITE setWorkerThreads)
    Q_PROPERTY(int rateLimit READ rateLimit WRITE setRateLimit)
    Q_PROPERTY(int rateBurst READ rateBurst WRITE setRateBurst)
    Q_PROPERTY(RateLimitPolicy rateLimitPolicy READ rateLimitPolicy WRITE setRateLimitPolicy)
    Q_PROPERTY(int idleHeartBeats READ idleHeartBeats WRITE setIdleHeartBeats)
    Q_PROPERTY(qint64 maxSendBuffer READ maxSendBuffer WRITE setMaxSendBuffer)
    Q_PROPERTY(QStringList allowedOrigins READ allowedOrigins WRITE setAllowedOrigins)
    Q_PROPERTY(QString tlsCertificate READ tlsCertificate WRITE setTlsCertificate)
    Q_PROPERTY(QString tlsPrivateKey READ tlsPrivateKey WRITE setTlsPrivateKey)
    Q_PROPERTY(QString tlsCaCertificates READ tlsCaCertificates WRITE setTlsCaCertificates)
    Q_PROPERTY(bool tlsAllowSelfSigned READ tlsAllowSelfSigned WRITE setTlsAllowSelfSigned)
    Q_PROPERTY(QString redisUrl READ redisUrl WRITE setRedisUrl)
    Q_PROPERTY(int offlineQueueSize READ offlineQueueSize WRITE setOfflineQueueSize)
    Q_PROPERTY(qint64 offlineQueueBytes READ offlineQueueBytes WRITE setOfflineQueueBytes)
    Q_PROPERTY(int offlineQueueTtl READ offlineQueueTtl WRITE setOfflineQueueTtl)
    Q_PROPERTY(int reconnectSpread READ reconnectSpread WRITE setReconnectSpread)
    Q_PROPERTY(int resumeWindow READ resumeWindow WRITE setResumeWindow)
    Q_PROPERTY(int resumeBuffer READ resumeBuffer WRITE setResumeBuffer)

public:
    static constexpr int DefaultPort = 2667;          //!< The protocol's default port.
    static constexpr int Unlimited = -1;              //!< maxReconnectAttempts value for "never give up".

    /*! What the server does with a connection that sends faster than rateLimit(). */
    enum class RateLimitPolicy {
        Throttle, //!< Stop reading from it until the rate allows more (TCP backpressure); nothing is lost. The default.
        Close,    //!< Close it with 1008 (policy violation).
    };
    Q_ENUM(RateLimitPolicy)

    /*! Creates a configuration holding the protocol defaults. */
    SocketConfig();
    /*! Creates a copy of \a other (implicitly shared: cheap until one of them changes). */
    SocketConfig(const SocketConfig &other);
    /*! Creates a configuration from \a other, which is left in a valid but unspecified state. */
    SocketConfig(SocketConfig &&other) noexcept;
    /*! Makes this configuration a copy of \a other. */
    SocketConfig &operator=(const SocketConfig &other);
    /*! Moves \a other into this configuration; \a other is left in a valid but unspecified state. */
    SocketConfig &operator=(SocketConfig &&other) noexcept;
    ~SocketConfig();

    /*!
        Returns the defaults, overlaid with the JSON file named by \c SOCKET_CONFIG (if
        set) and then with the \c SOCKET_* variables of \a environment.

        On an invalid value (or an unreadable file) \a errorString (if given) names the
        variable, and the returned configuration is \e invalid: validate() returns that
        error, so a SocketServer refuses to listen() and a SocketClient refuses to open()
        with it, and both report it as SocketServer::Error::ConfigurationError /
        SocketClient::Error::ConfigurationError. Nothing falls back to the defaults
        silently: a typo in \c SOCKET_HEARTBEAT_INTERVAL never resets the authKey.
    */
    static SocketConfig fromEnvironment(const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment(),
                                        QString *errorString = nullptr);

    /*!
        Applies the \c SOCKET_* variables found in \a environment. Returns false and
        sets \a errorString (naming the variable) if a value is invalid; nothing is
        changed then.
    */
    bool applyEnvironment(const QProcessEnvironment &environment, QString *errorString = nullptr);
    /*!
        Applies the keys of \a object (the keys of the table above). Unknown keys and
        values of the wrong type are errors; nothing is changed then.
    */
    bool applyJson(const QJsonObject &object, QString *errorString = nullptr);
    /*! Reads a JSON object from the file \a path and applies it as applyJson() does. */
    bool loadFile(const QString &path, QString *errorString = nullptr);
    /*! Returns every setting as a JSON object (the authKey is included). */
    QJsonObject toJson() const;
    /*!
        Returns the environment variable of the configuration key \a key (e.g.
        \c SOCKET_HEARTBEAT_INTERVAL for \c heartBeatInterval), or an empty string if
        \a key is not one.
    */
    static QString environmentVariable(const QString &key);

    /*! The TCP port (2667); 0 lets a server pick a free one. */
    int port() const;
    void setPort(int port);
    /*! The address a server listens on (an IP address or \c localhost, \c any); \c 127.0.0.1. */
    QString host() const;
    void setHost(const QString &host);
    /*!
        The URL a client connects to; \c ws://localhost:{port} unless set. With
        several addresses (setAddresses(), or comma-separated in \c SOCKET_ADDRESS,
        an array or a comma-separated string in JSON) the first one.
    */
    QUrl address() const;
    /*! Sets one address; an empty \a address goes back to the default. */
    void setAddress(const QUrl &address);
    /*!
        Every address a client may connect to, in order: it connects to the first and
        each reconnect attempt goes to the next one (round robin), with the same
        backoff and jitter. One element, address(), unless several were set.
    */
    QList<QUrl> addresses() const;
    /*! Sets the addresses, in the order they are tried; an empty list goes back to the default. */
    void setAddresses(const QList<QUrl> &addresses);
    /*! The shared secret the global key is derived from, sent in the auth request (\c AUTH_KEY). */
    QString authKey() const;
    void setAuthKey(const QString &authKey);
    /*! Milliseconds between a heartbeat response and the client's next heartbeat (30000). */
    int heartBeatInterval() const;
    void setHeartBeatInterval(int milliseconds);
    /*!
        Client: milliseconds to wait for the answer to a heartbeat before the server is
        taken for dead, the socket aborted and a reconnect started. 0 (the default)
        means one heartBeatInterval().
    */
    int heartBeatTimeout() const;
    void setHeartBeatTimeout(int milliseconds);
    /*! heartBeatTimeout(), or heartBeatInterval() when it is 0. */
    int effectiveHeartBeatTimeout() const;
    /*! The directory handler plugins are loaded from (\c ./socket-handlers). A missing directory is not an error. */
    QString handlerDir() const;
    void setHandlerDir(const QString &directory);
    /*! Whether connects, authentications and disconnects are logged (false). */
    bool log() const;
    void setLog(bool log);
    /*! Whether frames are encrypted (AES-256-GCM; true). Both sides must agree. */
    bool encryption() const;
    void setEncryption(bool encryption);
    /*! The first reconnect delay in milliseconds (1000); it doubles with every attempt. */
    int reconnectBaseDelay() const;
    void setReconnectBaseDelay(int milliseconds);
    /*! The largest reconnect delay in milliseconds before jitter (60000). */
    int reconnectMaxDelay() const;
    void setReconnectMaxDelay(int milliseconds);
    /*! How many failed reconnect attempts a client makes before giving up; Unlimited (-1, the default) never gives up, 0 never reconnects. */
    int maxReconnectAttempts() const;
    void setMaxReconnectAttempts(int attempts);

    /*! Largest incoming message in bytes (1 MiB); a larger one closes the connection with 1009. */
    qint64 maxMessageSize() const;
    void setMaxMessageSize(qint64 bytes);
    /*! Largest incoming WebSocket frame in bytes (1 MiB); a larger one closes the connection with 1009. */
    qint64 maxFrameSize() const;
    void setMaxFrameSize(qint64 bytes);
    /*!
        Milliseconds a new connection has for its TLS and WebSocket handshakes (10000).
        On the client: an attempt still without a handshake after this fails and the
        reconnect goes on.
    */
    int handshakeTimeout() const;
    void setHandshakeTimeout(int milliseconds);
    /*!
        Milliseconds a connection has to authenticate before it is closed (10000;
        0 = no limit). On the client: an auth request still unanswered after this
        aborts the connection (reported as 1006) and starts the reconnect.
    */
    int authTimeout() const;
    void setAuthTimeout(int milliseconds);
    /*! Milliseconds an incoming message may take from its first byte to its last (30000; 0 = no limit). */
    int messageTimeout() const;
    void setMessageTimeout(int milliseconds);
    /*! Most connections open but not authenticated, in total (1000; 0 = no limit). */
    int maxUnauthenticated() const;
    void setMaxUnauthenticated(int connections);
    /*! Most connections open but not authenticated from one peer address (32; 0 = no limit). */
    int maxUnauthenticatedPerAddress() const;
    void setMaxUnauthenticatedPerAddress(int connections);
    /*!
        Server: connections the kernel may hold waiting to be accepted (4096). Clients
        reconnecting at once after a restart queue here instead of retrying their SYN.
        The kernel caps it at net.core.somaxconn.
    */
    int listenBacklog() const;
    void setListenBacklog(int connections);
    /*!
        Server: worker threads that serve connections (0 = one per core, the default;
        1 = every connection on the server object's thread, a single-threaded server).
        Read by SocketServer::listen(). See SocketServer's thread affinity and the
        README's threading model.
    */
    int workerThreads() const;
    void setWorkerThreads(int threads);
    /*! Messages per second a connection may send on average (100; 0 = no limit). */
    int rateLimit() const;
    void setRateLimit(int messagesPerSecond);
    /*! Messages a connection may send at once above the average rate (200). */
    int rateBurst() const;
    void setRateBurst(int messages);
    /*! What happens to a connection above rateLimit(): throttled (the default) or closed. */
    RateLimitPolicy rateLimitPolicy() const;
    void setRateLimitPolicy(RateLimitPolicy policy);
    /*!
        A connection that sends nothing (no heartbeat, message or pong) for this many
        heartBeatInterval()s is closed as dead (3; 0 = never). The server pings quiet peers.
    */
    int idleHeartBeats() const;
    void setIdleHeartBeats(int intervals);
    /*!
        Most bytes queued for a peer that does not read (8 MiB). Server: beyond it the
        peer is disconnected. Client: send() refuses messages beyond it (LimitExceeded).
    */
    qint64 maxSendBuffer() const;
    void setMaxSendBuffer(qint64 bytes);
    /*! Browser Origins the server accepts; empty (the default) accepts every Origin (and clients without one). */
    QStringList allowedOrigins() const;
    void setAllowedOrigins(const QStringList &origins);
    /*! Server: PEM certificate (chain) file (none); with tlsPrivateKey() the server speaks wss://. */
    QString tlsCertificate() const;
    void setTlsCertificate(const QString &file);
    /*! Server: PEM private key file (none). */
    QString tlsPrivateKey() const;
    void setTlsPrivateKey(const QString &file);
    /*! Client: PEM file of CA certificates to trust for wss:// (empty: the system store). */
    QString tlsCaCertificates() const;
    void setTlsCaCertificates(const QString &file);
    /*! Client: accept a self-signed or otherwise unverifiable certificate (false). For development only. */
    bool tlsAllowSelfSigned() const;
    void setTlsAllowSelfSigned(bool allow);
    /*!
        Server: the Redis backplane that joins servers into a cluster, as
        \c{redis://[:password@]host:port[/db]} (empty, the default: no cluster). Read by
        \c stonyx-sockets-server, which then serves with a RedisBackplane (library
        Stonyx::SocketsRedis); a server made in code is given its backplane with
        SocketServer::setBackplane(). validate() checks the form.
    */
    QString redisUrl() const;
    void setRedisUrl(const QString &url);
    /*!
        Client: most messages (SocketClient::send() and SocketClient::request()) kept
        while the client is not connected, to be sent in order once it has
        authenticated again (100; 0 turns the offline queue off: sending then fails
        with SocketClient::Error::NotConnected as in version 1).
    */
    int offlineQueueSize() const;
    void setOfflineQueueSize(int messages);
    /*! Client: most bytes of JSON the offline queue holds (262144). */
    qint64 offlineQueueBytes() const;
    void setOfflineQueueBytes(qint64 bytes);
    /*! Client: milliseconds a message may wait in the offline queue before it fails as expired (30000). */
    int offlineQueueTtl() const;
    void setOfflineQueueTtl(int milliseconds);
    /*!
        Client: when the server closes with 1012 (service restart, as a SocketServer
        does when it shuts down), the first reconnect attempt waits a uniformly random
        time in [0, reconnectSpread) milliseconds instead of the backoff, so that many
        clients do not return in the same second (5000; 0 = the usual backoff).
    */
    int reconnectSpread() const;
    void setReconnectSpread(int milliseconds);
    /*!
        Server: milliseconds an authenticated client's session is held after its
        connection was lost, so that the client can resume it (same id, metadata and
        rooms, the pushes addressed to it meanwhile) by presenting the resume token of
        its last auth response (60000; 0 turns session resume off). See
        docs/protocol-extensions.md, "Session resume".
    */
    int resumeWindow() const;
    void setResumeWindow(int milliseconds);
    /*!
        Server: most pushes (SocketServer::sendTo(), broadcast(), sendToByMeta(),
        sendToRoom()) kept for a held session; past it the oldest is dropped and
        counted (100).
    */
    int resumeBuffer() const;
    void setResumeBuffer(int messages);

    /*!
        Returns an empty string if every value is in range, otherwise an error naming the
        key; for a configuration made by a failed fromEnvironment(), that failure.
    */
    QString validate() const;

    /*! True if every setting of this configuration equals that of \a other. */
    bool operator==(const SocketConfig &other) const;
    /*! True if a setting of this configuration differs from that of \a other. */
    bool operator!=(const SocketConfig &other) const { return !(*this == other); }

private:
    QSharedDataPointer<SocketConfigData> d;
};

} // namespace Stonyx::Sockets

Q_DECLARE_METATYPE(Stonyx::Sockets::SocketConfig)
