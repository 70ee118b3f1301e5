// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library: the token bucket behind SocketConfig::rateLimit(). Not installed.
//
// Time is given in nanoseconds and never rounded, so no remainder is lost between
// messages: the rate holds well above 1000 messages per second (a millisecond clock
// restarted per message would refill nothing for messages less than 1 ms apart).
//
// Thread affinity: none; one limiter belongs to one connection.

#include <QtGlobal>

#include <algorithm>

namespace Stonyx::Sockets {

class RateLimiter
{
public:
    /*! \a rate tokens per second (0 = unlimited), at most \a burst saved up; starts full. */
    RateLimiter(int rate, int burst, qint64 nowNs)
        : m_rate(rate)
        , m_burst(burst)
        , m_tokens(burst)
        , m_refilledAt(nowNs)
    {
    }

    /*! Refills for the time since the last call, then takes one token if there is one. */
    bool tryTake(qint64 nowNs)
    {
        refill(nowNs);
        if (m_rate <= 0)
            return true;
        if (m_tokens < 1.0)
            return false;
        m_tokens -= 1.0;
        return true;
    }

    /*! Milliseconds until tryTake() can succeed (0 if it can now), as of the last call. */
    qint64 msUntilToken() const
    {
        if (m_rate <= 0 || m_tokens >= 1.0)
            return 0;
        return qint64((1.0 - m_tokens) * 1000.0 / m_rate) + 1;
    }

    double tokens() const { return m_tokens; }

private:
    void refill(qint64 nowNs)
    {
        // A clock reading from before the last one refills nothing and does not move
        // the reference back (that would count the same time twice).
        if (nowNs <= m_refilledAt)
            return;
        const qint64 elapsed = nowNs - m_refilledAt;
        m_refilledAt = nowNs;
        m_tokens = std::min(double(m_burst), m_tokens + double(elapsed) * m_rate / 1e9);
    }

    int m_rate;
    int m_burst;
    double m_tokens;
    qint64 m_refilledAt;
};

} // namespace Stonyx::Sockets
