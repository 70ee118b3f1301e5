// SPDX-License-Identifier: MIT
#pragma once

// Internal: the delivery extensions of this library to protocol version 1 (see
// docs/protocol-extensions.md). Each is an extra field that version 1 receivers
// ignore. Not installed.

#include "message_p.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringView>

#include <cmath>

namespace Stonyx::Sockets::Delivery {

//! "id": an integer the client puts in a request; a server of this library echoes it in the response.
inline constexpr QStringView IdField = u"id";
//! "extensions": in a truthy auth response, the extensions the server supports.
inline constexpr QStringView ExtensionsField = u"extensions";
//! The name of the request id extension in ExtensionsField.
inline constexpr QStringView IdExtension = u"id";
//! The largest id: integers beyond 2^53 are not exact in JavaScript (nor in a double).
inline constexpr double MaxId = 9007199254740991.0;

//! The id of \a message if it has a valid one (an integer in [0, MaxId]), else undefined.
inline QJsonValue requestId(const QJsonObject &message)
{
    const QJsonValue id = message.value(IdField);
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
inline QJsonArray serverExtensions()
{
    return QJsonArray{IdExtension.toString()};
}

} // namespace Stonyx::Sockets::Delivery
