#include <doctest/doctest.h>

#include <string>

#include "host_tree_fixture.hpp"
#include "local/local_files.hpp"

using kubeproof::local::read_local_file;
using kubeproof::local::read_local_file_head;
using kubeproof::test::TempRoot;
using kubeproof::util::IoError;

TEST_SUITE("local/local_files") {
    TEST_CASE("a file is read whole, or only its head") {
        const TempRoot dir;
        std::string content(200000, 'x');
        content[0] = '{';
        content.back() = '}';
        const std::string path = dir.write("big.json", content);
        CHECK(read_local_file(path).value() == content);
        CHECK(read_local_file_head(path, 16).value() == content.substr(0, 16));
        CHECK(read_local_file_head(path, 0).value().empty());
        CHECK(read_local_file_head(path, content.size() + 10).value() == content);
    }

    TEST_CASE("a missing file is NotFound, a directory is an error with its path") {
        const TempRoot dir;
        auto missing = read_local_file(dir.path() + "/absent");
        REQUIRE(!missing);
        CHECK(missing.error().kind == IoError::Kind::NotFound);
        CHECK(missing.error().message == dir.path() + "/absent: No such file or directory");
        auto folder = read_local_file_head(dir.path(), 10);
        REQUIRE(!folder);
        CHECK(folder.error().message == dir.path() + ": Is a directory");
    }
}
