#include "app/history.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "evidence/signing.hpp"
#include "history/diff.hpp"
#include "history/merge.hpp"
#include "local/local_files.hpp"
#include "report/json_writer.hpp"

namespace kubeproof::app {

namespace {

using history::Change;
using history::ChangeKind;
using Json = nlohmann::ordered_json;

/// A report read from a file: its bytes' digest and its content.
struct ReadReport {
    std::string sha256;
    history::ReportFile report;
};

util::Expected<ReadReport, ScanError> read_report(const std::string& path) {
    auto bytes = local::read_local_file(path);
    if (!bytes) return util::unexpected(ScanError{2, bytes.error().message});
    auto report = history::read_report(*bytes, path);
    if (!report) return util::unexpected(ScanError{2, report.error().message});
    return ReadReport{evidence::sha256_hex(*bytes), std::move(*report)};
}

/// A version-4 style UUID derived from a digest, so the same inputs give the same id.
std::string uuid_of(const std::string& hex) {
    return fmt::format("{}-{}-4{}-8{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(13, 3),
                       hex.substr(17, 3), hex.substr(20, 12));
}

// ---- diff, as text

std::string upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

/// "node cp-1", "cluster demo: cp-1, cp-2, worker-1".
std::string describe(const history::DiffSide& side) {
    const std::string nodes = fmt::format("{}", fmt::join(side.nodes, ", "));
    const std::string what =
        side.merged ? fmt::format("cluster {}: {}",
                                  side.cluster.empty() ? "(unnamed)" : side.cluster, nodes)
                    : "node " + nodes;
    return fmt::format("{} ({}, {}, scan {}, started {})", side.file, what, side.benchmark,
                       side.scan_id, side.started_at);
}

/// "1.2.15 (apiserver.profiling)", "1.2.16 (apiserver.profiling, was 1.2.15)".
std::string check_of(const Change& c) {
    std::vector<std::string> notes;
    if (!c.key.empty()) notes.push_back(c.key);
    if (!c.old_id.empty() && c.old_id != c.id) notes.push_back("was " + c.old_id);
    return notes.empty() ? c.id : fmt::format("{} ({})", c.id, fmt::join(notes, ", "));
}

std::string values_of(const std::vector<std::string>& values) {
    return values.empty() ? "(none)" : fmt::format("{}", fmt::join(values, " | "));
}

/// "ref: old -> new; ref2: ... (and 2 more)".
std::string evidence_text(const std::vector<history::EvidenceChange>& changes) {
    constexpr size_t k_shown = 3;
    std::vector<std::string> parts;
    for (size_t i = 0; i < changes.size() && i < k_shown; ++i) {
        parts.push_back(fmt::format("{}: {} -> {}", changes[i].ref,
                                    values_of(changes[i].old_values),
                                    values_of(changes[i].new_values)));
    }
    std::string out = fmt::format("{}", fmt::join(parts, "; "));
    if (changes.size() > k_shown) out += fmt::format(" (and {} more)", changes.size() - k_shown);
    return out;
}

std::string change_line(const Change& c) {
    const std::string label = fmt::format("[{}]", upper(history::to_string(c.kind)));
    if (c.kind == ChangeKind::NodeAdded || c.kind == ChangeKind::NodeRemoved)
        return fmt::format("{} {}\n", label, c.node);
    const std::string subject = check_of(c) + (c.node.empty() ? "" : " " + c.node);
    auto with = [](const std::string& text) { return text.empty() ? "" : ": " + text; };
    switch (c.kind) {
        case ChangeKind::Drifted:
            return fmt::format("{} {}: {}, evidence changed: {}\n", label, subject, c.new_status,
                               evidence_text(c.evidence));
        case ChangeKind::Added:
        case ChangeKind::Removed: {
            const std::string& status = c.kind == ChangeKind::Added ? c.new_status : c.old_status;
            return fmt::format("{} {}: {}{}\n", label, subject, status,
                               with(c.node.empty() ? c.title : c.actual));
        }
        default:
            return fmt::format("{} {}: {} -> {}{}\n", label, subject, c.old_status, c.new_status,
                               with(c.actual));
    }
}

std::string render_text(const history::DiffOutcome& outcome) {
    std::string out =
        "old: " + describe(outcome.old_side) + "\nnew: " + describe(outcome.new_side) + "\n";
    for (const auto& c : outcome.changes) out += change_line(c);
    if (outcome.changes.empty()) return out + "no changes\n";
    std::vector<std::string> counts;
    for (ChangeKind kind : history::k_change_kinds) {
        if (size_t n = outcome.count(kind))
            counts.push_back(fmt::format("{} {}", n, history::to_string(kind)));
    }
    return out + fmt::format("{} {}: {}\n", outcome.changes.size(),
                             outcome.changes.size() == 1 ? "change" : "changes",
                             fmt::join(counts, ", "));
}

// ---- diff, as JSON

Json nullable(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

Json side_json(const history::DiffSide& side) {
    return Json{{"file", side.file},
                {"scan_id", side.scan_id},
                {"started_at", side.started_at},
                {"benchmark", side.benchmark},
                {"cluster", nullable(side.cluster)},
                {"merged", side.merged},
                {"nodes", side.nodes}};
}

Json change_json(const Change& c) {
    Json evidence = Json::array();
    for (const auto& e : c.evidence) {
        evidence.push_back(Json{
            {"source", e.source}, {"ref", e.ref}, {"old", e.old_values}, {"new", e.new_values}});
    }
    return Json{{"kind", history::to_string(c.kind)},
                {"id", nullable(c.id)},
                {"old_id", nullable(c.old_id)},
                {"key", nullable(c.key)},
                {"node", nullable(c.node)},
                {"title", nullable(c.title)},
                {"old_status", nullable(c.old_status)},
                {"new_status", nullable(c.new_status)},
                {"actual", nullable(c.actual)},
                {"evidence", std::move(evidence)}};
}

std::string render_json(const history::DiffOutcome& outcome) {
    Json counts = Json::object();
    for (ChangeKind kind : history::k_change_kinds)
        counts[std::string(history::to_string(kind))] = outcome.count(kind);
    Json changes = Json::array();
    for (const auto& c : outcome.changes) changes.push_back(change_json(c));
    const Json doc{{"schema", "kubeproof.diff/v1"},      {"old", side_json(outcome.old_side)},
                   {"new", side_json(outcome.new_side)}, {"regressed", outcome.regressed()},
                   {"counts", std::move(counts)},        {"changes", std::move(changes)}};
    return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace

util::Expected<DiffResult, ScanError> diff_reports(const DiffRequest& request) {
    auto old_report = read_report(request.old_report);
    if (!old_report) return util::unexpected(old_report.error());
    auto new_report = read_report(request.new_report);
    if (!new_report) return util::unexpected(new_report.error());
    const history::DiffOutcome outcome = history::diff(old_report->report, request.old_report,
                                                       new_report->report, request.new_report);
    return DiffResult{request.format == "json" ? render_json(outcome) : render_text(outcome),
                      outcome.regressed()};
}

util::Expected<MergeResult, ScanError> merge_reports(const MergeRequest& request) {
    std::vector<history::MergeInput> inputs;
    for (const auto& path : request.inputs) {
        auto read = read_report(path);
        if (!read) return util::unexpected(read.error());
        inputs.push_back({path, read->sha256, std::move(read->report)});
    }
    // The merged scan's id: the same reports, in any order, give the same id.
    std::vector<std::string> sorted;
    sorted.reserve(inputs.size());
    for (const auto& in : inputs) sorted.push_back(in.sha256);
    std::sort(sorted.begin(), sorted.end());
    const std::string digests = fmt::format("{}", fmt::join(sorted, ""));
    const history::MergeOptions options{request.cluster, request.latest,
                                        uuid_of(evidence::sha256_hex(digests)), KUBEPROOF_VERSION};
    auto merged = history::merge(std::move(inputs), options);
    if (!merged) return util::unexpected(ScanError{2, merged.error().message});
    return MergeResult{report::to_json(merged->report), std::move(merged->merged),
                       std::move(merged->warnings)};
}

}  // namespace kubeproof::app
