// SPDX-License-Identifier: MIT
#include "websockethandshake_p.h"

#include "socketserver.h"

#include <QCryptographicHash>

namespace Stonyx::Sockets {

namespace {

constexpr char Guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

bool isSpace(char c)
{
    return c == ' ' || c == '\t';
}

QByteArrayView trimmed(QByteArrayView view)
{
    while (!view.isEmpty() && isSpace(view.front()))
        view = view.sliced(1);
    while (!view.isEmpty() && isSpace(view.back()))
        view.chop(1);
    return view;
}

// True if the comma-separated list \a value holds \a token (any case).
bool hasToken(QByteArrayView value, QByteArrayView token)
{
    qsizetype from = 0;
    while (from <= value.size()) {
        qsizetype comma = value.indexOf(',', from);
        if (comma < 0)
            comma = value.size();
        if (trimmed(value.sliced(from, comma - from)).compare(token, Qt::CaseInsensitive) == 0)
            return true;
        from = comma + 1;
    }
    return false;
}

// A header field name: an HTTP token (RFC 9110 §5.6.2).
bool isToken(QByteArrayView name)
{
    if (name.isEmpty())
        return false;
    for (char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7F || QByteArrayView("\"(),/:;<=>?@[\\]{}").contains(c))
            return false;
    }
    return true;
}

} // namespace

qsizetype WebSocketHandshake::headEnd(QByteArrayView buffer)
{
    const qsizetype at = buffer.indexOf(QByteArrayView("\r\n\r\n"));
    return at < 0 ? -1 : at + 4;
}

WebSocketHandshake WebSocketHandshake::parse(QByteArrayView head)
{
    WebSocketHandshake request;
    // The request line: GET <target> HTTP/1.1 (RFC 6455 §4.1: at least HTTP/1.1).
    qsizetype lineEnd = head.indexOf(QByteArrayView("\r\n"));
    if (lineEnd < 0) {
        request.refuseBadRequest(SocketServer::tr("the request has no request line"));
        return request;
    }
    const QByteArrayView line = head.first(lineEnd);
    const qsizetype space1 = line.indexOf(' ');
    const qsizetype space2 = space1 < 0 ? -1 : line.indexOf(' ', space1 + 1);
    if (space1 <= 0 || space2 <= space1 + 1) {
        request.refuseBadRequest(SocketServer::tr("the request line is malformed"));
        return request;
    }
    const QByteArrayView method = line.first(space1);
    const QByteArrayView version = line.sliced(space2 + 1);
    if (method != QByteArrayView("GET")) {
        request.refuseBadRequest(SocketServer::tr("the request method is not GET"));
        return request;
    }
    if (version != QByteArrayView("HTTP/1.1")) {
        request.refuseBadRequest(SocketServer::tr("the request is not HTTP/1.1"));
        return request;
    }
    const QByteArrayView target = line.sliced(space1 + 1, space2 - space1 - 1);
    for (char c : target) {
        // RFC 9112 §3.2: no whitespace or control character (a NUL, a bare CR or LF).
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) {
            request.refuseBadRequest(SocketServer::tr("the request line is malformed"));
            return request;
        }
    }
    request.m_target = target.toByteArray();

    // Header fields, up to the blank line.
    qsizetype at = lineEnd + 2;
    for (;;) {
        lineEnd = head.indexOf(QByteArrayView("\r\n"), at);
        if (lineEnd < 0) {
            request.refuseBadRequest(SocketServer::tr("the request head does not end with a blank line"));
            return request;
        }
        if (lineEnd == at)
            break; // the blank line
        const QByteArrayView field = head.sliced(at, lineEnd - at);
        at = lineEnd + 2;
        const qsizetype colon = field.indexOf(':');
        if (colon <= 0 || !isToken(field.first(colon))) {
            request.refuseBadRequest(SocketServer::tr("a request header line is malformed"));
            return request;
        }
        QByteArray name = field.first(colon).toByteArray().toLower();
        const QByteArrayView value = trimmed(field.sliced(colon + 1));
        // A bare CR or LF (a proxy splitting lines on LF would see other fields) or a
        // NUL in a value: RFC 9110 §5.5 says to reject the message.
        if (value.contains('\r') || value.contains('\n') || value.contains('\0')) {
            request.refuseBadRequest(SocketServer::tr("a request header holds a CR, LF or NUL character"));
            return request;
        }
        bool joined = false;
        for (auto &[known, knownValue] : request.m_headers) {
            if (known == name) {
                if (name == "host") { // RFC 9112 §3.2: exactly one Host
                    request.refuseBadRequest(SocketServer::tr("the request has more than one Host header"));
                    return request;
                }
                knownValue += ", " + value.toByteArray();
                joined = true;
                break;
            }
        }
        if (!joined)
            request.m_headers.append({std::move(name), value.isEmpty() ? QByteArray("") : value.toByteArray()});
    }

    // RFC 6455 §4.2.1.
    if (!request.hasHeader("host")) {
        request.refuseBadRequest(SocketServer::tr("the request has no Host header"));
        return request;
    }
    if (!hasToken(request.header("upgrade"), "websocket")) {
        request.refuseBadRequest(SocketServer::tr("the request does not ask to upgrade to WebSocket"));
        return request;
    }
    if (!hasToken(request.header("connection"), "upgrade")) {
        request.refuseBadRequest(SocketServer::tr("the request's Connection header does not hold Upgrade"));
        return request;
    }
    const QByteArray key = request.header("sec-websocket-key");
    const QByteArray decoded = QByteArray::fromBase64(key, QByteArray::AbortOnBase64DecodingErrors);
    if (key.size() != 24 || decoded.size() != 16) {
        request.refuseBadRequest(SocketServer::tr("the request's Sec-WebSocket-Key is not 16 bytes in base64"));
        return request;
    }
    if (request.header("sec-websocket-version") != QByteArrayView("13")) {
        request.refuse(Verdict::UnsupportedVersion, SocketServer::tr("the request asks for a WebSocket version other than 13"));
        return request;
    }
    request.m_verdict = Verdict::Upgrade;
    return request;
}

QByteArray WebSocketHandshake::header(QByteArrayView name) const
{
    for (const auto &[known, value] : m_headers) {
        if (QByteArrayView(known).compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return QByteArray();
}

QByteArray WebSocketHandshake::acceptKey(QByteArrayView key)
{
    QCryptographicHash hash(QCryptographicHash::Sha1);
    hash.addData(key);
    hash.addData(QByteArrayView(Guid));
    return hash.result().toBase64();
}

QByteArray WebSocketHandshake::response() const
{
    switch (m_verdict) {
    case Verdict::Upgrade:
        return "HTTP/1.1 101 Switching Protocols\r\n"
               "Upgrade: websocket\r\n"
               "Connection: Upgrade\r\n"
               "Sec-WebSocket-Accept: "
            + acceptKey(header("sec-websocket-key")) + "\r\n\r\n";
    case Verdict::Forbidden:
        return "HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    case Verdict::UnsupportedVersion:
        return "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    case Verdict::BadRequest:
        break;
    }
    return "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
}

} // namespace Stonyx::Sockets
