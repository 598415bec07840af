#include "model/serialize.hpp"

#include <optional>

#include <nlohmann/json.hpp>

namespace nlohmann {

// An absent optional is null (nlohmann/json 3.11 has no built-in support for std::optional).
template <typename T>
struct adl_serializer<std::optional<T>> {
    static void to_json(json& j, const std::optional<T>& value) {
        if (value)
            j = *value;
        else
            j = nullptr;
    }
    static void from_json(const json& j, std::optional<T>& value) {
        if (j.is_null())
            value.reset();
        else
            value = j.get<T>();
    }
};

}  // namespace nlohmann

namespace kubeproof::model {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SourceLocation, file, line, column)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Assertion, op, value, values)
// Locations of test items, conditions and links only serve load-time diagnostics, which the build
// has already run: they are left out so that start-up decodes less.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Condition, kind, field, type, assertions, children)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(TestItem, subject, refs, name_glob, flag, key, env, feature_gate,
                                   component, type, if_missing, assertions, children, iterator,
                                   kinds, violation, require, exclude)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Check, id, key, title, automated, components, test, manual,
                                   expect, remediation, notes, not_applicable, where)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Group, id, title, checks)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Section, id, target, title, file, groups)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Benchmark, id, title, kubernetes, platform, base, sections)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(FileRole, name, description, from_flag, from_key, static_pod,
                                   systemd_unit, candidates, multi)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ConfigDefault, value, zero_means_default)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(FlagSyntax, library, bool_flags)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(StaticPods, from_flag, from_key, default_dir, default_how)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Component, id, name, targets, processes, static_pod,
                                   flag_defaults, flag_syntax, config_role, config_dropin_flag,
                                   config_dropin_suffix, config_replaces_flags, config_defaults,
                                   feature_gates, static_pods, version_from, node_name_flag, roles)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(EmbeddedComponent, args_key, flag_defaults, etcd_flag_defaults,
                                   only_with)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Distribution, id, name, in_process, process, server_dir,
                                   config_file, config_flag, config_env, components, datastore_key,
                                   sqlite_file)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Catalogue, components, distributions)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Criterion, id, title)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(FrameworkLink, id, why, source)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Framework, id, title, required, criteria, mappings, where)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(PlatformChoice, minors, older, newer)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(BenchmarkSelection, platforms, fallback)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Definitions, catalogue, benchmarks, frameworks, selection)

namespace {
constexpr int k_format_version = 10;
}

std::vector<uint8_t> to_cbor(const Definitions& definitions) {
    nlohmann::json doc = {{"format", k_format_version}, {"definitions", definitions}};
    return nlohmann::json::to_cbor(doc);
}

std::optional<Definitions> definitions_from_cbor(std::span<const uint8_t> bytes,
                                                 std::string& error) {
    try {
        nlohmann::json doc = nlohmann::json::from_cbor(bytes.begin(), bytes.end());
        if (doc.value("format", 0) != k_format_version) {
            error = "compiled definitions have an unknown format";
            return std::nullopt;
        }
        return doc.at("definitions").get<Definitions>();
    } catch (const nlohmann::json::exception& e) {
        error = std::string("compiled definitions are corrupt: ") + e.what();
        return std::nullopt;
    }
}

}  // namespace kubeproof::model
