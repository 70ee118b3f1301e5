// SPDX-License-Identifier: MIT
#include "testpeer.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QHash>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <sys/socket.h>

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

namespace {

// Runs the event loop until \a predicate holds or \a timeoutMs passed. Unlike
// QTest::qWaitFor (which sleeps 10 ms between rounds) it wakes up as soon as the socket
// has news, so that a test of many round trips stays fast.
template<typename Predicate>
bool waitOn(QTcpSocket &socket, Predicate predicate, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!predicate()) {
        const qint64 remaining = deadline.remainingTime();
        if (remaining <= 0)
            return false;
        QEventLoop loop;
        QObject::connect(&socket, &QIODevice::readyRead, &loop, &QEventLoop::quit);
        QObject::connect(&socket, &QAbstractSocket::stateChanged, &loop, &QEventLoop::quit);
        // Also a slice at most: events that do not concern this socket (another
        // thread's work, posted calls) are run too, and the predicate looked at again.
        QTimer::singleShot(int(qMin<qint64>(remaining, 20)), &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

} // namespace

bool RawTcpPeer::connectTcp(const QUrl &url)
{
    socket.connectToHost(url.host(), quint16(url.port()));
    return socket.waitForConnected(5000);
}

bool RawTcpPeer::open(const QUrl &url)
{
    if (!connectTcp(url))
        return false;
    return upgrade(upgradeRequest(url)).startsWith("HTTP/1.1 101");
}

QByteArray RawTcpPeer::upgradeRequest(const QUrl &url, const QByteArray &key, const QByteArray &extraHeaders)
{
    return "GET / HTTP/1.1\r\nHost: " + url.host().toLatin1() + ':' + QByteArray::number(url.port())
           + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
           + "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
}

QByteArray RawTcpPeer::acceptFor(const QByteArray &key)
{
    return QCryptographicHash::hash(QByteArray(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"), QCryptographicHash::Sha1).toBase64();
}

QByteArray RawTcpPeer::upgrade(const QByteArray &request, int timeoutMs)
{
    socket.write(request);
    return readResponseHead(timeoutMs);
}

QByteArray RawTcpPeer::readResponseHead(int timeoutMs)
{
    static_cast<void>(waitOn(socket, [&] {
        received += socket.readAll();
        return received.contains("\r\n\r\n") || socket.state() != QAbstractSocket::ConnectedState;
    }, timeoutMs));
    received += socket.readAll();
    const qsizetype end = received.indexOf("\r\n\r\n");
    if (end < 0)
        return std::exchange(received, QByteArray());
    const QByteArray head = received.left(end + 4);
    received.remove(0, end + 4);
    return head;
}

QByteArray RawTcpPeer::headerValue(const QByteArray &head, const QByteArray &name)
{
    const QList<QByteArray> lines = head.split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return QByteArray();
}

QByteArray RawTcpPeer::frame(quint8 opcode, const QByteArray &payload)
{
    return rawFrame(quint8(0x80 | opcode), payload);
}

QByteArray RawTcpPeer::rawFrame(quint8 head, const QByteArray &payload, bool masked)
{
    QByteArray out;
    out.append(char(head));
    const char maskBit = masked ? char(0x80) : char(0);
    const qsizetype n = payload.size();
    if (n < 126) {
        out.append(char(maskBit | char(n)));
    } else if (n < 65536) {
        out.append(char(maskBit | 126));
        out.append(char((n >> 8) & 0xff));
        out.append(char(n & 0xff));
    } else {
        out.append(char(maskBit | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            out.append(char((quint64(n) >> shift) & 0xff));
    }
    if (!masked)
        return out + payload;
    const char mask[4] = {0x11, 0x22, 0x33, 0x44};
    out.append(mask, 4);
    for (qsizetype i = 0; i < n; ++i)
        out.append(char(payload.at(i) ^ mask[i % 4]));
    return out;
}

QByteArray RawTcpPeer::closePayload(quint16 code, const QByteArray &reason)
{
    QByteArray out;
    out.append(char(code >> 8));
    out.append(char(code & 0xff));
    return out + reason;
}

namespace {

// One frame from the start of \a bytes: its size in bytes, 0 if not complete yet.
qsizetype parseFrame(const QByteArray &bytes, ServerFrame *frame)
{
    if (bytes.size() < 2)
        return 0;
    const auto b0 = quint8(bytes.at(0));
    const auto b1 = quint8(bytes.at(1));
    qsizetype pos = 2;
    quint64 length = b1 & 0x7f;
    if (length == 126 || length == 127) {
        const int extra = length == 126 ? 2 : 8;
        if (bytes.size() < pos + extra)
            return 0;
        length = 0;
        for (int i = 0; i < extra; ++i)
            length = (length << 8) | quint8(bytes.at(pos + i));
        pos += extra;
    }
    const bool masked = b1 & 0x80;
    char mask[4] = {0, 0, 0, 0};
    if (masked) {
        if (bytes.size() < pos + 4)
            return 0;
        for (int i = 0; i < 4; ++i)
            mask[i] = bytes.at(pos + i);
        pos += 4;
    }
    if (length > quint64(bytes.size() - pos))
        return 0;
    frame->fin = b0 & 0x80;
    frame->rsv = quint8((b0 >> 4) & 0x7);
    frame->opcode = quint8(b0 & 0x0f);
    frame->masked = masked;
    frame->payload = bytes.mid(pos, qsizetype(length));
    if (masked) {
        for (qsizetype i = 0; i < frame->payload.size(); ++i)
            frame->payload[i] = char(frame->payload.at(i) ^ mask[i % 4]);
    }
    return pos + qsizetype(length);
}

} // namespace

int ServerFrame::closeCode() const
{
    if (payload.isEmpty())
        return 1005;
    if (payload.size() < 2)
        return -1;
    return (quint8(payload.at(0)) << 8) | quint8(payload.at(1));
}

std::optional<ServerFrame> RawTcpPeer::readFrame(int timeoutMs)
{
    ServerFrame frame;
    qsizetype size = 0;
    static_cast<void>(waitOn(socket, [&] {
        received += socket.readAll();
        size = parseFrame(received, &frame);
        return size > 0 || socket.state() != QAbstractSocket::ConnectedState;
    }, timeoutMs));
    if (size == 0) {
        received += socket.readAll();
        size = parseFrame(received, &frame);
    }
    if (size == 0)
        return std::nullopt;
    received.remove(0, size);
    return frame;
}

bool RawTcpPeer::shutdownWrite()
{
    while (socket.bytesToWrite() > 0) {
        if (!socket.waitForBytesWritten(5000))
            return false;
    }
    return ::shutdown(int(socket.socketDescriptor()), SHUT_WR) == 0;
}

bool RawTcpPeer::waitForDisconnected(int timeoutMs)
{
    const bool gone = waitOn(socket, [&] {
        received += socket.readAll();
        return socket.state() == QAbstractSocket::UnconnectedState;
    }, timeoutMs);
    received += socket.readAll();
    return gone;
}

} // namespace TestPeer
