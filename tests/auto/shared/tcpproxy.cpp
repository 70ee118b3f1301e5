// SPDX-License-Identifier: MIT
#include "tcpproxy.h"

#include <QHostAddress>

#include <sys/socket.h>

namespace TestPeer {

TcpProxy::TcpProxy(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &TcpProxy::onNewConnection);
}

TcpProxy::~TcpProxy()
{
    for (const auto &pair : m_pairs) {
        if (pair->down)
            pair->down->abort();
        if (pair->up)
            pair->up->abort();
    }
}

bool TcpProxy::listen(const QUrl &upstream)
{
    m_upstream = upstream;
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QUrl TcpProxy::url() const
{
    QUrl url = m_upstream;
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(m_server.serverPort());
    return url;
}

void TcpProxy::setForwarding(bool on)
{
    m_forwarding = on;
    if (!on)
        return;
    for (const auto &pair : m_pairs) {
        forward(pair.get(), true);
        forward(pair.get(), false);
    }
}

void TcpProxy::stallClients()
{
    m_stalled = true;
    for (const auto &pair : m_pairs) {
        if (pair->down)
            pair->down->setReadBufferSize(1); // Qt stops reading from the kernel when full
    }
}

void TcpProxy::finClients()
{
    for (const auto &pair : m_pairs) {
        if (pair->down)
            pair->down->disconnectFromHost();
    }
}

void TcpProxy::resetClients()
{
    for (const auto &pair : m_pairs) {
        if (!pair->down)
            continue;
        const linger hard{1, 0};
        ::setsockopt(int(pair->down->socketDescriptor()), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
        pair->down->abort();
    }
}

void TcpProxy::onNewConnection()
{
    while (QTcpSocket *down = m_server.nextPendingConnection()) {
        ++m_connections;
        down->setParent(this);
        auto *up = new QTcpSocket(this);
        m_pairs.push_back(std::make_unique<Pair>());
        Pair *pair = m_pairs.back().get();
        pair->down = down;
        pair->up = up;
        if (m_stalled)
            down->setReadBufferSize(1);
        connect(down, &QTcpSocket::readyRead, this, [this, pair] { forward(pair, true); });
        connect(up, &QTcpSocket::readyRead, this, [this, pair] { forward(pair, false); });
        connect(up, &QTcpSocket::connected, this, [this, pair] { forward(pair, true); });
        // An orderly end on one side ends the other, unless the link is "cut".
        connect(down, &QTcpSocket::disconnected, this, [this, pair] {
            if (m_forwarding && pair->up)
                pair->up->disconnectFromHost();
        });
        connect(up, &QTcpSocket::disconnected, this, [this, pair] {
            if (m_forwarding && pair->down)
                pair->down->disconnectFromHost();
        });
        up->connectToHost(m_upstream.host(), quint16(m_upstream.port()));
    }
}

void TcpProxy::forward(Pair *pair, bool fromClient)
{
    QTcpSocket *from = fromClient ? pair->down.data() : pair->up.data();
    QTcpSocket *to = fromClient ? pair->up.data() : pair->down.data();
    if (!from || (fromClient && m_stalled))
        return;
    const QByteArray bytes = from->readAll();
    if (!m_forwarding) {
        if (fromClient)
            m_swallowed += bytes.size();
        return;
    }
    if (fromClient) {
        pair->pending += bytes;
        if (to && to->state() == QAbstractSocket::ConnectedState && !pair->pending.isEmpty())
            to->write(std::exchange(pair->pending, QByteArray()));
    } else if (to && to->state() == QAbstractSocket::ConnectedState) {
        to->write(bytes);
    }
}

} // namespace TestPeer
