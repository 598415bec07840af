#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "model/check.hpp"

namespace kubeproof::model {

/// Encodes loaded definitions as CBOR, so that a build step can compile them into the binary.
std::vector<uint8_t> to_cbor(const Definitions& definitions);

/// Decodes definitions written by to_cbor; nullopt (with `error` set) when the bytes are not valid.
std::optional<Definitions> definitions_from_cbor(std::span<const uint8_t> bytes,
                                                 std::string& error);

}  // namespace kubeproof::model
