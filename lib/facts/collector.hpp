#pragma once

#include "facts/distribution.hpp"

#include <optional>
#include <string>
#include <vector>

#include "engine/node_facts.hpp"
#include "host/host.hpp"
#include "model/check.hpp"

namespace kubeproof::facts {

/// How far a directory walk goes; where it stops, the tree records that it is incomplete.
struct WalkLimits {
    size_t max_entries = 20000;  ///< entries below the root
    int max_depth = 16;  ///< directories more levels below the root than this are not listed
};

/// Gathers every fact the given checks need from the node: components, the files and
/// directory trees their tests name, and the documents they read. All I/O goes through `host`.
engine::NodeFacts collect(const host::Host& host, const model::Catalogue& catalogue,
                          const std::vector<const model::Check*>& checks,
                          const WalkLimits& limits = {},
                          const RecordedServerArgs* recorded = nullptr);

/// Gathers what the checks' tests name that `facts` does not hold yet: the paths of components
/// whose flags became known after `collect` (a control-plane component seen through its mirror
/// pod, whose `flag:--audit-policy-file` names a file readable under the root). Paths gathered
/// already are not read again.
void gather_named(const host::Host& host, const std::vector<const model::Check*>& checks,
                  engine::NodeFacts& facts, const WalkLimits& limits = {});

/// Walks the directory tree at `root` into `facts.trees[root]`, stat'ing every entry into
/// `facts.files`; every directory it could not list, or where a limit stopped it, is recorded
/// as unlisted with the reason. Does nothing when the tree was walked already.
void gather_tree(const host::Host& host, const std::string& root, engine::NodeFacts& facts,
                 const WalkLimits& limits = {});

/// The static pod image that gives the node's Kubernetes version (the catalogue's
/// `version_from` role: the API server's manifest), found among `facts`' discovered components.
struct VersionImage {
    std::string path;   ///< the manifest: "/etc/kubernetes/manifests/kube-apiserver.yaml"
    std::string image;  ///< "registry.k8s.io/kube-apiserver:v1.31.2"
    std::string tag;    ///< "v1.31.2"
    std::string minor;  ///< "1.31"
};

/// The first container image of the version manifest whose tag holds a version; nullopt when
/// there is none (no manifest, unreadable, no versioned tag).
std::optional<VersionImage> version_image(const host::Host& host, const model::Catalogue& catalogue,
                                          const engine::NodeFacts& facts);

/// What stat says about one path, with owner names from the node's passwd/group files.
engine::FileFact stat_fact(const host::Host& host, const std::string& path);

}  // namespace kubeproof::facts
