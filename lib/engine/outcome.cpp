#include "engine/outcome.hpp"

#include <algorithm>

namespace kubeproof::engine {

namespace {

using Kind = ItemOutcome::Kind;

bool any_of(const std::vector<ItemOutcome>& items, Kind kind) {
    return std::any_of(items.begin(), items.end(),
                       [kind](const ItemOutcome& o) { return o.kind == kind; });
}

bool all_of(const std::vector<ItemOutcome>& items, Kind kind) {
    return std::all_of(items.begin(), items.end(),
                       [kind](const ItemOutcome& o) { return o.kind == kind; });
}

Kind combined_kind(const std::vector<ItemOutcome>& items, bool all) {
    if (all) {
        if (any_of(items, Kind::Fail)) return Kind::Fail;
        if (any_of(items, Kind::Error)) return Kind::Error;
        if (all_of(items, Kind::NA)) return Kind::NA;
        return Kind::Pass;  // NA items among passing ones are not applicable, not failures
    }
    if (any_of(items, Kind::Pass)) return Kind::Pass;
    if (any_of(items, Kind::Error)) return Kind::Error;
    if (all_of(items, Kind::NA)) return Kind::NA;
    return Kind::Fail;
}

// The children's findings together; unset when one of them is not a list of items, since the
// outcome is then more than the items in its evidence.
std::optional<int> summed_findings(const std::vector<ItemOutcome>& children) {
    int sum = 0;
    for (const auto& child : children) {
        if (!child.findings) return std::nullopt;
        sum += *child.findings;
    }
    return sum;
}

}  // namespace

ItemOutcome combine(std::vector<ItemOutcome> children, bool all) {
    ItemOutcome out;
    out.kind = children.empty() ? Kind::NA : combined_kind(children, all);
    std::string joiner = all ? " and " : " or ";
    std::string expected;
    for (auto& child : children) {
        for (auto& e : child.expected) expected += (expected.empty() ? "" : joiner) + e;
        bool inapplicable =
            child.kind == Kind::NA && out.kind != Kind::NA;  // e.g. an unused config file
        if (!inapplicable) {
            for (auto& a : child.actual) out.actual.push_back(std::move(a));
        }
        for (auto& ev : child.evidence) out.evidence.push_back(std::move(ev));
        bool relevant = child.kind == out.kind && !child.reason.empty();
        if (relevant && out.reason.find(child.reason) == std::string::npos) {
            out.reason += (out.reason.empty() ? "" : "; ") + child.reason;
        }
    }
    out.findings = summed_findings(children);
    if (!expected.empty())
        out.expected.push_back(children.size() > 1 && !all ? "either " + expected : expected);
    return out;
}

}  // namespace kubeproof::engine
