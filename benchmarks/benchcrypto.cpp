// SPDX-License-Identifier: MIT

#include "benchcrypto.h"

#include <openssl/rand.h>

#include <algorithm>
#include <climits>

namespace StonyxBench {

bool deriveGlobalKey(std::string_view authKey, Key *key)
{
    static constexpr char salt[] = "stonyx-sockets";
    return EVP_PBE_scrypt(authKey.data(), authKey.size(), reinterpret_cast<const unsigned char *>(salt), sizeof(salt) - 1,
                          16384, 8, 1, 64 * 1024 * 1024, key->data(), key->size())
        == 1;
}

std::string base64Encode(std::string_view bytes)
{
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(out.data()), reinterpret_cast<const unsigned char *>(bytes.data()),
                                  int(bytes.size()));
    out.resize(std::size_t(n));
    return out;
}

bool base64Decode(std::string_view text, std::string *bytes)
{
    if (text.size() % 4 != 0 || text.size() > INT_MAX)
        return false;
    bytes->assign(text.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char *>(bytes->data()), reinterpret_cast<const unsigned char *>(text.data()),
                                  int(text.size()));
    if (n < 0)
        return false;
    // EVP_DecodeBlock keeps the bytes that the padding stands for; drop them.
    std::size_t size = std::size_t(n);
    if (!text.empty() && text.back() == '=')
        --size;
    if (text.size() > 1 && text[text.size() - 2] == '=')
        --size;
    bytes->resize(size);
    return true;
}

std::string sha1(std::string_view bytes)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha1(), nullptr) != 1)
        return {};
    return std::string(reinterpret_cast<const char *>(digest), size);
}

bool randomBytes(unsigned char *out, std::size_t size)
{
    return size <= INT_MAX && RAND_bytes(out, int(size)) == 1;
}

const unsigned char *IvSource::next()
{
    if (m_used == m_pool.size()) {
        if (!randomBytes(m_pool.data(), m_pool.size()))
            return nullptr;
        m_used = 0;
    }
    const unsigned char *iv = m_pool.data() + m_used;
    m_used += IvSize;
    return iv;
}

FrameCrypter::FrameCrypter(const Key &key)
    : m_encrypt(EVP_CIPHER_CTX_new())
    , m_decrypt(EVP_CIPHER_CTX_new())
{
    EVP_CIPHER *cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    // The key is expanded here, once; a frame then only sets its IV.
    m_valid = cipher != nullptr && m_encrypt != nullptr && m_decrypt != nullptr
        && EVP_EncryptInit_ex2(m_encrypt, cipher, key.data(), nullptr, nullptr) == 1
        && EVP_DecryptInit_ex2(m_decrypt, cipher, key.data(), nullptr, nullptr) == 1;
    EVP_CIPHER_free(cipher); // the contexts hold their own reference
}

FrameCrypter::~FrameCrypter()
{
    EVP_CIPHER_CTX_free(m_encrypt);
    EVP_CIPHER_CTX_free(m_decrypt);
}

bool FrameCrypter::encrypt(std::string_view plain, const unsigned char *iv, std::string *out)
{
    if (!m_valid || iv == nullptr || plain.size() > INT_MAX)
        return false;
    const std::size_t start = out->size();
    out->resize(start + FrameOverhead + plain.size());
    auto *frame = reinterpret_cast<unsigned char *>(out->data() + start);
    std::copy(iv, iv + IvSize, frame);
    int n = 0;
    int tail = 0;
    const bool ok = EVP_EncryptInit_ex2(m_encrypt, nullptr, nullptr, frame, nullptr) == 1
        && EVP_EncryptUpdate(m_encrypt, frame + FrameOverhead, &n, reinterpret_cast<const unsigned char *>(plain.data()), int(plain.size())) == 1
        && EVP_EncryptFinal_ex(m_encrypt, frame + FrameOverhead + n, &tail) == 1
        && EVP_CIPHER_CTX_ctrl(m_encrypt, EVP_CTRL_GCM_GET_TAG, int(TagSize), frame + IvSize) == 1;
    if (!ok)
        out->resize(start);
    return ok;
}

bool FrameCrypter::decrypt(std::string_view frame, std::string *out)
{
    if (!m_valid || frame.size() < FrameOverhead || frame.size() > INT_MAX)
        return false;
    const auto *bytes = reinterpret_cast<const unsigned char *>(frame.data());
    out->resize(frame.size() - FrameOverhead);
    int n = 0;
    int tail = 0;
    // The tag is set before the final call, which verifies it.
    const bool ok = EVP_DecryptInit_ex2(m_decrypt, nullptr, nullptr, bytes, nullptr) == 1
        && EVP_DecryptUpdate(m_decrypt, reinterpret_cast<unsigned char *>(out->data()), &n, bytes + FrameOverhead,
                             int(frame.size() - FrameOverhead))
            == 1
        && EVP_CIPHER_CTX_ctrl(m_decrypt, EVP_CTRL_GCM_SET_TAG, int(TagSize), const_cast<unsigned char *>(bytes + IvSize)) == 1
        && EVP_DecryptFinal_ex(m_decrypt, reinterpret_cast<unsigned char *>(out->data()) + n, &tail) == 1;
    if (!ok)
        out->clear();
    return ok;
}

} // namespace StonyxBench
