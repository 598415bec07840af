#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "history/report_events.hpp"
#include "history/report_rows.hpp"
#include "local/local_files.hpp"

using namespace kubeproof;
using history::FastRead;
using nlohmann::json;

namespace {

/// Writes down every event as text, so that two readers' event streams can be compared.
class Recorder final : public nlohmann::json_sax<json> {
public:
    explicit Recorder(int stop_after = -1) : m_stop_after(stop_after) {}

    bool null() override { return add("null"); }
    bool boolean(bool value) override { return add(value ? "true" : "false"); }
    bool number_integer(number_integer_t value) override {
        return add(fmt::format("int {}", value));
    }
    bool number_unsigned(number_unsigned_t value) override {
        return add(fmt::format("unsigned {}", value));
    }
    bool number_float(number_float_t value, const string_t& text) override {
        return add(fmt::format("float {} {}", value, text));
    }
    bool string(string_t& value) override { return add("string " + value); }
    bool binary(binary_t&) override { return add("binary"); }
    bool start_object(std::size_t size) override { return add(fmt::format("{{ {}", size)); }
    bool key(string_t& name) override { return add("key " + name); }
    bool end_object() override { return add("}"); }
    bool start_array(std::size_t size) override { return add(fmt::format("[ {}", size)); }
    bool end_array() override { return add("]"); }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
        m_error = true;
        return false;
    }

    std::vector<std::string> events;
    bool m_error = false;

private:
    bool add(std::string event) {
        events.push_back(std::move(event));
        return m_stop_after < 0 || static_cast<int>(events.size()) < m_stop_after;
    }
    int m_stop_after;
};

/// The fast reader's verdict and events, and nlohmann's, on the same text.
struct Both {
    FastRead fast;
    Recorder fast_events;
    bool nlohmann_accepts;
    Recorder nlohmann_events;
};

Both read_both(const std::string& text) {
    Both out{FastRead::Refused, Recorder(), false, Recorder()};
    out.fast = history::sax_read_fast(text, out.fast_events);
    out.nlohmann_accepts =
        json::sax_parse(text, &out.nlohmann_events, json::input_format_t::json, true) &&
        !out.nlohmann_events.m_error;
    return out;
}

/// The property the report readers rely on: what the fast reader takes, it hands on exactly as
/// nlohmann's parser does, and it takes nothing nlohmann refuses.
void check_agrees(const std::string& text) {
    CAPTURE(text);
    const Both both = read_both(text);
    if (both.fast == FastRead::Complete) {
        CHECK(both.nlohmann_accepts);
        CHECK(both.fast_events.events == both.nlohmann_events.events);
    }
}

}  // namespace

TEST_SUITE("history/report_events") {
    TEST_CASE("valid JSON is read fast, with nlohmann's events in nlohmann's order") {
        const std::vector<std::string> texts = {
            R"({"a": 1, "b": [true, false, null], "c": {"d": "e"}})",
            R"([])",
            R"({})",
            R"("just a string")",
            R"(  [1, -1, 0, -0, 18446744073709551615, -9223372036854775808]  )",
            R"([1.5, -2.25e3, 1E5, 0.1, 1e308, 123456789012345678901234567890])",
            R"(["\u00e9\u4e2d\ud83d\ude00", "tab\there", "quote\" backslash\\ slash\/"])",
            "[\"caf\xc3\xa9\", \"\xe2\x80\xae bidi\"]",
            R"({"dup": 1, "dup": 2})",
        };
        for (const auto& text : texts) {
            CAPTURE(text);
            const Both both = read_both(text);
            CHECK(both.fast == FastRead::Complete);
            CHECK(both.nlohmann_accepts);
            CHECK(both.fast_events.events == both.nlohmann_events.events);
        }
    }

    TEST_CASE("integers too large for 64 bits are floats, as nlohmann reads them") {
        const Both both = read_both("[18446744073709551616, -9223372036854775809]");
        REQUIRE(both.fast == FastRead::Complete);
        CHECK(both.fast_events.events == both.nlohmann_events.events);
        CHECK(both.fast_events.events[1].starts_with("float "));
    }

    TEST_CASE("what it does not take is refused, never passed as complete") {
        const std::vector<std::string> texts = {
            "",
            "{",
            R"({"a": 1,})",
            R"([1 2])",
            R"({"a": 1} trailing)",
            R"({"a": 1} {"b": 2})",
            std::string("{\"a\": 1}\0{\"b\": 2}", 17),
            std::string("[\"a\0b\"]", 7),
            "[\"\xff\xfe\"]",               // not UTF-8
            "[\"\xc3\"]",                   // truncated UTF-8
            R"(["\ud800"])",                // a lone surrogate
            "[\"raw\ncontrol\"]",           // a raw control character in a string
            "\xEF\xBB\xBF{\"bom\": true}",  // nlohmann skips the BOM: its reading decides
            "[1e999]",                      // nlohmann refuses the overflow
            "[NaN]",
            "[01]",
            "// comment\n{}",
        };
        for (const auto& text : texts) {
            CAPTURE(text);
            CHECK(history::sax_read_fast(text, *std::make_unique<Recorder>()) == FastRead::Refused);
            check_agrees(text);
        }
    }

    TEST_CASE("deep nesting is read without recursion") {
        const std::string deep = std::string(100000, '[') + std::string(100000, ']');
        Recorder events;
        CHECK(history::sax_read_fast(deep, events) == FastRead::Complete);
        CHECK(events.events.size() == 200000);
        CHECK(history::sax_read_fast(std::string(100000, '['), events) == FastRead::Refused);
    }

    TEST_CASE("a handler that has seen enough stops the reading") {
        Recorder first_three(3);
        CHECK(history::sax_read_fast(R"({"a": [1, 2, 3], "b": "c"})", first_three) ==
              FastRead::Stopped);
        CHECK(first_three.events == std::vector<std::string>{"{ 18446744073709551615", "key a",
                                                             "[ 18446744073709551615"});
    }

    TEST_CASE("real reports: every event as nlohmann's, and the rows as before") {
        for (const char* name : {"tests/e2e/golden/kubeadm-control-plane.json",
                                 "tests/e2e/golden/worker-json-config.json",
                                 "tests/e2e/golden/hardened-control-plane.json"}) {
            CAPTURE(name);
            const std::string text = local::read_local_file(name).value();
            REQUIRE(text.size() > 1000);
            const Both both = read_both(text);
            CHECK(both.fast == FastRead::Complete);
            CHECK(both.fast_events.events == both.nlohmann_events.events);
            // Single-byte corruptions spread over the first 2 KB of one report (every 23rd byte,
            // seven kinds of damage): the fast reader passes nothing nlohmann refuses, and hands on
            // what it takes exactly.
            if (name == std::string("tests/e2e/golden/kubeadm-control-plane.json")) {
                for (size_t at = 0; at < 2048; at += 23) {
                    std::string broken = text;
                    broken[at] = "}\"\\,:x\x80"[at % 7];
                    check_agrees(broken);
                }
            }
            // The rows of a report are the same whichever reader took it.
            const auto rows = history::read_rows(text, name, "soc2");
            REQUIRE(rows);
            // Refused before the first event (a byte order mark), and half-way through the
            // results (a number that underflows, which nlohmann reads as 0): nlohmann's reading
            // starts again with fresh rows.
            std::string underflow = text;
            underflow.insert(underflow.find('{', underflow.find("\"results\"")) + 1,
                             R"("x": 1e-400, )");
            for (const std::string& other : {"\xEF\xBB\xBF" + text, underflow}) {
                const auto again = history::read_rows(other, name, "soc2");
                REQUIRE(again);
                REQUIRE(rows->results.size() == again->results.size());
                for (size_t i = 0; i < rows->results.size(); ++i) {
                    CHECK(rows->results[i].id == again->results[i].id);
                    CHECK(rows->results[i].status == again->results[i].status);
                    CHECK(rows->results[i].criteria == again->results[i].criteria);
                }
            }
        }
    }
}
