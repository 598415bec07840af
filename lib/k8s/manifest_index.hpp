#pragma once

#include <cstddef>
#include <vector>

#include "k8s/manifest_identity.hpp"
#include "local/manifest_files.hpp"
#include "parse/diagnostics.hpp"

namespace kubeproof::k8s {

/// A piece of a manifest input that holds objects: one JSON object, or one YAML document with the
/// objects it holds (several for a List).
struct ManifestUnit {
    size_t offset = 0;  ///< of its first byte in the input
    size_t length = 0;
    int line = 1;                      ///< 1-based line of a JSON object, or of a YAML document
    std::vector<Identity> identities;  ///< apiVersion and kind of each of its objects, in order
};

/// Where the objects of one manifest input are and what they are, found once, so that listing can
/// read back only the units holding the types it wants.
class ManifestIndex {
public:
    /// Indexes `input`: JSON a block at a time (each object a unit, a List's items one each), YAML
    /// document by document. Adds every problem found (file:line:col) to `diagnostics`, then
    /// closes the input.
    ManifestIndex(local::ManifestInput& input, parse::Diagnostics& diagnostics);

    /// Whether the input is JSON (a unit is an object) rather than YAML (a unit is a document).
    bool json() const { return m_json; }
    /// The units holding at least one object, in input order.
    const std::vector<ManifestUnit>& units() const { return m_units; }
    /// How many objects the input holds.
    size_t object_count() const;

private:
    void index_json_objects(local::ManifestInput& input, parse::Diagnostics& diagnostics);
    void index_yaml_documents(local::ManifestInput& input, parse::Diagnostics& diagnostics);

    bool m_json = false;
    std::vector<ManifestUnit> m_units;
};

}  // namespace kubeproof::k8s
