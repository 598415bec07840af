#include "k8s/manifest_json.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "k8s/manifest_identity.hpp"

namespace kubeproof::k8s {

namespace {

using json = nlohmann::json;
using Event = json::parse_event_t;

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

/// SAX pass that keeps only what decides how to read a value: its top-level apiVersion and kind,
/// what it and its "items" are, or the syntax error.
struct TopLevelScan final : nlohmann::json_sax<json> {
    std::string_view root;               ///< what the value is, in words ("a mapping")
    std::string_view items = "nothing";  ///< what its top-level "items" is
    bool has_items = false;
    Identity found;
    std::string error;

    bool null() override { return value_starts("nothing"); }
    bool boolean(bool) override { return value_starts("a scalar"); }
    bool number_integer(number_integer_t) override { return value_starts("a scalar"); }
    bool number_unsigned(number_unsigned_t) override { return value_starts("a scalar"); }
    bool number_float(number_float_t, const string_t&) override { return value_starts("a scalar"); }
    bool binary(binary_t&) override { return value_starts("a scalar"); }
    bool string(string_t& value) override {
        if (m_depth == 1 && m_key == "apiVersion") found.api_version = value;
        if (m_depth == 1 && m_key == "kind") found.kind = value;
        return value_starts("a scalar");
    }
    bool start_object(std::size_t) override { return value_starts("a mapping") && enter(); }
    bool start_array(std::size_t) override { return value_starts("a sequence") && enter(); }
    bool end_object() override { return leave(); }
    bool end_array() override { return leave(); }
    bool key(string_t& name) override {
        if (m_depth == 1) m_key = name;
        has_items = has_items || (m_depth == 1 && name == "items");
        return true;
    }
    bool parse_error(std::size_t, const std::string&,
                     const nlohmann::detail::exception& e) override {
        error = e.what();
        return false;
    }

private:
    /// Notes what the root and the top-level "items" are as their values start.
    bool value_starts(std::string_view type) {
        if (m_depth == 0) root = type;
        if (m_depth == 1 && m_key == "items") items = type;
        return true;
    }
    bool enter() {
        ++m_depth;
        return true;
    }
    bool leave() {
        --m_depth;
        return true;
    }

    int m_depth = 0;
    std::string m_key;
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

std::string_view type_name(const json& value) {
    return value.is_array()    ? "a sequence"
           : value.is_object() ? "a mapping"
           : value.is_null()   ? "nothing"
                               : "a scalar";
}

std::string string_at(const json& object, const char* key) {
    const auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

/// Reads the JSON values of one file: each first scanned (SAX, nothing kept), then parsed keeping
/// one list item at a time.
class JsonReader {
public:
    JsonReader(std::string_view text, const std::string& file, const ManifestSink& sink,
               loader::Diagnostics& diagnostics)
        : m_text(text),
          m_file(file),
          m_sink(sink),
          m_diagnostics(diagnostics),
          m_cursor{text.data(), text.data(), 1} {}

    /// Skips white space; false at the end of the text.
    bool skip_white_space();
    /// Reads the value at the cursor; false after a syntax error (nothing after it can be read).
    bool read_value();
    size_t count() const { return m_count; }

private:
    CountingIterator from_cursor() { return {m_cursor.at, &m_cursor}; }
    CountingIterator at(const char* position) { return {position, &m_cursor}; }
    bool on_event(int depth, Event event, json& parsed);
    void deliver(json&& object, Place place, const Identity& defaults);
    Place last_read() const;
    Place scalar_place(const json& scalar) const;
    void error(Place place, std::string message) {
        m_diagnostics.add(m_file, place.line, place.column, std::move(message), m_text);
    }

    std::string_view m_text;
    const std::string& m_file;
    const ManifestSink& m_sink;
    loader::Diagnostics& m_diagnostics;
    Cursor m_cursor;
    bool m_list = false;       ///< the value being read is a list: deliver its items
    Identity m_item_defaults;  ///< what the list gives its items
    bool m_in_items = false;   ///< inside the list's items
    std::string m_key;         ///< the last top-level key
    Place m_item_place;
    size_t m_count = 0;
};

bool JsonReader::skip_white_space() {
    const char* end = m_text.data() + m_text.size();
    CountingIterator it = from_cursor();
    while (m_cursor.at != end && k_white_space.find(*m_cursor.at) != std::string_view::npos) ++it;
    return m_cursor.at != end;
}

bool JsonReader::read_value() {
    const Cursor start = m_cursor;
    const Place place{start.line, static_cast<int>(start.at - start.line_start) + 1};
    const char* end = m_text.data() + m_text.size();
    TopLevelScan top;
    if (!json::sax_parse(from_cursor(), at(end), &top, json::input_format_t::json, false)) {
        error(last_read(), "invalid JSON: " + without_prefix(top.error));
        return false;
    }
    const char* value_end = m_cursor.at;
    if (top.root != "a mapping") {
        error(place,
              fmt::format("not a Kubernetes object: expected a mapping, found {}", top.root));
        return true;
    }
    auto identity = complete_identity(top.found, {});
    if (!identity) {
        error(place, identity.error());
        return true;
    }
    m_list = is_list(*identity, top.has_items);
    if (m_list && top.items != "a sequence" && top.items != "nothing") {
        error(place, fmt::format("\"items\" of a {} must be a sequence, found {}", identity->kind,
                                 top.items));
        return true;
    }
    m_item_defaults = item_defaults(*identity);
    m_in_items = false;
    m_cursor = start;  // again, keeping values this time
    json value = json::parse(
        from_cursor(), at(value_end),
        [this](int depth, Event event, json& parsed) { return on_event(depth, event, parsed); });
    if (!m_list) deliver(std::move(value), place, {});
    return true;
}

bool JsonReader::on_event(int depth, Event event, json& parsed) {
    if (!m_list || depth == 0) return true;
    if (depth == 1) {
        if (event == Event::key) m_key = parsed.get<std::string>();
        if (event == Event::array_start || event == Event::array_end)
            m_in_items = event == Event::array_start && m_key == "items";
        return true;
    }
    if (depth != 2 || !m_in_items) return true;
    switch (event) {
        case Event::object_start:
        case Event::array_start:
            m_item_place = last_read();
            return true;
        case Event::object_end:
            deliver(std::move(parsed), m_item_place, m_item_defaults);
            return false;
        case Event::array_end:
        case Event::value:
            error(event == Event::value ? scalar_place(parsed) : m_item_place,
                  fmt::format("not a Kubernetes object: expected a mapping, found {}",
                              type_name(parsed)));
            return false;
        default:
            return true;
    }
}

void JsonReader::deliver(json&& object, Place place, const Identity& defaults) {
    auto identity =
        complete_identity({string_at(object, "apiVersion"), string_at(object, "kind")}, defaults);
    if (!identity) return error(place, identity.error());
    object["apiVersion"] = identity->api_version;
    object["kind"] = identity->kind;
    m_sink(ManifestObject{std::move(object), Origin{m_file, place.line}, {}});
    ++m_count;
}

Place JsonReader::last_read() const {
    if (m_cursor.at == m_text.data()) return {1, 1};
    const char* last = m_cursor.at - 1;
    if (*last != '\n') return {m_cursor.line, static_cast<int>(m_cursor.at - m_cursor.line_start)};
    const std::string_view before = m_text.substr(0, static_cast<size_t>(last - m_text.data()));
    const size_t newline = before.rfind('\n');
    return {
        m_cursor.line - 1,
        static_cast<int>(before.size() - (newline == std::string_view::npos ? 0 : newline + 1)) +
            1};
}

/// Where a scalar just read ends: a number was followed by one more character the lexer looked at.
Place JsonReader::scalar_place(const json& scalar) const {
    Place place = last_read();
    if (scalar.is_number() && place.column > 1) --place.column;
    return place;
}

}  // namespace

bool is_json_text(std::string_view text) {
    const size_t first = text.find_first_not_of(k_white_space);
    return first != std::string_view::npos && (text[first] == '{' || text[first] == '[');
}

size_t for_each_json_object(std::string_view text, const std::string& file,
                            const ManifestSink& sink, loader::Diagnostics& diagnostics) {
    JsonReader reader(text, file, sink, diagnostics);
    while (reader.skip_white_space() && reader.read_value()) {
    }
    return reader.count();
}

}  // namespace kubeproof::k8s
