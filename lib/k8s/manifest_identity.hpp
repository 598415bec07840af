#pragma once

// What the YAML and the JSON manifest readers share: when a document is a Kubernetes object, when
// it is a list of them, which resource type an object is of, and an object as read.

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "k8s/builtin_kinds.hpp"
#include "model/objects.hpp"
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

/// Whether an object is of `type`: the same kind and API group, any version. The legacy group
/// `extensions` counts as `apps` for Deployment, DaemonSet and ReplicaSet and as
/// `networking.k8s.io` for Ingress and NetworkPolicy, since the API server served those as the same
/// resources.
bool is_of_type(const Identity& identity, const model::ResourceType& type);
/// The same for an object's apiVersion and kind.
bool is_of_type(const nlohmann::json& object, const model::ResourceType& type);

/// An object of a YAML document as indexing converted it, kept so that reading it back does not
/// parse the YAML again: its JSON text (with apiVersion and kind) and the line of its mapping.
struct KeptObject {
    std::string json;
    int line = 1;
};

/// One object read from a manifest file, with where it starts.
struct ManifestObject {
    nlohmann::json object;    ///< always has string apiVersion and kind
    model::Origin origin;     ///< file as given and the 1-based line of the object's mapping
    std::string helm_source;  ///< "chart/templates/x.yaml" from Helm's "# Source:" comment, else ""
};

/// Receives manifest objects one at a time; the object may be moved from.
using ManifestSink = std::function<void(ManifestObject&& object)>;

}  // namespace kubeproof::k8s
