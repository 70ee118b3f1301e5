// SPDX-License-Identifier: MIT
#include "environmentconfig.h"

#include <QObject>

namespace Stonyx::Sockets {

EnvironmentConfig::EnvironmentConfig(QObject *owner, const QMetaObject &ownerType, std::span<const Binding> bindings)
    : m_owner(owner)
    , m_config(SocketConfig::fromEnvironment())
{
    const QMetaObject &keys = SocketConfig::staticMetaObject;
    for (const Binding &binding : bindings) {
        const QMetaProperty property = ownerType.property(ownerType.indexOfProperty(binding.property));
        const QMetaProperty key = keys.property(keys.indexOfProperty(binding.key));
        if (!property.hasNotifySignal() || !key.isValid())
            qFatal("%s.%s: no such property with a NOTIFY signal, or no SocketConfig key %s", ownerType.className(),
                   binding.property, binding.key);
        m_bound.append(Bound{binding.property, key, property.notifySignal()});
    }
}

const EnvironmentConfig::Bound &EnvironmentConfig::find(const char *property) const
{
    for (const Bound &bound : m_bound) {
        if (qstrcmp(bound.property, property) == 0)
            return bound;
    }
    qFatal("%s: the property %s is not bound to a SocketConfig key", m_owner->metaObject()->className(), property);
}

void EnvironmentConfig::write(const Bound &bound, const QVariant &value)
{
    m_explicit.insert(QByteArray(bound.key.name()));
    const QVariant before = bound.key.readOnGadget(&m_config);
    bound.key.writeOnGadget(&m_config, value);
    if (bound.key.readOnGadget(&m_config) != before)
        bound.notify.invoke(m_owner, Qt::DirectConnection);
}

void EnvironmentConfig::notifyAll() const
{
    for (const Bound &bound : m_bound)
        bound.notify.invoke(m_owner, Qt::DirectConnection);
}

bool EnvironmentConfig::setUseEnvironment(bool use)
{
    if (m_useEnvironment == use)
        return false;
    m_useEnvironment = use;
    SocketConfig rebuilt = use ? SocketConfig::fromEnvironment() : SocketConfig();
    // Carry over what QML set, through SocketConfig's gadget properties.
    const QMetaObject &meta = SocketConfig::staticMetaObject;
    for (const QByteArray &key : std::as_const(m_explicit)) {
        const QMetaProperty property = meta.property(meta.indexOfProperty(key.constData()));
        if (property.isValid())
            property.writeOnGadget(&rebuilt, property.readOnGadget(&m_config));
    }
    m_config = rebuilt;
    return true;
}

} // namespace Stonyx::Sockets
