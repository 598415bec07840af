#include "app/verify.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/stored_reports.hpp"
#include "evidence/signing.hpp"
#include "history/verify.hpp"
#include "local/local_files.hpp"
#include "parse/values.hpp"

namespace kubeproof::app {

namespace {

/// Reads, hashes and checks one report; an unreadable one is a problem for exit 2.
std::optional<std::string> read_one(const FoundReport& found, const PublicKeys& keys,
                                    history::VerifyInput& out) {
    auto bytes = local::read_local_file(found.path);
    if (!bytes) return bytes.error().message;
    auto header = history::read_header_of_whole(*bytes, found.path);
    if (!header) return header.error().message;
    out.path = found.path;
    out.relative = found.relative;
    out.sha256 = evidence::sha256_hex(*bytes);
    out.header = std::move(*header);
    out.signature = check_signature(found.path, *bytes, keys, out.signature_detail);
    return std::nullopt;
}

/// Reads every report on several threads; the first unreadable one, in path order, wins.
util::Expected<std::vector<history::VerifyInput>, ScanError> read_all(
    const std::vector<FoundReport>& found, const PublicKeys& keys) {
    std::vector<history::VerifyInput> inputs(found.size());
    auto problem = for_each_report(found.size(),
                                   [&](size_t i) { return read_one(found[i], keys, inputs[i]); });
    if (problem) return util::unexpected(ScanError{2, *problem});
    return inputs;
}

std::string render_text(const history::VerifyOutcome& outcome) {
    std::string out;
    for (const auto& s : outcome.series) {
        out +=
            fmt::format("series {}/{}: {} reports, seq {} to {}, {} to {}\n", s.cluster, s.series,
                        s.reports, s.first_seq, s.last_seq, s.first_started, s.last_started);
    }
    for (const auto& p : outcome.problems) out += fmt::format("[FAIL] {}: {}\n", p.kind, p.message);
    if (!outcome.signatures_checked)
        out += "note: signatures were not checked: give the public keys with --key\n";
    out +=
        outcome.problems.empty()
            ? fmt::format("intact: {} reports in {} series\n", outcome.reports,
                          outcome.series.size())
            : fmt::format("NOT intact: {} {} in {} reports\n", outcome.problems.size(),
                          outcome.problems.size() == 1 ? "problem" : "problems", outcome.reports);
    return out;
}

std::string render_json(const history::VerifyOutcome& outcome) {
    nlohmann::ordered_json doc{{"intact", outcome.problems.empty()},
                               {"reports", outcome.reports},
                               {"signatures_checked", outcome.signatures_checked},
                               {"series", nlohmann::ordered_json::array()},
                               {"problems", nlohmann::ordered_json::array()}};
    for (const auto& s : outcome.series) {
        doc["series"].push_back({{"cluster", s.cluster},
                                 {"series", s.series},
                                 {"reports", s.reports},
                                 {"first_seq", s.first_seq},
                                 {"last_seq", s.last_seq},
                                 {"first_started", s.first_started},
                                 {"last_started", s.last_started}});
    }
    for (const auto& p : outcome.problems) {
        nlohmann::ordered_json item{{"kind", p.kind}, {"message", p.message}};
        if (!p.path.empty()) item["path"] = p.path;
        if (!p.series.empty()) item["series"] = p.series;
        if (p.seq > 0) item["seq"] = p.seq;
        if (!p.start.empty())
            item.update({{"start", p.start}, {"end", p.end}, {"seconds", p.seconds}});
        doc["problems"].push_back(std::move(item));
    }
    return doc.dump(2) + "\n";
}

}  // namespace

std::optional<std::time_t> parse_time(const std::string& text) {
    if (text.size() == 10) return history::parse_rfc3339(text + "T00:00:00Z");
    return history::parse_rfc3339(text);
}

std::optional<int64_t> parse_interval(const std::string& text) {
    if (text.size() > 1 && text.back() == 'd') {
        const auto days = parse::parse_int(text.substr(0, text.size() - 1));
        return days ? std::optional<int64_t>(*days * 86400) : std::nullopt;
    }
    const auto nanoseconds = parse::parse_duration(text);
    return nanoseconds ? std::optional<int64_t>(*nanoseconds / 1'000'000'000) : std::nullopt;
}

util::Expected<VerifyResult, ScanError> verify_reports(const VerifyRequest& request) {
    auto keys = load_keys(request.key_files);
    if (!keys) return util::unexpected(keys.error());
    auto found = find_reports(request.inputs);
    if (!found) return util::unexpected(found.error());
    auto inputs = read_all(*found, *keys);
    if (!inputs) return util::unexpected(inputs.error());
    const history::VerifyOutcome outcome =
        history::verify(*inputs, {request.every, request.from, request.to});
    return VerifyResult{request.format == "json" ? render_json(outcome) : render_text(outcome),
                        outcome.problems.empty()};
}

}  // namespace kubeproof::app
