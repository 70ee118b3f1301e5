// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractListModel>
#include <QList>
#include <QtQml/qqmlregistration.h>

namespace Stonyx::Sockets {

class QmlSocketConnection;
class SocketConnection;

/*!
    \qmltype SocketClientModel
    \inqmlmodule Stonyx.Sockets
    \brief The clients of a SocketServer as a list model, in connection order.

    Roles: \c clientId, \c address, \c port, \c authenticated, \c metadata (an
    object) and \c connection (the SocketConnection).

    It is also the server's one client registry: SocketServer.client(), the
    clientCount, the wrappers handed to handlers and the server's signals all read
    the clients from here. Rows are kept in client id order, which is the order in
    which the server accepted the connections, so a lookup by id is a binary search.

    Thread affinity: lives on the thread of its SocketServer, the QML engine's thread
    (the GUI thread), as a model used by views must.
*/
class QmlClientModel : public QAbstractListModel
{
    Q_OBJECT
    Q_MOC_INCLUDE("qmlsocketconnection.h")
    QML_NAMED_ELEMENT(SocketClientModel)
    QML_UNCREATABLE("The client model belongs to a SocketServer")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    /*! The model's roles. */
    enum Role {
        ClientIdRole = Qt::UserRole + 1, //!< \c clientId: the id the server gave the client.
        AddressRole,                     //!< \c address: the client's IP address as text.
        PortRole,                        //!< \c port: the client's TCP port.
        AuthenticatedRole,               //!< \c authenticated: whether the client has authenticated.
        MetadataRole,                    //!< \c metadata: the client's metadata, an object.
        ConnectionRole,                  //!< \c connection: the client's SocketConnection.
    };
    Q_ENUM(Role)

    /*! Creates an empty model. */
    explicit QmlClientModel(QObject *parent = nullptr);

    /*! The number of clients. */
    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    /*! The value of \a role for the client at \a index. */
    QVariant data(const QModelIndex &index, int role) const override;
    /*! The role names listed above. */
    QHash<int, QByteArray> roleNames() const override;

    /*! Returns the connection in \a row, or null. */
    Q_INVOKABLE Stonyx::Sockets::QmlSocketConnection *get(int row) const;

    /*! \internal The client with \a clientId, or null. */
    QmlSocketConnection *find(qint64 clientId) const;
    /*! \internal Registers \a connection (its row follows its client id). */
    void add(QmlSocketConnection *connection);
    /*! \internal Unregisters the client \a clientId and returns it, or null if there is none. */
    QmlSocketConnection *take(qint64 clientId);
    /*! \internal Unregisters every client and returns them, in row order. */
    QList<QmlSocketConnection *> takeAll();

Q_SIGNALS:
    /*! The number of clients changed. */
    void countChanged();

private:
    int rowOf(qint64 clientId) const; // the row of clientId, or where it would go
    void changed(QmlSocketConnection *connection, int role);
    QList<QmlSocketConnection *> m_rows; // ordered by clientId
};

} // namespace Stonyx::Sockets
