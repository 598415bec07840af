#include "engine/audit_policy.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

namespace kubeproof::engine {

namespace {

using nlohmann::json;
using Problem = util::Unexpected<AuditPolicyProblem>;

constexpr std::array<std::string_view, 4> k_levels = {"None", "Metadata", "Request",
                                                      "RequestResponse"};

// The line of a key path, or of the nearest enclosing value that has one.
int line_of(const parse::Document& doc, std::string path) {
    while (true) {
        if (auto it = doc.lines.find(path); it != doc.lines.end()) return it->second;
        auto cut = path.find_last_of(".[");
        if (cut == std::string::npos || cut == 0) return 1;
        path.resize(cut);
    }
}

std::string child(const std::string& path, const char* key) {
    return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

// A top-level string field, or "" when it is absent or not a string.
std::string text_field(const json& data, const char* key) {
    auto it = data.find(key);
    return it != data.end() && it->is_string() ? it->get<std::string>() : std::string();
}

struct Reader {
    const parse::Document& doc;
    std::optional<AuditPolicyProblem> problem;

    void fail(const std::string& path, std::string message) {
        if (!problem) problem = AuditPolicyProblem{line_of(doc, path), std::move(message)};
    }

    std::vector<std::string> strings(const json& parent, const std::string& path, const char* key) {
        std::vector<std::string> out;
        if (!parent.contains(key) || parent[key].is_null()) return out;
        const json& list = parent[key];
        const std::string where = child(path, key);
        if (!list.is_array()) {
            fail(where, fmt::format("{} must be a list of strings", key));
            return out;
        }
        for (const auto& v : list) {
            if (!v.is_string()) fail(where, fmt::format("{} must be a list of strings", key));
            out.push_back(v.is_string() ? v.get<std::string>() : std::string());
        }
        return out;
    }

    std::string string(const json& parent, const std::string& path, const char* key) {
        if (!parent.contains(key) || parent[key].is_null()) return {};
        if (!parent[key].is_string())
            fail(child(path, key), fmt::format("{} must be a string", key));
        return parent[key].is_string() ? parent[key].get<std::string>() : std::string();
    }

    std::vector<AuditGroupResources> resources(const json& rule, const std::string& path) {
        std::vector<AuditGroupResources> out;
        if (!rule.contains("resources") || rule["resources"].is_null()) return out;
        const json& list = rule["resources"];
        if (!list.is_array()) {
            fail(path + ".resources", "resources must be a list of {group, resources}");
            return out;
        }
        for (size_t i = 0; i < list.size(); ++i) {
            const std::string at = fmt::format("{}.resources[{}]", path, i);
            if (!list[i].is_object()) {
                fail(at, "resources must be a list of {group, resources}");
                continue;
            }
            out.push_back({string(list[i], at, "group"), strings(list[i], at, "resources"),
                           strings(list[i], at, "resourceNames")});
        }
        return out;
    }

    AuditRule rule(const json& value, size_t index) {
        const std::string path = fmt::format("rules[{}]", index);
        AuditRule r;
        r.index = index;
        r.line = line_of(doc, path + ".level");  // the line of the rule's level, or of the rule
        if (!value.is_object()) {
            fail(path, fmt::format("rule {} is not a mapping", index + 1));
            return r;
        }
        const std::string level = string(value, path, "level");
        auto it = std::find(k_levels.begin(), k_levels.end(), level);
        if (it == k_levels.end()) {
            fail(value.contains("level") ? path + ".level" : path,
                 fmt::format("rule {} has {} (expected None, Metadata, Request or "
                             "RequestResponse)",
                             index + 1, level.empty() ? "no level" : "level '" + level + "'"));
        } else {
            r.level = static_cast<AuditLevel>(it - k_levels.begin());
        }
        r.users = strings(value, path, "users");
        r.user_groups = strings(value, path, "userGroups");
        r.verbs = strings(value, path, "verbs");
        r.resources = resources(value, path);
        r.namespaces = strings(value, path, "namespaces");
        r.non_resource_urls = strings(value, path, "nonResourceURLs");
        r.omit_stages = strings(value, path, "omitStages");
        if (!r.non_resource_urls.empty() && (!r.resources.empty() || !r.namespaces.empty()))
            fail(path, fmt::format("rule {} names both resources and nonResourceURLs", index + 1));
        return r;
    }
};

bool listed_in(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

// Whether a `resources` entry's resource matches the class: the exact "resource/sub", "*",
// "*/sub" (that subresource of every resource) or "resource/*" (the resource and its
// subresources), as the API server's policy checker matches them.
bool resource_matches(const std::string& res, const RequestClass& c) {
    const std::string combined =
        c.subresource.empty() ? c.resource : c.resource + "/" + c.subresource;
    if (res == combined || res == "*") return true;
    if (!c.subresource.empty() && res.starts_with("*/") && res.substr(2) == c.subresource)
        return true;
    return res.ends_with("/*") && res.substr(0, res.size() - 2) == c.resource;
}

enum class Extent { No, Some, All };

struct Partial {
    Extent extent = Extent::All;
    std::vector<std::string> only;

    void narrow(Extent to, std::string why) {
        extent = std::min(extent, to);
        if (to == Extent::Some) only.push_back(std::move(why));
    }
};

std::string listed(const std::vector<std::string>& values) {
    return fmt::format("[{}]", fmt::join(values, ", "));
}

// How much of the class the rule's `resources` cover.
void match_resources(const AuditRule& rule, const RequestClass& c, Partial& p) {
    if (c.resource.empty()) {  // any resource: a list of resources covers only some of them
        std::vector<std::string> named;
        for (const auto& gr : rule.resources)
            named.push_back(fmt::format("{}{}", gr.group.empty() ? "core" : gr.group,
                                        gr.resources.empty() ? "" : " " + listed(gr.resources)));
        p.narrow(Extent::Some, "resources " + fmt::format("{}", fmt::join(named, "; ")));
        return;
    }
    Extent best = Extent::No;
    std::vector<std::string> names;
    for (const auto& gr : rule.resources) {
        if (gr.group != c.group) continue;
        bool matches = gr.resources.empty() ||
                       std::any_of(gr.resources.begin(), gr.resources.end(),
                                   [&](const std::string& r) { return resource_matches(r, c); });
        if (!matches) continue;
        if (gr.resources.empty() || gr.resource_names.empty()) {
            best = Extent::All;
        } else if (best == Extent::No) {
            best = Extent::Some;
            names = gr.resource_names;
        }
    }
    p.narrow(best, "objects named " + listed(names));
}

// How much of the class a rule matches, following the API server's checker: users, groups and
// verbs first, then namespaces and resources, and a rule of non-resource URLs only matches
// requests that are not for resources.
Partial match_rule(const AuditRule& rule, const RequestClass& c) {
    Partial p;
    if (!rule.verbs.empty() && !listed_in(rule.verbs, c.verb)) p.narrow(Extent::No, {});
    if (!rule.users.empty()) p.narrow(Extent::Some, "users " + listed(rule.users));
    if (!rule.user_groups.empty()) p.narrow(Extent::Some, "groups " + listed(rule.user_groups));
    if (rule.namespaces.empty() && rule.resources.empty()) {
        if (!rule.non_resource_urls.empty()) p.narrow(Extent::No, {});
        return p;
    }
    if (!rule.namespaces.empty()) {
        if (c.resource.empty() || c.namespaced)
            p.narrow(Extent::Some, "namespaces " + listed(rule.namespaces));
        else if (!listed_in(rule.namespaces, ""))
            p.narrow(Extent::No, {});
    }
    if (!rule.resources.empty()) match_resources(rule, c, p);
    return p;
}

// A rule whose stages leave out both the start and the end of an ordinary request writes no
// event for it, whatever its level.
AuditLevel effective_level(const AuditPolicy& policy, const AuditRule& rule) {
    auto omitted = [&](const char* stage) {
        return listed_in(policy.omit_stages, stage) || listed_in(rule.omit_stages, stage);
    };
    return omitted("RequestReceived") && omitted("ResponseComplete") ? AuditLevel::None
                                                                     : rule.level;
}

}  // namespace

std::string_view audit_level_name(AuditLevel level) {
    return k_levels.at(static_cast<size_t>(level));
}

std::string RequestClass::label() const {
    if (resource.empty()) return "every resource";
    std::string name = subresource.empty() ? resource : resource + "/" + subresource;
    return group.empty() ? name : name + "." + group;
}

util::Expected<AuditPolicy, AuditPolicyProblem> read_audit_policy(const parse::Document& doc) {
    const json& data = doc.data;
    if (!data.is_object()) return Problem{{1, "not a mapping: an audit policy is a Policy object"}};
    const std::string api = text_field(data, "apiVersion");
    const std::string kind = text_field(data, "kind");
    if (kind != "Policy" || (api != "audit.k8s.io/v1" && api != "audit.k8s.io/v1beta1")) {
        return Problem{{line_of(doc, "kind"),
                        fmt::format("not an audit policy: apiVersion '{}', kind '{}' (expected "
                                    "audit.k8s.io/v1 or v1beta1 Policy)",
                                    api, kind)}};
    }
    Reader reader{doc, std::nullopt};
    AuditPolicy policy{doc.path, api, reader.strings(data, "", "omitStages"), {}};
    const json rules = data.contains("rules") ? data["rules"] : json();
    if (!rules.is_null() && !rules.is_array())
        return Problem{{line_of(doc, "rules"), "rules must be a list"}};
    if (rules.is_array()) {
        for (size_t i = 0; i < rules.size(); ++i) policy.rules.push_back(reader.rule(rules[i], i));
    }
    if (reader.problem) return Problem{*reader.problem};
    return policy;
}

AuditDecision decide_audit(const AuditPolicy& policy, const RequestClass& request) {
    AuditDecision decision;
    for (const auto& rule : policy.rules) {
        Partial p = match_rule(rule, request);
        if (p.extent == Extent::No) continue;
        RuleMatch m{&rule, effective_level(policy, rule),
                    fmt::format("{}", fmt::join(p.only, ", "))};
        if (p.extent == Extent::Some) {
            decision.narrower.push_back(std::move(m));
            continue;
        }
        decision.decider = std::move(m);
        break;
    }
    return decision;
}

}  // namespace kubeproof::engine
