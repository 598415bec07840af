#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "model/check.hpp"

namespace kubeproof::model {

/// Loaded definitions encoded for the binary (cereal binary archives): the core (catalogue,
/// frameworks, the selection and every benchmark's header) and each benchmark's sections apart, so
/// that a run decodes only the benchmarks it uses.
struct CompiledDefinitions {
    std::vector<uint8_t> core;  ///< with the frameworks' links lacking their rationales
    std::map<std::string, std::vector<uint8_t>> sections;  ///< by benchmark id
    std::vector<uint8_t> frameworks;                       ///< the frameworks with rationales
};

/// Encodes loaded definitions (cereal binary archives), so that a build step can compile them into
/// the binary.
CompiledDefinitions to_binary(const Definitions& definitions);

/// Decodes the core written by to_binary, with the benchmarks' encoded sections (views of bytes
/// that outlive the definitions) left for Definitions::benchmark to decode; nullopt (with `error`
/// set) when the bytes are not valid or a benchmark's sections are missing.
std::optional<Definitions> definitions_from_binary(
    std::span<const uint8_t> core, const std::map<std::string, std::span<const uint8_t>>& sections,
    std::span<const uint8_t> frameworks, std::string& error);

/// Decodes one benchmark's sections written by to_binary; nullopt (with `error` set) when invalid.
std::optional<std::vector<Section>> sections_from_binary(std::span<const uint8_t> bytes,
                                                         std::string& error);

}  // namespace kubeproof::model
