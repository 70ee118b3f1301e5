// SPDX-License-Identifier: MIT
#include "handlerloader.h"
#include "sockethandler.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QLibrary>
#include <QPluginLoader>
#include <QSet>
#include <QStaticPlugin>

namespace Stonyx::Sockets {

namespace {

constexpr QLatin1StringView MetadataKey("Stonyx");
// Where a server-side handler runs (HandlerLoader::Affinity).
constexpr QLatin1StringView ThreadKey("thread");
constexpr QLatin1StringView WorkerThread("worker");
constexpr QLatin1StringView ServerThread("server");

// Reads the library's fields out of Qt's plugin metadata. Returns false (and a reason)
// if the plugin does not implement our interface.
bool readCandidate(const QJsonObject &qtMetaData, HandlerLoader::Candidate *candidate, QString *reason)
{
    const QString iid = qtMetaData.value(u"IID").toString();
    if (iid != QLatin1StringView(StonyxSocketHandler_iid)) {
        *reason = HandlerLoader::tr("it is a Qt plugin with interface id \"%1\", not \"%2\"")
                      .arg(iid, QLatin1StringView(StonyxSocketHandler_iid));
        return false;
    }
    const QJsonValue ours = qtMetaData.value(u"MetaData").toObject().value(MetadataKey);
    if (!ours.isUndefined() && !ours.isObject()) {
        *reason = HandlerLoader::tr("its \"%1\" metadata is not a JSON object").arg(MetadataKey);
        return false;
    }
    const QJsonObject meta = ours.toObject();
    for (const char *key : {"skipAuth", "server", "client"}) {
        const QJsonValue v = meta.value(QLatin1StringView(key));
        if (!v.isUndefined() && !v.isBool()) {
            *reason = HandlerLoader::tr("its metadata field \"%1\" must be true or false").arg(QLatin1StringView(key));
            return false;
        }
    }
    const QJsonValue name = meta.value(u"name");
    if (!name.isUndefined() && (!name.isString() || name.toString().isEmpty())) {
        *reason = HandlerLoader::tr("its metadata field \"name\" must be a non-empty string");
        return false;
    }
    const QJsonValue thread = meta.value(ThreadKey);
    HandlerLoader::Affinity affinity = HandlerLoader::Affinity::Worker;
    if (thread.isString() && thread.toString() == ServerThread) {
        affinity = HandlerLoader::Affinity::Server;
    } else if (!thread.isUndefined() && !(thread.isString() && thread.toString() == WorkerThread)) {
        *reason = HandlerLoader::tr("its metadata field \"%1\" must be \"%2\" or \"%3\"")
                      .arg(ThreadKey, WorkerThread, ServerThread);
        return false;
    }
    candidate->metadata = meta;
    candidate->skipAuth = meta.value(u"skipAuth").toBool(false);
    candidate->server = meta.value(u"server").toBool(true);
    candidate->client = meta.value(u"client").toBool(false);
    candidate->affinity = affinity;
    if (name.isString())
        candidate->name = name.toString();
    return true;
}

bool serves(const HandlerLoader::Candidate &c, HandlerLoader::Side side)
{
    return side == HandlerLoader::Side::Server ? c.server : c.client;
}

} // namespace

QString HandlerLoader::handlerNameFromFileName(const QString &fileName)
{
    QString base = QFileInfo(fileName).fileName();
    const qsizetype dot = base.indexOf(u'.');
    if (dot >= 0)
        base.truncate(dot);
    if (base.startsWith(u"lib") && base.size() > 3)
        base.remove(0, 3);
    QString name;
    name.reserve(base.size());
    bool upper = false;
    for (const QChar c : std::as_const(base)) {
        if (c == u'-') {
            upper = !name.isEmpty();
            continue;
        }
        name.append(upper ? c.toUpper() : c);
        upper = false;
    }
    return name;
}

QList<HandlerLoader::Candidate> HandlerLoader::discover(const QString &directory, Side side, QList<Problem> *problems)
{
    QList<Candidate> result;
    QSet<QString> names;
    auto add = [&](Candidate &&candidate) {
        if (names.contains(candidate.name)) {
            problems->append({candidate.filePath,
                              tr("Skipped: a handler named \"%1\" was already found").arg(candidate.name)});
            return;
        }
        names.insert(candidate.name);
        result.append(std::move(candidate));
    };

    // Static plugins linked into the application.
    const QList<QStaticPlugin> statics = QPluginLoader::staticPlugins();
    for (const QStaticPlugin &plugin : statics) {
        const QJsonObject meta = plugin.metaData();
        if (meta.value(u"IID").toString() != QLatin1StringView(StonyxSocketHandler_iid))
            continue;
        Candidate candidate;
        QString reason;
        const QString label = meta.value(u"className").toString();
        if (!readCandidate(meta, &candidate, &reason)) {
            problems->append({label, tr("Skipped static plugin: %1").arg(reason)});
            continue;
        }
        if (candidate.name.isEmpty()) {
            problems->append({label, tr("Skipped static plugin: it has no \"name\" in its metadata")});
            continue;
        }
        candidate.filePath.clear();
        candidate.metadata.insert(u"staticClassName", label);
        if (serves(candidate, side))
            add(std::move(candidate));
    }

    const QDir dir(directory);
    if (directory.isEmpty() || !dir.exists())
        return result;

    const QFileInfoList entries = dir.entryInfoList(QDir::Files | QDir::Readable, QDir::Name);
    for (const QFileInfo &entry : entries) {
        const QString path = entry.absoluteFilePath();
        if (!QLibrary::isLibrary(path)) {
            problems->append({path, tr("Skipped: not a shared library, so not a handler plugin")});
            continue;
        }
        const QJsonObject meta = QPluginLoader(path).metaData();
        if (meta.isEmpty()) {
            problems->append({path, tr("Skipped: not a Qt plugin (no plugin metadata)")});
            continue;
        }
        Candidate candidate;
        QString reason;
        if (!readCandidate(meta, &candidate, &reason)) {
            problems->append({path, tr("Skipped: %1").arg(reason)});
            continue;
        }
        candidate.filePath = path;
        if (candidate.name.isEmpty())
            candidate.name = handlerNameFromFileName(path);
        if (candidate.name.isEmpty()) {
            problems->append({path, tr("Skipped: no handler name can be made from the file name")});
            continue;
        }
        if (serves(candidate, side))
            add(std::move(candidate));
    }
    return result;
}

HandlerLoader::Result HandlerLoader::load(const QString &directory, Side side)
{
    Result result;
    const QList<Candidate> candidates = discover(directory, side, &result.problems);
    const QList<QStaticPlugin> statics = QPluginLoader::staticPlugins();
    for (const Candidate &candidate : candidates) {
        QObject *instance = nullptr;
        QString failure;
        if (candidate.filePath.isEmpty()) {
            const QString className = candidate.metadata.value(u"staticClassName").toString();
            for (const QStaticPlugin &plugin : statics) {
                if (plugin.metaData().value(u"className").toString() == className) {
                    instance = plugin.instance();
                    break;
                }
            }
        } else {
            QPluginLoader loader(candidate.filePath);
            instance = loader.instance();
            if (!instance)
                failure = loader.errorString();
        }
        const QString label = candidate.filePath.isEmpty() ? candidate.name : candidate.filePath;
        if (!instance) {
            result.problems.append({label, tr("Could not load the plugin: %1").arg(failure)});
            continue;
        }
        auto *handler = qobject_cast<SocketHandler *>(instance);
        if (!handler) {
            result.problems.append(
                {label, tr("Skipped: the plugin object does not implement Stonyx::Sockets::SocketHandler")});
            continue;
        }
        result.handlers.append({candidate.name, candidate.filePath, candidate.skipAuth, instance, handler, candidate.affinity});
    }
    return result;
}

} // namespace Stonyx::Sockets
