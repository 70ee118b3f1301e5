// SPDX-License-Identifier: MIT
#include "qmlpendingreply.h"
#include "jsonconversion.h"
#include "qmlsockethandler.h"
#include "scriptcall.h"

#include <QJSEngine>

namespace Stonyx::Sockets {

QmlPendingReply::QmlPendingReply(const PendingReply &reply, QmlSocketHandler *handler)
    : m_reply(reply)
    , m_handler(handler)
{
}

QmlPendingReply *QmlPendingReply::create(QJSEngine *engine, const PendingReply &reply, QmlSocketHandler *handler,
                                         QObject *client)
{
    auto *object = new QmlPendingReply(reply, handler);
    QJSEngine::setObjectOwnership(object, QJSEngine::JavaScriptOwnership);
    if (engine)
        object->m_self = engine->newQObject(object);
    if (client) // once the client is gone the reply can never be sent: let it be collected
        QObject::connect(client, &QObject::destroyed, object, [object] { object->m_self = QJSValue(); });
    return object;
}

void QmlPendingReply::finish()
{
    m_done = true;
    m_self = QJSValue();
    Q_EMIT pendingChanged();
}

bool QmlPendingReply::isPending() const
{
    return !m_done && m_reply.isPending();
}

QString QmlPendingReply::request() const
{
    return m_reply.request();
}

bool QmlPendingReply::resolve(const QJSValue &response)
{
    if (m_done)
        return false;
    finish();
    QJsonValue json;
    QString problem;
    if (!JsonConversion::toJson(response, QStringLiteral("response"), &json, &problem)) {
        if (m_handler)
            m_handler->reportError(QmlSocketHandler::InvalidResponse,
                                   QmlSocketHandler::tr("The reply to \"%1\" cannot be sent: %2").arg(request(), problem));
        return false;
    }
    return m_reply.resolve(json);
}

void QmlPendingReply::reject(const QJSValue &reason)
{
    if (m_done)
        return;
    finish();
    // Any reason, an Error or not, means: nothing is sent (for auth: not authenticated).
    if (m_handler)
        m_handler->reportError(QmlSocketHandler::ScriptError,
                               QmlSocketHandler::tr("The reply to \"%1\" was rejected: %2")
                                   .arg(request(), ScriptCall::describe(qjsEngine(this), reason)));
}

void QmlPendingReply::abandon()
{
    if (!m_done)
        finish();
}

} // namespace Stonyx::Sockets
