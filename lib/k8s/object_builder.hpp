#pragma once

// Builds Kubernetes objects from nlohmann/json's SAX events: the list items of an API page handed
// over one at a time instead of as one page document, and fields nobody reads (a workload's
// `status`, every object's `metadata.managedFields`) never built at all. Building the DOM is most
// of the cost of reading a large cluster (std::map nodes and strings); lexing alone is a fifth.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace kubeproof::k8s {

/// Builds one JSON value (a document or a list page) from SAX events.
///
/// Fields named in `ignored` ("status", "metadata.managedFields": one or two keys, relative to an
/// object's root) are skipped while parsing. When `on_item` is set and the value is a mapping, each
/// mapping in its top-level "items" array is handed to `on_item` as soon as it is complete and is
/// not kept; the fields are ignored relative to each item. Otherwise they are ignored relative to
/// the value itself.
class ObjectBuilder final : public nlohmann::json_sax<nlohmann::json> {
public:
    using json = nlohmann::json;
    /// Receives a complete item (may be moved from) and its 0-based index in "items".
    using ItemCallback = std::function<void(json&& item, std::size_t index)>;

    ObjectBuilder(const std::vector<std::string>& ignored, ItemCallback on_item = nullptr);

    /// The value parsed; with `on_item`, without the items handed over ("items" holds what was not
    /// a mapping, in order).
    json& result() { return m_root; }
    /// How many items were handed to `on_item`.
    std::size_t items_delivered() const { return m_delivered; }
    /// nlohmann/json's message for a syntax error, "" when the parse succeeded.
    const std::string& error() const { return m_error; }

    bool null() override;
    bool boolean(bool value) override;
    bool number_integer(number_integer_t value) override;
    bool number_unsigned(number_unsigned_t value) override;
    bool number_float(number_float_t value, const string_t& text) override;
    bool string(string_t& value) override;
    bool binary(binary_t& value) override;
    bool start_object(std::size_t elements) override;
    bool key(string_t& name) override;
    bool end_object() override;
    bool start_array(std::size_t elements) override;
    bool end_array() override;
    bool parse_error(std::size_t position, const std::string& last_token,
                     const nlohmann::detail::exception& error) override;

private:
    /// Places a value where the parse is; the container it now is, for start_object/start_array.
    json* place(json&& value);
    bool scalar(json&& value);
    bool open(json&& container);
    bool close();
    /// Whether `name` at the current depth starts an ignored field.
    bool is_ignored(std::string_view name) const;
    /// The depth, counted from the current object root (1 for the root's own keys).
    std::size_t relative_depth() const;

    /// An ignored field's first key and second key ("" for a top-level field), split once: this is
    /// asked for every key of every object.
    struct IgnoredField {
        std::string first;
        std::string second;
    };
    std::vector<IgnoredField> m_ignored;
    ItemCallback m_on_item;
    json m_root;
    json m_item;                   ///< the item being built (with on_item)
    std::vector<json*> m_stack;    ///< open containers
    json* m_slot = nullptr;        ///< where the value after a key goes
    std::size_t m_skip = 0;        ///< nesting inside an ignored value; 0 when not skipping
    bool m_skip_next = false;      ///< the next value is an ignored field's
    std::string m_top_key;         ///< the last key of the current object root
    std::string m_page_key;        ///< the last key of the page (with on_item)
    bool m_in_item = false;        ///< building an item (with on_item)
    std::size_t m_item_depth = 0;  ///< m_stack size at which the item's own keys live
    std::size_t m_index = 0;       ///< index of the next element of the page's "items"
    std::size_t m_delivered = 0;
    std::string m_error;
};

/// Parses `text` (one JSON value) with an ObjectBuilder; false with `builder.error()` on a syntax
/// error.
bool build_object(std::string_view text, ObjectBuilder& builder);

}  // namespace kubeproof::k8s
