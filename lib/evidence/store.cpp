#include "evidence/store.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "history/layout.hpp"
#include "local/atomic_write.hpp"
#include "local/local_files.hpp"
#include "local/store_files.hpp"
#include "util/text.hpp"

namespace kubeproof::evidence {

namespace {

history::SeriesKey key_of(const model::ScanInfo& scan) {
    return {scan.cluster_name, scan.cluster_uid,
            scan.scope,        scan.node.empty() ? scan.host : scan.node,
            scan.benchmark,    scan.targets};
}

/// Where a series stands: the highest seq any file of it carries (a report, an envelope, or the
/// `.partial` of a run that died half way: a seq once used is never used again), and the newest
/// report (the highest-seq `.json`), which the next report links to.
struct Last {
    uint64_t seq = 0;
    uint64_t report_seq = 0;
    std::string report_path;
};

/// The report a store file belongs to: itself, or the report its envelope or a half-written
/// temporary (".partial") stands beside.
std::string report_name_of(std::string name) {
    for (const std::string_view suffix : {".partial", ".sig"}) {
        if (name.ends_with(suffix)) name.resize(name.size() - suffix.size());
    }
    return name;
}

void scan_day(const std::string& day_dir, Last& last) {
    auto files = local::list_names(day_dir);
    if (!files) return;
    for (const auto& name : *files) {
        const uint64_t seq = history::seq_in_file_name(report_name_of(name));
        if (seq == 0) continue;
        last.seq = std::max(last.seq, seq);
        if (name.ends_with(".json") && seq > last.report_seq) {
            last.report_seq = seq;
            last.report_path = util::join_path(day_dir, name);
        }
    }
}

/// Walks the day folders newest first and stops at the first that holds a report.
util::Expected<Last, std::string> last_report(const std::string& series_dir) {
    Last last;
    auto years = local::list_names(series_dir);
    if (!years) return util::unexpected(years.error().message);
    for (auto y = years->rbegin(); y != years->rend(); ++y) {
        const std::string year_dir = util::join_path(series_dir, *y);
        auto months = local::list_names(year_dir);
        if (!months) continue;
        for (auto m = months->rbegin(); m != months->rend(); ++m) {
            const std::string month_dir = util::join_path(year_dir, *m);
            auto days = local::list_names(month_dir);
            if (!days) continue;
            for (auto d = days->rbegin(); d != days->rend(); ++d) {
                scan_day(util::join_path(month_dir, *d), last);
                if (!last.report_path.empty()) return last;
            }
        }
    }
    return last;
}

/// The series' `.head`: "<seq> <sha256>" of the last report stored, so that deleting the newest
/// report (and its envelope) does not hand its seq to the next scan, nor let the next report link
/// past it: the hole stays `missing` for verify. Absent (a store from before it) or unreadable,
/// the files decide alone.
struct Head {
    uint64_t seq = 0;
    std::string sha256;
};

std::optional<Head> read_head(const std::string& series_dir) {
    auto text = local::read_local_file_head(series_dir + "/.head", 256);
    if (!text) return std::nullopt;
    const auto space = text->find(' ');
    if (space == std::string::npos) return std::nullopt;
    uint64_t seq = 0;
    const auto [end, error] = std::from_chars(text->data(), text->data() + space, seq);
    if (error != std::errc() || end != text->data() + space) return std::nullopt;
    std::string sha = text->substr(space + 1);
    while (!sha.empty() && (sha.back() == '\n' || sha.back() == '\r')) sha.pop_back();
    if (seq == 0 || sha.size() != 64 ||
        !std::all_of(sha.begin(), sha.end(), [](char c) { return std::isxdigit(c) != 0; }))
        return std::nullopt;
    return Head{seq, sha};
}

util::Expected<model::SeriesLink, std::string> next_link(const std::string& series,
                                                         const std::string& series_dir) {
    auto last = last_report(series_dir);
    if (!last) return util::unexpected(last.error());
    const auto head = read_head(series_dir);
    model::SeriesLink link{series, std::max(last->seq, head ? head->seq : 0) + 1, {}};
    if (head && head->seq >= last->report_seq) {
        link.previous = head->sha256;  // the last report stored, whether or not it is still there
        return link;
    }
    if (last->report_path.empty()) return link;
    auto bytes = local::read_local_file(last->report_path);
    if (!bytes)
        return util::unexpected("cannot read the series' last report: " + bytes.error().message);
    link.previous = sha256_hex(*bytes);
    return link;
}

}  // namespace

util::Expected<Stored, std::string> store_report(
    const std::string& dir, model::Report& report,
    const std::function<std::string(const model::Report&)>& render, const Ed25519Key* key) {
    const history::SeriesKey series = key_of(report.scan);
    const std::string series_dir =
        dir + "/" + history::cluster_folder(series) + "/" + history::series_name(series);
    if (auto problem = local::make_directories(series_dir)) return util::unexpected(*problem);
    auto lock = local::FileLock::acquire(series_dir + "/.lock");
    if (!lock) return util::unexpected(lock.error());
    auto link = next_link(history::series_name(series), series_dir);
    if (!link) return util::unexpected(link.error());
    report.scan.link = *link;
    Stored stored;
    stored.path = dir + "/" + history::report_path(series, report.scan.started_at, link->seq);
    stored.bytes = render(report);
    if (auto problem = local::make_directories(stored.path.substr(0, stored.path.rfind('/'))))
        return util::unexpected(*problem);
    if (key !=
        nullptr) {  // the envelope first: a report is never in the store without its signature
        stored.signature_path = stored.path + ".sig";
        const std::string envelope = envelope_json(stored.bytes, k_report_payload_type, *key);
        if (auto problem = local::create_file_exclusive(stored.signature_path, envelope))
            return util::unexpected(*problem);
    }
    if (auto problem = local::create_file_exclusive(stored.path, stored.bytes))
        return util::unexpected(*problem);
    if (auto problem = local::write_file_atomically(
            series_dir + "/.head", fmt::format("{} {}\n", link->seq, sha256_hex(stored.bytes))))
        return util::unexpected(*problem);
    return stored;
}

}  // namespace kubeproof::evidence
