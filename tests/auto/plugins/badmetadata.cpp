// SPDX-License-Identifier: MIT
// A handler whose metadata has a wrongly typed field ("skipAuth": "yes").
#include <Stonyx/Sockets/SocketHandler>
#include <QObject>

class BadMetadata : public QObject, public Stonyx::Sockets::SocketHandler
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID StonyxSocketHandler_iid FILE "badmetadata.json")
    Q_INTERFACES(Stonyx::Sockets::SocketHandler)
};
#include "badmetadata.moc"
