#include "report/junit_writer.hpp"

#include <array>
#include <string_view>
#include <vector>

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

/// What a result is in JUnit: a finding an active waiver accepts is skipped, not failed.
enum class Outcome { Passed, Failure, Error, Skipped };

Outcome outcome_of(const model::Result& result) {
    if (model::is_accepted(result)) return Outcome::Skipped;
    switch (result.status) {
        case Status::Pass:
            return Outcome::Passed;
        case Status::Fail:
            return Outcome::Failure;
        case Status::Error:
            return Outcome::Error;
        default:
            return Outcome::Skipped;
    }
}

std::string skipped_message(const model::Result& result) {
    const std::string& why = result.reason.empty() ? result.actual : result.reason;
    return why.empty() ? std::string(model::to_string(result.status))
                       : fmt::format("{}: {}", model::to_string(result.status), why);
}

/// "waived: FAIL: <why>; owner alice, expires 2026-03-31 (waivers.yaml:3)".
std::string waived_message(const model::Result& result) {
    const model::Waiver& w = result.waiver->waiver;
    return fmt::format("waived: {}; owner {}, expires {} ({})", skipped_message(result), w.owner,
                       w.expires, w.source);
}

/// " (waiver expired 2026-03-31, waivers.yaml:3)" when the waiver that covers it has expired.
std::string expiry_note(const model::Result& result) {
    if (!result.waiver || result.waiver->state != model::WaiverState::Expired) return {};
    return fmt::format(" (waiver expired {}, {})", result.waiver->waiver.expires,
                       result.waiver->waiver.source);
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
    const std::string note = expiry_note(result);
    switch (outcome_of(result)) {
        case Outcome::Passed:
            return;
        case Outcome::Failure:
            out += fmt::format("      <failure message=\"{}\" type=\"FAIL\">{}</failure>\n",
                               attr(result.actual + note), failure_body(result));
            return;
        case Outcome::Error:
            out += fmt::format("      <error message=\"{}\" type=\"ERROR\"/>\n",
                               attr(result.reason + note));
            return;
        case Outcome::Skipped:
            out += fmt::format("      <skipped message=\"{}\"/>\n",
                               attr(model::is_accepted(result) ? waived_message(result)
                                                               : skipped_message(result) + note));
    }
}

void write_property(std::string& out, std::string_view name, std::string_view value) {
    out += fmt::format("        <property name=\"{}\" value=\"{}\"/>\n", attr(name), attr(value));
}

void write_waiver_properties(std::string& out, const model::AppliedWaiver& applied) {
    const model::Waiver& w = applied.waiver;
    write_property(out, "waiver", model::to_string(applied.state));
    write_property(out, "waiver.source", w.source);
    write_property(out, "waiver.owner", w.owner);
    if (!w.approver.empty()) write_property(out, "waiver.approver", w.approver);
    if (!w.ticket.empty()) write_property(out, "waiver.ticket", w.ticket);
    if (!w.reason.empty()) write_property(out, "waiver.reason", w.reason);
    write_property(out, "waiver.expires", w.expires);
}

void write_properties(std::string& out, const model::Result& result) {
    out += "      <properties>\n";
    write_property(out, "status", model::to_string(result.status));
    write_property(out, "automated", result.automated ? "true" : "false");
    for (const auto& [framework, criteria] : result.controls) {
        for (const auto& criterion : criteria) write_property(out, framework, criterion);
    }
    if (result.waiver) write_waiver_properties(out, *result.waiver);
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

/// tests="…" failures="…" errors="…" skipped="…", as the test cases render.
std::string count_attributes(const std::vector<const model::Result*>& results) {
    std::array<size_t, 4> counts{};
    for (const auto* result : results) ++counts[static_cast<size_t>(outcome_of(*result))];
    return fmt::format("tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"", results.size(),
                       counts[static_cast<size_t>(Outcome::Failure)],
                       counts[static_cast<size_t>(Outcome::Error)],
                       counts[static_cast<size_t>(Outcome::Skipped)]);
}

void write_testsuite(std::string& out, const SectionResults& section, const model::ScanInfo& scan) {
    out += fmt::format("  <testsuite name=\"{}\" {} timestamp=\"{}\" hostname=\"{}\">\n",
                       attr(heading(section.info.id, section.info.title)),
                       count_attributes(section.results), attr(scan.started_at), attr(scan.host));
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
    std::vector<const model::Result*> all;
    for (const auto& result : report.results) all.push_back(&result);
    out += fmt::format("<testsuites name=\"{}\" {}>\n", attr("kubeproof " + report.scan.benchmark),
                       count_attributes(all));
    for (const auto& section : split_into_sections(report))
        write_testsuite(out, section, report.scan);
    out += "</testsuites>\n";
    return out;
}

}  // namespace kubeproof::report
