#include "k8s/manifest_json.hpp"

#include <algorithm>
#include <functional>
#include <iterator>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "k8s/manifest_identity.hpp"
#include "k8s/object_builder.hpp"

namespace kubeproof::k8s {

namespace {

using json = nlohmann::json;

constexpr std::string_view k_white_space = " \t\r\n";

/// How far a parse has read: the next character, and the line it is on.
struct Cursor {
    const char* at = nullptr;
    const char* line_start = nullptr;
    int line = 1;
};

/// Hands characters to nlohmann/json and keeps a Cursor up to date, so that parse events know
/// where they are (nlohmann/json keeps its own position private).
class CountingIterator {
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;

    CountingIterator(const char* at, Cursor* cursor) : m_at(at), m_cursor(cursor) {}
    reference operator*() const { return *m_at; }
    CountingIterator& operator++() {
        if (*m_at == '\n') {
            ++m_cursor->line;
            m_cursor->line_start = m_at + 1;
        }
        m_cursor->at = ++m_at;
        return *this;
    }
    CountingIterator operator++(int) {
        CountingIterator before = *this;
        ++*this;
        return before;
    }
    bool operator==(const CountingIterator& other) const { return m_at == other.m_at; }

private:
    const char* m_at;
    Cursor* m_cursor;
};

/// SAX pass over one JSON value that builds nothing: what the value is, its top-level apiVersion and
/// kind, and for each element of its top-level "items", where it starts and ends, what it is and
/// its own apiVersion and kind.
class ValueScan final : public nlohmann::json_sax<json> {
public:
    /// One element of the top-level "items".
    struct Element {
        size_t offset = 0;  ///< of its first character
        size_t length = 0;
        Place place;        ///< for messages
        std::string_view type;
        Identity found;
    };

    ValueScan(const Cursor& cursor, const char* base, std::function<Place(bool number)> place_of_scalar)
        : m_cursor(cursor), m_base(base), m_place_of_scalar(std::move(place_of_scalar)) {}

    std::string_view root;               ///< what the value is, in words ("a mapping")
    std::string_view items = "nothing";  ///< what its top-level "items" is
    bool has_items = false;
    Identity found;
    std::vector<Element> elements;  ///< of the last top-level "items" sequence
    std::string error;

    bool null() override { return scalar("nothing", false); }
    bool boolean(bool) override { return scalar("a scalar", false); }
    bool number_integer(number_integer_t) override { return scalar("a scalar", true); }
    bool number_unsigned(number_unsigned_t) override { return scalar("a scalar", true); }
    bool number_float(number_float_t, const string_t&) override { return scalar("a scalar", true); }
    bool binary(binary_t&) override { return scalar("a scalar", false); }
    bool string(string_t& value) override {
        if (m_depth == 1 && m_key == "apiVersion") found.api_version = value;
        if (m_depth == 1 && m_key == "kind") found.kind = value;
        if (m_depth == 3 && m_in_items && m_element_key == "apiVersion") elements.back().found.api_version = value;
        if (m_depth == 3 && m_in_items && m_element_key == "kind") elements.back().found.kind = value;
        return scalar("a scalar", false);
    }
    bool start_object(std::size_t) override { return container_starts("a mapping"); }
    bool start_array(std::size_t) override { return container_starts("a sequence"); }
    bool end_object() override { return container_ends(); }
    bool end_array() override { return container_ends(); }
    bool key(string_t& name) override {
        if (m_depth == 1) m_key = name;
        if (m_depth == 3 && m_in_items) m_element_key = name;
        has_items = has_items || (m_depth == 1 && name == "items");
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
        error = e.what();
        return false;
    }

private:
    size_t offset() const { return static_cast<size_t>(m_cursor.at - m_base); }

    /// Notes what the root, the top-level "items" and each of its elements are as they start.
    void value_starts(std::string_view type, size_t at, Place place) {
        if (m_depth == 0) root = type;
        if (m_depth == 1 && m_key == "items") items = type;
        if (m_depth == 2 && m_in_items) elements.push_back({at, offset() - at, place, type, {}});
    }
    bool scalar(std::string_view type, bool number) {
        if (m_depth == 2 && m_in_items) value_starts(type, offset(), m_place_of_scalar(number));
        else value_starts(type, 0, {});
        return true;
    }
    bool container_starts(std::string_view type) {
        value_starts(type, offset() - 1, m_place_of_scalar(false));
        if (m_depth == 1 && m_key == "items" && type == "a sequence") {
            m_in_items = true;
            elements.clear();  // a repeated "items": the last one counts, as when building
        }
        ++m_depth;
        return true;
    }
    bool container_ends() {
        --m_depth;
        if (m_depth == 2 && m_in_items) elements.back().length = offset() - elements.back().offset;
        if (m_depth == 1) m_in_items = false;
        return true;
    }

    const Cursor& m_cursor;
    const char* m_base;
    std::function<Place(bool)> m_place_of_scalar;
    int m_depth = 0;
    std::string m_key;          ///< the last top-level key
    std::string m_element_key;  ///< the last key of the current element of "items"
    bool m_in_items = false;
};

/// "syntax error while parsing object - ..." from nlohmann/json's "[json.exception.parse_error.101]
/// parse error at line 1, column 2: syntax error ..." (its line and column are not the file's).
std::string without_prefix(std::string_view what) {
    if (what.starts_with('[')) what.remove_prefix(std::min(what.find("] ") + 2, what.size()));
    if (what.starts_with("parse error") && what.find(": ") != std::string_view::npos) {
        what.remove_prefix(what.find(": ") + 2);
    }
    return std::string(what);
}

/// Scans the JSON values of one file, one after another.
class JsonScanner {
public:
    JsonScanner(std::string_view text, const std::string& file, loader::Diagnostics& diagnostics)
        : m_text(text), m_file(file), m_diagnostics(diagnostics), m_cursor{text.data(), text.data(), 1} {}

    /// Skips white space; false at the end of the text.
    bool skip_white_space();
    /// Scans the value at the cursor; false after a syntax error (nothing after it can be read).
    bool scan_value();
    std::vector<JsonObjectSpan>& spans() { return m_spans; }

private:
    CountingIterator from_cursor() { return {m_cursor.at, &m_cursor}; }
    CountingIterator at(const char* position) { return {position, &m_cursor}; }
    void add_span(size_t offset, size_t length, Place place, const Identity& found, const Identity& defaults);
    Place last_read() const;
    void error(Place place, std::string message) {
        m_diagnostics.add(m_file, place.line, place.column, std::move(message), m_text);
    }

    std::string_view m_text;
    const std::string& m_file;
    loader::Diagnostics& m_diagnostics;
    Cursor m_cursor;
    std::vector<JsonObjectSpan> m_spans;
};

bool JsonScanner::skip_white_space() {
    const char* end = m_text.data() + m_text.size();
    CountingIterator it = from_cursor();
    while (m_cursor.at != end && k_white_space.find(*m_cursor.at) != std::string_view::npos) ++it;
    return m_cursor.at != end;
}

bool JsonScanner::scan_value() {
    const Cursor start = m_cursor;
    const Place place{start.line, static_cast<int>(start.at - start.line_start) + 1};
    const char* end = m_text.data() + m_text.size();
    // Where a scalar just read ends: a number was followed by one more character the lexer saw.
    ValueScan scan(m_cursor, m_text.data(), [this](bool number) {
        Place p = last_read();
        if (number && p.column > 1) --p.column;
        return p;
    });
    if (!json::sax_parse(from_cursor(), at(end), &scan, json::input_format_t::json, false)) {
        error(last_read(), "invalid JSON: " + without_prefix(scan.error));
        return false;
    }
    const auto value_offset = static_cast<size_t>(start.at - m_text.data());
    const size_t value_length = static_cast<size_t>(m_cursor.at - start.at);
    if (scan.root != "a mapping") {
        error(place, fmt::format("not a Kubernetes object: expected a mapping, found {}", scan.root));
        return true;
    }
    auto identity = complete_identity(scan.found, {});
    if (!identity) {
        error(place, identity.error());
        return true;
    }
    if (!is_list(*identity, scan.has_items)) {
        add_span(value_offset, value_length, place, *identity, {});
        return true;
    }
    if (scan.items != "a sequence" && scan.items != "nothing") {
        error(place, fmt::format("\"items\" of a {} must be a sequence, found {}", identity->kind, scan.items));
        return true;
    }
    const Identity defaults = item_defaults(*identity);
    for (const auto& element : scan.elements) {
        if (element.type != "a mapping") {
            error(element.place, fmt::format("not a Kubernetes object: expected a mapping, found {}", element.type));
            continue;
        }
        add_span(element.offset, element.length, element.place, element.found, defaults);
    }
    return true;
}

void JsonScanner::add_span(size_t offset, size_t length, Place place, const Identity& found, const Identity& defaults) {
    auto identity = complete_identity(found, defaults);
    if (!identity) return error(place, identity.error());
    m_spans.push_back({offset, length, place.line, std::move(*identity)});
}

Place JsonScanner::last_read() const {    if (m_cursor.at == m_text.data()) return {1, 1};
    const char* last = m_cursor.at - 1;
    if (*last != '\n') return {m_cursor.line, static_cast<int>(m_cursor.at - m_cursor.line_start)};
    const std::string_view before = m_text.substr(0, static_cast<size_t>(last - m_text.data()));
    const size_t newline = before.rfind('\n');
    return {
        m_cursor.line - 1,
        static_cast<int>(before.size() - (newline == std::string_view::npos ? 0 : newline + 1)) +
            1};
}

}  // namespace

bool is_json_text(std::string_view text) {
    const size_t first = text.find_first_not_of(k_white_space);
    return first != std::string_view::npos && (text[first] == '{' || text[first] == '[');
}

std::vector<JsonObjectSpan> index_json_objects(std::string_view text, const std::string& file,
                                               loader::Diagnostics& diagnostics) {
    JsonScanner scanner(text, file, diagnostics);
    while (scanner.skip_white_space() && scanner.scan_value()) {
    }
    return std::move(scanner.spans());
}

util::Expected<json, std::string> build_json_object(std::string_view text, const Identity& identity,
                                                    const std::vector<std::string>& ignored) {
    ObjectBuilder builder(ignored);
    if (!build_object(text, builder)) return util::unexpected("invalid JSON: " + without_prefix(builder.error()));
    json& object = builder.result();
    if (!object.is_object()) return util::unexpected(std::string("not a Kubernetes object"));
    object["apiVersion"] = identity.api_version;
    object["kind"] = identity.kind;
    return std::move(object);
}

}  // namespace kubeproof::k8s
