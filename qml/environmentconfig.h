// SPDX-License-Identifier: MIT
#pragma once

#include <Stonyx/Sockets/SocketConfig>

#include <QByteArray>
#include <QList>
#include <QMetaMethod>
#include <QMetaProperty>
#include <QSet>
#include <QVariant>

#include <span>

QT_BEGIN_NAMESPACE
class QObject;
QT_END_NAMESPACE

namespace Stonyx::Sockets {

/*!
    \internal
    The configuration of a QML SocketServer or SocketClient: the defaults or the
    \c SOCKET_* environment (SocketConfig::fromEnvironment()) underneath, and the
    settings made from QML on top. A bad variable leaves the configuration invalid
    (validate() says which); it is never silently replaced by the defaults. Setting
    useEnvironment to false drops the environment, keeping the settings made from QML.

    It also implements the QML properties that stand for SocketConfig keys, described
    once in a table of Binding: a getter is value(), a setter is setValue(), which
    emits the property's NOTIFY signal when the value changes, and a change of
    useEnvironment notifies them all (notifyAll()).

    Thread affinity: used by its QML type only, on the engine's thread.
*/
class EnvironmentConfig
{
public:
    /*! A QML property of the owner that stands for a SocketConfig key. */
    struct Binding {
        const char *property; //!< The owner's property, e.g. "url".
        const char *key;      //!< The SocketConfig property (key) behind it, e.g. "address".
    };

    /*!
        Starts from the environment. \a bindings are the properties of \a owner (of
        class \a ownerType) that are SocketConfig keys; a binding that names no
        property with a NOTIFY signal, or no key, is a programming error (fatal).
    */
    EnvironmentConfig(QObject *owner, const QMetaObject &ownerType, std::span<const Binding> bindings);

    /*! The configuration in effect. */
    const SocketConfig &config() const { return m_config; }

    /*! The value of the key behind the owner's \a property. */
    template<typename T>
    T value(const char *property) const
    {
        const Bound &bound = find(property);
        return bound.key.readOnGadget(&m_config).template value<T>();
    }
    /*!
        Sets the key behind the owner's \a property to \a value and remembers that QML
        set it, so it survives a change of useEnvironment. Emits the property's NOTIFY
        signal if the value changed.
    */
    template<typename T>
    void setValue(const char *property, const T &value)
    {
        write(find(property), QVariant::fromValue(value));
    }

    /*! Whether the environment is the base. */
    bool useEnvironment() const { return m_useEnvironment; }
    /*!
        Rebuilds the configuration on the environment or the defaults; returns false if
        unchanged. The caller then emits its own signal and notifyAll().
    */
    bool setUseEnvironment(bool use);
    /*! Emits the NOTIFY signal of every bound property, in the order of the bindings. */
    void notifyAll() const;

private:
    struct Bound {
        const char *property;
        QMetaProperty key;
        QMetaMethod notify;
    };
    const Bound &find(const char *property) const;
    void write(const Bound &bound, const QVariant &value);

    QObject *m_owner;
    QList<Bound> m_bound;
    SocketConfig m_config;
    QSet<QByteArray> m_explicit;
    bool m_useEnvironment = true;
};

} // namespace Stonyx::Sockets
