#pragma once

// A Host that passes every call to another Host and keeps what it answered: a facts snapshot is
// such a recording, played back by SnapshotHost.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/host.hpp"

namespace kubeproof::host {

/// Every answer a Host gave, errors included, keyed by the call's arguments.
struct Recording {
    std::optional<std::string> hostname;
    std::optional<HostResult<std::vector<Process>>> processes;
    std::map<std::string, HostResult<std::string>> reads;
    std::map<std::string, HostResult<FileInfo>> stats;
    std::map<std::string, HostResult<std::vector<DirEntry>>> listings;
    std::map<int, HostResult<std::map<std::string, std::string>>> environs;
    std::map<uint32_t, std::optional<std::string>> users;
    std::map<uint32_t, std::optional<std::string>> groups;
};

/// A Host that answers from `inner` and records every call and its answer.
class RecordingHost : public Host {
public:
    /// Records the calls made to `inner`, which must outlive this host.
    explicit RecordingHost(const Host& inner) : m_inner(inner) {}

    /// What was asked so far, with the answers.
    const Recording& recording() const { return m_recording; }

    /// The inner host's answer, recorded.
    HostResult<std::string> read_file(std::string_view path) const override;
    /// The inner host's answer, recorded.
    HostResult<FileInfo> stat(std::string_view path) const override;
    /// The inner host's answer, recorded.
    HostResult<std::vector<DirEntry>> list_dir(std::string_view path) const override;
    /// The inner host's answer, recorded.
    HostResult<std::vector<Process>> processes() const override;
    /// The inner host's answer (not recorded: a snapshot holds the processes kept, and the
    /// collection's warnings say which were left out).
    std::vector<std::string> ignored_processes() const override {
        return m_inner.ignored_processes();
    }
    /// The inner host's answer, recorded.
    HostResult<std::map<std::string, std::string>> environ(int pid) const override;
    /// The inner host's answer, recorded.
    std::optional<std::string> user_name(uint32_t uid) const override;
    /// The inner host's answer, recorded.
    std::optional<std::string> group_name(uint32_t gid) const override;
    /// The inner host's answer, recorded.
    std::string hostname() const override;

private:
    const Host& m_inner;
    mutable Recording m_recording;
};

}  // namespace kubeproof::host
