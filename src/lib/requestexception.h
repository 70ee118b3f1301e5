// SPDX-License-Identifier: MIT
#pragma once

#include "stonyxsockets_export.h"

#include <QException>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <memory>

namespace Stonyx::Sockets {

/*!
    \class Stonyx::Sockets::RequestException
    \brief Why a SocketClient::request() (or a queued SocketClient::send()) failed.

    The future that SocketClient::request() returns finishes either with the
    response or with this exception: QFuture::result() throws it, and
    QFuture::onFailed() receives it. reason() says what happened, request() names
    the request, errorString() is a translated description. The same reason is
    reported by SocketClient::deliveryFailed().

    Thread affinity: a value type; copies may be used on any thread.
*/
class STONYX_SOCKETS_EXPORT RequestException : public QException
{
    Q_GADGET

public:
    /*! What made a request or a queued message fail. */
    enum class Reason {
        Timeout,        //!< No response within the request's timeout.
        ConnectionLost, //!< The connection dropped after the request was sent, and it was not retryable.
        NotConnected,   //!< The client is not open (Disconnected), or the offline queue is off while it reconnects.
        Rejected,       //!< The client could not send it (send buffer full, encryption failed) or the server refused the credentials.
        Closed,         //!< close() was called, or the client was destroyed, before the response came.
        QueueOverflow,  //!< The offline queue was full (SocketConfig::offlineQueueSize(), offlineQueueBytes()).
        Expired,        //!< It waited in the offline queue longer than SocketConfig::offlineQueueTtl().
        GaveUp,         //!< The client gave up reconnecting (SocketConfig::maxReconnectAttempts()) with it still waiting.
    };
    Q_ENUM(Reason)

    /*! Creates an exception for request \a request failed for \a reason, described by \a errorString. */
    RequestException(Reason reason, const QString &request, const QString &errorString);
    /*! Creates a copy of \a other. */
    RequestException(const RequestException &other);
    /*! Makes this a copy of \a other. */
    RequestException &operator=(const RequestException &other);
    ~RequestException() override;

    /*! Why the request failed. */
    Reason reason() const;
    /*! The name of the request that failed. */
    QString request() const;
    /*! A translated description of the failure. */
    QString errorString() const;

    /*! Throws a copy of this exception (QException's interface). */
    void raise() const override;
    /*! A copy of this exception on the heap (QException's interface). */
    RequestException *clone() const override;
    /*! The description as UTF-8 text. */
    const char *what() const noexcept override;

private:
    struct Data;
    std::shared_ptr<const Data> d;
};

} // namespace Stonyx::Sockets
