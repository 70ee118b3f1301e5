// SPDX-License-Identifier: MIT
#include "sessioncodec_p.h"

#include <openssl/crypto.h>

namespace Stonyx::Sockets {

namespace {

// A decrypted-text buffer larger than this is released after use rather than kept
// for the next frame: an idle connection should not hold its largest message.
constexpr qsizetype KeptPlainCapacity = 64 * 1024;

} // namespace

SessionCodec::SessionCodec() = default;

SessionCodec::SessionCodec(std::shared_ptr<const AesGcm::Key> globalKey)
    : m_globalKey(std::move(globalKey))
{
}

SessionCodec::~SessionCodec()
{
    clearSessionKey();
}

SessionCodec::SessionCodec(SessionCodec &&other) noexcept = default;

SessionCodec &SessionCodec::operator=(SessionCodec &&other) noexcept
{
    if (this != &other) {
        clearSessionKey();
        m_globalKey = std::move(other.m_globalKey);
        m_sessionKey = std::move(other.m_sessionKey);
        m_context = std::move(other.m_context);
        m_loaded = std::exchange(other.m_loaded, Loaded::None);
        m_plain = std::move(other.m_plain);
    }
    return *this;
}

bool SessionCodec::setSessionKey(QByteArrayView key, QString *error)
{
    clearSessionKey();
    if (!m_globalKey)
        return true;
    if (key.size() != AesGcm::KeySize) {
        *error = AesGcm::describe(AesGcm::Error::BadKeySize, key.size());
        return false;
    }
    m_sessionKey = key.toByteArray();
    // Loaded into the contexts on first use: a server's first frame under it is the
    // next request, and its auth response goes out under the global key first.
    return true;
}

void SessionCodec::clearSessionKey()
{
    if (!m_sessionKey.isEmpty())
        OPENSSL_cleanse(m_sessionKey.data(), size_t(m_sessionKey.size()));
    m_sessionKey.clear();
    // Contexts under the session key would otherwise keep it.
    if (m_loaded == Loaded::Session) {
        m_context.unload();
        m_loaded = Loaded::None;
    }
}

bool SessionCodec::load(Loaded wanted, QString *error)
{
    if (m_loaded == wanted)
        return true;
    m_loaded = Loaded::None;
    const AesGcm::Error result = wanted == Loaded::Session
        ? m_context.load(*m_globalKey->algorithm(), m_sessionKey)
        : m_context.load(*m_globalKey);
    if (result != AesGcm::Error::None) {
        *error = AesGcm::describe(result, m_sessionKey.size());
        return false;
    }
    m_loaded = wanted;
    return true;
}

qsizetype InboundFrame::wireSize() const
{
    return m_isText && !m_isUtf8 ? Message::utf8Length(m_text) : m_bytes.size();
}

SessionCodec::Decoded SessionCodec::decode(const InboundFrame &frame, QStringView payloadKey, Message::Incoming *out,
                                           QString *error)
{
    Message::DecodeResult result;
    if (m_globalKey) {
        if (!load(hasSessionKey() ? Loaded::Session : Loaded::Global, error))
            return Decoded::InvalidFrame;
        // Sealed frames are binary; a text frame is opened as its UTF-8 bytes (and fails).
        const QByteArray sealed = frame.utf8();
        if (const AesGcm::Error opened = m_context.open(sealed, &m_plain); opened != AesGcm::Error::None) {
            *error = AesGcm::describe(opened, sealed.size());
            return Decoded::InvalidFrame;
        }
        result = Message::decode(m_plain, payloadKey, out, error);
    } else if (frame.isText() && !frame.isUtf8Text()) {
        result = Message::decode(QStringView(frame.text()), payloadKey, out, error);
    } else {
        result = Message::decode(frame.bytes(), payloadKey, out, error);
    }
    if (m_plain.capacity() > KeptPlainCapacity)
        m_plain = QByteArray();
    switch (result) {
    case Message::DecodeResult::Ok:
        return Decoded::Message;
    case Message::DecodeResult::NotAnObject:
        return Decoded::NotAnObject;
    case Message::DecodeResult::InvalidJson:
        break;
    }
    return Decoded::InvalidJson;
}

bool SessionCodec::encode(const QByteArray &json, KeyChoice key, QByteArray *frame, QString *error)
{
    return encode(json, key, frame, error, {});
}

bool SessionCodec::encode(const QByteArray &json, KeyChoice key, QByteArray *frame, QString *error, QByteArrayView iv)
{
    if (!m_globalKey) {
        *frame = json;
        return true;
    }
    const Loaded wanted = key == KeyChoice::Current && hasSessionKey() ? Loaded::Session : Loaded::Global;
    if (!load(wanted, error))
        return false;
    if (const AesGcm::Error result = m_context.seal(json, frame, iv); result != AesGcm::Error::None) {
        *error = AesGcm::describe(result);
        return false;
    }
    return true;
}

} // namespace Stonyx::Sockets
