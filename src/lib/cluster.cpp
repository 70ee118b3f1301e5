// SPDX-License-Identifier: MIT
#include "cluster_p.h"
#include "socketserver_p.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QUuid>

#include <algorithm>
#include <limits>

namespace Stonyx::Sockets {

namespace {

constexpr int Version = 1;
constexpr int TagBits = 21; // ids (tag << 32) + n stay below 2^53
constexpr int LoggedBadMessages = 5;

QJsonArray idArray(const QList<qint64> &ids)
{
    QJsonArray array;
    for (qint64 id : ids)
        array.append(QJsonValue(id));
    return array;
}

QJsonArray roomArray(const QSet<QString> &rooms)
{
    QStringList sorted(rooms.begin(), rooms.end());
    sorted.sort();
    return QJsonArray::fromStringList(sorted);
}

QSet<QString> roomSet(const QJsonValue &value)
{
    QSet<QString> rooms;
    for (const QJsonValue &room : value.toArray()) {
        if (room.isString())
            rooms.insert(room.toString());
    }
    return rooms;
}

// An id from the envelope: an integral number, else 0 (no client has id 0).
qint64 idFrom(const QJsonValue &value)
{
    if (!value.isDouble())
        return 0;
    const double v = value.toDouble();
    if (v < 1 || v > 9007199254740992.0 || v != double(qint64(v)))
        return 0;
    return qint64(v);
}

} // namespace

ClusterHub::ClusterHub(SocketServerPrivate *server)
    : m_server(server)
    , m_nodeId(QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    m_beat.setTimerType(Qt::CoarseTimer);
    connect(&m_beat, &QTimer::timeout, this, &ClusterHub::onBeat);
}

ClusterHub::~ClusterHub() = default;

void ClusterHub::setBackplane(Backplane *backplane)
{
    if (m_backplane == backplane)
        return;
    if (m_backplane)
        disconnect(m_backplane, nullptr, this, nullptr);
    m_backplane = backplane;
    if (!backplane)
        return;
    connect(backplane, &Backplane::messageReceived, this, &ClusterHub::onMessage);
    connect(backplane, &Backplane::statusChanged, this, &ClusterHub::onStatusChanged);
    connect(backplane, &QObject::destroyed, this, [this] { stop(); });
    if (!m_tag)
        newTag();
}

void ClusterHub::newTag()
{
    qint64 tag = 0;
    do {
        tag = qint64(QRandomGenerator::global()->bounded(1u, 1u << TagBits));
        QMutexLocker locker(&m_mutex);
        for (const Node &node : std::as_const(m_nodes)) {
            if (node.tag == tag)
                tag = 0;
        }
    } while (!tag);
    m_tag = tag;
    // Ids only grow: a new tag numbers from its own start.
    m_server->nextId.store((tag << 32) + 1, std::memory_order_relaxed);
}

QString ClusterHub::stateKey() const
{
    return m_channel + QLatin1String(":node:") + m_nodeId;
}

Backplane::Status ClusterHub::status() const
{
    return m_backplane ? m_backplane->status() : Backplane::Status::Stopped;
}

void ClusterHub::start(int beatIntervalMs)
{
    if (!m_backplane || m_started)
        return;
    m_started = true;
    m_beatMs = std::max(1, beatIntervalMs);
    m_beat.start(m_beatMs);
    if (m_backplane->status() == Backplane::Status::Stopped)
        m_backplane->start(m_channel);
    else if (m_backplane->status() == Backplane::Status::Connected)
        onStatusChanged(Backplane::Status::Connected);
}

void ClusterHub::stop()
{
    if (!m_started)
        return;
    if (m_backplane && m_backplane->status() == Backplane::Status::Connected) {
        publish(QJsonObject{{QStringLiteral("t"), QStringLiteral("bye")}});
        m_backplane->removeKey(stateKey());
    }
    m_started = false;
    m_beat.stop();
    QStringList gone;
    {
        QMutexLocker locker(&m_mutex);
        gone = m_nodes.keys();
        m_nodes.clear();
    }
    for (const QString &node : std::as_const(gone))
        Q_EMIT m_server->q->nodeLeft(node);
    countChanged();
}

void ClusterHub::post(std::function<void()> f)
{
    m_server->report(std::move(f));
}

void ClusterHub::publish(QJsonObject header, const QByteArray &body)
{
    if (!active() || m_backplane->status() != Backplane::Status::Connected)
        return;
    header.insert(QStringLiteral("v"), Version);
    header.insert(QStringLiteral("n"), m_nodeId);
    header.insert(QStringLiteral("s"), QJsonValue(++m_seq));
    QByteArray message = QJsonDocument(header).toJson(QJsonDocument::Compact);
    message.reserve(message.size() + 1 + body.size());
    message += '\n';
    message += body;
    m_backplane->publish(message);
}

QJsonObject ClusterHub::stateHeader(bool ask) const
{
    QJsonArray clients;
    {
        QMutexLocker locker(&m_mutex);
        for (auto it = m_localAuthenticated.cbegin(); it != m_localAuthenticated.cend(); ++it) {
            clients.append(QJsonObject{{QStringLiteral("id"), QJsonValue(it.key())},
                                       {QStringLiteral("m"), it.value()},
                                       {QStringLiteral("r"), roomArray(m_localRooms.value(it.key()))}});
        }
    }
    QJsonObject header{{QStringLiteral("t"), QStringLiteral("state")},
                       {QStringLiteral("tag"), QJsonValue(m_tag)},
                       {QStringLiteral("c"), clients}};
    if (ask)
        header.insert(QStringLiteral("ask"), true);
    return header;
}

void ClusterHub::onStatusChanged(Backplane::Status status)
{
    Q_EMIT m_server->q->backplaneStatusChanged(status);
    if (status != Backplane::Status::Connected || !m_started)
        return;
    // (Re)connected: tell the others who we are and ask for their state. What we
    // missed meanwhile is not repeated (at most once).
    publish(stateHeader(true));
    m_stateDirty = true;
    onBeat();
}

void ClusterHub::refreshMetadata()
{
    // Metadata set after authentication (handlers, setMetadata()) reaches the other
    // nodes with the next beat: one "conn" per client whose metadata changed.
    QList<qint64> ids;
    {
        QMutexLocker locker(&m_mutex);
        ids = m_localAuthenticated.keys();
    }
    QHash<qint64, QJsonObject> current;
    {
        QMutexLocker locker(&m_server->clientsMutex);
        for (qint64 id : std::as_const(ids)) {
            if (SocketConnection *connection = m_server->clients.value(id))
                current.insert(id, connection->metadata());
        }
    }
    QList<QJsonObject> changes;
    {
        QMutexLocker locker(&m_mutex);
        for (auto it = current.cbegin(); it != current.cend(); ++it) {
            auto known = m_localAuthenticated.find(it.key());
            if (known == m_localAuthenticated.end() || *known == it.value())
                continue;
            *known = it.value();
            changes << QJsonObject{{QStringLiteral("t"), QStringLiteral("conn")}, {QStringLiteral("id"), QJsonValue(it.key())},
                                   {QStringLiteral("m"), it.value()},
                                   {QStringLiteral("r"), roomArray(m_localRooms.value(it.key()))}};
        }
    }
    if (!changes.isEmpty())
        m_stateDirty = true;
    for (const QJsonObject &change : std::as_const(changes))
        publish(change);
}

void ClusterHub::onBeat()
{
    if (!active())
        return;
    if (m_backplane->status() == Backplane::Status::Connected) {
        refreshMetadata();
        publish(QJsonObject{{QStringLiteral("t"), QStringLiteral("beat")}});
        // 3 heartbeats, in 64 bits: heartBeatInterval may be up to INT_MAX.
        const int ttl = int(std::min<qint64>(3 * qint64(m_beatMs), std::numeric_limits<int>::max()));
        if (m_stateDirty) {
            m_stateDirty = false;
            m_backplane->storeKey(stateKey(), QJsonDocument(stateHeader(false)).toJson(QJsonDocument::Compact), ttl);
        } else {
            m_backplane->refreshKey(stateKey(), ttl);
        }
    }
    // Nodes not heard from for 3 heartbeats are gone, their clients with them. While
    // our own connection is down every other node goes this way.
    QStringList gone;
    {
        QMutexLocker locker(&m_mutex);
        for (auto it = m_nodes.begin(); it != m_nodes.end();) {
            if (it->lastSeen.elapsed() > 3 * qint64(m_beatMs)) {
                gone << it.key();
                it = m_nodes.erase(it);
            } else {
                ++it;
            }
        }
    }
    for (const QString &node : std::as_const(gone)) {
        if (m_server->config.log())
            qCInfo(lcServer, "Cluster node %s left (not heard from for %lld ms)", qUtf8Printable(node),
                   static_cast<long long>(3 * qint64(m_beatMs)));
        Q_EMIT m_server->q->nodeLeft(node);
    }
    if (!gone.isEmpty())
        countChanged();
}

ClusterHub::Node *ClusterHub::nodeFor(const QString &id, bool *created)
{
    auto it = m_nodes.find(id);
    *created = it == m_nodes.end();
    if (*created) {
        it = m_nodes.insert(id, Node{});
        it->lastSeen.start();
    }
    return &*it;
}

void ClusterHub::applyState(const QString &nodeId, const QJsonObject &header)
{
    bool created = false;
    bool tagClash = false;
    {
        QMutexLocker locker(&m_mutex);
        Node *node = nodeFor(nodeId, &created);
        node->tag = header.value(QLatin1String("tag")).toInteger();
        tagClash = node->tag == m_tag;
        node->clients.clear();
        for (const QJsonValue &entry : header.value(QLatin1String("c")).toArray()) {
            const QJsonObject client = entry.toObject();
            const qint64 id = idFrom(client.value(QLatin1String("id")));
            if (id)
                node->clients.insert(id, {client.value(QLatin1String("m")).toObject(), roomSet(client.value(QLatin1String("r")))});
        }
    }
    if (tagClash) {
        qCWarning(lcServer, "Cluster node %s numbers its clients like this node; taking a new client id tag",
                  qUtf8Printable(nodeId));
        newTag();
    }
    if (created) {
        if (m_server->config.log())
            qCInfo(lcServer, "Cluster node %s joined", qUtf8Printable(nodeId));
        Q_EMIT m_server->q->nodeJoined(nodeId);
    }
    countChanged();
}

void ClusterHub::onMessage(const QByteArray &message)
{
    if (!active())
        return;
    // The broker is trusted, but what it carries is still checked: a message that is
    // not ours is dropped (a few are logged), never acted on halfway.
    const qsizetype newline = message.indexOf('\n');
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(newline < 0 ? message : message.left(newline), &parseError);
    const QJsonObject header = document.object();
    const QString from = header.value(QLatin1String("n")).toString();
    const QString type = header.value(QLatin1String("t")).toString();
    const qint64 seq = header.value(QLatin1String("s")).toInteger();
    if (newline < 0 || parseError.error != QJsonParseError::NoError || !document.isObject()
        || header.value(QLatin1String("v")).toInt() != Version || from.isEmpty() || type.isEmpty() || seq < 1) {
        if (++m_badMessages <= LoggedBadMessages)
            qCWarning(lcServer, "Ignoring a message on the cluster backplane that is not a cluster message (%lld bytes)%s",
                      qint64(message.size()), m_badMessages == LoggedBadMessages ? "; not logging more" : "");
        return;
    }
    if (from == m_nodeId)
        return; // our own, echoed by the broker
    const QByteArray body = message.mid(newline + 1);

    // Presence bookkeeping: the sender is alive; a gap in its numbers means we missed
    // something, so we ask for its state again.
    bool created = false;
    bool gap = false;
    {
        QMutexLocker locker(&m_mutex);
        Node *node = nodeFor(from, &created);
        node->lastSeen.restart();
        gap = !created && seq != node->lastSeq + 1;
        node->lastSeq = seq;
    }
    if (type == u"state") {
        applyState(from, header);
        if (header.value(QLatin1String("ask")).toBool())
            publish(stateHeader(false));
        return;
    }
    if (type == u"bye") {
        {
            QMutexLocker locker(&m_mutex);
            m_nodes.remove(from);
        }
        if (!created)
            Q_EMIT m_server->q->nodeLeft(from);
        countChanged();
        return;
    }
    if (created || gap) {
        if (created) {
            if (m_server->config.log())
                qCInfo(lcServer, "Cluster node %s joined", qUtf8Printable(from));
            Q_EMIT m_server->q->nodeJoined(from);
        }
        publish(QJsonObject{{QStringLiteral("t"), QStringLiteral("sync")}, {QStringLiteral("to"), from}});
    }

    const qint64 id = idFrom(header.value(QLatin1String("id")));
    const QString room = header.value(QLatin1String("room")).toString();
    if (type == u"beat") {
        return;
    } else if (type == u"sync") {
        if (header.value(QLatin1String("to")).toString() == m_nodeId)
            publish(stateHeader(false));
    } else if (type == u"all") {
        m_server->deliverLocal(body, [](SocketConnection *) { return true; });
    } else if (type == u"meta") {
        const QString key = header.value(QLatin1String("key")).toString();
        const QJsonValue value = header.value(QLatin1String("value"));
        m_server->deliverLocal(body, [key, value](SocketConnection *c) { return c->metadataValue(key) == value; });
    } else if (type == u"to") {
        if (id)
            m_server->sendLocal(id, body);
    } else if (type == u"room") {
        QList<qint64> except;
        for (const QJsonValue &v : header.value(QLatin1String("except")).toArray())
            except << idFrom(v);
        const QSet<qint64> members = localMembers(room, except);
        if (!members.isEmpty())
            m_server->deliverLocal(body, [members](SocketConnection *c) { return members.contains(c->id()); });
    } else if (type == u"conn" && id) {
        {
            QMutexLocker locker(&m_mutex);
            Node *node = nodeFor(from, &created);
            node->clients.insert(id, {header.value(QLatin1String("m")).toObject(), roomSet(header.value(QLatin1String("r")))});
        }
        countChanged();
    } else if (type == u"gone" && id) {
        {
            QMutexLocker locker(&m_mutex);
            nodeFor(from, &created)->clients.remove(id);
        }
        countChanged();
    } else if ((type == u"join" || type == u"leave") && id && !room.isEmpty()) {
        if (header.value(QLatin1String("cmd")).toBool()) {
            // A request for one of our clients: apply it (and publish the change).
            bool local = false;
            {
                QMutexLocker locker(&m_server->clientsMutex);
                local = m_server->clients.contains(id);
            }
            if (local)
                type == u"join" ? join(id, room) : leave(id, room);
            return;
        }
        QMutexLocker locker(&m_mutex);
        Node *node = nodeFor(from, &created);
        auto client = node->clients.find(id);
        if (client != node->clients.end()) {
            if (type == u"join")
                client->rooms.insert(room);
            else
                client->rooms.remove(room);
        }
    }
}

bool ClusterHub::isRemoteClient(qint64 id) const
{
    QMutexLocker locker(&m_mutex);
    return std::any_of(m_nodes.cbegin(), m_nodes.cend(), [id](const Node &node) { return node.clients.contains(id); });
}

bool ClusterHub::join(qint64 id, const QString &room)
{
    if (room.isEmpty())
        return false;
    bool local = false;
    bool already = false;
    bool announce = false;
    {
        // The existence check and the insert under one hold of the clients lock (then
        // the hub's: the only order in which both are held): a join from another thread
        // that raced the client's disconnect left a member behind for good, since the
        // disconnect's clean-up had already run.
        QMutexLocker clientsLocker(&m_server->clientsMutex);
        local = m_server->clients.contains(id);
        if (local) {
            QMutexLocker locker(&m_mutex);
            QSet<QString> &rooms = m_localRooms[id];
            already = rooms.contains(room);
            if (!already) {
                rooms.insert(room);
                m_roomMembers[room].insert(id);
                announce = m_localAuthenticated.contains(id);
            }
        }
    }
    if (!local) {
        if (!isRemoteClient(id))
            return false;
        post([this, id, room] {
            publish(QJsonObject{{QStringLiteral("t"), QStringLiteral("join")}, {QStringLiteral("id"), QJsonValue(id)},
                                {QStringLiteral("room"), room}, {QStringLiteral("cmd"), true}});
        });
        return true;
    }
    if (announce) {
        post([this, id, room] {
            m_stateDirty = true;
            publish(QJsonObject{{QStringLiteral("t"), QStringLiteral("join")}, {QStringLiteral("id"), QJsonValue(id)},
                                {QStringLiteral("room"), room}});
        });
    }
    return true;
}

bool ClusterHub::leave(qint64 id, const QString &room)
{
    bool local = false;
    {
        QMutexLocker locker(&m_server->clientsMutex);
        local = m_server->clients.contains(id);
    }
    if (!local) {
        {
            QMutexLocker locker(&m_mutex);
            bool member = false;
            for (const Node &node : std::as_const(m_nodes)) {
                const auto client = node.clients.constFind(id);
                member = member || (client != node.clients.cend() && client->rooms.contains(room));
            }
            if (!member)
                return false;
        }
        post([this, id, room] {
            publish(QJsonObject{{QStringLiteral("t"), QStringLiteral("leave")}, {QStringLiteral("id"), QJsonValue(id)},
                                {QStringLiteral("room"), room}, {QStringLiteral("cmd"), true}});
        });
        return true;
    }
    bool announce = false;
    {
        QMutexLocker locker(&m_mutex);
        auto rooms = m_localRooms.find(id);
        if (rooms == m_localRooms.end() || !rooms->remove(room))
            return false;
        if (rooms->isEmpty())
            m_localRooms.erase(rooms);
        auto members = m_roomMembers.find(room);
        if (members != m_roomMembers.end()) {
            members->remove(id);
            if (members->isEmpty())
                m_roomMembers.erase(members);
        }
        announce = m_localAuthenticated.contains(id);
    }
    if (announce) {
        post([this, id, room] {
            m_stateDirty = true;
            publish(QJsonObject{{QStringLiteral("t"), QStringLiteral("leave")}, {QStringLiteral("id"), QJsonValue(id)},
                                {QStringLiteral("room"), room}});
        });
    }
    return true;
}

QStringList ClusterHub::rooms(qint64 id) const
{
    QMutexLocker locker(&m_mutex);
    QSet<QString> rooms = m_localRooms.value(id);
    for (const Node &node : std::as_const(m_nodes)) {
        const auto client = node.clients.constFind(id);
        if (client != node.clients.cend())
            rooms.unite(client->rooms);
    }
    QStringList sorted(rooms.begin(), rooms.end());
    sorted.sort();
    return sorted;
}

QList<qint64> ClusterHub::members(const QString &room) const
{
    QMutexLocker locker(&m_mutex);
    QList<qint64> ids;
    const QSet<qint64> local = m_roomMembers.value(room);
    ids.reserve(local.size());
    for (qint64 id : local)
        ids << id;
    for (const Node &node : std::as_const(m_nodes)) {
        for (auto it = node.clients.cbegin(); it != node.clients.cend(); ++it) {
            if (it->rooms.contains(room))
                ids << it.key();
        }
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

QSet<qint64> ClusterHub::localMembers(const QString &room, const QList<qint64> &except) const
{
    QMutexLocker locker(&m_mutex);
    QSet<qint64> members = m_roomMembers.value(room);
    for (qint64 id : except)
        members.remove(id);
    return members;
}

int ClusterHub::publishBroadcast(const QByteArray &json)
{
    if (!m_backplane)
        return 0;
    post([this, json] { publish(QJsonObject{{QStringLiteral("t"), QStringLiteral("all")}}, json); });
    QMutexLocker locker(&m_mutex);
    int count = 0;
    for (const Node &node : std::as_const(m_nodes))
        count += int(node.clients.size());
    return count;
}

int ClusterHub::publishByMeta(const QString &key, const QJsonValue &value, const QByteArray &json)
{
    if (!m_backplane)
        return 0;
    post([this, key, value, json] {
        publish(QJsonObject{{QStringLiteral("t"), QStringLiteral("meta")}, {QStringLiteral("key"), key},
                            {QStringLiteral("value"), value}},
                json);
    });
    QMutexLocker locker(&m_mutex);
    int count = 0;
    for (const Node &node : std::as_const(m_nodes)) {
        for (const RemoteClient &client : node.clients)
            count += client.metadata.value(key) == value ? 1 : 0;
    }
    return count;
}

bool ClusterHub::publishTo(qint64 id, const QByteArray &json)
{
    if (!m_backplane)
        return false;
    if (!isRemoteClient(id))
        return false;
    post([this, id, json] {
        publish(QJsonObject{{QStringLiteral("t"), QStringLiteral("to")}, {QStringLiteral("id"), QJsonValue(id)}}, json);
    });
    return true;
}

int ClusterHub::publishToRoom(const QString &room, const QList<qint64> &except, const QByteArray &json)
{
    if (!m_backplane)
        return 0;
    post([this, room, except, json] {
        publish(QJsonObject{{QStringLiteral("t"), QStringLiteral("room")}, {QStringLiteral("room"), room},
                            {QStringLiteral("except"), idArray(except)}},
                json);
    });
    QMutexLocker locker(&m_mutex);
    int count = 0;
    for (const Node &node : std::as_const(m_nodes)) {
        for (auto it = node.clients.cbegin(); it != node.clients.cend(); ++it)
            count += it->rooms.contains(room) && !except.contains(it.key()) ? 1 : 0;
    }
    return count;
}

int ClusterHub::clusterClientCount() const
{
    QMutexLocker locker(&m_mutex);
    qsizetype count = m_localAuthenticated.size();
    for (const Node &node : std::as_const(m_nodes))
        count += node.clients.size();
    return int(count);
}

bool ClusterHub::matches(const QJsonObject &metadata, const QJsonObject &filter)
{
    for (auto it = filter.constBegin(); it != filter.constEnd(); ++it) {
        if (metadata.value(it.key()) != it.value())
            return false;
    }
    return true;
}

QList<qint64> ClusterHub::clusterClients(const QJsonObject &filter) const
{
    QList<qint64> ids;
    QList<qint64> local;
    {
        QMutexLocker locker(&m_mutex);
        local = m_localAuthenticated.keys();
        for (const Node &node : std::as_const(m_nodes)) {
            for (auto it = node.clients.cbegin(); it != node.clients.cend(); ++it) {
                if (matches(it->metadata, filter))
                    ids << it.key();
            }
        }
    }
    // This node's clients with their metadata as it is now.
    {
        QMutexLocker locker(&m_server->clientsMutex);
        for (qint64 id : std::as_const(local)) {
            SocketConnection *connection = m_server->clients.value(id);
            if (connection && matches(connection->metadata(), filter))
                ids << id;
        }
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

QStringList ClusterHub::nodes() const
{
    QMutexLocker locker(&m_mutex);
    QStringList ids = m_nodes.keys();
    ids << m_nodeId;
    ids.sort();
    return ids;
}

void ClusterHub::countChanged()
{
    const int count = clusterClientCount();
    if (count == m_lastCount)
        return;
    m_lastCount = count;
    Q_EMIT m_server->q->clusterClientCountChanged(count);
}

void ClusterHub::onAuthenticated(qint64 id)
{
    SocketConnection *connection = nullptr;
    QJsonObject metadata;
    {
        QMutexLocker locker(&m_server->clientsMutex);
        connection = m_server->clients.value(id);
        if (!connection)
            return; // gone already
        metadata = connection->metadata();
    }
    QSet<QString> rooms;
    {
        QMutexLocker locker(&m_mutex);
        if (m_localAuthenticated.contains(id))
            return; // authenticated again
        m_localAuthenticated.insert(id, metadata);
        rooms = m_localRooms.value(id);
    }
    m_stateDirty = true;
    publish(QJsonObject{{QStringLiteral("t"), QStringLiteral("conn")}, {QStringLiteral("id"), QJsonValue(id)},
                        {QStringLiteral("m"), metadata}, {QStringLiteral("r"), roomArray(rooms)}});
    countChanged();
}

void ClusterHub::onDisconnected(qint64 id)
{
    bool wasAuthenticated = false;
    {
        QMutexLocker locker(&m_mutex);
        const QSet<QString> rooms = m_localRooms.take(id);
        for (const QString &room : rooms) {
            auto members = m_roomMembers.find(room);
            if (members != m_roomMembers.end()) {
                members->remove(id);
                if (members->isEmpty())
                    m_roomMembers.erase(members);
            }
        }
        wasAuthenticated = m_localAuthenticated.remove(id);
    }
    if (!wasAuthenticated)
        return;
    m_stateDirty = true;
    publish(QJsonObject{{QStringLiteral("t"), QStringLiteral("gone")}, {QStringLiteral("id"), QJsonValue(id)}});
    countChanged();
}

} // namespace Stonyx::Sockets
