#include "app/verify.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "evidence/signing.hpp"
#include "history/verify.hpp"
#include "local/local_files.hpp"
#include "local/store_files.hpp"
#include "parse/values.hpp"

namespace kubeproof::app {

namespace {

using Keys = std::map<std::string, evidence::Ed25519Key>;

/// A report file to read, and where it was found.
struct Found {
    std::string path;
    std::string relative;  ///< relative to the folder it was found under; "" for a file named alone
};

util::Expected<Keys, ScanError> load_keys(const std::vector<std::string>& files) {
    Keys keys;
    for (const auto& file : files) {
        auto pem = local::read_local_file(file);
        if (!pem) return util::unexpected(ScanError{2, "--key " + pem.error().message});
        auto key = evidence::Ed25519Key::from_pem(*pem, file);
        if (!key) return util::unexpected(ScanError{2, "--key " + key.error()});
        keys.emplace(key->keyid(), std::move(*key));
    }
    return keys;
}

util::Expected<std::vector<Found>, ScanError> find_reports(const std::vector<std::string>& inputs) {
    std::vector<Found> found;
    for (const auto& input : inputs) {
        auto files = local::find_files(input, ".json");
        if (!files) return util::unexpected(ScanError{2, files.error().message});
        const bool folder = files->size() != 1 || files->front() != input;
        for (const auto& path : *files) {
            const std::string prefix = input.ends_with('/') ? input : input + "/";
            found.push_back(
                {path, folder && path.starts_with(prefix) ? path.substr(prefix.size()) : ""});
        }
    }
    if (found.empty())
        return util::unexpected(ScanError{2, "no reports (*.json) under the paths given"});
    return found;
}

/// How much of an envelope holds its payload type and signatures, as kubeproof writes them.
constexpr size_t k_envelope_head = 16384;

/// The state of a report's signature: its envelope beside it, read only up to its signatures.
history::SignatureState check_signature(const std::string& path, const std::string& bytes,
                                        const Keys& keys, std::string& detail) {
    using State = history::SignatureState;
    if (keys.empty()) return State::NotChecked;
    // kubeproof writes the signatures before the payload: the head of the envelope is enough. An
    // envelope written otherwise is read whole.
    auto text = local::read_local_file_head(path + ".sig", k_envelope_head);
    if (!text)
        return text.error().kind == util::IoError::Kind::NotFound
                   ? State::Missing
                   : (detail = text.error().message, State::Unreadable);
    auto envelope = evidence::read_envelope(*text, false);
    if (!envelope && text->size() == k_envelope_head) {  // the payload first, or a long head
        text = local::read_local_file(path + ".sig");
        if (!text) return detail = text.error().message, State::Unreadable;
        envelope = evidence::read_envelope(*text, false);
    }
    if (!envelope) return detail = envelope.error(), State::Unreadable;
    if (envelope->payload_type != evidence::k_report_payload_type) {
        detail = "payload type " + envelope->payload_type;
        return State::Unreadable;
    }
    const std::string message = evidence::pae(envelope->payload_type, bytes);
    bool known = false;
    for (const auto& signature : envelope->signatures) {
        const auto key = keys.find(signature.keyid);
        if (key == keys.end()) continue;
        known = true;
        if (key->second.verify(message, signature.sig)) return State::Valid;
    }
    if (!envelope->signatures.empty()) detail = envelope->signatures.front().keyid;
    return known ? State::Invalid : State::UnknownKey;
}

/// Reads, hashes and checks one report; an unreadable one is a problem for exit 2.
std::optional<std::string> read_one(const Found& found, const Keys& keys,
                                    history::VerifyInput& out) {
    auto bytes = local::read_local_file(found.path);
    if (!bytes) return bytes.error().message;
    auto header = history::read_header(*bytes, found.path);
    if (!header) return header.error().message;
    out.path = found.path;
    out.relative = found.relative;
    out.sha256 = evidence::sha256_hex(*bytes);
    out.header = std::move(*header);
    out.signature = check_signature(found.path, *bytes, keys, out.signature_detail);
    return std::nullopt;
}

/// Reads every report on all cores; the first unreadable one, in path order, wins.
util::Expected<std::vector<history::VerifyInput>, ScanError> read_all(
    const std::vector<Found>& found, const Keys& keys) {
    std::vector<history::VerifyInput> inputs(found.size());
    std::vector<std::optional<std::string>> problems(found.size());
    std::atomic<size_t> next{0};
    auto work = [&] {
        for (size_t i = next++; i < found.size(); i = next++)
            problems[i] = read_one(found[i], keys, inputs[i]);
    };
    std::vector<std::thread> threads(
        std::max(1u, std::min(4u, std::thread::hardware_concurrency())) - 1);
    for (auto& t : threads) t = std::thread(work);
    work();
    for (auto& t : threads) t.join();
    for (const auto& problem : problems) {
        if (problem) return util::unexpected(ScanError{2, *problem});
    }
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
