#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "k8s/manifest_identity.hpp"
#include "k8s/object_source.hpp"
#include "parse/diagnostics.hpp"

namespace kubeproof::k8s {

class KeepBudget;

/// How many bytes of YAML objects converted to JSON text a scan keeps in memory after reading its
/// manifests once (KeepBudget): each YAML document is parsed once while this lasts, and again
/// when read back after it. JSON inputs are never kept (they are read back cheaply by SAX).
inline constexpr size_t k_manifest_keep_bytes = size_t{64} << 20U;

/// Parses the text of one manifest file and streams its objects: multi-document YAML one document
/// at a time (empty and null documents skipped), or JSON (one value or several in a row) with a
/// List's items parsed one at a time. The items of `kind: List` and `kind: <Kind>List` are
/// expanded, each at its own line; a typed list's items get its apiVersion and kind when they lack
/// them. Documents that are not Kubernetes objects and invalid YAML/JSON become diagnostics
/// `file:line:col: message`; the other documents are still delivered. Returns the number of
/// objects delivered. The same index and reader as ManifestSource, over text in memory.
size_t for_each_object(std::string_view text, const std::string& file, const ManifestSink& sink,
                       parse::Diagnostics& diagnostics);

/// Kubernetes objects from local manifest files (the --manifests arguments: FILE, DIR or "-").
///
/// load() opens and indexes every input once, one at a time (ManifestIndex: where each object of
/// a JSON input is and what it is, which kinds each YAML document holds). list() and list_all()
/// read back (ManifestReader) only the objects (JSON) or documents (YAML) of the types asked for,
/// piece by piece, so memory holds one object at a time rather than a file; a file that changed
/// since load() makes the outcomes Failed rather than mixing two versions.
class ManifestSource final : public ObjectSource {
public:
    /// Over the arguments in the given order; "-" reads `stdin_stream` (std::cin when null).
    explicit ManifestSource(std::vector<std::string> arguments,
                            std::istream* stdin_stream = nullptr);
    ~ManifestSource() override;

    /// Reads and checks every input (a path named twice once), several at a time on the machine's
    /// cores; records every problem (unreadable path, invalid YAML/JSON, a document that is not an
    /// object, no objects at all) in the order of the inputs and returns false if there was any.
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

    /// An input load() read and how many objects it holds.
    struct InputSummary {
        std::string name;  ///< as objects' origins name it ("<stdin>" for standard input)
        size_t objects = 0;
    };
    /// Every input load() read, in order.
    std::vector<InputSummary> summary() const;

private:
    struct IndexedInput;
    /// Opens and indexes one input; nullopt (with the reason in `diagnostics`) if it cannot be
    /// read.
    std::optional<IndexedInput> load_input(const std::string& path, KeepBudget& keep,
                                           parse::Diagnostics& diagnostics);
    /// A diagnostic for standard input without objects, and for input without any object at all.
    void report_empty_input(parse::Diagnostics& diagnostics) const;
    /// Reads back the objects of one stage's types from every input, counting them in `outcomes`
    /// (one per type of the stage); a failure fails the whole stage.
    void list_stage(const std::vector<model::ResourceType>& stage, const ObjectSink& sink,
                    std::span<model::ListOutcome> outcomes);

    std::vector<std::string> m_arguments;
    std::istream* m_stdin = nullptr;
    bool m_loaded = false;
    std::string m_load_error;            ///< the first load problem, for list() without load()
    std::vector<IndexedInput> m_inputs;  ///< every input read, once each, in order
};

}  // namespace kubeproof::k8s
