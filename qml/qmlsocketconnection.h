// SPDX-License-Identifier: MIT
#pragma once

#include <QJSValue>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

namespace Stonyx::Sockets {

class QmlPendingReply;
class SocketConnection;

/*!
    \qmltype SocketConnection
    \inqmlmodule Stonyx.Sockets
    \brief One client of a SocketServer, as QML sees it.

    SocketServer creates these; handlers receive one with every request, and the
    server's signals and client model carry them. The object is destroyed shortly
    after the client disconnects.

    Thread affinity: lives on the thread of its SocketServer, the QML engine's thread
    (the GUI thread); use it on that thread only.
*/
class QmlSocketConnection : public QObject
{
    Q_OBJECT
    Q_MOC_INCLUDE("qmlpendingreply.h")
    QML_NAMED_ELEMENT(SocketConnection)
    QML_UNCREATABLE("SocketConnection objects are made by SocketServer")
    Q_PROPERTY(double clientId READ clientId CONSTANT)
    Q_PROPERTY(QString address READ address CONSTANT)
    Q_PROPERTY(int port READ port CONSTANT)
    Q_PROPERTY(bool connected READ isConnected NOTIFY connectedChanged)
    Q_PROPERTY(bool authenticated READ isAuthenticated NOTIFY authenticatedChanged)
    Q_PROPERTY(QJsonObject metadata READ metadata WRITE setMetadata NOTIFY metadataChanged)

public:
    /*! \internal Wraps \a connection. */
    QmlSocketConnection(SocketConnection *connection, QObject *parent);

    /*! The id the server gave this client (from 1). */
    double clientId() const;
    /*! The client's IP address as text. */
    QString address() const;
    /*! The client's TCP port. */
    int port() const;
    /*! False once the client is gone. */
    bool isConnected() const;
    /*! True once the auth handler accepted the client. */
    bool isAuthenticated() const;
    /*! Application data attached to this client, e.g. by the auth handler. */
    QJsonObject metadata() const;
    void setMetadata(const QJsonObject &metadata);
    /*! The wrapped connection, or null once it is gone. */
    SocketConnection *connection() const;
    /*! \internal clientId() as the C++ server's id. */
    qint64 id() const { return m_id; }

    /*! Sets one metadata field to \a value (any JSON-compatible value). Returns false if it cannot be stored. */
    Q_INVOKABLE bool setMetadataValue(const QString &key, const QJSValue &value);
    /*!
        Sends \a response under \a request to this client. Returns false if the
        client is gone or \a response cannot be sent as JSON (the server then reports
        an error).
    */
    Q_INVOKABLE bool send(const QString &request, const QJSValue &response);
    /*! Closes the connection with the WebSocket \a closeCode (1000 = normal) and \a reason. */
    Q_INVOKABLE void close(int closeCode, const QString &reason);
    /*! Puts this client in \a room (SocketConnection::join()). Returns false if it is gone or \a room is empty. */
    Q_INVOKABLE bool join(const QString &room);
    /*! Takes this client out of \a room. Returns false if it was not in it. */
    Q_INVOKABLE bool leave(const QString &room);
    /*! The rooms this client is in, sorted. */
    Q_INVOKABLE QStringList rooms() const;
    /*!
        Called from inside a SocketHandler's handleRequest function: promises an
        answer to the request being handled. Return nothing from the function and
        call resolve() on the returned PendingReply later. Outside a handler it
        returns null.
    */
    Q_INVOKABLE Stonyx::Sockets::QmlPendingReply *deferReply();

    /*! \internal Marks the client as gone. */
    void markDisconnected();

Q_SIGNALS:
    /*! The client disconnected. */
    void connectedChanged();
    /*! The authentication state changed. */
    void authenticatedChanged();
    /*! The metadata changed. */
    void metadataChanged();

private:
    QPointer<SocketConnection> m_connection;
    qint64 m_id;
    QString m_address;
    int m_port;
    bool m_authenticated = false;
    QJsonObject m_metadata;
};

} // namespace Stonyx::Sockets
