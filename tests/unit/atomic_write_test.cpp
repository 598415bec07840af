#include <doctest/doctest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "host_tree_fixture.hpp"
#include "local/atomic_write.hpp"

using kubeproof::local::write_file_atomically;
namespace fs = std::filesystem;

namespace {

/// The names in a directory, sorted.
std::vector<std::string> listing(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

}  // namespace

TEST_SUITE("host/atomic_write") {
    TEST_CASE("writes the content with mode 0644 and leaves only the target") {
        kubeproof::test::TempRoot dir;
        const std::string content("report\n\0binary", 14);
        CHECK(write_file_atomically(dir.host("/report.json"), content) == std::nullopt);
        CHECK(read_all(dir.host("/report.json")) == content);
        struct stat info {};
        REQUIRE(::stat((dir.host("/report.json")).c_str(), &info) == 0);
        CHECK((info.st_mode & 07777) == 0644);
        CHECK(listing(dir.path()) == std::vector<std::string>{"report.json"});
    }

    TEST_CASE("replaces an existing file") {
        kubeproof::test::TempRoot dir;
        std::ofstream(dir.host("/report.json"))
            << "an old and much longer report that must disappear entirely";
        CHECK(write_file_atomically(dir.host("/report.json"), "new") == std::nullopt);
        CHECK(read_all(dir.host("/report.json")) == "new");
        CHECK(listing(dir.path()) == std::vector<std::string>{"report.json"});
    }

    TEST_CASE("a replaced file keeps its mode, through either writer") {
        kubeproof::test::TempRoot dir;
        const std::string path = dir.host("/report.json");
        std::ofstream(path) << "old";
        REQUIRE(::chmod(path.c_str(), 0600) == 0);
        CHECK(write_file_atomically(path, "new") == std::nullopt);
        struct stat info {};
        REQUIRE(::stat(path.c_str(), &info) == 0);
        CHECK((info.st_mode & 07777) == 0600);
        REQUIRE(::chmod(path.c_str(), 0640) == 0);
        auto writer = kubeproof::local::AtomicWriter::open(path);
        REQUIRE(writer);
        writer->write("newer");
        CHECK(writer->commit() == std::nullopt);
        REQUIRE(::stat(path.c_str(), &info) == 0);
        CHECK((info.st_mode & 07777) == 0640);
        CHECK(read_all(path) == "newer");
        CHECK(listing(dir.path()) == std::vector<std::string>{"report.json"});
    }

    TEST_CASE("writes an empty file") {
        kubeproof::test::TempRoot dir;
        CHECK(write_file_atomically(dir.host("/empty"), "") == std::nullopt);
        CHECK(fs::file_size(dir.host("/empty")) == 0);
    }

    TEST_CASE("a missing directory is reported with the path and reason") {
        kubeproof::test::TempRoot dir;
        const std::string path = dir.host("/missing/report.json");
        CHECK(write_file_atomically(path, "x") == path + ": No such file or directory");
        CHECK(listing(dir.path()).empty());
    }

    TEST_CASE("a failed rename removes the temporary file and keeps the target") {
        kubeproof::test::TempRoot dir;
        fs::create_directory(dir.host("/report.json"));
        std::ofstream(dir.host("/report.json/keep")) << "kept";
        const auto error = write_file_atomically(dir.host("/report.json"), "x");
        REQUIRE(error.has_value());
        CHECK(*error == (dir.host("/report.json")) + ": Is a directory");
        CHECK(listing(dir.path()) == std::vector<std::string>{"report.json"});
        CHECK(read_all(dir.host("/report.json/keep")) == "kept");
    }

    TEST_CASE("a device is written in place, never replaced") {
        const auto error = write_file_atomically("/dev/null", "discarded");
        CHECK_FALSE(error.has_value());
        struct stat info {};
        REQUIRE(::stat("/dev/null", &info) == 0);
        CHECK(S_ISCHR(info.st_mode));
    }
}

namespace {

/// Runs `body` in a child process with SIGTERM and SIGINT at their defaults (doctest installs its
/// own), returning its wait status.
template <typename Body>
int in_child(const Body& body) {
    const pid_t child = ::fork();
    if (child == 0) {
        ::signal(SIGTERM, SIG_DFL);
        ::signal(SIGINT, SIG_DFL);
        body();
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    return status;
}

void exit_with_chained_code(int signo) { ::_exit(40 + signo); }

}  // namespace

TEST_SUITE("host/atomic_write") {
    TEST_CASE("SIGTERM or SIGINT during a write removes the temporary file and still kills") {
        using kubeproof::local::AtomicWriter;
        for (const int signo : {SIGTERM, SIGINT}) {
            kubeproof::test::TempRoot dir;
            const std::string path = dir.host("/report.json");
            const int status = in_child([&] {
                auto writer = AtomicWriter::open(path);
                if (!writer) ::_exit(3);
                writer->write("half a report");
                ::raise(signo);
                ::_exit(4);  // not reached: the signal ends the process
            });
            CAPTURE(signo);
            CHECK(WIFSIGNALED(status));
            CHECK(WTERMSIG(status) == signo);
            CHECK(listing(dir.path()).empty());
        }
    }

    TEST_CASE("a handler the program had is chained to; an ignored SIGINT stays ignored") {
        using kubeproof::local::AtomicWriter;
        kubeproof::test::TempRoot dir;
        const std::string path = dir.host("/report.json");
        const int chained = in_child([&] {
            struct sigaction action {};
            action.sa_handler = exit_with_chained_code;
            ::sigaction(SIGTERM, &action, nullptr);
            auto writer = AtomicWriter::open(path);
            writer->write("half");
            ::raise(SIGTERM);
        });
        CHECK(WIFEXITED(chained));
        CHECK(WEXITSTATUS(chained) == 40 + SIGTERM);
        CHECK(listing(dir.path()).empty());
        const int ignored = in_child([&] {
            ::signal(SIGINT, SIG_IGN);
            auto writer = AtomicWriter::open(path);
            writer->write("whole");
            ::raise(SIGINT);
            if (writer->commit()) ::_exit(5);
        });
        CHECK(WIFEXITED(ignored));
        CHECK(WEXITSTATUS(ignored) == 0);
        CHECK(listing(dir.path()) == std::vector<std::string>{"report.json"});
        CHECK(read_all(path) == "whole");
    }
}
