// SPDX-License-Identifier: MIT
#include "testpeer.h"

#include <QHash>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using Stonyx::Sockets::FrameCipher;

namespace TestPeer {

Stonyx::Sockets::SocketConfig withWorkers(Stonyx::Sockets::SocketConfig config)
{
    bool ok = false;
    const int threads = qEnvironmentVariableIntValue("STONYX_TEST_WORKER_THREADS", &ok);
    config.setWorkerThreads(ok && threads > 0 ? threads : 1);
    return config;
}


void addEncryptionRows()
{
    QTest::addColumn<bool>("encryption");
    QTest::addRow("encrypted") << true;
    QTest::addRow("plain") << false;
}

QByteArray globalKey(const QString &authKey)
{
    static QHash<QString, QByteArray> cache;
    auto it = cache.find(authKey);
    if (it == cache.end())
        it = cache.insert(authKey, FrameCipher::deriveGlobalKey(authKey));
    return *it;
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

RawClient::RawClient(bool encryption, const QString &authKey)
    : m_encryption(encryption)
    , m_authKey(authKey)
    , m_global(globalKey(authKey))
{
    connect(&m_socket, &QWebSocket::binaryMessageReceived, this, &RawClient::onFrame);
    connect(&m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &t) { onFrame(t.toUtf8()); });
    connect(&m_socket, &QWebSocket::disconnected, this, [this] {
        m_closed = true;
        m_closeCode = m_socket.closeCode();
        m_closeReason = m_socket.closeReason();
    });
}

bool RawClient::open(const QUrl &url)
{
    m_socket.open(url);
    // Connected, or refused (the socket falls back to unconnected).
    const bool settled = QTest::qWaitFor([this] {
        return m_socket.state() == QAbstractSocket::ConnectedState || m_socket.state() == QAbstractSocket::UnconnectedState;
    }, 5000);
    return settled && m_socket.state() == QAbstractSocket::ConnectedState;
}

void RawClient::sendFrame(const QByteArray &bytes)
{
    m_socket.sendBinaryMessage(bytes);
}

void RawClient::sendText(const QString &text)
{
    m_socket.sendTextMessage(text);
}

void RawClient::sendJson(const QByteArray &json)
{
    if (!m_encryption) {
        sendText(QString::fromUtf8(json));
        return;
    }
    sendFrame(m_session.isValid() ? m_session.seal(json) : m_global.seal(json));
}

void RawClient::sendRequest(const QString &request, const QJsonValue &data)
{
    QJsonObject message{{QStringLiteral("request"), request}};
    if (!data.isUndefined())
        message.insert(u"data", data);
    sendJson(json(message));
}

std::optional<QJsonObject> RawClient::authenticate(const QJsonObject &extra)
{
    QJsonObject data = extra;
    if (!data.contains(u"authKey"))
        data.insert(u"authKey", m_authKey);
    sendRequest(QStringLiteral("auth"), data);
    return waitForMessage();
}

std::optional<QJsonObject> RawClient::waitForMessage(int timeoutMs)
{
    if (m_inbox.isEmpty() && !QTest::qWaitFor([this] { return !m_inbox.isEmpty() || m_closed; }, timeoutMs))
        return std::nullopt;
    if (m_inbox.isEmpty())
        return std::nullopt;
    return m_inbox.takeFirst();
}

bool RawClient::waitForClose(int timeoutMs)
{
    return QTest::qWaitFor([this] { return m_closed; }, timeoutMs);
}

void RawClient::onFrame(const QByteArray &bytes)
{
    QByteArray plain = bytes;
    m_lastGlobal = false;
    if (m_encryption) {
        FrameCipher &cipher = m_session.isValid() ? m_session : m_global;
        if (!cipher.open(bytes, &plain)) {
            // The auth response to a second authentication is sealed with the global key.
            if (!m_session.isValid() || !m_global.open(bytes, &plain)) {
                qWarning("RawClient: undecryptable frame: %s", qPrintable(cipher.errorString()));
                return;
            }
            m_lastGlobal = true;
        }
    }
    const QJsonObject message = QJsonDocument::fromJson(plain).object();
    if (m_encryption && message.value(u"request").toString() == u"auth" && message.contains(u"sessionKey"))
        m_session.setKey(QByteArray::fromBase64(message.value(u"sessionKey").toString().toLatin1()));
    m_inbox.append(message);
}

RawServer::RawServer(bool encryption, const QString &authKey)
    : m_encryption(encryption)
    , m_global(globalKey(authKey))
    , m_server(QStringLiteral("raw"), QWebSocketServer::NonSecureMode)
{
    connect(&m_server, &QWebSocketServer::newConnection, this, [this] {
        while (QWebSocket *socket = m_server.nextPendingConnection()) {
            if (m_client)
                m_client->abort();
            m_client = socket;
            m_session.clear();
            ++connections;
            socket->setParent(this);
            connect(socket, &QWebSocket::binaryMessageReceived, this, [this, socket](const QByteArray &b) {
                if (socket == m_client)
                    onFrame(b);
            });
            connect(socket, &QWebSocket::textMessageReceived, this, [this, socket](const QString &t) {
                if (socket == m_client)
                    onFrame(t.toUtf8());
            });
        }
    });
}

bool RawServer::listen(quint16 port)
{
    return m_server.listen(QHostAddress::LocalHost, port);
}

QUrl RawServer::url() const
{
    return m_server.serverUrl();
}

void RawServer::close()
{
    if (m_client)
        m_client->abort();
    m_server.close();
}

void RawServer::sendFrame(const QByteArray &bytes)
{
    if (m_client)
        m_client->sendBinaryMessage(bytes);
}

void RawServer::send(const QString &request, const QJsonValue &response)
{
    const QByteArray text = json(QJsonObject{{QStringLiteral("request"), request}, {QStringLiteral("response"), response}});
    if (!m_client)
        return;
    if (!m_encryption)
        m_client->sendTextMessage(QString::fromUtf8(text));
    else
        m_client->sendBinaryMessage(m_session.isValid() ? m_session.seal(text) : m_global.seal(text));
}

void RawServer::onFrame(const QByteArray &bytes)
{
    QByteArray plain = bytes;
    if (m_encryption) {
        FrameCipher &cipher = m_session.isValid() ? m_session : m_global;
        if (!cipher.open(bytes, &plain)) {
            qWarning("RawServer: undecryptable frame: %s", qPrintable(cipher.errorString()));
            return;
        }
    }
    const QJsonObject message = QJsonDocument::fromJson(plain).object();
    received.append(message);
    const QString request = message.value(u"request").toString();
    if (request == u"auth") {
        QJsonObject reply{{QStringLiteral("request"), QStringLiteral("auth")}, {QStringLiteral("response"), QStringLiteral("success")}};
        if (m_encryption) {
            const QByteArray key = FrameCipher::randomBytes(FrameCipher::KeySize);
            reply.insert(u"sessionKey", QString::fromLatin1(key.toBase64()));
            m_client->sendBinaryMessage(m_global.seal(json(reply)));
            m_session.setKey(key);
        } else {
            m_client->sendTextMessage(QString::fromUtf8(json(reply)));
        }
    } else if (request == u"heartBeat") {
        ++heartBeats;
        if (answerHeartBeat)
            send(QStringLiteral("heartBeat"), true);
    }
    Q_EMIT messageDecoded(message);
}

} // namespace TestPeer

namespace TestPeer {

bool RawTcpPeer::open(const QUrl &url)
{
    socket.connectToHost(url.host(), quint16(url.port()));
    if (!socket.waitForConnected(5000))
        return false;
    socket.write("GET / HTTP/1.1\r\nHost: " + url.host().toLatin1() + ':' + QByteArray::number(url.port())
                 + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QByteArray response;
    const bool done = QTest::qWaitFor([&] {
        response += socket.readAll();
        return response.contains("\r\n\r\n") || socket.state() != QAbstractSocket::ConnectedState;
    }, 5000);
    return done && response.startsWith("HTTP/1.1 101");
}

QByteArray RawTcpPeer::frame(quint8 opcode, const QByteArray &payload)
{
    QByteArray out;
    out.append(char(0x80 | opcode));
    const qsizetype n = payload.size();
    if (n < 126) {
        out.append(char(0x80 | n));
    } else if (n < 65536) {
        out.append(char(0x80 | 126));
        out.append(char((n >> 8) & 0xff));
        out.append(char(n & 0xff));
    } else {
        out.append(char(0x80 | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            out.append(char((quint64(n) >> shift) & 0xff));
    }
    const char mask[4] = {0x11, 0x22, 0x33, 0x44};
    out.append(mask, 4);
    for (qsizetype i = 0; i < n; ++i)
        out.append(char(payload.at(i) ^ mask[i % 4]));
    return out;
}

} // namespace TestPeer
