#include "host/snapshot_host.hpp"

#include "host/resolve.hpp"

namespace kubeproof::host {

namespace {

// The answer to a call the recording does not hold: as if the thing did not exist.
HostError not_recorded(std::string_view shown) {
    return host_error(HostError::Kind::NotFound, shown, "not in the facts snapshot");
}

template <typename Map, typename Key>
auto answer(const Map& calls, const Key& key, std::string_view shown) -> typename Map::mapped_type {
    const auto it = calls.find(key);
    if (it == calls.end()) return util::unexpected(not_recorded(shown));
    return it->second;
}

template <typename Map>
std::optional<std::string> name(const Map& calls, uint32_t id) {
    const auto it = calls.find(id);
    return it == calls.end() ? std::nullopt : it->second;
}

std::string proc_path(int pid, std::string_view file) {
    return "/proc/" + std::to_string(pid) + "/" + std::string(file);
}

}  // namespace

HostResult<std::string> SnapshotHost::read_file(std::string_view path) const {
    return answer(m_recording.reads, std::string(path), path);
}

HostResult<FileInfo> SnapshotHost::stat(std::string_view path) const {
    return answer(m_recording.stats, std::string(path), path);
}

HostResult<std::vector<DirEntry>> SnapshotHost::list_dir(std::string_view path) const {
    return answer(m_recording.listings, std::string(path), path);
}

HostResult<std::vector<Process>> SnapshotHost::processes() const {
    if (!m_recording.processes) return util::unexpected(not_recorded("/proc"));
    return *m_recording.processes;
}

HostResult<std::map<std::string, std::string>> SnapshotHost::environ(int pid) const {
    return answer(m_recording.environs, pid, proc_path(pid, "environ"));
}

std::optional<std::string> SnapshotHost::user_name(uint32_t uid) const {
    return name(m_recording.users, uid);
}

std::optional<std::string> SnapshotHost::group_name(uint32_t gid) const {
    return name(m_recording.groups, gid);
}

std::string SnapshotHost::hostname() const { return m_recording.hostname.value_or(""); }

}  // namespace kubeproof::host
