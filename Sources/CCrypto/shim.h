#ifndef CCRYPTO_SHIM_H
#define CCRYPTO_SHIM_H
/* OpenSSL's libcrypto for MD5/SHA-256 (as fast as md5sum), libcrypt for SHA-512 crypt. */
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <crypt.h>
#endif
