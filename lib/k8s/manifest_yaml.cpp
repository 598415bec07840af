#include "k8s/manifest_yaml.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "parse/document.hpp"
#include "parse/yaml_fast.hpp"

namespace kubeproof::k8s {

namespace {

using nlohmann::json;

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

/// The template path of Helm's "# Source: chart/templates/x.yaml" comment before a document's
/// content.
std::string helm_source_of(std::string_view document) {
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

/// The apiVersion or kind of a mapping read by parse::read_plain_yaml_document: its text (a string
/// is the scalar as written), "" when absent; nullopt when it is not a string, which the full
/// reader words.
std::optional<std::string> plain_identity_field(const json& object, const char* key) {
    const auto found = object.find(key);
    if (found == object.end()) return std::string();
    if (!found->is_string()) return std::nullopt;
    return found->get<std::string>();
}

/// The string value of a key of a mapping, "" when absent, empty or not a scalar.
std::string scalar_at(const YAML::Node& map, const char* key) {
    const YAML::Node value = map[key];
    return value && value.IsScalar() ? value.Scalar() : std::string();
}

}  // namespace

std::vector<YamlDocument> split_documents(std::string_view text) {
    std::vector<YamlDocument> documents;
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

void YamlDocumentReader::read_document(YamlDocument document) {
    m_first_line = document.first_line;
    if (document.text.size() <= parse::k_count_before_building && read_plain(document)) return;
    auto root = parse(document);
    if (!root || root->IsNull()) return;  // invalid, or an empty or null document
    if (!parse::yaml_values_within(*root))
        return error(place_of(*root), parse::too_many_values(*root, document.text.size()));
    m_helm_source = helm_source_of(document.text);
    read_object(*root, {});
}

bool YamlDocumentReader::read_plain(YamlDocument document) {
    auto plain = parse::read_plain_yaml_document(document.text);
    if (!plain) return false;
    // Only a document without a problem is read here: an object, or a list of objects, each with
    // its apiVersion and kind. Anything else goes to the full reader, which words the problem.
    auto identity_of = [](const json& object, const Identity& defaults) -> std::optional<Identity> {
        auto api_version = plain_identity_field(object, "apiVersion");
        auto kind = plain_identity_field(object, "kind");
        if (!api_version || !kind) return std::nullopt;
        auto found = complete_identity({std::move(*api_version), std::move(*kind)}, defaults);
        if (!found) return std::nullopt;
        return std::move(*found);
    };
    json& root = plain->value;
    const auto identity = identity_of(root, {});
    if (!identity) return false;
    if (!is_list(*identity, root.contains("items"))) {
        m_helm_source = helm_source_of(document.text);
        deliver(std::move(root), *identity, m_first_line + plain->start.line);
        return true;
    }
    json& items = root["items"];
    if (items.is_null()) return true;  // a List without items holds no objects
    if (!items.is_array() || items.size() != plain->item_starts.size()) return false;
    const Identity defaults = item_defaults(*identity);
    std::vector<Identity> identities;
    for (const auto& item : items) {
        auto found = item.is_object() ? identity_of(item, defaults) : std::nullopt;
        if (!found || is_list(*found, item.contains("items"))) return false;
        identities.push_back(std::move(*found));
    }
    m_helm_source = helm_source_of(document.text);
    for (size_t i = 0; i < items.size(); ++i)
        deliver(std::move(items[i]), identities[i], m_first_line + plain->item_starts[i].line);
    return true;
}

std::optional<YAML::Node> YamlDocumentReader::parse(YamlDocument document) {
    // Counted first when large: a list of millions of values would take gigabytes to build.
    if (auto too_large = parse::too_large_yaml(document.text)) {
        error(Place{m_first_line, 1}, *too_large);
        return std::nullopt;
    }
    try {
        return YAML::Load(std::string(document.text));
    } catch (const YAML::Exception& e) {
        const Place place = e.mark.is_null() ? Place{m_first_line, 0}
                                             : Place{m_first_line + e.mark.line, e.mark.column + 1};
        error(place, "invalid YAML: " + e.msg);
        return std::nullopt;
    }
}

void YamlDocumentReader::read_object(const YAML::Node& node, const Identity& defaults) {
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
    deliver(std::move(object), *found, place_of(node).line);
}

void YamlDocumentReader::deliver(json&& object, const Identity& identity, int line) {
    object["apiVersion"] = identity.api_version;
    object["kind"] = identity.kind;
    if (m_identities != nullptr) {
        if (m_kept != nullptr && m_all_kept) {
            try {
                m_kept->push_back({object.dump(), line});
            } catch (const json::type_error&) {  // not UTF-8: read from the YAML again
                m_all_kept = false;
            }
        }
        return m_identities->push_back(identity);
    }
    m_sink(ManifestObject{std::move(object), model::Origin{m_file, line}, m_helm_source});
}

void YamlDocumentReader::read_list(const YAML::Node& node, const Identity& list) {
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

Place YamlDocumentReader::place_of(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) return {m_first_line, 0};
    return {m_first_line + mark.line, mark.column + 1};
}

// The quoted line goes to stderr and CI logs: Diagnostics redacts it (parse::safe_source_line),
// given the whole text so that a PEM block's body or a Secret's data is recognised.
void YamlDocumentReader::error(Place place, std::string message) {
    m_diagnostics.add(m_file, place.line, place.column, std::move(message), m_text);
}

}  // namespace kubeproof::k8s
