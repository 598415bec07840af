#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/objects.hpp"

namespace kubeproof::k8s {

using model::ListOutcome;
using model::Origin;
using model::ResourceType;

/// Receives objects one at a time; the object may be moved from.
using ObjectSink = std::function<void(nlohmann::json&& object, const Origin& origin)>;

/// Something that can list Kubernetes objects: the API server, or manifest files.
class ObjectSource {
public:
    virtual ~ObjectSource() = default;
    /// Streams every object of one type to `sink` (all namespaces), page by page or file by file.
    /// Objects always carry apiVersion and kind, even when the server omitted them in list items.
    virtual ListOutcome list(const ResourceType& type, const ObjectSink& sink) = 0;
    /// Streams the objects of several types, stage by stage: every object of a stage's types comes
    /// before those of the next stage; within a stage they may interleave. One outcome per type,
    /// each naming the type it is about (ListOutcome::type). By default, list() for each type in
    /// turn.
    virtual std::vector<ListOutcome> list_all(const std::vector<std::vector<ResourceType>>& stages,
                                              const ObjectSink& sink) {
        std::vector<ListOutcome> outcomes;
        for (const auto& stage : stages) {
            for (const auto& type : stage) outcomes.push_back(list(type, sink));
        }
        return outcomes;
    }
    /// "the API server https://10.0.0.1:6443" or "manifests k8s/" — for evidence and messages.
    virtual std::string describe() const = 0;
};

}  // namespace kubeproof::k8s
