#include "history/waivers.hpp"

#include <algorithm>
#include <vector>

#include "model/targets.hpp"

namespace kubeproof::history {

namespace {

bool is_object_source(const std::string& source) { return source == "manifest" || source == "api"; }

bool object_matches(const std::string& wanted, const ObjectRef& object) {
    const size_t slash = wanted.find('/');
    if (slash == std::string::npos) return wanted == object.name;
    return std::string_view(wanted).substr(0, slash) == object.kind &&
           std::string_view(wanted).substr(slash + 1) == object.name;
}

bool in_namespace(const std::string& wanted, const ObjectRef& object) {
    if (object.namespace_name.empty()) return object.kind == "Namespace" && object.name == wanted;
    return object.namespace_name == wanted;
}

bool labels_match(const std::map<std::string, std::string>& selector,
                  const std::map<std::string, std::string>& labels) {
    return std::all_of(selector.begin(), selector.end(), [&](const auto& wanted) {
        const auto found = labels.find(wanted.first);
        return found != labels.end() && found->second == wanted.second;
    });
}

// Every item the check found at fault is an object in the evidence, and inside the scope. Only
// FAIL and WARN of section 5 checks are lists of objects; an ERROR is not (a refused list, an
// object no check could judge).
bool objects_covered(const model::Waiver& waiver, const model::Result& result) {
    if (result.target != model::k_objects_target || result.status == model::Status::Error)
        return false;
    if (!result.findings || *result.findings <= 0 ||
        result.evidence.size() != static_cast<size_t>(*result.findings))
        return false;  // nothing at fault by name, or more than the evidence lists
    return std::all_of(result.evidence.begin(), result.evidence.end(), [&](const auto& item) {
        const auto object = object_ref(item.ref);
        return is_object_source(item.source) && object &&
               object_in_scope(waiver, *object, item.labels);
    });
}

}  // namespace

std::optional<ObjectRef> object_ref(std::string_view ref) {
    const size_t space = ref.find(' ');
    if (space == 0 || space == std::string_view::npos) return std::nullopt;
    const std::string_view kind = ref.substr(0, space);
    std::string_view rest = ref.substr(space + 1);
    if (rest.empty() || rest.find(' ') != std::string_view::npos) return std::nullopt;
    const size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return ObjectRef{std::string(kind), "", std::string(rest)};
    const std::string_view ns = rest.substr(0, slash);
    const std::string_view name = rest.substr(slash + 1);
    if (ns.empty() || name.empty() || name.find('/') != std::string_view::npos) return std::nullopt;
    return ObjectRef{std::string(kind), std::string(ns), std::string(name)};
}

bool object_in_scope(const model::Waiver& waiver, const ObjectRef& object,
                     const std::map<std::string, std::string>& labels) {
    if (!waiver.namespace_name.empty() && !in_namespace(waiver.namespace_name, object))
        return false;
    if (!waiver.object.empty() && !object_matches(waiver.object, object)) return false;
    return labels_match(waiver.selector, labels);
}

bool covers(const model::Waiver& waiver, const model::Result& result, const model::ScanInfo& scan) {
    if (!model::is_finding(result.status) || waiver.check.empty()) return false;
    if (waiver.check != result.id && waiver.check != result.key) return false;
    if (!waiver.node.empty() && (scan.scope != "node" || scan.node != waiver.node)) return false;
    return !waiver.scopes_objects() || objects_covered(waiver, result);
}

model::WaiverSummary apply_waivers(model::Report& report, const model::WaiverFile& file,
                                   std::time_t now) {
    model::WaiverSummary summary{file.path, file.sha256, 0, 0, {}};
    std::vector<bool> used(file.waivers.size(), false);
    for (auto& result : report.results) {
        const model::Waiver* active = nullptr;
        const model::Waiver* expired = nullptr;
        for (size_t i = 0; i < file.waivers.size(); ++i) {
            const model::Waiver& waiver = file.waivers[i];
            if (!covers(waiver, result, report.scan)) continue;
            used[i] = true;
            const bool in_force = now < waiver.expires_at;
            if (in_force && active == nullptr) active = &waiver;
            if (!in_force && expired == nullptr) expired = &waiver;
        }
        if (active != nullptr) {
            result.waiver = model::AppliedWaiver{*active, model::WaiverState::Active};
            ++summary.active;
        } else if (expired != nullptr) {
            result.waiver = model::AppliedWaiver{*expired, model::WaiverState::Expired};
            ++summary.expired;
        }
    }
    for (size_t i = 0; i < file.waivers.size(); ++i) {
        if (!used[i]) summary.stale.push_back(file.waivers[i]);
    }
    return summary;
}

namespace {

/// The part of a stored result covers() looks at.
model::Result result_for_waivers(const ReportResult& stored) {
    model::Result result;
    result.id = stored.id;
    result.key = stored.key;
    result.target = stored.target;
    result.findings = stored.findings;
    const auto status = model::parse_status(stored.status);
    result.status = status.value_or(model::Status::Error);
    if (!stored.evidence.is_array()) return result;
    for (const auto& item : stored.evidence) {
        if (!item.is_object()) continue;
        model::Evidence evidence;
        if (item.contains("source") && item["source"].is_string())
            evidence.source = item["source"].get<std::string>();
        if (item.contains("ref") && item["ref"].is_string())
            evidence.ref = item["ref"].get<std::string>();
        if (item.contains("labels") && item["labels"].is_object()) {
            for (const auto& [name, value] : item["labels"].items()) {
                if (value.is_string()) evidence.labels[name] = value.get<std::string>();
            }
        }
        result.evidence.push_back(std::move(evidence));
    }
    return result;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> stored_waiver(const model::WaiverFile& file,
                                                               const ReportResult& result,
                                                               const ReportHeader& header,
                                                               std::time_t at,
                                                               std::vector<char>& used) {
    std::vector<std::pair<std::string, std::string>> out;
    // A status this version does not know is no finding a waiver can accept.
    if (!model::parse_status(result.status)) return out;
    const model::Result facts = result_for_waivers(result);
    model::ScanInfo scan;
    scan.scope = header.scope;
    scan.node = header.node;
    const model::Waiver* active = nullptr;
    const model::Waiver* expired = nullptr;
    for (size_t i = 0; i < file.waivers.size(); ++i) {
        const model::Waiver& waiver = file.waivers[i];
        if (!covers(waiver, facts, scan)) continue;
        if (i < used.size()) used[i] = 1;
        const bool in_force = at < waiver.expires_at;
        if (in_force && active == nullptr) active = &waiver;
        if (!in_force && expired == nullptr) expired = &waiver;
    }
    const model::Waiver* chosen = active != nullptr ? active : expired;
    if (chosen == nullptr) return out;
    const model::Waiver& w = *chosen;
    auto add = [&out](const char* name, const std::string& value, bool always = false) {
        if (always || !value.empty()) out.emplace_back(name, value);
    };
    add("source", w.source, true);
    add("check", w.check, true);
    add("node", w.node);
    add("namespace", w.namespace_name);
    add("object", w.object);
    if (!w.selector.empty()) {
        std::string joined;
        for (const auto& [name, value] : w.selector) {
            if (!joined.empty()) joined += ", ";
            joined.append(name).append("=").append(value);
        }
        out.emplace_back("selector", joined);
    }
    add("owner", w.owner, true);
    add("approver", w.approver);
    add("reason", w.reason);
    add("ticket", w.ticket);
    add("created", w.created);
    add("expires", w.expires, true);
    out.emplace_back("state", model::to_string(active != nullptr ? model::WaiverState::Active
                                                                 : model::WaiverState::Expired));
    return out;
}

}  // namespace kubeproof::history
