// SPDX-License-Identifier: MIT
#include "jsonconversion.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJSEngine>
#include <QJSValueIterator>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QSequentialIterable>

#include <cmath>

namespace Stonyx::Sockets::JsonConversion {

namespace {

constexpr int MaxDepth = 256;

// Keeps messages about deeply nested values readable.
QString elide(const QString &path)
{
    constexpr qsizetype Max = 80;
    return path.size() <= Max ? path : path.left(Max) + u'…';
}

class Converter
{
    Q_DECLARE_TR_FUNCTIONS(Stonyx::Sockets::JsonConversion)

public:
    QString error;

    bool convert(const QJSValue &value, const QString &path, QJsonValue *out)
    {
        if (value.isUndefined()) {
            *out = QJsonValue(QJsonValue::Undefined);
            return true;
        }
        if (value.isNull()) {
            *out = QJsonValue(QJsonValue::Null);
            return true;
        }
        if (value.isBool()) {
            *out = value.toBool();
            return true;
        }
        if (value.isNumber()) {
            const double number = value.toNumber();
            if (!std::isfinite(number))
                return fail(tr("%1 is %2, which JSON cannot hold").arg(path, value.toString()));
            *out = number;
            return true;
        }
        if (value.isString()) {
            *out = value.toString();
            return true;
        }
        if (value.isCallable())
            return fail(tr("%1 is a function, which cannot be sent").arg(path));
        if (value.isDate()) {
            *out = value.toDateTime().toUTC().toString(Qt::ISODateWithMs);
            return true;
        }
        if (value.isQObject() || value.isQMetaObject())
            return fail(tr("%1 is a QObject, which cannot be sent").arg(path));
        if (value.isVariant() || value.isError() || value.isRegExp() || value.isUrl())
            return fail(tr("%1 cannot be converted to JSON").arg(path));
        if (!value.isObject())
            return fail(tr("%1 cannot be converted to JSON").arg(path));

        if (m_ancestors.size() >= MaxDepth)
            return fail(tr("%1 is nested more than %2 levels deep").arg(elide(path)).arg(MaxDepth));
        for (const QJSValue &ancestor : std::as_const(m_ancestors)) {
            if (ancestor.strictlyEquals(value))
                return fail(tr("%1 refers back to itself (a cyclic structure cannot be sent)").arg(path));
        }
        m_ancestors.append(value);
        // Lists from C++ (QStringList, QVariantList...) reach JavaScript as sequence
        // objects, not Arrays: they are sent as arrays too.
        const bool sequence = !value.isArray() && value.property(QStringLiteral("length")).isNumber()
            && value.toVariant().canConvert<QSequentialIterable>();
        const bool ok = value.isArray() || sequence ? convertArray(value, path, out) : convertObject(value, path, out);
        m_ancestors.removeLast();
        return ok;
    }

private:
    QList<QJSValue> m_ancestors;

    bool fail(const QString &message)
    {
        error = message;
        return false;
    }

    bool convertArray(const QJSValue &value, const QString &path, QJsonValue *out)
    {
        const quint32 length = value.property(QStringLiteral("length")).toUInt();
        QJsonArray array;
        for (quint32 i = 0; i < length; ++i) {
            QJsonValue element;
            if (!convert(value.property(i), path + u'[' + QString::number(i) + u']', &element))
                return false;
            array.append(element.isUndefined() ? QJsonValue(QJsonValue::Null) : element);
        }
        *out = array;
        return true;
    }

    bool convertObject(const QJSValue &value, const QString &path, QJsonValue *out)
    {
        QJsonObject object;
        QJSValueIterator it(value);
        while (it.hasNext()) {
            it.next();
            QJsonValue member;
            if (!convert(it.value(), path + u'.' + it.name(), &member))
                return false;
            if (!member.isUndefined())
                object.insert(it.name(), member);
        }
        *out = object;
        return true;
    }
};

} // namespace

bool toJson(const QJSValue &value, const QString &name, QJsonValue *result, QString *error)
{
    Converter converter;
    if (!converter.convert(value, name, result)) {
        if (error)
            *error = converter.error;
        return false;
    }
    return true;
}

QJSValue toScript(QJSEngine *engine, const QJsonValue &value)
{
    if (value.isUndefined() || !engine)
        return QJSValue(QJSValue::UndefinedValue);
    return engine->toScriptValue(value);
}

} // namespace Stonyx::Sockets::JsonConversion
