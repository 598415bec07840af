#pragma once

#include <doctest/doctest.h>

#include <string>

#include "../support/ed25519_pem.hpp"

namespace kubeproof::test {

/// A throwaway Ed25519 private key in PEM; fails the test when OpenSSL cannot make one.
inline std::string new_private_pem() {
    std::string pem = ed25519_private_pem();
    REQUIRE(!pem.empty());
    return pem;
}

}  // namespace kubeproof::test
