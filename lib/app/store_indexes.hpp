#pragma once

// What `report` reads from the stores' indexes (lib/index). Internal to lib/app.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/stored_reports.hpp"
#include "index/store_index.hpp"

namespace kubeproof::app {

/// The keys as the index records them (Entry::keys): their ids, sorted, joined by ",".
std::string index_keys(const PublicKeys& keys);

/// Signs the index at `path` with the private key in `sign_key`: a DSSE envelope of its digest
/// (evidence::index_digest_payload) at `path`.sig. Without a key, removes an envelope left by an
/// earlier index. The problem, or nullopt.
std::optional<std::string> sign_index(const std::string& path, const std::string& sign_key);

/// Why the index at `path` cannot stand in for reports signed with `keys`: no envelope, none of
/// the keys signed it, or its bytes are not those signed. nullopt when it can.
std::optional<std::string> index_signature_problem(const std::string& path, const PublicKeys& keys);

/// The indexes of the store folders a `report` reads, for what they hold of reports unchanged
/// since they were indexed. Empty when no folder has one. Internal to lib/app.
class StoreIndexes {
public:
    /// Loads the index of each folder among `inputs` that has one; an index that cannot be read
    /// is passed over with a warning on stderr (it is derived: the reports are read instead). With
    /// `keys`, an index is used only when one of them signed it (index_signature_problem).
    static StoreIndexes load(const std::vector<std::string>& inputs, const PublicKeys& keys);

    StoreIndexes();
    StoreIndexes(StoreIndexes&&) noexcept;
    StoreIndexes& operator=(StoreIndexes&&) noexcept;
    StoreIndexes(const StoreIndexes&) = delete;
    StoreIndexes& operator=(const StoreIndexes&) = delete;
    ~StoreIndexes();

    /// A report an index knows: what it recorded, and the index's table of results (one per
    /// store folder: `store` tells them apart).
    struct Hit {
        index::Entry* entry = nullptr;  ///< the caller may take its header and results
        const index::Snapshot* snapshot = nullptr;
        size_t store = 0;
    };
    /// The number of store folders with an index.
    size_t stores() const;
    /// What an index holds of a report when the report (and, when keys are given, its envelope)
    /// is unchanged since it was indexed with the same keys; null otherwise.
    std::optional<Hit> find(const FoundReport& file, const std::string& keys);

private:
    struct State;
    std::unique_ptr<State> m_state;
};

}  // namespace kubeproof::app
