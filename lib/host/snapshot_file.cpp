#include "host/snapshot_file.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <set>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/json_depth.hpp"

namespace kubeproof::host {

namespace {

using Json = nlohmann::ordered_json;

// A snapshot that is JSON of the right schema but not of the right shape.
struct Invalid : std::runtime_error {
    using std::runtime_error::runtime_error;
};

constexpr std::array<std::pair<HostError::Kind, std::string_view>, 4> k_error_kinds = {{
    {HostError::Kind::NotFound, "not_found"},
    {HostError::Kind::Denied, "denied"},
    {HostError::Kind::Invalid, "invalid"},
    {HostError::Kind::Other, "other"},
}};

constexpr std::array<std::pair<FileInfo::Type, std::string_view>, 4> k_file_types = {{
    {FileInfo::Type::Regular, "regular"},
    {FileInfo::Type::Directory, "directory"},
    {FileInfo::Type::Symlink, "symlink"},
    {FileInfo::Type::Other, "other"},
}};

template <typename Enum, size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum e) {
    for (const auto& [value, name] : table) {
        if (value == e) return name;
    }
    return table.back().second;
}

template <typename Enum, size_t N>
Enum value_of(const std::array<std::pair<Enum, std::string_view>, N>& table, const Json& j) {
    const auto text = j.get<std::string>();
    for (const auto& [value, name] : table) {
        if (name == text) return value;
    }
    throw Invalid(fmt::format("unknown value \"{}\"", text));
}

// The length of the UTF-8 sequence at `s[i]` that nlohmann accepts, 0 when it is not one.
size_t utf8_length(std::string_view s, size_t i) {
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = byte(i);
    if (c < 0x80) return 1;
    size_t n = 0;
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    if (c >= 0xE0 && c <= 0xEF) n = 3;
    if (c >= 0xF0 && c <= 0xF4) n = 4;
    if (n == 0 || i + n > s.size()) return 0;
    for (size_t k = 1; k < n; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
    }
    const unsigned char second = byte(i + 1);
    const bool overlong = (c == 0xE0 && second < 0xA0) || (c == 0xF0 && second < 0x90);
    const bool out_of_range = (c == 0xED && second >= 0xA0) || (c == 0xF4 && second >= 0x90);
    return overlong || out_of_range ? 0 : n;
}

bool is_utf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        const size_t n = utf8_length(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

// Text from the node as JSON: a string, or {"bytes": ...} (one character per byte) when it is
// not UTF-8.
Json text_json(std::string_view text) {
    if (is_utf8(text)) return std::string(text);
    std::string latin1;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x80) {
            latin1 += ch;
        } else {
            latin1 += static_cast<char>(0xC0 | (c >> 6));
            latin1 += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return Json{{"bytes", latin1}};
}

std::string text_of(const Json& j) {
    if (j.is_string()) return j.get<std::string>();
    const auto latin1 = j.at("bytes").get<std::string>();
    std::string text;
    for (size_t i = 0; i < latin1.size(); ++i) {
        const auto c = static_cast<unsigned char>(latin1[i]);
        if (c < 0x80) {
            text += latin1[i];
        } else if ((c == 0xC2 || c == 0xC3) && i + 1 < latin1.size()) {
            text += static_cast<char>(((c & 0x03) << 6) | (latin1[++i] & 0x3F));
        } else {
            throw Invalid("\"bytes\" holds a character above U+00FF");
        }
    }
    return text;
}

/// A whole-number field of type T: a JSON integer within T's range. A fraction, a negative for an
/// unsigned field, or a number beyond T is invalid, never rounded or wrapped into another value
/// (a uid of 0.5 or -4294967296 must not read as root's).
template <typename T>
T whole_number(const Json& j, std::string_view what) {
    using Limits = std::numeric_limits<T>;
    if (j.is_number_unsigned()) {
        const auto value = j.get<uint64_t>();
        if (value <= static_cast<uint64_t>(Limits::max())) return static_cast<T>(value);
    } else if (j.is_number_integer()) {
        const auto value = j.get<int64_t>();  // negative: JSON's non-negative integers are unsigned
        if constexpr (std::is_signed_v<T>) {
            if (value >= static_cast<int64_t>(Limits::min())) return static_cast<T>(value);
        }
    }
    throw Invalid(fmt::format("\"{}\" is {}, not a whole number from {} to {}", what, j.dump(),
                              Limits::min(), Limits::max()));
}

Json error_json(const HostError& error) {
    return Json{
        {"error", {{"kind", name_of(k_error_kinds, error.kind)}, {"message", error.message}}}};
}

// A recorded answer: its value, or {"error": {"kind": ..., "message": ...}}.
template <typename T, typename ToJson>
Json answer_json(const HostResult<T>& answer, ToJson to_json) {
    return answer ? to_json(*answer) : error_json(answer.error());
}

template <typename T, typename FromJson>
HostResult<T> answer_of(const Json& j, FromJson from_json) {
    if (j.is_object() && j.contains("error")) {
        const Json& e = j.at("error");
        return util::unexpected(
            HostError{value_of(k_error_kinds, e.at("kind")), e.at("message").get<std::string>()});
    }
    return from_json(j);
}

Json info_json(const FileInfo& info) {
    return Json{{"type", name_of(k_file_types, info.type)},
                {"mode", fmt::format("{:04o}", info.mode)},
                {"uid", info.uid},
                {"gid", info.gid},
                {"size", info.size},
                {"resolved", text_json(info.resolved)}};
}

FileInfo info_of(const Json& j) {
    FileInfo info;
    info.type = value_of(k_file_types, j.at("type"));
    const auto mode = j.at("mode").get<std::string>();
    size_t used = 0;
    info.mode = static_cast<uint32_t>(std::stoul(mode, &used, 8));
    if (used != mode.size() || info.mode > 07777) throw Invalid("mode \"" + mode + "\"");
    info.uid = whole_number<uint32_t>(j.at("uid"), "uid");
    info.gid = whole_number<uint32_t>(j.at("gid"), "gid");
    info.size = whole_number<uint64_t>(j.at("size"), "size");
    info.resolved = text_of(j.at("resolved"));
    return info;
}

Json entries_json(const std::vector<DirEntry>& entries) {
    Json out = Json::array();
    for (const auto& e : entries) out.push_back({{"name", text_json(e.name)}, {"dir", e.is_dir}});
    return out;
}

std::vector<DirEntry> entries_of(const Json& j) {
    std::vector<DirEntry> entries;
    for (const auto& e : j) entries.push_back({text_of(e.at("name")), e.at("dir").get<bool>()});
    return entries;
}

Json processes_json(const std::vector<Process>& processes) {
    Json out = Json::array();
    for (const auto& p : processes) {
        Json argv = Json::array();
        for (const auto& arg : p.argv) argv.push_back(text_json(arg));
        out.push_back({{"pid", p.pid}, {"argv", argv}, {"comm", text_json(p.comm)}});
    }
    return out;
}

std::vector<Process> processes_of(const Json& j) {
    std::vector<Process> processes;
    for (const auto& p : j) {
        Process process{whole_number<int>(p.at("pid"), "pid"), {}, text_of(p.at("comm"))};
        for (const auto& arg : p.at("argv")) process.argv.push_back(text_of(arg));
        processes.push_back(std::move(process));
    }
    return processes;
}

Json environ_json(const std::map<std::string, std::string>& env) {
    Json out = Json::array();
    for (const auto& [name, value] : env) out.push_back({text_json(name), text_json(value)});
    return out;
}

std::map<std::string, std::string> environ_of(const Json& j) {
    std::map<std::string, std::string> env;
    for (const auto& pair : j) env.emplace(text_of(pair.at(0)), text_of(pair.at(1)));
    return env;
}

// One entry per path: what stat, read_file and list_dir answered for it.
Json files_json(const Recording& r) {
    std::set<std::string> paths;
    for (const auto& [path, answer] : r.reads) paths.insert(path);
    for (const auto& [path, answer] : r.stats) paths.insert(path);
    for (const auto& [path, answer] : r.listings) paths.insert(path);
    Json out = Json::array();
    for (const auto& path : paths) {
        Json entry{{"path", text_json(path)}};
        if (auto it = r.stats.find(path); it != r.stats.end())
            entry["stat"] = answer_json(it->second, info_json);
        if (auto it = r.reads.find(path); it != r.reads.end())
            entry["read"] = answer_json(it->second, text_json);
        if (auto it = r.listings.find(path); it != r.listings.end())
            entry["list"] = answer_json(it->second, entries_json);
        out.push_back(std::move(entry));
    }
    return out;
}

void read_files(const Json& files, Recording& r) {
    for (const auto& entry : files) {
        std::string path = text_of(entry.at("path"));
        if (entry.contains("stat"))
            r.stats.insert_or_assign(path, answer_of<FileInfo>(entry.at("stat"), info_of));
        if (entry.contains("read"))
            r.reads.insert_or_assign(path, answer_of<std::string>(entry.at("read"), text_of));
        if (entry.contains("list"))
            r.listings.insert_or_assign(
                path, answer_of<std::vector<DirEntry>>(entry.at("list"), entries_of));
    }
}

Json names_json(const std::map<uint32_t, std::optional<std::string>>& names, const char* id) {
    Json out = Json::array();
    for (const auto& [number, name] : names)
        out.push_back({{id, number}, {"name", name ? text_json(*name) : Json()}});
    return out;
}

std::map<uint32_t, std::optional<std::string>> names_of(const Json& j, const char* id) {
    std::map<uint32_t, std::optional<std::string>> names;
    for (const auto& entry : j) {
        const Json& name = entry.at("name");
        names.emplace(whole_number<uint32_t>(entry.at(id), id),
                      name.is_null() ? std::nullopt : std::optional(text_of(name)));
    }
    return names;
}

Json calls_json(const Recording& r) {
    Json out = Json::object();
    if (r.hostname) out["hostname"] = text_json(*r.hostname);
    if (r.processes) out["processes"] = answer_json(*r.processes, processes_json);
    Json environments = Json::array();
    for (const auto& [pid, answer] : r.environs)
        environments.push_back({{"pid", pid}, {"environ", answer_json(answer, environ_json)}});
    out["files"] = files_json(r);
    out["environments"] = std::move(environments);
    out["users"] = names_json(r.users, "uid");
    out["groups"] = names_json(r.groups, "gid");
    return out;
}

Recording calls_of(const Json& j) {
    Recording r;
    if (j.contains("hostname")) r.hostname = text_of(j.at("hostname"));
    if (j.contains("processes"))
        r.processes = answer_of<std::vector<Process>>(j.at("processes"), processes_of);
    read_files(j.at("files"), r);
    for (const auto& entry : j.at("environments")) {
        r.environs.insert_or_assign(
            whole_number<int>(entry.at("pid"), "pid"),
            answer_of<std::map<std::string, std::string>>(entry.at("environ"), environ_of));
    }
    r.users = names_of(j.at("users"), "uid");
    r.groups = names_of(j.at("groups"), "gid");
    return r;
}

SnapshotInfo info_of_snapshot(const Json& j) {
    SnapshotInfo info;
    info.tool_version = j.at("tool").at("version").get<std::string>();
    info.definitions_sha256 = j.at("tool").at("definitions_sha256").get<std::string>();
    info.benchmark = j.at("benchmark").get<std::string>();
    info.collected_at = j.at("collected_at").get<std::string>();
    info.root = text_of(j.at("root"));
    info.proc = text_of(j.at("proc"));
    return info;
}

// nlohmann's message without its "[json.exception.type_error.302] " prefix.
std::string plain_message(const char* what) {
    std::string_view text(what);
    if (text.starts_with("[json.exception.")) {
        const auto end = text.find("] ");
        if (end != std::string_view::npos) text.remove_prefix(end + 2);
    }
    return std::string(text);
}

}  // namespace

std::string write_snapshot(const Snapshot& snapshot) {
    const SnapshotInfo& info = snapshot.info;
    Json out{{"schema", k_snapshot_schema},
             {"tool",
              {{"name", "kubeproof"},
               {"version", info.tool_version},
               {"definitions_sha256", info.definitions_sha256}}},
             {"benchmark", info.benchmark},
             {"collected_at", info.collected_at},
             {"root", text_json(info.root)},
             {"proc", text_json(info.proc)}};
    out.update(calls_json(snapshot.calls));
    return out.dump(2) + "\n";
}

util::Expected<Snapshot, std::string> read_snapshot(std::string_view text) {
    if (util::json_nesting_past(text))
        return util::unexpected("not a facts snapshot: it is " + util::json_too_deep());
    Json doc;
    try {
        doc = Json::parse(text);
    } catch (const Json::exception& e) {
        return util::unexpected("not a facts snapshot: not JSON (" + plain_message(e.what()) + ")");
    }
    const auto schema = doc.is_object() && doc.contains("schema") && doc["schema"].is_string()
                            ? doc["schema"].get<std::string>()
                            : std::string();
    if (schema.empty() || !schema.starts_with("kubeproof.facts/"))
        return util::unexpected(
            fmt::format("not a facts snapshot: {}",
                        schema.empty() ? "it has no \"schema\"" : "its schema is " + schema));
    if (schema != k_snapshot_schema)
        return util::unexpected(fmt::format(
            "a facts snapshot of schema {}; this kubeproof reads {}", schema, k_snapshot_schema));
    try {
        return Snapshot{info_of_snapshot(doc), calls_of(doc)};
    } catch (const std::exception& e) {  // Json::exception and Invalid
        return util::unexpected(fmt::format("not a valid {} snapshot ({})", k_snapshot_schema,
                                            plain_message(e.what())));
    }
}

}  // namespace kubeproof::host
