// SPDX-License-Identifier: MIT
#include "environmentconfig.h"

#include <QMetaProperty>

namespace Stonyx::Sockets {

EnvironmentConfig::EnvironmentConfig()
    : m_config(SocketConfig::fromEnvironment())
{
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
