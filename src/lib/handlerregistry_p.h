// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library (and its tests): the named handlers of one SocketServer or
// SocketClient.

#include "handlerloader.h"
#include "sockethandler.h"

#include <QCoreApplication>
#include <QHash>
#include <QList>
#include <QLoggingCategory>
#include <QMap>
#include <QMutex>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>

namespace Stonyx::Sockets {

/*
    HandlerRegistry: the handlers of one SocketServer or SocketClient by name, from
    code (objects and callables) and from plugin directories, with the problems met
    while loading plugins. Both sides use it, so registration, lookup, loading and
    the reporting of problems (log lines and the owner's error) behave the same.

    A lookup returns a strong reference to the entry (EntryRef): the entry, and the
    handler when the registry owns it (callables), live until the last reference is
    dropped. A handler may so unregister itself during its own call, and the caller
    holds the reference for the duration of the call. Handlers the registry does not
    own (objects registered in code, plugin instances) must outlive their use, as the
    public API documents.

    Thread affinity: owned by the thread of the SocketServer or SocketClient that
    holds it. find(), contains(), names() and snapshot() may be called from any
    thread at the same time as one another and as the writers: the entries form an
    immutable map published as a copy-on-write snapshot (std::shared_ptr to a const
    QMap); a reader copies the shared pointer under a mutex and then reads without
    it, a writer builds the next map under the same mutex (registrations are rare,
    lookups are per request). add(), remove() and loadDirectory() are meant for the
    owner's thread; problems() and the reporting belong to that thread only.

    A thread that looks up per request keeps a HandlerRegistry::Cache: its lookups
    take no lock and touch no shared reference count (with several workers, the
    mutex and the shared_ptr counts made the cores pass the same cache lines back
    and forth for every request).
*/
class STONYX_SOCKETS_EXPORT HandlerRegistry
{
    Q_DECLARE_TR_FUNCTIONS(Stonyx::Sockets::HandlerRegistry)

public:
    using Affinity = HandlerLoader::Affinity;

    struct Entry {
        QString name;
        // Never null. Owning for callables (owned is true); otherwise an aliasing
        // pointer without ownership to an object that someone else keeps alive.
        std::shared_ptr<SocketHandler> handler;
        bool owned = false;
        bool skipAuth = false;
        Affinity affinity = Affinity::Worker;
        QString source; // the plugin file; empty when registered in code or a static plugin
    };
    using EntryRef = std::shared_ptr<const Entry>;
    using Map = QMap<QString, EntryRef>;
    using Snapshot = std::shared_ptr<const Map>;
    using Category = const QLoggingCategory &(*)();
    // Receives each plugin problem as a translated "file: reason" message. Returns
    // false if the registry's owner was destroyed meanwhile (e.g. by a slot): the
    // registry is then gone too and reporting stops at once.
    using ErrorReporter = std::function<bool(const QString &message)>;

    // Plugins of \a side are loaded; log lines go to \a category.
    HandlerRegistry(HandlerLoader::Side side, Category category);
    Q_DISABLE_COPY_MOVE(HandlerRegistry)

    // Registers \a handler (not owned) under \a name. False, with a translated reason
    // in \a error, if the name is empty, the handler null or the name taken.
    bool add(const QString &name, SocketHandler *handler, bool skipAuth, Affinity affinity, QString *error);
    // Registers a callable, owned by the registry (server side / client side).
    bool add(const QString &name, RequestFunction function, bool skipAuth, Affinity affinity, QString *error);
    bool add(const QString &name, ResponseFunction function, Affinity affinity, QString *error);
    // Removes \a name; true if it was there. Callers holding its EntryRef keep it alive.
    bool remove(const QString &name);

    // The entry \a name, or null. Safe from any thread.
    EntryRef find(const QString &name) const;
    bool contains(const QString &name) const { return find(name) != nullptr; }
    // The names, sorted. Safe from any thread.
    QStringList names() const { return snapshot()->keys(); }
    // Every entry as of now; never null. Safe from any thread.
    Snapshot snapshot() const;

    /*
        Loads the plugins of \a directory for this registry's side (HandlerLoader::load())
        and registers them; a name already registered is skipped as a problem (the
        handler registered first wins). With \a logLoaded each loaded handler is logged
        at info level. Every problem is appended to problems(), logged as a warning and
        passed to \a report; if \a report returns false, the registry is gone and this
        returns at once. Returns the number of handlers registered.
    */
    int loadDirectory(const QString &directory, bool logLoaded, const ErrorReporter &report);
    // Every problem met by loadDirectory() so far.
    QList<HandlerLoader::Problem> problems() const { return m_problems; }

    /*
        Cache: one thread's view of a registry, for lookups per request. It keeps its
        own copy of the registry's entries and takes a new one only when the registry
        changed (an atomic generation number, read without a lock).

        find() returns an EntryRef whose reference count is this cache's own (an
        aliasing pointer to a per-cache holder of the shared entry): a worker's lookups
        so touch no count another thread touches, and the entry still lives as long as
        the reference does, even if it is unregistered during its call or the cache
        (its worker) is destroyed meanwhile.

        An outdated copy is not kept: it is replaced on the next find(), and dropped on
        releaseIfStale(), which the registry's \a changed callback is for (called
        under the registry's lock, from the thread that changed it: it should only post
        releaseIfStale() to the cache's thread). An unregistered callable is so
        destroyed as soon as no call needs it.

        Thread affinity: one thread (a ServerWorker's); the registry must outlive it.
    */
    class STONYX_SOCKETS_EXPORT Cache
    {
    public:
        explicit Cache(const HandlerRegistry &registry, std::function<void()> changed = {});
        ~Cache();
        Q_DISABLE_COPY_MOVE(Cache)

        // The entry \a name, or null.
        EntryRef find(const QString &name);
        // Drops the copy if the registry changed since.
        void releaseIfStale();

    private:
        friend class HandlerRegistry;

        const HandlerRegistry &m_registry;
        const std::function<void()> m_changed;
        QHash<QString, std::shared_ptr<const EntryRef>> m_entries;
        quint64 m_generation = 0; // of the copy; 0: none
    };

private:
    bool insert(const QString &name, std::shared_ptr<SocketHandler> handler, bool owned, bool skipAuth,
                Affinity affinity, const QString &source, QString *error);

    const HandlerLoader::Side m_side;
    const Category m_category;
    mutable QMutex m_mutex; // guards m_entries (the pointer; the map it points to never changes)
    Snapshot m_entries;
    // Bumped (under m_mutex) each time m_entries changes; Cache reads it without the lock.
    std::atomic<quint64> m_generation{1};
    mutable QList<Cache *> m_caches; // under m_mutex: told of each change
    void changed(); // under m_mutex: after m_entries changed
    QList<HandlerLoader::Problem> m_problems;
};

} // namespace Stonyx::Sockets
