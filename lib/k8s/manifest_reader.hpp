#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "k8s/manifest_identity.hpp"
#include "k8s/manifest_index.hpp"
#include "local/manifest_files.hpp"
#include "model/objects.hpp"
#include "util/expected.hpp"

namespace kubeproof::k8s {

/// The resource types a read-back asks for; objects of other types are skipped.
class WantedTypes {
public:
    /// Objects of any of `types` (a view: they must outlive this), each built without the fields
    /// the first type it is of leaves out.
    explicit WantedTypes(std::span<const model::ResourceType> types) : m_types(types) {}
    /// Every object, whole.
    static WantedTypes every() { return WantedTypes(); }

    /// Which of the types (its position) an object is of: the first that matches; 0 for every().
    std::optional<size_t> match(const Identity& identity) const;
    /// The fields to leave out of an object of the type at `position`.
    const std::vector<std::string>& ignored_fields(size_t position) const;

private:
    WantedTypes() : m_every(true) {}
    std::span<const model::ResourceType> m_types;
    bool m_every = false;
};

/// Receives an object read back and the position of its type in WantedTypes; the object may be
/// moved from.
using WantedSink = std::function<void(ManifestObject&& object, size_t type)>;

/// Reads back the objects of one indexed manifest input, a unit at a time: JSON objects, and the
/// YAML objects indexing kept as JSON text, built without the fields their type leaves out; other
/// YAML documents read again whole. Memory holds one unit of the input at a time.
class ManifestReader {
public:
    /// Over `input` as `index` describes it; both must outlive the reader.
    ManifestReader(local::ManifestInput& input, const ManifestIndex& index)
        : m_input(input), m_index(index) {}

    /// Delivers, in input order, the objects of the types `wanted` asks for, reading only the units
    /// that hold some (and not opening the input when none does). Returns how many objects it
    /// delivered, or why the input cannot be read back as it was indexed ("k8s/app.json changed
    /// while it was being scanned; scan it again"); the objects before that were delivered.
    util::Expected<size_t, std::string> read(const WantedTypes& wanted, const WantedSink& sink);

private:
    util::Expected<size_t, std::string> read_units(const WantedTypes& wanted,
                                                   const WantedSink& sink);
    util::Expected<size_t, std::string> read_json(const ManifestUnit& unit, std::string_view text,
                                                  const WantedTypes& wanted,
                                                  const WantedSink& sink);
    util::Expected<size_t, std::string> read_yaml(const ManifestUnit& unit, std::string_view text,
                                                  const WantedTypes& wanted,
                                                  const WantedSink& sink);
    util::Expected<size_t, std::string> read_kept(const ManifestUnit& unit,
                                                  const WantedTypes& wanted,
                                                  const WantedSink& sink);
    std::string changed_message() const;

    local::ManifestInput& m_input;
    const ManifestIndex& m_index;
};

}  // namespace kubeproof::k8s
