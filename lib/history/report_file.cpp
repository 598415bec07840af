#include "history/report_file.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace kubeproof::history {

namespace {

using nlohmann::json;

constexpr std::string_view k_schema = "kubeproof.report/v1";

/// Builds the document as nlohmann's DOM parser does, but stops at the top-level "results" key:
/// what comes before it (schema, tool, scan) is the header.
class HeaderSax final : public nlohmann::json_sax<json> {
public:
    explicit HeaderSax(json& out) : m_dom(out, false) {}

    bool null() override { return m_dom.null(); }
    bool boolean(bool value) override { return m_dom.boolean(value); }
    bool number_integer(number_integer_t value) override { return m_dom.number_integer(value); }
    bool number_unsigned(number_unsigned_t value) override { return m_dom.number_unsigned(value); }
    bool number_float(number_float_t value, const string_t& text) override {
        return m_dom.number_float(value, text);
    }
    bool string(string_t& value) override { return m_dom.string(value); }
    bool binary(binary_t& value) override { return m_dom.binary(value); }
    bool start_object(std::size_t size) override {
        ++m_depth;
        return m_dom.start_object(size);
    }
    bool key(string_t& name) override {
        if (m_depth == 1 && name == "results") {
            m_reached_results = true;
            return false;  // the rest is results: not part of the header
        }
        return m_dom.key(name);
    }
    bool end_object() override {
        --m_depth;
        return m_dom.end_object();
    }
    bool start_array(std::size_t size) override { return m_dom.start_array(size); }
    bool end_array() override { return m_dom.end_array(); }
    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception& e) override {
        m_error_at = position;
        m_error = e.what();
        return false;
    }

    bool reached_results() const { return m_reached_results; }
    std::size_t error_at() const { return m_error_at; }
    const std::string& error() const { return m_error; }

private:
    nlohmann::detail::json_sax_dom_parser<json> m_dom;
    int m_depth = 0;
    bool m_reached_results = false;
    std::size_t m_error_at = 0;
    std::string m_error;
};

/// "name:line:col" of a byte offset (1-based).
std::string place(std::string_view bytes, std::size_t offset, const std::string& name) {
    offset = std::min(offset, bytes.size());
    const std::string_view before = bytes.substr(0, offset);
    const auto line = 1 + std::count(before.begin(), before.end(), '\n');
    const std::size_t start = before.rfind('\n');
    const std::size_t column =
        offset - (start == std::string_view::npos ? 0 : start + 1) + (offset == 0 ? 1 : 0);
    return fmt::format("{}:{}:{}", name, line, std::max<std::size_t>(column, 1));
}

/// The message of nlohmann's parse error without its "[json.exception...] " prefix.
std::string plain(const std::string& what) {
    const std::size_t end = what.find("] ");
    return end == std::string::npos ? what : what.substr(end + 2);
}

std::string text_at(const json& object, const char* key) {
    if (!object.is_object()) return {};
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> strings_at(const json& object, const char* key) {
    std::vector<std::string> out;
    if (!object.is_object() || !object.contains(key) || !object[key].is_array()) return out;
    for (const auto& item : object[key]) {
        if (item.is_string()) out.push_back(item.get<std::string>());
    }
    return out;
}

std::vector<model::InventoryNode> inventory(const json& scan) {
    std::vector<model::InventoryNode> out;
    if (!scan.contains("nodes") || !scan["nodes"].is_array()) return out;
    for (const auto& node : scan["nodes"]) {
        out.push_back({text_at(node, "name"), text_at(node, "kubelet_version"),
                       text_at(node, "provider_id"), text_at(node, "created_at")});
    }
    return out;
}

util::Expected<ReportHeader, ReadProblem> header_of(const json& doc, const std::string& name) {
    if (!doc.is_object() || text_at(doc, "schema") != k_schema) {
        return util::unexpected(ReadProblem{
            fmt::format("{}: not a kubeproof report (schema is not {})", name, k_schema)});
    }
    const json tool = doc.value("tool", json::object());
    const json scan = doc.value("scan", json::object());
    ReportHeader h;
    h.schema = text_at(doc, "schema");
    h.tool_version = text_at(tool, "version");
    h.definitions_sha256 = text_at(tool, "definitions_sha256");
    h.id = text_at(scan, "id");
    h.started_at = text_at(scan, "started_at");
    h.finished_at = text_at(scan, "finished_at");
    h.host = text_at(scan, "host");
    h.benchmark = text_at(scan, "benchmark");
    h.targets = strings_at(scan, "targets");
    h.cluster_name = text_at(scan.value("cluster", json::object()), "name");
    h.cluster_uid = text_at(scan.value("cluster", json::object()), "uid");
    h.node = text_at(scan, "node");
    h.scope = text_at(scan, "scope");
    h.series = text_at(scan, "series");
    if (scan.contains("seq") && scan["seq"].is_number_unsigned())
        h.seq = scan["seq"].get<uint64_t>();
    if (scan.contains("previous") && scan["previous"].is_string())
        h.previous = scan["previous"].get<std::string>();
    h.nodes = inventory(scan);
    return h;
}

ReportResult result_of(const json& r) {
    ReportResult out;
    out.id = text_at(r, "id");
    out.key = text_at(r, "key");
    out.target = text_at(r, "target");
    out.title = text_at(r, "title");
    out.status = text_at(r, "status");
    out.actual = text_at(r, "actual");
    out.reason = text_at(r, "reason");
    out.evidence = r.value("evidence", json::array());
    out.node_results = r.value("nodes", json::array());
    return out;
}

}  // namespace

util::Expected<ReportHeader, ReadProblem> read_header(std::string_view bytes,
                                                      const std::string& name) {
    json doc;
    HeaderSax sax(doc);
    const bool complete =
        json::sax_parse(bytes.begin(), bytes.end(), &sax, json::input_format_t::json, true);
    if (!complete && !sax.reached_results()) {
        const std::string why = sax.error().empty() ? "invalid JSON" : plain(sax.error());
        return util::unexpected(
            ReadProblem{fmt::format("{}: {}", place(bytes, sax.error_at(), name), why)});
    }
    return header_of(doc, name);
}

util::Expected<ReportFile, ReadProblem> read_report(std::string_view bytes,
                                                    const std::string& name) {
    json doc;
    try {
        doc = json::parse(bytes.begin(), bytes.end());
    } catch (const json::parse_error& e) {
        return util::unexpected(ReadProblem{fmt::format(
            "{}: {}", place(bytes, e.byte == 0 ? 0 : e.byte - 1, name), plain(e.what()))});
    }
    auto header = header_of(doc, name);
    if (!header) return util::unexpected(header.error());
    ReportFile file{std::move(*header), {}};
    if (!doc.contains("results") || !doc["results"].is_array()) {
        return util::unexpected(
            ReadProblem{fmt::format("{}: the report has no results list", name)});
    }
    for (const auto& r : doc["results"]) file.results.push_back(result_of(r));
    return file;
}

}  // namespace kubeproof::history
