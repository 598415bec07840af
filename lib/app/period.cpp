#include "app/period.hpp"

#include <algorithm>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "app/store_indexes.hpp"
#include "app/stored_reports.hpp"
#include "evidence/signing.hpp"
#include "history/period.hpp"
#include "history/report_rows.hpp"
#include "history/waivers.hpp"
#include "local/local_files.hpp"
#include "report/period_writers.hpp"

namespace kubeproof::app {

namespace {

/// The framework's catalogue and the checks the definitions map to it (id and title from the
/// first benchmark, by id, that has the key).
void describe_framework(const model::Framework& fw, const model::Definitions& defs,
                        history::PeriodInput& input) {
    input.framework = fw.id;
    input.framework_title = fw.title;
    input.catalogue = fw.criteria;
    std::set<std::string> described;
    auto add = [&](const std::string& key, const std::string& id, const std::string& title) {
        const auto links = fw.mappings.find(key);
        if (links == fw.mappings.end() || !described.insert(key).second) return;
        history::MappedCheck check{id, key, title, {}};
        for (const auto& link : links->second) check.criteria.push_back(link.id);
        input.mapped.push_back(std::move(check));
    };
    for (const auto& [id, benchmark] : defs.benchmarks) {
        for (const auto& section : benchmark.sections) {
            for (const auto& group : section.groups) {
                for (const auto& check : group.checks) add(check.key, check.id, check.title);
            }
        }
    }
    for (const auto& [key, links] : fw.mappings) add(key, "", "");
}

/// Frees what neither verify nor the period report reads of a header: a year of a fleet keeps
/// 36,500 of them, and each such string left would also pin the parse's freed memory around it.
void drop_unread(history::ReportHeader& h) {
    for (std::string* field :
         {&h.schema, &h.id, &h.finished_at, &h.benchmark_title, &h.kubernetes_version})
        std::string().swap(*field);
    std::vector<std::string>().swap(h.detected);
    if (!h.node.empty())
        std::string().swap(h.host);  // the host stands for the node only without one
}

/// Reads the reports into `input` (those of the --cluster filter); the clusters seen, all of them.
struct Reader {
    const std::vector<FoundReport>& found;
    const PublicKeys& keys;
    const PeriodRequest& request;
    history::PeriodInput& input;
    StoreIndexes& indexes;
    std::string keys_id;  ///< index_keys(keys)
    std::vector<char> kept;
    std::set<std::string> clusters;
    std::mutex mutex;
    /// Per store index, per kind of result: its compact result for the framework, once interned
    /// (-1: not yet; -2: it supports none of the framework's criteria).
    std::vector<std::vector<int64_t>> kinds;
    std::vector<history::ScanResult> interned;
    std::vector<char> waivers_used;  ///< --waivers: per waiver, whether it covered a kept result

    std::optional<std::string> read(size_t i) {
        const FoundReport& file = found[i];
        if (indexes.stores() > 0 && !request.waivers) {
            if (auto hit = indexes.find(file, keys_id)) return from_index(i, file, *hit);
        }
        // One buffer per thread for all its reports: no 190 KB allocation per report, no
        // fragments of them left between the small allocations that stay.
        thread_local std::string bytes;
        if (auto error = local::read_local_file_into(file.path, bytes)) return error->message;
        // A report outside a period given with --from or --to counts only by its header: it is not
        // hashed, its signature is not checked and its results are not read.
        if (request.from || request.to) {
            auto header = history::read_header(bytes, file.path);
            if (!header) return header.error().message;
            if (!in_period(*header)) {
                drop_unread(*header);
                if (keep(i, file, *header)) input.reports[i].header = std::move(*header);
                return std::nullopt;
            }
        }
        thread_local std::vector<history::ResultRow> rows;  // reused, as `bytes` is
        std::vector<char> used;
        auto header = request.waivers
                          ? rows_with_waivers(bytes, file.path, rows, used)
                          : history::read_rows_into(bytes, file.path, request.framework, rows);
        if (!header) return header.error().message;
        if (!keep(i, file, *header)) return std::nullopt;
        if (!used.empty()) {
            const std::lock_guard lock(mutex);
            for (size_t w = 0; w < used.size(); ++w) {
                if (used[w] != 0) waivers_used[w] = 1;
            }
        }
        history::VerifyInput& out = input.reports[i];
        out.sha256 = evidence::sha256_hex(bytes);
        out.signature = check_signature(file.path, bytes, keys, out.signature_detail);
        drop_unread(*header);
        out.header = std::move(*header);
        const std::lock_guard lock(mutex);
        auto results = input.tables.intern(rows);
        if (!results) return fmt::format("{}: {}", file.path, results.error());
        input.results[i] = std::move(*results);
        return std::nullopt;
    }

    /// The report read whole, its rows for the framework with the waivers of --waivers decided
    /// at the scan's time in place of those it carried.
    /// `used` gets, per waiver of the file, whether it covered a result of the report (of any
    /// framework: a waiver of a check this framework does not map is not stale).
    util::Expected<history::ReportHeader, history::ReadProblem> rows_with_waivers(
        const std::string& bytes, const std::string& name, std::vector<history::ResultRow>& rows,
        std::vector<char>& used) {
        auto report = history::read_report(bytes, name);
        if (!report) return util::unexpected(report.error());
        const std::time_t at = history::parse_rfc3339(report->header.started_at).value_or(0);
        used.assign(request.waivers->waivers.size(), 0);
        rows.clear();
        for (const auto& result : report->results) {
            auto waiver =
                history::stored_waiver(*request.waivers, result, report->header, at, used);
            const auto criteria = result.controls.find(request.framework);
            if (criteria == result.controls.end() || criteria->second.empty()) continue;
            rows.push_back({result.id, result.key, result.title, result.status, criteria->second,
                            std::move(waiver)});
        }
        return std::move(report->header);
    }

    /// What read() does, from what the store's index recorded of the report (unchanged since):
    /// the same header, digest, signature state and rows, without reading the file.
    std::optional<std::string> from_index(size_t i, const FoundReport& file,
                                          const StoreIndexes::Hit& hit) {
        index::Entry& entry = *hit.entry;  // each report is found once: take what it holds
        history::ReportHeader header = std::move(entry.header);
        if ((request.from || request.to) && !in_period(header)) {
            drop_unread(header);
            if (keep(i, file, header)) input.reports[i].header = std::move(header);
            return std::nullopt;
        }
        if (!keep(i, file, header)) return std::nullopt;
        history::VerifyInput& out = input.reports[i];
        out.sha256 = entry.sha256;
        if (!keys.empty()) {
            out.signature = entry.signature;
            out.signature_detail = entry.signature_detail;
        }
        drop_unread(header);
        out.header = std::move(header);
        std::vector<history::ScanResult> results;
        results.reserve(entry.results.size());
        const std::lock_guard lock(mutex);
        auto& known = kinds[hit.store];
        if (known.empty()) known.assign(hit.snapshot->kinds.size(), -1);
        for (const uint32_t k : entry.results) {
            if (known[k] == -1) {
                auto row = framework_row(hit.snapshot->kinds[k]);
                if (!row) {
                    known[k] = -2;
                } else {
                    auto result = input.tables.intern(*row);
                    if (!result) return fmt::format("{}: {}", file.path, result.error());
                    known[k] = static_cast<int64_t>(interned.size());
                    interned.push_back(*result);
                }
            }
            if (known[k] >= 0) results.push_back(interned[static_cast<size_t>(known[k])]);
        }
        input.results[i] = std::move(results);
        std::vector<uint32_t>().swap(entry.results);
        return std::nullopt;
    }

    /// An indexed result as read_rows() reads it for the framework: its criteria of the
    /// framework, in order; none when it supports none.
    std::optional<history::ResultRow> framework_row(const history::ResultRow& every) const {
        history::ResultRow row{every.id, every.key, every.title, every.status, {}, every.waiver};
        const std::string prefix = request.framework + '\t';
        for (const auto& criterion : every.criteria) {
            if (criterion.starts_with(prefix))
                row.criteria.push_back(criterion.substr(prefix.size()));
        }
        if (row.criteria.empty()) return std::nullopt;
        return row;
    }

    bool in_period(const history::ReportHeader& header) const {
        const std::time_t started = history::parse_rfc3339(header.started_at).value_or(0);
        return (!request.from || started >= *request.from) &&
               (!request.to || started < *request.to);
    }

    /// Notes the report's cluster; whether the --cluster filter keeps it (then its place is kept).
    bool keep(size_t i, const FoundReport& file, const history::ReportHeader& header) {
        {
            const std::lock_guard lock(mutex);
            clusters.insert(history::cluster_of(header));
            if (!header.cluster_name.empty()) clusters.insert(header.cluster_name);
        }
        if (!history::in_clusters(header, request.clusters)) return false;
        input.reports[i].path = file.path;
        input.reports[i].relative = file.relative;
        kept[i] = 1;
        return true;
    }
};

/// Drops the reports the --cluster filter left out, keeping the order.
void keep_only(const std::vector<char>& kept, history::PeriodInput& input) {
    size_t next = 0;
    for (size_t i = 0; i < kept.size(); ++i) {
        if (!kept[i]) continue;
        if (next != i) {
            input.reports[next] = std::move(input.reports[i]);
            input.results[next] = std::move(input.results[i]);
        }
        ++next;
    }
    input.reports.resize(next);
    input.results.resize(next);
}

std::string known_frameworks(const model::Definitions& defs) {
    std::vector<std::string> ids;
    for (const auto& [id, fw] : defs.frameworks) ids.push_back(id);
    return fmt::format("{}", fmt::join(ids, ", "));
}

}  // namespace

std::vector<std::string> period_formats() {
    std::vector<std::string> out;
    for (const auto& writer : report::period_writers()) out.emplace_back(writer.format);
    return out;
}

util::Expected<PeriodResult, ScanError> period_report(
    const model::Definitions& definitions, const PeriodRequest& request,
    const std::function<void(std::string_view)>& sink) {
    const auto fw = definitions.frameworks.find(request.framework);
    if (fw == definitions.frameworks.end()) {
        return util::unexpected(
            ScanError{2, fmt::format("unknown framework '{}' (known: {})", request.framework,
                                     known_frameworks(definitions))});
    }
    const report::PeriodWriter* writer = report::find_period_writer(request.format);
    if (writer == nullptr)
        return util::unexpected(ScanError{2, "unknown format '" + request.format + "'"});
    auto keys = load_keys(request.key_files);
    if (!keys) return util::unexpected(keys.error());
    auto found = find_reports(request.inputs);
    if (!found) return util::unexpected(found.error());

    history::PeriodInput input;
    describe_framework(fw->second, definitions, input);
    input.reports.resize(found->size());
    input.results.resize(found->size());
    StoreIndexes indexes =
        request.use_index ? StoreIndexes::load(request.inputs, *keys) : StoreIndexes();
    Reader reader{*found,
                  *keys,
                  request,
                  input,
                  indexes,
                  index_keys(*keys),
                  std::vector<char>(found->size(), 0),
                  {},
                  {},
                  std::vector<std::vector<int64_t>>(indexes.stores()),
                  {},
                  std::vector<char>(request.waivers ? request.waivers->waivers.size() : 0, 0)};
    if (auto problem = for_each_report(found->size(), [&](size_t i) { return reader.read(i); }))
        return util::unexpected(ScanError{2, *problem});
    indexes = StoreIndexes();  // what was not taken from them is no longer needed
    for (const auto& cluster : request.clusters) {
        if (reader.clusters.count(cluster) == 0)
            return util::unexpected(ScanError{
                2, fmt::format("--cluster {}: no report of this cluster under the paths given "
                               "(clusters: {})",
                               cluster, fmt::join(reader.clusters, ", "))});
    }
    keep_only(reader.kept, input);

    history::PeriodOptions options{request.from,      request.to,   request.every,
                                   request.clusters,  std::nullopt, request.now,
                                   KUBEPROOF_VERSION, std::nullopt, {}};
    if (request.sample)
        options.sample = history::SampleRequest{*request.sample, request.seed.value_or(0)};
    if (request.waivers) {
        options.waivers_file = std::pair(request.waivers->path, request.waivers->sha256);
        for (size_t w = 0; w < request.waivers->waivers.size(); ++w) {
            const model::Waiver& waiver = request.waivers->waivers[w];
            if (!reader.waivers_used[w])
                options.stale_waivers.emplace_back(waiver.source, waiver.check);
        }
    }
    auto decided = history::period(input, options);
    if (!decided) return util::unexpected(ScanError{2, decided.error()});
    input = history::PeriodInput{};  // the reports' rows are no longer needed while rendering
    writer->render(*decided, sink);
    return PeriodResult{decided->intact(), decided->uncovered_failures, decided->scans.size()};
}

}  // namespace kubeproof::app
