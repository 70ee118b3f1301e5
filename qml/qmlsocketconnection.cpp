// SPDX-License-Identifier: MIT
#include "qmlsocketconnection.h"
#include "jsonconversion.h"
#include "qmlpendingreply.h"
#include "qmlsockethandler.h"
#include "qmlsocketserver.h"

#include <Stonyx/Sockets/SocketConnection>

#include <QJSEngine>

namespace Stonyx::Sockets {

QmlSocketConnection::QmlSocketConnection(SocketConnection *connection, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
    , m_id(connection->id())
    , m_address(connection->peerAddress().toString())
    , m_port(connection->peerPort())
    , m_authenticated(connection->isAuthenticated())
    , m_metadata(connection->metadata())
{
    connect(connection, &SocketConnection::authenticatedChanged, this, [this](bool authenticated) {
        if (m_authenticated == authenticated)
            return;
        m_authenticated = authenticated;
        Q_EMIT authenticatedChanged();
    });
    connect(connection, &SocketConnection::metadataChanged, this, [this] {
        m_metadata = m_connection ? m_connection->metadata() : m_metadata;
        Q_EMIT metadataChanged();
    });
}

double QmlSocketConnection::clientId() const
{
    return double(m_id);
}

QString QmlSocketConnection::address() const
{
    return m_address;
}

int QmlSocketConnection::port() const
{
    return m_port;
}

bool QmlSocketConnection::isConnected() const
{
    return !m_connection.isNull();
}

bool QmlSocketConnection::isAuthenticated() const
{
    return m_authenticated;
}

QJsonObject QmlSocketConnection::metadata() const
{
    return m_metadata;
}

void QmlSocketConnection::setMetadata(const QJsonObject &metadata)
{
    if (m_connection)
        m_connection->setMetadata(metadata); // notifies through metadataChanged
}

SocketConnection *QmlSocketConnection::connection() const
{
    return m_connection;
}

bool QmlSocketConnection::setMetadataValue(const QString &key, const QJSValue &value)
{
    QJsonValue json;
    QString problem;
    auto *server = qobject_cast<QmlSocketServer *>(parent());
    if (!JsonConversion::toJson(value, key, &json, &problem)) {
        if (server)
            server->reportError(QmlSocketServer::InvalidData, tr("Cannot set the metadata field \"%1\": %2").arg(key, problem));
        return false;
    }
    if (!m_connection)
        return false;
    if (json.isUndefined()) {
        QJsonObject metadata = m_connection->metadata();
        metadata.remove(key);
        m_connection->setMetadata(metadata);
    } else {
        m_connection->setMetadataValue(key, json);
    }
    return true;
}

bool QmlSocketConnection::send(const QString &request, const QJSValue &response)
{
    QJsonValue json;
    QString problem;
    if (!JsonConversion::toJson(response, QStringLiteral("response"), &json, &problem)) {
        if (auto *server = qobject_cast<QmlSocketServer *>(parent()))
            server->reportError(QmlSocketServer::InvalidData, tr("Cannot send \"%1\": %2").arg(request, problem));
        return false;
    }
    return m_connection && m_connection->send(request, json);
}

bool QmlSocketConnection::join(const QString &room)
{
    return m_connection && m_connection->join(room);
}

bool QmlSocketConnection::leave(const QString &room)
{
    return m_connection && m_connection->leave(room);
}

QStringList QmlSocketConnection::rooms() const
{
    return m_connection ? m_connection->rooms() : QStringList();
}

void QmlSocketConnection::close(int closeCode, const QString &reason)
{
    if (m_connection)
        m_connection->close(closeCode, reason);
}

QmlPendingReply *QmlSocketConnection::deferReply()
{
    if (!m_connection)
        return nullptr;
    const PendingReply reply = m_connection->deferReply();
    if (!reply.isPending())
        return nullptr;
    return QmlPendingReply::create(qjsEngine(this), reply, QmlSocketHandler::dispatching(), this);
}

void QmlSocketConnection::markDisconnected()
{
    if (!m_connection)
        return;
    m_connection.clear();
    Q_EMIT connectedChanged();
}

} // namespace Stonyx::Sockets
