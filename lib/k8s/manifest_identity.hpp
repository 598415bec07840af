#pragma once

// What the YAML and the JSON manifest readers share: when a document is a Kubernetes object, and
// when it is a list of them.

#include <string>
#include <string_view>

#include "k8s/builtin_kinds.hpp"
#include "util/expected.hpp"

namespace kubeproof::k8s {

/// A place in a manifest file, 1-based; column 0 when unknown.
struct Place {
    int line = 0;
    int column = 0;
};

/// apiVersion and kind of an object, or what a typed list gives its items.
struct Identity {
    std::string api_version;
    std::string kind;
};

/// `found` with what it lacks taken from `defaults`, or why it is not a Kubernetes object.
inline util::Expected<Identity, std::string> complete_identity(Identity found,
                                                               const Identity& defaults) {
    if (found.api_version.empty()) found.api_version = defaults.api_version;
    if (found.kind.empty()) found.kind = defaults.kind;
    if (!found.api_version.empty() && !found.kind.empty()) {
        if (auto problem = builtin_kind_problem(found.api_version, found.kind))
            return util::unexpected(*problem);
        return found;
    }
    const char* missing = found.kind.empty() && found.api_version.empty()
                              ? R"(no "apiVersion" and no "kind")"
                          : found.kind.empty() ? R"(no "kind")"
                                               : R"(no "apiVersion")";
    return util::unexpected(std::string("not a Kubernetes object: ") + missing);
}

/// Whether an object's items are objects to read: kind List, or a typed list (PodList) with items.
inline bool is_list(const Identity& identity, bool has_items) {
    return identity.kind == "List" || (identity.kind.ends_with("List") && has_items);
}

/// What a list gives items that lack apiVersion or kind: nothing for List; its apiVersion and the
/// kind without "List" for a typed list.
inline Identity item_defaults(const Identity& list) {
    if (list.kind == "List") return {};
    return {list.api_version,
            list.kind.substr(0, list.kind.size() - std::string_view("List").size())};
}

}  // namespace kubeproof::k8s
