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
    // Weak: a reply does not keep its connection alive. It may be resolved on any
    // thread; the answer is then posted to the connection's.
    std::shared_ptr<ConnectionLife> life;
    QString request;
    QJsonValue id{QJsonValue::Undefined}; // the request's "id", echoed in the answer
    std::atomic<bool> resolved{false};
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
    if (m_state->resolved.exchange(true)) {
        qCWarning(lcServer, "A deferred reply to \"%s\" was resolved twice; the second answer is ignored",
                  qUtf8Printable(m_state->request));
        return false;
    }
    QMutexLocker locker(&m_state->life->mutex);
    SocketConnection *connection = m_state->life->connection;
    if (!connection || !connection->d->worker.load() || connection->d->closing)
        return false;
    if (QThread::currentThread() != connection->thread()) {
        // Posted while the lock keeps the connection from being destroyed; dropped if it
        // is destroyed before the event is delivered.
        QMetaObject::invokeMethod(connection, [connection, request = m_state->request, id = m_state->id, response] {
            if (ServerWorker *worker = connection->d->worker)
                worker->finishRequest(connection, request, response, id);
        }, Qt::QueuedConnection);
        return true;
    }
    locker.unlock(); // this thread is the one that would destroy it
    ServerWorker *worker = connection->d->worker;
    return worker->finishRequest(connection, m_state->request, response, m_state->id);
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
    state->life = d->life;
    state->request = d->dispatching;
    state->id = d->dispatchingId;
    return PendingReply(std::move(state));
}

} // namespace Stonyx::Sockets
