#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/policy_grants.hpp"
#include "engine/policy_items.hpp"
#include "model/objects.hpp"

namespace kubeproof::engine {

/// What an object's items may depend on besides the object itself: the objects of the context
/// kinds kept so far (service accounts for a pod's token mount, roles for a binding's grants,
/// network policies for a namespace), with indexes built when first asked for.
class PolicyContext {
public:
    explicit PolicyContext(const std::map<std::string, std::vector<StoredObject>>& kept)
        : m_kept(kept) {}

    /// Every kept object of one kind, in the order it came.
    const std::vector<StoredObject>& objects(const std::string& kind) const;
    /// A service account's automountServiceAccountToken, when the account sets it.
    std::optional<bool> automount(const std::string& ns, const std::string& name) const;
    /// How many namespaced network policies (Kubernetes, Cilium, Calico) are in a namespace.
    int network_policies(const std::string& ns) const;
    /// ClusterRoles by "/name" and Roles by "namespace/name".
    const RoleIndex& cluster_roles() const;
    const RoleIndex& roles() const;

private:
    /// An index over the objects of some kinds, rebuilt when more of them have come.
    template <typename Index>
    struct Cached {
        size_t built_from = static_cast<size_t>(-1);
        Index index;
    };
    size_t count(std::initializer_list<const char*> kinds) const;

    const std::map<std::string, std::vector<StoredObject>>& m_kept;
    mutable Cached<std::map<std::string, bool>> m_automount;
    mutable Cached<std::map<std::string, int>> m_network_policies;
    mutable Cached<RoleIndex> m_cluster_roles;
    mutable Cached<RoleIndex> m_roles;
};

/// Yields the items of one object (`origin` tells manifests from the API).
using ItemsFunction = void (*)(const nlohmann::json& object, const model::Origin& origin,
                               const PolicyContext& context, const ItemSink& sink);

/// An iterator of the definition language (`objects: <name>`): which kinds it judges and reads,
/// and the function that turns one object into the items conditions are judged on.
struct PolicyIterator {
    std::string_view name;
    /// Judged as objects arrive and then dropped (pods and workloads: a cluster has too many to
    /// keep); the others are kept and judged once everything has been listed.
    bool streamed = false;
    std::vector<std::string> kinds;  ///< the kinds it judges; empty: the test's own `kinds:`
    std::vector<std::string> context_kinds;  ///< kinds it reads to judge them
    ItemsFunction items = nullptr;
};

/// Every iterator, one row each: the loader accepts these names and the engine dispatches from
/// this table. Adding an iterator is a row here and its items function.
const std::vector<PolicyIterator>& policy_iterators();

/// The iterator of a name; null when there is none.
const PolicyIterator* find_iterator(std::string_view name);

/// Whether `object` is of one of `kinds` ("Kind", or "group/Kind" for one API group).
bool kind_matches(const std::vector<std::string>& kinds, const nlohmann::json& object);
/// The same for an object of `kind` in API `group` ("" for the core group, model::api_group),
/// without building one: it allocates nothing (the policy setup asks it for every check and listed
/// type).
bool kind_matches(const std::vector<std::string>& kinds, std::string_view kind,
                  std::string_view group);

}  // namespace kubeproof::engine
