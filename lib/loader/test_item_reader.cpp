#include "loader/test_item_reader.hpp"

#include <array>

#include <fmt/format.h>
#include <re2/re2.h>

#include "engine/audit_requirements.hpp"
#include "engine/operators.hpp"
#include "loader/policy_reader.hpp"
#include "parse/values.hpp"

namespace kubeproof::loader {

namespace {

using model::Subject;
using model::TestItem;

constexpr std::array<std::string_view, 11> k_subject_keys = {
    "all",          "any",  "file", "files",   "tree",        "document",
    "feature_gate", "flag", "key",  "objects", "audit_policy"};

bool is_file_subject(Subject s) {
    return s == Subject::File || s == Subject::Files || s == Subject::Tree;
}

// Picks the subject from the keys present; `key` alone is a subject only without flag/document.
std::optional<Subject> subject_of(const YamlContext& ctx, MapReader& map) {
    std::vector<std::string_view> found;
    for (auto key : k_subject_keys) {
        if (!map.has(key)) continue;
        bool qualifier = key == "key" && (map.has("flag") || map.has("document"));
        if (!qualifier) found.push_back(key);
    }
    if (found.size() > 1) {
        ctx.error(map.node(),
                  fmt::format("test item has more than one subject: {}", fmt::join(found, ", ")));
        return std::nullopt;
    }
    if (found.empty()) {
        ctx.error(map.node(),
                  "test item has no subject (one of all, any, file, files, tree, document, "
                  "feature_gate, flag, key, objects, audit_policy)");
        return std::nullopt;
    }
    static const std::map<std::string_view, Subject> k_by_key = {
        {"all", Subject::All},
        {"any", Subject::Any},
        {"file", Subject::File},
        {"files", Subject::Files},
        {"tree", Subject::Tree},
        {"document", Subject::Document},
        {"feature_gate", Subject::FeatureGate},
        {"flag", Subject::Flag},
        {"key", Subject::Key},
        {"objects", Subject::Objects},
        {"audit_policy", Subject::AuditPolicy}};
    return k_by_key.at(found.front());
}

void read_file_assertions(const YamlContext& ctx, MapReader& map, TestItem& item) {
    if (YAML::Node mode = map.take("mode"); mode.IsDefined()) {
        auto text = scalar_of(ctx, mode, "'mode'");
        if (text && !parse::parse_mode(*text)) {
            ctx.error(mode,
                      fmt::format("invalid mode '{}': expected three or four octal digits", *text));
        }
        item.assertions.push_back({"mode", text.value_or(""), {}});
    }
    if (YAML::Node owner = map.take("owner"); owner.IsDefined()) {
        auto text = scalar_of(ctx, owner, "'owner'").value_or("");
        if (text.find(':') == std::string::npos)
            ctx.error(owner, fmt::format("invalid owner '{}': expected user:group", text));
        item.assertions.push_back({"owner", text, {}});
    }
    if (map.has("exists"))
        item.assertions.push_back({"exists", map.boolean("exists", true) ? "true" : "false", {}});
}

void read_if_missing(const YamlContext& ctx, MapReader& map, TestItem& item) {
    YAML::Node node = map.take("if_missing");
    if (!node.IsDefined()) return;
    auto text = scalar_of(ctx, node, "'if_missing'").value_or("");
    if (text == "na")
        item.if_missing = model::IfMissing::NA;
    else if (text == "pass")
        item.if_missing = model::IfMissing::Pass;
    else if (text == "fail")
        item.if_missing = model::IfMissing::Fail;
    else
        ctx.error(node, fmt::format("invalid if_missing '{}': expected na, pass or fail", text));
}

std::optional<model::Assertion> read_value_assertion(const YamlContext& ctx,
                                                     const YAML::Node& value,
                                                     const engine::OperatorSpec& spec) {
    model::Assertion a{std::string(spec.name), {}, {}};
    if (spec.operand == engine::OperandKind::List) {
        if (!value.IsSequence()) {
            ctx.error(value, fmt::format("'{}' must be a list", spec.name));
            return std::nullopt;
        }
        for (const auto& v : value)
            a.values.push_back(scalar_of(ctx, v, "each element").value_or(""));
        return a;
    }
    auto text = scalar_of(ctx, value, fmt::format("'{}'", spec.name));
    if (!text) return std::nullopt;
    a.value = *text;
    if (spec.operand == engine::OperandKind::Bool && a.value != "true" && a.value != "false") {
        ctx.error(value, fmt::format("'{}' must be true or false", spec.name));
    } else if (spec.operand == engine::OperandKind::Number && !parse::parse_int(a.value) &&
               !parse::parse_duration(a.value)) {
        ctx.error(value,
                  fmt::format("'{}' needs a number or a duration, not '{}'", spec.name, a.value));
    } else if (spec.operand == engine::OperandKind::Regex) {
        RE2 re(a.value, RE2::Quiet);
        if (!re.ok())
            ctx.error(value,
                      fmt::format("invalid regular expression '{}': {}", a.value, re.error()));
    }
    return a;
}

}  // namespace

std::vector<model::Assertion> read_thresholds(const YamlContext& ctx, const YAML::Node& node) {
    model::TestItem item;
    MapReader map(ctx, node, "set");
    if (!map.ok()) return {};
    read_file_assertions(ctx, map, item);
    read_value_assertions(ctx, map, item.assertions, {"mode", "owner", "exists"});
    map.finish();
    return item.assertions;
}

void read_value_assertions(const YamlContext& ctx, MapReader& map,
                           std::vector<model::Assertion>& out,
                           const std::set<std::string>& other_keys) {
    for (const auto& entry : map.node()) {
        if (!entry.first.IsScalar()) continue;
        const std::string name = entry.first.Scalar();
        const auto* spec = engine::find_operator(name);
        if (spec == nullptr) {
            if (other_keys.count(name) == 0) {
                ctx.error(entry.first, fmt::format("unknown operator '{}' (known: {})", name,
                                                   engine::operator_names()));
                map.take(name);
            }
            continue;
        }
        map.take(name);
        if (auto a = read_value_assertion(ctx, entry.second, *spec)) out.push_back(*a);
    }
}

void read_type(const YamlContext& ctx, MapReader& map, model::ValueType& type) {
    YAML::Node node = map.take("type");
    if (!node.IsDefined()) return;
    static const std::map<std::string, model::ValueType> k_types = {
        {"bool", model::ValueType::Bool},
        {"int", model::ValueType::Int},
        {"duration", model::ValueType::Duration},
        {"string", model::ValueType::String},
        {"list", model::ValueType::List}};
    auto text = scalar_of(ctx, node, "'type'").value_or("");
    auto it = k_types.find(text);
    if (it == k_types.end())
        ctx.error(
            node,
            fmt::format("invalid type '{}': expected bool, int, duration, string or list", text));
    else
        type = it->second;
}

namespace {

void read_file_subject(const YamlContext& ctx, MapReader& map, TestItem& item) {
    const char* key = item.subject == Subject::File    ? "file"
                      : item.subject == Subject::Files ? "files"
                                                       : "tree";
    item.refs = item.subject == Subject::Files ? map.strings(key, true)
                                               : std::vector<std::string>{map.string(key, true)};
    if (item.subject == Subject::Tree) item.name_glob = map.string("name");
    read_file_assertions(ctx, map, item);
    read_if_missing(ctx, map, item);
}

void read_value_subject(const YamlContext& ctx, MapReader& map, TestItem& item) {
    item.flag = map.string("flag", item.subject == Subject::Flag);
    item.key = map.string("key", item.subject == Subject::Key || item.subject == Subject::Document);
    item.feature_gate = map.string("feature_gate", item.subject == Subject::FeatureGate);
    if (item.subject == Subject::Document) item.refs = {map.string("document", true)};
    if (item.subject == Subject::Flag) item.env = map.string("env");
    item.component = map.string("component");
    read_type(ctx, map, item.type);
    if (item.subject == Subject::Document) read_if_missing(ctx, map, item);
    static const std::set<std::string> k_known = {"flag", "key",      "env",          "component",
                                                  "type", "document", "feature_gate", "if_missing"};
    read_value_assertions(ctx, map, item.assertions, k_known);
    if (!item.flag.empty() && !item.flag.starts_with("-")) {
        ctx.error(map.node()["flag"], fmt::format("flag '{}' must start with '-'", item.flag));
    }
}

// `audit_policy: REF` with `requires: [NAME, ...]`, each name one of the engine's requirements.
void read_audit_subject(const YamlContext& ctx, MapReader& map, TestItem& item) {
    item.refs = {map.string("audit_policy", true)};
    item.component = map.string("component");
    read_if_missing(ctx, map, item);
    YAML::Node node = map.take("requires");
    if (!node.IsDefined()) return;  // "test item has no assertion"
    if (!node.IsSequence() || node.size() == 0) {
        ctx.error(node, "'requires' must be a non-empty list of audit requirements");
        return;
    }
    model::Assertion a{"requires", {}, {}};
    for (const auto& v : node) {
        auto name = scalar_of(ctx, v, "each requirement");
        if (!name) continue;
        if (engine::find_audit_requirement(*name) == nullptr) {
            ctx.error(v, fmt::format("unknown audit requirement '{}' (known: {})", *name,
                                     engine::audit_requirement_names()));
        }
        a.values.push_back(*name);
    }
    item.assertions.push_back(std::move(a));
}

}  // namespace

TestItem read_test_list(const YamlContext& ctx, const YAML::Node& node, Subject combine) {
    TestItem root;
    root.subject = combine;
    root.where = ctx.where(node);
    if (!node.IsSequence() || node.size() == 0) {
        ctx.error(node, "a list of test items must be a non-empty sequence");
        return root;
    }
    for (const auto& child : node) root.children.push_back(read_test_item(ctx, child));
    return root;
}

TestItem read_test_item(const YamlContext& ctx, const YAML::Node& node) {
    TestItem item;
    item.where = ctx.where(node);
    const size_t problems_before = ctx.diagnostics->size();
    MapReader map(ctx, node, "test item");
    if (!map.ok()) return item;
    auto subject = subject_of(ctx, map);
    if (!subject) return item;
    item.subject = *subject;
    if (item.subject == Subject::All || item.subject == Subject::Any) {
        item = read_test_list(ctx, map.take(item.subject == Subject::All ? "all" : "any"),
                              item.subject);
    } else if (is_file_subject(item.subject)) {
        read_file_subject(ctx, map, item);
    } else if (item.subject == Subject::Objects) {
        read_objects_subject(ctx, map, item);
    } else if (item.subject == Subject::AuditPolicy) {
        read_audit_subject(ctx, map, item);
    } else {
        read_value_subject(ctx, map, item);
    }
    map.finish();
    bool group = item.subject == Subject::All || item.subject == Subject::Any ||
                 item.subject == Subject::Objects;
    if (!group && item.assertions.empty() && ctx.diagnostics->size() == problems_before) {
        ctx.error(node, "test item has no assertion");
    }
    return item;
}

}  // namespace kubeproof::loader
