#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "k8s/manifest_identity.hpp"
#include "k8s/object_source.hpp"
#include "parse/diagnostics.hpp"

namespace kubeproof::k8s {

/// One object read from a manifest file, with where it starts.
struct ManifestObject {
    nlohmann::json object;    ///< always has string apiVersion and kind
    model::Origin origin;     ///< file as given and the 1-based line of the object's mapping
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
                       parse::Diagnostics& diagnostics);

/// The API group of an apiVersion: "apps" for "apps/v1", "" for "v1".
std::string_view api_group(std::string_view api_version);

/// Whether an object is of `type`: the same kind and API group, any version. The legacy group
/// `extensions` counts as `apps` for Deployment, DaemonSet and ReplicaSet and as
/// `networking.k8s.io` for Ingress and NetworkPolicy, since the API server served those as the same
/// resources.
bool is_of_type(const nlohmann::json& object, const model::ResourceType& type);
/// The same for an apiVersion and kind.
bool is_of_type(const Identity& identity, const model::ResourceType& type);

/// Kubernetes objects from local manifest files (the --manifests arguments: FILE, DIR or "-").
///
/// load() reads and checks every file once, one file at a time, and keeps an index: where each
/// object of a JSON file is and what it is, and which kinds each YAML document holds. When the
/// input is small (at most `keep_limit` bytes of text) it also keeps the objects. Otherwise list()
/// and list_all() read back only the objects (JSON) or documents (YAML) of the types asked for,
/// piece by piece, so memory holds one object at a time rather than a file; a file that changed
/// since load() makes the outcomes Failed rather than mixing two versions.
class ManifestSource final : public ObjectSource {
public:
    /// Inputs up to this many bytes of text are kept in memory after load().
    static constexpr size_t k_default_keep_limit = 5 * 1024 * 1024;

    /// Over the arguments in the given order; "-" reads `stdin_stream` (std::cin when null).
    explicit ManifestSource(std::vector<std::string> arguments,
                            std::istream* stdin_stream = nullptr,
                            size_t keep_limit = k_default_keep_limit);
    ~ManifestSource() override;

    /// Reads and checks every file (a file named twice once); records every problem (unreadable
    /// path, invalid YAML/JSON, a document that is not an object) and returns false if there was
    /// any.
    bool load(parse::Diagnostics& diagnostics);

    /// Streams the objects of `type` with their file and line, in file order. Loads first if
    /// load() was not called; any load problem makes the outcome Failed.
    model::ListOutcome list(const model::ResourceType& type, const ObjectSink& sink) override;

    /// Streams the objects of each stage's types in file order, reading back per stage only what
    /// holds objects of its types. Loads first if load() was not called; any load problem makes
    /// every outcome Failed.
    std::vector<model::ListOutcome> list_all(
        const std::vector<std::vector<model::ResourceType>>& stages,
        const ObjectSink& sink) override;

    /// "manifests k8s/, -".
    std::string describe() const override;

    /// Every loaded object, in file order, when the input was small enough to keep; else empty.
    const std::vector<ManifestObject>& objects() const { return m_objects; }

    /// A file load() read and how many objects it holds.
    struct IndexedFileSummary {
        std::string name;  ///< as objects' origins name it ("-" for standard input)
        size_t objects = 0;
    };
    /// Every file load() read, in order.
    std::vector<IndexedFileSummary> summary() const;

private:
    struct IndexedFile;
    /// A diagnostic for standard input without objects, and for input without any object at all.
    void report_empty_input(parse::Diagnostics& diagnostics) const;
    void load_file(const std::string& path, parse::Diagnostics& diagnostics);
    /// Reads back the objects of `file` whose type is one of `types` (all when null); false with
    /// `problem` set when the file cannot be read back as it was indexed.
    bool read_back(const IndexedFile& file, const std::vector<model::ResourceType>* types,
                   const std::function<void(ManifestObject&&, size_t type)>& sink,
                   std::string& problem);

    std::vector<std::string> m_arguments;
    std::istream* m_stdin = nullptr;
    size_t m_keep_limit = k_default_keep_limit;
    bool m_loaded = false;
    std::string m_load_error;                 ///< the first load problem, for list() without load()
    std::vector<IndexedFile> m_files;         ///< every file read, once each, in order
    std::optional<std::string> m_stdin_text;  ///< "-" can be read only once
    size_t m_input_size = 0;                  ///< bytes of text read by load()
    bool m_kept = false;                      ///< m_objects holds every object
    std::vector<ManifestObject> m_objects;
};

}  // namespace kubeproof::k8s
