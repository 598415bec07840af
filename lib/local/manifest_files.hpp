#pragma once

#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "util/io_error.hpp"

namespace kubeproof::local {

/// The --manifests argument that means standard input.
inline constexpr std::string_view k_stdin_argument = "-";

/// The file name objects read from standard input carry in origins and messages.
inline constexpr std::string_view k_stdin_name = "<stdin>";

/// Expands one --manifests argument of the operator's machine into the files to read, in order:
/// a file as given (any extension), a directory's *.yaml, *.yml and *.json files at any depth
/// sorted by path (hidden files and directories such as .git skipped, and so are a Helm chart's
/// Chart.yaml, values files and templates/, which are not objects until rendered), and "-" as is. A
/// directory with no such file is an Invalid error, so that a typo never turns into an empty green
/// scan.
util::IoResult<std::vector<std::string>> expand_manifest_path(const std::string& argument);

/// An open manifest file on the operator's machine, read whole or piece by piece (pread), so that
/// a scan can index a large file once and later read back only the objects it needs. Knows the
/// size and modification time it had when opened, to tell when it changed in between.
class ManifestFile {
public:
    /// Size and modification time (nanoseconds) of a file.
    struct Stamp {
        long long size = 0;
        long long mtime_ns = 0;
        bool operator==(const Stamp&) const = default;
    };

    static util::IoResult<ManifestFile> open(const std::string& path);
    ManifestFile(ManifestFile&& other) noexcept;
    ManifestFile& operator=(ManifestFile&& other) noexcept;
    ManifestFile(const ManifestFile&) = delete;
    ManifestFile& operator=(const ManifestFile&) = delete;
    ~ManifestFile();

    const Stamp& stamp() const { return m_stamp; }
    /// The whole file.
    util::IoResult<std::string> read_all();
    /// `length` bytes from `offset`, valid until the next read; an error if the file is shorter.
    util::IoResult<std::string_view> read(size_t offset, size_t length);

private:
    ManifestFile(int fd, std::string path, Stamp stamp)
        : m_fd(fd), m_path(std::move(path)), m_stamp(stamp) {}
    int m_fd = -1;
    std::string m_path;
    Stamp m_stamp;
    std::string m_buffer;
};

/// Reads one file named by expand_manifest_path; "-" reads all of `stdin_stream`.
util::IoResult<std::string> read_manifest_file(const std::string& path, std::istream& stdin_stream);

}  // namespace kubeproof::local
