// SPDX-License-Identifier: MIT
// The "auth" handler: accepts a client whose authKey matches the server's.

#include <Stonyx/Sockets/FrameCipher>
#include <Stonyx/Sockets/SocketConfig>
#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketHandler>
#include <Stonyx/Sockets/SocketServer>

#include <QJsonObject>
#include <QObject>

using Stonyx::Sockets::FrameCipher;

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
        const QJsonValue given = fields.value(u"authKey");
        // Compared in constant time, so timing does not reveal how much of a guess matched.
        if (!given.isString() || !FrameCipher::constantTimeEquals(given.toString().toUtf8(), expected)) {
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
