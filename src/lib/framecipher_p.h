// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library and its tests; not installed. What no application should be
// able to do with a FrameCipher: choose the IV (reusing one with the same key destroys
// GCM's security) or read the key back.

#include "framecipher.h"

namespace Stonyx::Sockets {

struct STONYX_SOCKETS_EXPORT FrameCipherPrivate {
    /*! Encrypts \a plaintext with the given \a iv (IvSize bytes), for test vectors. */
    static QByteArray sealWithIv(FrameCipher &cipher, QByteArrayView plaintext, QByteArrayView iv);
    /*! The key of \a cipher, or an empty array. */
    static QByteArray key(const FrameCipher &cipher);
};

} // namespace Stonyx::Sockets
