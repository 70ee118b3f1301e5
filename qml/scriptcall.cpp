// SPDX-License-Identifier: MIT
#include "scriptcall.h"

#include <QCoreApplication>
#include <QJSEngine>
#include <QObject>

namespace Stonyx::Sockets::ScriptCall {

namespace {

// Evaluated once per engine. The functions are captured before user code runs, so a
// script that replaces Reflect.apply or JSON.stringify later cannot change them.
constexpr QLatin1StringView HelperSource(R"JS(
(function () {
    "use strict";
    const apply = Reflect.apply;
    const stringify = JSON.stringify;
    const toText = String;
    const tag = Object.prototype.toString;
    const ErrorType = Error;
    function describe(e) {
        try {
            if (e instanceof ErrorType)
                return toText(e);
            if (typeof e === "object" && e !== null) {
                const json = stringify(e);
                if (json !== undefined)
                    return json;
            }
            return toText(e);
        } catch (_) {
            try {
                return apply(tag, e, []);
            } catch (_2) {
                return "?";
            }
        }
    }
    return {
        call: function (f, self, args) {
            try {
                return { ok: true, value: apply(f, self, args) };
            } catch (e) {
                return { ok: false, value: e, message: describe(e) };
            }
        },
        get: function (o, name) {
            try {
                return { ok: true, value: o[name] };
            } catch (e) {
                return { ok: false, value: e, message: describe(e) };
            }
        },
        describe: describe
    };
})()
)JS");

constexpr QLatin1StringView HelperObjectName("stonyx.sockets.scriptcall");

// Owned by the engine (a child), so it lives exactly as long as the engine. A QJSValue
// that outlives its engine is safe to destroy.
class Helpers : public QObject
{
public:
    using QObject::QObject;
    QJSValue call;
    QJSValue get;
    QJSValue describe;
};

Helpers *helpers(QJSEngine *engine)
{
    if (!engine)
        return nullptr;
    if (auto *found = dynamic_cast<Helpers *>(
            engine->findChild<QObject *>(HelperObjectName, Qt::FindDirectChildrenOnly)))
        return found;
    const QJSValue object = engine->evaluate(HelperSource, QStringLiteral("stonyx-scriptcall.js"));
    if (object.isError() || !object.isObject())
        return nullptr;
    auto *created = new Helpers(engine);
    created->setObjectName(HelperObjectName);
    created->call = object.property(QStringLiteral("call"));
    created->get = object.property(QStringLiteral("get"));
    created->describe = object.property(QStringLiteral("describe"));
    return created;
}

QString noEngineMessage()
{
    return QCoreApplication::translate("Stonyx::Sockets::ScriptCall", "no JavaScript engine is available");
}

// Reads the {ok, value, message} object made by the helpers.
Result unpack(const QJSValue &outcome)
{
    Result result;
    if (outcome.isError() || !outcome.isObject()) {
        // Only if the helper itself failed (it catches everything user code throws).
        result.value = outcome;
        result.message = outcome.toString();
        return result;
    }
    result.ok = outcome.property(QStringLiteral("ok")).toBool();
    result.value = outcome.property(QStringLiteral("value"));
    if (!result.ok)
        result.message = outcome.property(QStringLiteral("message")).toString();
    return result;
}

} // namespace

Result call(QJSEngine *engine, const QJSValue &function, const QJSValueList &arguments, const QJSValue &thisObject)
{
    Helpers *h = helpers(engine);
    if (!h) {
        Result result;
        result.message = noEngineMessage();
        return result;
    }
    if (!function.isCallable()) {
        Result result;
        result.message = QCoreApplication::translate("Stonyx::Sockets::ScriptCall", "%1 is not a function")
                             .arg(describe(engine, function));
        return result;
    }
    QJSValue list = engine->newArray(uint(arguments.size()));
    for (qsizetype i = 0; i < arguments.size(); ++i)
        list.setProperty(quint32(i), arguments.at(i));
    return unpack(h->call.call({function, thisObject, list}));
}

Result property(QJSEngine *engine, const QJSValue &object, const QString &name)
{
    Helpers *h = helpers(engine);
    if (!h) {
        Result result;
        result.message = noEngineMessage();
        return result;
    }
    if (!object.isObject()) { // primitives: nothing user-defined can run
        Result result;
        result.ok = true;
        result.value = QJSValue(QJSValue::UndefinedValue);
        return result;
    }
    return unpack(h->get.call({object, QJSValue(name)}));
}

QString describe(QJSEngine *engine, const QJSValue &value)
{
    Helpers *h = helpers(engine);
    if (!h)
        return value.isObject() ? QStringLiteral("[object]") : value.toString();
    const QJSValue text = h->describe.call({value});
    return text.isString() ? text.toString() : QStringLiteral("?");
}

} // namespace Stonyx::Sockets::ScriptCall
