// SPDX-License-Identifier: MIT
#include "sockethandler.h"
#include "socketserver_p.h"

namespace Stonyx::Sockets {

SocketHandler::~SocketHandler() = default;

QJsonValue SocketHandler::handleRequest(const QJsonValue &, SocketConnection *)
{
    return QJsonValue(QJsonValue::Undefined);
}

void SocketHandler::handleResponse(const QJsonValue &)
{
}

struct PendingReply::State {
    QPointer<SocketConnection> connection;
    QString request;
    bool resolved = false;
};

PendingReply::PendingReply() = default;

PendingReply::PendingReply(QSharedPointer<State> state)
    : m_state(std::move(state))
{
}

bool PendingReply::resolve(const QJsonValue &response)
{
    if (!m_state)
        return false;
    if (m_state->resolved) {
        qCWarning(lcServer, "A deferred reply to \"%s\" was resolved twice; the second answer is ignored",
                  qUtf8Printable(m_state->request));
        return false;
    }
    m_state->resolved = true;
    SocketConnection *connection = m_state->connection.data();
    if (!connection || !connection->server())
        return false;
    return SocketServerPrivate::get(connection->server())->finishRequest(connection, m_state->request, response);
}

bool PendingReply::isPending() const
{
    return m_state && !m_state->resolved;
}

QString PendingReply::request() const
{
    return m_state ? m_state->request : QString();
}

PendingReply SocketConnection::deferReply()
{
    if (d->dispatching.isEmpty()) {
        qCWarning(lcServer, "SocketConnection::deferReply() called outside a handler; nothing will be sent");
        return PendingReply();
    }
    auto state = QSharedPointer<PendingReply::State>::create();
    state->connection = this;
    state->request = d->dispatching;
    return PendingReply(std::move(state));
}

} // namespace Stonyx::Sockets
