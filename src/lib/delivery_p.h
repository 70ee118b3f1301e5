// SPDX-License-Identifier: MIT
#pragma once

// Internal: the delivery extensions of this library to protocol version 1 (see
// docs/protocol-extensions.md). Each is an extra field that version 1 receivers
// ignore. Not installed.

#include "message_p.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringView>

#include <cmath>

namespace Stonyx::Sockets::Delivery {

//! "id": an integer the client puts in a request; a server of this library echoes it in the response.
inline constexpr QStringView IdField = u"id";
//! "extensions": in a truthy auth response, the extensions the server supports.
inline constexpr QStringView ExtensionsField = u"extensions";
//! The name of the request id extension in ExtensionsField.
inline constexpr QStringView IdExtension = u"id";
//! "resume": in an auth request, \c true (the client can resume: give it a token) or the
//! resume token of the session to resume. Also the name of the extension in ExtensionsField.
inline constexpr QStringView ResumeField = u"resume";
//! "resumeToken": in a truthy auth response to a client that sent ResumeField, the token
//! that resumes this session after a lost connection.
inline constexpr QStringView ResumeTokenField = u"resumeToken";
//! "resumeWindow": next to ResumeTokenField, how many ms the session is held after a loss.
inline constexpr QStringView ResumeWindowField = u"resumeWindow";
//! "resumed": \c true in the auth response that resumed a held session.
inline constexpr QStringView ResumedField = u"resumed";
//! "resumeDropped": next to ResumedField, how many pushes the held session's buffer dropped.
inline constexpr QStringView ResumeDroppedField = u"resumeDropped";
//! The WebSocket handshake header of a client that is going to present a resume token:
//! the server reports the new connection (clientConnected()) only once the auth answer
//! decided that it is not a resume.
inline constexpr char ResumeHeader[] = "X-Stonyx-Resume";
//! The close code a server of this library closes its connections with when it shuts
//! down: 1012, service restart (IANA WebSocket close code registry).
inline constexpr int ServiceRestartCloseCode = 1012;

//! Whether a close frame from the server with \a code and \a reason, as QWebSocket
//! reports it, was a 1012. Qt WebSockets 6.4 takes the codes from 1012 to 2999 for
//! invalid: it reports 1002 (protocol error) with its own reason "Invalid close code
//! 1002 detected." (the code is replaced before the text is made), so 1012 itself and
//! the server's reason are lost. That exact reason, in English or translated, is taken
//! for a 1012: a server of this library closes with no other code Qt does not know.
inline bool isServiceRestart(int code, const QString &reason)
{
    if (code == ServiceRestartCloseCode)
        return true;
    if (code != 1002)
        return false;
    const char *const qtText = "Invalid close code %1 detected.";
    return reason == QString::fromLatin1(qtText).arg(1002)
        || reason == QCoreApplication::translate("QWebSocketDataProcessor", qtText).arg(1002);
}

//! The largest id: integers beyond 2^53 are not exact in JavaScript (nor in a double).
inline constexpr double MaxId = 9007199254740991.0;

//! \a id (a message's "id" member) if it is a valid request id (an integer in [0, MaxId]), else undefined.
inline QJsonValue requestId(const QJsonValue &id)
{
    if (!id.isDouble())
        return QJsonValue(QJsonValue::Undefined);
    const double v = id.toDouble();
    if (!std::isfinite(v) || v < 0 || v > MaxId || v != std::floor(v))
        return QJsonValue(QJsonValue::Undefined);
    return id;
}

//! \a json (a compact JSON object, as Message::encode*() writes it) with \a field set to
//! \a value appended; unchanged when \a value is undefined. \a field must not be in it yet.
inline QByteArray withField(QByteArray json, QStringView field, const QJsonValue &value)
{
    if (value.isUndefined() || !json.endsWith('}'))
        return json;
    json.chop(1);
    if (json.size() > 1)
        json += ',';
    json += '"';
    json += field.toLatin1();
    json += "\":";
    json += Message::toJsonText(value);
    json += '}';
    return json;
}

//! What a server of this library advertises in its truthy auth response.
inline QJsonArray serverExtensions(bool resume = false)
{
    QJsonArray extensions{IdExtension.toString()};
    if (resume)
        extensions.append(ResumeField.toString());
    return extensions;
}

} // namespace Stonyx::Sockets::Delivery
