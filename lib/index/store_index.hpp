#pragma once

// The store index: an SQLite file inside a store that remembers what reading each report gave —
// its SHA-256, its header, its signature's state and every result — so that a period report over
// tens of thousands of reports need not read them again. It is derived and disposable: built from
// the signed files, rebuilt at any time, never the record. What it remembers of a file counts only
// while stat(2) shows the file (and its signature envelope) unchanged; anything else is read again.
// The file format is documented in docs/index.md.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "history/report_file.hpp"
#include "history/report_rows.hpp"
#include "history/verify.hpp"
#include "local/store_files.hpp"
#include "util/expected.hpp"

struct sqlite3;

namespace kubeproof::index {

/// The index's file name, at the top of a store folder.
inline constexpr std::string_view k_file_name = "kubeproof-index.sqlite";

/// Its format, in the `meta` table; another value is rebuilt, never read.
inline constexpr std::string_view k_format = "kubeproof.index/v1";

/// "inode:size:mtime_ns:ctime_ns": while all four are unchanged a file is taken as unchanged (its
/// contents cannot change without changing its ctime, which no system call sets).
std::string stamp_text(const local::FileStamp& stamp);

/// What the index remembers of one report file.
struct Entry {
    std::string relative;  ///< the path relative to the store folder
    local::FileStamp report;
    std::string envelope;  ///< stamp_text() of `<report>.sig`; "" when there was none
    std::string keys;      ///< the key ids its signature was checked with, sorted, joined by ","
    history::SignatureState signature = history::SignatureState::NotChecked;
    std::string signature_detail;
    std::string sha256;
    history::ReportHeader header;
    std::vector<uint32_t> results;  ///< one per result, in report order: indices in Snapshot::kinds
};

/// Everything the index holds, read at once (a year of a fleet's reports: about 50 MB).
struct Snapshot {
    /// The distinct results: check (id, key, title), status and waiver, with every framework's
    /// criteria written "<framework>\t<criterion>" (history::k_every_framework).
    std::vector<history::ResultRow> kinds;
    std::map<std::string, Entry, std::less<>> reports;  ///< by relative path
};

/// An open index.
class Index {
public:
    /// Opens the index at `path`. `create`: makes it when missing, and rebuilds it empty when it
    /// holds another format or is not an index; otherwise a missing or foreign file is an error.
    static util::Expected<Index, std::string> open(const std::string& path, bool create);

    Index(Index&&) noexcept;
    Index& operator=(Index&&) noexcept;
    Index(const Index&) = delete;
    Index& operator=(const Index&) = delete;
    ~Index();

    /// Reads everything.
    util::Expected<Snapshot, std::string> load() const;

    /// Changes are made in one transaction: begin(), put() and remove() any number of times,
    /// then commit(). Nothing is changed until commit(); a failure leaves the index as it was.
    std::optional<std::string> begin();
    /// Records a report (replacing what was recorded under its path) with the rows read by
    /// history::read_rows_into(..., k_every_framework, rows). May be called from several threads
    /// at once (between begin() and commit()).
    std::optional<std::string> put(const Entry& entry, const std::vector<history::ResultRow>& rows);
    std::optional<std::string> remove(const std::string& relative);
    std::optional<std::string> commit();

private:
    struct State;
    explicit Index(std::unique_ptr<State> state);
    std::unique_ptr<State> m_state;
};

/// "not-checked", "valid", "missing", "unknown-key", "invalid" or "unreadable".
std::string_view signature_text(history::SignatureState state);

/// The key ids of a set of keys as Entry::keys spells them.
std::string keys_text(const std::vector<std::string>& key_ids);

}  // namespace kubeproof::index
