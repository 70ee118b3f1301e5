// SPDX-License-Identifier: MIT
#include "closetracker_p.h"

#include <QWebSocket>

namespace Stonyx::Sockets {

void CloseTracker::reset()
{
    m_local.reset();
    m_error.clear();
    m_closeFrame = false;
}

void CloseTracker::onError(const QString &errorString)
{
    if (m_error.isEmpty())
        m_error = errorString; // the first error is the cause; later ones follow from it
}

void CloseTracker::setLocalClose(int code, const QString &reason)
{
    if (!m_local)
        m_local = Local{code, reason};
}

int CloseTracker::closeCode(const QWebSocket &socket) const
{
    if (m_local)
        return m_local->code;
    if (m_closeFrame)
        return int(socket.closeCode());
    return int(QWebSocketProtocol::CloseCodeAbnormalDisconnection);
}

QString CloseTracker::closeReason(const QWebSocket &socket) const
{
    if (m_local)
        return m_local->reason;
    if (m_closeFrame)
        return socket.closeReason();
    return m_error;
}

} // namespace Stonyx::Sockets
