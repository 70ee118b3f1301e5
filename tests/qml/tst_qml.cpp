// SPDX-License-Identifier: MIT
// The Qt Quick Test runner of the QML module tests: one CTest per tst_*.qml.
// It adds a "cppServer" helper so QML clients can be tested against the C++ server.

#include <Stonyx/Sockets/SocketClient>
#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketServer>

#include <QMetaEnum>

#include <QJsonObject>
#include <QQmlContext>
#include <QQmlEngine>
#include <QtQuickTest>

using namespace Stonyx::Sockets;

/*!
    A C++ SocketServer that QML tests can start: an auth handler that checks the key
    and keeps the other fields as metadata, and an echo handler.
*/
class CppServer : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString url READ url NOTIFY changed)
    Q_PROPERTY(int clientCount READ clientCount NOTIFY changed)

public:
    using QObject::QObject;

    /*! Starts a server on 127.0.0.1 with a free port; returns its URL, or "" on failure. */
    Q_INVOKABLE QString start(bool encryption, const QString &authKey)
    {
        stop();
        SocketConfig config;
        config.setHost(QStringLiteral("127.0.0.1"));
        config.setPort(0);
        config.setHandlerDir(QString());
        config.setEncryption(encryption);
        config.setAuthKey(authKey);
        m_server = new SocketServer(config, this);
        SocketServer *server = m_server;
        server->registerHandler(
            QStringLiteral("auth"),
            [server](const QJsonValue &data, SocketConnection *connection) -> QJsonValue {
                if (data[u"authKey"] != server->config().authKey()) {
                    connection->close(4001, QStringLiteral("invalid auth key"));
                    return QJsonValue(QJsonValue::Undefined);
                }
                QJsonObject metadata = data.toObject();
                metadata.remove(u"authKey");
                connection->setMetadata(metadata);
                return QStringLiteral("welcome");
            },
            {});
        server->registerHandler(QStringLiteral("echo"), [](const QJsonValue &data, SocketConnection *) { return data; }, {});
        connect(server, &SocketServer::clientCountChanged, this, &CppServer::changed);
        if (!server->listen())
            return QString();
        Q_EMIT changed();
        return url();
    }

    /*! Stops the server. */
    Q_INVOKABLE void stop()
    {
        delete m_server.data();
        Q_EMIT changed();
    }

    /*! Sends \a response under \a request to every authenticated client. */
    Q_INVOKABLE int broadcast(const QString &request, const QJsonValue &response)
    {
        return m_server ? m_server->broadcast(request, response) : 0;
    }

    /*! The metadata of the client \a id, as the C++ server sees it. */
    Q_INVOKABLE QJsonObject metadata(int id) const
    {
        SocketConnection *connection = m_server ? m_server->client(id) : nullptr;
        return connection ? connection->metadata() : QJsonObject();
    }

    /*!
        The keys and values of a C++ enum that a QML enum mirrors: "SocketServer::Error",
        "SocketClient::Error" or "SocketConfig::RateLimitPolicy". Lets tst_enums.qml
        find a C++ value the QML type lacks.
    */
    Q_INVOKABLE QVariantMap cppEnum(const QString &name) const
    {
        QMetaEnum metaEnum;
        if (name == u"SocketServer::Error")
            metaEnum = QMetaEnum::fromType<SocketServer::Error>();
        else if (name == u"SocketClient::Error")
            metaEnum = QMetaEnum::fromType<SocketClient::Error>();
        else if (name == u"SocketConfig::RateLimitPolicy")
            metaEnum = QMetaEnum::fromType<SocketConfig::RateLimitPolicy>();
        QVariantMap values;
        for (int i = 0; i < metaEnum.keyCount(); ++i)
            values.insert(QString::fromLatin1(metaEnum.key(i)), metaEnum.value(i));
        return values;
    }

    QString url() const { return m_server && m_server->isListening() ? m_server->serverUrl().toString() : QString(); }
    int clientCount() const { return m_server ? m_server->clientCount() : 0; }

Q_SIGNALS:
    void changed();

private:
    QPointer<SocketServer> m_server;
};

class Setup : public QObject
{
    Q_OBJECT

public Q_SLOTS:
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->rootContext()->setContextProperty(QStringLiteral("cppServer"), new CppServer(engine));
    }
};

QUICK_TEST_MAIN_WITH_SETUP(stonyx_qml, Setup)

#include "tst_qml.moc"
