#include "report/sarif_writer.hpp"

#include <cctype>
#include <cstdint>
#include <map>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace kubeproof::report {

namespace {

using Json = nlohmann::ordered_json;
using model::Status;

constexpr std::string_view k_schema_uri = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr std::string_view k_tool_name = "kubeproof";
constexpr std::string_view k_information_uri = "https://github.com/kubeproof/kubeproof";
constexpr std::string_view k_source_root = "%SRCROOT%";
constexpr std::string_view k_fingerprint_key = "kubeproof/v1";
constexpr std::string_view k_uri_safe = "-._~/!$&'()*+,;=@";  // besides letters and digits

Json text_json(std::string_view text) { return Json{{"text", text}}; }

/// "rbac.cluster-admin-bindings" -> "RbacClusterAdminBindings"; without a key "5.2.2" ->
/// "Check5_2_2".
std::string rule_name(const model::Result& result) {
    std::string name = result.key.empty() ? "Check" : "";
    bool upper = true;
    for (char c : result.key.empty() ? result.id : result.key) {
        const auto byte = static_cast<unsigned char>(c);
        if (!std::isalnum(byte)) {
            if (result.key.empty()) name += '_';
            upper = true;
            continue;
        }
        name += upper ? static_cast<char>(std::toupper(byte)) : c;
        upper = false;
    }
    return name;
}

/// "security", the benchmark, and every framework criterion as "framework/criterion".
std::vector<std::string> rule_tags(const model::Result& result) {
    std::vector<std::string> tags{"security"};
    if (!result.benchmark.empty()) tags.push_back(result.benchmark);
    for (const auto& [framework, criteria] : result.controls) {
        for (const auto& criterion : criteria)
            tags.push_back(fmt::format("{}/{}", framework, criterion));
    }
    return tags;
}

Json rule_json(const model::Result& result) {
    const std::string& title = result.title.empty() ? result.id : result.title;
    const std::string full =
        result.expected.empty() ? title : fmt::format("{}. Expected: {}.", title, result.expected);
    return Json{{"id", result.id},
                {"name", rule_name(result)},
                {"shortDescription", text_json(title)},
                {"fullDescription", text_json(full)},
                {"defaultConfiguration", Json{{"level", result.automated ? "error" : "warning"}}},
                {"help", text_json(result.remediation.empty() ? title : result.remediation)},
                {"properties", Json{{"tags", rule_tags(result)},
                                    {"security-severity", result.automated ? "7.0" : "4.0"}}}};
}

/// What was seen at the evidence's place, and what was expected.
std::string evidence_message(const model::Result& result, const model::Evidence& item) {
    std::string seen = item.ref.empty()     ? item.value
                       : item.value.empty() ? item.ref
                                            : fmt::format("{}: {}", item.ref, item.value);
    if (seen.empty()) seen = result.actual;
    if (result.expected.empty()) return seen.empty() ? result.title : seen;
    return seen.empty() ? "Expected: " + result.expected
                        : fmt::format("{}. Expected: {}", seen, result.expected);
}

/// The message of a FAIL result without a file location.
std::string unlocated_message(const model::Result& result) {
    if (result.expected.empty()) return result.actual.empty() ? result.title : result.actual;
    return result.actual.empty() ? "Expected: " + result.expected
                                 : fmt::format("{}. Expected: {}", result.actual, result.expected);
}

Json locations_json(std::string_view file, int line) {
    const std::string uri = sarif_uri(file);
    Json artifact{{"uri", uri}};
    if (!uri.starts_with("file:")) artifact["uriBaseId"] = k_source_root;
    Json physical{{"artifactLocation", std::move(artifact)}};
    if (line > 0) physical["region"] = Json{{"startLine", line}};
    return Json::array({Json{{"physicalLocation", std::move(physical)}}});
}

/// The place-independent identity of a finding: rule, file and what was seen (never the line).
Json fingerprints_json(const model::Result& result, std::string_view file,
                       std::string_view identity) {
    return Json{{k_fingerprint_key,
                 fnv1a_hex(fmt::format("{}\n{}\n{}", result.id, sarif_uri(file), identity))}};
}

/// A finding an active waiver accepts, as a SARIF suppression (§3.35): kept outside the
/// analysed files, accepted, with the waiver's reason and who owns it until when.
Json suppressions_json(const model::Waiver& waiver) {
    std::string justification = waiver.reason.empty() ? "waived" : waiver.reason;
    justification +=
        fmt::format(" (owner {}, expires {}{}; {})", waiver.owner, waiver.expires,
                    waiver.ticket.empty() ? "" : ", ticket " + waiver.ticket, waiver.source);
    Json properties{{"source", waiver.source}, {"check", waiver.check}, {"owner", waiver.owner}};
    if (!waiver.approver.empty()) properties["approver"] = waiver.approver;
    if (!waiver.ticket.empty()) properties["ticket"] = waiver.ticket;
    properties["expires"] = waiver.expires;
    return Json::array({Json{{"kind", "external"},
                             {"status", "accepted"},
                             {"justification", std::move(justification)},
                             {"properties", std::move(properties)}}});
}

/// The message, with the expiry named when the waiver that covered the finding has expired.
std::string with_expiry(const model::Result& result, std::string message) {
    if (result.waiver && result.waiver->state == model::WaiverState::Expired)
        message += fmt::format(" (waiver expired {}, {})", result.waiver->waiver.expires,
                               result.waiver->waiver.source);
    return message;
}

Json result_json(const model::Result& result, size_t rule_index, const std::string& message) {
    Json json{{"ruleId", result.id},
              {"ruleIndex", rule_index},
              {"level", result.status == Status::Fail ? "error" : "warning"},
              {"message", text_json(with_expiry(result, message))}};
    if (model::is_accepted(result)) json["suppressions"] = suppressions_json(result.waiver->waiver);
    return json;
}

void add_results(Json& results, const model::Result& result, size_t rule_index,
                 const SarifOptions& options) {
    if (result.status != Status::Fail && result.status != Status::Warn) return;
    bool located = false;
    for (const auto& item : result.evidence) {
        if (item.file.empty()) continue;
        located = true;
        Json json = result_json(result, rule_index, evidence_message(result, item));
        json["locations"] = locations_json(item.file, item.line);
        json["partialFingerprints"] =
            fingerprints_json(result, item.file, item.ref + "\n" + item.value);
        results.push_back(std::move(json));
    }
    if (located || result.status != Status::Fail) return;
    Json json = result_json(result, rule_index, unlocated_message(result));
    if (!options.unlocated_uri.empty())
        json["locations"] = locations_json(options.unlocated_uri, 0);
    json["partialFingerprints"] = fingerprints_json(result, options.unlocated_uri, result.actual);
    results.push_back(std::move(json));
}

bool is_uri_safe(unsigned char byte) {
    return std::isalnum(byte) || k_uri_safe.find(static_cast<char>(byte)) != std::string_view::npos;
}

std::string percent_encoded(std::string_view text) {
    std::string out;
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        out += is_uri_safe(byte) ? std::string(1, c) : fmt::format("%{:02X}", byte);
    }
    return out;
}

}  // namespace

std::string sarif_uri(std::string_view path) {
    std::string slashed(path);
    for (char& c : slashed) c = c == '\\' ? '/' : c;
    std::string_view rest = slashed;
    while (rest.starts_with("./")) rest.remove_prefix(2);
    if (rest.starts_with('/')) return "file://" + percent_encoded(rest);
    return percent_encoded(rest);
}

std::string fnv1a_hex(std::string_view text) {
    uint64_t hash = 14695981039346656037ULL;
    for (char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ULL;
    }
    return fmt::format("{:016x}", hash);
}

std::string to_sarif(const model::Report& report, const SarifOptions& options) {
    Json rules = Json::array();
    Json results = Json::array();
    std::map<std::string, size_t> rule_index;
    for (const auto& result : report.results) {
        auto [at, added] = rule_index.emplace(result.id, rules.size());
        if (added) rules.push_back(rule_json(result));
        add_results(results, result, at->second, options);
    }
    Json driver{{"name", k_tool_name},
                {"version", report.tool_version},
                {"informationUri", k_information_uri},
                {"rules", std::move(rules)}};
    Json run{{"tool", Json{{"driver", std::move(driver)}}}, {"results", std::move(results)}};
    const Json log{
        {"$schema", k_schema_uri}, {"version", "2.1.0"}, {"runs", Json::array({std::move(run)})}};
    return log.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace kubeproof::report
