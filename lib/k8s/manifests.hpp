#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "k8s/objects.hpp"
#include "loader/diagnostics.hpp"

namespace kubeproof::k8s {

/// One object read from a manifest file, with where it starts.
struct ManifestObject {
    nlohmann::json object;    ///< always has string apiVersion and kind
    Origin origin;            ///< file as given and the 1-based line of the object's mapping
    std::string helm_source;  ///< "chart/templates/x.yaml" from Helm's "# Source:" comment, else ""
};

/// Receives manifest objects one at a time; the object may be moved from.
using ManifestSink = std::function<void(ManifestObject&& object)>;

/// Parses the text of one manifest file and streams its objects: multi-document YAML one document
/// at a time (empty and null documents skipped), or JSON (one value or several in a row) with a
/// List's items parsed one at a time. The items of `kind: List` and `kind: <Kind>List` are
/// expanded, each at its own line; a typed list's items get its apiVersion and kind when they lack
/// them. Documents that are not Kubernetes objects and invalid YAML/JSON become diagnostics
/// `file:line:col: message`; the other documents are still delivered. Returns the number of
/// objects delivered.
size_t for_each_object(std::string_view text, const std::string& file, const ManifestSink& sink,
                       loader::Diagnostics& diagnostics);

/// The API group of an apiVersion: "apps" for "apps/v1", "" for "v1".
std::string_view api_group(std::string_view api_version);

/// Whether an object is of `type`: the same kind and API group, any version. The legacy group
/// `extensions` counts as `apps` for Deployment, DaemonSet and ReplicaSet and as
/// `networking.k8s.io` for Ingress and NetworkPolicy, since the API server served those as the same
/// resources.
bool is_of_type(const nlohmann::json& object, const ResourceType& type);

/// Kubernetes objects from local manifest files (the --manifests arguments: FILE, DIR or "-").
/// load() reads and parses every file once, one file at a time, and keeps the objects (a
/// repository's manifests fit in memory easily); list() then filters them per resource type. For
/// one huge file, use for_each_object() on its text instead, which holds one YAML document or one
/// JSON list item at a time.
class ManifestSource final : public ObjectSource {
public:
    /// Over the arguments in the given order; "-" reads `stdin_stream` (std::cin when null).
    explicit ManifestSource(std::vector<std::string> arguments,
                            std::istream* stdin_stream = nullptr);

    /// Reads and parses every file (a file named twice once); records every problem (unreadable
    /// path, invalid YAML/JSON, a document that is not an object) and returns false if there was
    /// any.
    bool load(loader::Diagnostics& diagnostics);

    /// Streams the loaded objects of `type` with their file and line, in file order. Loads first if
    /// load() was not called; any load problem makes the outcome Failed.
    ListOutcome list(const ResourceType& type, const ObjectSink& sink) override;

    /// "manifests k8s/, -".
    std::string describe() const override;

    /// Every loaded object, in file order.
    const std::vector<ManifestObject>& objects() const { return m_objects; }

private:
    void load_file(const std::string& path, loader::Diagnostics& diagnostics);

    std::vector<std::string> m_arguments;
    std::istream* m_stdin = nullptr;
    bool m_loaded = false;
    std::string m_load_error;  ///< the first load problem, for list() without load()
    std::vector<ManifestObject> m_objects;
};

}  // namespace kubeproof::k8s
