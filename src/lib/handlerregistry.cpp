// SPDX-License-Identifier: MIT
#include "handlerregistry_p.h"

#include <QMutexLocker>

namespace Stonyx::Sockets {

namespace {

// Adapts a server-side callable to the handler interface, so both kinds dispatch alike.
class RequestFunctionHandler final : public SocketHandler
{
public:
    explicit RequestFunctionHandler(RequestFunction function)
        : m_function(std::move(function))
    {
    }
    QJsonValue handleRequest(const QJsonValue &data, SocketConnection *connection) override
    {
        return m_function(data, connection);
    }

private:
    RequestFunction m_function;
};

// Adapts a client-side callable to the handler interface.
class ResponseFunctionHandler final : public SocketHandler
{
public:
    explicit ResponseFunctionHandler(ResponseFunction function)
        : m_function(std::move(function))
    {
    }
    void handleResponse(const QJsonValue &response) override { m_function(response); }

private:
    ResponseFunction m_function;
};

// A pointer that does not own \a handler: an aliasing shared_ptr with no control block,
// so nothing is ever deleted through it.
std::shared_ptr<SocketHandler> unowned(SocketHandler *handler)
{
    return std::shared_ptr<SocketHandler>(std::shared_ptr<SocketHandler>(), handler);
}

} // namespace

HandlerRegistry::HandlerRegistry(HandlerLoader::Side side, Category category)
    : m_side(side)
    , m_category(category)
    , m_entries(std::make_shared<const Map>())
{
}

bool HandlerRegistry::insert(const QString &name, std::shared_ptr<SocketHandler> handler, bool owned, bool skipAuth,
                             Affinity affinity, const QString &source, QString *error)
{
    if (name.isEmpty() || !handler) {
        *error = tr("A handler needs a name and an object");
        return false;
    }
    auto entry = std::make_shared<Entry>();
    entry->name = name;
    entry->handler = std::move(handler);
    entry->owned = owned;
    entry->skipAuth = skipAuth;
    entry->affinity = affinity;
    entry->source = source;

    const QMutexLocker lock(&m_mutex);
    if (m_entries->contains(name)) {
        *error = tr("A handler named \"%1\" is already registered").arg(name);
        return false;
    }
    auto next = std::make_shared<Map>(*m_entries);
    next->insert(name, std::move(entry));
    m_entries = std::move(next);
    changed();
    return true;
}

bool HandlerRegistry::add(const QString &name, SocketHandler *handler, bool skipAuth, Affinity affinity, QString *error)
{
    return insert(name, unowned(handler), false, skipAuth, affinity, QString(), error);
}

bool HandlerRegistry::add(const QString &name, RequestFunction function, bool skipAuth, Affinity affinity,
                          QString *error)
{
    if (!function) {
        *error = tr("The handler \"%1\" has no function").arg(name);
        return false;
    }
    return insert(name, std::make_shared<RequestFunctionHandler>(std::move(function)), true, skipAuth, affinity,
                  QString(), error);
}

bool HandlerRegistry::add(const QString &name, ResponseFunction function, Affinity affinity, QString *error)
{
    if (!function) {
        *error = tr("The handler \"%1\" has no function").arg(name);
        return false;
    }
    return insert(name, std::make_shared<ResponseFunctionHandler>(std::move(function)), true, false, affinity,
                  QString(), error);
}

bool HandlerRegistry::remove(const QString &name)
{
    Snapshot previous; // released after the lock: an owned handler may be destroyed with it
    const QMutexLocker lock(&m_mutex);
    if (!m_entries->contains(name))
        return false;
    auto next = std::make_shared<Map>(*m_entries);
    next->remove(name);
    previous = std::exchange(m_entries, std::move(next));
    changed();
    return true;
}

HandlerRegistry::EntryRef HandlerRegistry::find(const QString &name) const
{
    return snapshot()->value(name);
}

HandlerRegistry::Snapshot HandlerRegistry::snapshot() const
{
    const QMutexLocker lock(&m_mutex);
    return m_entries;
}

void HandlerRegistry::changed()
{
    m_generation.fetch_add(1, std::memory_order_release);
    for (Cache *cache : std::as_const(m_caches)) {
        if (cache->m_changed)
            cache->m_changed();
    }
}

HandlerRegistry::Cache::Cache(const HandlerRegistry &registry, std::function<void()> changed)
    : m_registry(registry)
    , m_changed(std::move(changed))
{
    const QMutexLocker lock(&m_registry.m_mutex);
    m_registry.m_caches.append(this);
}

HandlerRegistry::Cache::~Cache()
{
    const QMutexLocker lock(&m_registry.m_mutex);
    m_registry.m_caches.removeOne(this);
}

HandlerRegistry::EntryRef HandlerRegistry::Cache::find(const QString &name)
{
    // Most lookups find the registry unchanged and touch nothing another thread writes.
    if (m_registry.m_generation.load(std::memory_order_acquire) != m_generation) {
        Snapshot snapshot;
        {
            const QMutexLocker lock(&m_registry.m_mutex);
            snapshot = m_registry.m_entries;
            m_generation = m_registry.m_generation.load(std::memory_order_relaxed);
        }
        // Outside the lock: the old copy may hold the last reference to a callable.
        QHash<QString, std::shared_ptr<const EntryRef>> entries;
        entries.reserve(snapshot->size());
        for (auto it = snapshot->cbegin(); it != snapshot->cend(); ++it)
            entries.insert(it.key(), std::make_shared<const EntryRef>(it.value()));
        m_entries.swap(entries);
    }
    const auto it = m_entries.constFind(name);
    if (it == m_entries.cend())
        return {};
    const std::shared_ptr<const EntryRef> &holder = it.value();
    return EntryRef(holder, holder->get());
}

void HandlerRegistry::Cache::releaseIfStale()
{
    if (m_generation != 0 && m_registry.m_generation.load(std::memory_order_acquire) != m_generation) {
        m_generation = 0;
        m_entries.clear(); // an unregistered callable goes with it (unless a call still holds it)
    }
}

int HandlerRegistry::loadDirectory(const QString &directory, bool logLoaded, const ErrorReporter &report)
{
    HandlerLoader::Result result = HandlerLoader::load(directory, m_side);
    int loaded = 0;
    for (const HandlerLoader::Loaded &plugin : std::as_const(result.handlers)) {
        QString error;
        if (!insert(plugin.name, unowned(plugin.handler), false, plugin.skipAuth, plugin.affinity, plugin.filePath,
                    &error)) {
            result.problems.append(
                {plugin.filePath, tr("Skipped: a handler named \"%1\" is already registered").arg(plugin.name)});
            continue;
        }
        ++loaded;
        if (logLoaded)
            qCInfo(m_category, "Loaded handler \"%s\" from %s%s%s", qUtf8Printable(plugin.name),
                   plugin.filePath.isEmpty() ? "a static plugin" : qUtf8Printable(plugin.filePath),
                   plugin.skipAuth ? " (skipAuth)" : "", plugin.affinity == Affinity::Server ? " (thread: server)" : "");
    }
    // Stored before anything is reported: a slot that reads problems() sees them all.
    m_problems.append(result.problems);
    for (const HandlerLoader::Problem &problem : std::as_const(result.problems)) {
        qCWarning(m_category, "%s: %s", qUtf8Printable(problem.filePath), qUtf8Printable(problem.message));
        // After a false return, this registry is destroyed: touch no member.
        if (report && !report(tr("%1: %2").arg(problem.filePath, problem.message)))
            break;
    }
    return loaded;
}

} // namespace Stonyx::Sockets
