#ifndef POIES_COPENSSL_SHIM_H
#define POIES_COPENSSL_SHIM_H
// OpenSSL 3 libcrypto: SHA3-256 (EVP) and Ed25519 (EVP_PKEY). Keccak-512 with 0x01 padding is not
// in OpenSSL 3.0 and lives in Swift (MiningCore/Keccak512.swift).
#include <openssl/evp.h>
#include <openssl/err.h>
#endif
