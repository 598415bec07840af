#include <doctest/doctest.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "host/atomic_write.hpp"

using kubeproof::host::write_file_atomically;
namespace fs = std::filesystem;

namespace {

/// A fresh directory under the system temp dir, removed with its contents at the end of the test.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "kubeproof-atomic-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        m_path = pattern;
    }
    ~TempDir() { fs::remove_all(m_path); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    /// The path of `name` inside the directory.
    std::string operator/(const std::string& name) const { return (m_path / name).string(); }

    /// The names in the directory, sorted.
    std::vector<std::string> listing() const {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(m_path)) names.push_back(entry.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }

private:
    fs::path m_path;
};

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

}  // namespace

TEST_SUITE("host/atomic_write") {
    TEST_CASE("writes the content with mode 0644 and leaves only the target") {
        TempDir dir;
        const std::string content("report\n\0binary", 14);
        CHECK(write_file_atomically(dir / "report.json", content) == std::nullopt);
        CHECK(read_all(dir / "report.json") == content);
        struct stat info {};
        REQUIRE(::stat((dir / "report.json").c_str(), &info) == 0);
        CHECK((info.st_mode & 07777) == 0644);
        CHECK(dir.listing() == std::vector<std::string>{"report.json"});
    }

    TEST_CASE("replaces an existing file") {
        TempDir dir;
        std::ofstream(dir / "report.json") << "an old and much longer report that must disappear entirely";
        CHECK(write_file_atomically(dir / "report.json", "new") == std::nullopt);
        CHECK(read_all(dir / "report.json") == "new");
        CHECK(dir.listing() == std::vector<std::string>{"report.json"});
    }

    TEST_CASE("writes an empty file") {
        TempDir dir;
        CHECK(write_file_atomically(dir / "empty", "") == std::nullopt);
        CHECK(fs::file_size(dir / "empty") == 0);
    }

    TEST_CASE("a missing directory is reported with the path and reason") {
        TempDir dir;
        const std::string path = dir / "missing/report.json";
        CHECK(write_file_atomically(path, "x") == path + ": No such file or directory");
        CHECK(dir.listing().empty());
    }

    TEST_CASE("a failed rename removes the temporary file and keeps the target") {
        TempDir dir;
        fs::create_directory(dir / "report.json");
        std::ofstream(dir / "report.json/keep") << "kept";
        const auto error = write_file_atomically(dir / "report.json", "x");
        REQUIRE(error.has_value());
        CHECK(*error == (dir / "report.json") + ": Is a directory");
        CHECK(dir.listing() == std::vector<std::string>{"report.json"});
        CHECK(read_all(dir / "report.json/keep") == "kept");
    }

    TEST_CASE("a device is written in place, never replaced") {
        const auto error = write_file_atomically("/dev/null", "discarded");
        CHECK_FALSE(error.has_value());
        struct stat info {};
        REQUIRE(::stat("/dev/null", &info) == 0);
        CHECK(S_ISCHR(info.st_mode));
    }
}
