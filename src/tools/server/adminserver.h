// SPDX-License-Identifier: MIT
#pragma once

// The metrics endpoint and admin page of stonyx-sockets-server (issue 10), on Qt HTTP
// Server, on a port of their own (--metrics-port):
//
//   GET  /metrics                         Prometheus text format
//   GET  /admin                           the admin page (HTML; refreshes itself every second)
//   GET  /admin/api/state                 what the page shows, as JSON
//   POST /admin/api/clients/<id>/disconnect   with "Authorization: Bearer <token>"
//
// Read-only unless an admin token is configured (--admin-token-file): then a request
// with the token may disconnect a client of this node.
//
// Thread affinity: lives on the server's thread, like the SocketServer it reports on.

#include <QByteArray>
#include <QHostAddress>
#include <QObject>

#include <memory>

QT_BEGIN_NAMESPACE
class QHttpServer;
QT_END_NAMESPACE

namespace Stonyx::Sockets {
class SocketServer;
}

class AdminServer : public QObject
{
public:
    AdminServer(Stonyx::Sockets::SocketServer *server, QByteArray token, QObject *parent = nullptr);
    ~AdminServer() override;

    // Listens on address and port (0: a free one); the port, or 0 on failure.
    quint16 listen(const QHostAddress &address, quint16 port);

    // The Prometheus text of the server's statistics.
    QByteArray metrics() const;

private:
    QByteArray state() const;
    bool authorized(const QByteArray &header) const;

    Stonyx::Sockets::SocketServer *const m_server;
    const QByteArray m_token;
    std::unique_ptr<QHttpServer> m_http;
};
