#include "k8s/manifests.hpp"

#include <algorithm>
#include <iostream>
#include <optional>
#include <set>
#include <utility>

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include "k8s/manifest_identity.hpp"
#include "k8s/manifest_json.hpp"
#include "k8s/object_builder.hpp"
#include "local/manifest_files.hpp"
#include "parse/document.hpp"
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
    /// With `identities`, objects are only checked and their apiVersion and kind collected; nothing
    /// is built or delivered.
    FileReader(std::string_view text, const std::string& file, const ManifestSink& sink,
               parse::Diagnostics& diagnostics, std::vector<Identity>* identities = nullptr)
        : m_text(text),
          m_file(file),
          m_sink(sink),
          m_diagnostics(diagnostics),
          m_identities(identities) {}

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
    ManifestSink m_sink;  // a copy: callers pass lambdas
    parse::Diagnostics& m_diagnostics;
    std::vector<Identity>* m_identities = nullptr;
    int m_first_line = 1;  ///< of the document being read
    std::string m_helm_source;
    size_t m_count = 0;
};

void FileReader::read_document(DocumentText document) {
    m_first_line = document.first_line;
    auto root = parse(document);
    if (!root || root->IsNull()) return;  // invalid, or an empty or null document
    if (!parse::yaml_values_within(*root)) {
        return error(place_of(*root),
                     fmt::format("the document holds more than {} values once its YAML aliases are "
                                 "expanded; it is not read",
                                 parse::k_max_yaml_values));
    }
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
    json object;
    try {
        object =
            parse::yaml_to_json(node);  // also when only indexing: a bad merge key is an error now
    } catch (const YAML::Exception& e) {
        const Place place = e.mark.is_null() ? place_of(node)
                                             : Place{m_first_line + e.mark.line, e.mark.column + 1};
        return error(place, "invalid YAML: " + e.msg);
    }
    ++m_count;
    if (m_identities != nullptr) return m_identities->push_back(std::move(*found));
    object["apiVersion"] = found->api_version;
    object["kind"] = found->kind;
    m_sink(ManifestObject{std::move(object), model::Origin{m_file, place_of(node).line},
                          m_helm_source});
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
                       parse::Diagnostics& diagnostics) {
    if (!is_json_text(text)) {
        FileReader reader(text, file, sink, diagnostics);
        for (const DocumentText& document : split_documents(text)) reader.read_document(document);
        return reader.count();
    }
    size_t count = 0;
    for (const auto& span : index_json_objects(text, file, diagnostics)) {
        auto object = build_json_object(text.substr(span.offset, span.length), span.identity, {});
        if (!object) continue;  // indexing checked it: cannot happen
        sink(ManifestObject{std::move(*object), model::Origin{file, span.line}, {}});
        ++count;
    }
    return count;
}

std::string_view api_group(std::string_view api_version) {
    const size_t slash = api_version.find('/');
    return slash == std::string_view::npos ? std::string_view() : api_version.substr(0, slash);
}

bool is_of_type(const Identity& identity, const model::ResourceType& type) {
    if (identity.kind != type.kind) return false;
    const std::string_view group = api_group(identity.api_version);
    if (group == type.group) return true;
    return group == "extensions" &&
           std::any_of(std::begin(k_extensions_aliases), std::end(k_extensions_aliases),
                       [&](const auto& alias) {
                           return alias.first == type.kind && alias.second == type.group;
                       });
}

bool is_of_type(const json& object, const model::ResourceType& type) {
    const auto kind = object.find("kind");
    const auto api_version = object.find("apiVersion");
    if (kind == object.end() || api_version == object.end() || !kind->is_string() ||
        !api_version->is_string()) {
        return false;
    }
    return is_of_type(Identity{api_version->get<std::string>(), kind->get<std::string>()}, type);
}

/// One file as load() indexed it.
struct ManifestSource::IndexedFile {
    /// A JSON object, or a YAML document with the objects it holds.
    struct Unit {
        size_t offset = 0;
        size_t length = 0;
        int line = 1;
        std::vector<Identity> identities;
    };
    std::string path;  ///< as expanded; "-" for standard input
    std::string name;  ///< as objects' origins name it
    bool json = false;
    local::ManifestFile::Stamp stamp;
    std::vector<Unit> units;
};

ManifestSource::ManifestSource(std::vector<std::string> arguments, std::istream* stdin_stream,
                               size_t keep_limit)
    : m_arguments(std::move(arguments)),
      m_stdin(stdin_stream != nullptr ? stdin_stream : &std::cin),
      m_keep_limit(keep_limit) {}

ManifestSource::~ManifestSource() = default;

bool ManifestSource::load(parse::Diagnostics& diagnostics) {
    const size_t before = diagnostics.size();
    m_objects.clear();
    m_files.clear();
    m_input_size = 0;
    m_kept = false;
    std::set<std::string> seen;
    for (const auto& argument : m_arguments) {
        auto files = local::expand_manifest_path(argument);
        if (!files) {
            diagnostics.add(argument, 0, 0, util::reason_of(files.error().message));
            continue;
        }
        for (const auto& path : *files) {
            if (seen.insert(path).second) load_file(path, diagnostics);
        }
    }
    if (diagnostics.size() == before) report_empty_input(diagnostics);
    if (diagnostics.size() == before && m_input_size <= m_keep_limit) {
        for (const auto& file : m_files) {
            std::string problem;
            if (!read_back(
                    file, nullptr,
                    [this](ManifestObject&& object, size_t) {
                        m_objects.push_back(std::move(object));
                    },
                    problem))
                diagnostics.add(file.name, 0, 0, problem);
        }
        m_stdin_text.reset();  // the kept objects are used instead
        m_kept = true;
    }
    m_loaded = true;
    m_load_error =
        diagnostics.size() > before ? parse::format_location(diagnostics.items()[before]) : "";
    return diagnostics.size() == before;
}

namespace {

size_t objects_in(const std::vector<ManifestSource::IndexedFileSummary>& files) {
    size_t total = 0;
    for (const auto& f : files) total += f.objects;
    return total;
}

}  // namespace

std::vector<ManifestSource::IndexedFileSummary> ManifestSource::summary() const {
    std::vector<IndexedFileSummary> out;
    for (const auto& file : m_files) {
        size_t objects = 0;
        for (const auto& unit : file.units) objects += unit.identities.size();
        out.push_back({file.name, objects});
    }
    return out;
}

void ManifestSource::report_empty_input(parse::Diagnostics& diagnostics) const {
    // Empty input is what a failed `helm template ... |` or a wrong path looks like: it must never
    // read as a clean cluster.
    const auto files = summary();
    const size_t before = diagnostics.size();
    for (const auto& file : files) {
        if (file.name == local::k_stdin_name && file.objects == 0) {
            diagnostics.add(file.name, 0, 0,
                            "standard input holds no Kubernetes objects (did the command before "
                            "the pipe fail?)");
        }
    }
    if (diagnostics.size() == before && objects_in(files) == 0) {
        diagnostics.add(fmt::format("{}", fmt::join(m_arguments, ", ")), 0, 0,
                        files.empty()
                            ? "no manifest files (.yaml, .yml, .json) were found"
                            : fmt::format("no Kubernetes objects in the {} manifest file{} read",
                                          files.size(), files.size() == 1 ? "" : "s"));
    }
}

void ManifestSource::load_file(const std::string& path, parse::Diagnostics& diagnostics) {
    const bool is_stdin = path == local::k_stdin_argument;
    IndexedFile indexed{path, is_stdin ? std::string(local::k_stdin_name) : path, false, {}, {}};
    std::vector<JsonObjectSpan> spans;
    std::string text;  // a YAML file's, while it is indexed
    if (is_stdin) {
        auto read = local::read_manifest_file(path, *m_stdin);
        if (!read)
            return diagnostics.add(indexed.name, 0, 0, util::reason_of(read.error().message));
        m_stdin_text = std::move(*read);
        m_input_size += m_stdin_text->size();
        indexed.json = is_json_text(*m_stdin_text);
        if (indexed.json) spans = index_json_objects(*m_stdin_text, indexed.name, diagnostics);
    } else {
        auto file = local::ManifestFile::open(path);
        if (!file) return diagnostics.add(path, 0, 0, util::reason_of(file.error().message));
        indexed.stamp = file->stamp();
        m_input_size += static_cast<size_t>(indexed.stamp.size);
        indexed.json = is_json_file(*file);
        if (indexed.json) {  // read a block at a time: a JSON dump of a cluster can be any size
            spans = index_json_file(*file, indexed.name, diagnostics);
        } else {
            auto read = file->read_all();
            if (!read) return diagnostics.add(path, 0, 0, util::reason_of(read.error().message));
            text = std::move(*read);
        }
    }
    for (auto& span : spans)
        indexed.units.push_back({span.offset, span.length, span.line, {std::move(span.identity)}});
    if (!indexed.json) {
        const std::string_view view =
            is_stdin ? std::string_view(*m_stdin_text) : std::string_view(text);
        for (const DocumentText& document : split_documents(view)) {
            IndexedFile::Unit unit{static_cast<size_t>(document.text.data() - view.data()),
                                   document.text.size(),
                                   document.first_line,
                                   {}};
            FileReader reader(view, indexed.name, {}, diagnostics, &unit.identities);
            reader.read_document(document);
            if (!unit.identities.empty()) indexed.units.push_back(std::move(unit));
        }
    }
    m_files.push_back(std::move(indexed));
}

bool ManifestSource::read_back(const IndexedFile& file,
                               const std::vector<model::ResourceType>* types,
                               const std::function<void(ManifestObject&&, size_t)>& sink,
                               std::string& problem) {
    // The first of `types` an identity is of (0 when every type is wanted), or none.
    auto type_of = [&](const Identity& identity) -> std::optional<size_t> {
        if (types == nullptr) return 0;
        for (size_t i = 0; i < types->size(); ++i) {
            if (is_of_type(identity, (*types)[i])) return i;
        }
        return std::nullopt;
    };
    auto wanted = [&](const IndexedFile::Unit& unit) {
        return std::any_of(unit.identities.begin(), unit.identities.end(),
                           [&](const Identity& identity) { return type_of(identity).has_value(); });
    };
    if (std::none_of(file.units.begin(), file.units.end(), wanted)) return true;
    const bool is_stdin = file.path == local::k_stdin_argument;
    std::optional<local::ManifestFile> opened;
    if (!is_stdin) {
        auto reopened = local::ManifestFile::open(file.path);
        if (!reopened) {
            problem = reopened.error().message;
            return false;
        }
        opened = std::move(*reopened);
    }
    const std::string changed = file.name + " changed while it was being scanned; scan it again";
    if (opened && !(opened->stamp() == file.stamp)) {
        problem = changed;
        return false;
    }
    for (const auto& unit : file.units) {
        if (!wanted(unit)) continue;
        std::string_view text;
        if (is_stdin) {
            text = std::string_view(*m_stdin_text).substr(unit.offset, unit.length);
        } else {
            auto piece = opened->read(unit.offset, unit.length);
            if (!piece) {
                problem = piece.error().message;
                return false;
            }
            text = *piece;
        }
        if (file.json) {
            const Identity& identity = unit.identities.front();
            const size_t type = *type_of(identity);
            auto object = build_json_object(
                text, identity,
                types != nullptr ? (*types)[type].ignored_fields : std::vector<std::string>());
            if (!object) {
                problem = changed;
                return false;
            }
            sink(ManifestObject{std::move(*object), model::Origin{file.name, unit.line}, {}}, type);
            continue;
        }
        parse::Diagnostics ignored;  // load() reported them
        FileReader reader(
            text, file.name,
            [&](ManifestObject&& object) {
                const Identity identity{object.object["apiVersion"].get<std::string>(),
                                        object.object["kind"].get<std::string>()};
                if (const auto type = type_of(identity)) sink(std::move(object), *type);
            },
            ignored);
        reader.read_document({text, unit.line});
    }
    return true;
}

model::ListOutcome ManifestSource::list(const model::ResourceType& type, const ObjectSink& sink) {
    return list_all({{type}}, sink).front();
}

std::vector<model::ListOutcome> ManifestSource::list_all(
    const std::vector<std::vector<model::ResourceType>>& stages, const ObjectSink& sink) {
    if (!m_loaded) {
        parse::Diagnostics ignored;  // the first problem is kept in m_load_error
        load(ignored);
    }
    std::vector<model::ListOutcome> outcomes;
    for (const auto& stage : stages) {
        for (const auto& type : stage) {
            model::ListOutcome outcome;
            outcome.type = type.name();
            outcomes.push_back(std::move(outcome));
        }
    }
    if (!m_load_error.empty()) {
        for (auto& outcome : outcomes) {
            outcome.kind = model::ListOutcome::Kind::Failed;
            outcome.message = "read manifests: " + m_load_error;
        }
        return outcomes;
    }
    static const std::vector<IndexedFile> k_none;  // read back nothing when the objects were kept
    size_t first = 0;
    for (const auto& stage : stages) {
        auto deliver = [&](ManifestObject&& item, size_t type) {
            const std::string& scope = stage[type].in_namespace;
            if (!scope.empty() &&
                item.object.value("/metadata/namespace"_json_pointer, std::string()) != scope)
                return;
            sink(std::move(item.object), item.origin);
            ++outcomes[first + type].count;
        };
        for (const auto& item : m_objects) {
            for (size_t i = 0; i < stage.size(); ++i) {
                if (is_of_type(item.object, stage[i])) {
                    deliver(ManifestObject(item), i);
                    break;
                }
            }
        }
        for (const auto& file : m_kept ? k_none : m_files) {
            std::string problem;
            if (read_back(file, &stage, deliver, problem)) continue;
            for (size_t i = 0; i < stage.size(); ++i) {
                outcomes[first + i].kind = model::ListOutcome::Kind::Failed;
                outcomes[first + i].message = "read manifests: " + problem;
            }
            break;
        }
        first += stage.size();
    }
    return outcomes;
}

std::string ManifestSource::describe() const {
    return fmt::format("manifests {}", fmt::join(m_arguments, ", "));
}

}  // namespace kubeproof::k8s
