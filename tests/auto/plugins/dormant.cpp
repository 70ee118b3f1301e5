// SPDX-License-Identifier: MIT
// Test plugin that serves neither side: discovery must not load it.
#include <Stonyx/Sockets/SocketHandler>
#include <QObject>

class Dormant : public QObject, public Stonyx::Sockets::SocketHandler
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID StonyxSocketHandler_iid FILE "dormant.json")
    Q_INTERFACES(Stonyx::Sockets::SocketHandler)
};
#include "dormant.moc"
