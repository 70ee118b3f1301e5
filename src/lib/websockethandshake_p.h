// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library: the server's side of the WebSocket opening handshake
// (RFC 6455 §4.2): reads a client's HTTP upgrade request and writes the answer. Not
// installed.
//
// Only what a WebSocket server needs of HTTP/1.1: a GET request line, header fields
// (names case-insensitive, values trimmed, repeated fields joined as a list), no body.
// No extension (permessage-deflate) and no subprotocol is negotiated: protocol
// version 1 uses neither, and a client that offers them gets the plain connection, as
// RFC 6455 lets a server answer.
//
// Thread affinity: none (functions of their arguments).

#include "stonyxsockets_export.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <utility>

namespace Stonyx::Sockets {

class STONYX_SOCKETS_EXPORT WebSocketHandshake
{
public:
    /*! The largest request head accepted, in bytes (what Node.js's HTTP server takes by default). */
    static constexpr qsizetype MaxRequestSize = 16 * 1024;

    /*! How a request was judged; the HTTP status that answers a refusal. */
    enum class Verdict {
        Upgrade,            // a valid WebSocket upgrade: answer with 101
        BadRequest,         // 400
        Forbidden,          // 403 (an Origin not allowed; set by the caller)
        UnsupportedVersion, // 426 with Sec-WebSocket-Version: 13
    };

    /*!
        Where the request head ends in \a buffer (the index after the blank line), or -1
        if it has not all arrived. A buffer of MaxRequestSize bytes without an end is
        too large.
    */
    static qsizetype headEnd(QByteArrayView buffer);

    /*! Parses a request head (through its blank line). verdict() tells whether it is an upgrade. */
    static WebSocketHandshake parse(QByteArrayView head);

    Verdict verdict() const { return m_verdict; }
    /*! Why a request is refused (for the server's log); empty for an upgrade. */
    QString problem() const { return m_problem; }
    /*! Refuses the request with \a verdict (e.g. Forbidden for its Origin). */
    void refuse(Verdict verdict, const QString &problem)
    {
        m_verdict = verdict;
        m_problem = problem;
    }

    /*! The request target (path and query), as sent. */
    QByteArray target() const { return m_target; }
    /*! The value of header field \a name (any case), several joined with ", "; null if absent. */
    QByteArray header(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const { return !header(name).isNull(); }

    /*! The answer to send: 101 with Sec-WebSocket-Accept, or the refusal's status. */
    QByteArray response() const;

    /*! Sec-WebSocket-Accept for \a key: base64(SHA-1(key + the RFC 6455 GUID)). */
    static QByteArray acceptKey(QByteArrayView key);

private:
    void refuseBadRequest(const QString &problem) { refuse(Verdict::BadRequest, problem); }

    Verdict m_verdict = Verdict::BadRequest;
    QString m_problem;
    QByteArray m_target;
    QList<std::pair<QByteArray, QByteArray>> m_headers; // names in lower case
};

} // namespace Stonyx::Sockets
