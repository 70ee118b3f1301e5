// SPDX-License-Identifier: MIT
#include "framecipher_p.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

namespace Stonyx::Sockets {

namespace {

QString lastOpenSslError()
{
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0)
        return QStringLiteral("unknown OpenSSL error");
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    return QString::fromLatin1(buffer);
}

struct CipherDeleter {
    void operator()(EVP_CIPHER *cipher) const { EVP_CIPHER_free(cipher); }
};
struct ContextDeleter {
    void operator()(EVP_CIPHER_CTX *ctx) const { EVP_CIPHER_CTX_free(ctx); }
};

int toInt(qsizetype size)
{
    return static_cast<int>(size);
}

const unsigned char *bytes(QByteArrayView view)
{
    return reinterpret_cast<const unsigned char *>(view.data());
}

unsigned char *bytes(QByteArray &array)
{
    return reinterpret_cast<unsigned char *>(array.data());
}

} // namespace

struct FrameCipher::Private {
    std::unique_ptr<EVP_CIPHER, CipherDeleter> cipher;
    std::unique_ptr<EVP_CIPHER_CTX, ContextDeleter> encryptCtx;
    std::unique_ptr<EVP_CIPHER_CTX, ContextDeleter> decryptCtx;
    QByteArray key;
    QString errorString;

    Private()
        // Fetching explicitly (instead of EVP_aes_256_gcm()) avoids OpenSSL 3's
        // implicit fetch on every EVP_*Init call.
        : cipher(EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr))
        , encryptCtx(EVP_CIPHER_CTX_new())
        , decryptCtx(EVP_CIPHER_CTX_new())
    {
    }

    bool fail(const QString &message)
    {
        errorString = message;
        return false;
    }

    // The key is set on the contexts once; each frame only sets the IV.
    bool initContexts()
    {
        if (!cipher || !encryptCtx || !decryptCtx)
            return fail(FrameCipher::tr("AES-256-GCM is not available from OpenSSL: %1").arg(lastOpenSslError()));
        if (EVP_EncryptInit_ex2(encryptCtx.get(), cipher.get(), bytes(key), nullptr, nullptr) != 1
            || EVP_DecryptInit_ex2(decryptCtx.get(), cipher.get(), bytes(key), nullptr, nullptr) != 1)
            return fail(FrameCipher::tr("Could not set the AES-256-GCM key: %1").arg(lastOpenSslError()));
        return true;
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
        return d->fail(tr("An AES-256 key must be %1 bytes, not %2").arg(KeySize).arg(key.size()));
    d->key = key;
    d->key.detach();
    if (!d->initContexts()) {
        clear();
        return false;
    }
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
}

bool FrameCipher::isValid() const
{
    return d && d->key.size() == KeySize && d->cipher;
}

QByteArray FrameCipher::seal(QByteArrayView plaintext)
{
    QByteArray iv(IvSize, Qt::Uninitialized);
    if (RAND_bytes(bytes(iv), toInt(IvSize)) != 1) {
        d->fail(tr("The random number generator failed: %1").arg(lastOpenSslError()));
        return {};
    }
    return sealWithIv(plaintext, iv);
}

QByteArray FrameCipher::sealWithIv(QByteArrayView plaintext, QByteArrayView iv)
{
    if (!isValid()) {
        d->fail(tr("No encryption key is set"));
        return {};
    }
    if (iv.size() != IvSize) {
        d->fail(tr("The IV must be %1 bytes").arg(IvSize));
        return {};
    }
    if (plaintext.size() > std::numeric_limits<int>::max() - Overhead) {
        d->fail(tr("The message is too large to encrypt"));
        return {};
    }
    QByteArray frame(Overhead + plaintext.size(), Qt::Uninitialized);
    unsigned char *out = bytes(frame);
    std::memcpy(out, iv.data(), IvSize);
    EVP_CIPHER_CTX *ctx = d->encryptCtx.get();
    int written = 0;
    int finalWritten = 0;
    if (EVP_EncryptInit_ex2(ctx, nullptr, nullptr, bytes(iv), nullptr) != 1
        || EVP_EncryptUpdate(ctx, out + Overhead, &written, bytes(plaintext), toInt(plaintext.size())) != 1
        || EVP_EncryptFinal_ex(ctx, out + Overhead + written, &finalWritten) != 1
        || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, toInt(TagSize), out + IvSize) != 1) {
        d->fail(tr("Encryption failed: %1").arg(lastOpenSslError()));
        return {};
    }
    return frame;
}

bool FrameCipher::open(QByteArrayView frame, QByteArray *plaintext)
{
    Q_ASSERT(plaintext);
    plaintext->clear();
    if (!isValid())
        return d->fail(tr("No decryption key is set"));
    if (frame.size() < Overhead)
        return d->fail(tr("The frame is %1 bytes, shorter than the %2 bytes of IV and tag")
                           .arg(frame.size())
                           .arg(Overhead));
    const qsizetype cipherSize = frame.size() - Overhead;
    if (cipherSize > std::numeric_limits<int>::max())
        return d->fail(tr("The frame is too large to decrypt"));
    QByteArray out(cipherSize, Qt::Uninitialized);
    EVP_CIPHER_CTX *ctx = d->decryptCtx.get();
    // OpenSSL takes a non-const tag pointer for the SET_TAG control, but only reads it.
    unsigned char tag[TagSize];
    std::memcpy(tag, frame.data() + IvSize, TagSize);
    int written = 0;
    int finalWritten = 0;
    if (EVP_DecryptInit_ex2(ctx, nullptr, nullptr, bytes(frame.first(IvSize)), nullptr) != 1
        || EVP_DecryptUpdate(ctx, bytes(out), &written, bytes(frame.sliced(Overhead)), toInt(cipherSize)) != 1
        || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, toInt(TagSize), tag) != 1) {
        ERR_clear_error();
        return d->fail(tr("The frame could not be decrypted"));
    }
    if (EVP_DecryptFinal_ex(ctx, bytes(out) + written, &finalWritten) != 1) {
        ERR_clear_error();
        OPENSSL_cleanse(out.data(), static_cast<size_t>(out.size()));
        return d->fail(tr("The frame failed authentication (wrong key or altered data)"));
    }
    out.resize(written + finalWritten);
    *plaintext = std::move(out);
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
