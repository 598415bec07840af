#include "local/local_files.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>

#include "local/regular_file.hpp"

namespace kubeproof::local {

namespace fs = std::filesystem;

namespace {

bool is_yaml(const fs::path& p) { return p.extension() == ".yaml" || p.extension() == ".yml"; }

}  // namespace

util::IoResult<std::string> read_local_file(const std::string& path) {
    return read_local_file_head(path, std::string::npos);
}

namespace {

util::IoError too_large(const std::string& path) {
    return {util::IoError::Kind::Invalid, path + ": larger than the " +
                                              std::to_string(k_local_file_cap >> 20) +
                                              " MiB kubeproof reads from one local file"};
}

/// Replaces `text` with at most `limit` bytes of the file (its capacity is kept).
std::optional<util::IoError> read_into(const std::string& path, size_t limit, std::string& text) {
    text.clear();
    struct stat info {};
    auto opened = open_regular_file(path, info);
    if (!opened) return opened.error();
    const int fd = *opened;
    const bool whole = limit == std::string::npos;
    if (whole && static_cast<uint64_t>(info.st_size) > k_local_file_cap) {
        ::close(fd);
        return too_large(path);
    }
    // A whole file may still grow while it is read: one byte past the cap says so.
    limit = std::min(limit, k_local_file_cap + 1);
    text.reserve(std::min(limit, static_cast<size_t>(info.st_size)));
    char buffer[65536];
    while (text.size() < limit) {
        const ssize_t n = ::read(fd, buffer, std::min(sizeof buffer, limit - text.size()));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int error = errno;
            ::close(fd);
            return util::io_error_of(path, std::error_code(error, std::generic_category()));
        }
        if (n == 0) break;
        text.append(buffer, static_cast<size_t>(n));
    }
    ::close(fd);
    if (text.size() > k_local_file_cap) {
        text.clear();
        return too_large(path);
    }
    return std::nullopt;
}

}  // namespace

util::IoResult<std::string> read_local_file_head(const std::string& path, size_t limit) {
    std::string text;
    if (auto error = read_into(path, limit, text)) return util::unexpected(std::move(*error));
    return text;
}

std::optional<util::IoError> read_local_file_into(const std::string& path, std::string& text) {
    return read_into(path, std::string::npos, text);
}

util::IoResult<std::vector<LocalFile>> read_local_yaml_tree(const std::string& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        return util::unexpected(
            util::io_error_of(dir, ec ? ec : std::make_error_code(std::errc::not_a_directory)));
    }
    std::vector<LocalFile> files;
    // Symlinks are followed, files and folders alike: a ConfigMap mounted as the folder is made of
    // them. Each file is named by where it was found, never where its link leads (fs::relative
    // would resolve the link). Hidden entries are left out: .git, and a ConfigMap's "..data" and
    // its timestamped folder, which hold every file a second time.
    const fs::path base =
        fs::path(dir).has_filename() ? fs::path(dir) : fs::path(dir).parent_path();
    const auto options = fs::directory_options::follow_directory_symlink;
    for (fs::recursive_directory_iterator it(dir, options, ec), end; !ec && it != end;
         it.increment(ec)) {
        if (it->path().filename().string().starts_with('.')) {
            it.disable_recursion_pending();
            continue;
        }
        if (!is_yaml(it->path())) continue;
        // A FIFO, a device or a dangling link named *.yaml is refused by name, never skipped.
        const bool directory = it->is_directory(ec);
        if (ec) return util::unexpected(util::io_error_of(it->path().string(), ec));
        if (directory) continue;
        auto content = read_local_file(it->path().string());
        if (!content) return util::unexpected(content.error());
        files.push_back({it->path().lexically_relative(base).generic_string(), it->path().string(),
                         std::move(*content)});
    }
    if (ec) return util::unexpected(util::io_error_of(dir, ec));
    std::sort(files.begin(), files.end(),
              [](const auto& a, const auto& b) { return a.relative < b.relative; });
    return files;
}

}  // namespace kubeproof::local
