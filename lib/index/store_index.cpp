#include "index/store_index.hpp"

#include <unistd.h>
#include <array>
#include <cstring>
#include <mutex>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>
#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include "history/period.hpp"
#include "util/json_depth.hpp"

namespace kubeproof::index {

namespace {

using nlohmann::json;

constexpr const char* k_schema = R"sql(
CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE checks(ref INTEGER PRIMARY KEY, check_id TEXT NOT NULL, key TEXT NOT NULL,
                    title TEXT NOT NULL, controls TEXT NOT NULL,
                    UNIQUE(check_id, key, title, controls));
CREATE TABLE statuses(ref INTEGER PRIMARY KEY, status TEXT NOT NULL UNIQUE);
CREATE TABLE waivers(ref INTEGER PRIMARY KEY, fields TEXT NOT NULL UNIQUE);
CREATE TABLE kinds(ref INTEGER PRIMARY KEY, check_ref INTEGER NOT NULL REFERENCES checks(ref),
                   status_ref INTEGER NOT NULL REFERENCES statuses(ref),
                   waiver_ref INTEGER NOT NULL, UNIQUE(check_ref, status_ref, waiver_ref));
CREATE TABLE reports(path TEXT PRIMARY KEY, inode INTEGER NOT NULL, size INTEGER NOT NULL,
                     mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, envelope TEXT NOT NULL,
                     keys TEXT NOT NULL, signature TEXT NOT NULL, signature_detail TEXT NOT NULL,
                     sha256 TEXT NOT NULL, cluster TEXT NOT NULL, subject TEXT NOT NULL,
                     schema TEXT NOT NULL, tool_version TEXT NOT NULL,
                     definitions_sha256 TEXT NOT NULL, scan_id TEXT NOT NULL,
                     started_at TEXT NOT NULL, finished_at TEXT NOT NULL, host TEXT NOT NULL,
                     benchmark TEXT NOT NULL, benchmark_title TEXT NOT NULL,
                     kubernetes_version TEXT NOT NULL, targets TEXT NOT NULL,
                     detected TEXT NOT NULL, cluster_name TEXT NOT NULL,
                     cluster_uid TEXT NOT NULL, node TEXT NOT NULL, scope TEXT NOT NULL,
                     series TEXT NOT NULL, seq INTEGER NOT NULL, previous TEXT,
                     inventory TEXT, merged TEXT, results BLOB NOT NULL);
CREATE INDEX reports_by_start ON reports(started_at);
)sql";

struct CloseDb {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;

/// A prepared statement, reset for reuse after each run.
class Statement {
public:
    Statement() = default;
    Statement(sqlite3* db, const char* sql) : m_db(db) {
        if (sqlite3_prepare_v2(db, sql, -1, &m_stmt, nullptr) != SQLITE_OK) m_stmt = nullptr;
    }
    Statement(Statement&& other) noexcept
        : m_db(other.m_db), m_stmt(std::exchange(other.m_stmt, nullptr)) {}
    Statement& operator=(Statement&& other) noexcept {
        std::swap(m_db, other.m_db);
        std::swap(m_stmt, other.m_stmt);
        return *this;
    }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement() { sqlite3_finalize(m_stmt); }

    explicit operator bool() const { return m_stmt != nullptr; }
    sqlite3_stmt* get() const { return m_stmt; }

    void bind(int i, std::string_view text) {
        sqlite3_bind_text(m_stmt, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    }
    void bind(int i, int64_t value) { sqlite3_bind_int64(m_stmt, i, value); }
    void bind_null(int i) { sqlite3_bind_null(m_stmt, i); }
    void bind_blob(int i, const void* data, size_t size) {
        sqlite3_bind_blob(m_stmt, i, data, static_cast<int>(size), SQLITE_TRANSIENT);
    }

    /// Runs a statement that returns no rows; false on an error.
    bool run() {
        const int rc = sqlite3_step(m_stmt);
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
        return rc == SQLITE_DONE;
    }
    /// Steps a query: SQLITE_ROW, SQLITE_DONE or an error code.
    int step() { return sqlite3_step(m_stmt); }

    std::string text(int column) const {
        const auto* data = sqlite3_column_text(m_stmt, column);
        const int size = sqlite3_column_bytes(m_stmt, column);
        return data ? std::string(reinterpret_cast<const char*>(data), static_cast<size_t>(size))
                    : std::string();
    }
    int64_t integer(int column) const { return sqlite3_column_int64(m_stmt, column); }
    bool is_null(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }

private:
    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
};

std::string error_of(sqlite3* db, std::string_view doing) {
    return fmt::format("{}: {}", doing, db ? sqlite3_errmsg(db) : "out of memory");
}

bool exec(sqlite3* db, const char* sql) {
    return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
}

constexpr std::array<std::pair<history::SignatureState, std::string_view>, 6> k_states = {{
    {history::SignatureState::NotChecked, "not-checked"},
    {history::SignatureState::Valid, "valid"},
    {history::SignatureState::Missing, "missing"},
    {history::SignatureState::UnknownKey, "unknown-key"},
    {history::SignatureState::Invalid, "invalid"},
    {history::SignatureState::Unreadable, "unreadable"},
}};

}  // namespace

std::string_view signature_text(history::SignatureState state) {
    for (const auto& [value, text] : k_states) {
        if (value == state) return text;
    }
    return "unreadable";
}

namespace {

std::optional<history::SignatureState> state_of(std::string_view text) {
    for (const auto& [value, name] : k_states) {
        if (name == text) return value;
    }
    return std::nullopt;
}

/// A list of strings as a JSON array (SQL can read it with json_each).
std::string list_text(const std::vector<std::string>& items) { return json(items).dump(); }

std::optional<std::vector<std::string>> list_of(std::string_view text) {
    if (util::json_nesting_past(text)) return std::nullopt;
    const json list = json::parse(text, nullptr, false);
    if (!list.is_array()) return std::nullopt;
    std::vector<std::string> out;
    out.reserve(list.size());
    for (const auto& item : list) {
        if (!item.is_string()) return std::nullopt;
        out.push_back(item.get<std::string>());
    }
    return out;
}

/// One string that tells kinds of result apart (fields separated by control characters that
/// reports' strings may hold, hence the lengths).
std::string kind_key(const history::ResultRow& row) {
    std::string out;
    auto add = [&out](std::string_view part) {
        out += std::to_string(part.size());
        out += ':';
        out += part;
    };
    add(row.id);
    add(row.key);
    add(row.title);
    add(row.status);
    out += std::to_string(row.criteria.size());
    for (const auto& criterion : row.criteria) add(criterion);
    out += std::to_string(row.waiver.size());
    for (const auto& [name, value] : row.waiver) {
        add(name);
        add(value);
    }
    return out;
}

std::string waiver_text(const std::vector<std::pair<std::string, std::string>>& fields) {
    json out = json::array();
    for (const auto& [name, value] : fields) out.push_back(json::array({name, value}));
    return out.dump();
}

/// The results column: one little-endian uint32 per result.
std::string pack(const std::vector<uint32_t>& refs) {
    std::string out(refs.size() * 4, '\0');
    for (size_t i = 0; i < refs.size(); ++i) {
        for (size_t b = 0; b < 4; ++b)
            out[i * 4 + b] = static_cast<char>((refs[i] >> (8 * b)) & 0xffU);
    }
    return out;
}

}  // namespace

std::string stamp_text(const local::FileStamp& stamp) {
    return fmt::format("{}:{}:{}:{}", stamp.inode, stamp.size, stamp.mtime_ns, stamp.ctime_ns);
}

std::string keys_text(const std::vector<std::string>& key_ids) {
    std::vector<std::string> sorted = key_ids;
    std::sort(sorted.begin(), sorted.end());
    return fmt::format("{}", fmt::join(sorted, ","));
}

std::string inventory_to_text(const std::vector<model::InventoryNode>& nodes) {
    json out = json::array();
    for (const auto& n : nodes)
        out.push_back({n.name, n.kubelet_version, n.provider_id, n.created_at});
    return out.dump();
}

std::string merged_to_text(const std::vector<model::MergedReport>& merged) {
    json out = json::array();
    for (const auto& m : merged) {
        out.push_back({m.file, m.sha256, m.node, m.scan_id, m.started_at,
                       json(std::vector<int>(m.totals.counts.begin(), m.totals.counts.end()))});
    }
    return out.dump();
}

util::Expected<std::vector<model::InventoryNode>, std::string> inventory_from_text(
    std::string_view text) {
    try {
        std::vector<model::InventoryNode> out;
        if (util::json_nesting_past(text))
            return util::unexpected("an inventory is " + util::json_too_deep());
        for (const auto& n : json::parse(text)) {
            out.push_back({n.at(0).get<std::string>(), n.at(1).get<std::string>(),
                           n.at(2).get<std::string>(), n.at(3).get<std::string>()});
        }
        return out;
    } catch (const json::exception& e) {
        return util::unexpected(
            fmt::format("an inventory is not what this version wrote: {}", e.what()));
    }
}

util::Expected<std::vector<model::MergedReport>, std::string> merged_from_text(
    std::string_view text) {
    try {
        std::vector<model::MergedReport> out;
        if (util::json_nesting_past(text))
            return util::unexpected("a merged report list is " + util::json_too_deep());
        for (const auto& m : json::parse(text)) {
            model::MergedReport merged{m.at(0).get<std::string>(), m.at(1).get<std::string>(),
                                       m.at(2).get<std::string>(), m.at(3).get<std::string>(),
                                       m.at(4).get<std::string>(), {}};
            const auto counts = m.at(5).get<std::vector<int>>();
            for (size_t i = 0; i < counts.size() && i < merged.totals.counts.size(); ++i)
                merged.totals.counts[i] = counts[i];
            out.push_back(std::move(merged));
        }
        return out;
    } catch (const json::exception& e) {
        return util::unexpected(
            fmt::format("a merged report's inputs are not what this version wrote: {}", e.what()));
    }
}

// ---- the index

struct Index::State {
    std::string path;
    Db db;
    bool in_transaction = false;
    // What put() interns against: the dictionaries as the file holds them (plus this
    // transaction's additions).
    std::map<std::tuple<std::string, std::string, std::string, std::string>, int64_t> checks;
    std::map<std::string, int64_t, std::less<>> statuses;
    std::map<std::string, int64_t, std::less<>> waivers;
    std::map<std::tuple<int64_t, int64_t, int64_t>, int64_t> kinds;
    /// kind_key() of each result put so far -> its kind: most results are found here at once.
    std::unordered_map<std::string, int64_t> kind_refs;
    std::mutex mutex;  ///< put() is called from several threads
    bool dictionaries_loaded = false;
    Statement insert_check, insert_status, insert_waiver, insert_kind, insert_report, delete_report;

    std::optional<std::string> load_dictionaries();
    util::Expected<int64_t, std::string> intern(const history::ResultRow& row);
};

Index::Index(std::unique_ptr<State> state) : m_state(std::move(state)) {}
Index::Index(Index&&) noexcept = default;
Index& Index::operator=(Index&&) noexcept = default;
Index::~Index() {
    if (m_state && m_state->in_transaction) exec(m_state->db.get(), "ROLLBACK");
}

namespace {

/// The format the file says it holds; "" when it is not an index (or not a database at all).
std::string format_of(sqlite3* db) {
    Statement query(db, "SELECT value FROM meta WHERE name = 'format'");
    if (!query || query.step() != SQLITE_ROW) return "";
    return query.text(0);
}

util::Expected<Db, std::string> open_db(const std::string& path, int flags) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    Db db(raw);
    if (rc != SQLITE_OK) return util::unexpected(error_of(raw, path));
    sqlite3_busy_timeout(raw, 10000);  // another `kubeproof index` writing it
    // A year of a fleet's index is about 80 MB, written in one transaction: a page cache that
    // holds it keeps SQLite from spilling pages to the file while reports are still being read.
    // Reading it is one pass: the default cache is enough.
    if ((flags & SQLITE_OPEN_CREATE) != 0) exec(raw, "PRAGMA cache_size = -131072");
    return db;
}

}  // namespace

util::Expected<Index, std::string> Index::open(const std::string& path, bool create) {
    const int flags = create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
    auto db = open_db(path, flags);
    if (!db) return util::unexpected(db.error());
    const std::string format = format_of(db->get());
    if (format != k_format) {
        if (!create)
            return util::unexpected(
                format.empty()
                    ? fmt::format("{}: not a kubeproof index", path)
                    : fmt::format("{}: an index of format {}, not {}", path, format, k_format));
        // A file of another format, or no index at all: it is derived, so start again.
        db->reset();
        if (::unlink(path.c_str()) != 0 && errno != ENOENT)
            return util::unexpected(
                fmt::format("{}: cannot replace it: {}", path, std::strerror(errno)));
        db = open_db(path, flags);
        if (!db) return util::unexpected(db.error());
        if (!exec(db->get(), "BEGIN") || !exec(db->get(), k_schema))
            return util::unexpected(error_of(db->get(), path + ": creating the index"));
        Statement meta(db->get(), "INSERT INTO meta(name, value) VALUES ('format', ?1)");
        meta.bind(1, k_format);
        if (!meta.run() || !exec(db->get(), "COMMIT"))
            return util::unexpected(error_of(db->get(), path + ": creating the index"));
    }
    auto state = std::make_unique<State>();
    state->path = path;
    state->db = std::move(*db);
    return Index(std::move(state));
}

std::optional<std::string> Index::State::load_dictionaries() {
    if (dictionaries_loaded) return std::nullopt;
    sqlite3* raw = db.get();
    Statement q(raw, "SELECT ref, check_id, key, title, controls FROM checks");
    while (q && q.step() == SQLITE_ROW)
        checks.emplace(std::tuple(q.text(1), q.text(2), q.text(3), q.text(4)), q.integer(0));
    Statement s(raw, "SELECT ref, status FROM statuses");
    while (s && s.step() == SQLITE_ROW) statuses.emplace(s.text(1), s.integer(0));
    Statement w(raw, "SELECT ref, fields FROM waivers");
    while (w && w.step() == SQLITE_ROW) waivers.emplace(w.text(1), w.integer(0));
    Statement k(raw, "SELECT ref, check_ref, status_ref, waiver_ref FROM kinds");
    while (k && k.step() == SQLITE_ROW)
        kinds.emplace(std::tuple(k.integer(1), k.integer(2), k.integer(3)), k.integer(0));
    insert_check = Statement(
        raw, "INSERT INTO checks(check_id, key, title, controls) VALUES (?1, ?2, ?3, ?4)");
    insert_status = Statement(raw, "INSERT INTO statuses(status) VALUES (?1)");
    insert_waiver = Statement(raw, "INSERT INTO waivers(fields) VALUES (?1)");
    insert_kind =
        Statement(raw, "INSERT INTO kinds(check_ref, status_ref, waiver_ref) VALUES (?1, ?2, ?3)");
    insert_report = Statement(
        raw,
        "INSERT OR REPLACE INTO reports(path, inode, size, mtime_ns, ctime_ns, envelope, keys, "
        "signature, signature_detail, sha256, cluster, subject, schema, tool_version, "
        "definitions_sha256, scan_id, started_at, finished_at, host, benchmark, benchmark_title, "
        "kubernetes_version, targets, detected, cluster_name, cluster_uid, node, scope, series, "
        "seq, previous, inventory, merged, results) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
        "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, "
        "?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34)");
    delete_report = Statement(raw, "DELETE FROM reports WHERE path = ?1");
    if (!q || !s || !w || !k || !insert_check || !insert_status || !insert_waiver || !insert_kind ||
        !insert_report || !delete_report)
        return error_of(raw, path);
    dictionaries_loaded = true;
    return std::nullopt;
}

util::Expected<int64_t, std::string> Index::State::intern(const history::ResultRow& row) {
    auto inserted = [this](Statement& insert) -> util::Expected<int64_t, std::string> {
        if (!insert.run()) return util::unexpected(error_of(db.get(), path));
        return sqlite3_last_insert_rowid(db.get());
    };
    const std::string controls = list_text(row.criteria);
    auto check_key = std::tuple(row.id, row.key, row.title, controls);
    auto check = checks.find(check_key);
    if (check == checks.end()) {
        insert_check.bind(1, row.id);
        insert_check.bind(2, row.key);
        insert_check.bind(3, row.title);
        insert_check.bind(4, controls);
        auto ref = inserted(insert_check);
        if (!ref) return ref;
        check = checks.emplace(std::move(check_key), *ref).first;
    }
    auto status = statuses.find(row.status);
    if (status == statuses.end()) {
        insert_status.bind(1, row.status);
        auto ref = inserted(insert_status);
        if (!ref) return ref;
        status = statuses.emplace(row.status, *ref).first;
    }
    int64_t waiver_ref = 0;
    if (!row.waiver.empty()) {
        const std::string fields = waiver_text(row.waiver);
        auto waiver = waivers.find(fields);
        if (waiver == waivers.end()) {
            insert_waiver.bind(1, fields);
            auto ref = inserted(insert_waiver);
            if (!ref) return ref;
            waiver = waivers.emplace(fields, *ref).first;
        }
        waiver_ref = waiver->second;
    }
    auto kind_key = std::tuple(check->second, status->second, waiver_ref);
    auto kind = kinds.find(kind_key);
    if (kind == kinds.end()) {
        insert_kind.bind(1, check->second);
        insert_kind.bind(2, status->second);
        insert_kind.bind(3, waiver_ref);
        auto ref = inserted(insert_kind);
        if (!ref) return ref;
        if (*ref > static_cast<int64_t>(UINT32_MAX))
            return util::unexpected(fmt::format("{}: more than 2^32 kinds of result", path));
        kind = kinds.emplace(kind_key, *ref).first;
    }
    return kind->second;
}

std::optional<std::string> Index::begin() {
    if (auto problem = m_state->load_dictionaries()) return problem;
    if (!exec(m_state->db.get(), "BEGIN IMMEDIATE"))
        return error_of(m_state->db.get(), m_state->path);
    m_state->in_transaction = true;
    return std::nullopt;
}

std::optional<std::string> Index::put(const Entry& entry,
                                      const std::vector<history::ResultRow>& rows) {
    // Everything that needs no shared state is done before the lock, so that threads reading
    // reports wait for each other only while a report's new kinds of result and its row go in.
    std::vector<std::string> keys;
    keys.reserve(rows.size());
    for (const auto& row : rows) keys.push_back(kind_key(row));
    const history::ReportHeader& h = entry.header;
    const std::string cluster = history::cluster_of(h);
    const std::string subject = history::subject_node(h);
    const std::string targets = list_text(h.targets);
    const std::string detected = list_text(h.detected);
    const std::string inventory = h.nodes.empty() ? std::string() : inventory_to_text(h.nodes);
    const std::string merged = h.merged.empty() ? std::string() : merged_to_text(h.merged);

    const std::lock_guard lock(m_state->mutex);
    std::vector<uint32_t> refs;
    refs.reserve(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
        auto known = m_state->kind_refs.find(keys[i]);
        if (known == m_state->kind_refs.end()) {
            auto ref = m_state->intern(rows[i]);
            if (!ref) return ref.error();
            known = m_state->kind_refs.emplace(std::move(keys[i]), *ref).first;
        }
        refs.push_back(static_cast<uint32_t>(known->second));
    }
    Statement& insert = m_state->insert_report;
    insert.bind(1, entry.relative);
    insert.bind(2, static_cast<int64_t>(entry.report.inode));
    insert.bind(3, static_cast<int64_t>(entry.report.size));
    insert.bind(4, entry.report.mtime_ns);
    insert.bind(5, entry.report.ctime_ns);
    insert.bind(6, entry.envelope);
    insert.bind(7, entry.keys);
    insert.bind(8, signature_text(entry.signature));
    insert.bind(9, entry.signature_detail);
    insert.bind(10, entry.sha256);
    int column = 11;
    for (const std::string* text :
         {&cluster, &subject, &h.schema, &h.tool_version, &h.definitions_sha256, &h.id,
          &h.started_at, &h.finished_at, &h.host, &h.benchmark, &h.benchmark_title,
          &h.kubernetes_version, &targets, &detected, &h.cluster_name, &h.cluster_uid, &h.node,
          &h.scope, &h.series})
        insert.bind(column++, *text);
    insert.bind(column++, static_cast<int64_t>(h.seq));
    for (const std::optional<std::string>& text :
         {h.previous, inventory.empty() ? std::nullopt : std::optional(inventory),
          merged.empty() ? std::nullopt : std::optional(merged)}) {
        if (text)
            insert.bind(column, *text);
        else
            insert.bind_null(column);
        ++column;
    }
    const std::string blob = pack(refs);
    insert.bind_blob(column, blob.data(), blob.size());
    if (!insert.run()) return error_of(m_state->db.get(), m_state->path);
    return std::nullopt;
}

std::optional<std::string> Index::remove(const std::string& relative) {
    m_state->delete_report.bind(1, relative);
    if (!m_state->delete_report.run()) return error_of(m_state->db.get(), m_state->path);
    return std::nullopt;
}

std::optional<std::string> Index::commit() {
    if (!exec(m_state->db.get(), "COMMIT")) return error_of(m_state->db.get(), m_state->path);
    m_state->in_transaction = false;
    return std::nullopt;
}

util::Expected<Snapshot, std::string> Index::load() const {
    sqlite3* db = m_state->db.get();
    const std::string& path = m_state->path;
    auto broken = [&](std::string_view what) {
        return util::unexpected(fmt::format("{}: {}", path, what));
    };
    Snapshot out;
    std::map<int64_t, history::ResultRow> checks;
    Statement c(db, "SELECT ref, check_id, key, title, controls FROM checks");
    while (c && c.step() == SQLITE_ROW) {
        auto criteria = list_of(c.text(4));
        if (!criteria) return broken("a check's controls are not what this version wrote");
        checks[c.integer(0)] = {c.text(1), c.text(2), c.text(3), "", std::move(*criteria), {}};
    }
    std::map<int64_t, std::string> statuses;
    Statement s(db, "SELECT ref, status FROM statuses");
    while (s && s.step() == SQLITE_ROW) statuses[s.integer(0)] = s.text(1);
    std::map<int64_t, std::vector<std::pair<std::string, std::string>>> waivers;
    Statement w(db, "SELECT ref, fields FROM waivers");
    while (w && w.step() == SQLITE_ROW) {
        if (util::json_nesting_past(w.text(1)))
            return broken("a waiver is " + util::json_too_deep());
        const json fields = json::parse(w.text(1), nullptr, false);
        if (!fields.is_array()) return broken("a waiver is not what this version wrote");
        auto& pairs = waivers[w.integer(0)];
        for (const auto& field : fields) {
            if (!field.is_array() || field.size() != 2 || !field[0].is_string() ||
                !field[1].is_string())
                return broken("a waiver is not what this version wrote");
            pairs.emplace_back(field[0].get<std::string>(), field[1].get<std::string>());
        }
    }
    // kinds.ref counts from 1 and kinds are never deleted: a vector finds a result's kind in
    // constant time (a year of a fleet's reports holds millions of results).
    constexpr uint32_t k_none = UINT32_MAX;
    std::vector<uint32_t> kind_index;
    Statement k(db, "SELECT ref, check_ref, status_ref, waiver_ref FROM kinds ORDER BY ref");
    while (k && k.step() == SQLITE_ROW) {
        const auto check = checks.find(k.integer(1));
        const auto status = statuses.find(k.integer(2));
        const int64_t waiver_ref = k.integer(3);
        const auto waiver = waivers.find(waiver_ref);
        if (check == checks.end() || status == statuses.end() ||
            (waiver_ref != 0 && waiver == waivers.end()))
            return broken("a result points at nothing");
        history::ResultRow row = check->second;
        row.status = status->second;
        if (waiver_ref != 0) row.waiver = waiver->second;
        const int64_t ref = k.integer(0);
        if (ref <= 0 || ref > (int64_t{1} << 24)) return broken("a result kind is out of range");
        if (kind_index.size() <= static_cast<size_t>(ref))
            kind_index.resize(static_cast<size_t>(ref) + 1, k_none);
        kind_index[static_cast<size_t>(ref)] = static_cast<uint32_t>(out.kinds.size());
        out.kinds.push_back(std::move(row));
    }
    Statement r(db,
                "SELECT path, inode, size, mtime_ns, ctime_ns, envelope, keys, signature, "
                "signature_detail, sha256, schema, tool_version, definitions_sha256, scan_id, "
                "started_at, finished_at, host, benchmark, benchmark_title, kubernetes_version, "
                "targets, detected, cluster_name, cluster_uid, node, scope, series, seq, previous, "
                "inventory, merged, results FROM reports");
    if (!c || !s || !w || !k || !r) return util::unexpected(error_of(db, path));
    int rc = 0;
    while ((rc = r.step()) == SQLITE_ROW) {
        Entry e;
        e.relative = r.text(0);
        e.report = {static_cast<uint64_t>(r.integer(1)), static_cast<uint64_t>(r.integer(2)),
                    r.integer(3), r.integer(4)};
        e.envelope = r.text(5);
        e.keys = r.text(6);
        const auto state = state_of(r.text(7));
        if (!state) return broken("a signature state is not what this version wrote");
        e.signature = *state;
        e.signature_detail = r.text(8);
        e.sha256 = r.text(9);
        history::ReportHeader& h = e.header;
        int column = 10;
        for (std::string* text :
             {&h.schema, &h.tool_version, &h.definitions_sha256, &h.id, &h.started_at,
              &h.finished_at, &h.host, &h.benchmark, &h.benchmark_title, &h.kubernetes_version})
            *text = r.text(column++);
        for (std::vector<std::string>* list : {&h.targets, &h.detected}) {
            auto items = list_of(r.text(column++));
            if (!items) return broken("a report's targets are not what this version wrote");
            *list = std::move(*items);
        }
        for (std::string* text : {&h.cluster_name, &h.cluster_uid, &h.node, &h.scope, &h.series})
            *text = r.text(column++);
        h.seq = static_cast<uint64_t>(r.integer(column++));
        if (!r.is_null(column)) h.previous = r.text(column);
        ++column;
        if (!r.is_null(column)) {
            auto nodes = inventory_from_text(r.text(column));
            if (!nodes) return broken(nodes.error());
            h.nodes = std::move(*nodes);
        }
        ++column;
        if (!r.is_null(column)) {
            auto merged = merged_from_text(r.text(column));
            if (!merged) return broken(merged.error());
            h.merged = std::move(*merged);
        }
        ++column;
        const auto* blob = static_cast<const unsigned char*>(sqlite3_column_blob(r.get(), column));
        const auto size = static_cast<size_t>(sqlite3_column_bytes(r.get(), column));
        if (size % 4 != 0) return broken("a results column is not what this version wrote");
        e.results.reserve(size / 4);
        for (size_t i = 0; i < size; i += 4) {
            const uint32_t ref = uint32_t{blob[i]} | uint32_t{blob[i + 1]} << 8 |
                                 uint32_t{blob[i + 2]} << 16 | uint32_t{blob[i + 3]} << 24;
            if (ref >= kind_index.size() || kind_index[ref] == k_none)
                return broken("a result points at nothing");
            e.results.push_back(kind_index[ref]);
        }
        std::string relative = e.relative;
        out.reports.emplace(std::move(relative), std::move(e));
    }
    if (rc != SQLITE_DONE) return util::unexpected(error_of(db, path));
    return out;
}

}  // namespace kubeproof::index
