// SPDX-License-Identifier: MIT
#include "qmlclientmodel.h"
#include "qmlsocketconnection.h"

#include <algorithm>
#include <utility>

namespace Stonyx::Sockets {

QmlClientModel::QmlClientModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

int QmlClientModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant QmlClientModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    QmlSocketConnection *connection = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case AddressRole:
        return connection->address();
    case ClientIdRole:
        return connection->clientId();
    case PortRole:
        return connection->port();
    case AuthenticatedRole:
        return connection->isAuthenticated();
    case MetadataRole:
        return connection->metadata().toVariantMap();
    case ConnectionRole:
        return QVariant::fromValue(connection);
    default:
        return {};
    }
}

QHash<int, QByteArray> QmlClientModel::roleNames() const
{
    return {
        {ClientIdRole, "clientId"},         {AddressRole, "address"},   {PortRole, "port"},
        {AuthenticatedRole, "authenticated"}, {MetadataRole, "metadata"}, {ConnectionRole, "connection"},
    };
}

QmlSocketConnection *QmlClientModel::get(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row) : nullptr;
}

int QmlClientModel::rowOf(qint64 clientId) const
{
    const auto it = std::lower_bound(m_rows.cbegin(), m_rows.cend(), clientId,
                                     [](const QmlSocketConnection *row, qint64 id) { return row->id() < id; });
    return int(it - m_rows.cbegin());
}

QmlSocketConnection *QmlClientModel::find(qint64 clientId) const
{
    const int row = rowOf(clientId);
    return row < m_rows.size() && m_rows.at(row)->id() == clientId ? m_rows.at(row) : nullptr;
}

void QmlClientModel::add(QmlSocketConnection *connection)
{
    const int row = rowOf(connection->id());
    if (row < m_rows.size() && m_rows.at(row)->id() == connection->id())
        return; // registered already
    beginInsertRows({}, row, row);
    m_rows.insert(row, connection);
    endInsertRows();
    connect(connection, &QmlSocketConnection::authenticatedChanged, this,
            [this, connection] { changed(connection, AuthenticatedRole); });
    connect(connection, &QmlSocketConnection::metadataChanged, this,
            [this, connection] { changed(connection, MetadataRole); });
    Q_EMIT countChanged();
}

QmlSocketConnection *QmlClientModel::take(qint64 clientId)
{
    QmlSocketConnection *connection = find(clientId);
    if (!connection)
        return nullptr;
    const int row = rowOf(clientId);
    disconnect(connection, nullptr, this, nullptr);
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
    Q_EMIT countChanged();
    return connection;
}

QList<QmlSocketConnection *> QmlClientModel::takeAll()
{
    if (m_rows.isEmpty())
        return {};
    beginResetModel();
    for (QmlSocketConnection *connection : std::as_const(m_rows))
        disconnect(connection, nullptr, this, nullptr);
    const QList<QmlSocketConnection *> rows = std::exchange(m_rows, {});
    endResetModel();
    Q_EMIT countChanged();
    return rows;
}

void QmlClientModel::changed(QmlSocketConnection *connection, int role)
{
    const int row = rowOf(connection->id());
    if (row < m_rows.size() && m_rows.at(row) == connection)
        Q_EMIT dataChanged(index(row), index(row), {role});
}

} // namespace Stonyx::Sockets
