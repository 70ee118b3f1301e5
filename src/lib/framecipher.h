// SPDX-License-Identifier: MIT
#pragma once

#include "stonyxsockets_export.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QCoreApplication>
#include <QString>

#include <memory>

namespace Stonyx::Sockets {

/*!
    \class Stonyx::Sockets::FrameCipher
    \brief Seals and opens protocol version 1 frames with AES-256-GCM.

    A frame is \c{IV (12 bytes) || GCM tag (16 bytes) || ciphertext}, with a fresh
    random IV for every frame and no additional authenticated data. The cipher is
    fetched from OpenSSL once per object and its context is reused for every frame,
    so one object per key (per connection) is cheap to use on a hot path.

    Key derivation (scrypt) and random bytes are static helpers. All work is done by
    OpenSSL 3; failures are reported through return values, never exceptions.

    Random IVs come from OpenSSL's CSPRNG a small batch at a time (one RAND_bytes call
    costs more than sealing a short message). A batch belongs to the process that drew
    it: after fork() the child draws its own, so no IV is ever used twice.

    A FrameCipher is movable, not copyable, and must be used from one thread at a time.
*/
class STONYX_SOCKETS_EXPORT FrameCipher
{
    Q_DECLARE_TR_FUNCTIONS(Stonyx::Sockets::FrameCipher)

public:
    static constexpr qsizetype KeySize = 32;   //!< AES-256 key length in bytes.
    static constexpr qsizetype IvSize = 12;    //!< GCM IV length in bytes.
    static constexpr qsizetype TagSize = 16;   //!< GCM tag length in bytes.
    static constexpr qsizetype Overhead = IvSize + TagSize; //!< Bytes a frame adds to its plaintext.

    /*! Creates a cipher without a key; isValid() is false until setKey(). */
    FrameCipher();
    /*! Creates a cipher for \a key, which must be KeySize bytes. */
    explicit FrameCipher(const QByteArray &key);
    ~FrameCipher();
    /*! Moves the key and cipher state of \a other into a new cipher; \a other is left without a key. */
    FrameCipher(FrameCipher &&other) noexcept;
    /*! Moves the key and cipher state of \a other into this cipher; \a other is left without a key. */
    FrameCipher &operator=(FrameCipher &&other) noexcept;
    FrameCipher(const FrameCipher &) = delete;
    FrameCipher &operator=(const FrameCipher &) = delete;

    /*! Sets the key. Returns false (and clears the key) if \a key is not KeySize bytes. */
    bool setKey(const QByteArray &key);
    /*! Forgets the key (the bytes are wiped). */
    void clear();
    /*! True when a key is set and OpenSSL provided AES-256-GCM. */
    bool isValid() const;

    /*!
        Encrypts \a plaintext with a fresh random IV and returns the frame,
        or an empty array on failure (see errorString()).
    */
    QByteArray seal(QByteArrayView plaintext);
    /*!
        Decrypts and authenticates \a frame into \a plaintext. Returns false if the
        frame is shorter than Overhead or its tag does not verify; errorString()
        then says why and \a plaintext is left empty.
    */
    bool open(QByteArrayView frame, QByteArray *plaintext);

    /*! Describes the last failure of seal() or open(). */
    QString errorString() const;

    /*!
        Derives the 32-byte global key from \a authKey with scrypt (salt
        "stonyx-sockets", N = 16384, r = 8, p = 1), as protocol version 1 requires.
        Returns an empty array on failure and sets \a errorString if given.
    */
    static QByteArray deriveGlobalKey(const QString &authKey, QString *errorString = nullptr);
    /*! Returns \a size bytes from OpenSSL's CSPRNG, or an empty array on failure. */
    static QByteArray randomBytes(qsizetype size);
    /*!
        Compares \a a and \a b in time that does not depend on where they differ
        (CRYPTO_memcmp), for checking secrets such as an authKey in an auth handler.
    */
    static bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

private:
    // Test-only access (a chosen IV, the key) lives in the uninstalled framecipher_p.h:
    // nothing here lets an application pick an IV or read a key.
    friend struct FrameCipherPrivate;
    QByteArray sealWithIv(QByteArrayView plaintext, QByteArrayView iv);
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace Stonyx::Sockets
