// SPDX-License-Identifier: MIT
#pragma once

#include "backplane.h"
#include "stonyxsocketsredis_export.h"

#include <QString>

#include <memory>

namespace Stonyx::Sockets {

/*!
    \class Stonyx::Sockets::RedisBackplane
    \brief A Backplane over Redis publish/subscribe, built on hiredis.

    In the library \c Stonyx::SocketsRedis (package \c libstonyxsocketsredis), so
    that the core library does not depend on hiredis. Give it to each server of the
    cluster with SocketServer::setBackplane():

    \code
    Stonyx::Sockets::RedisBackplane backplane(config.redisUrl());
    Stonyx::Sockets::SocketServer server(config);
    server.setBackplane(&backplane);
    server.listen();
    \endcode

    The URL has the form \c{redis://[:password@]host:port[/db]} (SocketConfig::redisUrl()).
    Two TCP connections are made: one subscribed to the channel, one for commands
    (PUBLISH, SET ... PX, PEXPIRE, DEL and a PING every second). With a password each
    sends AUTH first; the command connection selects \c db. Commands are formatted and
    replies parsed by hiredis (its RESP reader); the connections are QTcpSockets, so
    host names are looked up without blocking. hiredis's own asynchronous layer is not
    used: hiredis 0.14 (Debian 12) aborts the process on a reply nobody asked for,
    which a broken or hostile peer can send; here such input ends the connection.

    When a connection fails, is refused, or Redis leaves four PINGs in a row (or a
    connection attempt 5 s) unanswered, both connections are dropped, status() goes back to
    Connecting, errorOccurred() is emitted and a warning logged once for the outage, and
    a new attempt follows after a delay that doubles from 100 ms up to 5 s (with jitter).
    Messages published meanwhile are dropped (at most once). Replies from Redis that
    are not what a command expects are ignored or end the connection; they never reach
    the application as anything but messageReceived() payloads of the channel.

    \section1 Thread affinity

    Lives on the thread that created it (the server's); everything runs on that
    thread's event loop. Nothing blocks.
*/
class STONYX_SOCKETS_REDIS_EXPORT RedisBackplane : public Backplane
{
    Q_OBJECT
    Q_PROPERTY(QString url READ url CONSTANT)

public:
    /*!
        Creates a backplane for \a url, \c{redis://[:password@]host:port[/db]}. An
        invalid URL is reported at start() with ConfigurationError.
    */
    explicit RedisBackplane(const QString &url, QObject *parent = nullptr);
    ~RedisBackplane() override;

    /*! The URL, without its password. */
    QString url() const;

    /*! Connects and subscribes to \a channel; reconnects until stop(). */
    void start(const QString &channel) override;
    /*! Disconnects at once. */
    void stop() override;
    /*! Publishes \a message; false (dropped) unless Connected. */
    bool publish(const QByteArray &message) override;
    /*! \c{SET key value PX ttlMs}; dropped unless Connected. */
    void storeKey(const QString &key, const QByteArray &value, int ttlMs) override;
    /*! \c{PEXPIRE key ttlMs}; dropped unless Connected. */
    void refreshKey(const QString &key, int ttlMs) override;
    /*! \c{DEL key}; dropped unless Connected. */
    void removeKey(const QString &key) override;

    /*! How many times the backplane connected (1 after the first success). For tests and metrics. */
    int connectCount() const;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace Stonyx::Sockets
