// SPDX-License-Identifier: MIT
// RFC 6455 conformance of SocketServer as a WebSocket server, checked from outside over
// a bare QTcpSocket: the opening handshake, framing, fragmentation, UTF-8 validation,
// size limits, the message deadline and the closing handshake. Each case asserts the
// bytes and close codes a real WebSocket client relies on, whatever implements the
// server's WebSocket layer (QWebSocketServer today, a hand-written one tomorrow).
//
// After every case that closes a connection, the server must go on: a client that was
// connected before and a new one are both still answered.

#include "testpeer.h"

#include <Stonyx/Sockets/SocketConnection>
#include <Stonyx/Sockets/SocketServer>

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QStringDecoder>
#include <QTest>

#include <cstring>

using namespace Stonyx::Sockets;
using TestPeer::RawTcpPeer;
using TestPeer::ServerFrame;

// A helper that verifies (QVERIFY and friends return from it), then its caller stops too.
#define STEP(call)                          \
    do {                                    \
        call;                               \
        if (QTest::currentTestFailed())     \
            return;                         \
    } while (false)

namespace {

const QString Key = QStringLiteral("conformance-key");
const QByteArray AuthRequest = "{\"request\":\"auth\",\"data\":{\"authKey\":\"conformance-key\"}}";

// Opcodes and the FIN bit (RFC 6455 §5.2).
constexpr quint8 Continuation = 0x0;
constexpr quint8 Text = 0x1;
constexpr quint8 Binary = 0x2;
constexpr quint8 Close = 0x8;
constexpr quint8 Ping = 0x9;
constexpr quint8 Pong = 0xA;
constexpr quint8 Fin = 0x80;

QByteArray echoRequest(const QByteArray &dataJson)
{
    return "{\"request\":\"echo\",\"data\":" + dataJson + '}';
}

// A request for echo of exactly \a size bytes: {"request":"echo","data":"aaa..."}.
QByteArray echoRequestOfSize(qsizetype size)
{
    const QByteArray head = "{\"request\":\"echo\",\"data\":\"";
    return head + QByteArray(size - head.size() - 2, 'a') + "\"}";
}

// A message in fragments: the first frame has \a opcode, the others are continuations,
// FIN on the last one only. All masked.
QByteArray fragmented(quint8 opcode, const QList<QByteArray> &parts)
{
    QByteArray out;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const quint8 op = i == 0 ? opcode : Continuation;
        const quint8 fin = i == parts.size() - 1 ? Fin : quint8(0);
        out += RawTcpPeer::rawFrame(quint8(fin | op), parts.at(i));
    }
    return out;
}

QByteArray randomKey()
{
    QByteArray nonce(16, '\0');
    for (char &c : nonce)
        c = char(QRandomGenerator::global()->bounded(256));
    return nonce.toBase64();
}

QByteArray statusLine(const QByteArray &head)
{
    const qsizetype end = head.indexOf("\r\n");
    return end < 0 ? head.left(80) : head.left(end);
}

bool isValidUtf8(const QByteArray &bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder.decode(bytes);
    Q_UNUSED(text);
    return !decoder.hasError();
}

const char *describe(const ServerFrame &frame)
{
    static QByteArray text;
    text = "opcode " + QByteArray::number(frame.opcode) + ", FIN " + QByteArray::number(frame.fin) + ", "
           + QByteArray::number(frame.payload.size()) + " bytes: " + frame.payload.left(80);
    if (frame.isClose())
        text += " (close code " + QByteArray::number(frame.closeCode()) + ')';
    return text.constData();
}

} // namespace

class tst_WebSocketConformance : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SocketServer> m_server;
    std::unique_ptr<RawTcpPeer> m_bystander;
    std::unique_ptr<QSignalSpy> m_disconnected; // SocketServer::clientDisconnected

    static SocketConfig baseConfig()
    {
        SocketConfig c;
        c.setPort(0);
        c.setAuthKey(Key);
        c.setEncryption(false); // plain mode: text frames of JSON
        c.setHandlerDir(QString());
        c.setMaxReconnectAttempts(0);
        return c;
    }

    QUrl url() const { return m_server->serverUrl(); }

    // A server with auth and echo, and a well-behaved client connected to it.
    void start(const SocketConfig &config = baseConfig())
    {
        m_server = std::make_unique<SocketServer>(TestPeer::withWorkers(config));
        m_server->registerHandler(QStringLiteral("auth"), [](const QJsonValue &data, SocketConnection *) {
            return data[u"authKey"].toString() == Key ? QJsonValue(QStringLiteral("success")) : QJsonValue();
        }, {});
        m_server->registerHandler(QStringLiteral("echo"), [](const QJsonValue &data, SocketConnection *) { return data; }, {});
        m_disconnected = std::make_unique<QSignalSpy>(m_server.get(), &SocketServer::clientDisconnected);
        QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
        m_bystander = std::make_unique<RawTcpPeer>();
        STEP(openClient(*m_bystander));
    }

    // The next data message: one unmasked text frame, FIN set, no RSV bit, a JSON object.
    // Pings the server may send are skipped.
    void readMessage(RawTcpPeer &peer, QJsonObject *message, int timeoutMs = 5000)
    {
        std::optional<ServerFrame> frame = peer.readFrame(timeoutMs);
        while (frame && frame->opcode == Ping)
            frame = peer.readFrame(timeoutMs);
        QVERIFY2(frame, peer.isConnected() ? "no message from the server in time" : "the server closed the connection");
        QVERIFY2(frame->opcode == Text, describe(*frame));
        QVERIFY2(frame->fin, describe(*frame));
        QCOMPARE(frame->rsv, quint8(0));
        QVERIFY2(!frame->masked, "a server must not mask its frames (RFC 6455 §5.1)");
        const QJsonDocument document = QJsonDocument::fromJson(frame->payload);
        QVERIFY2(document.isObject(), describe(*frame));
        *message = document.object();
    }

    void expectResponse(RawTcpPeer &peer, const QString &name, const QJsonValue &response, int timeoutMs = 5000)
    {
        QJsonObject message;
        STEP(readMessage(peer, &message, timeoutMs));
        QCOMPARE(message.value(u"request").toString(), name);
        QCOMPARE(message.value(u"response"), response);
    }

    void authenticate(RawTcpPeer &peer)
    {
        peer.sendText(AuthRequest);
        STEP(expectResponse(peer, QStringLiteral("auth"), QStringLiteral("success")));
    }

    void openClient(RawTcpPeer &peer)
    {
        QVERIFY(peer.open(url()));
        STEP(authenticate(peer));
    }

    void echoRoundTrip(RawTcpPeer &peer, const QString &text)
    {
        peer.sendText(echoRequest(TestPeer::json(QJsonObject{{QStringLiteral("t"), text}})));
        STEP(expectResponse(peer, QStringLiteral("echo"), QJsonObject{{QStringLiteral("t"), text}}));
    }

    enum class Reply {
        CloseAndFinish, // answer the close frame, then half-close TCP: done (RFC 6455 §7.1.1 allows it)
        Nothing,        // the peer sent its close frame already, or cannot: the server closes TCP on its own
    };

    // The server's next frame is a close frame with \a code, well formed (unmasked, FIN,
    // a UTF-8 reason); then the server closes the TCP connection. The peer answers the
    // close frame first as \a reply says, as a client does (RFC 6455 §5.5.1).
    void expectClose(RawTcpPeer &peer, int code, Reply reply = Reply::CloseAndFinish)
    {
        const std::optional<ServerFrame> frame = peer.readFrame(5000);
        QVERIFY2(frame, peer.isConnected() ? "no close frame in time" : "the connection was closed without a close frame");
        QVERIFY2(frame->isClose(), describe(*frame));
        QVERIFY(frame->fin);
        QCOMPARE(frame->rsv, quint8(0));
        QVERIFY(!frame->masked);
        QVERIFY2(frame->payload.size() <= 125, describe(*frame));
        QCOMPARE(frame->closeCode(), code);
        QVERIFY2(isValidUtf8(frame->closeReason()), describe(*frame));
        if (reply == Reply::CloseAndFinish && peer.isConnected()) {
            peer.socket.write(RawTcpPeer::rawFrame(Fin | Close, RawTcpPeer::closePayload(quint16(code))));
            peer.shutdownWrite();
        }
        QVERIFY2(peer.waitForDisconnected(3000), "the server did not close the TCP connection after its close frame");
        STEP(expectNoDataFrames(peer));
    }

    // The server reported one client gone, with \a code.
    void expectDisconnected(int code)
    {
        if (m_disconnected->isEmpty())
            QVERIFY2(m_disconnected->wait(5000), "no clientDisconnected()");
        QCOMPARE(m_disconnected->size(), 1);
        QCOMPARE(m_disconnected->first().at(1).toInt(), code);
    }

    // Nothing left in what the server sent is a data frame.
    void expectNoDataFrames(RawTcpPeer &peer)
    {
        while (const std::optional<ServerFrame> frame = peer.readFrame(0)) {
            QVERIFY2(frame->opcode != Text && frame->opcode != Binary && frame->opcode != Continuation,
                     describe(*frame));
        }
    }

    // The server goes on: the client connected before and a new one are answered.
    void verifyServerGoesOn()
    {
        QVERIFY(m_bystander->isConnected());
        STEP(echoRoundTrip(*m_bystander, QStringLiteral("still here")));
        RawTcpPeer next;
        STEP(openClient(next));
        STEP(echoRoundTrip(next, QStringLiteral("new client")));
    }

    // The response to a refused handshake: no 101, a 4xx status, and the connection closed.
    void expectRefused(RawTcpPeer &peer, const QByteArray &head)
    {
        QVERIFY2(!head.startsWith("HTTP/1.1 101"), head.constData());
        QVERIFY2(peer.waitForDisconnected(5000), "the server kept the connection open");
        QVERIFY2(head.startsWith("HTTP/1.1 4"), head.isEmpty() ? "closed without an HTTP response" : statusLine(head).constData());
    }

    // An HTTP request: \a requestLine, a Host header, then \a lines as headers.
    QByteArray httpRequest(const QByteArray &requestLine, const QByteArrayList &lines) const
    {
        QByteArray out = requestLine + "\r\nHost: " + url().host().toLatin1() + ':' + QByteArray::number(url().port()) + "\r\n";
        for (const QByteArray &line : lines)
            out += line + "\r\n";
        return out + "\r\n";
    }

private Q_SLOTS:
    void initTestCase()
    {
        // The helpers against RFC 6455 itself: the key and accept value of §1.3...
        QCOMPARE(RawTcpPeer::acceptFor("dGhlIHNhbXBsZSBub25jZQ=="), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
        // ...and the masked "Hello" of §5.7, with this peer's mask.
        QCOMPARE(RawTcpPeer::frame(Text, "Hello").toHex(), QByteArray("81851122334459475f287e"));
    }

    void cleanup()
    {
        m_bystander.reset();
        m_disconnected.reset();
        m_server.reset();
    }

    // --- The opening handshake (RFC 6455 §4.2) ---

    void handshakeAccepted_data()
    {
        QTest::addColumn<QByteArrayList>("headers"); // KEY stands for the key
        const QByteArray version = "Sec-WebSocket-Version: 13";
        QTest::addRow("canonical") << QByteArrayList{"Upgrade: websocket", "Connection: Upgrade",
                                                     "Sec-WebSocket-Key: KEY", version};
        QTest::addRow("lower-case header names")
            << QByteArrayList{"upgrade: websocket", "connection: Upgrade", "sec-websocket-key: KEY", "sec-websocket-version: 13"};
        QTest::addRow("upper-case header names")
            << QByteArrayList{"UPGRADE: websocket", "CONNECTION: Upgrade", "SEC-WEBSOCKET-KEY: KEY", "SEC-WEBSOCKET-VERSION: 13"};
        QTest::addRow("Connection: keep-alive, Upgrade")
            << QByteArrayList{"Upgrade: websocket", "Connection: keep-alive, Upgrade", "Sec-WebSocket-Key: KEY", version};
        QTest::addRow("Upgrade: WebSocket")
            << QByteArrayList{"Upgrade: WebSocket", "Connection: upgrade", "Sec-WebSocket-Key: KEY", version};
        // What a browser sends; the library has no extension (PROTOCOL.md): it must not
        // accept permessage-deflate.
        QTest::addRow("browser-like")
            << QByteArrayList{"Connection: Upgrade", "Pragma: no-cache", "Cache-Control: no-cache",
                              "User-Agent: Mozilla/5.0 (X11; Linux x86_64)", "Upgrade: websocket", version,
                              "Accept-Encoding: gzip, deflate, br", "Accept-Language: en-US,en;q=0.9",
                              "Sec-WebSocket-Key: KEY", "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits"};
    }
    void handshakeAccepted()
    {
        QFETCH(QByteArrayList, headers);
        STEP(start());
        const QByteArray key = randomKey();
        for (QByteArray &line : headers) { // the value only: a header name may hold "KEY" too
            if (line.endsWith(": KEY"))
                line = line.chopped(3) + key;
        }
        RawTcpPeer peer;
        QVERIFY(peer.connectTcp(url()));
        const QByteArray head = peer.upgrade(httpRequest("GET / HTTP/1.1", headers));
        QVERIFY2(head.startsWith("HTTP/1.1 101"), head.isEmpty() ? "no response" : head.constData());
        QCOMPARE(RawTcpPeer::headerValue(head, "Sec-WebSocket-Accept"), RawTcpPeer::acceptFor(key));
        QVERIFY2(RawTcpPeer::headerValue(head, "Upgrade").compare("websocket", Qt::CaseInsensitive) == 0, head.constData());
        QVERIFY2(RawTcpPeer::headerValue(head, "Connection").toLower().contains("upgrade"), head.constData());
        QVERIFY2(RawTcpPeer::headerValue(head, "Sec-WebSocket-Extensions").isNull(), head.constData());
        STEP(authenticate(peer));
        STEP(echoRoundTrip(peer, QStringLiteral("hello")));
    }

    void handshakeWithFirstFrames()
    {
        // The request and the first frames in one TCP write: the server must not drop
        // the bytes it read past the end of the request. RFC 6455 §4.1 tells a client to
        // wait for the response first, so this is robustness rather than conformance, but
        // clients that pipeline exist, the Node.js ws server (PROTOCOL.md's reference)
        // hands those bytes on, and losing them silently leaves the client hanging.
        STEP(start());
        RawTcpPeer peer;
        QVERIFY(peer.connectTcp(url()));
        const QByteArray head = peer.upgrade(RawTcpPeer::upgradeRequest(url()) + RawTcpPeer::frame(Text, AuthRequest)
                                             + RawTcpPeer::frame(Text, echoRequest("\"first\"")));
        QVERIFY2(head.startsWith("HTTP/1.1 101"), head.constData());
        STEP(expectResponse(peer, QStringLiteral("auth"), QStringLiteral("success"), 3000));
        STEP(expectResponse(peer, QStringLiteral("echo"), QStringLiteral("first")));
    }

    void handshakeByteByByte()
    {
        STEP(start());
        RawTcpPeer peer;
        QVERIFY(peer.connectTcp(url()));
        peer.socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
        const QByteArray key = randomKey();
        const QByteArray bytes = RawTcpPeer::upgradeRequest(url(), key);
        for (char c : bytes) {
            peer.socket.write(&c, 1);
            peer.socket.flush();
            QCoreApplication::processEvents();
        }
        const QByteArray head = peer.readResponseHead();
        QVERIFY2(head.startsWith("HTTP/1.1 101"), head.isEmpty() ? "no response" : head.constData());
        QCOMPARE(RawTcpPeer::headerValue(head, "Sec-WebSocket-Accept"), RawTcpPeer::acceptFor(key));
        STEP(authenticate(peer));
        STEP(echoRoundTrip(peer, QStringLiteral("trickled handshake")));
    }

    void handshakeRejected_data()
    {
        QTest::addColumn<QByteArray>("requestLine");
        QTest::addColumn<QByteArrayList>("headers");
        const QByteArray get = "GET / HTTP/1.1";
        const QByteArray upgrade = "Upgrade: websocket", connection = "Connection: Upgrade";
        const QByteArray key = "Sec-WebSocket-Key: " + randomKey(), version = "Sec-WebSocket-Version: 13";
        QTest::addRow("no Sec-WebSocket-Key") << get << QByteArrayList{upgrade, connection, version};
        // base64 of the 10 bytes "the sample", not of 16 (RFC 6455 §4.2.1 item 5).
        QTest::addRow("key of 10 bytes") << get << QByteArrayList{upgrade, connection, "Sec-WebSocket-Key: dGhlIHNhbXBsZQ==", version};
        QTest::addRow("key not base64") << get << QByteArrayList{upgrade, connection, "Sec-WebSocket-Key: ?not*base64?not*base64?", version};
        QTest::addRow("method POST") << QByteArray("POST / HTTP/1.1") << QByteArrayList{upgrade, connection, key, version, "Content-Length: 0"};
        QTest::addRow("HTTP/1.0") << QByteArray("GET / HTTP/1.0") << QByteArrayList{upgrade, connection, key, version};
        QTest::addRow("no Upgrade header") << get << QByteArrayList{connection, key, version};
        QTest::addRow("Upgrade: h2c") << get << QByteArrayList{"Upgrade: h2c", connection, key, version};
        QTest::addRow("no Connection header") << get << QByteArrayList{upgrade, key, version};
    }
    void handshakeRejected()
    {
        // RFC 6455 §4.2.1/§4.2.2: not a valid opening handshake, so an HTTP error
        // (such as 400) and no upgrade. The server then drops the connection.
        QFETCH(QByteArray, requestLine);
        QFETCH(QByteArrayList, headers);
        STEP(start());
        RawTcpPeer peer;
        QVERIFY(peer.connectTcp(url()));
        const QByteArray head = peer.upgrade(httpRequest(requestLine, headers));
        STEP(expectRefused(peer, head));
        STEP(verifyServerGoesOn());
    }

    void handshakeUnsupportedVersion()
    {
        // RFC 6455 §4.4: a version the server does not speak gets 426 Upgrade Required
        // (§4.2.2 item 4 allows any appropriate error) and the versions it does speak in
        // Sec-WebSocket-Version.
        STEP(start());
        RawTcpPeer peer;
        QVERIFY(peer.connectTcp(url()));
        const QByteArray head = peer.upgrade(httpRequest("GET / HTTP/1.1", {"Upgrade: websocket", "Connection: Upgrade",
                                                                     "Sec-WebSocket-Key: " + randomKey(),
                                                                     "Sec-WebSocket-Version: 8"}));
        STEP(expectRefused(peer, head));
        QCOMPARE(RawTcpPeer::headerValue(head, "Sec-WebSocket-Version"), QByteArray("13"));
        // RFC 6455 §4.4 (Qt 6.4's QWebSocketServer answered 400).
        QVERIFY2(head.startsWith("HTTP/1.1 426"), statusLine(head).constData());
        STEP(verifyServerGoesOn());
    }

    void handshakeOversizedOrGarbage_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        const QByteArray prefix = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
        QTest::addRow("100 KiB in one header") << prefix + "X-Filler: " + QByteArray(100 * 1024, 'a') + "\r\n\r\n";
        QByteArray many = prefix;
        for (int i = 0; many.size() < 100 * 1024; ++i)
            many += "X-Filler-" + QByteArray::number(i) + ": " + QByteArray(40, 'a') + "\r\n";
        QTest::addRow("100 KiB in many headers") << many + "\r\n";
        QByteArray garbage(4096, '\0');
        QRandomGenerator random(6455);
        for (char &c : garbage)
            c = char(random.bounded(256));
        QTest::addRow("binary garbage") << garbage + "\r\n\r\n";
    }
    void handshakeOversizedOrGarbage()
    {
        QFETCH(QByteArray, bytes);
        STEP(start());
        RawTcpPeer peer;
        QVERIFY(peer.connectTcp(url()));
        const QByteArray head = peer.upgrade(bytes);
        QVERIFY2(!head.startsWith("HTTP/1.1 101"), statusLine(head).constData());
        QVERIFY2(peer.waitForDisconnected(5000), "the server kept the connection open");
        STEP(verifyServerGoesOn());
    }

    void handshakeOrigin_data()
    {
        QTest::addColumn<QByteArray>("origin"); // empty: no Origin header
        QTest::addColumn<bool>("accepted");
        QTest::addRow("allowed") << QByteArray("https://good.example") << true;
        QTest::addRow("none (not a browser)") << QByteArray() << true;
        QTest::addRow("not allowed") << QByteArray("https://evil.example") << false;
        QTest::addRow("allowed as a prefix") << QByteArray("https://good.example.evil.example") << false;
    }
    void handshakeOrigin()
    {
        QFETCH(QByteArray, origin);
        QFETCH(bool, accepted);
        SocketConfig c = baseConfig();
        c.setAllowedOrigins({QStringLiteral("https://good.example")});
        STEP(start(c));
        RawTcpPeer peer;
        QVERIFY(peer.connectTcp(url()));
        const QByteArray key = randomKey();
        const QByteArray head = peer.upgrade(RawTcpPeer::upgradeRequest(url(), key, origin.isEmpty() ? QByteArray() : "Origin: " + origin + "\r\n"));
        if (accepted) {
            QVERIFY2(head.startsWith("HTTP/1.1 101"), head.isEmpty() ? "no response" : head.constData());
            QCOMPARE(RawTcpPeer::headerValue(head, "Sec-WebSocket-Accept"), RawTcpPeer::acceptFor(key));
            STEP(authenticate(peer));
            STEP(echoRoundTrip(peer, QStringLiteral("origin ok")));
        } else {
            // RFC 6455 §4.2.2 item 4 / §10.2: such as 403 Forbidden.
            STEP(expectRefused(peer, head));
            QVERIFY2(head.startsWith("HTTP/1.1 403"), statusLine(head).constData());
            STEP(verifyServerGoesOn());
        }
    }

    // --- Control frames (RFC 6455 §5.5) ---

    void pingAnsweredWithPong()
    {
        STEP(start());
        RawTcpPeer peer;
        STEP(openClient(peer));
        for (const QByteArray &payload : {QByteArray("abc"), QByteArray(), QByteArray(125, 'p')}) {
            peer.socket.write(RawTcpPeer::frame(Ping, payload));
            const std::optional<ServerFrame> pong = peer.readFrame();
            QVERIFY2(pong, "no pong");
            QVERIFY2(pong->opcode == Pong, describe(*pong));
            QVERIFY(pong->fin);
            QVERIFY(!pong->masked);
            QCOMPARE(pong->payload, payload);
        }
        STEP(echoRoundTrip(peer, QStringLiteral("after pings")));
    }

    void pingBetweenFragments()
    {
        // §5.4: control frames may be injected in the middle of a fragmented message.
        STEP(start());
        RawTcpPeer peer;
        STEP(openClient(peer));
        const QByteArray message = echoRequest("\"around a ping\"");
        peer.socket.write(RawTcpPeer::rawFrame(Text, message.left(10)));
        peer.socket.write(RawTcpPeer::frame(Ping, "xyz"));
        const std::optional<ServerFrame> pong = peer.readFrame();
        QVERIFY2(pong, "no pong to a ping inside a fragmented message");
        QVERIFY2(pong->opcode == Pong, describe(*pong));
        QCOMPARE(pong->payload, QByteArray("xyz"));
        peer.socket.write(RawTcpPeer::rawFrame(Fin | Continuation, message.mid(10)));
        STEP(expectResponse(peer, QStringLiteral("echo"), QStringLiteral("around a ping")));
    }

    // --- Data frames and fragmentation (RFC 6455 §5.4, §5.6) ---

    void fragmentedRequest_data()
    {
        QTest::addColumn<quint8>("opcode");
        QTest::addColumn<QList<int>>("sizes"); // of the fragments but the last, which has the rest
        QTest::addRow("text, three fragments") << Text << QList<int>{7, 15};
        QTest::addRow("text, an empty fragment in the middle") << Text << QList<int>{12, 0};
        QTest::addRow("text, an empty first fragment") << Text << QList<int>{0, 20};
        // PROTOCOL.md: a receiver also accepts a binary frame holding the JSON.
        QTest::addRow("binary, three fragments") << Binary << QList<int>{7, 15};
    }
    void fragmentedRequest()
    {
        QFETCH(quint8, opcode);
        QFETCH(QList<int>, sizes);
        STEP(start());
        RawTcpPeer peer;
        STEP(openClient(peer));
        const QByteArray message = echoRequest("\"in fragments\"");
        QList<QByteArray> parts;
        qsizetype at = 0;
        for (int size : sizes) {
            parts << message.mid(at, size);
            at += size;
        }
        parts << message.mid(at);
        peer.socket.write(fragmented(opcode, parts));
        STEP(expectResponse(peer, QStringLiteral("echo"), QStringLiteral("in fragments")));
    }

    void payloadLengths_data()
    {
        // Across the 7-bit, 16-bit and 64-bit length encodings (§5.2), both ways.
        QTest::addColumn<qsizetype>("size");
        for (qsizetype size : {qsizetype(125), qsizetype(126), qsizetype(65535), qsizetype(65536), qsizetype(200000)})
            QTest::addRow("%lld bytes", qlonglong(size)) << size;
    }
    void payloadLengths()
    {
        QFETCH(qsizetype, size);
        STEP(start());
        RawTcpPeer peer;
        STEP(openClient(peer));
        peer.socket.write(RawTcpPeer::frame(Text, echoRequestOfSize(size)));
        const qsizetype dataSize = size - qsizetype(strlen("{\"request\":\"echo\",\"data\":\"\"}"));
        STEP(expectResponse(peer, QStringLiteral("echo"), QString(dataSize, u'a')));
    }

    void fragmentSplitsUtf8Character_data()
    {
        QTest::addColumn<QList<QByteArray>>("parts");
        QTest::addColumn<QString>("expected");
        const QByteArray head = "{\"request\":\"echo\",\"data\":\"caf";
        // é = C3 A9: the UTF-8 of a message is checked as a whole, not per fragment.
        QTest::addRow("é split between two fragments") << QList<QByteArray>{head + "\xC3", "\xA9\"}"}
                                                       << QStringLiteral("caf\u00e9");
        // U+1F600 = F0 9F 98 80 over three fragments.
        QTest::addRow("emoji split over three fragments")
            << QList<QByteArray>{head + "\xF0\x9F", "\x98", "\x80\"}"} << (QStringLiteral("caf") + QString::fromUcs4(U"\U0001F600"));
    }
    void fragmentSplitsUtf8Character()
    {
        // RFC 6455 §5.6 and §8.1: the text of a *message* must be UTF-8; a fragment
        // boundary may fall inside a character.
        QFETCH(QList<QByteArray>, parts);
        QFETCH(QString, expected);
        STEP(start());
        RawTcpPeer peer;
        STEP(openClient(peer));
        peer.socket.write(fragmented(Text, parts));
        STEP(expectResponse(peer, QStringLiteral("echo"), expected));
        STEP(verifyServerGoesOn());
    }

    void requestByteByByte()
    {
        STEP(start());
        RawTcpPeer peer;
        STEP(openClient(peer));
        peer.socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
        const QByteArray bytes = RawTcpPeer::frame(Text, echoRequest("\"one byte at a time\""));
        for (char c : bytes) {
            peer.socket.write(&c, 1);
            peer.socket.flush();
            QCoreApplication::processEvents();
        }
        STEP(expectResponse(peer, QStringLiteral("echo"), QStringLiteral("one byte at a time")));
    }

    // --- Protocol errors: close 1002 (RFC 6455 §5.1-§5.5, §7.4.1) ---

    void protocolError_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        const QByteArray echo = echoRequest("\"must not be answered\"");
        QTest::addRow("unmasked text frame") << RawTcpPeer::rawFrame(Fin | Text, echo, false);
        QTest::addRow("unmasked ping") << RawTcpPeer::rawFrame(Fin | Ping, "abc", false);
        QTest::addRow("RSV1 set") << RawTcpPeer::rawFrame(Fin | 0x40 | Text, echo);
        QTest::addRow("RSV2 set") << RawTcpPeer::rawFrame(Fin | 0x20 | Text, echo);
        QTest::addRow("RSV3 set") << RawTcpPeer::rawFrame(Fin | 0x10 | Text, echo);
        QTest::addRow("RSV1 on a ping") << RawTcpPeer::rawFrame(Fin | 0x40 | Ping, "abc");
        QTest::addRow("reserved opcode 0x3") << RawTcpPeer::rawFrame(Fin | 0x3, echo);
        QTest::addRow("reserved opcode 0x7") << RawTcpPeer::rawFrame(Fin | 0x7, "");
        QTest::addRow("reserved opcode 0xB") << RawTcpPeer::rawFrame(Fin | 0xB, "");
        QTest::addRow("reserved opcode 0xF") << RawTcpPeer::rawFrame(Fin | 0xF, "abc");
        QTest::addRow("ping of 126 bytes") << RawTcpPeer::rawFrame(Fin | Ping, QByteArray(126, 'p'));
        QTest::addRow("pong of 126 bytes") << RawTcpPeer::rawFrame(Fin | Pong, QByteArray(126, 'p'));
        QTest::addRow("fragmented ping") << RawTcpPeer::rawFrame(Ping, "abc");
        QTest::addRow("continuation without a message") << RawTcpPeer::rawFrame(Fin | Continuation, echo);
        QTest::addRow("text frame inside a fragmented message")
            << RawTcpPeer::rawFrame(Text, echo.left(10)) + RawTcpPeer::rawFrame(Fin | Text, echo);
        QTest::addRow("binary frame inside a fragmented message")
            << RawTcpPeer::rawFrame(Text, echo.left(10)) + RawTcpPeer::rawFrame(Fin | Binary, echo);
    }
    void protocolError()
    {
        QFETCH(QByteArray, bytes);
        STEP(start());
        RawTcpPeer peer;
        STEP(openClient(peer));
        peer.socket.write(bytes);
        STEP(expectClose(peer, 1002)); // the first frame back, so nothing was answered
        STEP(verifyServerGoesOn());
    }

    void payloadLengthMostSignificantBit()
    {
        // §5.2: the most significant bit of a 64-bit payload length must be 0.
        STEP(start());
        RawTcpPeer peer;
        STEP(openClient(peer));
        QByteArray bytes;
        bytes.append(char(Fin | Text));
        bytes.append(char(0x80 | 127));
        bytes.append(QByteArray::fromHex("8000000000000010"));
        bytes.append(QByteArray::fromHex("11223344"));
        bytes.append(QByteArray(16, 'x'));
        peer.socket.write(bytes);
        // A close frame with 1002, or the connection dropped at once.
        if (const std::optional<ServerFrame> frame = peer.readFrame(5000)) {
            QVERIFY2(frame->isClose(), describe(*frame));
            QCOMPARE(frame->closeCode(), 1002);
        }
        QVERIFY2(peer.waitForDisconnected(3000), "the server kept the connection open");
        STEP(verifyServerGoesOn());
    }

    // --- Invalid UTF-8 in a text message: close 1007 (RFC 6455 §8.1) ---

    void invalidUtf8_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addRow("FF FE") << RawTcpPeer::frame(Text, echoRequest("\"\xFF\xFE\""));
        QTest::addRow("overlong C0 AF") << RawTcpPeer::frame(Text, echoRequest("\"\xC0\xAF\""));
        QTest::addRow("overlong E0 80 AF") << RawTcpPeer::frame(Text, echoRequest("\"\xE0\x80\xAF\""));
        QTest::addRow("surrogate ED A0 80") << RawTcpPeer::frame(Text, echoRequest("\"\xED\xA0\x80\""));
        QTest::addRow("above U+10FFFF") << RawTcpPeer::frame(Text, echoRequest("\"\xF4\x90\x80\x80\""));
        QTest::addRow("lone continuation byte") << RawTcpPeer::frame(Text, echoRequest("\"\x80\""));
        QTest::addRow("truncated at the end of the message")
            << RawTcpPeer::frame(Text, echoRequest("\"x\"") + "\xE2\x82");
        QTest::addRow("truncated at the end of a fragmented message")
            << fragmented(Text, {echoRequest("\"x\"").left(12), echoRequest("\"x\"").mid(12) + "\xE2\x82"});
        QTest::addRow("invalid in the first fragment")
            << fragmented(Text, {"{\"request\":\"echo\",\"data\":\"\xFF", "\"}"});
    }
    void invalidUtf8()
    {
        QFETCH(QByteArray, bytes);
        STEP(start());
        RawTcpPeer peer;
        STEP(openClient(peer));
        peer.socket.write(bytes);
        STEP(expectClose(peer, 1007));
        STEP(verifyServerGoesOn());
    }

    // --- Size limits: close 1009 (RFC 6455 §7.4.1) ---

    void tooBig_data()
    {
        // maxFrameSize 1000, maxMessageSize 2000 (plain: no overhead on top; at the
        // limit passes). Expected: 0 = answered, else the close code.
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("expected");
        QTest::addColumn<qsizetype>("size"); // of the echo request
        QTest::addRow("frame at maxFrameSize") << RawTcpPeer::frame(Text, echoRequestOfSize(1000)) << 0 << qsizetype(1000);
        QTest::addRow("frame over maxFrameSize") << RawTcpPeer::frame(Text, echoRequestOfSize(1001)) << 1009 << qsizetype(1001);
        const QByteArray atLimit = echoRequestOfSize(2000), overLimit = echoRequestOfSize(2001);
        QTest::addRow("fragmented message at maxMessageSize")
            << fragmented(Text, {atLimit.left(700), atLimit.mid(700, 700), atLimit.mid(1400)}) << 0 << qsizetype(2000);
        QTest::addRow("fragmented message over maxMessageSize")
            << fragmented(Text, {overLimit.left(700), overLimit.mid(700, 700), overLimit.mid(1400)}) << 1009 << qsizetype(2001);
        // Only the header of a 1 GiB frame: refused on its header, not after buffering.
        QByteArray huge;
        huge.append(char(Fin | Text));
        huge.append(char(0x80 | 127));
        huge.append(QByteArray::fromHex("0000000040000000"));
        huge.append(QByteArray::fromHex("11223344"));
        huge.append(QByteArray(64, 'a'));
        QTest::addRow("header of a 1 GiB frame") << huge << 1009 << qsizetype(0);
    }
    void tooBig()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, expected);
        QFETCH(qsizetype, size);
        SocketConfig c = baseConfig();
        c.setMaxFrameSize(1000);
        c.setMaxMessageSize(2000);
        STEP(start(c));
        RawTcpPeer peer;
        STEP(openClient(peer));
        peer.socket.write(bytes);
        if (expected == 0) {
            QJsonObject message;
            STEP(readMessage(peer, &message));
            QCOMPARE(message.value(u"request").toString(), QStringLiteral("echo"));
            QCOMPARE(message.value(u"response").toString().size(), size - qsizetype(strlen("{\"request\":\"echo\",\"data\":\"\"}")));
            STEP(echoRoundTrip(peer, QStringLiteral("still open")));
        } else {
            STEP(expectClose(peer, expected));
        }
        STEP(verifyServerGoesOn());
    }

    // --- The closing handshake (RFC 6455 §5.5.1, §7) ---

    void clientCloseNormal()
    {
        STEP(start());
        RawTcpPeer peer;
        STEP(openClient(peer));
        peer.socket.write(RawTcpPeer::frame(Close, RawTcpPeer::closePayload(1000, "bye")));
        STEP(expectClose(peer, 1000, Reply::Nothing));
        STEP(expectDisconnected(1000));
        QCOMPARE(m_disconnected->first().at(2).toString(), QStringLiteral("bye"));
        STEP(verifyServerGoesOn());
    }

    void clientCloseEmpty()
    {
        // §7.1.5: a close frame without a status code is reported as 1005. The answer
        // has no code either, or 1000.
        STEP(start());
        RawTcpPeer peer;
        STEP(openClient(peer));
        peer.socket.write(RawTcpPeer::frame(Close, QByteArray()));
        const std::optional<ServerFrame> frame = peer.readFrame();
        QVERIFY2(frame, "no close frame");
        QVERIFY2(frame->isClose(), describe(*frame));
        QVERIFY(!frame->masked);
        QVERIFY2(frame->closeCode() == 1005 || frame->closeCode() == 1000, describe(*frame));
        QVERIFY2(peer.waitForDisconnected(3000), "the server did not close the TCP connection");
        STEP(expectDisconnected(1005));
        STEP(verifyServerGoesOn());
    }

    void closeFrameValidation_data()
    {
        // Expected: 0 = accepted (answered with a close frame echoing the code, or
        // 1000), else the close code of the answer.
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<int>("expected");
        QTest::addRow("1-byte payload") << QByteArray(1, '\x03') << 1002;
        // §7.4.1/§7.4.2: 0-999 are not used; 1004, 1005, 1006 and 1015 are reserved and
        // must not be sent in a close frame; 5000 and above are not defined.
        for (int code : {0, 999, 1004, 1005, 1006, 1015, 5000, 65535})
            QTest::addRow("code %d", code) << RawTcpPeer::closePayload(quint16(code)) << 1002;
        for (int code : {1001, 1011, 3000, 4999})
            QTest::addRow("code %d", code) << RawTcpPeer::closePayload(quint16(code), "fine") << 0;
        QTest::addRow("longest reason (123 bytes)") << RawTcpPeer::closePayload(1000, QByteArray(123, 'r')) << 0;
        QTest::addRow("reason not UTF-8") << RawTcpPeer::closePayload(1000, "\xFF\xFE") << 1007;
        QTest::addRow("reason truncated UTF-8") << RawTcpPeer::closePayload(1000, "caf\xC3") << 1007;
    }
    void closeFrameValidation()
    {
        QFETCH(QByteArray, payload);
        QFETCH(int, expected);
        STEP(start());
        RawTcpPeer peer;
        STEP(openClient(peer));
        peer.socket.write(RawTcpPeer::frame(Close, payload));
        if (expected) {
            STEP(expectClose(peer, expected, Reply::Nothing)); // the peer sent its close already
        } else {
            const int sent = (quint8(payload.at(0)) << 8) | quint8(payload.at(1));
            const std::optional<ServerFrame> frame = peer.readFrame();
            QVERIFY2(frame, "no close frame");
            QVERIFY2(frame->isClose(), describe(*frame));
            QVERIFY2(frame->closeCode() == sent || frame->closeCode() == 1000, describe(*frame));
            QVERIFY2(peer.waitForDisconnected(3000), "the server did not close the TCP connection");
            STEP(expectDisconnected(sent));
        }
        STEP(verifyServerGoesOn());
    }

    void noDataFramesAfterClose_data()
    {
        QTest::addColumn<bool>("clientCloses");
        QTest::addRow("the client closed") << true;
        QTest::addRow("the server closed (protocol error)") << false;
    }
    void noDataFramesAfterClose()
    {
        // §5.5.1: after sending a close frame an endpoint sends no more data frames.
        QFETCH(bool, clientCloses);
        STEP(start());
        RawTcpPeer peer;
        STEP(openClient(peer));
        QByteArray bytes;
        if (clientCloses)
            bytes = RawTcpPeer::frame(Text, echoRequest("1")) + RawTcpPeer::frame(Close, RawTcpPeer::closePayload(1000));
        else
            bytes = RawTcpPeer::rawFrame(Fin | 0x40 | Text, echoRequest("1")); // RSV1: fails the connection
        for (int i = 2; i <= 20; ++i)
            bytes += RawTcpPeer::frame(Text, echoRequest(QByteArray::number(i)));
        peer.socket.write(bytes);
        // Before the close frame, at most the answer to request 1 (it came before the close).
        std::optional<ServerFrame> frame = peer.readFrame();
        if (clientCloses && frame && frame->opcode == Text) {
            QCOMPARE(QJsonDocument::fromJson(frame->payload).object().value(u"response").toInt(), 1);
            frame = peer.readFrame();
        }
        QVERIFY2(frame, "no close frame");
        QVERIFY2(frame->isClose(), describe(*frame));
        QCOMPARE(frame->closeCode(), clientCloses ? 1000 : 1002);
        // The client goes on sending requests after the server's close frame.
        if (peer.isConnected()) {
            QByteArray more;
            for (int i = 21; i <= 30; ++i)
                more += RawTcpPeer::frame(Text, echoRequest(QByteArray::number(i)));
            peer.socket.write(more);
            // Our close after them: a server that (wrongly) answered them would have
            // done so before it reads this and closes.
            if (!clientCloses && peer.isConnected()) {
                peer.socket.write(RawTcpPeer::frame(Close, RawTcpPeer::closePayload(1002)));
                peer.shutdownWrite();
            }
        }
        QVERIFY2(peer.waitForDisconnected(3000), "the server did not close the TCP connection");
        STEP(expectNoDataFrames(peer));
        STEP(verifyServerGoesOn());
    }

    void vanishedClientIsAbnormal_data()
    {
        QTest::addColumn<bool>("reset");
        QTest::addRow("reset (abort)") << true;
        QTest::addRow("TCP FIN without a close frame") << false;
    }
    void vanishedClientIsAbnormal()
    {
        // §7.1.5: a connection closed without a close frame is reported as 1006.
        QFETCH(bool, reset);
        STEP(start());
        {
            RawTcpPeer peer;
            STEP(openClient(peer));
            if (reset)
                peer.socket.abort();
            else
                peer.socket.disconnectFromHost();
            STEP(expectDisconnected(1006));
        }
        STEP(verifyServerGoesOn());
    }

    void halfCloseAfterRequests_data()
    {
        QTest::addColumn<bool>("pipelined");
        QTest::addRow("authenticated first") << false;
        QTest::addRow("handshake, auth and echo in one write") << true;
    }
    void halfCloseAfterRequests()
    {
        // A client that sends its requests and then ends its side of the stream (FIN,
        // no close frame) still reads: what it asked is answered, then the server
        // closes (reported as 1006, the connection ended without a close frame).
        QFETCH(bool, pipelined);
        STEP(start());
        RawTcpPeer peer;
        if (pipelined) {
            QVERIFY(peer.connectTcp(url()));
            peer.socket.write(RawTcpPeer::upgradeRequest(url()) + RawTcpPeer::frame(Text, AuthRequest)
                              + RawTcpPeer::frame(Text, echoRequest("\"last words\"")));
            QVERIFY(peer.shutdownWrite());
            const QByteArray head = peer.readResponseHead();
            QVERIFY2(head.startsWith("HTTP/1.1 101"), head.isEmpty() ? "no response" : head.constData());
            STEP(expectResponse(peer, QStringLiteral("auth"), QStringLiteral("success")));
        } else {
            STEP(openClient(peer));
            for (int i = 0; i < 4; ++i)
                peer.sendText(echoRequest("\"before " + QByteArray::number(i) + "\""));
            peer.sendText(echoRequest("\"last words\""));
            QVERIFY(peer.shutdownWrite());
            for (int i = 0; i < 4; ++i)
                STEP(expectResponse(peer, QStringLiteral("echo"), QStringLiteral("before %1").arg(i)));
        }
        STEP(expectResponse(peer, QStringLiteral("echo"), QStringLiteral("last words")));
        QVERIFY(peer.waitForDisconnected());
        STEP(expectDisconnected(1006));
        STEP(verifyServerGoesOn());
    }

    void stalledMidFrame_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        const QByteArray frame = RawTcpPeer::frame(Text, echoRequest("\"" + QByteArray(100, 'x') + "\""));
        QTest::addRow("one byte of a header") << frame.left(1);
        QTest::addRow("header and half the payload") << frame.left(frame.size() / 2);
        QTest::addRow("first fragment of a message") << RawTcpPeer::rawFrame(Text, echoRequest("\"x\"").left(10));
    }
    void stalledMidFrame()
    {
        // A client that stops inside a message is closed after messageTimeout with 1008;
        // the others are served meanwhile.
        QFETCH(QByteArray, bytes);
        SocketConfig c = baseConfig();
        c.setMessageTimeout(300);
        STEP(start(c));
        RawTcpPeer staller;
        STEP(openClient(staller));
        QElapsedTimer clock;
        clock.start();
        staller.socket.write(bytes);
        std::optional<ServerFrame> frame;
        for (int i = 0; !frame && staller.isConnected() && clock.elapsed() < 5000; ++i) {
            STEP(echoRoundTrip(*m_bystander, QStringLiteral("meanwhile %1").arg(i)));
            QTest::qWait(20);
            frame = staller.readFrame(0);
        }
        const qint64 elapsed = clock.elapsed();
        QVERIFY2(frame, staller.isConnected() ? "not closed in time" : "closed without a close frame");
        QVERIFY2(frame->isClose(), describe(*frame));
        QCOMPARE(frame->closeCode(), 1008);
        QVERIFY2(elapsed >= 250 && elapsed < 3000, qPrintable(QString::number(elapsed)));
        // The answer ends the half message as garbage; the FIN after it ends the stream.
        staller.socket.write(RawTcpPeer::frame(Close, RawTcpPeer::closePayload(1008)));
        staller.shutdownWrite();
        QVERIFY2(staller.waitForDisconnected(3000), "the server did not close the TCP connection");
        STEP(expectDisconnected(1008));
        STEP(verifyServerGoesOn());
    }
};

QTEST_GUILESS_MAIN(tst_WebSocketConformance)
#include "tst_websocketconformance.moc"
