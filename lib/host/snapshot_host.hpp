#pragma once

// A Host that answers from a recording (a facts snapshot) instead of a node: the scan of a node
// collected elsewhere, re-evaluated without touching the machine it runs on.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host/host.hpp"
#include "host/recording_host.hpp"

namespace kubeproof::host {

/// A Host whose answers are those recorded; anything the recording does not hold behaves as if
/// it did not exist on the node: a NotFound error "<path>: not in the facts snapshot" for files,
/// directories, the process table and environments, an unknown owner name, an empty host name.
class SnapshotHost : public Host {
public:
    /// Answers from `recording`.
    explicit SnapshotHost(Recording recording) : m_recording(std::move(recording)) {}

    /// The recorded content or error.
    HostResult<std::string> read_file(std::string_view path) const override;
    /// The recorded file information or error.
    HostResult<FileInfo> stat(std::string_view path) const override;
    /// The recorded entries or error.
    HostResult<std::vector<DirEntry>> list_dir(std::string_view path) const override;
    /// The recorded process table or error.
    HostResult<std::vector<Process>> processes() const override;
    /// The recorded environment or error.
    HostResult<std::map<std::string, std::string>> environ(int pid) const override;
    /// The recorded name; nullopt when unknown or not recorded.
    std::optional<std::string> user_name(uint32_t uid) const override;
    /// The recorded name; nullopt when unknown or not recorded.
    std::optional<std::string> group_name(uint32_t gid) const override;
    /// The recorded host name, else "".
    std::string hostname() const override;

private:
    Recording m_recording;
};

}  // namespace kubeproof::host
