#include "model/serialize.hpp"

#include <cstdio>
#include <cstdlib>
#include <istream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <streambuf>

#include <cereal/archives/binary.hpp>
#include <cereal/types/map.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/set.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

// The definitions are compiled into the binary as cereal binary archives (Debian's libcereal-dev):
// each member in declaration order, no names. Decoding the CBOR this replaced (nlohmann/json: a DOM
// first, then the structs) was most of a node scan's start-up.
//
// Every member of every struct below must be in its serialize(): one left out would be lost
// between the YAML and the scan, and a check without its assertions passes. The sizeof tripwires
// make adding a member without adding it here a build error.

namespace kubeproof::model {

namespace {

// The size a struct had when its serialize() was written (x86-64, libstdc++).
template <typename T, size_t Size>
constexpr void members_listed() {
    static_assert(
        sizeof(T) == Size,
        "a member was added or removed: list it in this struct's KUBEPROOF_COMPILED_STRUCT "
        "below, then update the size there");
}

}  // namespace

// serialize() of a struct `s`: its members listed in declaration order (the `where` of test items,
// conditions and links aside, below), with the sizeof tripwire.
// NOLINTBEGIN(cppcoreguidelines-macro-usage)
#define KUBEPROOF_COMPILED_STRUCT(Type, Size, ...) \
    template <typename Archive>                    \
    void serialize(Archive& a, Type& s) {          \
        members_listed<Type, Size>();              \
        a(__VA_ARGS__);                            \
    }
// NOLINTEND(cppcoreguidelines-macro-usage)

KUBEPROOF_COMPILED_STRUCT(SourceLocation, 40, s.file, s.line, s.column)
KUBEPROOF_COMPILED_STRUCT(Assertion, 88, s.op, s.value, s.values)
// Locations of test items, conditions and links only serve load-time diagnostics, which the build
// has already run: they are left out so that start-up decodes less.
KUBEPROOF_COMPILED_STRUCT(Condition, 136, s.kind, s.field, s.type, s.assertions, s.children)
KUBEPROOF_COMPILED_STRUCT(TestItem, 448, s.subject, s.refs, s.name_glob, s.flag, s.key, s.env,
                          s.feature_gate, s.component, s.type, s.if_missing, s.assertions,
                          s.children, s.iterator, s.kinds, s.violation, s.require, s.exclude)
KUBEPROOF_COMPILED_STRUCT(Check, 776, s.id, s.key, s.title, s.automated, s.components, s.test,
                          s.manual, s.expect, s.remediation, s.notes, s.not_applicable, s.where)
KUBEPROOF_COMPILED_STRUCT(Group, 88, s.id, s.title, s.checks)
KUBEPROOF_COMPILED_STRUCT(Section, 184, s.id, s.target, s.title, s.file, s.groups, s.benchmark)
KUBEPROOF_COMPILED_STRUCT(Benchmark, 200, s.id, s.title, s.kubernetes, s.platform, s.base,
                          s.sections, s.system_namespaces)
KUBEPROOF_COMPILED_STRUCT(FileRole, 200, s.name, s.description, s.from_flag, s.from_key,
                          s.static_pod, s.systemd_unit, s.candidates, s.multi)
KUBEPROOF_COMPILED_STRUCT(ConfigDefault, 40, s.value, s.zero_means_default)
KUBEPROOF_COMPILED_STRUCT(FlagSyntax, 56, s.library, s.bool_flags)
KUBEPROOF_COMPILED_STRUCT(StaticPods, 128, s.from_flag, s.from_key, s.default_dir, s.default_how)
KUBEPROOF_COMPILED_STRUCT(Component, 696, s.id, s.name, s.targets, s.processes, s.static_pod,
                          s.flag_defaults, s.flag_syntax, s.config_role, s.config_dropin_flag,
                          s.config_dropin_suffix, s.config_replaces_flags, s.config_defaults,
                          s.feature_gates, s.static_pods, s.version_from, s.node_name_flag, s.roles)
KUBEPROOF_COMPILED_STRUCT(EmbeddedComponent, 160, s.args_key, s.flag_defaults, s.etcd_flag_defaults,
                          s.only_with)
KUBEPROOF_COMPILED_STRUCT(Distribution, 344, s.id, s.name, s.in_process, s.process, s.server_dir,
                          s.config_file, s.config_flag, s.config_env, s.components, s.datastore_key,
                          s.sqlite_file)
KUBEPROOF_COMPILED_STRUCT(Catalogue, 96, s.components, s.distributions)
KUBEPROOF_COMPILED_STRUCT(Criterion, 64, s.id, s.title)
KUBEPROOF_COMPILED_STRUCT(FrameworkLink, 136, s.id, s.why, s.source)
KUBEPROOF_COMPILED_STRUCT(Framework, 232, s.id, s.title, s.required, s.criteria, s.mappings,
                          s.where)
KUBEPROOF_COMPILED_STRUCT(PlatformChoice, 112, s.minors, s.older, s.newer)
KUBEPROOF_COMPILED_STRUCT(BenchmarkSelection, 80, s.platforms, s.fallback)
// The encoded_* members are views of the compiled bytes themselves: never written.
KUBEPROOF_COMPILED_STRUCT(Definitions, 336, s.catalogue, s.benchmarks, s.frameworks, s.selection)

namespace {

// Changes whenever what serialize() writes changes: bytes of another format are refused, not
// misread.
constexpr uint32_t k_format_version = 14;
// What each archive holds, written first: bytes of one kind are never read as another. (The
// lengths inside are trusted: the bytes are the binary's own, decoded once by kubeproof_defc.)
constexpr std::string_view k_core_magic = "kubeproof-definitions";
constexpr std::string_view k_sections_magic = "kubeproof-sections";
constexpr std::string_view k_frameworks_magic = "kubeproof-frameworks";

// An input stream over bytes in memory (the binary's own, or what to_binary just wrote).
class ByteBuffer : public std::streambuf {
public:
    explicit ByteBuffer(std::span<const uint8_t> bytes) {
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast): a get area is only ever read
        char* begin = const_cast<char*>(reinterpret_cast<const char*>(bytes.data()));
        setg(begin, begin, begin + bytes.size());
    }
    bool at_end() const { return gptr() == egptr(); }
};

template <typename T>
std::vector<uint8_t> encode(std::string_view magic, const T& value) {
    std::ostringstream out(std::ios::binary);
    {
        cereal::BinaryOutputArchive archive(out);
        archive(std::string(magic), k_format_version);
        archive(value);
    }
    const std::string bytes = std::move(out).str();
    return {bytes.begin(), bytes.end()};
}

// Decodes `value` from all of `bytes`; false (with `error` set) when they are not a whole archive
// of this format.
template <typename T>
bool decode(std::span<const uint8_t> bytes, std::string_view expected, T& value,
            std::string_view what, std::string& error) {
    ByteBuffer buffer(bytes);
    std::istream in(&buffer);
    try {
        cereal::BinaryInputArchive archive(in);
        uint64_t length = 0;
        archive(length);
        if (length != expected.size()) {
            error = std::string(what) + " have an unknown format";
            return false;
        }
        std::string magic(expected.size(), '\0');
        uint32_t version = 0;
        archive(cereal::binary_data(magic.data(), magic.size()), version);
        if (magic != expected || version != k_format_version) {
            error = std::string(what) + " have an unknown format";
            return false;
        }
        archive(value);
    } catch (const std::exception& e) {
        error = std::string(what) + " are corrupt: " + e.what();
        return false;
    }
    if (!buffer.at_end()) {
        error = std::string(what) + " are corrupt: bytes after the end";
        return false;
    }
    return true;
}

}  // namespace

CompiledDefinitions to_binary(const Definitions& definitions) {
    CompiledDefinitions out;
    Definitions core = definitions;
    core.decode_all();
    for (auto& [id, benchmark] : core.benchmarks) {
        out.sections[id] = encode(k_sections_magic, benchmark.sections);
        benchmark.sections.clear();
    }
    core.encoded_sections.clear();
    out.frameworks = encode(k_frameworks_magic, core.frameworks);
    for (auto& [id, framework] : core.frameworks) {
        for (auto& [key, links] : framework.mappings) {
            for (auto& link : links) {
                link.why.clear();
                link.source.clear();
            }
        }
    }
    core.encoded_frameworks = {};
    out.core = encode(k_core_magic, core);
    return out;
}

std::optional<Definitions> definitions_from_binary(
    std::span<const uint8_t> core, const std::map<std::string, std::span<const uint8_t>>& sections,
    std::span<const uint8_t> frameworks, std::string& error) {
    Definitions definitions;
    if (!decode(core, k_core_magic, definitions, "compiled definitions", error))
        return std::nullopt;
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
}

std::optional<std::vector<Section>> sections_from_binary(std::span<const uint8_t> bytes,
                                                         std::string& error) {
    std::vector<Section> sections;
    if (!decode(bytes, k_sections_magic, sections, "compiled sections", error)) return std::nullopt;
    return sections;
}

const Benchmark& Definitions::benchmark(const std::string& id) const {
    Benchmark& found = benchmarks.at(id);
    const auto encoded = encoded_sections.find(id);
    if (encoded == encoded_sections.end()) return found;
    std::string error;
    auto sections = sections_from_binary(encoded->second, error);
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
    std::map<std::string, Framework> decoded;
    std::string error;
    if (!decode(encoded_frameworks, k_frameworks_magic, decoded, "compiled frameworks", error)) {
        // As for the sections: kubeproof_defc has decoded these bytes already.
        std::fprintf(stderr, "kubeproof: %s\n", error.c_str());
        std::abort();
    }
    frameworks = std::move(decoded);
    encoded_frameworks = {};
}

}  // namespace kubeproof::model
