// SPDX-License-Identifier: MIT
#pragma once

#include <Stonyx/Sockets/SocketHandler>

#include <QJSValue>
#include <QObject>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

QT_BEGIN_NAMESPACE
class QJSEngine;
QT_END_NAMESPACE

namespace Stonyx::Sockets {

class QmlSocketHandler;

/*!
    \qmltype PendingReply
    \inqmlmodule Stonyx.Sockets
    \brief A promise to answer a request later, from SocketConnection.deferReply().

    resolve() sends the answer as a handler's return value would be sent.

    Thread affinity: belongs to the QML engine's thread (the GUI thread), like the
    SocketServer whose client made it; call resolve() and reject() on that thread.
*/
class QmlPendingReply : public QObject
{
    Q_OBJECT
    QML_NAMED_ELEMENT(PendingReply)
    QML_UNCREATABLE("PendingReply objects come from SocketConnection.deferReply()")
    Q_PROPERTY(bool pending READ isPending NOTIFY pendingChanged)
    Q_PROPERTY(QString request READ request CONSTANT)

public:
    /*!
        \internal Wraps \a reply, made while \a handler was answering (may be null).
        The object belongs to JavaScript, but is kept alive while it is pending and
        \a client (the connection's wrapper) exists.
    */
    static QmlPendingReply *create(QJSEngine *engine, const PendingReply &reply, QmlSocketHandler *handler,
                                   QObject *client);

    /*! True until resolve() or reject() is called. */
    bool isPending() const;
    /*! The name of the request this reply answers. */
    QString request() const;

    /*!
        Sends \a response (any JSON-compatible JavaScript value). Returns false if
        it was resolved already, the client is gone, or \a response cannot be sent.
    */
    Q_INVOKABLE bool resolve(const QJSValue &response);
    /*!
        Gives up on answering: nothing is sent, and the handler reports \a reason
        as a ScriptError.
    */
    Q_INVOKABLE void reject(const QJSValue &reason);

    /*! \internal Settles the reply without sending or reporting anything. */
    void abandon();

Q_SIGNALS:
    /*! The reply was resolved or rejected. */
    void pendingChanged();

private:
    QmlPendingReply(const PendingReply &reply, QmlSocketHandler *handler);
    void finish();

    PendingReply m_reply;
    QPointer<QmlSocketHandler> m_handler;
    QJSValue m_self; // keeps the JavaScript wrapper (and so this object) alive while pending
    bool m_done = false;
};

} // namespace Stonyx::Sockets
