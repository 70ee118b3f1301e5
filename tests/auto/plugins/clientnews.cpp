// SPDX-License-Identifier: MIT
// Client-side test plugin: stores what the server sent under "clientNews" on the application object.
#include <Stonyx/Sockets/SocketHandler>
#include <QCoreApplication>
#include <QObject>
#include <QVariant>

class ClientNews : public QObject, public Stonyx::Sockets::SocketHandler
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID StonyxSocketHandler_iid FILE "clientnews.json")
    Q_INTERFACES(Stonyx::Sockets::SocketHandler)
public:
    void handleResponse(const QJsonValue &response) override
    {
        QCoreApplication::instance()->setProperty("clientNews", response.toVariant());
    }
};
#include "clientnews.moc"
