// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library: reads the WebSocket frames (RFC 6455 §5) a client sends to
// the server, out of the raw bytes of its connection. Not installed.
//
// The server reads its clients' frames itself instead of through QWebSocket (see
// ServerWebSocket): a payload is unmasked a word at a time straight into the message it
// belongs to, a fragmented text message is validated as a whole (a fragment may end in
// the middle of a UTF-8 sequence, §5.6), and what is in progress (a message begun, how
// many bytes its frames announced) is known, for the message deadline and the limits.
//
// It keeps no input: next() takes the bytes as they came and consumes what it reads.
// A header cut between two reads is kept in 14 bytes of its own; a payload is unmasked
// into the message as it comes, so a large message is never held twice.
//
// Thread affinity: none; one reader belongs to one connection, on that connection's thread.

#include "stonyxsockets_export.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QtGlobal>

namespace Stonyx::Sockets {

class STONYX_SOCKETS_EXPORT FrameReader
{
public:
    enum class Opcode : quint8 {
        Continuation = 0x0,
        Text = 0x1,
        Binary = 0x2,
        Close = 0x8,
        Ping = 0x9,
        Pong = 0xA,
    };

    /*! Why the stream cannot be read on; each fails the connection (RFC 6455 §7.1.7). */
    enum class Problem : quint8 {
        None,
        Unmasked,               // a client's frame without a mask (§5.1): 1002
        ReservedBits,           // RSV1-3 set, no extension negotiated (§5.2): 1002
        ReservedOpcode,         // opcode 0x3-0x7 or 0xB-0xF: 1002
        FragmentedControl,      // a control frame without FIN (§5.5): 1002
        ControlTooLong,         // a control frame over 125 bytes (§5.5): 1002
        UnexpectedContinuation, // a continuation frame with no message begun (§5.4): 1002
        ExpectedContinuation,   // a new text or binary frame inside a fragmented message: 1002
        InvalidLength,          // a 64-bit length with its top bit set (§5.2): 1002
        FrameTooLarge,          // a data frame over the frame limit: 1009
        MessageTooLarge,        // a message whose frames add up to more than the message limit: 1009
        InvalidUtf8,            // a text message that is not UTF-8 (§8.1): 1007
    };

    /*! What next() found. */
    struct Event {
        enum class Type : quint8 {
            None,    // all input consumed, nothing complete yet
            Message, // a whole text or binary message (opcode Text or Binary)
            Control, // a close, ping or pong frame (opcode Close, Ping or Pong)
            Error,   // problem: the stream is lost, read nothing more from it
        };
        Type type = Type::None;
        Opcode opcode = Opcode::Continuation;
        Problem problem = Problem::None;
        QByteArray payload; // unmasked; a text message's UTF-8 is valid
    };

    /*! The close code (RFC 6455 §7.4.1) that fails a connection for \a problem. */
    static int closeCode(Problem problem);

    /*!
        Limits on the payload: of one data frame, and of a whole message (the sum of its
        frames). 0: none. Checked from the headers, before any payload is kept.
    */
    void setLimits(quint64 maxFrame, quint64 maxMessage)
    {
        m_maxFrame = maxFrame;
        m_maxMessage = maxMessage;
    }
    /*! Frames must be masked, as a client's are (true by default). */
    void setRequireMask(bool require) { m_requireMask = require; }

    /*!
        Reads \a input from \a *pos on, up to and including the next complete message or
        control frame or problem, and advances \a *pos past what it read. Call again with
        the rest; Type::None means all of \a input was consumed.
    */
    Event next(QByteArrayView input, qsizetype *pos);

    /*!
        True from the first byte of a data frame's header until its message is complete,
        control frames in between included: while a message deadline runs.
    */
    bool inMessage() const { return m_fragmented || (m_dataFrame && (m_headerSize > 0 || m_inPayload)); }
    /*! True once next() reported an Error. */
    bool failed() const { return m_failed; }

    /*! Unmasks \a size bytes from \a source into \a target (may be the same) with \a mask, starting \a phase bytes into it. */
    static void unmask(char *target, const char *source, qsizetype size, const unsigned char mask[4], unsigned phase);

private:
    Event headerComplete();
    Event frameComplete();
    Event fail(Problem problem);

    unsigned char m_header[14] = {};
    int m_headerSize = 0;   // bytes of the current header read so far
    int m_headerNeeded = 2; // bytes it has in all, once known
    unsigned char m_mask[4] = {};
    unsigned m_maskPhase = 0;
    quint64 m_payloadRemaining = 0;
    Opcode m_opcode = Opcode::Continuation; // of the frame being read
    Opcode m_messageOpcode = Opcode::Text;  // of the message being read (its first frame)
    bool m_final = false;
    bool m_inPayload = false;
    bool m_dataFrame = false;  // the frame being read is a data frame
    bool m_fragmented = false; // a data message's non-final frame was read, its end not yet
    bool m_failed = false;
    bool m_requireMask = true;
    quint64 m_maxFrame = 0;
    quint64 m_maxMessage = 0;
    QByteArray m_message; // the data message being read, unmasked
    QByteArray m_control; // the control frame being read, unmasked
};

} // namespace Stonyx::Sockets
