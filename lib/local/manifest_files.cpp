#include "local/manifest_files.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <memory>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "local/local_files.hpp"
#include "local/regular_file.hpp"

namespace kubeproof::local {

namespace fs = std::filesystem;

namespace {

bool is_hidden(const fs::path& path) { return path.filename().string().starts_with('.'); }

bool is_manifest_name(const fs::path& path) {
    const fs::path extension = path.extension();
    return extension == ".yaml" || extension == ".yml" || extension == ".json";
}

/// Files a repository keeps beside manifests that are not Kubernetes objects: a Helm chart's
/// Chart.yaml and values files, and its templates/ (Go templates, not YAML until rendered).
bool is_chart_file(const fs::path& path) {
    const std::string name = path.filename().string();
    if (name == "Chart.yaml" || name == "Chart.lock" || name == "values.yaml" ||
        name == "values.schema.json")
        return true;
    if (name.starts_with("values-") || name.starts_with("values.")) return is_manifest_name(path);
    return false;
}

bool is_chart_templates(const fs::path& dir) {
    std::error_code ec;
    return dir.filename() == "templates" && fs::exists(dir.parent_path() / "Chart.yaml", ec);
}

/// `relative` below the directory as the user named it ("k8s/" + "app.yaml" -> "k8s/app.yaml").
std::string joined(const std::string& directory, const std::string& relative) {
    return directory.ends_with('/') ? directory + relative : directory + "/" + relative;
}

/// The manifest files below `directory`, relative to it, sorted; hidden entries are not entered.
util::IoResult<std::vector<std::string>> list_tree(const std::string& directory) {
    std::vector<std::string> relatives;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(directory, ec), end; !ec && it != end;
         it.increment(ec)) {
        if (is_hidden(it->path()) || is_chart_templates(it->path())) {
            it.disable_recursion_pending();
            continue;
        }
        if (is_chart_file(it->path())) continue;
        if (!is_manifest_name(it->path())) continue;
        // Any other entry with a manifest's name is listed, for opening it to say what is wrong
        // (a dangling link, a FIFO): a manifest that cannot be read is never left out unsaid.
        std::error_code type_ec;
        if (it->is_directory(type_ec)) continue;
        relatives.push_back(it->path().lexically_relative(directory).generic_string());
    }
    if (ec) return util::unexpected(util::io_error_of(directory, ec));
    std::sort(relatives.begin(), relatives.end());
    return relatives;
}

}  // namespace

util::IoResult<std::vector<std::string>> expand_manifest_path(const std::string& argument) {
    if (argument == k_stdin_argument) return std::vector<std::string>{argument};
    std::error_code ec;
    const fs::file_status status = fs::status(argument, ec);
    if (ec) return util::unexpected(util::io_error_of(argument, ec));
    if (!fs::is_directory(status)) return std::vector<std::string>{argument};
    auto relatives = list_tree(argument);
    if (!relatives) return util::unexpected(relatives.error());
    if (relatives->empty()) {
        return util::unexpected(util::IoError{util::IoError::Kind::Invalid,
                                              argument + ": no .yaml, .yml or .json files"});
    }
    std::vector<std::string> files;
    files.reserve(relatives->size());
    for (const auto& relative : *relatives) files.push_back(joined(argument, relative));
    return files;
}

namespace {

/// Size and modification time (nanoseconds) of a file, to tell when it changed.
struct Stamp {
    long long size = 0;
    long long mtime_ns = 0;
    bool operator==(const Stamp&) const = default;
};

util::IoError errno_error(const std::string& path, int error) {
    return util::io_error_of(path, std::error_code(error, std::generic_category()));
}

/// Opens a regular file for reading: its descriptor and stamp.
util::IoResult<std::pair<int, Stamp>> open_manifest_file(const std::string& path) {
    struct stat st {};
    auto opened = open_regular_file(path, st);
    if (!opened) return util::unexpected(opened.error());
    const Stamp stamp{
        static_cast<long long>(st.st_size),
        static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec};
    return std::pair{*opened, stamp};
}

/// A file, read with pread; open from open_manifest_input until close(), then again from
/// changed() or the next read, as long as it is as it was first opened.
class FileInput final : public ManifestInput {
public:
    FileInput(std::string path, int fd, Stamp stamp)
        : m_path(std::move(path)), m_fd(fd), m_stamp(stamp) {}
    FileInput(const FileInput&) = delete;
    FileInput& operator=(const FileInput&) = delete;
    ~FileInput() override { close(); }

    const std::string& name() const override { return m_path; }
    size_t size() const override { return static_cast<size_t>(m_stamp.size); }
    util::IoResult<std::string_view> read(size_t offset, size_t length) override;
    util::IoResult<bool> changed() override;
    void close() override;

private:
    std::string m_path;
    int m_fd = -1;  ///< open only while the file is as it was first opened
    Stamp m_stamp;  ///< when it was first opened
    std::string m_buffer;
};

util::IoResult<std::string_view> FileInput::read(size_t offset, size_t length) {
    if (m_fd < 0) {
        auto reopened = changed();
        if (!reopened) return util::unexpected(reopened.error());
        if (*reopened) {
            return util::unexpected(util::IoError{util::IoError::Kind::Other,
                                                  m_path + ": changed since it was first read"});
        }
    }
    m_buffer.resize(length);
    size_t done = 0;
    while (done < length) {
        const ssize_t got =
            ::pread(m_fd, m_buffer.data() + done, length - done, static_cast<off_t>(offset + done));
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return util::unexpected(errno_error(m_path, errno));
        if (got == 0)
            return util::unexpected(util::IoError{util::IoError::Kind::Other,
                                                  m_path + ": shorter than when it was read"});
        done += static_cast<size_t>(got);
    }
    return std::string_view(m_buffer);
}

util::IoResult<bool> FileInput::changed() {
    close();
    auto opened = open_manifest_file(m_path);
    if (!opened) return util::unexpected(opened.error());
    m_fd = opened->first;
    if (opened->second == m_stamp) return false;
    close();
    return true;
}

void FileInput::close() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
    m_buffer.clear();
    m_buffer.shrink_to_fit();  // frees it: assigning an empty string keeps the capacity
}

/// Text in memory: standard input, read once, or text a test gives.
class MemoryInput final : public ManifestInput {
public:
    MemoryInput(std::string name, std::string text)
        : m_name(std::move(name)), m_text(std::move(text)) {}

    const std::string& name() const override { return m_name; }
    size_t size() const override { return m_text.size(); }
    util::IoResult<std::string_view> read(size_t offset, size_t length) override {
        if (offset > m_text.size() || length > m_text.size() - offset) {
            return util::unexpected(util::IoError{util::IoError::Kind::Other,
                                                  m_name + ": shorter than when it was read"});
        }
        return std::string_view(m_text).substr(offset, length);
    }
    util::IoResult<bool> changed() override { return false; }
    void close() override {}

private:
    std::string m_name;
    std::string m_text;
};

/// A cap in words: "256 MiB", or bytes below a MiB (tests use small caps).
std::string cap_text(size_t cap) {
    return cap % (size_t{1} << 20) == 0 ? fmt::format("{} MiB", cap >> 20)
                                        : fmt::format("{} bytes", cap);
}

}  // namespace

std::string manifest_input_name(const std::string& path) {
    return path == k_stdin_argument ? std::string(k_stdin_name) : path;
}

util::IoResult<std::unique_ptr<ManifestInput>> open_manifest_input(const std::string& path,
                                                                   std::istream& stdin_stream) {
    if (path != k_stdin_argument) {
        auto opened = open_manifest_file(path);
        if (!opened) return util::unexpected(opened.error());
        return std::unique_ptr<ManifestInput>(
            std::make_unique<FileInput>(path, opened->first, opened->second));
    }
    auto text = read_stdin(stdin_stream, k_local_file_cap);
    if (!text) return util::unexpected(text.error());
    return memory_input(std::string(k_stdin_name), std::move(*text));
}

util::IoResult<std::string> read_stdin(std::istream& stream, size_t cap) {
    std::string text;
    std::array<char, 65536> buffer{};
    // Read in pieces and stop one byte past the cap: `yes | kubeproof ...` never ends, and
    // must not take the machine's memory before it is refused.
    while (text.size() <= cap && stream) {
        const size_t want = std::min(buffer.size(), cap + 1 - text.size());
        stream.read(buffer.data(), static_cast<std::streamsize>(want));
        text.append(buffer.data(), static_cast<size_t>(stream.gcount()));
    }
    if (stream.bad()) {
        return util::unexpected(
            util::IoError{util::IoError::Kind::Other, std::string(k_stdin_name) + ": read error"});
    }
    if (text.size() > cap) {
        return util::unexpected(util::IoError{
            util::IoError::Kind::Invalid,
            fmt::format("{}: standard input: larger than {}, the most kubeproof reads of it "
                        "(write the manifests to files and name them instead)",
                        k_stdin_name, cap_text(cap))});
    }
    return text;
}

std::unique_ptr<ManifestInput> memory_input(std::string name, std::string text) {
    return std::make_unique<MemoryInput>(std::move(name), std::move(text));
}

}  // namespace kubeproof::local
