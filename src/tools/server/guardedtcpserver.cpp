// SPDX-License-Identifier: MIT
#include "guardedtcpserver.h"

#include <QTcpSocket>
#include <QTimer>

namespace {

// Watches one connection. Its readyRead slot is connected before QHttpServer's, so it
// sees each batch of bytes before QHttpServer takes them: the bytes of the request
// under way are counted there, and a response written (bytesWritten) starts a new one.
class ConnectionGuard : public QObject
{
public:
    ConnectionGuard(QTcpSocket *socket, const GuardedTcpServer::Limits &limits)
        : QObject(socket)
        , m_socket(socket)
        , m_limits(limits)
    {
        m_deadline.setSingleShot(true);
        connect(&m_deadline, &QTimer::timeout, this, [this] { m_socket->abort(); });
        connect(socket, &QTcpSocket::readyRead, this, &ConnectionGuard::onReadyRead);
        connect(socket, &QTcpSocket::bytesWritten, this, &ConnectionGuard::onAnswered);
        m_deadline.start(m_limits.requestTimeoutMs); // a request must come soon after connecting
    }

private:
    void onReadyRead()
    {
        if (m_received == 0)
            m_deadline.start(m_limits.requestTimeoutMs);
        m_received += m_socket->bytesAvailable();
        if (m_received > m_limits.maxRequestBytes)
            m_socket->abort(); // QHttpServer sees a closed socket and reads nothing
    }

    void onAnswered()
    {
        m_received = 0;
        m_deadline.start(m_limits.idleTimeoutMs);
    }

    QTcpSocket *const m_socket;
    const GuardedTcpServer::Limits m_limits;
    qint64 m_received = 0;
    QTimer m_deadline;
};

} // namespace

GuardedTcpServer::GuardedTcpServer(Limits limits, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
{
}

void GuardedTcpServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    if (m_open >= m_limits.maxConnections) {
        socket->abort();
        socket->deleteLater();
        return;
    }
    ++m_open;
    connect(socket, &QObject::destroyed, this, [this] { --m_open; });
    // QHttpServer deletes the socket when it disconnects; make sure it does when the
    // guard aborts it too.
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    new ConnectionGuard(socket, m_limits);
    addPendingConnection(socket);
}
