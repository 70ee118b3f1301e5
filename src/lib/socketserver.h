// SPDX-License-Identifier: MIT
#pragma once

#include "backplane.h"
#include "handlerloader.h"
#include "socketconfig.h"
#include "sockethandler.h"
#include "stonyxsockets_export.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QMap>
#include <QObject>
#include <QSslConfiguration>
#include <QUrl>

#include <memory>

namespace Stonyx::Sockets {

class SocketConnection;
struct SocketServerPrivate;

/*!
    \struct Stonyx::Sockets::ServerStatistics
    \brief What a SocketServer has done since it was made: SocketServer::statistics().

    The counters never go back (they survive close() and listen()); the numbers of
    connections are as of the call. Read by the metrics endpoint of
    \c stonyx-sockets-server (Prometheus text format).
*/
struct STONYX_SOCKETS_EXPORT ServerStatistics {
    int connections = 0;    //!< Open connections, authenticated or not.
    int authenticated = 0;  //!< Open, authenticated connections.
    qint64 messagesIn = 0;  //!< WebSocket messages received from clients (heartbeats and auth included).
    qint64 bytesIn = 0;     //!< Their bytes, as received (encrypted frames with IV and tag).
    qint64 messagesOut = 0; //!< Messages sent to clients (responses, heartbeats, sendTo() and friends).
    qint64 bytesOut = 0;    //!< Their bytes, as sent.
    /*! Clients refused or closed for breaking a rule (clientRejected()), by the SocketServer::Error key, e.g. \c LimitExceeded. */
    QMap<QString, qint64> rejections;
    int heldSessions = 0;   //!< Sessions held for a resume (SocketConfig::resumeWindow()), their connection lost.
    qint64 resumeDropped = 0; //!< Pushes dropped from full buffers of held sessions (SocketConfig::resumeBuffer()), oldest first.
};

/*!
    \class Stonyx::Sockets::SocketServer
    \brief A WebSocket server speaking Stonyx Sockets protocol version 1.

    The server speaks WebSocket (RFC 6455) itself on the connections it accepts: the
    opening handshake, frames, pings and the closing handshake; QWebSocketServer is not
    used. Each incoming frame is decrypted (session key
    once the client authenticated, the global key before), parsed, and dispatched to
    the handler named by its \c request field; the handler's return value is sent
    back as the response. The built-in \c heartBeat request is answered for
    authenticated clients. Every handler except \c auth is closed to clients that have
    not authenticated, unless it was registered with \c skipAuth.

    Handlers come from plugins in SocketConfig::handlerDir() (loaded by listen()) and
    from registerHandler(). A server without an \c auth handler refuses to listen.

    Invalid input (a frame that does not decrypt, invalid JSON, a request to a closed
    handler) closes only that connection, with a WebSocket close code, a logged reason
    and clientRejected(); the server and other clients go on. Valid JSON that is not an
    object is ignored, as the Node.js library does. A client that sends faster than
    SocketConfig::rateLimit() is throttled (not read from until the rate allows more)
    unless SocketConfig::rateLimitPolicy() says to close it.

    \section1 Thread affinity

    A SocketServer lives on the thread that created it (its thread). Connections are
    served by worker threads, SocketConfig::workerThreads() of them (0, the default:
    one per core). One thread, the server's, accepts and applies the admission caps;
    each admitted connection goes to the least loaded worker, which runs its TLS and
    WebSocket handshakes, and from then on its socket, deadlines, decoding, handler
    calls and sealing, on its own event loop. With workerThreads() = 1 the only worker
    is the server's own thread: a single-threaded server.

    On Linux a worker thread's event loop runs on epoll, so that a turn of it costs
    the sockets that are ready rather than every socket the worker holds (Qt's own
    event dispatchers poll() them all). Qt objects created in a handler on a worker
    thread (timers, sockets, deleteLater()) work there as on any Qt thread.

    \list
    \li Signals are always emitted on the server's thread, in the order each worker
        produced them. With worker threads they are queued, so the registry
        (clientCount(), client()) may already have changed when a slot runs.
    \li Handler plugins run on the thread of the connection they serve unless their
        metadata says \c{"thread": "server"}. Handlers registered in code and QML
        handlers run on the server's thread. While such a call is made, the
        connection reads nothing more, so its requests are answered in order.
    \li A SocketConnection lives on its worker's thread. It is not deleted before
        the server's thread has handled clientDisconnected() for it, nor while a
        handler call on the server's thread refers to it.
    \endlist

    Call from the server's thread only: the configuration, handler registration,
    listen(), close(), setSslConfiguration(), and the destructor. close() closes every
    client and reports them gone before it returns; with worker threads the destructor
    then waits for the workers, which let their clients finish the close handshake
    (at most a few seconds, for peers that do not answer).

    Safe from any thread:
    \list
    \li sendTo(), broadcast() and sendToByMeta(): the JSON is serialised once on the
        calling thread; sealing and sending happen on each connection's thread, in
        call order. sendTo() returns whether the client existed; broadcast() and
        sendToByMeta() return how many authenticated clients matched (on a
        single-threaded server called from its thread: how many were sent to).
    \li clientCount(), clientIds() and client() (a mutex guards the registry; the
        connection returned may close at any time: from other threads prefer its id).
    \li join(), leave(), rooms(), members(), sendToRoom(), clusterClientCount(),
        clusterClients(), nodes() and statistics(). The cluster logic and the
        Backplane live on the server's thread; publishes from other threads are
        posted there in call order.
    \endlist

    \section1 Rooms and clusters

    Clients can be put in named rooms (join(), leave(), from the server object or from
    a handler with SocketConnection::join()) and messaged by room with sendToRoom(), as
    in Socket.IO. A client leaves its rooms when it disconnects.

    Several servers (nodes) act as one when each is given a Backplane (e.g.
    RedisBackplane from \c Stonyx::SocketsRedis) with setBackplane() before listen():
    sendTo(), broadcast(), sendToByMeta() and sendToRoom() then reach the matching
    clients on every node, each once; join() and leave() work for clients of other
    nodes; clusterClientCount(), clusterClients(), members() and rooms() describe the
    whole cluster; nodeJoined() and nodeLeft() report the other nodes. Delivery across
    the backplane is at most once and in order per publishing node; while the backplane
    is down (backplaneStatus()) each node serves its own clients and cross-node delivery
    pauses. A node not heard from for 3 × SocketConfig::heartBeatInterval() is taken
    out of the view, its clients with it. Client ids are then unique across the
    cluster: (tag << 32) + n, with a random 21-bit tag per node, below 2^53.

    Without a backplane all of this works for this server's own clients.

    \section1 Accepting connections

    The server listens on a socket of its own. The admission caps
    (SocketConfig::maxUnauthenticated(), SocketConfig::maxUnauthenticatedPerAddress())
    are counted as connections come and go, in constant time per connection, and are
    applied before any TLS or WebSocket handshake. When the process runs out of file
    descriptors the server stops accepting, logs it once, and accepts again when a
    connection closes (or half a second later), instead of spinning. Refused and
    dropped connections are each reported with clientRejected(); their log lines are
    limited to a few per 10 seconds plus a summary line. One coarse timer per worker
    (a quarter of the shortest deadline, at most 250 ms) checks the handshake, auth,
    idle and message deadlines of its connections.

    \code
    Stonyx::Sockets::SocketServer server;
    server.registerHandler(QStringLiteral("auth"), [&](const QJsonValue &data, SocketConnection *) -> QJsonValue {
        return data[u"authKey"].toString() == server.config().authKey() ? QJsonValue(QStringLiteral("success")) : QJsonValue();
    });
    server.listen();
    \endcode
*/
class STONYX_SOCKETS_EXPORT SocketServer : public QObject
{
    Q_OBJECT
    Q_PROPERTY(Stonyx::Sockets::SocketConfig config READ config WRITE setConfig NOTIFY configChanged)
    Q_PROPERTY(bool listening READ isListening NOTIFY listeningChanged)
    Q_PROPERTY(QUrl serverUrl READ serverUrl NOTIFY listeningChanged)
    Q_PROPERTY(int clientCount READ clientCount NOTIFY clientCountChanged)
    Q_PROPERTY(int clusterClientCount READ clusterClientCount NOTIFY clusterClientCountChanged)
    Q_PROPERTY(Stonyx::Sockets::Backplane::Status backplaneStatus READ backplaneStatus NOTIFY backplaneStatusChanged)
    Q_PROPERTY(QString nodeId READ nodeId CONSTANT)
    Q_PROPERTY(Error error READ error NOTIFY errorOccurred)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorOccurred)

public:
    /*! What went wrong; see errorString() for the details. */
    enum class Error {
        NoError,            //!< Nothing went wrong.
        ConfigurationError, //!< The configuration is invalid.
        MissingAuthHandler, //!< listen() was called without an \c auth handler.
        HandlerError,       //!< A handler could not be registered or a plugin was skipped.
        ListenError,        //!< The address could not be bound.
        CryptoError,        //!< Key derivation or encryption failed.
        InvalidMessage,     //!< A client sent invalid input and was disconnected.
        Unauthenticated,    //!< A client used a closed handler before authenticating and was disconnected.
        LimitExceeded,      //!< A client crossed a limit (size, rate, send buffer, connection caps) and was disconnected or refused.
        Timeout,            //!< A client did not authenticate, finish a message or show life in time and was disconnected.
        TlsError,           //!< The TLS certificate or key could not be used.
    };
    Q_ENUM(Error)

    /*! A translated, general description of \a error (errorString() has the details). */
    static QString errorText(Error error);

    /*! Creates a server configured with SocketConfig::fromEnvironment(). */
    explicit SocketServer(QObject *parent = nullptr);
    /*! Creates a server with \a config. */
    explicit SocketServer(const SocketConfig &config, QObject *parent = nullptr);
    ~SocketServer() override;

    /*! The configuration. */
    SocketConfig config() const;
    /*!
        Sets the configuration. listen() takes a snapshot of it: a server that is
        listening goes on with the configuration it started with (connections, limits,
        keys) until close() and the next listen(). An invalid \a config is reported at
        once (ConfigurationError) and refused by listen().
    */
    void setConfig(const SocketConfig &config);

    /*!
        Registers \a handler (not owned; it must outlive the server) under \a name.
        Returns false with HandlerError if the name is empty or taken.
    */
    bool registerHandler(const QString &name, SocketHandler *handler, HandlerOptions options = {});
    /*! Registers a callable as the handler \a name. */
    bool registerHandler(const QString &name, RequestFunction function, HandlerOptions options = {});
    /*! Removes the handler \a name. Returns false if there was none. */
    bool unregisterHandler(const QString &name);
    /*! The names of all registered handlers, sorted. */
    QStringList handlerNames() const;

    /*!
        Loads the server-side handler plugins in \a directory. Names already taken are
        skipped. Problems are logged, stored in handlerProblems() and reported as
        HandlerError, but do not fail the call. Returns the number of handlers loaded.
    */
    int loadHandlers(const QString &directory);
    /*! The plugins skipped by loadHandlers(), with reasons. */
    QList<HandlerLoader::Problem> handlerProblems() const;

    /*!
        Loads the plugins of SocketConfig::handlerDir() (once), derives the global key
        and starts listening on SocketConfig::host() and SocketConfig::port().
        Returns false with an error if the configuration is invalid, there is no
        \c auth handler, or the address cannot be bound.
    */
    bool listen();
    /*!
        Sets the TLS configuration (certificate, private key, protocols) in code; the
        server then speaks wss://. Takes precedence over SocketConfig::tlsCertificate().
        Takes effect at the next listen().
    */
    void setSslConfiguration(const QSslConfiguration &configuration);
    /*! The TLS configuration set in code, or a null configuration. */
    QSslConfiguration sslConfiguration() const;

    /*!
        Closes every connection (close code 1012, service restart: clients of this
        library spread their reconnects over SocketConfig::reconnectSpread()) and
        stops listening.
    */
    void close();
    /*! True while listening. */
    bool isListening() const;
    /*! The URL clients can connect to, e.g. \c ws://127.0.0.1:2667 or \c wss://… (with the real port when 0 was configured). */
    QUrl serverUrl() const;
    /*! The port listened on, or 0. */
    quint16 serverPort() const;

    /*! The number of open connections, authenticated or not. Thread-safe. */
    int clientCount() const;
    /*! The ids of all open connections. Thread-safe. */
    QList<qint64> clientIds() const;
    /*! The connection with \a id, or nullptr. Thread-safe (see the class's thread affinity). */
    SocketConnection *client(qint64 id) const;

    /*!
        Sends a message to the client \a id. Returns false if there is no such client.
        Thread-safe: the message is sealed and sent on the client's thread.
    */
    bool sendTo(qint64 id, const QString &request, const QJsonValue &response);
    /*!
        Sends a message to every authenticated client (serialised once, sealed per
        client). Returns how many it went to. Thread-safe: the sending is posted
        to each worker's thread, so the count is how many it is going to.
    */
    int broadcast(const QString &request, const QJsonValue &response);
    /*!
        Sends a message to every authenticated client whose metadata field \a key
        equals \a value. Returns how many it went to. Thread-safe, like broadcast().
    */
    int sendToByMeta(const QString &key, const QJsonValue &value, const QString &request, const QJsonValue &response);

    /*!
        Puts the client \a id in \a room. Returns false if \a room is empty or there
        is no such client (here or, with a backplane, on another node: then the request
        goes to its node). Thread-safe.
    */
    bool join(qint64 id, const QString &room);
    /*! Takes the client \a id out of \a room. Returns false if it was not in it. Thread-safe. */
    bool leave(qint64 id, const QString &room);
    /*! The rooms of the client \a id (of any node with a backplane), sorted. Thread-safe. */
    QStringList rooms(qint64 id) const;
    /*!
        The clients in \a room, sorted: this server's, and with a backplane the
        authenticated clients of the other nodes as last heard. Thread-safe.
    */
    QList<qint64> members(const QString &room) const;
    /*!
        Sends a message to every authenticated client in \a room except those in
        \a except, on every node. Returns how many it goes to (this node's now, the
        others' as last heard). Thread-safe, like broadcast().
    */
    int sendToRoom(const QString &room, const QString &request, const QJsonValue &response, const QList<qint64> &except);

    /*!
        Makes this server a node of the cluster that \a backplane joins (not owned; it
        must outlive the server, or be destroyed after close()). Call before listen();
        the server starts the backplane when it listens and leaves the cluster when it
        closes. Server's thread only.
    */
    void setBackplane(Backplane *backplane);
    /*! The backplane, or nullptr. */
    Backplane *backplane() const;
    /*! The state of the backplane (Backplane::Status::Stopped without one). */
    Backplane::Status backplaneStatus() const;
    /*! This node's id in the cluster, random per server object. */
    QString nodeId() const;
    /*! The ids of the nodes in the cluster as last heard, this one included, sorted. Thread-safe. */
    QStringList nodes() const;
    /*! The authenticated clients of the whole cluster (of this server without a backplane). Thread-safe. */
    int clusterClientCount() const;
    /*!
        The ids of the cluster's authenticated clients whose metadata has every field of
        \a filter (all of them for an empty filter), sorted. This server's clients are
        matched with their metadata as it is now; other nodes' clients as last heard (as
        at authentication, updated within one heartBeatInterval after a change). Thread-safe.
    */
    QList<qint64> clusterClients(const QJsonObject &filter) const;

    /*! Counters and current numbers for monitoring. Thread-safe. */
    ServerStatistics statistics() const;

    /*! The last error. */
    Error error() const;
    /*! A translated description of the last error. */
    QString errorString() const;

Q_SIGNALS:
    /*! The configuration changed. */
    void configChanged();
    /*! The server started or stopped listening. */
    void listeningChanged(bool listening);
    /*! The number of connections changed. */
    void clientCountChanged(int count);
    /*! A client opened a connection. */
    void clientConnected(qint64 id);
    /*! The client \a id authenticated. */
    void clientAuthenticated(qint64 id);
    /*!
        The client \a id, whose connection was lost and whose session was held
        (SocketConfig::resumeWindow()), came back on a new connection and resumed it:
        same id, metadata and rooms; the pushes buffered meanwhile were sent to it.
        Neither clientDisconnected() for the lost connection nor clientConnected() and
        clientAuthenticated() for the new one are emitted: to everyone else the client
        never left. A held session that is not resumed within the window ends with
        clientDisconnected() when the window ends (or when the server closes).
    */
    void clientResumed(qint64 id);
    /*! The client \a id is gone; \a closeCode and \a reason say why. */
    void clientDisconnected(qint64 id, int closeCode, const QString &reason);
    /*!
        The client \a id sent a valid message for \a request with \a data. Emitted after
        the auth gate, before the handler runs: only for authenticated clients, or for
        a handler opened to everyone with HandlerOption::SkipAuth. \c auth requests
        (they carry the secret) and the built-in \c heartBeat are never reported.
    */
    void messageReceived(qint64 id, const QString &request, const QJsonValue &data);
    /*!
        The server refused or closed a client for breaking a rule: invalid input
        (InvalidMessage), a request before authentication (Unauthenticated), a limit
        (LimitExceeded) or a deadline (Timeout). \a id is 0 when the connection was
        refused before it got an id (connection caps, no handshake). \a reason says why,
        translated. Such per-client events do not change error(), which is about the
        server itself.
    */
    void clientRejected(qint64 id, Stonyx::Sockets::SocketServer::Error error, const QString &reason);
    /*! Something went wrong; errorString() describes it. */
    void errorOccurred(Stonyx::Sockets::SocketServer::Error error);
    /*! The number of the cluster's authenticated clients changed to \a count. */
    void clusterClientCountChanged(int count);
    /*! The backplane's state changed to \a status. */
    void backplaneStatusChanged(Stonyx::Sockets::Backplane::Status status);
    /*! The node \a nodeId joined the cluster (or was heard from again). */
    void nodeJoined(const QString &nodeId);
    /*! The node \a nodeId left the cluster, said goodbye or was not heard from in time. */
    void nodeLeft(const QString &nodeId);

private:
    friend struct SocketServerPrivate;
    friend class SocketConnection;
    friend class ClusterHub;
    const std::unique_ptr<SocketServerPrivate> d;
};

} // namespace Stonyx::Sockets
