#include "app/keep.hpp"

#include "evidence/signing.hpp"
#include "evidence/store.hpp"
#include "local/local_files.hpp"
#include "report/writers.hpp"

namespace kubeproof::app {

namespace {

util::Expected<evidence::Ed25519Key, ScanError> private_key(const std::string& key_file) {
    auto pem = local::read_local_file(key_file);
    if (!pem) return util::unexpected(ScanError{2, "--sign-key " + pem.error().message});
    auto key = evidence::Ed25519Key::from_pem(*pem, key_file);
    if (!key) return util::unexpected(ScanError{2, "--sign-key " + key.error()});
    if (!key->is_private())
        return util::unexpected(
            ScanError{2, "--sign-key " + key_file + ": a public key cannot sign"});
    return std::move(*key);
}

}  // namespace

util::Expected<std::optional<KeptReport>, ScanError> keep_report(model::Report& report,
                                                                 const ScanOptions& options) {
    if (options.store.empty()) return std::optional<KeptReport>{};
    std::optional<evidence::Ed25519Key> key;
    if (!options.sign_key.empty()) {
        auto loaded = private_key(options.sign_key);
        if (!loaded) return util::unexpected(loaded.error());
        key = std::move(*loaded);
    }
    auto render = [](const model::Report& r) { return report::find_writer("json")->render(r, {}); };
    auto stored = evidence::store_report(options.store, report, render, key ? &*key : nullptr);
    if (!stored)
        return util::unexpected(ScanError{3, "cannot store the report: " + stored.error()});
    return std::optional<KeptReport>(KeptReport{stored->path, stored->signature_path});
}

std::optional<ScanError> check_sign_key(const std::string& key_file) {
    auto key = private_key(key_file);
    if (!key) return key.error();
    return std::nullopt;
}

util::Expected<std::string, ScanError> sign_payload(std::string_view payload,
                                                    std::string_view payload_type,
                                                    const std::string& key_file) {
    auto key = private_key(key_file);
    if (!key) return util::unexpected(key.error());
    return evidence::envelope_json(payload, payload_type, *key);
}

util::Expected<std::string, ScanError> sign_bytes(std::string_view bytes,
                                                  const std::string& key_file) {
    return sign_payload(bytes, evidence::k_report_payload_type, key_file);
}

}  // namespace kubeproof::app
