// SPDX-License-Identifier: MIT
#include "message_p.h"
#include "socketserver_p.h"

#include <QPointer>
#include <QTimer>

namespace Stonyx::Sockets {

SocketConnection::SocketConnection(std::unique_ptr<Private> dd, QObject *parent)
    : QObject(parent)
    , d(std::move(dd))
{
    d->life->connection = this;
}

SocketConnection::~SocketConnection()
{
    QMutexLocker locker(&d->life->mutex);
    d->life->connection = nullptr;
}

qint64 SocketConnection::id() const
{
    return d->id;
}

QHostAddress SocketConnection::peerAddress() const
{
    return d->peerAddress;
}

quint16 SocketConnection::peerPort() const
{
    return d->peerPort;
}

bool SocketConnection::isAuthenticated() const
{
    return d->authenticated;
}

bool SocketConnection::join(const QString &room)
{
    SocketServer *server = d->server;
    return server && !d->closing && server->join(d->id, room);
}

bool SocketConnection::leave(const QString &room)
{
    SocketServer *server = d->server;
    return server && server->leave(d->id, room);
}

QStringList SocketConnection::rooms() const
{
    SocketServer *server = d->server;
    return server ? server->rooms(d->id) : QStringList();
}

SocketServer *SocketConnection::server() const
{
    return d->server;
}

QJsonObject SocketConnection::metadata() const
{
    QMutexLocker locker(&d->metadataMutex);
    return d->metadata;
}

void SocketConnection::setMetadata(const QJsonObject &metadata)
{
    {
        QMutexLocker locker(&d->metadataMutex);
        if (d->metadata == metadata)
            return;
        d->metadata = metadata;
    }
    Q_EMIT metadataChanged();
}

void SocketConnection::setMetadataValue(const QString &key, const QJsonValue &value)
{
    {
        QMutexLocker locker(&d->metadataMutex);
        if (d->metadata.value(key) == value)
            return;
        d->metadata.insert(key, value);
    }
    Q_EMIT metadataChanged();
}

QJsonValue SocketConnection::metadataValue(const QString &key) const
{
    QMutexLocker locker(&d->metadataMutex);
    return d->metadata.value(key);
}

bool SocketConnection::send(const QString &request, const QJsonValue &response)
{
    if (!d->worker.load() || d->closing)
        return false;
    if (QThread::currentThread() != thread()) {
        // Serialised here; sealed and sent on the connection's thread, in call order.
        QMetaObject::invokeMethod(this, [this, json = Message::encodeResponse(request, response)] {
            if (ServerWorker *worker = d->worker)
                worker->sendMessage(this, json);
        }, Qt::QueuedConnection);
        return true;
    }
    ServerWorker *worker = d->worker;
    return worker && worker->sendMessage(this, Message::encodeResponse(request, response));
}

void SocketConnection::close(int closeCode, const QString &reason)
{
    if (QThread::currentThread() != thread()) {
        QMetaObject::invokeMethod(this, [this, closeCode, reason] { close(closeCode, reason); }, Qt::QueuedConnection);
        return;
    }
    if (d->closing)
        return;
    d->closing = true;
    d->closeCode = closeCode;
    d->closeReason = reason;
    // The closing handshake; a peer that never completes it (or does not read) is cut off.
    d->socket->close(closeCode, reason);
    // The server is done with the client: reported gone right after the call that
    // closed it (the slots of the signal being emitted, the rest of the handler's
    // dispatch), not when the peer has answered the close frame (or failed to,
    // CloseHandshakeTimeout later).
    if (ServerWorker *worker = d->worker) {
        QMetaObject::invokeMethod(worker, [worker, connection = QPointer<SocketConnection>(this)] {
            if (connection && connection->d->worker == worker)
                worker->onDisconnected(connection);
        }, Qt::QueuedConnection);
    }
}

} // namespace Stonyx::Sockets
