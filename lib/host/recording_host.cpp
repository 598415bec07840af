#include "host/recording_host.hpp"

namespace kubeproof::host {

namespace {

// Keeps `answer` under `key` (the latest answer wins) and returns it.
template <typename Map, typename Key, typename Answer>
Answer keep(Map& calls, Key&& key, Answer answer) {
    calls.insert_or_assign(std::forward<Key>(key), answer);
    return answer;
}

}  // namespace

HostResult<std::string> RecordingHost::read_file(std::string_view path) const {
    return keep(m_recording.reads, std::string(path), m_inner.read_file(path));
}

HostResult<FileInfo> RecordingHost::stat(std::string_view path) const {
    return keep(m_recording.stats, std::string(path), m_inner.stat(path));
}

HostResult<std::vector<DirEntry>> RecordingHost::list_dir(std::string_view path) const {
    return keep(m_recording.listings, std::string(path), m_inner.list_dir(path));
}

HostResult<std::vector<Process>> RecordingHost::processes() const {
    auto answer = m_inner.processes();
    m_recording.processes = answer;
    return answer;
}

HostResult<std::map<std::string, std::string>> RecordingHost::environ(int pid) const {
    return keep(m_recording.environs, pid, m_inner.environ(pid));
}

std::optional<std::string> RecordingHost::user_name(uint32_t uid) const {
    return keep(m_recording.users, uid, m_inner.user_name(uid));
}

std::optional<std::string> RecordingHost::group_name(uint32_t gid) const {
    return keep(m_recording.groups, gid, m_inner.group_name(gid));
}

std::string RecordingHost::hostname() const {
    auto answer = m_inner.hostname();
    m_recording.hostname = answer;
    return answer;
}

}  // namespace kubeproof::host
