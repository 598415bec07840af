#include "app/stored_reports.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

#include "local/local_files.hpp"
#include "local/store_files.hpp"

namespace kubeproof::app {

namespace {

/// How much of an envelope holds its payload type and signatures, as kubeproof writes them.
constexpr size_t k_envelope_head = 16384;

}  // namespace

util::Expected<PublicKeys, ScanError> load_keys(const std::vector<std::string>& files) {
    PublicKeys keys;
    for (const auto& file : files) {
        auto pem = local::read_local_file(file);
        if (!pem) return util::unexpected(ScanError{2, "--key " + pem.error().message});
        auto key = evidence::Ed25519Key::from_pem(*pem, file);
        if (!key) return util::unexpected(ScanError{2, "--key " + key.error()});
        keys.emplace(key->keyid(), std::move(*key));
    }
    return keys;
}

util::Expected<std::vector<FoundReport>, ScanError> find_reports(
    const std::vector<std::string>& inputs) {
    std::vector<FoundReport> found;
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

history::SignatureState check_signature(const std::string& path, const std::string& bytes,
                                        const PublicKeys& keys, std::string& detail) {
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
    const State state = envelope_state(*envelope, bytes, keys);
    if (state != State::Valid && !envelope->signatures.empty())
        detail = envelope->signatures.front().keyid;
    return state;
}

history::SignatureState envelope_state(const evidence::Envelope& envelope, std::string_view payload,
                                       const PublicKeys& keys) {
    using State = history::SignatureState;
    const std::string message = evidence::pae(envelope.payload_type, payload);
    bool known = false;
    for (const auto& signature : envelope.signatures) {
        const auto key = keys.find(signature.keyid);
        if (key == keys.end()) continue;
        known = true;
        if (key->second.verify(message, signature.sig)) return State::Valid;
    }
    return known ? State::Invalid : State::UnknownKey;
}

std::optional<std::string> for_each_report(
    size_t count, const std::function<std::optional<std::string>(size_t)>& work) {
    std::vector<std::optional<std::string>> problems(count);
    std::atomic<size_t> next{0};
    auto worker = [&] {
        for (size_t i = next++; i < count; i = next++) problems[i] = work(i);
    };
    std::vector<std::thread> threads(
        std::max(1u, std::min(4u, std::thread::hardware_concurrency())) - 1);
    for (auto& t : threads) t = std::thread(worker);
    worker();
    for (auto& t : threads) t.join();
    for (auto& problem : problems) {
        if (problem) return std::move(problem);
    }
    return std::nullopt;
}

}  // namespace kubeproof::app
