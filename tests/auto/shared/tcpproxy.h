// SPDX-License-Identifier: MIT
#pragma once

// A TCP proxy on 127.0.0.1 between a client and a server under test, to make the link
// misbehave in ways no well-behaved peer does: go silent without closing (a cable
// pulled, a NAT entry expired: no FIN, no RST), or end the connection with a FIN or a
// RST and no WebSocket close frame (a killed peer).

#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>

#include <memory>

namespace TestPeer {

class TcpProxy : public QObject
{
public:
    explicit TcpProxy(QObject *parent = nullptr);
    ~TcpProxy() override;

    /*! Listens on an ephemeral port of 127.0.0.1 and forwards every connection to \a upstream (ws://host:port). */
    bool listen(const QUrl &upstream);
    /*! ws://127.0.0.1:{port} of the proxy, with the upstream's path. */
    QUrl url() const;

    /*!
        With \a on false, the proxy swallows everything in both directions and closes
        nothing: both ends keep an open TCP connection on which nothing arrives. True
        (the default) forwards again.
    */
    void setForwarding(bool on);
    bool isForwarding() const { return m_forwarding; }

    /*!
        Stops reading what clients send (without swallowing it): their bytes pile up
        in the kernel's buffers, then in the client, as with a peer that does not read.
        Applies to the connections open now and later.
    */
    void stallClients();

    /*! Ends every client-side connection with a FIN (an orderly TCP close, no close frame). */
    void finClients();
    /*! Ends every client-side connection with a RST (SO_LINGER 0, then close). */
    void resetClients();

    /*! Connections accepted so far. */
    int connections() const { return m_connections; }
    /*! Bytes that came from clients and were swallowed while not forwarding. */
    qint64 swallowed() const { return m_swallowed; }

private:
    struct Pair {
        QPointer<QTcpSocket> down; // to the client
        QPointer<QTcpSocket> up;   // to the server
        QByteArray pending;        // from the client, before the upstream connected
    };
    void onNewConnection();
    void forward(Pair *pair, bool fromClient);

    QTcpServer m_server;
    QUrl m_upstream;
    std::vector<std::unique_ptr<Pair>> m_pairs;
    bool m_forwarding = true;
    bool m_stalled = false;
    int m_connections = 0;
    qint64 m_swallowed = 0;
};

} // namespace TestPeer
