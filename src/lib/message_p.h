// SPDX-License-Identifier: MIT
#pragma once

// Internal: the JSON envelope of protocol version 1. Not installed.

#include "stonyxsockets_export.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

namespace Stonyx::Sockets::Message {

inline constexpr QStringView AuthRequest = u"auth";
inline constexpr QStringView HeartBeatRequest = u"heartBeat";

/*!
    A decoded incoming message. The request name is kept as a string and the other
    members as they are, without a QJsonObject around them: building one cost a
    plain echo a quarter of the server's instructions (two QJsonObject::insert calls,
    each converting to CBOR and back), for fields read once.
*/
struct STONYX_SOCKETS_EXPORT Incoming {
    QString request;       // empty if the field is missing or not a string
    QJsonValue payload;    // "data" (to a server) or "response" (to a client); Undefined if absent
    // Set by the caller, kept by clear(): the request name of an earlier message. A
    // request spelled the same (plain ASCII) shares this string instead of a new one
    // (most messages repeat a few names; the conversion and allocation were 5 % of a
    // plain echo's instructions).
    QString recentRequest;

    /*! Any member (also "request" and the payload); Undefined if absent. */
    QJsonValue value(QStringView key) const;
    /*! The whole message, as QJsonDocument would have read it (tests, diagnostics). */
    QJsonObject toObject() const;

    /*! Sets a member read from the text; a repeated key replaces the earlier value, as in QJsonObject. */
    void set(const QString &key, const QJsonValue &value, QStringView payloadKey);
    /*! The same for the payload member (\a payloadKey: a literal, kept as a view). */
    void setPayload(const QJsonValue &value, QStringView payloadKey);
    /*! The same for a string-valued "request" (no QJsonValue made for it). */
    void setRequest(const QString &name);
    /*! Back to an empty message. */
    void clear();

private:
    bool m_requestIsString = false;           // "request" is the string `request`
    QStringView m_payloadKey;                 // set once a payload member was read (a literal: u"data")
    QList<std::pair<QString, QJsonValue>> m_others; // every other member, a non-string "request" included
};

/*! How an incoming text parsed. */
enum class DecodeResult {
    Ok,          //!< A JSON object: a message.
    NotAnObject, //!< Valid JSON that is not an object ([1,2], "x", 42): no message; receivers ignore it.
    InvalidJson, //!< Not JSON at all: invalid input.
};

/*! Parses one message, UTF-8 text; \a error says what is wrong unless the result is Ok. */
STONYX_SOCKETS_EXPORT DecodeResult decode(const QByteArray &json, QStringView payloadKey, Incoming *out, QString *error);
/*!
    The same for text already in UTF-16 (a text frame as QWebSocket gives it), read as
    it is: the verdict and values are those of its UTF-8 form, without making it.
*/
STONYX_SOCKETS_EXPORT DecodeResult decode(QStringView json, QStringView payloadKey, Incoming *out, QString *error);

/*! The length of \a text in UTF-8 (a lone surrogate, which no decoded text holds, counts 2). */
STONYX_SOCKETS_EXPORT qsizetype utf8Length(QStringView text);

/*! {"request": request, "data": data} (data left out when undefined). */
STONYX_SOCKETS_EXPORT QByteArray encodeRequest(const QString &request, const QJsonValue &data);
/*! {"request": request, "response": response[, "sessionKey": sessionKey]}. */
STONYX_SOCKETS_EXPORT QByteArray encodeResponse(const QString &request, const QJsonValue &response,
                                                const QString &sessionKey = {});
/*!
    The same without a session key, written into \a buffer, which keeps its memory
    for the next call once the caller let go of the result (one allocation less per
    answer). A buffer that grew beyond KeptBufferCapacity is released.
*/
inline constexpr qsizetype KeptBufferCapacity = 64 * 1024;
STONYX_SOCKETS_EXPORT QByteArray encodeResponse(const QString &request, const QJsonValue &response, QByteArray *buffer);

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
