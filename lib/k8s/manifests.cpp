#include "k8s/manifests.hpp"

#include <algorithm>
#include <iostream>
#include <optional>
#include <set>
#include <utility>

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include "facts/document.hpp"
#include "host/manifest_files.hpp"
#include "k8s/manifest_identity.hpp"
#include "k8s/manifest_json.hpp"
#include "util/text.hpp"

namespace kubeproof::k8s {

namespace {

using nlohmann::json;

/// One YAML document of a stream: its text and the 1-based line it starts on.
struct DocumentText {
    std::string_view text;
    int first_line = 1;
};

/// Kinds the API server also served under the legacy group "extensions", and their current group.
constexpr std::pair<std::string_view, std::string_view> k_extensions_aliases[] = {
    {"Deployment", "apps"},
    {"DaemonSet", "apps"},
    {"ReplicaSet", "apps"},
    {"Ingress", "networking.k8s.io"},
    {"NetworkPolicy", "networking.k8s.io"},
};

constexpr std::string_view k_helm_source_prefix = "# Source: ";

std::string_view without_cr(std::string_view line) {
    return line.ends_with('\r') ? line.substr(0, line.size() - 1) : line;
}

/// Whether `line` is a document marker ("---" or "...") followed by nothing, a space or a tab.
bool is_marker(std::string_view line, std::string_view marker) {
    line = without_cr(line);
    return line.starts_with(marker) && (line.size() == 3 || line[3] == ' ' || line[3] == '\t');
}

bool is_blank_or_comment(std::string_view line) {
    const size_t first = line.find_first_not_of(" \t\r");
    return first == std::string_view::npos || line[first] == '#';
}

/// Splits a YAML stream before its "---" lines and after its "..." lines. A document marker at
/// column 0 can never be content (YAML 1.2 forbids it inside scalars), so no parser is needed;
/// directive lines ("%YAML 1.2") just before a "---" stay with the document they introduce.
std::vector<DocumentText> split_documents(std::string_view text) {
    std::vector<DocumentText> documents;
    size_t start = 0;
    int start_line = 1;
    std::optional<std::pair<size_t, int>> directives;  // where the directives before a marker begin
    int line = 1;
    for (size_t at = 0; at < text.size(); ++line) {
        const size_t end = std::min(text.find('\n', at), text.size());
        const std::string_view current = text.substr(at, end - at);
        if (current.starts_with('%')) {
            if (!directives) directives = std::pair{at, line};
        } else if (is_marker(current, "---")) {
            const auto [cut, cut_line] = directives.value_or(std::pair{at, line});
            if (cut > start) documents.push_back({text.substr(start, cut - start), start_line});
            start = cut;
            start_line = cut_line;
            directives.reset();
        } else if (is_marker(current,
                             "...")) {  // the end of a document: what follows is another one
            documents.push_back(
                {text.substr(start, std::min(end + 1, text.size()) - start), start_line});
            start = std::min(end + 1, text.size());
            start_line = line + 1;
            directives.reset();
        } else if (!is_blank_or_comment(current)) {
            directives.reset();
        }
        at = end + 1;
    }
    if (start < text.size()) documents.push_back({text.substr(start), start_line});
    return documents;
}

/// The template path of Helm's "# Source: chart/templates/x.yaml" comment before a document's
/// content.
std::string helm_source(std::string_view document) {
    for (size_t at = 0; at < document.size();) {
        const size_t end = std::min(document.find('\n', at), document.size());
        const std::string_view line = without_cr(document.substr(at, end - at));
        if (line.starts_with(k_helm_source_prefix))
            return std::string(line.substr(k_helm_source_prefix.size()));
        if (!is_marker(line, "---") && !is_blank_or_comment(line)) break;
        at = end + 1;
    }
    return {};
}

std::string_view type_name(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Sequence:
            return "a sequence";
        case YAML::NodeType::Scalar:
            return "a scalar";
        case YAML::NodeType::Map:
            return "a mapping";
        default:
            return "nothing";
    }
}

/// The string value of a key of a mapping, "" when absent, empty or not a scalar.
std::string scalar_at(const YAML::Node& map, const char* key) {
    const YAML::Node value = map[key];
    return value && value.IsScalar() ? value.Scalar() : std::string();
}

/// Reads the documents of one file and delivers its objects.
class FileReader {
public:
    FileReader(std::string_view text, const std::string& file, const ManifestSink& sink,
               loader::Diagnostics& diagnostics)
        : m_text(text), m_file(file), m_sink(sink), m_diagnostics(diagnostics) {}

    void read_document(DocumentText document);
    size_t count() const { return m_count; }

private:
    std::optional<YAML::Node> parse(DocumentText document);
    void read_object(const YAML::Node& node, const Identity& defaults);
    void read_list(const YAML::Node& node, const Identity& list);
    Place place_of(const YAML::Node& node) const;
    void error(Place place, std::string message);

    std::string_view m_text;
    const std::string& m_file;
    const ManifestSink& m_sink;
    loader::Diagnostics& m_diagnostics;
    int m_first_line = 1;  ///< of the document being read
    std::string m_helm_source;
    size_t m_count = 0;
};

void FileReader::read_document(DocumentText document) {
    m_first_line = document.first_line;
    auto root = parse(document);
    if (!root || root->IsNull()) return;  // invalid, or an empty or null document
    m_helm_source = helm_source(document.text);
    read_object(*root, {});
}

std::optional<YAML::Node> FileReader::parse(DocumentText document) {
    try {
        return YAML::Load(std::string(document.text));
    } catch (const YAML::Exception& e) {
        const Place place = e.mark.is_null() ? Place{m_first_line, 0}
                                             : Place{m_first_line + e.mark.line, e.mark.column + 1};
        error(place, "invalid YAML: " + e.msg);
        return std::nullopt;
    }
}

void FileReader::read_object(const YAML::Node& node, const Identity& defaults) {
    if (!node.IsMap()) {
        error(place_of(node), fmt::format("not a Kubernetes object: expected a mapping, found {}",
                                          type_name(node)));
        return;
    }
    auto found =
        complete_identity({scalar_at(node, "apiVersion"), scalar_at(node, "kind")}, defaults);
    if (!found) return error(place_of(node), found.error());
    if (is_list(*found, static_cast<bool>(node["items"]))) return read_list(node, *found);
    json object = facts::yaml_to_json(node);
    object["apiVersion"] = found->api_version;
    object["kind"] = found->kind;
    m_sink(ManifestObject{std::move(object), Origin{m_file, place_of(node).line}, m_helm_source});
    ++m_count;
}

void FileReader::read_list(const YAML::Node& node, const Identity& list) {
    const YAML::Node items = node["items"];
    if (!items || items.IsNull()) return;
    if (!items.IsSequence()) {
        error(place_of(items), fmt::format("\"items\" of a {} must be a sequence, found {}",
                                           list.kind, type_name(items)));
        return;
    }
    const Identity defaults = item_defaults(list);
    for (const auto& item : items) read_object(item, defaults);
}

Place FileReader::place_of(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) return {m_first_line, 0};
    return {m_first_line + mark.line, mark.column + 1};
}

void FileReader::error(Place place, std::string message) {
    m_diagnostics.add(m_file, place.line, place.column, std::move(message), m_text);
}

}  // namespace

size_t for_each_object(std::string_view text, const std::string& file, const ManifestSink& sink,
                       loader::Diagnostics& diagnostics) {
    if (is_json_text(text)) return for_each_json_object(text, file, sink, diagnostics);
    FileReader reader(text, file, sink, diagnostics);
    for (const DocumentText& document : split_documents(text)) reader.read_document(document);
    return reader.count();
}

std::string_view api_group(std::string_view api_version) {
    const size_t slash = api_version.find('/');
    return slash == std::string_view::npos ? std::string_view() : api_version.substr(0, slash);
}

bool is_of_type(const json& object, const ResourceType& type) {
    const auto kind = object.find("kind");
    const auto api_version = object.find("apiVersion");
    if (kind == object.end() || api_version == object.end() || !kind->is_string() ||
        !api_version->is_string()) {
        return false;
    }
    if (kind->get_ref<const std::string&>() != type.kind) return false;
    const std::string_view group = api_group(api_version->get_ref<const std::string&>());
    if (group == type.group) return true;
    return group == "extensions" &&
           std::any_of(std::begin(k_extensions_aliases), std::end(k_extensions_aliases),
                       [&](const auto& alias) {
                           return alias.first == type.kind && alias.second == type.group;
                       });
}

ManifestSource::ManifestSource(std::vector<std::string> arguments, std::istream* stdin_stream,
                               size_t keep_limit)
    : m_arguments(std::move(arguments)),
      m_stdin(stdin_stream != nullptr ? stdin_stream : &std::cin),
      m_keep_limit(keep_limit) {}

bool ManifestSource::load(loader::Diagnostics& diagnostics) {
    const size_t before = diagnostics.size();
    m_objects.clear();
    m_files.clear();
    m_input_size = 0;
    std::set<std::string> seen;
    for (const auto& argument : m_arguments) {
        auto files = host::expand_manifest_path(argument);
        if (!files) {
            diagnostics.add(argument, 0, 0, util::reason_of(files.error().message));
            continue;
        }
        for (const auto& path : *files) {
            if (seen.insert(path).second) load_file(path, diagnostics);
        }
    }
    if (m_input_size <= m_keep_limit) m_stdin_text.reset();  // the kept objects are used instead
    m_loaded = true;
    m_load_error =
        diagnostics.size() > before ? loader::format_location(diagnostics.items()[before]) : "";
    return diagnostics.size() == before;
}

void ManifestSource::load_file(const std::string& path, loader::Diagnostics& diagnostics) {
    m_files.push_back(path);
    auto text = read_text(path, diagnostics);
    if (!text) return;
    m_input_size += text->size();
    if (m_input_size > m_keep_limit) std::vector<ManifestObject>().swap(m_objects);
    const std::string file =
        path == host::k_stdin_argument ? std::string(host::k_stdin_name) : path;
    for_each_object(
        *text, file,
        [this](ManifestObject&& object) {
            if (m_input_size <= m_keep_limit) m_objects.push_back(std::move(object));
        },
        diagnostics);
}

std::optional<std::string> ManifestSource::read_text(const std::string& path,
                                                     loader::Diagnostics& diagnostics) {
    const bool is_stdin = path == host::k_stdin_argument;
    if (is_stdin && m_stdin_text) return m_stdin_text;
    auto text = host::read_manifest_file(path, *m_stdin);
    if (!text) {
        diagnostics.add(is_stdin ? std::string(host::k_stdin_name) : path, 0, 0,
                        util::reason_of(text.error().message));
        return std::nullopt;
    }
    if (is_stdin) m_stdin_text = *text;
    return std::move(*text);
}

void ManifestSource::for_each_kept_or_read(const ManifestSink& sink) {
    if (m_input_size <= m_keep_limit) {
        for (const auto& item : m_objects) sink(ManifestObject(item));
        return;
    }
    for (const auto& path : m_files) {
        loader::Diagnostics ignored;  // load() reported them
        const std::string file =
            path == host::k_stdin_argument ? std::string(host::k_stdin_name) : path;
        if (auto text = read_text(path, ignored)) for_each_object(*text, file, sink, ignored);
    }
}

ListOutcome ManifestSource::list(const ResourceType& type, const ObjectSink& sink) {
    return list_all({{type}}, sink).front();
}

std::vector<ListOutcome> ManifestSource::list_all(
    const std::vector<std::vector<ResourceType>>& stages, const ObjectSink& sink) {
    if (!m_loaded) {
        loader::Diagnostics ignored;  // the first problem is kept in m_load_error
        load(ignored);
    }
    std::vector<ListOutcome> outcomes;
    for (const auto& stage : stages) outcomes.resize(outcomes.size() + stage.size());
    if (!m_load_error.empty()) {
        for (auto& outcome : outcomes) {
            outcome.kind = ListOutcome::Kind::Failed;
            outcome.message = "read manifests: " + m_load_error;
        }
        return outcomes;
    }
    size_t first = 0;
    for (const auto& stage : stages) {
        for_each_kept_or_read([&](ManifestObject&& item) {
            for (size_t i = 0; i < stage.size(); ++i) {
                if (!is_of_type(item.object, stage[i])) continue;
                sink(std::move(item.object), item.origin);
                ++outcomes[first + i].count;
                return;
            }
        });
        first += stage.size();
    }
    return outcomes;
}

std::string ManifestSource::describe() const {
    return fmt::format("manifests {}", fmt::join(m_arguments, ", "));
}

}  // namespace kubeproof::k8s
