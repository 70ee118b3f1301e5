// SPDX-License-Identifier: MIT
#pragma once

// Protocol peers written against PROTOCOL.md with FrameCipher and raw QWebSockets,
// so tests can send exactly the bytes they want (garbage included) and see exactly
// what the library sends.

#include <Stonyx/Sockets/FrameCipher>
#include <Stonyx/Sockets/SocketConfig>

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QUrl>
#include <QWebSocket>
#include <QWebSocketServer>

#include <optional>

namespace TestPeer {

/*!
    \a config with the worker threads the test run asks for: STONYX_TEST_WORKER_THREADS
    (ctest runs the server suites with 1 and with 4), else 1. Every SocketServer a
    test makes goes through it.
*/
Stonyx::Sockets::SocketConfig withWorkers(Stonyx::Sockets::SocketConfig config);

/*! The global key for \a authKey, derived once per process. */
QByteArray globalKey(const QString &authKey);
/*! Compact JSON of \a object. */
QByteArray json(const QJsonObject &object);
/*! In a _data() function: a bool column "encryption" with the rows "encrypted" and "plain". */
void addEncryptionRows();

/*! A raw protocol client. */
class RawClient : public QObject
{
    Q_OBJECT
public:
    RawClient(bool encryption, const QString &authKey);

    bool open(const QUrl &url);                         // waits until connected
    void sendFrame(const QByteArray &bytes);             // a binary frame as is
    void sendText(const QString &text);                  // a text frame as is
    void sendJson(const QByteArray &json);               // encrypted as the session requires
    void sendRequest(const QString &request, const QJsonValue &data);
    // Sends the auth request and waits for a message; returns it (session key stored).
    std::optional<QJsonObject> authenticate(const QJsonObject &extra = {});
    std::optional<QJsonObject> waitForMessage(int timeoutMs = 5000);
    bool waitForClose(int timeoutMs = 5000);
    bool isOpen() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    int closeCode() const { return m_closeCode; }
    QString closeReason() const { return m_closeReason; }
    bool hasSessionKey() const { return m_session.isValid(); }
    // True if the last message had to be opened with the global key although a
    // session key was set (the auth response of a second authentication).
    bool lastOpenedWithGlobalKey() const { return m_lastGlobal; }
    void ping() { m_socket.ping(); }
    QWebSocket &socket() { return m_socket; }

private:
    void onFrame(const QByteArray &bytes);

    bool m_encryption;
    QString m_authKey;
    Stonyx::Sockets::FrameCipher m_global;
    Stonyx::Sockets::FrameCipher m_session;
    QWebSocket m_socket;
    QList<QJsonObject> m_inbox;
    int m_closeCode = -1;
    QString m_closeReason;
    bool m_closed = false;
    bool m_lastGlobal = false;
};

/*! A raw protocol server for one client at a time, for testing SocketClient. */
class RawServer : public QObject
{
    Q_OBJECT
public:
    RawServer(bool encryption, const QString &authKey);

    bool listen(quint16 port = 0);
    QUrl url() const;
    void close();

    void send(const QString &request, const QJsonValue &response); // encrypted as the session requires
    void sendFrame(const QByteArray &bytes);

    bool answerHeartBeat = true;
    QList<QJsonObject> received;  // every decoded message, heartbeats included
    int heartBeats = 0;
    int connections = 0;
    bool hasClient() const { return m_client; }

Q_SIGNALS:
    void messageDecoded(const QJsonObject &message);

private:
    void onFrame(const QByteArray &bytes);

    bool m_encryption;
    Stonyx::Sockets::FrameCipher m_global;
    Stonyx::Sockets::FrameCipher m_session;
    QWebSocketServer m_server;
    QPointer<QWebSocket> m_client;
};

/*! A frame as a server sent it, parsed by RawTcpPeer::readFrame(). */
struct ServerFrame {
    bool fin = false;
    quint8 rsv = 0;        // the three RSV bits, as 0..7
    quint8 opcode = 0;
    bool masked = false;   // a server must not mask (RFC 6455 §5.1); payload is unmasked here
    QByteArray payload;

    bool isClose() const { return opcode == 0x8; }
    // A close frame's status code: 1005 (no status) for an empty payload, -1 for a 1-byte one.
    int closeCode() const;
    QByteArray closeReason() const { return payload.size() > 2 ? payload.mid(2) : QByteArray(); }
};

/*!
    A WebSocket client on a bare TCP socket: it can stop reading, stop answering pings,
    send a frame a byte at a time or vanish without a close frame, which QWebSocket
    cannot be made to do. Frames are written as they are (plain, no encryption).
*/
class RawTcpPeer
{
public:
    static constexpr const char *DefaultKey = "dGhlIHNhbXBsZSBub25jZQ==";

    bool open(const QUrl &url);             // TCP connect and WebSocket handshake, waits
    bool connectTcp(const QUrl &url);       // TCP connect only, waits
    // The handshake request open() sends to \a url, with \a key and extra header lines.
    static QByteArray upgradeRequest(const QUrl &url, const QByteArray &key = DefaultKey,
                                     const QByteArray &extraHeaders = {});
    // base64(SHA-1(key + the RFC 6455 GUID)): the Sec-WebSocket-Accept for \a key.
    static QByteArray acceptFor(const QByteArray &key);
    // Writes \a request and returns readResponseHead().
    QByteArray upgrade(const QByteArray &request, int timeoutMs = 5000);
    // Waits for the end of an HTTP response head (the blank line) and returns the head,
    // blank line included; bytes after it stay in `received` for readFrame(). If the
    // connection closes (or the time runs out) first: whatever came, possibly nothing.
    QByteArray readResponseHead(int timeoutMs = 5000);
    // The value of header \a name (case-insensitive) in an HTTP head; null if absent.
    static QByteArray headerValue(const QByteArray &head, const QByteArray &name);

    static QByteArray frame(quint8 opcode, const QByteArray &payload); // masked, FIN set
    // A frame with \a head as its first byte (FIN, RSV1-3, opcode), masked unless told.
    static QByteArray rawFrame(quint8 head, const QByteArray &payload, bool masked = true);
    // The payload of a close frame: the code (big-endian) and the reason.
    static QByteArray closePayload(quint16 code, const QByteArray &reason = {});
    void sendText(const QByteArray &json) { socket.write(frame(0x1, json)); }

    // Half-closes: what was written goes out, then a TCP FIN; the peer can still read.
    bool shutdownWrite();

    // The next frame the server sent, or nothing if none is complete within \a timeoutMs
    // (or the connection closed before one was).
    std::optional<ServerFrame> readFrame(int timeoutMs = 5000);
    // Waits until the server closed the TCP connection; what it sent meanwhile stays
    // in `received`.
    bool waitForDisconnected(int timeoutMs = 5000);
    bool isConnected() const { return socket.state() == QAbstractSocket::ConnectedState; }

    QTcpSocket socket;
    QByteArray received; // read from the socket, not parsed yet
};

} // namespace TestPeer
