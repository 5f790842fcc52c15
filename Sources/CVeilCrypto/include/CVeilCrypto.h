// SHA-256 through OpenSSL's libcrypto (EVP), which uses the CPU's SHA extensions where present.
#ifndef CVEIL_CRYPTO_H
#define CVEIL_CRYPTO_H

#include <stddef.h>

/// An opaque SHA-256 computation (an OpenSSL EVP_MD_CTX).
typedef struct CVeilSHA256 CVeilSHA256;

/// A fresh SHA-256 computation, or NULL when libcrypto cannot provide one (out of memory, or
/// SHA-256 disabled by the system's OpenSSL configuration). Free it with CVeilSHA256_destroy.
CVeilSHA256 *CVeilSHA256_create(void);

/// A copy of `hash`'s state (for value semantics), or NULL on failure.
CVeilSHA256 *CVeilSHA256_copy(const CVeilSHA256 *hash);

/// Adds `count` bytes at `bytes` to the message. `bytes` is only read, may be unaligned, and
/// may be NULL when `count` is 0. Returns 0 on success.
int CVeilSHA256_update(CVeilSHA256 *hash, const void *bytes, size_t count);

/// Writes the 32-byte digest into `digest` (exactly 32 bytes are written). The computation
/// cannot be updated afterwards. Returns 0 on success.
int CVeilSHA256_finish(CVeilSHA256 *hash, unsigned char digest[32]);

/// Frees a computation; NULL is ignored.
void CVeilSHA256_destroy(CVeilSHA256 *hash);

#endif
