// SPDX-License-Identifier: MIT
#pragma once

#include "stonyxsockets_export.h"

#include <QByteArray>
#include <QObject>
#include <QString>

#include <memory>

namespace Stonyx::Sockets {

/*!
    \class Stonyx::Sockets::Backplane
    \brief The messaging layer that joins several SocketServer processes into a cluster.

    A backplane carries the cluster's messages between servers (nodes): one
    publish/subscribe channel that every node reads, plus keys with an expiry under
    which each node keeps a record of itself and its clients. The core library
    defines only this interface; the Redis implementation, RedisBackplane, is in the
    separate library \c Stonyx::SocketsRedis. Give one to a server with
    SocketServer::setBackplane() before SocketServer::listen().

    Delivery across a backplane is at most once: a message published while the
    backplane is not Connected is dropped (publish() returns false), and one a node
    misses while its connection is down is not repeated. Messages of one publisher
    arrive in the order they were published. An implementation reconnects on its
    own after a failure, with a growing delay, and subscribes again; it reports each
    outage once (errorOccurred(), status()).

    \section1 Thread affinity

    A Backplane lives on the thread of the server that uses it (the server's thread)
    and is called only there; its signals are emitted there. It must never block
    that thread.
*/
class STONYX_SOCKETS_EXPORT Backplane : public QObject
{
    Q_OBJECT
    Q_PROPERTY(Status status READ status NOTIFY statusChanged)
    Q_PROPERTY(Error error READ error NOTIFY errorOccurred)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorOccurred)

public:
    /*! The state of the connection to the broker. */
    enum class Status {
        Stopped,    //!< Not started, or stopped.
        Connecting, //!< Started; connecting (or reconnecting after a failure, see errorString()).
        Connected,  //!< Connected and subscribed: messages go both ways.
    };
    Q_ENUM(Status)

    /*! What went wrong; see errorString() for the details. */
    enum class Error {
        NoError,            //!< Nothing went wrong.
        ConfigurationError, //!< The broker's address or credentials are invalid.
        ConnectionError,    //!< The broker cannot be reached, or the connection was lost.
        ProtocolError,      //!< The broker refused a command (e.g. wrong password).
    };
    Q_ENUM(Error)

    /*! A translated, general description of \a error (errorString() has the details). */
    static QString errorText(Error error);

    /*! Creates a backplane in the Stopped state. */
    explicit Backplane(QObject *parent = nullptr);
    ~Backplane() override;

    /*! The state of the connection to the broker. */
    Status status() const;
    /*! The last error; NoError again once connected. */
    Error error() const;
    /*! A translated description of the last error. */
    QString errorString() const;

    /*!
        Connects to the broker and subscribes to \a channel; from then on every message
        published there (by any node, this one included) is reported with
        messageReceived(). Keeps reconnecting until stop(). Never blocks.
    */
    virtual void start(const QString &channel) = 0;
    /*! Disconnects; status() becomes Stopped. */
    virtual void stop() = 0;
    /*!
        Publishes \a message on the channel given to start(). Returns false, dropping
        the message, when not Connected.
    */
    virtual bool publish(const QByteArray &message) = 0;
    /*!
        Stores \a value under \a key, to expire after \a ttlMs milliseconds unless stored
        or refreshed again. Dropped when not Connected.
    */
    virtual void storeKey(const QString &key, const QByteArray &value, int ttlMs) = 0;
    /*! Gives the key \a key another \a ttlMs milliseconds. Dropped when not Connected. */
    virtual void refreshKey(const QString &key, int ttlMs) = 0;
    /*! Removes the key \a key. Dropped when not Connected. */
    virtual void removeKey(const QString &key) = 0;

Q_SIGNALS:
    /*! status() changed to \a status. */
    void statusChanged(Stonyx::Sockets::Backplane::Status status);
    /*! A \a message arrived on the channel. */
    void messageReceived(const QByteArray &message);
    /*! Something went wrong; errorString() describes it. */
    void errorOccurred(Stonyx::Sockets::Backplane::Error error);

protected:
    /*! For implementations: sets the status, emitting statusChanged() if it changed. */
    void setStatus(Status status);
    /*! For implementations: records \a error with \a message and emits errorOccurred(). */
    void setError(Error error, const QString &message);
    /*! For implementations: clears the error (without a signal), e.g. once connected. */
    void clearError();

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace Stonyx::Sockets
