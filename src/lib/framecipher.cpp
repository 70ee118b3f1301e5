// SPDX-License-Identifier: MIT
#include "framecipher_p.h"

#include "aesgcm_p.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

namespace Stonyx::Sockets {

namespace {

using AesGcm::lastOpenSslError;

int toInt(qsizetype size)
{
    return static_cast<int>(size);
}

unsigned char *bytes(QByteArray &array)
{
    return reinterpret_cast<unsigned char *>(array.data());
}

} // namespace

// The frame work itself is AesGcm's (shared with SessionCodec); this keeps the key
// and the last error.
struct FrameCipher::Private {
    AesGcm::Error fetchError = AesGcm::Error::None;
    std::shared_ptr<const AesGcm::Algorithm> algorithm = AesGcm::Algorithm::fetch(&fetchError);
    AesGcm::Context sealer{AesGcm::Context::Direction::Seal};
    AesGcm::Context opener{AesGcm::Context::Direction::Open};
    QByteArray key;
    QString errorString;

    bool fail(AesGcm::Error error, qsizetype size = 0)
    {
        errorString = AesGcm::describe(error, size);
        return false;
    }
};

FrameCipher::FrameCipher()
    : d(std::make_unique<Private>())
{
}

FrameCipher::FrameCipher(const QByteArray &key)
    : FrameCipher()
{
    setKey(key);
}

FrameCipher::~FrameCipher()
{
    clear();
}

FrameCipher::FrameCipher(FrameCipher &&other) noexcept = default;
FrameCipher &FrameCipher::operator=(FrameCipher &&other) noexcept = default;

bool FrameCipher::setKey(const QByteArray &key)
{
    clear();
    if (key.size() != KeySize)
        return d->fail(AesGcm::Error::BadKeySize, key.size());
    if (!d->algorithm)
        return d->fail(AesGcm::Error::Unavailable);
    // The key is set on the contexts once; each frame only sets the IV.
    AesGcm::Error error = d->sealer.load(*d->algorithm, key);
    if (error == AesGcm::Error::None)
        error = d->opener.load(*d->algorithm, key);
    if (error != AesGcm::Error::None) {
        clear();
        return d->fail(error);
    }
    d->key = key;
    d->key.detach();
    return true;
}

QByteArray FrameCipherPrivate::key(const FrameCipher &cipher)
{
    return cipher.d ? cipher.d->key : QByteArray();
}

QByteArray FrameCipherPrivate::sealWithIv(FrameCipher &cipher, QByteArrayView plaintext, QByteArrayView iv)
{
    return cipher.sealWithIv(plaintext, iv);
}

void FrameCipher::clear()
{
    if (!d)
        return;
    if (!d->key.isEmpty())
        OPENSSL_cleanse(d->key.data(), static_cast<size_t>(d->key.size()));
    d->key.clear();
    d->sealer.unload();
    d->opener.unload();
}

bool FrameCipher::isValid() const
{
    return d && d->key.size() == KeySize && d->algorithm;
}

QByteArray FrameCipher::seal(QByteArrayView plaintext)
{
    QByteArray frame;
    if (const AesGcm::Error error = d->sealer.seal(plaintext, &frame); error != AesGcm::Error::None)
        d->fail(error);
    return frame;
}

QByteArray FrameCipher::sealWithIv(QByteArrayView plaintext, QByteArrayView iv)
{
    if (!isValid()) {
        d->fail(AesGcm::Error::NoKey);
        return {};
    }
    // A null view would mean "random IV".
    if (iv.size() != IvSize) {
        d->fail(AesGcm::Error::BadIvSize);
        return {};
    }
    QByteArray frame;
    if (const AesGcm::Error error = d->sealer.seal(plaintext, &frame, iv); error != AesGcm::Error::None)
        d->fail(error);
    return frame;
}

bool FrameCipher::open(QByteArrayView frame, QByteArray *plaintext)
{
    Q_ASSERT(plaintext);
    if (!isValid()) {
        plaintext->clear();
        d->errorString = tr("No decryption key is set");
        return false;
    }
    // Into a fresh array: \a frame may view \a plaintext's own bytes.
    QByteArray out;
    const AesGcm::Error error = d->opener.open(frame, &out);
    *plaintext = std::move(out);
    if (error != AesGcm::Error::None)
        return d->fail(error, frame.size());
    return true;
}

QString FrameCipher::errorString() const
{
    return d->errorString;
}

QByteArray FrameCipher::deriveGlobalKey(const QString &authKey, QString *errorString)
{
    static constexpr char salt[] = "stonyx-sockets";
    QByteArray password = authKey.toUtf8();
    QByteArray key(KeySize, Qt::Uninitialized);

    EVP_KDF *kdf = EVP_KDF_fetch(nullptr, "SCRYPT", nullptr);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : nullptr;
    EVP_KDF_free(kdf);
    uint64_t n = 16384;
    uint32_t r = 8;
    uint32_t p = 1;
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, password.data(), static_cast<size_t>(password.size())),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char *>(salt), sizeof salt - 1),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
        OSSL_PARAM_construct_end(),
    };
    const bool ok = ctx && EVP_KDF_derive(ctx, bytes(key), static_cast<size_t>(KeySize), params) == 1;
    EVP_KDF_CTX_free(ctx);
    if (!password.isEmpty())
        OPENSSL_cleanse(password.data(), static_cast<size_t>(password.size()));
    if (!ok) {
        if (errorString)
            *errorString = tr("scrypt key derivation failed: %1").arg(lastOpenSslError());
        return {};
    }
    return key;
}

bool FrameCipher::constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    // The lengths may differ in time; the contents never do.
    if (a.size() != b.size())
        return false;
    return a.isEmpty() || CRYPTO_memcmp(a.data(), b.data(), static_cast<size_t>(a.size())) == 0;
}

QByteArray FrameCipher::randomBytes(qsizetype size)
{
    QByteArray out(size, Qt::Uninitialized);
    if (size > 0 && RAND_bytes(bytes(out), toInt(size)) != 1)
        return {};
    return out;
}

} // namespace Stonyx::Sockets
