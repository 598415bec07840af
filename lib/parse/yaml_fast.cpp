#include "parse/yaml_fast.hpp"

#include <yaml.h>

#include <string>
#include <utility>

#include "parse/document.hpp"
#include "parse/yaml_scalars.hpp"

namespace kubeproof::parse {

namespace {

using nlohmann::json;

constexpr size_t k_plain_max_depth = 256;

/// Owns a libyaml parser over text in memory.
class EventParser {
public:
    explicit EventParser(std::string_view text) {
        m_ready = yaml_parser_initialize(&m_parser) != 0;
        if (m_ready) {
            // libyaml reads the input without writing it; its API takes a non-const pointer.
            yaml_parser_set_input_string(
                &m_parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
        }
    }
    ~EventParser() {
        if (m_has_event) yaml_event_delete(&m_event);
        if (m_ready) yaml_parser_delete(&m_parser);
    }
    EventParser(const EventParser&) = delete;
    EventParser& operator=(const EventParser&) = delete;

    /// The next event, or nullptr on invalid YAML.
    const yaml_event_t* next() {
        if (m_has_event) yaml_event_delete(&m_event);
        m_has_event = m_ready && yaml_parser_parse(&m_parser, &m_event) != 0;
        return m_has_event ? &m_event : nullptr;
    }

private:
    yaml_parser_t m_parser{};
    yaml_event_t m_event{};
    bool m_ready = false;
    bool m_has_event = false;
};

std::string_view tag_of(const unsigned char* tag) {
    return tag == nullptr ? std::string_view() : reinterpret_cast<const char*>(tag);
}

/// A scalar's text, tag and whether it is plain (the non-specific tag "?" of yaml-cpp).
struct ScalarEvent {
    std::string_view text;
    std::string_view tag;
    bool plain = false;
};

ScalarEvent scalar_of(const yaml_event_t& event) {
    const auto& scalar = event.data.scalar;
    return {std::string_view(reinterpret_cast<const char*>(scalar.value), scalar.length),
            tag_of(scalar.tag), scalar.style == YAML_PLAIN_SCALAR_STYLE};
}

/// The scalar's value by the rule yaml-cpp's reader uses (resolve_tagged_scalar), with the tag
/// yaml-cpp would report: "?" for an untagged plain scalar, "!" for an untagged quoted or block
/// one.
json fast_scalar_value(const ScalarEvent& scalar) {
    if (scalar.tag.empty()) return resolve_tagged_scalar(scalar.text, scalar.plain ? "?" : "!");
    return resolve_tagged_scalar(scalar.text, scalar.tag);
}

/// A collection being read.
struct Frame {
    json value;
    std::string key;  ///< of a mapping: the key read, waiting for its value
    bool has_key = false;
    bool items = false;  ///< the root mapping's "items" sequence
    std::string path;    ///< its key path, when lines are recorded
    int key_line = 0;    ///< 1-based line of `key`
};

}  // namespace

std::optional<PlainYamlDocument> read_plain_yaml_document(std::string_view text,
                                                          std::map<std::string, int>* lines) {
    EventParser parser(text);
    PlainYamlDocument document;
    std::map<std::string, int> found_lines;  // moved to `lines` only when the document is read
    std::vector<Frame> stack;
    std::optional<json> root;
    int documents = 0;
    size_t values = 0;

    // Adds a finished value to the collection it is in, or makes it the root.
    auto add = [&](json&& value) {
        if (stack.empty()) {
            root = std::move(value);
            return true;
        }
        Frame& top = stack.back();
        if (top.value.is_array()) {
            top.value.push_back(std::move(value));
            return true;
        }
        if (top.value.contains(top.key)) return false;  // a key given twice
        top.value.emplace(std::move(top.key), std::move(value));
        top.key.clear();
        top.has_key = false;
        return true;
    };
    // Where a value starts: a List's item is remembered; a key must be a scalar.
    // Returns the value's key path when lines are recorded (parse_document's convert(): the
    // root's line, a mapping value at its key's line, a sequence item at its own).
    std::string path;
    auto starts = [&](const yaml_event_t& event, bool scalar) {
        if (++values > k_max_yaml_values) return false;
        const int line = static_cast<int>(event.start_mark.line);
        if (stack.empty()) {
            document.start = {line, static_cast<int>(event.start_mark.column)};
            if (lines != nullptr) found_lines.emplace(path = std::string(), line + 1);
            return true;
        }
        const Frame& top = stack.back();
        if (top.value.is_object() && !top.has_key) return scalar;
        if (top.items)
            document.item_starts.push_back({line, static_cast<int>(event.start_mark.column)});
        if (lines == nullptr) return true;
        if (top.value.is_object()) {
            path = top.path.empty() ? top.key : top.path + "." + top.key;
            found_lines[path] = top.key_line;
        } else {
            path = top.path + "[" + std::to_string(top.value.size()) + "]";
            found_lines.emplace(path, line + 1);
        }
        return true;
    };

    for (;;) {
        const yaml_event_t* event = parser.next();
        if (event == nullptr) return std::nullopt;
        switch (event->type) {
            case YAML_STREAM_START_EVENT:
            case YAML_DOCUMENT_END_EVENT:
                break;
            case YAML_DOCUMENT_START_EVENT:
                if (++documents > 1) return std::nullopt;
                break;
            case YAML_STREAM_END_EVENT:
                if (!root || !root->is_object()) return std::nullopt;
                document.value = std::move(*root);
                if (lines != nullptr) *lines = std::move(found_lines);
                return document;
            case YAML_ALIAS_EVENT:
            case YAML_NO_EVENT:
                return std::nullopt;
            case YAML_SCALAR_EVENT: {
                const ScalarEvent scalar = scalar_of(*event);
                if (!scalar.tag.empty() && scalar.text.empty()) return std::nullopt;
                if (!stack.empty() && stack.back().value.is_object() && !stack.back().has_key) {
                    if (++values > k_max_yaml_values) return std::nullopt;
                    const bool untagged_plain = scalar.plain && scalar.tag.empty();
                    // yaml-cpp makes a null of a plain "~", "null" or empty key: left to it.
                    if (untagged_plain && resolve_plain_scalar(scalar.text).is_null())
                        return std::nullopt;
                    if (scalar.text == "<<" &&
                        (untagged_plain || scalar.tag == "tag:yaml.org,2002:merge"))
                        return std::nullopt;  // a merge key: the full reader applies it
                    Frame& top = stack.back();
                    top.key =
                        untagged_plain ? resolve_plain_key(scalar.text) : std::string(scalar.text);
                    top.has_key = true;
                    top.key_line = static_cast<int>(event->start_mark.line) + 1;
                    break;
                }
                if (!starts(*event, true) || !add(fast_scalar_value(scalar))) return std::nullopt;
                break;
            }
            case YAML_SEQUENCE_START_EVENT:
            case YAML_MAPPING_START_EVENT: {
                if (!starts(*event, false) || stack.size() >= k_plain_max_depth)
                    return std::nullopt;
                const bool items = stack.size() == 1 && stack.back().key == "items" &&
                                   event->type == YAML_SEQUENCE_START_EVENT;
                stack.push_back(
                    {event->type == YAML_SEQUENCE_START_EVENT ? json::array() : json::object(),
                     {},
                     false,
                     items,
                     std::exchange(path, std::string()),
                     0});
                break;
            }
            case YAML_SEQUENCE_END_EVENT:
            case YAML_MAPPING_END_EVENT: {
                json value = std::move(stack.back().value);
                stack.pop_back();
                if (!add(std::move(value))) return std::nullopt;
                break;
            }
        }
    }
}

}  // namespace kubeproof::parse
