// SPDX-License-Identifier: MIT
#include "qmlsockethandler.h"
#include "jsonconversion.h"
#include "qmlpendingreply.h"
#include "qmlsocketserver.h"
#include "scriptcall.h"

#include <Stonyx/Sockets/SocketConnection>

#include <QJSEngine>
#include <QLoggingCategory>
#include <QQmlEngine>

#include <utility>

namespace Stonyx::Sockets {

Q_LOGGING_CATEGORY(lcQmlHandler, "stonyx.sockets.qml.handler", QtInfoMsg)

namespace {
QmlSocketHandler *s_dispatching = nullptr; // handlers run on the GUI thread only
}

QmlSocketHandler::QmlSocketHandler(QObject *parent)
    : QObject(parent)
{
}

QmlSocketHandler::~QmlSocketHandler() = default;

QString QmlSocketHandler::name() const
{
    return m_name;
}

void QmlSocketHandler::setName(const QString &name)
{
    if (m_name == name)
        return;
    m_name = name;
    Q_EMIT nameChanged();
}

bool QmlSocketHandler::skipAuth() const
{
    return m_skipAuth;
}

void QmlSocketHandler::setSkipAuth(bool skipAuth)
{
    if (m_skipAuth == skipAuth)
        return;
    m_skipAuth = skipAuth;
    Q_EMIT skipAuthChanged();
}

QJSValue QmlSocketHandler::requestFunction() const
{
    return m_function;
}

void QmlSocketHandler::setRequestFunction(const QJSValue &function)
{
    if (m_function.strictlyEquals(function))
        return;
    m_function = function;
    Q_EMIT requestFunctionChanged();
}

QmlSocketHandler::Error QmlSocketHandler::error() const
{
    return m_error;
}

QString QmlSocketHandler::errorString() const
{
    return m_errorString;
}

void QmlSocketHandler::reportError(Error error, const QString &message)
{
    qCWarning(lcQmlHandler, "Handler \"%s\": %s", qUtf8Printable(m_name), qUtf8Printable(message));
    m_error = error;
    m_errorString = message;
    Q_EMIT errorOccurred(error);
}

QJsonValue QmlSocketHandler::handleRequest(const QJsonValue &data, SocketConnection *connection)
{
    const QJsonValue nothing(QJsonValue::Undefined);
    QJSEngine *engine = qjsEngine(this);
    if (!engine || !m_function.isCallable()) {
        reportError(NoFunction, tr("The handler \"%1\" received a request but its handleRequest is not a function")
                                    .arg(m_name));
        return nothing;
    }
    auto *server = connection->server() ? qobject_cast<QmlSocketServer *>(connection->server()->parent()) : nullptr;
    QmlSocketConnection *client = server ? server->wrapperFor(connection) : nullptr;
    QJSValue clientValue = client ? engine->newQObject(client) : QJSValue(QJSValue::NullValue);

    // Through ScriptCall: any exception, also a thrown string or number, is a failure.
    // A thrown value must never count as the response (for auth: never authenticate).
    // The function may deactivate or destroy the server, or close the client: look at
    // the connection again afterwards (QML's destroy() is deferred, so this handler
    // and the engine outlive the call).
    QPointer<SocketConnection> guard(connection);
    QmlSocketHandler *outer = std::exchange(s_dispatching, this);
    const ScriptCall::Result outcome = ScriptCall::call(engine, m_function, {JsonConversion::toScript(engine, data), clientValue});
    s_dispatching = outer;
    if (!outcome.ok) {
        reportError(ScriptError, tr("The handler \"%1\" threw an error: %2").arg(m_name, outcome.message));
        return nothing;
    }
    const QJSValue result = outcome.value;
    // A Promise (or any thenable): answer when it settles. Reading "then" runs user
    // code too (a getter), so it goes through ScriptCall as well.
    const ScriptCall::Result then = ScriptCall::property(engine, result, QStringLiteral("then"));
    if (!then.ok) {
        reportError(ScriptError, tr("The handler \"%1\" threw an error: %2").arg(m_name, then.message));
        return nothing;
    }
    if (then.value.isCallable()) {
        if (!guard)
            return nothing; // the client is gone: nobody to answer
        QmlPendingReply *reply = QmlPendingReply::create(engine, connection->deferReply(), this, client);
        const QJSValue replyValue = engine->newQObject(reply);
        const ScriptCall::Result chained = ScriptCall::call(
            engine, then.value,
            {replyValue.property(QStringLiteral("resolve")), replyValue.property(QStringLiteral("reject"))}, result);
        if (!chained.ok) {
            // The reply can never be resolved now: settle it as rejected, so it is
            // not kept alive and nothing is sent.
            reply->abandon();
            reportError(ScriptError, tr("The handler \"%1\" threw an error: %2").arg(m_name, chained.message));
        }
        return nothing;
    }
    QJsonValue response;
    QString problem;
    if (!JsonConversion::toJson(result, QStringLiteral("response"), &response, &problem)) {
        reportError(InvalidResponse, tr("The handler \"%1\" returned a value that cannot be sent: %2").arg(m_name, problem));
        return nothing;
    }
    return response;
}

QmlSocketHandler *QmlSocketHandler::dispatching()
{
    return s_dispatching;
}

void QmlSocketHandler::handleResponse(const QJsonValue &response)
{
    Q_EMIT responseReceived(JsonConversion::toScript(qjsEngine(this), response));
}

} // namespace Stonyx::Sockets
