// SPDX-License-Identifier: MIT
#pragma once

#include <QJSValue>
#include <QString>

class QJSEngine;

namespace Stonyx::Sockets::ScriptCall {

/*!
    \internal
    The outcome of calling user JavaScript: either the value it returned (\c ok) or
    the value it threw, with a readable description of it.
*/
struct Result {
    bool ok = false;   //!< True if the function returned normally.
    QJSValue value;    //!< The returned value (when ok) or the thrown value (when not).
    QString message;   //!< When not ok: the thrown value as text ("Error: …", "denied", "42", "{…}").
};

/*!
    \internal
    Calls \a function with \a thisObject and \a arguments inside a JavaScript
    \c try / \c catch, so that \e any exception counts as one: QJSValue::call() alone
    returns a thrown value as if it had been returned, and QJSValue::isError() only
    recognises Error objects, so \c{throw "denied"} would look like a truthy result.
    (QJSEngine::catchError() would do this, but needs Qt 6.5.)

    The wrapper is evaluated once per engine. Must be called on the engine's thread.
    Returns a failed Result if \a engine is null or \a function is not callable.
*/
Result call(QJSEngine *engine, const QJSValue &function, const QJSValueList &arguments,
            const QJSValue &thisObject = QJSValue());

/*!
    \internal
    Reads \a object[\a name] inside a \c try / \c catch: a getter may throw, and
    QJSValue::property() would hand back the thrown value as the property's value.
    Result::ok is false if reading threw.
*/
Result property(QJSEngine *engine, const QJSValue &object, const QString &name);

/*!
    \internal
    Describes \a value (typically a thrown value or a rejection reason) as text
    without letting user code throw: an Error as "Name: message", an object as JSON
    where possible, anything else as String(value).
*/
QString describe(QJSEngine *engine, const QJSValue &value);

} // namespace Stonyx::Sockets::ScriptCall
