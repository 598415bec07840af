#include "engine/value_items.hpp"

#include <fmt/format.h>

#include "engine/operators.hpp"
#include "engine/refs.hpp"
#include "parse/values.hpp"
#include "util/text.hpp"

namespace kubeproof::engine {

namespace {

using Kind = ItemOutcome::Kind;

/// A value with the evidence of where it came from, or why it could not be read.
struct Resolved {
    Value value;
    std::vector<model::Evidence> evidence;
    std::string error;
    bool not_found = false;  ///< a document that does not exist
};

struct Context {
    const model::TestItem& item;
    const model::Component& def;
    const engine::ComponentFacts& found;
    const engine::NodeFacts& facts;
};

// A value as reports show it: "" for an empty one, so that it is visibly empty.
std::string visible(std::string_view name, const std::string& text) {
    return text.empty() ? std::string("\"\"") : parse::shown_value(name, text);
}

Value explicit_value(const std::string& text, std::string shown) {
    return {true, true, false, text, {}, std::move(shown)};
}

Value default_value(const std::string& text, std::string shown) {
    return {true, false, false, text, {}, std::move(shown)};
}

std::optional<Resolved> from_flag(const Context& c) {
    if (c.item.flag.empty() || !c.found.flags.has(c.item.flag)) return std::nullopt;
    const std::string text = *c.found.flags.last(c.item.flag);
    const std::string shown = fmt::format("{}={}", c.item.flag, visible(c.item.flag, text));
    // A flag a distribution passes on the component's command line (k3s): set explicitly,
    // whether it is the distribution's own default or a value from its config.
    auto origin = c.found.flag_origins.find(c.item.flag);
    if (origin != c.found.flag_origins.end()) {
        const FlagOrigin& o = origin->second;
        Value v = explicit_value(
            text, o.source == "default" ? shown + " (" + o.ref + ")" : shown + " in " + o.ref);
        return Resolved{v, {{o.source, o.ref, shown}}, {}, false};
    }
    auto all = c.found.flags.all(c.item.flag);
    std::string note =
        all.size() > 1 ? fmt::format(" (given {} times; the last one counts)", all.size()) : "";
    Resolved r{
        explicit_value(text, shown + note), {{c.found.source, c.found.how, shown}}, {}, false};
    // The distribution's config that asked for it (RKE2 writes it into the manifest).
    if (auto asked = c.found.config_flags.find(c.item.flag); asked != c.found.config_flags.end()) {
        r.evidence.push_back(
            {asked->second.origin.source, asked->second.origin.ref,
             fmt::format("{}={}", c.item.flag, visible(c.item.flag, asked->second.value))});
    }
    return r;
}

std::optional<Resolved> from_env(const Context& c) {
    if (c.item.env.empty()) return std::nullopt;
    auto it = c.found.env.find(c.item.env);
    if (it == c.found.env.end()) return std::nullopt;
    const std::string shown = fmt::format("{}={}", it->first, visible(it->first, it->second));
    return Resolved{explicit_value(it->second, shown), {{"env", c.found.how, shown}}, {}, false};
}

std::string line_ref(const parse::Document& doc, const std::string& path) {
    auto it = doc.lines.find(path);
    return it == doc.lines.end() ? doc.file_of(path)
                                 : fmt::format("{}:{}", doc.file_of(path), it->second);
}

// A Go zero value: "", 0 or a zero duration; config defaulting replaces these.
bool is_zero(const std::string& text) {
    auto d = parse::parse_duration(text);
    return text.empty() || (d && *d == 0);
}

std::optional<Resolved> from_config(const Context& c) {
    if (c.item.key.empty() || c.def.config_role.empty() || !c.found.config) return std::nullopt;
    const parse::Document& doc = *c.found.config;
    if (!doc.loaded) return Resolved{{}, {{"config", doc.path, ""}}, doc.error, false};
    auto sel = parse::select(doc.data, c.item.key);
    if (sel.values.empty() || sel.values.front().is_null()) return std::nullopt;
    const std::string text = parse::scalar_text(sel.values.front());
    const std::string shown = fmt::format("{}: {}", c.item.key, visible(c.item.key, text));
    model::Evidence ev{"config", line_ref(doc, sel.paths.front()), shown};
    auto def = c.def.config_defaults.find(c.item.key);
    if (def != c.def.config_defaults.end() && def->second.zero_means_default && is_zero(text)) {
        auto shown_default = fmt::format("{} in {} (zero means the default {})", shown,
                                         doc.file_of(sel.paths.front()), def->second.value);
        return Resolved{default_value(def->second.value, shown_default), {ev}, {}, false};
    }
    Value v = explicit_value(text, fmt::format("{} in {}", shown, doc.file_of(sel.paths.front())));
    if (sel.values.front().is_array()) {
        v.is_list = true;
        for (const auto& e : sel.values.front()) v.list.push_back(parse::scalar_text(e));
    }
    return Resolved{v, {ev}, {}, false};
}

Resolved from_defaults(const Context& c) {
    bool config_in_use = c.found.config && c.found.config->loaded;
    if (!c.item.key.empty() && config_in_use) {
        auto def = c.def.config_defaults.find(c.item.key);
        if (def != c.def.config_defaults.end()) {
            const parse::Document& doc = *c.found.config;
            const std::string where =
                doc.merged.empty()
                    ? doc.path
                    : fmt::format("{} or its drop-ins {}", doc.path, fmt::join(doc.merged, ", "));
            std::string shown =
                fmt::format("{} not set in {} (default {})", c.item.key, where, def->second.value);
            return {default_value(def->second.value, shown),
                    {{"default", c.def.name + " config file default",
                      c.item.key + ": " + def->second.value}},
                    {},
                    false};
        }
    }
    auto flag = c.def.flag_defaults.find(c.item.flag);
    if (!c.item.flag.empty() && flag != c.def.flag_defaults.end()) {
        std::string shown = fmt::format("{} not set (default {})", c.item.flag, flag->second);
        return {default_value(flag->second, shown),
                {{"default", c.def.name + " flag default", c.item.flag + "=" + flag->second}},
                {},
                false};
    }
    std::string what = c.item.flag.empty() ? c.item.key : c.item.flag;
    return {{false, false, false, {}, {}, what + " not set"}, {}, {}, false};
}

Resolved resolve_setting(const Context& c) {
    if (!c.found.flags_error.empty() && !c.item.flag.empty())
        return {{}, {{c.found.source, c.found.how, ""}}, c.found.flags_error, false};
    if (c.def.config_replaces_flags && c.found.config) {
        // The file is all the component reads (etcd --config-file): its flags and environment
        // variables are ignored, so they are not evidence either.
        if (auto r = from_config(c)) return *r;
        return from_defaults(c);
    }
    if (auto r = from_flag(c)) return *r;
    if (auto r = from_env(c)) return *r;
    if (auto r = from_config(c)) return *r;
    return from_defaults(c);
}

std::optional<std::string> gate_from_flags(const parse::FlagSet& flags, const std::string& gate) {
    std::optional<std::string> value;
    for (const auto& occurrence : flags.all("--feature-gates")) {
        for (const auto& pair : parse::split_list(occurrence)) {
            auto eq = pair.find('=');
            if (eq != std::string::npos && pair.substr(0, eq) == gate) value = pair.substr(eq + 1);
        }
    }
    return value;
}

Resolved resolve_gate(const Context& c) {
    if (!c.found.flags_error.empty())
        return {{}, {{c.found.source, c.found.how, ""}}, c.found.flags_error, false};
    const std::string& gate = c.item.feature_gate;
    if (auto v = gate_from_flags(c.found.flags, gate)) {
        std::string shown = fmt::format("--feature-gates {}={}", gate, *v);
        return {explicit_value(*v, shown), {{c.found.source, c.found.how, shown}}, {}, false};
    }
    model::TestItem key_item = c.item;
    key_item.key = "featureGates." + gate;
    key_item.flag.clear();
    Context key_context{key_item, c.def, c.found, c.facts};
    if (auto r = from_config(key_context)) return *r;
    auto def = c.def.feature_gates.find(gate);
    if (def == c.def.feature_gates.end())
        return {{false, false, false, {}, {}, gate + " not set"}, {}, {}, false};
    std::string shown = fmt::format("feature gate {} not set (default {})", gate, def->second);
    return {default_value(def->second, shown),
            {{"default", c.def.name + " feature gate default", gate + "=" + def->second}},
            {},
            false};
}

// A key path as people read it: "resources[*].providers[0]" for "resources[*].providers[0].@keys".
std::string display_key(const std::string& key) {
    return key.ends_with(".@keys") ? key.substr(0, key.size() - 6) : key;
}

Resolved resolve_document(const Context& c, const std::string& component) {
    const std::string& ref = c.item.refs.front();
    auto paths = engine::resolve_ref(c.facts, ref, component);
    if (paths.empty()) return {{}, {}, engine::describe_search(c.facts, ref, component), true};
    auto it = c.facts.documents.find(paths.front().path);
    if (it == c.facts.documents.end()) return {{}, {}, paths.front().path + ": not read", false};
    const parse::Document& doc = it->second;
    auto file = c.facts.files.find(doc.path);
    if (file != c.facts.files.end() && !file->second.exists)
        return {{}, {}, doc.path + " does not exist", true};
    if (!doc.loaded) return {{}, {{"file", doc.path, paths.front().how}}, doc.error, false};
    auto sel = parse::select(doc.data, c.item.key);
    Resolved r;
    r.evidence.push_back({"file", doc.path, paths.front().how});
    if (sel.values.empty()) {
        r.value.shown = fmt::format("{} not found in {}", display_key(c.item.key), doc.path);
        return r;
    }
    const bool key_names = c.item.key.ends_with(".@keys");
    for (size_t i = 0; i < sel.values.size(); ++i) {
        r.value.list.push_back(parse::scalar_text(sel.values[i]));
        const std::string& path = sel.paths[i];
        std::string label = key_names ? path.substr(0, path.rfind('.')) : path;
        r.evidence.push_back({"config", line_ref(doc, path), label + ": " + r.value.list.back()});
    }
    r.value.present = r.value.explicit_set = true;
    r.value.is_list = sel.wildcard || sel.values.size() > 1;
    r.value.text = parse::join_list(r.value.list);
    r.value.shown = fmt::format("{} is {} in {}", display_key(c.item.key), r.value.text, doc.path);
    return r;
}

std::string subject_name(const Context& c) {
    const auto& item = c.item;
    if (item.subject == model::Subject::FeatureGate)
        return fmt::format("{} feature gate {}", c.def.name, item.feature_gate);
    if (item.subject == model::Subject::Document) return display_key(item.key);
    if (item.subject == model::Subject::Key) return fmt::format("{} {}", c.def.name, item.key);
    if (item.key.empty()) return fmt::format("{} {}", c.def.name, item.flag);
    return fmt::format("{} {} (config {})", c.def.name, item.flag, item.key);
}

ItemOutcome missing_outcome(const model::TestItem& item, const std::string& reason) {
    ItemOutcome out;
    out.kind = item.if_missing == model::IfMissing::Pass   ? Kind::Pass
               : item.if_missing == model::IfMissing::Fail ? Kind::Fail
                                                           : Kind::NA;
    out.reason = reason;
    out.actual.push_back(reason);
    return out;
}

ItemOutcome judge(const Context& c, Resolved r) {
    ItemOutcome out;
    out.evidence = std::move(r.evidence);
    if (!r.error.empty()) {
        out.kind = Kind::Error;
        out.reason = r.error;
        return out;
    }
    std::string subject = subject_name(c);
    bool pass = true;
    for (const auto& a : c.item.assertions) {
        Verdict v = apply_operator(a, r.value, c.item.type, subject);
        out.expected.push_back(v.expected);
        pass = pass && v.pass;
        if (!v.problem.empty()) out.actual.push_back(v.problem);
    }
    out.actual.insert(out.actual.begin(), r.value.shown);
    out.kind = pass ? Kind::Pass : Kind::Fail;
    return out;
}

}  // namespace

ItemOutcome evaluate_value_item(const model::TestItem& item, const std::string& component,
                                const model::Catalogue& catalogue, const engine::NodeFacts& facts) {
    const std::string& id = item.component.empty() ? component : item.component;
    auto def = catalogue.components.find(id);
    auto found = facts.components.find(id);
    if (def == catalogue.components.end() || found == facts.components.end() ||
        !found->second.present) {
        ItemOutcome out;
        out.kind = Kind::NA;
        out.reason = found != facts.components.end() && !found->second.absent_reason.empty()
                         ? found->second.absent_reason
                         : fmt::format("{} is not running on this node",
                                       def == catalogue.components.end() ? id : def->second.name);
        return out;
    }
    Context c{item, def->second, found->second, facts};
    if (item.subject == model::Subject::Document) {
        Resolved r = resolve_document(c, id);
        if (r.not_found) return missing_outcome(item, r.error);
        ItemOutcome out = judge(c, std::move(r));
        return out;
    }
    return judge(
        c, item.subject == model::Subject::FeatureGate ? resolve_gate(c) : resolve_setting(c));
}

}  // namespace kubeproof::engine
