#include "k8s/manifest_json.hpp"

#include <algorithm>
#include <functional>
#include <iterator>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "k8s/manifest_identity.hpp"
#include "k8s/object_builder.hpp"
#include "local/manifest_files.hpp"
#include "parse/excerpt.hpp"
#include "util/json_depth.hpp"

namespace kubeproof::k8s {

namespace {

using json = nlohmann::json;

constexpr std::string_view k_white_space = " \t\r\n";

constexpr size_t k_block_size = size_t{1} << 20;  ///< what a file is read in while it is indexed

/// The text of one JSON manifest input, read a block at a time, so that indexing holds one block
/// of it rather than all of it.
class TextInput {
public:
    explicit TextInput(local::ManifestInput& input) : m_input(input), m_size(input.size()) {}

    size_t size() const { return m_size; }
    /// Why the input could not be read, "" when it could.
    const std::string& error() const { return m_error; }

    /// The character at `offset` (< size()); reading forward is cheap. NUL once the input cannot
    /// be read, which stops the JSON lexer with a syntax error; error() then says why.
    char at(size_t offset) {
        if (offset >= m_view_start && offset - m_view_start < m_view.size())
            return m_view[offset - m_view_start];
        if (!m_error.empty() || offset >= m_size) return '\0';
        auto block = m_input.read(offset, std::min(k_block_size, m_size - offset));
        if (!block) {
            m_error = block.error().message;
            m_view = {};
            return '\0';
        }
        m_view = *block;
        m_view_start = offset;
        return m_view.front();
    }

    /// The line that starts at `line_start`, without its line break, for messages: all of it up
    /// to one byte more than a message quotes (parse::k_max_quoted_line), so that a longer line
    /// is left out rather than quoted without what comes before the error.
    std::string line(size_t line_start) {
        std::string text;
        for (size_t i = line_start; i < m_size && text.size() <= parse::k_max_quoted_line; ++i) {
            const char c = at(i);
            if (c == '\n') break;
            text += c;
        }
        if (!text.empty() && text.back() == '\r') text.pop_back();
        return text;
    }

private:
    local::ManifestInput& m_input;
    std::string_view m_view;  ///< the block last read
    size_t m_view_start = 0;
    size_t m_size = 0;
    std::string m_error;
};

/// How far a parse has read: the offset of the next character, and the line it is on.
struct Cursor {
    size_t at = 0;
    size_t line_start = 0;
    size_t previous_line_start = 0;  ///< of the line before, for a place just before a line break
    int line = 1;
};

/// A place in the text, with where its line starts (to quote it).
struct Spot {
    Place place;
    size_t line_start = 0;
};

/// Hands characters to nlohmann/json and keeps a Cursor up to date, so that parse events know
/// where they are (nlohmann/json keeps its own position private).
class CountingIterator {
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = char;

    CountingIterator(TextInput* input, size_t at, Cursor* cursor)
        : m_input(input), m_at(at), m_cursor(cursor) {}
    char operator*() const { return m_input->at(m_at); }
    CountingIterator& operator++() {
        if (m_input->at(m_at) == '\n') {
            ++m_cursor->line;
            m_cursor->previous_line_start = m_cursor->line_start;
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
    TextInput* m_input;
    size_t m_at;
    Cursor* m_cursor;
};

/// SAX pass over one JSON value that builds nothing: what the value is, its top-level apiVersion
/// and kind, and for each element of its top-level "items", where it starts and ends, what it is
/// and its own apiVersion and kind.
class ValueScan final : public nlohmann::json_sax<json> {
public:
    /// One element of the top-level "items".
    struct Element {
        size_t offset = 0;  ///< of its first character
        size_t length = 0;
        Spot spot;  ///< for messages
        std::string_view type;
        Identity found;
    };

    ValueScan(const Cursor& cursor, std::function<Spot(bool number)> place_of_scalar)
        : m_cursor(cursor), m_place_of_scalar(std::move(place_of_scalar)) {}

    std::string_view root;               ///< what the value is, in words ("a mapping")
    std::string_view items = "nothing";  ///< what its top-level "items" is
    bool has_items = false;
    Identity found;
    std::vector<Element> elements;  ///< of the last top-level "items" sequence
    std::string error;
    bool too_deep = false;  ///< nested deeper than util::k_max_json_depth: not read

    bool null() override { return scalar("nothing", false); }
    bool boolean(bool) override { return scalar("a scalar", false); }
    bool number_integer(number_integer_t) override { return scalar("a scalar", true); }
    bool number_unsigned(number_unsigned_t) override { return scalar("a scalar", true); }
    bool number_float(number_float_t, const string_t&) override { return scalar("a scalar", true); }
    bool binary(binary_t&) override { return scalar("a scalar", false); }
    bool string(string_t& value) override {
        if (m_depth == 1 && m_key == "apiVersion") found.api_version = value;
        if (m_depth == 1 && m_key == "kind") found.kind = value;
        if (m_depth == 3 && m_in_items && m_element_key == "apiVersion")
            elements.back().found.api_version = value;
        if (m_depth == 3 && m_in_items && m_element_key == "kind")
            elements.back().found.kind = value;
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
    bool parse_error(std::size_t, const std::string&,
                     const nlohmann::detail::exception& e) override {
        error = e.what();
        return false;
    }

private:
    size_t offset() const { return m_cursor.at; }

    /// Notes what the root, the top-level "items" and each of its elements are as they start.
    void value_starts(std::string_view type, size_t at, Spot spot) {
        if (m_depth == 0) root = type;
        if (m_depth == 1 && m_key == "items") items = type;
        if (m_depth == 2 && m_in_items) elements.push_back({at, offset() - at, spot, type, {}});
    }
    bool scalar(std::string_view type, bool number) {
        if (m_depth == 2 && m_in_items)
            value_starts(type, offset(), m_place_of_scalar(number));
        else
            value_starts(type, 0, {});
        return true;
    }
    bool container_starts(std::string_view type) {
        if (static_cast<std::size_t>(m_depth) >= util::k_max_json_depth) {
            too_deep = true;
            return false;
        }
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
    std::function<Spot(bool)> m_place_of_scalar;
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
    JsonScanner(TextInput& input, const std::string& file, parse::Diagnostics& diagnostics)
        : m_input(input), m_file(file), m_diagnostics(diagnostics) {}

    /// Skips white space; false at the end of the text.
    bool skip_white_space();
    /// Scans the value at the cursor; false after a syntax error (nothing after it can be read).
    bool scan_value();
    std::vector<JsonObjectSpan>& spans() { return m_spans; }

private:
    CountingIterator at(size_t offset) { return {&m_input, offset, &m_cursor}; }
    void add_span(size_t offset, size_t length, const Spot& spot, const Identity& found,
                  const Identity& defaults);
    Spot last_read();
    // The quoted line goes to stderr and CI logs: Diagnostics redacts it
    // (parse::safe_source_line).
    void error(const Spot& spot, std::string message) {
        m_diagnostics.add_quoted(m_file, spot.place.line, spot.place.column, std::move(message),
                                 m_input.line(spot.line_start));
    }

    TextInput& m_input;
    const std::string& m_file;
    parse::Diagnostics& m_diagnostics;
    Cursor m_cursor;
    std::vector<JsonObjectSpan> m_spans;
};

bool JsonScanner::skip_white_space() {
    CountingIterator it = at(m_cursor.at);
    while (m_cursor.at < m_input.size() &&
           k_white_space.find(m_input.at(m_cursor.at)) != std::string_view::npos)
        ++it;
    return m_cursor.at < m_input.size();
}

bool JsonScanner::scan_value() {
    const Cursor start = m_cursor;
    const Spot spot{{start.line, static_cast<int>(start.at - start.line_start) + 1},
                    start.line_start};
    // Where a scalar just read ends: a number was followed by one more character the lexer saw.
    ValueScan scan(m_cursor, [this](bool number) {
        Spot s = last_read();
        if (number && s.place.column > 1) --s.place.column;
        return s;
    });
    if (!json::sax_parse(at(m_cursor.at), at(m_input.size()), &scan, json::input_format_t::json,
                         false)) {
        if (!m_input.error().empty())
            error({{m_cursor.line, 0}, m_cursor.line_start}, m_input.error());
        else if (scan.too_deep)
            error(last_read(), "the value is " + util::json_too_deep() + "; it is not read");
        else
            error(last_read(), "invalid JSON: " + without_prefix(scan.error));
        return false;
    }
    const size_t value_length = m_cursor.at - start.at;
    if (scan.root != "a mapping") {
        error(spot,
              fmt::format("not a Kubernetes object: expected a mapping, found {}", scan.root));
        return true;
    }
    auto identity = complete_identity(scan.found, {});
    if (!identity) {
        error(spot, identity.error());
        return true;
    }
    if (!is_list(*identity, scan.has_items)) {
        add_span(start.at, value_length, spot, *identity, {});
        return true;
    }
    if (scan.items != "a sequence" && scan.items != "nothing") {
        error(spot, fmt::format("\"items\" of a {} must be a sequence, found {}", identity->kind,
                                scan.items));
        return true;
    }
    const Identity defaults = item_defaults(*identity);
    for (const auto& element : scan.elements) {
        if (element.type != "a mapping") {
            error(element.spot, fmt::format("not a Kubernetes object: expected a mapping, found {}",
                                            element.type));
            continue;
        }
        add_span(element.offset, element.length, element.spot, element.found, defaults);
    }
    return true;
}

void JsonScanner::add_span(size_t offset, size_t length, const Spot& spot, const Identity& found,
                           const Identity& defaults) {
    auto identity = complete_identity(found, defaults);
    if (!identity) return error(spot, identity.error());
    m_spans.push_back({offset, length, spot.place.line, std::move(*identity)});
}

Spot JsonScanner::last_read() {
    if (m_cursor.at == 0) return {{1, 1}, 0};
    const size_t last = m_cursor.at - 1;
    if (m_input.at(last) != '\n') {
        return {{m_cursor.line, static_cast<int>(m_cursor.at - m_cursor.line_start)},
                m_cursor.line_start};
    }
    // The line break itself: the end of the line before.
    return {{m_cursor.line - 1, static_cast<int>(last - m_cursor.previous_line_start) + 1},
            m_cursor.previous_line_start};
}

}  // namespace

bool is_json(local::ManifestInput& input) {
    TextInput text(input);
    for (size_t at = 0; at < text.size(); ++at) {
        const char c = text.at(at);
        if (k_white_space.find(c) == std::string_view::npos) return c == '{' || c == '[';
    }
    return false;
}

std::vector<JsonObjectSpan> index_json(local::ManifestInput& input,
                                       parse::Diagnostics& diagnostics) {
    TextInput text(input);
    JsonScanner scanner(text, input.name(), diagnostics);
    while (scanner.skip_white_space() && scanner.scan_value()) {
    }
    return std::move(scanner.spans());
}

util::Expected<json, std::string> build_json_object(std::string_view text, const Identity& identity,
                                                    const std::vector<std::string>& ignored) {
    ObjectBuilder builder(ignored);
    if (!build_object(text, builder))
        return util::unexpected("invalid JSON: " + without_prefix(builder.error()));
    json& object = builder.result();
    if (!object.is_object()) return util::unexpected(std::string("not a Kubernetes object"));
    object["apiVersion"] = identity.api_version;
    object["kind"] = identity.kind;
    return std::move(object);
}

}  // namespace kubeproof::k8s
