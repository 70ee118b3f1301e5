// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library and its tests; not installed.

#include "aesgcm_p.h"
#include "message_p.h"

#include <QByteArray>
#include <QString>

#include <memory>

namespace Stonyx::Sockets {

/*!
    \class Stonyx::Sockets::InboundFrame
    \brief One data message as it arrived: a binary message's bytes, or a text message's
    text, as UTF-8 or as UTF-16.

    The server reads its frames itself (ServerWebSocket) and hands a text message on as
    the UTF-8 it came as, already validated; the client gets QWebSocket's QString. The
    message reader takes either as it is, so nothing is converted. Copies share the data.
*/
class STONYX_SOCKETS_EXPORT InboundFrame
{
public:
    InboundFrame() = default;
    /*! A binary message. */
    InboundFrame(const QByteArray &bytes) : m_bytes(bytes) { } // NOLINT: implicit, a frame is its bytes
    /*! A text message, as QWebSocket decoded it. */
    InboundFrame(const QString &text) : m_text(text), m_isText(true) { } // NOLINT: implicit, as above
    /*! A text message as its UTF-8, which the caller validated. */
    static InboundFrame fromUtf8Text(const QByteArray &utf8)
    {
        InboundFrame frame(utf8);
        frame.m_isText = true;
        frame.m_isUtf8 = true;
        return frame;
    }

    bool isText() const { return m_isText; }
    /*! True for a text message held as UTF-8 (bytes()), false for one held as text(). */
    bool isUtf8Text() const { return m_isUtf8; }
    /*! A binary message's bytes, or a UTF-8 text message's; else empty. */
    const QByteArray &bytes() const { return m_bytes; }
    /*! A text message's text, unless held as UTF-8; else empty. */
    const QString &text() const { return m_text; }
    /*! A text message's UTF-8, however it is held. */
    QByteArray utf8() const { return m_isUtf8 || !m_isText ? m_bytes : m_text.toUtf8(); }
    /*! The payload's size on the wire: a text message's UTF-8 length. */
    qsizetype wireSize() const;

private:
    QByteArray m_bytes;
    QString m_text;
    bool m_isText = false;
    bool m_isUtf8 = false;
};

/*!
    \class Stonyx::Sockets::SessionCodec
    \brief Turns the frames of one connection into messages and back (protocol version 1).

    The one place that knows which key a frame is under:
    \list
    \li encryption off (no global key): frames are the UTF-8 JSON text itself;
    \li before a session key is set (the auth phase): the global key;
    \li once a session key is set: the session key both ways, except that an auth
        response is always sealed with the global key (KeyChoice::Global), also on a
        second auth: the peer cannot know the new session key before reading it.
    \endlist
    A server's connection sets the session key when an auth request succeeds, a
    client's when it reads the auth response; for both, "authenticated" and "has a
    session key" are the same with encryption on.

    Cost: the global key is an AesGcm::Key shared (immutable) by all the codecs of one
    server or client; a codec copies it into its own EVP context on first use. The
    session key is set on that context once. One context seals and opens (the key is
    the same both ways), so a held connection carries one, not two. Nothing is allocated with
    encryption off, and each frame only re-inits the IV.

    Thread affinity: a codec belongs to one connection and is used from that
    connection's thread only; the AesGcm::Key it shares may be used by codecs on other
    threads at the same time (it is immutable).
*/
class STONYX_SOCKETS_EXPORT SessionCodec
{
public:
    /*! A codec for encryption off. */
    SessionCodec();
    /*! A codec under \a globalKey; a null \a globalKey means encryption off. */
    explicit SessionCodec(std::shared_ptr<const AesGcm::Key> globalKey);
    ~SessionCodec();
    SessionCodec(SessionCodec &&other) noexcept;
    SessionCodec &operator=(SessionCodec &&other) noexcept;
    SessionCodec(const SessionCodec &) = delete;
    SessionCodec &operator=(const SessionCodec &) = delete;

    bool isEncrypted() const { return bool(m_globalKey); }

    /*!
        From now on, frames are under \a key (AesGcm::KeySize bytes). Returns false,
        with \a error set, for a key of the wrong size; the codec then has no session
        key. The key goes into an EVP context on first use. Ignored (true) with
        encryption off.
    */
    bool setSessionKey(QByteArrayView key, QString *error);
    /*! Back to the global key; the session key bytes are wiped. */
    void clearSessionKey();
    bool hasSessionKey() const { return !m_sessionKey.isEmpty(); }
    /*! The session key, for tests; empty when none. */
    QByteArray sessionKey() const { return m_sessionKey; }

    /*! How a frame decoded. */
    enum class Decoded {
        Message,      //!< a JSON object: \c out holds it
        NotAnObject,  //!< valid JSON that is not an object: no message, receivers ignore it
        InvalidJson,  //!< not JSON
        InvalidFrame, //!< could not be decrypted: too short, wrong key, altered
    };
    /*!
        Decrypts (under the session key once set, else the global key) and parses
        \a frame; \a payloadKey is "data" on a server, "response" on a client. Unless
        the result is Message, \a error says what is wrong.
    */
    Decoded decode(const InboundFrame &frame, QStringView payloadKey, Message::Incoming *out, QString *error);

    /*! Which key seals an outgoing message. */
    enum class KeyChoice {
        Current, //!< the session key once set, else the global key
        Global,  //!< the global key: auth responses
    };
    /*!
        Seals the JSON text \a json into \a frame: with encryption off the frame is
        \a json itself (shared, not copied), to be sent as a text frame; with
        encryption on a binary frame. Returns false, with \a error set, if OpenSSL
        failed.
    */
    bool encode(const QByteArray &json, KeyChoice key, QByteArray *frame, QString *error);

private:
    friend struct SessionCodecTestAccess; // tests: encode with a chosen IV
    bool encode(const QByteArray &json, KeyChoice key, QByteArray *frame, QString *error, QByteArrayView iv);
    enum class Loaded { None, Global, Session };
    // Loads \a wanted into the context unless it holds it already (a switch re-keys it:
    // once per authentication, for the auth response under the global key).
    bool load(Loaded wanted, QString *error);

    std::shared_ptr<const AesGcm::Key> m_globalKey;
    QByteArray m_sessionKey;
    // One EVP context seals and opens (Direction::Both): a held connection's memory.
    AesGcm::Context m_context{AesGcm::Context::Direction::Both};
    Loaded m_loaded = Loaded::None;
    QByteArray m_plain; // reused buffer for decrypted text
};

} // namespace Stonyx::Sockets
