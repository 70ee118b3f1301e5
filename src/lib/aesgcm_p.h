// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library and its tests; not installed. AES-256-GCM frames of protocol
// version 1 (IV (12) || tag (16) || ciphertext, no AAD) on OpenSSL 3 EVP, shared by the
// public FrameCipher and the SessionCodec of every connection.

#include "stonyxsockets_export.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <memory>

typedef struct evp_cipher_st EVP_CIPHER;
typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;

namespace Stonyx::Sockets::AesGcm {

// Takes the oldest error off OpenSSL's (per-thread) error queue, clears the rest, and
// describes it.
QString lastOpenSslError();

inline constexpr qsizetype KeySize = 32;
inline constexpr qsizetype IvSize = 12;
inline constexpr qsizetype TagSize = 16;
inline constexpr qsizetype Overhead = IvSize + TagSize;

/*! Why a seal or an open failed. */
enum class Error {
    None,
    Unavailable,      //!< OpenSSL did not provide AES-256-GCM
    NoKey,            //!< no key loaded
    BadKeySize,       //!< a key that is not KeySize bytes
    BadKey,           //!< OpenSSL refused the key
    BadIvSize,        //!< a chosen IV that is not IvSize bytes (tests only)
    Random,           //!< the CSPRNG failed
    TooLarge,         //!< beyond what OpenSSL takes in one call (INT_MAX)
    EncryptFailed,    //!< OpenSSL failed to encrypt
    Truncated,        //!< a frame shorter than Overhead
    FrameTooLarge,    //!< a frame beyond what OpenSSL takes in one call
    DecryptFailed,    //!< OpenSSL failed before the tag check
    Authentication,   //!< the tag did not verify: wrong key or altered data
};

/*!
    The translated description of \a error (the FrameCipher strings). \a size is the
    frame size for Truncated, the key size for BadKeySize. OpenSSL's own error queue
    is read (and cleared) for Unavailable, BadKey, Random and EncryptFailed.
*/
STONYX_SOCKETS_EXPORT QString describe(Error error, qsizetype size = 0);

/*!
    \class Stonyx::Sockets::AesGcm::Algorithm
    The fetched AES-256-GCM implementation. Fetch one per server or client and hand it
    to its keys: OpenSSL 3 fetches are costly, and a context initialised from an
    explicitly fetched cipher skips the implicit fetch on every init.

    Immutable after creation and reference counted by OpenSSL (atomically): one
    Algorithm may be shared by threads.
*/
class STONYX_SOCKETS_EXPORT Algorithm
{
public:
    /*! Fetches AES-256-GCM; null (with \a error set) when OpenSSL does not provide it. */
    static std::shared_ptr<const Algorithm> fetch(Error *error = nullptr);
    ~Algorithm();
    Algorithm(const Algorithm &) = delete;
    Algorithm &operator=(const Algorithm &) = delete;
    EVP_CIPHER *cipher() const { return m_cipher; }

private:
    explicit Algorithm(EVP_CIPHER *cipher) : m_cipher(cipher) {}
    EVP_CIPHER *m_cipher;
};

/*!
    \class Stonyx::Sockets::AesGcm::Key
    A key whose AES schedule and GHASH table are computed once, held in two initialised
    template contexts (encrypt and decrypt). Contexts load it by copying a template
    (EVP_CIPHER_CTX_copy), which is cheaper than initialising with the raw key and keeps
    the key bytes in one place.

    Thread affinity: none. A Key is immutable after create(): the templates are only
    ever read (the source of EVP_CIPHER_CTX_copy), so one Key may be shared, through its
    shared_ptr, by the codecs of all connections on any number of threads. It never
    seals or opens a frame itself: that needs a Context, which is per thread.
*/
class STONYX_SOCKETS_EXPORT Key
{
public:
    /*! Makes a key from \a key (KeySize bytes); null with \a error set on failure. */
    static std::shared_ptr<const Key> create(std::shared_ptr<const Algorithm> algorithm, QByteArrayView key,
                                             Error *error = nullptr);
    ~Key();
    Key(const Key &) = delete;
    Key &operator=(const Key &) = delete;

    const std::shared_ptr<const Algorithm> &algorithm() const { return m_algorithm; }

private:
    friend class Context;
    Key(std::shared_ptr<const Algorithm> algorithm, EVP_CIPHER_CTX *encrypt, EVP_CIPHER_CTX *decrypt);
    std::shared_ptr<const Algorithm> m_algorithm;
    EVP_CIPHER_CTX *m_encrypt;
    EVP_CIPHER_CTX *m_decrypt;
};

/*!
    \class Stonyx::Sockets::AesGcm::Context
    One direction (seal or open) of AES-256-GCM with one key at a time. The key is
    loaded once (copied from a Key, or set from bytes); each frame then only re-inits
    the IV. The EVP context is allocated on first load, so an unused Context costs
    nothing.

    Thread affinity: none, but not thread-safe: one thread at a time.
*/
class STONYX_SOCKETS_EXPORT Context
{
public:
    //! Seal or Open only, or Both: one EVP context that seals and opens (each frame's
    //! init says which, the key schedule is the same), for a connection whose two
    //! directions use the same key: half the memory of two contexts.
    enum class Direction { Seal, Open, Both };
    static constexpr int IvBatch = 16;
    explicit Context(Direction direction);
    ~Context();
    Context(Context &&other) noexcept;
    Context &operator=(Context &&other) noexcept;
    Context(const Context &) = delete;
    Context &operator=(const Context &) = delete;

    /*! Loads \a key by copying its template. */
    Error load(const Key &key);
    /*! Loads the raw \a key (KeySize bytes) for \a algorithm. */
    Error load(const Algorithm &algorithm, QByteArrayView key);
    /*! Forgets the key: the next seal or open fails with NoKey until load(). */
    void unload();
    bool isLoaded() const { return m_loaded; }

    /*!
        Seals \a plaintext into \a frame (resized to Overhead + plaintext size; its
        previous contents are dropped). The IV is random, or taken from \a iv when
        given (test vectors only). On failure \a frame is left empty.

        Random IVs come from OpenSSL's CSPRNG (RAND_bytes), IvBatch at a time: each
        RAND_bytes call costs a getpid() system call (OpenSSL's fork check) and a
        re-init of the DRBG's AES-CTR context, measured at two thirds of the CPU time
        of seal + open for a small message. The batch belongs to this context and to the
        process that drew it: after fork() the child draws a fresh batch, so parent
        and child never seal with the same IV.
    */
    Error seal(QByteArrayView plaintext, QByteArray *frame, QByteArrayView iv = {});
    /*!
        Opens \a frame into \a plaintext, reusing its capacity; on failure \a plaintext
        is left empty.
    */
    Error open(QByteArrayView frame, QByteArray *plaintext);

private:
    Direction m_direction;
    bool nextIv(unsigned char *out);
    Error sealInto(QByteArrayView plaintext, QByteArray *frame, QByteArrayView iv);

    bool m_loaded = false;
    EVP_CIPHER_CTX *m_ctx = nullptr;
    // Random IVs drawn from OpenSSL's CSPRNG IvBatch at a time (see seal()).
    struct IvPool;
    std::unique_ptr<IvPool> m_ivs;
};

} // namespace Stonyx::Sockets::AesGcm
