#include "evidence/store.hpp"

#include "history/layout.hpp"
#include "local/local_files.hpp"
#include "local/store_files.hpp"

namespace kubeproof::evidence {

namespace {

history::SeriesKey key_of(const model::ScanInfo& scan) {
    return {scan.cluster_name, scan.cluster_uid,
            scan.scope,        scan.node.empty() ? scan.host : scan.node,
            scan.benchmark,    scan.targets};
}

/// The last report of a series: the newest day folder that holds one, and in it the highest seq.
struct Last {
    uint64_t seq = 0;
    std::string path;
};

Last last_in_day(const std::string& day_dir) {
    Last last;
    auto files = local::list_names(day_dir);
    if (!files) return last;
    for (const auto& name : *files) {
        if (const uint64_t seq = history::seq_in_file_name(name); seq > last.seq)
            last = {seq, day_dir + "/" + name};
    }
    return last;
}

util::Expected<Last, std::string> last_report(const std::string& series_dir) {
    auto years = local::list_names(series_dir);
    if (!years) return util::unexpected(years.error().message);
    for (auto y = years->rbegin(); y != years->rend(); ++y) {
        auto months = local::list_names(series_dir + "/" + *y);
        if (!months) continue;
        for (auto m = months->rbegin(); m != months->rend(); ++m) {
            const std::string month_dir = series_dir + "/" + *y + "/" + *m;
            auto days = local::list_names(month_dir);
            if (!days) continue;
            for (auto d = days->rbegin(); d != days->rend(); ++d) {
                if (Last last = last_in_day(month_dir + "/" + *d); last.seq > 0) return last;
            }
        }
    }
    return Last{};
}

util::Expected<model::SeriesLink, std::string> next_link(const std::string& series,
                                                         const std::string& series_dir) {
    auto last = last_report(series_dir);
    if (!last) return util::unexpected(last.error());
    model::SeriesLink link{series, last->seq + 1, {}};
    if (last->seq == 0) return link;
    auto bytes = local::read_local_file(last->path);
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
    return stored;
}

}  // namespace kubeproof::evidence
