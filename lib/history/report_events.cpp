#include "history/report_events.hpp"

#include <charconv>
#include <cstdint>
#include <string_view>

// SSE2 is part of every x86-64 CPU: RapidJSON then scans strings and whitespace 16 bytes at a time.
#if defined(__SSE2__) && !defined(RAPIDJSON_SSE2)
#define RAPIDJSON_SSE2
#endif
#include <rapidjson/reader.h>
#include <rapidjson/stream.h>

namespace kubeproof::history {

namespace {

using nlohmann::json;

/// RapidJSON's handler that hands every event on to an nlohmann SAX handler. Numbers arrive as
/// their text (kParseNumbersAsStringsFlag) and are classified here the way nlohmann's lexer does.
class Forward final : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Forward> {
public:
    explicit Forward(nlohmann::json_sax<json>& to) : m_to(to) {}

    bool Null() { return m_to.null(); }
    bool Bool(bool value) { return m_to.boolean(value); }
    bool RawNumber(const char* text, rapidjson::SizeType length, bool /*copy*/) {
        return number(std::string_view(text, length));
    }
    bool String(const char* text, rapidjson::SizeType length, bool /*copy*/) {
        m_text.assign(text, length);
        return m_to.string(m_text);
    }
    bool Key(const char* text, rapidjson::SizeType length, bool /*copy*/) {
        m_text.assign(text, length);
        return m_to.key(m_text);
    }
    bool StartObject() { return m_to.start_object(k_unknown_size); }
    bool EndObject(rapidjson::SizeType /*members*/) { return m_to.end_object(); }
    bool StartArray() { return m_to.start_array(k_unknown_size); }
    bool EndArray(rapidjson::SizeType /*elements*/) { return m_to.end_array(); }

    /// Whether a number made this reader give up (the handler did not stop it).
    bool refused() const { return m_refused; }

private:
    static constexpr std::size_t k_unknown_size = static_cast<std::size_t>(-1);  // as nlohmann

    /// nlohmann's lexer: without a fraction or exponent a number is an integer (signed when
    /// negative) if it fits, otherwise a float; a float that is not finite is refused.
    bool number(std::string_view text) {
        const char* first = text.data();
        const char* last = first + text.size();
        if (text.find_first_of(".eE") == std::string_view::npos) {
            if (text.front() == '-') {
                std::int64_t value = 0;
                const auto [end, error] = std::from_chars(first, last, value);
                if (error == std::errc() && end == last) return m_to.number_integer(value);
            } else {
                std::uint64_t value = 0;
                const auto [end, error] = std::from_chars(first, last, value);
                if (error == std::errc() && end == last) return m_to.number_unsigned(value);
            }
        }
        double value = 0;
        const auto [end, error] = std::from_chars(first, last, value);
        // Out of range either way (an overflow nlohmann refuses, or an underflow it reads as a
        // tiny or zero value): leave the decision to nlohmann's own reading.
        if (error != std::errc() || end != last) {
            m_refused = true;
            return false;
        }
        m_number.assign(text);
        return m_to.number_float(value, m_number);
    }

    nlohmann::json_sax<json>& m_to;
    std::string m_text;    ///< the current string or key, its buffer reused
    std::string m_number;  ///< the current float's text
    bool m_refused = false;
};

}  // namespace

FastRead sax_read_fast(const std::string& text, nlohmann::json_sax<json>& handler) {
    // nlohmann skips a byte order mark; RapidJSON would not. Reports have none.
    if (text.starts_with("\xEF\xBB\xBF")) return FastRead::Refused;
    constexpr unsigned k_flags = rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseIterativeFlag |
                                 rapidjson::kParseNumbersAsStringsFlag;
    // One reader per thread: its stack is allocated on the first reading and kept.
    thread_local rapidjson::Reader reader;
    // RapidJSON's SIMD loops read whole aligned 16-byte blocks, up to 15 bytes past the end of the
    // text: the text is read from a copy followed by NULs, so every byte read is the copy's own.
    constexpr std::size_t k_padding = 32;
    thread_local std::string padded;
    padded.assign(text);
    padded.append(k_padding, '\0');
    rapidjson::StringStream stream(padded.c_str());
    Forward forward(handler);
    const rapidjson::ParseResult result = reader.Parse<k_flags>(stream, forward);
    // RapidJSON's string stream ends at the first NUL: a text read "completely" short of its end
    // has one (JSON allows none), and is nlohmann's to refuse.
    if (!result.IsError())
        return stream.Tell() == text.size() ? FastRead::Complete : FastRead::Refused;
    if (result.Code() == rapidjson::kParseErrorTermination && !forward.refused())
        return FastRead::Stopped;
    return FastRead::Refused;
}

}  // namespace kubeproof::history
