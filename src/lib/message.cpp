// SPDX-License-Identifier: MIT
#include "message_p.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <cmath>

namespace Stonyx::Sockets::Message {

DecodeResult decode(const QByteArray &json, QStringView payloadKey, Incoming *out, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        // QJsonDocument takes no scalar at the top level ("x", 42, true): valid JSON
        // all the same, so not invalid input. Only this error path pays for the check.
        QJsonParseError wrappedError;
        const QJsonDocument wrapped = QJsonDocument::fromJson('[' + json + ']', &wrappedError);
        if (wrappedError.error == QJsonParseError::NoError && wrapped.array().size() == 1) {
            *error = QCoreApplication::translate("Stonyx::Sockets::Message", "the message is not a JSON object");
            return DecodeResult::NotAnObject;
        }
        *error = QCoreApplication::translate("Stonyx::Sockets::Message", "invalid JSON: %1 at offset %2")
                     .arg(parseError.errorString())
                     .arg(parseError.offset);
        return DecodeResult::InvalidJson;
    }
    if (!document.isObject()) {
        *error = QCoreApplication::translate("Stonyx::Sockets::Message", "the message is not a JSON object");
        return DecodeResult::NotAnObject;
    }
    out->object = document.object();
    const QJsonValue request = out->object.value(u"request");
    out->request = request.isString() ? request.toString() : QString();
    out->payload = out->object.value(payloadKey);
    return DecodeResult::Ok;
}

namespace {

QByteArray encode(const QString &request, QStringView key, const QJsonValue &value, const QString &sessionKey)
{
    QJsonObject object{{QStringLiteral("request"), request}};
    if (!value.isUndefined())
        object.insert(key, value);
    if (!sessionKey.isEmpty())
        object.insert(u"sessionKey", sessionKey);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

QByteArray encodeRequest(const QString &request, const QJsonValue &data)
{
    return encode(request, u"data", data, {});
}

QByteArray encodeResponse(const QString &request, const QJsonValue &response, const QString &sessionKey)
{
    return encode(request, u"response", response, sessionKey);
}

QByteArray toJsonText(const QJsonValue &value)
{
    if (value.isObject())
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    if (value.isUndefined())
        return QByteArrayLiteral("undefined");
    // Wrap scalars in an array and strip the brackets.
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

bool isTruthy(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return value.toBool();
    case QJsonValue::Double: {
        const double v = value.toDouble();
        return v != 0 && !std::isnan(v);
    }
    case QJsonValue::String:
        return !value.toString().isEmpty();
    case QJsonValue::Array:
    case QJsonValue::Object:
        return true;
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return false;
    }
    return false;
}

} // namespace Stonyx::Sockets::Message
