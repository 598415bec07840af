#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kubeproof::report {

/// Writes JSON as it goes, laid out exactly as nlohmann/json's dump(2) lays it out (two spaces per
/// level, "key": value, [] and {} when empty), with strings escaped by nlohmann/json itself
/// (invalid UTF-8 replaced by U+FFFD), so that a report streamed here has the bytes of the same
/// report built as an ordered_json tree and dumped, without building the tree. Members appear in
/// the order they are written; the caller keeps keys unique.
class JsonStream {
public:
    explicit JsonStream(std::string& out) : m_out(out) {}

    void begin_object();
    void end_object();
    void begin_array();
    void end_array();
    /// The next member's key, inside an object; its value follows.
    JsonStream& key(std::string_view name);

    void value(std::string_view text);
    void value(const char* text) { value(std::string_view(text)); }
    void value(const std::string& text) { value(std::string_view(text)); }
    void value(int64_t number);
    void value(int number) { value(static_cast<int64_t>(number)); }
    void value(uint64_t number);
    void value(bool flag);
    void null();
    void value(const std::vector<std::string>& texts);

    /// `name`: `text`, inside an object.
    void member(std::string_view name, std::string_view text) { key(name).value(text); }

private:
    void before_value();
    void indent(size_t depth);
    void begin(char open);
    void end(char close);

    std::string& m_out;
    std::vector<size_t> m_levels;  ///< per open object or array: how many members it has so far
    bool m_after_key = false;
};

/// Appends `text` as a JSON string, as nlohmann/json's dump() (no ensure_ascii, invalid UTF-8
/// replaced) writes it.
void append_json_string(std::string& out, std::string_view text);

}  // namespace kubeproof::report
