#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "history/report_file.hpp"

namespace kubeproof::history {

/// What was found about one report's signature (the caller checks it; verify decides over it).
enum class SignatureState {
    NotChecked,  ///< no public key was given
    Valid,       ///< signed by one of the given keys
    Missing,     ///< no envelope beside the report
    UnknownKey,  ///< signed, but by none of the given keys
    Invalid,     ///< the signature does not match the report's bytes
    Unreadable,  ///< the envelope could not be read
};

/// One report as the caller read it.
struct VerifyInput {
    std::string path;  ///< as shown in problems
    std::string
        relative;  ///< relative to the store folder it was found in; "" for a file named alone
    std::string sha256;  ///< of its exact bytes; "" when read only to the end of its header
    SignatureState signature = SignatureState::NotChecked;
    std::string signature_detail;  ///< the key id, or why the envelope could not be read
    ReportHeader header;
};

/// What verify is asked to check.
struct VerifyOptions {
    std::optional<int64_t> every;     ///< expected seconds between two scans of a series (--every)
    std::optional<std::time_t> from;  ///< only reports started at or after (--from)
    std::optional<std::time_t> to;    ///< only reports started before (--to)
    /// Whether `from` may cut series short (verify --from): a series then need not start at seq 1.
    /// A period that begins at its first report cuts nothing, and says so with false.
    bool from_cuts_series = true;
};

/// One thing that is not intact.
struct Problem {
    std::string kind;  ///< signature, moved, missing, link, order, definitions, gap, node, ...
    std::string path;  ///< the report concerned ("" for a gap between reports)
    std::string series;
    std::string cluster;  ///< the cluster's folder in the store (layout.hpp), "" when unknown
    uint64_t seq = 0;
    std::string message;  ///< a sentence naming the report, the series, the seq and the times
    std::string start;    ///< gaps: the last scan before the hole (RFC 3339)
    std::string end;      ///< gaps: the first scan after it
    int64_t seconds = 0;  ///< gaps: how long the hole is
};

/// One series as verify saw it.
struct SeriesSummary {
    std::string cluster;
    std::string series;
    uint64_t first_seq = 0;
    uint64_t last_seq = 0;
    size_t reports = 0;
    std::string first_started;
    std::string last_started;
};

/// Everything verify found.
struct VerifyOutcome {
    size_t reports = 0;
    bool signatures_checked = false;
    std::vector<SeriesSummary> series;
    std::vector<Problem> problems;
};

/// Checks a set of stored reports offline: each signature, each report in the place of the store
/// its content names, the `previous` links and `seq` steps of every series (a deleted, inserted or
/// reordered report shows), times that never go backwards, a definitions digest that changes only
/// with the tool version, and with `every` each hole longer than the interval and each node of a
/// cluster inventory with no node report around it. Pure: reads nothing, knows no clock.
VerifyOutcome verify(const std::vector<VerifyInput>& inputs, const VerifyOptions& options);

/// "link: 1, signature: 2": the kinds of the problems, each with its count, in name order; with
/// `which`, only those problems (indices in `problems`).
std::string count_kinds(const std::vector<Problem>& problems);
std::string count_kinds(const std::vector<Problem>& problems, const std::vector<size_t>& which);

/// Seconds since the epoch of an RFC 3339 UTC time ("2026-12-06T10:21:44Z"); nullopt otherwise.
std::optional<std::time_t> parse_rfc3339(const std::string& text);

/// The RFC 3339 UTC text of a time ("2026-12-06T10:21:44Z").
std::string to_rfc3339(std::time_t when);

/// "3d 4h 5m", "45m", "12s".
std::string describe_duration(int64_t seconds);

}  // namespace kubeproof::history
