// SPDX-License-Identifier: MIT
#pragma once

// Conversion between JavaScript values and the JSON values the protocol carries.

#include <QJSValue>
#include <QJsonValue>
#include <QString>

QT_BEGIN_NAMESPACE
class QJSEngine;
QT_END_NAMESPACE

namespace Stonyx::Sockets::JsonConversion {

/*!
    Converts the JavaScript value \a value to JSON, as JSON.stringify() would, but
    strictly: objects, arrays, strings, finite numbers, booleans and null map one to
    one; a Date becomes its ISO 8601 text; \c undefined at the top level gives an
    undefined QJsonValue (the field is left out), in an object the key is left out,
    in an array it becomes null. Functions, cyclic structures, non-finite numbers,
    QObjects and nesting deeper than 256 levels are errors: the function then
    returns false and sets \a error to a translated message naming the offending
    part, starting from \a name (e.g. \c data.items[2]).
*/
bool toJson(const QJSValue &value, const QString &name, QJsonValue *result, QString *error);

/*! Converts \a value to a JavaScript value of \a engine (undefined stays undefined). */
QJSValue toScript(QJSEngine *engine, const QJsonValue &value);

} // namespace Stonyx::Sockets::JsonConversion
