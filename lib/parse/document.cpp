#include "parse/document.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <set>
#include <sstream>
#include <unordered_set>

#include <fmt/format.h>

#include "parse/yaml_fast.hpp"
#include "parse/yaml_scalars.hpp"

namespace kubeproof::parse {

namespace {

using nlohmann::json;

constexpr std::string_view k_merge_tag = "tag:yaml.org,2002:merge";

// A scalar as Kubernetes reads it: quoted and !!str scalars are strings, plain ones resolved as
// go-yaml v2 resolves them (yaml_scalars.hpp).
json scalar_to_json(const YAML::Node& node) {
    return resolve_tagged_scalar(node.Scalar(), node.Tag());
}

std::string key_text(const YAML::Node& key) {
    return key.Tag() == "?" ? resolve_plain_key(key.Scalar()) : key.Scalar();
}

// `<<` as a plain key (or tagged !!merge): go-yaml v2 merges the mapping(s) it names.
bool is_merge_key(const YAML::Node& key) {
    return key.IsScalar() && key.Scalar() == "<<" && (key.Tag() == "?" || key.Tag() == k_merge_tag);
}

json convert(const YAML::Node& node, const std::string& path, std::map<std::string, int>* lines);

// Applies one `<<: value` to `out` the way go-yaml v2 does: every key of the merged mapping is
// set, replacing what came before it in the document; of a sequence of mappings, the earlier
// ones win. Anything else is the decoder's error.
void merge_into(json& out, const YAML::Node& value, const std::string& path,
                std::map<std::string, int>* lines) {
    auto merge_one = [&](const YAML::Node& mapping) {
        if (!mapping.IsMap()) {
            throw YAML::ParserException(mapping.Mark(),
                                        "map merge requires map or sequence of maps as the value");
        }
        json merged = convert(mapping, path, lines);
        for (auto& [key, item] : merged.items()) out[key] = std::move(item);
    };
    if (value.IsSequence()) {
        for (size_t i = value.size(); i-- > 0;) merge_one(value[i]);
        return;
    }
    merge_one(value);
}

/// Converts a node; records the line of every value by key path in `lines` unless it is null.
json convert(const YAML::Node& node, const std::string& path, std::map<std::string, int>* lines) {
    if (lines != nullptr && !node.Mark().is_null()) lines->emplace(path, node.Mark().line + 1);
    switch (node.Type()) {
        case YAML::NodeType::Scalar:
            return scalar_to_json(node);
        case YAML::NodeType::Sequence: {
            json out = json::array();
            for (size_t i = 0; i < node.size(); ++i) {
                out.push_back(convert(
                    node[i], lines != nullptr ? fmt::format("{}[{}]", path, i) : std::string(),
                    lines));
            }
            return out;
        }
        case YAML::NodeType::Map: {
            json out = json::object();
            std::set<std::string> keys;  // written in this mapping (a merged key may be replaced)
            for (const auto& entry : node) {
                if (is_merge_key(entry.first)) {
                    merge_into(out, entry.second, path, lines);
                    continue;
                }
                std::string key = key_text(entry.first);
                // Which of two values counts is the reader's choice (the API server and the
                // kubelet's strict decoding refuse the document): judging either could be wrong.
                if (!keys.insert(key).second)
                    throw YAML::ParserException(entry.first.Mark(),
                                                fmt::format("duplicate key \"{}\"", key));
                if (lines == nullptr) {
                    out[key] = convert(entry.second, {}, nullptr);
                    continue;
                }
                std::string child = path.empty() ? key : fmt::format("{}.{}", path, key);
                if (!entry.first.Mark().is_null())
                    (*lines)[child] = entry.first.Mark().line + 1;  // the key's line
                out[key] = convert(entry.second, child, lines);
            }
            return out;
        }
        default:
            return nullptr;
    }
}

struct Step {
    enum Kind { Key, Index, All, Keys } kind;
    std::string key;
    size_t index = 0;
};

size_t index_of(const std::string& text) {
    size_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return static_cast<size_t>(-1);  // selects nothing
        value = value * 10 + static_cast<size_t>(c - '0');
    }
    return value;
}

// The step of `path` at `i` (dots before it skipped), moving `i` past it; nullopt at the end. A
// backslash takes the character after it as it is ("\\." is a dot inside a key: label names).
std::optional<Step> next_step(std::string_view path, size_t& i) {
    while (i < path.size() && path[i] == '.') ++i;
    if (i == path.size()) return std::nullopt;
    if (path[i] == '[') {
        const size_t close = path.find(']', i);
        const std::string inside(path.substr(i + 1, close - i - 1));
        i = close == std::string_view::npos ? path.size() : close + 1;
        if (inside == "*") return Step{Step::All, {}, 0};
        return Step{Step::Index, {}, index_of(inside)};
    }
    std::string key;
    for (; i < path.size() && path[i] != '.' && path[i] != '['; ++i) {
        if (path[i] == '\\' && i + 1 < path.size()) ++i;
        key += path[i];
    }
    if (key == "@keys") return Step{Step::Keys, {}, 0};
    return Step{Step::Key, std::move(key), 0};
}

std::vector<Step> parse_path(std::string_view path) {
    std::vector<Step> steps;
    size_t i = 0;
    while (auto step = next_step(path, i)) steps.push_back(std::move(*step));
    return steps;
}

// Every value `steps[i..]` selects under `node` (at `at`), in document order, with its concrete
// path (unless `paths` is false); the key names of `@keys` are kept in `out.keys`.
void walk(const json& node, const std::string& at, const std::vector<Step>& steps, size_t i,
          SelectionRefs& out, bool paths) {
    if (i == steps.size()) {
        out.values.push_back(&node);
        if (paths) out.paths.push_back(at);
        return;
    }
    const Step& s = steps[i];
    auto prefix = [&](const std::string& key) {
        return !paths ? std::string() : at.empty() ? key : at + "." + key;
    };
    auto indexed = [&](size_t k) { return paths ? fmt::format("{}[{}]", at, k) : std::string(); };
    if (s.kind == Step::Key && node.is_object()) {
        const auto found = node.find(s.key);
        if (found != node.end()) walk(*found, prefix(s.key), steps, i + 1, out, paths);
    } else if (s.kind == Step::Index && node.is_array() && s.index < node.size()) {
        walk(node[s.index], indexed(s.index), steps, i + 1, out, paths);
    } else if (s.kind == Step::All && node.is_array()) {
        for (size_t k = 0; k < node.size(); ++k)
            walk(node[k], indexed(k), steps, i + 1, out, paths);
    } else if (s.kind == Step::Keys && node.is_object()) {
        for (const auto& item : node.items()) {
            out.values.push_back(&out.keys.emplace_back(item.key()));
            if (paths) out.paths.push_back(prefix(item.key()));
        }
    }
}

// yaml-cpp 0.7 (Debian's) never ends a stream that goes on after a complete flow collection with
// a ',' (`{"a": 1},`, a JSON file with a stray comma): each HandleNextDocument() reports another
// empty document starting at that ',' without consuming it, so LoadAll() allocates documents
// until memory runs out. A document that starts where the one before it started is that loop:
// this handler stops the parse there with a syntax error.
class DocumentProgress final : public YAML::EventHandler {
public:
    void OnDocumentStart(const YAML::Mark& mark) override {
        if (m_started && mark.pos == m_last_start)
            throw YAML::ParserException(mark, "unexpected character after the document");
        m_started = true;
        m_last_start = mark.pos;
    }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}

private:
    bool m_started = false;
    int m_last_start = 0;
};

// Reads the stream's events once, without building it: throws YAML::ParserException where it is
// invalid or stops advancing, so that LoadAll() over it ends.
void check_stream_ends(std::string_view text) {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    DocumentProgress progress;
    while (parser.HandleNextDocument(progress)) {
    }
}

}  // namespace

Document parse_document(std::string path, std::string_view text) {
    // The common case, one plain mapping, is read by libyaml (yaml_fast.hpp): several times
    // faster, to the same values and lines; the rest by yaml-cpp.
    if (text.size() <= k_count_before_building) {
        std::map<std::string, int> lines;
        if (auto plain = read_plain_yaml_document(text, &lines)) {
            Document doc;
            doc.path = std::move(path);
            doc.data = std::move(plain->value);
            doc.lines = std::move(lines);
            doc.loaded = true;
            return doc;
        }
    }
    return parse_document_full(std::move(path), text);
}

Document parse_document_full(std::string path, std::string_view text) {
    Document doc;
    doc.path = std::move(path);
    try {
        if (auto too_large = too_large_yaml(text)) {
            doc.error = doc.path + ": " + *too_large;
            return doc;
        }
        check_stream_ends(text);
        std::vector<YAML::Node> all = YAML::LoadAll(std::string(text));
        if (!all.empty() && !yaml_values_within(all.front())) {
            doc.error = doc.path + ": " + too_many_values(all.front(), text.size());
            return doc;
        }
        doc.data = all.empty() ? json::object() : convert(all.front(), "", &doc.lines);
        doc.loaded = true;
    } catch (const YAML::Exception& e) {
        doc.error = fmt::format("{}:{}:{}: invalid YAML/JSON: {}", doc.path, e.mark.line + 1,
                                e.mark.column + 1, e.msg);
    }
    return doc;
}

json yaml_to_json(const YAML::Node& node) { return convert(node, {}, nullptr); }

namespace {

/// Counts `node`'s values against `budget`; false once it is spent.
bool spend(const YAML::Node& node, size_t& budget) {
    if (budget == 0) return false;
    --budget;
    if (node.IsSequence()) {
        for (const auto& item : node) {
            if (!spend(item, budget)) return false;
        }
    } else if (node.IsMap()) {
        for (const auto& entry : node) {
            if (!spend(entry.first, budget) || !spend(entry.second, budget)) return false;
        }
    }
    return true;
}

}  // namespace

bool yaml_values_within(const YAML::Node& node, size_t limit) {
    size_t budget = limit;
    return spend(node, budget);
}

namespace {

/// Whether a collection below `node` is reached twice: an alias shares its anchor's node, and so
/// its mark, while two collections written out never start at the same place. Each collection
/// is entered once, so this costs what the document holds, not what its aliases expand to.
bool reaches_twice(const YAML::Node& node, std::unordered_set<int>& seen) {
    if (!node.IsSequence() && !node.IsMap()) return false;
    if (!seen.insert(node.Mark().pos).second) return true;
    if (node.IsSequence()) {
        for (const auto& item : node) {
            if (reaches_twice(item, seen)) return true;
        }
        return false;
    }
    for (const auto& entry : node) {
        if (reaches_twice(entry.first, seen) || reaches_twice(entry.second, seen)) return true;
    }
    return false;
}

std::string size_text(size_t bytes) {
    if (bytes < (size_t{1} << 20)) return fmt::format("{} bytes", bytes);
    return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / static_cast<double>(1 << 20));
}

/// Counts the values a parser reports (scalars, nulls, aliases, sequences and mappings), and
/// stops the parse by throwing Spent past the limit.
class ValueCounter final : public YAML::EventHandler {
public:
    struct Spent {};
    explicit ValueCounter(size_t limit) : m_left(limit) {}
    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override { count_one(); }
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override { count_one(); }
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  const std::string&) override {
        count_one();
    }
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {
        count_one();
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {
        count_one();
    }
    void OnMapEnd() override {}

private:
    void count_one() {
        if (m_left == 0) throw Spent{};
        --m_left;
    }
    size_t m_left;
};

}  // namespace

std::string too_large_document(size_t bytes) {
    return fmt::format(
        "the document is too large: {} of YAML holding more than {} values, the most kubeproof "
        "reads of one document; it is not read",
        size_text(bytes), k_max_yaml_values);
}

std::string too_many_values(const YAML::Node& node, size_t bytes) {
    std::unordered_set<int> seen;
    if (!reaches_twice(node, seen)) return too_large_document(bytes);
    return fmt::format(
        "the document holds more than {} values once its YAML aliases are expanded; it is not "
        "read",
        k_max_yaml_values);
}

std::optional<std::string> too_large_yaml(std::string_view text) {
    if (text.size() <= k_count_before_building || yaml_text_within(text)) return std::nullopt;
    return too_large_document(text.size());
}

bool yaml_text_within(std::string_view text, size_t limit) {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    ValueCounter counter(limit);
    try {
        while (parser.HandleNextDocument(counter)) {
        }
    } catch (const ValueCounter::Spent&) {
        return false;
    } catch (const YAML::Exception&) {
        return true;  // the parse that builds the document reports it
    }
    return true;
}

namespace {

void merge_value(json& base, const json& over) {
    if (!base.is_object() || !over.is_object()) {
        base = over;
        return;
    }
    for (const auto& [key, value] : over.items()) merge_value(base[key], value);
}

}  // namespace

void merge_document(Document& base, const Document& drop_in) {
    base.merged.push_back(drop_in.path);
    if (!drop_in.loaded) {
        base.loaded = false;
        base.error = drop_in.error;
        return;
    }
    merge_value(base.data, drop_in.data);
    for (const auto& [key_path, line] : drop_in.lines) {
        base.lines[key_path] = line;
        base.files[key_path] = drop_in.path;
    }
}

SelectionRefs select_refs(const json& data, std::string_view key_path, bool with_paths) {
    SelectionRefs out;
    auto steps = parse_path(key_path);
    for (const auto& s : steps)
        out.wildcard = out.wildcard || s.kind == Step::All || s.kind == Step::Keys;
    walk(data, "", steps, 0, out, with_paths);
    return out;
}

std::optional<FirstKey> first_key(std::string_view key_path) {
    size_t i = 0;
    auto step = next_step(key_path, i);
    if (!step || step->kind != Step::Key) return std::nullopt;
    return FirstKey{std::move(step->key), key_path.substr(i)};
}

Selection select(const json& data, std::string_view key_path) {
    SelectionRefs refs = select_refs(data, key_path);
    Selection out;
    out.values.reserve(refs.values.size());
    for (const json* value : refs.values) out.values.push_back(*value);
    out.paths = std::move(refs.paths);
    out.wildcard = refs.wildcard;
    return out;
}

std::string scalar_text(const json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
    if (value.is_null()) return "";
    if (value.is_array()) {
        std::vector<std::string> parts;
        for (const auto& item : value) parts.push_back(scalar_text(item));
        return fmt::format("{}", fmt::join(parts, ","));
    }
    return value.dump();
}

}  // namespace kubeproof::parse
