// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library: follows the WebSocket frame boundaries (RFC 6455 §5.2) of a
// byte stream without keeping or decoding any payload. Not installed.
//
// QWebSocket (Qt 6.4) tells nothing about frames in progress: it signals complete
// messages and pongs only. The server needs to know more about what a peer sends:
//  - whether a data message is under way (a message deadline must run from the first
//    byte of a data frame, never for control frames such as ping or pong);
//  - whether the peer's close frame arrived, after the server sent its own.
// FrameScanner answers both from the raw bytes. It only reads frame headers (2 to 14
// bytes) and skips payloads by length, so it costs nothing per payload byte.
//
// Thread affinity: none; one scanner belongs to one connection and is used from the
// thread that owns that connection.

#include <QByteArrayView>
#include <QtGlobal>

namespace Stonyx::Sockets {

class FrameScanner
{
public:
    /*! What one call to feed() saw. */
    struct Events {
        bool dataStarted = false;  // a data frame began, none being under way before
        bool messageEnded = false; // the final frame of a data message is complete
        bool closeFrame = false;   // a close frame is complete
        bool invalid = false;      // a header that no valid peer sends (the stream is lost)
    };

    /*!
        A server's scanner: every frame from a client must be masked (RFC 6455 §5.1);
        an unmasked one is invalid.
    */
    void setRequireMask(bool require) { m_requireMask = require; }

    /*! Feeds the next bytes of the stream. */
    Events feed(QByteArrayView bytes);

    /*!
        Skips \a count payload bytes without looking at them, if they all lie strictly
        inside the current frame's payload (then no event can happen). Returns false,
        changing nothing, otherwise: the caller must feed() the bytes.
    */
    bool skip(quint64 count);

    /*! True between the first byte of a data message and the end of its last frame. */
    bool inMessage() const { return m_inMessage; }
    /*! Bytes of the current frame's payload still to come (0 while reading a header). */
    quint64 payloadRemaining() const { return m_payloadRemaining; }

private:
    void headerComplete(Events *events);
    void frameComplete(Events *events);

    unsigned char m_header[14] = {};
    int m_headerSize = 0;      // bytes of the header read so far
    int m_headerNeeded = 2;    // bytes the header has in all, once known
    quint64 m_payloadRemaining = 0;
    bool m_inPayload = false;
    bool m_finalFrame = false; // FIN of the frame whose payload is being skipped
    bool m_dataFrame = false;  // that frame is a data frame (text, binary, continuation)
    bool m_closeFrame = false; // that frame is a close frame
    bool m_inMessage = false;
    bool m_lost = false;
    bool m_requireMask = false;
};

} // namespace Stonyx::Sockets
