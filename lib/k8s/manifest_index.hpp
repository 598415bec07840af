#pragma once

#include <atomic>
#include <cstddef>
#include <string>
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
    /// A YAML document's objects as indexing converted them (one per identity, in order), so that
    /// reading back builds them from JSON text instead of parsing the YAML again; empty when the
    /// KeepBudget was spent, and always for JSON (whose read-back builds from the input).
    std::vector<KeptObject> kept;
    std::string helm_source;  ///< of a kept YAML document (Helm's "# Source:" comment), or ""
};

/// How many bytes of converted YAML objects the indexing of a scan's inputs may keep in memory,
/// shared by the threads that index them. Past it, documents are parsed again when read back:
/// slower, but memory stays bounded however much YAML a scan is given.
class KeepBudget {
public:
    explicit KeepBudget(size_t bytes) : m_left(bytes) {}
    /// Takes `bytes` of what is left; false (taking nothing) if less is left.
    bool take(size_t bytes);

private:
    std::atomic<size_t> m_left;
};

/// Where the objects of one manifest input are and what they are, found once, so that listing can
/// read back only the units holding the types it wants.
class ManifestIndex {
public:
    /// Indexes `input`: JSON a block at a time (each object a unit, a List's items one each), YAML
    /// document by document, keeping each YAML document's converted objects while `keep` (if
    /// given) allows. Adds every problem found (file:line:col) to `diagnostics`, then closes the
    /// input.
    ManifestIndex(local::ManifestInput& input, parse::Diagnostics& diagnostics,
                  KeepBudget* keep = nullptr);

    /// Whether the input is JSON (a unit is an object) rather than YAML (a unit is a document).
    bool json() const { return m_json; }
    /// The units holding at least one object, in input order.
    const std::vector<ManifestUnit>& units() const { return m_units; }
    /// How many objects the input holds.
    size_t object_count() const;

private:
    void index_json_objects(local::ManifestInput& input, parse::Diagnostics& diagnostics);
    void index_yaml_documents(local::ManifestInput& input, parse::Diagnostics& diagnostics,
                              KeepBudget* keep);

    bool m_json = false;
    std::vector<ManifestUnit> m_units;
};

}  // namespace kubeproof::k8s
