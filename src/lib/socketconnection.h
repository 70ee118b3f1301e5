// SPDX-License-Identifier: MIT
#pragma once

#include "sockethandler.h"
#include "stonyxsockets_export.h"

#include <QHostAddress>
#include <QJsonObject>
#include <QObject>
#include <QStringList>

#include <memory>

namespace Stonyx::Sockets {

class SocketServer;
class ServerWorker;

/*!
    \class Stonyx::Sockets::SocketConnection
    \brief One client connected to a SocketServer, as the server sees it.

    The server creates one SocketConnection per WebSocket and keeps it in its client
    registry until the socket closes; then the object is deleted (later). Handlers
    receive it with every request: they can read and set the client's metadata, send
    it messages, answer later with deferReply(), or close it.

    All per-connection state (keys, authentication, metadata) lives in this object.

    Thread affinity: a connection lives on the thread of the server worker that
    serves it (the server's own thread when SocketConfig::workerThreads() is 1).
    Handlers are called with it on that thread, or on the server's thread for
    handlers with server affinity (registered in code, QML, or plugin metadata
    \c{"thread": "server"}); during such a call every method may be used there.
    From any thread: id(), peerAddress(), peerPort(), isAuthenticated(), metadata(),
    metadataValue(), setMetadata() and setMetadataValue() (a mutex guards the
    metadata; metadataChanged() is emitted on the calling thread); send() and close()
    are posted to the connection's thread (in call order). deferReply() belongs to
    the handler call. The object is deleted on its thread once the client is gone
    and the server's thread has handled clientDisconnected(): from other threads
    prefer SocketServer::sendTo() with the id, which cannot outlive the connection.
*/
class STONYX_SOCKETS_EXPORT SocketConnection : public QObject
{
    Q_OBJECT
    Q_PROPERTY(qint64 id READ id CONSTANT)
    Q_PROPERTY(QHostAddress peerAddress READ peerAddress CONSTANT)
    Q_PROPERTY(quint16 peerPort READ peerPort CONSTANT)
    Q_PROPERTY(bool authenticated READ isAuthenticated NOTIFY authenticatedChanged)
    Q_PROPERTY(QJsonObject metadata READ metadata WRITE setMetadata NOTIFY metadataChanged)

public:
    ~SocketConnection() override;

    /*!
        The id the server gave this client, unique for the server's lifetime (from 1).
        With a backplane, unique across the cluster and below 2^53 (see SocketServer's
        cluster section).
    */
    qint64 id() const;
    /*! The client's IP address. */
    QHostAddress peerAddress() const;
    /*! The client's TCP port. */
    quint16 peerPort() const;
    /*! True once the auth handler accepted the client. */
    bool isAuthenticated() const;
    /*! The server this client is connected to. */
    SocketServer *server() const;

    /*! Application data attached to this client, e.g. by the auth handler. */
    QJsonObject metadata() const;
    /*! Replaces the metadata. */
    void setMetadata(const QJsonObject &metadata);
    /*! Sets one metadata field. */
    void setMetadataValue(const QString &key, const QJsonValue &value);
    /*! Returns one metadata field (undefined if absent). */
    QJsonValue metadataValue(const QString &key) const;

    /*!
        Sends \c{{"request": request, "response": response}} to this client, encrypted
        as the session requires. Returns false if the connection is closing. From
        another thread the message is serialised there and sent on the connection's
        thread.
    */
    bool send(const QString &request, const QJsonValue &response);

    /*!
        Closes the connection with the WebSocket \a closeCode (1000 = normal) and
        \a reason. The server then reports clientDisconnected() and removes the client.
        From another thread the close is posted to the connection's thread.
    */
    void close(int closeCode, const QString &reason);

    /*!
        Called from inside a handler, promises an answer to the request being handled
        and returns the PendingReply to resolve later. The handler should then return
        an undefined value. Outside a handler call it returns an invalid reply.
    */
    PendingReply deferReply();

    /*!
        Puts this client in \a room (SocketServer::join()). Returns false if the
        connection is gone or \a room is empty. Thread-safe.
    */
    bool join(const QString &room);
    /*! Takes this client out of \a room (SocketServer::leave()). Returns false if it was not in it. Thread-safe. */
    bool leave(const QString &room);
    /*! The rooms this client is in, sorted. Thread-safe. */
    QStringList rooms() const;

Q_SIGNALS:
    /*! The authentication state changed to \a authenticated. */
    void authenticatedChanged(bool authenticated);
    /*! The metadata changed. */
    void metadataChanged();

private:
    friend class SocketServer;
    friend struct SocketServerPrivate;
    friend class ServerWorker;
    friend class PendingReply;
    struct Private;
    explicit SocketConnection(std::unique_ptr<Private> d, QObject *parent);
    const std::unique_ptr<Private> d;
};

} // namespace Stonyx::Sockets
