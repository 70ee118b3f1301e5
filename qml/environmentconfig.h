// SPDX-License-Identifier: MIT
#pragma once

#include <Stonyx/Sockets/SocketConfig>

#include <QByteArray>
#include <QSet>

namespace Stonyx::Sockets {

/*!
    \internal
    The configuration of a QML SocketServer or SocketClient: the defaults or the
    \c SOCKET_* environment (SocketConfig::fromEnvironment()) underneath, and the
    settings made from QML on top. A bad variable leaves the configuration invalid
    (validate() says which); it is never silently replaced by the defaults. Setting
    useEnvironment to false drops the environment, keeping the settings made from QML.

    Thread affinity: used by its QML type only, on the engine's thread.
*/
class EnvironmentConfig
{
public:
    /*! Starts from the environment. */
    EnvironmentConfig();

    /*! The configuration in effect. */
    const SocketConfig &config() const { return m_config; }
    /*!
        Sets the SocketConfig property \a key (its Q_PROPERTY name, e.g. "authKey") with
        \a apply, and remembers that QML set it, so it survives a change of
        useEnvironment.
    */
    template<typename Apply>
    void set(const char *key, Apply &&apply)
    {
        m_explicit.insert(QByteArray(key));
        apply(m_config);
    }

    /*! Whether the environment is the base. */
    bool useEnvironment() const { return m_useEnvironment; }
    /*! Rebuilds the configuration on the environment or the defaults; returns false if unchanged. */
    bool setUseEnvironment(bool use);

private:
    SocketConfig m_config;
    QSet<QByteArray> m_explicit;
    bool m_useEnvironment = true;
};

} // namespace Stonyx::Sockets
