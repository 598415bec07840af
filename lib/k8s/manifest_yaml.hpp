#pragma once

// YAML manifests: a stream split into documents without a parser, and the reader that checks each
// document and delivers its objects (or, while indexing, only names them).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "k8s/manifest_identity.hpp"
#include "parse/diagnostics.hpp"

namespace kubeproof::k8s {

/// One YAML document of a stream: its text and the 1-based line it starts on.
struct YamlDocument {
    std::string_view text;
    int first_line = 1;
};

/// Splits a YAML stream before its "---" lines and after its "..." lines. A document marker at
/// column 0 can never be content (YAML 1.2 forbids it inside scalars), so no parser is needed;
/// directive lines ("%YAML 1.2") just before a "---" stay with the document they introduce.
std::vector<YamlDocument> split_documents(std::string_view text);

/// Reads YAML documents of one manifest input and delivers their objects: empty and null
/// documents are skipped, the items of a List expanded, each object at its own line with the Helm
/// template its document came from. Documents and items that are not Kubernetes objects, and
/// invalid YAML, become diagnostics `file:line:col: message`.
class YamlDocumentReader {
public:
    /// Over `text`, the input's text that documents' lines count in and messages quote, named
    /// `file`. With `identities`, objects are only checked and their apiVersion and kind
    /// collected, nothing is delivered; with `kept` as well, each object's JSON text and line are
    /// kept beside its identity (a KeptObject each, in the same order).
    YamlDocumentReader(std::string_view text, const std::string& file, const ManifestSink& sink,
                       parse::Diagnostics& diagnostics, std::vector<Identity>* identities = nullptr,
                       std::vector<KeptObject>* kept = nullptr)
        : m_text(text),
          m_file(file),
          m_sink(sink),
          m_diagnostics(diagnostics),
          m_identities(identities),
          m_kept(kept) {}

    /// Reads one document of the text.
    void read_document(YamlDocument document);
    /// Whether every object read so far could be kept: false once one could not be written as
    /// JSON text (a string that is not valid UTF-8); the caller then reads the document again.
    bool all_kept() const { return m_all_kept; }
    /// The template path of Helm's "# Source:" comment of the last document read, or "".
    const std::string& helm_source() const { return m_helm_source; }

private:
    /// Reads a document through parse::read_plain_yaml_document when it is an object or a list of
    /// objects without any problem; false (having done nothing) when the full reader must.
    bool read_plain(YamlDocument document);
    std::optional<YAML::Node> parse(YamlDocument document);
    /// Hands over (or, indexing, records) one object, at its 1-based line.
    void deliver(nlohmann::json&& object, const Identity& identity, int line);
    void read_object(const YAML::Node& node, const Identity& defaults);
    void read_list(const YAML::Node& node, const Identity& list);
    Place place_of(const YAML::Node& node) const;
    void error(Place place, std::string message);

    std::string_view m_text;
    const std::string& m_file;
    ManifestSink m_sink;  // a copy: callers pass lambdas
    parse::Diagnostics& m_diagnostics;
    std::vector<Identity>* m_identities = nullptr;
    std::vector<KeptObject>* m_kept = nullptr;
    bool m_all_kept = true;
    int m_first_line = 1;  ///< of the document being read
    std::string m_helm_source;
};

}  // namespace kubeproof::k8s
