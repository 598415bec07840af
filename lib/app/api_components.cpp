#include "app/api_components.hpp"

#include <fmt/format.h>

#include "facts/collector.hpp"
#include "facts/discovery.hpp"
#include "parse/flags.hpp"

namespace kubeproof::app {

namespace {

using nlohmann::json;

std::string label_of(const json& pod, const char* label) {
    const json* labels = pod.contains("metadata") ? &pod["metadata"] : nullptr;
    if (labels == nullptr || !labels->contains("labels") || !(*labels)["labels"].is_object())
        return {};
    const json& all = (*labels)["labels"];
    return all.contains(label) && all[label].is_string() ? all[label].get<std::string>()
                                                         : std::string();
}

// True when a kube-system pod is the static pod of `component` (kubeadm labels it
// component=<name>).
bool is_static_pod_of(const json& pod, const model::Component& component) {
    if (component.static_pod.empty()) return false;
    const std::string name = pod.value("/metadata/name"_json_pointer, std::string());
    return label_of(pod, "component") == component.static_pod ||
           name.starts_with(component.static_pod + "-");
}

void adopt(const json& pod, const model::Component& component, engine::ComponentFacts& found) {
    parse::Document doc;
    doc.path = "pod";
    doc.loaded = true;
    doc.data = pod;
    auto argv = facts::static_pod_argv(doc, component.static_pod, component.name);
    if (argv.empty()) return;
    found.present = true;
    found.source = "api";
    found.how = fmt::format("pod kube-system/{} (from the API server)",
                            pod.value("/metadata/name"_json_pointer, std::string()));
    found.argv = argv;
    found.flags = parse::parse_flags(argv, 1, facts::flag_syntax(component));
    found.env = facts::static_pod_env(doc, component.static_pod, component.name);
}

}  // namespace

void components_from_api(k8s::ObjectSource& source, const model::Catalogue& catalogue,
                         engine::NodeFacts& facts, std::vector<std::string>& warnings) {
    std::vector<const model::Component*> missing;
    for (const auto& [id, component] : catalogue.components) {
        auto it = facts.components.find(id);
        bool present = it != facts.components.end() && it->second.present;
        if (!present && !component.static_pod.empty()) missing.push_back(&component);
    }
    if (missing.empty()) return;
    // Only kube-system, where static pods are mirrored: a namespaced list needs no cluster-wide
    // read.
    model::ResourceType pods{"", "v1", "pods", "Pod", true};
    pods.ignored_fields = {"status", "metadata.managedFields"};
    pods.in_namespace = "kube-system";
    auto outcome = source.list(pods, [&](json&& pod, const model::Origin&) {
        for (const auto* component : missing) {
            engine::ComponentFacts& found = facts.components[component->id];
            found.id = component->id;
            found.name = component->name;
            if (!found.present && is_static_pod_of(pod, *component)) adopt(pod, *component, found);
        }
    });
    if (outcome.kind != model::ListOutcome::Kind::Ok) {
        warnings.push_back("cannot read the control-plane pods through the API: " +
                           outcome.message);
    }
}

void components_and_files_from_api(k8s::ObjectSource& source, const host::Host& host,
                                   const model::Catalogue& catalogue,
                                   const std::vector<const model::Check*>& checks,
                                   engine::NodeFacts& facts, std::vector<std::string>& warnings) {
    components_from_api(source, catalogue, facts, warnings);
    facts::gather_named(host, checks, facts);
}

}  // namespace kubeproof::app
