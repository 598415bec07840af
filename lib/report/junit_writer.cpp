#include "report/junit_writer.hpp"

#include <string_view>

#include <fmt/format.h>

#include "report/sections.hpp"

namespace kubeproof::report {

namespace {

using model::Status;

constexpr std::string_view k_replacement = "\xEF\xBF\xBD";  // U+FFFD

/// One decoded UTF-8 sequence; length 0 when the bytes are not valid UTF-8.
struct CodePoint {
    size_t length = 0;
    char32_t value = 0;
};

size_t sequence_length(unsigned char lead) {
    if (lead < 0x80) return 1;
    if ((lead >> 5) == 0x6) return 2;
    if ((lead >> 4) == 0xE) return 3;
    if ((lead >> 3) == 0x1E) return 4;
    return 0;
}

CodePoint decode_utf8(std::string_view text, size_t at) {
    constexpr char32_t k_smallest[] = {0, 0, 0x80, 0x800, 0x10000};  // rejects overlong forms
    const auto lead = static_cast<unsigned char>(text[at]);
    const size_t length = sequence_length(lead);
    if (length == 0 || at + length > text.size()) return {};
    char32_t value = length == 1 ? lead : lead & (0x7Fu >> length);
    for (size_t k = 1; k < length; ++k) {
        const auto next = static_cast<unsigned char>(text[at + k]);
        if ((next & 0xC0) != 0x80) return {};
        value = (value << 6) | (next & 0x3F);
    }
    if (value < k_smallest[length] || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        return {};
    return {length, value};
}

/// XML 1.0's Char production.
bool is_xml_char(char32_t c) {
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
           (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000;
}

/// The entity for a character that needs one, or "" when it can be written as is.
std::string_view entity(char32_t c, bool attribute) {
    switch (c) {
        case '&':
            return "&amp;";
        case '<':
            return "&lt;";
        case '>':
            return "&gt;";
        case '"':
            return "&quot;";
        case '\'':
            return "&apos;";
        case '\r':
            return "&#13;";
        case '\n':
            return attribute ? "&#10;" : "";
        case '\t':
            return attribute ? "&#9;" : "";
        default:
            return "";
    }
}

std::string attr(std::string_view text) { return xml_escape(text, true); }

std::string skipped_message(const model::Result& result) {
    const std::string& why = result.reason.empty() ? result.actual : result.reason;
    return why.empty() ? std::string(model::to_string(result.status))
                       : fmt::format("{}: {}", model::to_string(result.status), why);
}

std::string failure_body(const model::Result& result) {
    std::string body = fmt::format("expected: {}\nactual: {}\n", result.expected, result.actual);
    for (const auto& item : result.evidence) {
        body += fmt::format("evidence: {} {}", item.source, item.ref);
        body += item.value.empty() ? "\n" : fmt::format(": {}\n", item.value);
    }
    body += fmt::format("remediation: {}", result.remediation);
    return xml_escape(body, false);
}

void write_outcome(std::string& out, const model::Result& result) {
    switch (result.status) {
        case Status::Pass:
            return;
        case Status::Fail:
            out += fmt::format("      <failure message=\"{}\" type=\"FAIL\">{}</failure>\n",
                               attr(result.actual), failure_body(result));
            return;
        case Status::Error:
            out +=
                fmt::format("      <error message=\"{}\" type=\"ERROR\"/>\n", attr(result.reason));
            return;
        default:
            out += fmt::format("      <skipped message=\"{}\"/>\n", attr(skipped_message(result)));
    }
}

void write_property(std::string& out, std::string_view name, std::string_view value) {
    out += fmt::format("        <property name=\"{}\" value=\"{}\"/>\n", attr(name), attr(value));
}

void write_properties(std::string& out, const model::Result& result) {
    out += "      <properties>\n";
    write_property(out, "status", model::to_string(result.status));
    write_property(out, "automated", result.automated ? "true" : "false");
    for (const auto& [framework, criteria] : result.controls) {
        for (const auto& criterion : criteria) write_property(out, framework, criterion);
    }
    out += "      </properties>\n";
}

void write_testcase(std::string& out, const model::Result& result) {
    const std::string classname =
        fmt::format("{} {}", result.benchmark, heading(result.group, result.group_title));
    out += fmt::format("    <testcase name=\"{}\" classname=\"{}\">\n",
                       attr(heading(result.id, result.title)), attr(classname));
    write_properties(out, result);
    write_outcome(out, result);
    out += "    </testcase>\n";
}

/// tests="…" failures="…" errors="…" skipped="…"
std::string count_attributes(const model::Totals& totals, size_t tests) {
    return fmt::format("tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"", tests,
                       totals[Status::Fail], totals[Status::Error],
                       totals[Status::Warn] + totals[Status::Skip] + totals[Status::NA]);
}

void write_testsuite(std::string& out, const SectionResults& section, const model::ScanInfo& scan) {
    out += fmt::format("  <testsuite name=\"{}\" {} timestamp=\"{}\" hostname=\"{}\">\n",
                       attr(heading(section.info.id, section.info.title)),
                       count_attributes(count(section.results), section.results.size()),
                       attr(scan.started_at), attr(scan.host));
    for (const auto* result : section.results) write_testcase(out, *result);
    out += "  </testsuite>\n";
}

}  // namespace

std::string xml_escape(std::string_view text, bool attribute) {
    std::string out;
    out.reserve(text.size());
    for (size_t at = 0; at < text.size();) {
        const CodePoint code_point = decode_utf8(text, at);
        if (code_point.length == 0) {
            out += k_replacement;
            ++at;
            continue;
        }
        const std::string_view replacement = entity(code_point.value, attribute);
        if (!replacement.empty()) {
            out += replacement;
        } else if (!is_xml_char(code_point.value)) {
            out += k_replacement;
        } else {
            out += text.substr(at, code_point.length);
        }
        at += code_point.length;
    }
    return out;
}

std::string to_junit(const model::Report& report) {
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += fmt::format("<testsuites name=\"{}\" {}>\n", attr("kubeproof " + report.scan.benchmark),
                       count_attributes(model::count(report), report.results.size()));
    for (const auto& section : split_into_sections(report))
        write_testsuite(out, section, report.scan);
    out += "</testsuites>\n";
    return out;
}

}  // namespace kubeproof::report
