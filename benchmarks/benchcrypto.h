// SPDX-License-Identifier: MIT
// Protocol-v1 crypto for stonyx-bench, on OpenSSL 3 EVP only (no Qt): the scrypt
// global key, AES-256-GCM frames (IV || tag || ciphertext), and the SHA-1/base64
// needed by the WebSocket handshake.
//
// Thread affinity: a FrameCrypter belongs to one thread (it keeps its own
// EVP_CIPHER_CTX); the free functions are thread-safe.

#pragma once

#include <openssl/evp.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace StonyxBench {

using Key = std::array<unsigned char, 32>;

constexpr std::size_t IvSize = 12;
constexpr std::size_t TagSize = 16;
constexpr std::size_t FrameOverhead = IvSize + TagSize;

//! scrypt(authKey, "stonyx-sockets", N=16384, r=8, p=1, 32 bytes), as PROTOCOL.md says.
bool deriveGlobalKey(std::string_view authKey, Key *key);

std::string base64Encode(std::string_view bytes);
//! Standard base64 with padding; false on malformed input.
bool base64Decode(std::string_view text, std::string *bytes);
std::string sha1(std::string_view bytes);
bool randomBytes(unsigned char *out, std::size_t size);

//! Random IVs, drawn from RAND_bytes a few kilobytes at a time. One per thread.
class IvSource
{
public:
    const unsigned char *next();

private:
    std::array<unsigned char, 4096 / IvSize * IvSize> m_pool{};
    std::size_t m_used = m_pool.size();
};

//! Encrypts and decrypts protocol-v1 frames under one key, which it expands once.
//! One per key and thread (a connection owns one for its session key).
class FrameCrypter
{
public:
    explicit FrameCrypter(const Key &key);
    ~FrameCrypter();
    FrameCrypter(const FrameCrypter &) = delete;
    FrameCrypter &operator=(const FrameCrypter &) = delete;

    bool isValid() const { return m_valid; }

    //! Appends IV || tag || ciphertext of plain to out, with the given 12-byte IV.
    bool encrypt(std::string_view plain, const unsigned char *iv, std::string *out);
    //! Replaces out with the plaintext; false when the frame is short or its tag does not verify.
    bool decrypt(std::string_view frame, std::string *out);

private:
    // One context per direction, each bound to the cipher once; a frame then only sets key and IV.
    EVP_CIPHER_CTX *m_encrypt = nullptr;
    EVP_CIPHER_CTX *m_decrypt = nullptr;
    bool m_valid = false;
};

} // namespace StonyxBench
