// SPDX-License-Identifier: MIT
// Claims the handler IID but its object does not implement SocketHandler.
#include <Stonyx/Sockets/SocketHandler>
#include <QObject>

class NoInterface : public QObject
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID StonyxSocketHandler_iid FILE "nointerface.json")
};
#include "nointerface.moc"
