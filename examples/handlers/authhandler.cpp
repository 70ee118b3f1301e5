// SPDX-License-Identifier: MIT
// The "auth" handler: accepts a client whose authKey matches the server's.

#include <Stonyx/Sockets/SocketConfig>
#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketHandler>
#include <Stonyx/Sockets/SocketServer>

#include <QJsonObject>
#include <QObject>

namespace {

// Compares without an early exit, so the time taken does not reveal how much matched.
bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    const qsizetype n = std::min(a.size(), b.size());
    for (qsizetype i = 0; i < n; ++i)
        diff |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return diff == 0;
}

} // namespace

//! [auth handler]
class AuthHandler : public QObject, public Stonyx::Sockets::SocketHandler
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID StonyxSocketHandler_iid FILE "auth.json")
    Q_INTERFACES(Stonyx::Sockets::SocketHandler)

public:
    QJsonValue handleRequest(const QJsonValue &data, Stonyx::Sockets::SocketConnection *connection) override
    {
        const QJsonObject fields = data.toObject();
        const QByteArray expected = connection->server()->config().authKey().toUtf8();
        if (!fields.value(u"authKey").isString() || !constantTimeEquals(fields.value(u"authKey").toString().toUtf8(), expected)) {
            connection->close(4001, QStringLiteral("invalid auth key"));
            return {}; // nothing is sent
        }
        // Every other field (a nickname, a device id, ...) becomes client metadata,
        // which sendToByMeta() can select on.
        QJsonObject metadata = fields;
        metadata.remove(u"authKey");
        connection->setMetadata(metadata);
        return QStringLiteral("success");
    }
};
//! [auth handler]

#include "authhandler.moc"
