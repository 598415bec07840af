#include "history/report_file.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "history/json_text.hpp"
#include "history/report_events.hpp"
#include "util/json_depth.hpp"

namespace kubeproof::history {

namespace {

using nlohmann::json;

constexpr std::string_view k_schema = "kubeproof.report/v1";

/// What the readers below share: the parse error (where and what) and the nesting limit, so that
/// a text nested deeper than util::k_max_json_depth stops the parse instead of the stack.
class BoundedSax : public nlohmann::json_sax<json> {
public:
    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception& e) override {
        m_error_at = position;
        m_error = e.what();
        return false;
    }

    /// Stopped where the text nests deeper than util::k_max_json_depth.
    bool too_deep() const { return m_too_deep; }
    std::size_t error_at() const { return m_error_at; }
    const std::string& error() const { return m_error; }

protected:
    /// One more level of arrays and objects; false (stop) past util::k_max_json_depth.
    bool deeper() {
        m_too_deep = ++m_nesting > util::k_max_json_depth;
        return !m_too_deep;
    }
    /// One level of arrays and objects closed.
    void shallower() { --m_nesting; }

private:
    std::size_t m_nesting = 0;  ///< arrays and objects open
    bool m_too_deep = false;
    std::size_t m_error_at = 0;
    std::string m_error;
};

/// Builds the document as nlohmann's DOM parser does, but stops at the top-level "results" key:
/// what comes before it (schema, tool, scan) is the header. Given a results handler, it hands that
/// handler every event of the results value instead, and stops when the value ends.
class HeaderSax final : public BoundedSax {
public:
    HeaderSax(json& out, nlohmann::json_sax<json>* results)
        : m_dom(out, false), m_results(results) {}

    bool null() override { return m_in_results ? m_results->null() && inside() : m_dom.null(); }
    bool boolean(bool value) override {
        return m_in_results ? m_results->boolean(value) && inside() : m_dom.boolean(value);
    }
    bool number_integer(number_integer_t value) override {
        return m_in_results ? m_results->number_integer(value) && inside()
                            : m_dom.number_integer(value);
    }
    bool number_unsigned(number_unsigned_t value) override {
        return m_in_results ? m_results->number_unsigned(value) && inside()
                            : m_dom.number_unsigned(value);
    }
    bool number_float(number_float_t value, const string_t& text) override {
        return m_in_results ? m_results->number_float(value, text) && inside()
                            : m_dom.number_float(value, text);
    }
    bool string(string_t& value) override {
        return m_in_results ? m_results->string(value) && inside() : m_dom.string(value);
    }
    bool binary(binary_t& value) override {
        return m_in_results ? m_results->binary(value) && inside() : m_dom.binary(value);
    }
    bool start_object(std::size_t size) override {
        if (!deeper()) return false;
        if (m_in_results) {
            ++m_results_depth;
            return m_results->start_object(size);
        }
        ++m_depth;
        return m_dom.start_object(size);
    }
    bool key(string_t& name) override {
        if (m_in_results) return m_results->key(name);
        if (m_depth == 1 && name == "results") {
            m_reached_results = true;
            m_in_results = m_results != nullptr;
            return m_in_results;  // without a handler, the rest is results: not part of the header
        }
        return m_dom.key(name);
    }
    bool end_object() override {
        shallower();
        if (m_in_results) {
            --m_results_depth;
            return m_results->end_object() && inside();
        }
        --m_depth;
        return m_dom.end_object();
    }
    bool start_array(std::size_t size) override {
        if (!deeper()) return false;
        if (m_in_results) {
            ++m_results_depth;
            return m_results->start_array(size);
        }
        return m_dom.start_array(size);
    }
    bool end_array() override {
        shallower();
        if (m_in_results) {
            --m_results_depth;
            return m_results->end_array() && inside();
        }
        return m_dom.end_array();
    }

    bool reached_results() const { return m_reached_results; }

private:
    /// After an event of the results value: false (stop) once that value is complete.
    bool inside() {
        if (m_results_depth > 0) return true;
        m_in_results = false;
        return false;
    }

    nlohmann::detail::json_sax_dom_parser<json> m_dom;
    nlohmann::json_sax<json>* m_results;
    int m_depth = 0;
    int m_results_depth = 0;
    bool m_in_results = false;
    bool m_reached_results = false;
};

/// Reads every event of a JSON text and keeps none; stops past util::k_max_json_depth.
class WholeSax final : public BoundedSax {
public:
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return deeper(); }
    bool key(string_t&) override { return true; }
    bool end_object() override { return closed(); }
    bool start_array(std::size_t) override { return deeper(); }
    bool end_array() override { return closed(); }

private:
    bool closed() {
        shallower();
        return true;
    }
};

/// "report.json: nested deeper than 1000 levels, ...".
ReadProblem too_deep(const std::string& name) {
    return ReadProblem{fmt::format("{}: {}", name, util::json_too_deep())};
}

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

// The readers below take the DOM nlohmann builds (`json`) and the one that keeps key order
// (`ordered_json`, for the frameworks' catalogue order).

template <typename Json>
std::vector<std::string> strings_at(const Json& object, const char* key) {
    std::vector<std::string> out;
    if (!object.is_object() || !object.contains(key) || !object[key].is_array()) return out;
    for (const auto& item : object[key]) {
        if (item.is_string()) out.push_back(item.template get<std::string>());
    }
    return out;
}

template <typename Json>
Json object_at(const Json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_object() ? *it : Json::object();
}

template <typename Json>
std::vector<model::InventoryNode> inventory(const Json& scan) {
    std::vector<model::InventoryNode> out;
    if (!scan.contains("nodes") || !scan["nodes"].is_array()) return out;
    for (const auto& node : scan["nodes"]) {
        out.push_back({text_at(node, "name"), text_at(node, "kubelet_version"),
                       text_at(node, "provider_id"), text_at(node, "created_at")});
    }
    return out;
}

template <typename Json>
model::Totals totals_of(const Json& object) {
    model::Totals totals;
    for (model::Status status : model::k_all_statuses) {
        const auto it = object.find(std::string(model::to_string(status)));
        if (it != object.end() && it->is_number_integer()) totals[status] = it->template get<int>();
    }
    return totals;
}

template <typename Json>
std::vector<model::MergedReport> merged_of(const Json& scan) {
    std::vector<model::MergedReport> out;
    if (!scan.contains("merged") || !scan["merged"].is_array()) return out;
    for (const auto& m : scan["merged"]) {
        out.push_back({text_at(m, "file"), text_at(m, "sha256"), text_at(m, "node"),
                       text_at(m, "scan_id"), text_at(m, "started_at"),
                       totals_of(object_at(m, "totals"))});
    }
    return out;
}

template <typename Json>
util::Expected<ReportHeader, ReadProblem> header_of(const Json& doc, const std::string& name) {
    if (!doc.is_object() || text_at(doc, "schema") != k_schema) {
        return util::unexpected(ReadProblem{
            fmt::format("{}: not a kubeproof report (schema is not {})", name, k_schema)});
    }
    const Json tool = object_at(doc, "tool");
    const Json scan = object_at(doc, "scan");
    ReportHeader h;
    h.schema = text_at(doc, "schema");
    h.tool_version = text_at(tool, "version");
    h.definitions_sha256 = text_at(tool, "definitions_sha256");
    h.id = text_at(scan, "id");
    h.started_at = text_at(scan, "started_at");
    h.finished_at = text_at(scan, "finished_at");
    h.host = text_at(scan, "host");
    h.benchmark = text_at(scan, "benchmark");
    h.benchmark_title = text_at(scan, "benchmark_title");
    h.kubernetes_version = text_at(scan, "kubernetes_version");
    h.targets = strings_at(scan, "targets");
    h.detected = strings_at(scan, "detected");
    h.cluster_name = text_at(object_at(scan, "cluster"), "name");
    h.cluster_uid = text_at(object_at(scan, "cluster"), "uid");
    h.node = text_at(scan, "node");
    h.scope = text_at(scan, "scope");
    h.series = text_at(scan, "series");
    if (scan.contains("seq") && scan["seq"].is_number_unsigned())
        h.seq = scan["seq"].template get<uint64_t>();
    if (scan.contains("previous") && scan["previous"].is_string())
        h.previous = scan["previous"].template get<std::string>();
    h.nodes = inventory(scan);
    if (const Json by = object_at(scan, "benchmark_selected_by"); by.contains("rule"))
        h.benchmark_selected_by =
            model::BenchmarkSelectedBy{text_at(by, "rule"), text_at(by, "detail")};
    h.benchmark_warnings = strings_at(scan, "benchmark_warnings");
    h.benchmarks = strings_at(scan, "benchmarks");
    if (const Json ns = object_at(scan, "namespace_scope"); !ns.empty()) {
        h.namespace_scope = model::NamespaceScopeInfo{
            strings_at(ns, "namespaces"), text_at(ns, "selector"), strings_at(ns, "selected"),
            strings_at(ns, "excluded"), strings_at(ns, "excluded_by")};
    }
    h.insecure_tls = scan.contains("insecure_tls") && scan["insecure_tls"].is_boolean() &&
                     scan["insecure_tls"].template get<bool>();
    h.merged = merged_of(scan);
    return h;
}

std::map<std::string, std::vector<std::string>> controls_of(const nlohmann::ordered_json& r) {
    std::map<std::string, std::vector<std::string>> out;
    const auto controls = object_at(r, "controls");
    for (const auto& [framework, criteria] : controls.items())
        out[framework] = strings_at(controls, framework.c_str());
    return out;
}

ReportResult result_of(const nlohmann::ordered_json& r) {
    ReportResult out;
    out.id = text_at(r, "id");
    out.key = text_at(r, "key");
    out.benchmark = text_at(r, "benchmark");
    out.target = text_at(r, "target");
    out.group = text_at(r, "group");
    out.group_title = text_at(r, "group_title");
    out.title = text_at(r, "title");
    out.status = text_at(r, "status");
    out.automated = !r.contains("automated") || !r["automated"].is_boolean() ||
                    r["automated"].template get<bool>();
    out.expected = text_at(r, "expected");
    out.actual = text_at(r, "actual");
    out.reason = text_at(r, "reason");
    out.guidance = text_at(r, "guidance");
    out.remediation = text_at(r, "remediation");
    out.controls = controls_of(r);
    out.evidence = json(r.value("evidence", nlohmann::ordered_json::array()));
    if (r.contains("findings") && r["findings"].is_number_integer())
        out.findings = r["findings"].template get<int>();
    out.node_results = json(r.value("nodes", nlohmann::ordered_json::array()));
    return out;
}

/// The criteria of each framework summary, in the order the report lists them.
std::vector<model::FrameworkInfo> frameworks_of(const nlohmann::ordered_json& doc) {
    std::vector<model::FrameworkInfo> out;
    const auto frameworks = object_at(doc, "frameworks");
    for (const auto& [framework, criteria] : frameworks.items()) {
        model::FrameworkInfo info{framework, {}, {}};
        if (criteria.is_object()) {
            for (const auto& [id, row] : criteria.items())
                info.criteria.emplace_back(id, text_at(row, "title"));
        }
        out.push_back(std::move(info));
    }
    return out;
}

}  // namespace

util::Expected<ReportHeader, ReadProblem> read_header(const std::string& bytes,
                                                      const std::string& name) {
    return read_header_then(bytes, name, nullptr);
}

util::Expected<ReportHeader, ReadProblem> read_header_then(const std::string& bytes,
                                                           const std::string& name,
                                                           const ResultsHandler& results) {
    {
        json doc;
        HeaderSax sax(doc, results ? results() : nullptr);
        const FastRead read = sax_read_fast(bytes, sax);
        if (sax.too_deep()) return util::unexpected(too_deep(name));
        // Stopped: the header (and the results, when asked for) ended, as with nlohmann below.
        if (read == FastRead::Complete || (read == FastRead::Stopped && sax.reached_results()))
            return header_of(doc, name);
    }
    // Refused by the fast reader: nlohmann's reading decides, and names the place of an error.
    json doc;
    HeaderSax sax(doc, results ? results() : nullptr);
    const bool complete =
        json::sax_parse(bytes.begin(), bytes.end(), &sax, json::input_format_t::json, true);
    if (sax.too_deep()) return util::unexpected(too_deep(name));
    if (!sax.error().empty() || (!complete && !sax.reached_results())) {
        const std::string why = sax.error().empty() ? "invalid JSON" : plain(sax.error());
        return util::unexpected(
            ReadProblem{fmt::format("{}: {}", place(bytes, sax.error_at(), name), why)});
    }
    return header_of(doc, name);
}

util::Expected<ReportHeader, ReadProblem> read_header_of_whole(const std::string& bytes,
                                                               const std::string& name) {
    WholeSax fast;
    if (sax_read_fast(bytes, fast) != FastRead::Complete) {
        if (fast.too_deep()) return util::unexpected(too_deep(name));
        // Refused: nlohmann's parser says where, or takes what RapidJSON would not.
        WholeSax sax;
        json::sax_parse(bytes.begin(), bytes.end(), &sax, json::input_format_t::json, true);
        if (sax.too_deep()) return util::unexpected(too_deep(name));
        if (!sax.error().empty())
            return util::unexpected(ReadProblem{
                fmt::format("{}: {}", place(bytes, sax.error_at(), name), plain(sax.error()))});
    }
    return read_header(bytes, name);
}

std::string subject_node(const ReportHeader& header) {
    if (!header.node.empty()) return header.node;
    return header.scope == "cluster" ? "cluster" : header.host;
}

bool is_merged(const ReportFile& report) {
    return !report.header.merged.empty() ||
           std::any_of(report.results.begin(), report.results.end(),
                       [](const ReportResult& r) { return !r.node_results.empty(); });
}

util::Expected<ReportFile, ReadProblem> read_report(std::string_view bytes,
                                                    const std::string& name) {
    if (util::json_nesting_past(bytes)) return util::unexpected(too_deep(name));
    nlohmann::ordered_json doc;
    try {
        doc = nlohmann::ordered_json::parse(bytes.begin(), bytes.end());
    } catch (const json::parse_error& e) {
        return util::unexpected(ReadProblem{fmt::format(
            "{}: {}", place(bytes, e.byte == 0 ? 0 : e.byte - 1, name), plain(e.what()))});
    } catch (const json::out_of_range& e) {
        // A number beyond a double (5e11011) is this, not a parse_error, and has no place.
        return util::unexpected(ReadProblem{fmt::format("{}: {}", name, plain(e.what()))});
    }
    auto header = header_of(doc, name);
    if (!header) return util::unexpected(header.error());
    ReportFile file{std::move(*header), {}, frameworks_of(doc)};
    if (!doc.contains("results") || !doc["results"].is_array()) {
        return util::unexpected(
            ReadProblem{fmt::format("{}: the report has no results list", name)});
    }
    size_t index = 0;
    for (const auto& r : doc["results"]) {
        if (!r.is_object())  // each result is read by key: anything else is no result
            return util::unexpected(ReadProblem{
                fmt::format("{}: result {} of the report is not an object", name, index)});
        file.results.push_back(result_of(r));
        ++index;
    }
    return file;
}

}  // namespace kubeproof::history
