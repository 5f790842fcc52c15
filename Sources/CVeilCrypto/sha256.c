// The contract with libcrypto: EVP_DigestUpdate reads exactly `count` bytes from any address
// (no alignment or padding asked of the caller); EVP_DigestFinal_ex writes EVP_MD_size bytes,
// 32 for SHA-256, into the caller's buffer, which the header fixes at 32.
#include "CVeilCrypto.h"

#include <openssl/evp.h>

struct CVeilSHA256 {
    EVP_MD_CTX *context;
};

// Takes ownership of `context`: wraps it, or frees it and returns NULL.
static CVeilSHA256 *wrapped(EVP_MD_CTX *context) {
    CVeilSHA256 *hash = OPENSSL_malloc(sizeof *hash);
    if (hash == NULL) {
        EVP_MD_CTX_free(context);
        return NULL;
    }
    hash->context = context;
    return hash;
}

CVeilSHA256 *CVeilSHA256_create(void) {
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    if (context == NULL) return NULL;
    if (EVP_DigestInit_ex(context, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(context);
        return NULL;
    }
    return wrapped(context);
}

CVeilSHA256 *CVeilSHA256_copy(const CVeilSHA256 *hash) {
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    if (context == NULL) return NULL;
    if (EVP_MD_CTX_copy_ex(context, hash->context) != 1) {
        EVP_MD_CTX_free(context);
        return NULL;
    }
    return wrapped(context);
}

int CVeilSHA256_update(CVeilSHA256 *hash, const void *bytes, size_t count) {
    if (count == 0) return 0;
    return EVP_DigestUpdate(hash->context, bytes, count) == 1 ? 0 : 1;
}

int CVeilSHA256_finish(CVeilSHA256 *hash, unsigned char digest[32]) {
    unsigned int written = 0;
    if (EVP_DigestFinal_ex(hash->context, digest, &written) != 1) return 1;
    return written == 32 ? 0 : 1;
}

void CVeilSHA256_destroy(CVeilSHA256 *hash) {
    if (hash == NULL) return;
    EVP_MD_CTX_free(hash->context);
    OPENSSL_free(hash);
}
