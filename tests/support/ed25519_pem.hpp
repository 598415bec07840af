#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <string>

namespace kubeproof::test {

/// A throwaway Ed25519 private key in PEM, as `openssl genpkey -algorithm ed25519` writes one;
/// "" when OpenSSL cannot make one.
inline std::string ed25519_private_pem() {
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    if (key == nullptr) return {};
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<size_t>(size));
    BIO_free(bio);
    EVP_PKEY_free(key);
    return pem;
}

}  // namespace kubeproof::test
