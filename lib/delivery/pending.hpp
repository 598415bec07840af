#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/expected.hpp"

namespace kubeproof::delivery {

/// The queue's folder inside a store. Its files end with ".pending", never ".json", so `verify`,
/// `report` and `index` (which read *.json) never take an entry for a report.
inline constexpr std::string_view k_pending_folder = ".pending";

/// The first line of every queue entry.
inline constexpr std::string_view k_pending_magic = "kubeproof.pending/v1";

/// One report waiting to be delivered.
struct PendingEntry {
    std::string file;    ///< the queue entry, "STORE/.pending/…​.pending"
    std::string report;  ///< the report's path relative to the store, the object's key
};

/// A queue entry's text for the report at `relative` (a path relative to the store).
std::string pending_text(std::string_view relative);

/// The report a queue entry names: the magic line, then one relative path to a *.json file with
/// no empty, "." or ".." component. The error names `file` and what is wrong with it.
util::Expected<std::string, std::string> parse_pending(std::string_view text,
                                                       const std::string& file);

/// A queue entry's file name: the time it was queued (nanoseconds, 20 digits, so that names sort
/// oldest first) and the report's file name.
std::string pending_name(uint64_t queued_ns, std::string_view relative);

/// Queues the report at `relative` in `store` (written atomically); the error names the file.
std::optional<std::string> enqueue(const std::string& store, std::string_view relative);

/// What the queue of `store` holds, oldest first: entries read, and an error naming each entry that
/// could not be read (kept in place, never dropped).
struct PendingQueue {
    std::vector<PendingEntry> entries;
    std::vector<std::string> problems;
};

/// Reads the queue of `store`; an absent queue is an empty one.
PendingQueue read_queue(const std::string& store);

}  // namespace kubeproof::delivery
