// Fuzzes the report writer's JsonStream (report/json_stream) differentially: the input's lines, any
// bytes, written as keys and string values beside numbers and empty containers, must come out as
// nlohmann/json itself dumps the same document (layout, escaping, invalid UTF-8 replaced), and be
// JSON that parses.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "report/json_stream.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    std::string out;
    kubeproof::report::JsonStream stream(out);
    stream.begin_object();
    size_t from = 0;
    int64_t n = 0;
    while (from <= bytes.size()) {
        size_t end = bytes.find('\n', from);
        if (end == std::string_view::npos) end = bytes.size();
        const std::string_view line = bytes.substr(from, end - from);
        // "N:" keeps keys unique, also once invalid UTF-8 is replaced (the first long run's
        // only finding was a harness without the ':', whose keys "2"+"4 x" and "24"+" x" met).
        stream.key(std::to_string(n) + ":" + std::string(line)).begin_array();
        stream.value(line);
        stream.value(n * -7919);
        stream.begin_object();
        stream.end_object();
        stream.begin_array();
        stream.value(n % 2 == 0);
        stream.null();
        stream.end_array();
        stream.end_array();
        ++n;
        from = end + 1;
    }
    stream.end_object();
    // A parse error throws, and an uncaught exception is a crash to libFuzzer.
    const auto parsed = nlohmann::ordered_json::parse(out);
    if (parsed.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) != out)
        __builtin_trap();  // not nlohmann's layout or escaping
    return 0;
}
