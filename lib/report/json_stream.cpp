#include "report/json_stream.hpp"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

namespace kubeproof::report {

void append_json_string(std::string& out, std::string_view text) {
    // Most strings are printable ASCII with at most quotes, backslashes, tabs and line breaks to
    // escape, which nlohmann/json escapes as \" \\ \t \n \r. Anything else (other controls,
    // UTF-8, invalid bytes) is escaped by the library.
    const bool simple = std::all_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return (byte >= 0x20 && byte < 0x80) || c == '\t' || c == '\n' || c == '\r';
    });
    if (!simple) {
        out += nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
    }
    out += '"';
    size_t from = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const char* escaped = c == '"'    ? "\\\""
                              : c == '\\' ? "\\\\"
                              : c == '\t' ? "\\t"
                              : c == '\n' ? "\\n"
                              : c == '\r' ? "\\r"
                                          : nullptr;
        if (escaped == nullptr) continue;
        out.append(text.data() + from, i - from);
        out += escaped;
        from = i + 1;
    }
    out.append(text.data() + from, text.size() - from);
    out += '"';
}

void JsonStream::indent(size_t depth) { m_out.append(depth * 2, ' '); }

// A value's place: right after its key in an object, else on a line of its own in an array.
void JsonStream::before_value() {
    if (m_after_key) {
        m_after_key = false;
        return;
    }
    if (m_levels.empty()) return;
    m_out += m_levels.back()++ == 0 ? "\n" : ",\n";
    indent(m_levels.size());
}

JsonStream& JsonStream::key(std::string_view name) {
    m_out += m_levels.back()++ == 0 ? "\n" : ",\n";
    indent(m_levels.size());
    append_json_string(m_out, name);
    m_out += ": ";
    m_after_key = true;
    return *this;
}

void JsonStream::begin(char open) {
    before_value();
    m_out += open;
    m_levels.push_back(0);
}

void JsonStream::end(char close) {
    const size_t count = m_levels.back();
    m_levels.pop_back();
    if (count > 0) {
        m_out += '\n';
        indent(m_levels.size());
    }
    m_out += close;
}

void JsonStream::begin_object() { begin('{'); }
void JsonStream::end_object() { end('}'); }
void JsonStream::begin_array() { begin('['); }
void JsonStream::end_array() { end(']'); }

void JsonStream::value(std::string_view text) {
    before_value();
    append_json_string(m_out, text);
}

void JsonStream::value(int64_t number) {
    before_value();
    char buffer[24];
    const auto done = std::to_chars(buffer, buffer + sizeof buffer, number);
    m_out.append(buffer, done.ptr);
}

void JsonStream::value(uint64_t number) {
    before_value();
    char buffer[24];
    const auto done = std::to_chars(buffer, buffer + sizeof buffer, number);
    m_out.append(buffer, done.ptr);
}

void JsonStream::value(bool flag) {
    before_value();
    m_out += flag ? "true" : "false";
}

void JsonStream::null() {
    before_value();
    m_out += "null";
}

void JsonStream::value(const std::vector<std::string>& texts) {
    begin_array();
    for (const auto& text : texts) value(text);
    end_array();
}

}  // namespace kubeproof::report
