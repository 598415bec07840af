#include "model/serialize.hpp"

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>

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

// The definitions are written with every member that holds its type's default left out, and read
// with absent members taking that default: most members of most test items are empty, and
// decoding them was most of a scan's start-up once there were eleven benchmarks (76 ms against
// 12 ms for `version`). Only members of structs are left out, never entries of a map (a flag
// default may well be "").
// NOLINTBEGIN(cppcoreguidelines-macro-usage)
#define KUBEPROOF_TO_JSON_UNLESS_DEFAULT(member)                       \
    {                                                                  \
        nlohmann::json value = nlohmann_json_t.member;                 \
        if (value != nlohmann::json(nlohmann_json_default_obj.member)) \
            nlohmann_json_j[#member] = std::move(value);               \
    }
#define KUBEPROOF_DEFINITION_TYPE(Type, ...)                                                     \
    inline void to_json(nlohmann::json& nlohmann_json_j, const Type& nlohmann_json_t) {          \
        const Type nlohmann_json_default_obj{};                                                  \
        nlohmann_json_j = nlohmann::json::object();                                              \
        NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(KUBEPROOF_TO_JSON_UNLESS_DEFAULT, __VA_ARGS__)) \
    }                                                                                            \
    inline void from_json(const nlohmann::json& nlohmann_json_j, Type& nlohmann_json_t) {        \
        const Type nlohmann_json_default_obj{};                                                  \
        NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(NLOHMANN_JSON_FROM_WITH_DEFAULT, __VA_ARGS__))  \
    }
// NOLINTEND(cppcoreguidelines-macro-usage)

namespace kubeproof::model {

KUBEPROOF_DEFINITION_TYPE(SourceLocation, file, line, column)
KUBEPROOF_DEFINITION_TYPE(Assertion, op, value, values)
// Locations of test items, conditions and links only serve load-time diagnostics, which the build
// has already run: they are left out so that start-up decodes less.
KUBEPROOF_DEFINITION_TYPE(Condition, kind, field, type, assertions, children)
KUBEPROOF_DEFINITION_TYPE(TestItem, subject, refs, name_glob, flag, key, env, feature_gate,
                          component, type, if_missing, assertions, children, iterator, kinds,
                          violation, require, exclude)
KUBEPROOF_DEFINITION_TYPE(Check, id, key, title, automated, components, test, manual, expect,
                          remediation, notes, not_applicable, where)
KUBEPROOF_DEFINITION_TYPE(Group, id, title, checks)
KUBEPROOF_DEFINITION_TYPE(Section, id, target, title, file, groups)
KUBEPROOF_DEFINITION_TYPE(Benchmark, id, title, kubernetes, platform, base, sections,
                          system_namespaces)
KUBEPROOF_DEFINITION_TYPE(FileRole, name, description, from_flag, from_key, static_pod,
                          systemd_unit, candidates, multi)
KUBEPROOF_DEFINITION_TYPE(ConfigDefault, value, zero_means_default)
KUBEPROOF_DEFINITION_TYPE(FlagSyntax, library, bool_flags)
KUBEPROOF_DEFINITION_TYPE(StaticPods, from_flag, from_key, default_dir, default_how)
KUBEPROOF_DEFINITION_TYPE(Component, id, name, targets, processes, static_pod, flag_defaults,
                          flag_syntax, config_role, config_dropin_flag, config_dropin_suffix,
                          config_replaces_flags, config_defaults, feature_gates, static_pods,
                          version_from, node_name_flag, roles)
KUBEPROOF_DEFINITION_TYPE(EmbeddedComponent, args_key, flag_defaults, etcd_flag_defaults, only_with)
KUBEPROOF_DEFINITION_TYPE(Distribution, id, name, in_process, process, server_dir, config_file,
                          config_flag, config_env, components, datastore_key, sqlite_file)
KUBEPROOF_DEFINITION_TYPE(Catalogue, components, distributions)
KUBEPROOF_DEFINITION_TYPE(Criterion, id, title)
KUBEPROOF_DEFINITION_TYPE(FrameworkLink, id, why, source)
KUBEPROOF_DEFINITION_TYPE(Framework, id, title, required, criteria, mappings, where)
KUBEPROOF_DEFINITION_TYPE(PlatformChoice, minors, older, newer)
KUBEPROOF_DEFINITION_TYPE(BenchmarkSelection, platforms, fallback)
KUBEPROOF_DEFINITION_TYPE(Definitions, catalogue, benchmarks, frameworks, selection)

namespace {
constexpr int k_format_version = 13;
}

CompiledDefinitions to_cbor(const Definitions& definitions) {
    CompiledDefinitions out;
    Definitions core = definitions;
    core.decode_all();
    for (auto& [id, benchmark] : core.benchmarks) {
        out.sections[id] = nlohmann::json::to_cbor(
            nlohmann::json{{"format", k_format_version}, {"sections", benchmark.sections}});
        benchmark.sections.clear();
    }
    core.encoded_sections.clear();
    out.frameworks = nlohmann::json::to_cbor(
        nlohmann::json{{"format", k_format_version}, {"frameworks", core.frameworks}});
    for (auto& [id, framework] : core.frameworks) {
        for (auto& [key, links] : framework.mappings) {
            for (auto& link : links) {
                link.why.clear();
                link.source.clear();
            }
        }
    }
    core.encoded_frameworks = {};
    out.core = nlohmann::json::to_cbor({{"format", k_format_version}, {"definitions", core}});
    return out;
}

std::optional<Definitions> definitions_from_cbor(
    std::span<const uint8_t> core, const std::map<std::string, std::span<const uint8_t>>& sections,
    std::span<const uint8_t> frameworks, std::string& error) {
    try {
        nlohmann::json doc = nlohmann::json::from_cbor(core.begin(), core.end());
        if (doc.value("format", 0) != k_format_version) {
            error = "compiled definitions have an unknown format";
            return std::nullopt;
        }
        auto definitions = doc.at("definitions").get<Definitions>();
        for (const auto& [id, benchmark] : definitions.benchmarks) {
            const auto found = sections.find(id);
            if (found == sections.end()) {
                error = "compiled definitions lack the sections of benchmark " + id;
                return std::nullopt;
            }
            definitions.encoded_sections[id] = found->second;
        }
        definitions.encoded_frameworks = frameworks;
        return definitions;
    } catch (const nlohmann::json::exception& e) {
        error = std::string("compiled definitions are corrupt: ") + e.what();
        return std::nullopt;
    }
}

std::optional<std::vector<Section>> sections_from_cbor(std::span<const uint8_t> bytes,
                                                       std::string& error) {
    try {
        nlohmann::json doc = nlohmann::json::from_cbor(bytes.begin(), bytes.end());
        if (doc.value("format", 0) != k_format_version) {
            error = "compiled sections have an unknown format";
            return std::nullopt;
        }
        return doc.at("sections").get<std::vector<Section>>();
    } catch (const nlohmann::json::exception& e) {
        error = std::string("compiled sections are corrupt: ") + e.what();
        return std::nullopt;
    }
}

const Benchmark& Definitions::benchmark(const std::string& id) const {
    Benchmark& found = benchmarks.at(id);
    const auto encoded = encoded_sections.find(id);
    if (encoded == encoded_sections.end()) return found;
    std::string error;
    auto sections = sections_from_cbor(encoded->second, error);
    if (!sections) {
        // kubeproof_defc decodes every benchmark it writes, so this is memory gone bad: scanning
        // on with no checks would be a clean report of nothing.
        std::fprintf(stderr, "kubeproof: benchmark %s: %s\n", id.c_str(), error.c_str());
        std::abort();
    }
    found.sections = std::move(*sections);
    encoded_sections.erase(encoded);
    return found;
}

void Definitions::decode_all() const {
    while (!encoded_sections.empty()) benchmark(encoded_sections.begin()->first);
    if (encoded_frameworks.empty()) return;
    try {
        const auto doc =
            nlohmann::json::from_cbor(encoded_frameworks.begin(), encoded_frameworks.end());
        if (doc.value("format", 0) != k_format_version) throw std::runtime_error("unknown format");
        frameworks = doc.at("frameworks").get<std::map<std::string, Framework>>();
    } catch (const std::exception& e) {
        // As for the sections: kubeproof_defc has decoded these bytes already.
        std::fprintf(stderr, "kubeproof: compiled frameworks: %s\n", e.what());
        std::abort();
    }
    encoded_frameworks = {};
}

}  // namespace kubeproof::model
