// SPDX-License-Identifier: MIT
#include "adminserver.h"
#include "guardedtcpserver.h"

#include <Stonyx/Sockets/FrameCipher>
#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketServer>

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaEnum>

using namespace Stonyx::Sockets;

namespace {

// The rejection reasons always listed (0 until they happen), so that rates work from the start.
const char *const Reasons[] = {"InvalidMessage", "Unauthenticated", "LimitExceeded", "Timeout"};

void metric(QByteArray *out, const char *name, const char *type, const char *help)
{
    *out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
}

QString statusName(Backplane::Status status)
{
    return QString::fromLatin1(QMetaEnum::fromType<Backplane::Status>().valueToKey(int(status))).toLower();
}

} // namespace

AdminServer::AdminServer(SocketServer *server, QByteArray token, QObject *parent)
    : QObject(parent)
    , m_server(server)
    , m_token(std::move(token))
    , m_http(std::make_unique<QHttpServer>())
{
    m_http->route(QStringLiteral("/metrics"), QHttpServerRequest::Method::Get, [this] {
        return QHttpServerResponse("text/plain; version=0.0.4; charset=utf-8", metrics());
    });
    m_http->route(QStringLiteral("/admin"), QHttpServerRequest::Method::Get, [] {
        QFile page(QStringLiteral(":/stonyx/admin.html"));
        page.open(QIODevice::ReadOnly);
        return QHttpServerResponse("text/html; charset=utf-8", page.readAll());
    });
    m_http->route(QStringLiteral("/admin/api/state"), QHttpServerRequest::Method::Get, [this] {
        return QHttpServerResponse("application/json", state());
    });
    m_http->route(QStringLiteral("/admin/api/clients/<arg>/disconnect"), QHttpServerRequest::Method::Post,
                  [this](qint64 id, const QHttpServerRequest &request) {
                      if (m_token.isEmpty())
                          return QHttpServerResponse("text/plain", "read-only: no admin token is configured\n",
                                                     QHttpServerResponse::StatusCode::Forbidden);
                      if (!authorized(request.value("Authorization")))
                          return QHttpServerResponse("text/plain", "wrong or missing admin token\n",
                                                     QHttpServerResponse::StatusCode::Forbidden);
                      SocketConnection *connection = m_server->client(id);
                      if (!connection)
                          return QHttpServerResponse("text/plain", "no such client on this node\n",
                                                     QHttpServerResponse::StatusCode::NotFound);
                      connection->close(4000, QCoreApplication::translate("AdminServer", "disconnected by an administrator"));
                      return QHttpServerResponse("text/plain", "disconnected\n");
                  });
}

AdminServer::~AdminServer() = default;

quint16 AdminServer::listen(const QHostAddress &address, quint16 port)
{
    // Bounded connections (see GuardedTcpServer): QHttpServer's own listen() has none.
    auto *tcp = new GuardedTcpServer(GuardedTcpServer::Limits{}, m_http.get());
    if (!tcp->listen(address, port)) {
        delete tcp;
        return 0;
    }
    m_http->bind(tcp);
    return tcp->serverPort();
}

bool AdminServer::authorized(const QByteArray &header) const
{
    const QByteArray prefix("Bearer ");
    return header.startsWith(prefix) && FrameCipher::constantTimeEquals(header.mid(prefix.size()).trimmed(), m_token);
}

QByteArray AdminServer::metrics() const
{
    const ServerStatistics stats = m_server->statistics();
    QByteArray out;
    auto line = [&out](const QByteArray &name, qint64 value) { out += name + ' ' + QByteArray::number(value) + '\n'; };
    metric(&out, "stonyx_connections", "gauge", "Open WebSocket connections, authenticated or not.");
    line("stonyx_connections", stats.connections);
    metric(&out, "stonyx_authenticated_connections", "gauge", "Open, authenticated connections.");
    line("stonyx_authenticated_connections", stats.authenticated);
    metric(&out, "stonyx_messages_received_total", "counter", "WebSocket messages received from clients.");
    line("stonyx_messages_received_total", stats.messagesIn);
    metric(&out, "stonyx_messages_sent_total", "counter", "Messages sent to clients.");
    line("stonyx_messages_sent_total", stats.messagesOut);
    metric(&out, "stonyx_received_bytes_total", "counter", "Bytes of the messages received, as received.");
    line("stonyx_received_bytes_total", stats.bytesIn);
    metric(&out, "stonyx_sent_bytes_total", "counter", "Bytes of the messages sent, as sent.");
    line("stonyx_sent_bytes_total", stats.bytesOut);
    metric(&out, "stonyx_rejections_total", "counter", "Clients refused or closed for breaking a rule, by reason.");
    QMap<QString, qint64> rejections = stats.rejections;
    for (const char *reason : Reasons)
        rejections.insert(QString::fromLatin1(reason), stats.rejections.value(QString::fromLatin1(reason)));
    for (auto it = rejections.cbegin(); it != rejections.cend(); ++it)
        line("stonyx_rejections_total{reason=\"" + it.key().toUtf8() + "\"}", it.value());
    metric(&out, "stonyx_held_sessions", "gauge", "Sessions held for a resume, their connection lost (resumeWindow).");
    line("stonyx_held_sessions", stats.heldSessions);
    metric(&out, "stonyx_resume_dropped_total", "counter", "Pushes dropped from full buffers of held sessions (resumeBuffer).");
    line("stonyx_resume_dropped_total", stats.resumeDropped);
    metric(&out, "stonyx_backplane_state", "gauge", "The cluster backplane's state (1 for the current one).");
    const Backplane::Status status = m_server->backplaneStatus();
    for (Backplane::Status s : {Backplane::Status::Stopped, Backplane::Status::Connecting, Backplane::Status::Connected})
        line("stonyx_backplane_state{state=\"" + statusName(s).toUtf8() + "\"}", s == status ? 1 : 0);
    metric(&out, "stonyx_cluster_nodes", "gauge", "Nodes of the cluster as last heard, this one included.");
    line("stonyx_cluster_nodes", m_server->nodes().size());
    metric(&out, "stonyx_cluster_clients", "gauge", "Authenticated clients of the whole cluster.");
    line("stonyx_cluster_clients", m_server->clusterClientCount());
    return out;
}

QByteArray AdminServer::state() const
{
    const ServerStatistics stats = m_server->statistics();
    QJsonArray clients;
    for (qint64 id : m_server->clientIds()) {
        // On the server's thread a connection is not deleted under us (see SocketServer).
        SocketConnection *connection = m_server->client(id);
        if (!connection)
            continue;
        clients.append(QJsonObject{{QStringLiteral("id"), QJsonValue(id)},
                                   {QStringLiteral("address"), connection->peerAddress().toString()},
                                   {QStringLiteral("authenticated"), connection->isAuthenticated()},
                                   {QStringLiteral("metadata"), connection->metadata()},
                                   {QStringLiteral("rooms"), QJsonArray::fromStringList(connection->rooms())}});
    }
    QJsonObject rejections;
    for (auto it = stats.rejections.cbegin(); it != stats.rejections.cend(); ++it)
        rejections.insert(it.key(), QJsonValue(it.value()));
    const QJsonObject state{
        {QStringLiteral("node"), m_server->nodeId()},
        {QStringLiteral("nodes"), QJsonArray::fromStringList(m_server->nodes())},
        {QStringLiteral("backplane"), statusName(m_server->backplaneStatus())},
        {QStringLiteral("clusterClients"), m_server->clusterClientCount()},
        {QStringLiteral("readOnly"), m_token.isEmpty()},
        {QStringLiteral("time"), QJsonValue(QDateTime::currentMSecsSinceEpoch())},
        {QStringLiteral("stats"),
         QJsonObject{{QStringLiteral("connections"), stats.connections},
                     {QStringLiteral("authenticated"), stats.authenticated},
                     {QStringLiteral("messagesIn"), QJsonValue(stats.messagesIn)},
                     {QStringLiteral("messagesOut"), QJsonValue(stats.messagesOut)},
                     {QStringLiteral("bytesIn"), QJsonValue(stats.bytesIn)},
                     {QStringLiteral("bytesOut"), QJsonValue(stats.bytesOut)},
                     {QStringLiteral("rejections"), rejections}}},
        {QStringLiteral("clients"), clients},
    };
    return QJsonDocument(state).toJson(QJsonDocument::Compact);
}
