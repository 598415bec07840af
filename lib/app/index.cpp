#include "app/index.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <set>

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/keep.hpp"
#include "app/store_indexes.hpp"
#include "app/stored_reports.hpp"
#include "evidence/signing.hpp"
#include "history/period.hpp"
#include "history/report_rows.hpp"
#include "local/atomic_write.hpp"
#include "local/local_files.hpp"
#include "local/store_files.hpp"
#include "report/csv.hpp"
#include "util/escape.hpp"

namespace kubeproof::app {

namespace {

std::string index_path(const std::string& folder) {
    return (folder.ends_with('/') ? folder : folder + "/") + std::string(index::k_file_name);
}

/// The stamp text of a report's envelope, "" when it has none.
std::string envelope_stamp(const std::string& report) {
    const auto stamp = local::stamp_of(report + ".sig");
    return stamp ? index::stamp_text(*stamp) : std::string();
}

/// Whether what the index recorded of a report still holds: the report unchanged and, when
/// signatures are checked, checked with the same keys against the same envelope.
bool still_holds(const index::Entry& entry, const local::FileStamp& stamp, const std::string& path,
                 const std::string& keys) {
    if (!(entry.report == stamp)) return false;
    if (keys.empty()) return true;
    return entry.keys == keys && entry.envelope == envelope_stamp(path);
}

// ---- the status rows export

constexpr std::string_view k_csv_header =
    "started_at,cluster,node,series,seq,file,sha256,signature,check_id,key,title,status,"
    "waiver_source,waiver_state,controls\r\n";

std::string_view field(const history::ResultRow& row, std::string_view name) {
    for (const auto& [key, value] : row.waiver) {
        if (key == name) return value;
    }
    return {};
}

void export_rows(const index::Snapshot& snapshot, std::string_view format,
                 const std::function<void(std::string_view)>& sink) {
    std::vector<const index::Entry*> order;
    order.reserve(snapshot.reports.size());
    for (const auto& [path, entry] : snapshot.reports) order.push_back(&entry);
    std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
        return a->header.started_at < b->header.started_at;
    });
    const bool csv = format == "csv";
    std::string out;
    if (csv) out += k_csv_header;
    for (const index::Entry* e : order) {
        const std::string cluster = history::cluster_of(e->header);
        const std::string node = history::subject_node(e->header);
        for (const uint32_t k : e->results) {
            const history::ResultRow& row = snapshot.kinds[k];
            if (csv) {
                std::string controls;
                for (const auto& criterion : row.criteria) {
                    if (!controls.empty()) controls += ' ';
                    std::string item = criterion;
                    std::replace(item.begin(), item.end(), '\t', ':');
                    controls += item;
                }
                const std::vector<std::string> fields = {
                    e->header.started_at,
                    cluster,
                    node,
                    e->header.series,
                    std::to_string(e->header.seq),
                    e->relative,
                    e->sha256,
                    std::string(index::signature_text(e->signature)),
                    row.id,
                    row.key,
                    row.title,
                    row.status,
                    std::string(field(row, "source")),
                    std::string(field(row, "state")),
                    controls};
                for (size_t i = 0; i < fields.size(); ++i) {
                    if (i) out += ',';
                    out += report::csv_field(fields[i]);
                }
                out += "\r\n";
            } else {
                nlohmann::ordered_json controls = nlohmann::ordered_json::object();
                for (const auto& criterion : row.criteria) {
                    const size_t tab = criterion.find('\t');
                    controls[criterion.substr(0, tab)].push_back(
                        tab == std::string::npos ? "" : criterion.substr(tab + 1));
                }
                nlohmann::ordered_json waiver = nullptr;
                if (!row.waiver.empty()) {
                    waiver = nlohmann::ordered_json::object();
                    for (const auto& [key, value] : row.waiver) waiver[key] = value;
                }
                const nlohmann::ordered_json line = {
                    {"started_at", e->header.started_at},
                    {"cluster", cluster},
                    {"node", node},
                    {"series", e->header.series},
                    {"seq", e->header.seq},
                    {"file", e->relative},
                    {"sha256", e->sha256},
                    {"signature", index::signature_text(e->signature)},
                    {"check_id", row.id},
                    {"key", row.key},
                    {"title", row.title},
                    {"status", row.status},
                    {"waiver", waiver},
                    {"controls", controls},
                };
                out += line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
                out += '\n';
            }
            if (out.size() >= 65536) {
                sink(out);
                out.clear();
            }
        }
    }
    if (!out.empty()) sink(out);
}

}  // namespace

std::string index_keys(const PublicKeys& keys) {
    std::vector<std::string> ids;
    for (const auto& [id, key] : keys) ids.push_back(id);
    return index::keys_text(ids);
}

std::vector<std::string> index_export_formats() { return {"csv", "jsonl"}; }

util::Expected<IndexResult, ScanError> index_store(
    const IndexRequest& request, const std::function<void(std::string_view)>& sink) {
    auto fail = [](std::string message) {
        return util::unexpected(ScanError{2, std::move(message)});
    };
    auto keys = load_keys(request.key_files);
    if (!keys) return util::unexpected(keys.error());
    if (!request.sign_key.empty()) {
        if (auto problem = check_sign_key(request.sign_key)) return util::unexpected(*problem);
    }
    auto found = find_reports({request.store});
    if (!found) return util::unexpected(found.error());
    for (const auto& file : *found) {
        if (file.relative.empty())
            return fail(
                fmt::format("{}: index works on a store folder, not a file", request.store));
    }
    IndexResult result;
    result.path = index_path(request.store);
    if (request.rebuild && std::remove(result.path.c_str()) != 0 && errno != ENOENT)
        return fail(fmt::format("{}: cannot remove it: {}", result.path, std::strerror(errno)));
    auto opened = index::Index::open(result.path, true);
    if (!opened) return fail(opened.error());
    index::Index& idx = *opened;
    auto known = idx.load();
    if (!known) return fail(known.error());
    const std::string keys_id = index_keys(*keys);

    std::vector<size_t> to_read;
    std::vector<local::FileStamp> stamps(found->size());
    for (size_t i = 0; i < found->size(); ++i) {
        const auto& file = (*found)[i];
        const auto stamp = local::stamp_of(file.path);
        if (!stamp) {  // why: what reading it says (a FIFO, a device, missing, denied)
            const auto readable = local::read_local_file_head(file.path, 0);
            return fail(readable ? fmt::format("{}: cannot be read", file.path)
                                 : readable.error().message);
        }
        stamps[i] = *stamp;
        const auto entry = known->reports.find(file.relative);
        if (entry != known->reports.end() &&
            still_holds(entry->second, *stamp, file.path, keys_id)) {
            ++result.unchanged;
            continue;
        }
        to_read.push_back(i);
    }
    if (auto problem = idx.begin()) return fail(*problem);
    auto problem = for_each_report(to_read.size(), [&](size_t n) -> std::optional<std::string> {
        const FoundReport& file = (*found)[to_read[n]];
        thread_local std::string bytes;
        thread_local std::vector<history::ResultRow> rows;
        // The envelope's stamp before reading it, the report's (taken above) before reading it:
        // a file that changes afterwards has another stamp, and is read again next time.
        index::Entry entry;
        entry.relative = file.relative;
        entry.report = stamps[to_read[n]];
        entry.envelope = envelope_stamp(file.path);
        if (auto error = local::read_local_file_into(file.path, bytes)) return error->message;
        auto header = history::read_rows_into(bytes, file.path,
                                              std::string(history::k_every_framework), rows);
        if (!header) return header.error().message;
        entry.header = std::move(*header);
        entry.sha256 = evidence::sha256_hex(bytes);
        entry.keys = keys->empty() ? std::string() : keys_id;
        entry.signature = check_signature(file.path, bytes, *keys, entry.signature_detail);
        if (auto put = idx.put(entry, rows)) return *put;
        return std::nullopt;
    });
    if (problem) return fail(*problem);
    std::set<std::string_view> present;
    for (const auto& file : *found) present.insert(file.relative);
    for (const auto& [relative, entry] : known->reports) {
        if (present.count(relative) != 0) continue;
        if (auto removed = idx.remove(relative)) return fail(*removed);
        ++result.removed;
    }
    if (auto committed = idx.commit()) return fail(*committed);
    if (auto signed_index = sign_index(result.path, request.sign_key)) return fail(*signed_index);
    result.reports = found->size();
    result.read = to_read.size();
    if (!request.export_format.empty()) {
        known = idx.load();
        if (!known) return fail(known.error());
        export_rows(*known, request.export_format, sink);
    }
    return result;
}

// ---- the index's signature

std::optional<std::string> sign_index(const std::string& path, const std::string& sign_key) {
    const std::string signature = path + ".sig";
    if (sign_key.empty()) {  // an envelope of an earlier index no longer says anything of this one
        if (::unlink(signature.c_str()) != 0 && errno != ENOENT)
            return fmt::format("{}: cannot remove it: {}", signature, std::strerror(errno));
        return std::nullopt;
    }
    auto bytes = local::read_local_file(path);
    if (!bytes) return bytes.error().message;
    auto envelope = sign_payload(evidence::index_digest_payload(*bytes),
                                 evidence::k_index_payload_type, sign_key);
    if (!envelope) return envelope.error().message;
    return local::write_file_atomically(signature, *envelope);
}

std::optional<std::string> index_signature_problem(const std::string& path,
                                                   const PublicKeys& keys) {
    auto text = local::read_local_file(path + ".sig");
    if (!text)
        return text.error().kind == util::IoError::Kind::NotFound
                   ? fmt::format(
                         "{}: not signed, and --key was given (kubeproof index "
                         "--sign-key signs it)",
                         path)
                   : text.error().message;
    auto envelope = evidence::read_envelope(*text, true);
    if (!envelope) return fmt::format("{}.sig: {}", path, envelope.error());
    if (envelope->payload_type != evidence::k_index_payload_type)
        return fmt::format("{}.sig: payload type {}", path, envelope->payload_type);
    if (envelope_state(*envelope, envelope->payload, keys) != history::SignatureState::Valid)
        return fmt::format("{}: signed by none of the --key keys", path);
    auto bytes = local::read_local_file(path);
    if (!bytes) return bytes.error().message;
    if (evidence::index_digest_payload(*bytes) != envelope->payload)
        return fmt::format("{}: not the index its signature signed", path);
    return std::nullopt;
}

// ---- what `report` reads from the indexes

struct StoreIndexes::State {
    std::map<std::string, size_t, std::less<>> folders;  ///< folder with a trailing '/' -> store
    std::vector<index::Snapshot> snapshots;
};

StoreIndexes::StoreIndexes() : m_state(std::make_unique<State>()) {}
StoreIndexes::StoreIndexes(StoreIndexes&&) noexcept = default;
StoreIndexes& StoreIndexes::operator=(StoreIndexes&&) noexcept = default;
StoreIndexes::~StoreIndexes() = default;

StoreIndexes StoreIndexes::load(const std::vector<std::string>& inputs, const PublicKeys& keys) {
    StoreIndexes out;
    for (const auto& input : inputs) {
        const std::string path = index_path(input);
        const auto before = local::stamp_of(path);
        if (!before) continue;
        // With keys, the index stands in for signed reports only when one of the keys signed it:
        // rows anyone could write would otherwise pass for what the signatures cover.
        if (!keys.empty()) {
            if (auto unsigned_index = index_signature_problem(path, keys)) {
                std::fprintf(stderr,
                             "kubeproof: warning: the index is not used, the reports are read: "
                             "%s\n",
                             util::escape_text(*unsigned_index).c_str());
                continue;
            }
        }
        auto opened = index::Index::open(path, false);
        auto snapshot =
            opened ? opened->load()
                   : util::Expected<index::Snapshot, std::string>(util::unexpected(opened.error()));
        // What was loaded is what was checked: a file changed since leaves a new stamp.
        if (snapshot && !keys.empty() && local::stamp_of(path) != before)
            snapshot = util::unexpected(path + ": changed while it was being read");
        if (!snapshot) {
            std::fprintf(stderr,
                         "kubeproof: warning: the index is not used, the reports are read: %s\n",
                         util::escape_text(snapshot.error()).c_str());
            continue;
        }
        const std::string folder = input.ends_with('/') ? input : input + "/";
        if (out.m_state->folders.count(folder) != 0) continue;
        out.m_state->folders.emplace(folder, out.m_state->snapshots.size());
        out.m_state->snapshots.push_back(std::move(*snapshot));
    }
    return out;
}

size_t StoreIndexes::stores() const { return m_state->snapshots.size(); }

std::optional<StoreIndexes::Hit> StoreIndexes::find(const FoundReport& file,
                                                    const std::string& keys) {
    if (m_state->snapshots.empty() || file.relative.empty() ||
        file.path.size() <= file.relative.size())
        return std::nullopt;
    const std::string_view folder =
        std::string_view(file.path).substr(0, file.path.size() - file.relative.size());
    const auto store = m_state->folders.find(folder);
    if (store == m_state->folders.end()) return std::nullopt;
    index::Snapshot& snapshot = m_state->snapshots[store->second];
    const auto entry = snapshot.reports.find(file.relative);
    if (entry == snapshot.reports.end()) return std::nullopt;
    const auto stamp = local::stamp_of(file.path);
    if (!stamp || !still_holds(entry->second, *stamp, file.path, keys)) return std::nullopt;
    return Hit{&entry->second, &snapshot, store->second};
}

}  // namespace kubeproof::app
