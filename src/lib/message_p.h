// SPDX-License-Identifier: MIT
#pragma once

// Internal: the JSON envelope of protocol version 1. Not installed.

#include "stonyxsockets_export.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace Stonyx::Sockets::Message {

inline constexpr QStringView AuthRequest = u"auth";
inline constexpr QStringView HeartBeatRequest = u"heartBeat";

/*! A decoded incoming message. */
struct Incoming {
    QString request;       // empty if the field is missing or not a string
    QJsonValue payload;    // "data" (to a server) or "response" (to a client); Undefined if absent
    QJsonObject object;    // the whole message, for extra fields such as "sessionKey"
};

/*! How an incoming text parsed. */
enum class DecodeResult {
    Ok,          //!< A JSON object: a message.
    NotAnObject, //!< Valid JSON that is not an object ([1,2], "x", 42): no message; receivers ignore it.
    InvalidJson, //!< Not JSON at all: invalid input.
};

/*! Parses one message; \a error says what is wrong unless the result is Ok. */
STONYX_SOCKETS_EXPORT DecodeResult decode(const QByteArray &json, QStringView payloadKey, Incoming *out, QString *error);

/*! {"request": request, "data": data} (data left out when undefined). */
STONYX_SOCKETS_EXPORT QByteArray encodeRequest(const QString &request, const QJsonValue &data);
/*! {"request": request, "response": response[, "sessionKey": sessionKey]}. */
STONYX_SOCKETS_EXPORT QByteArray encodeResponse(const QString &request, const QJsonValue &response,
                                                const QString &sessionKey = {});

/*! Compact JSON text of any value (QJsonDocument only takes objects and arrays). */
STONYX_SOCKETS_EXPORT QByteArray toJsonText(const QJsonValue &value);

/*! JavaScript truthiness: false, 0, NaN, "", null and undefined are falsy. */
bool isTruthy(const QJsonValue &value);
/*! null or undefined: "no value", the handler result that sends nothing. */
inline bool isNothing(const QJsonValue &value)
{
    return value.isNull() || value.isUndefined();
}

} // namespace Stonyx::Sockets::Message
