#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <future>
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
        CHECK(folder.error().kind == IoError::Kind::Invalid);
        CHECK(folder.error().message == dir.path() + ": a directory, not a regular file");
    }

    TEST_CASE("a FIFO is refused at once, never waited on, and so are devices") {
        const TempRoot dir;
        const std::string fifo = dir.path() + "/kubeconfig";
        REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
        // Read on another thread: if the reader waited for a writer, the test opens the FIFO for
        // writing itself after a few seconds, which releases the reader, and fails.
        auto reading = std::async(std::launch::async, [&] { return read_local_file(fifo); });
        if (reading.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
            FAIL_CHECK("read_local_file waited on a FIFO");
            const int writer = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
            if (writer >= 0) ::close(writer);
        }
        auto from_fifo = reading.get();
        REQUIRE(!from_fifo);
        CHECK(from_fifo.error().kind == IoError::Kind::Invalid);
        CHECK(from_fifo.error().message == fifo + ": a FIFO, not a regular file");

        for (const char* device : {"/dev/zero", "/dev/null", "/dev/urandom"}) {
            CAPTURE(device);
            auto read = read_local_file(device);
            REQUIRE(!read);
            CHECK(read.error().message == std::string(device) + ": a device, not a regular file");
            std::string into = "kept?";
            REQUIRE(kubeproof::local::read_local_file_into(device, into));
            CHECK(into.empty());
        }
    }

    TEST_CASE("a file larger than the cap is refused without being read") {
        const TempRoot dir;
        const std::string path = dir.write("huge.json", "{}");
        // A sparse file: its size says it is over the cap, and nothing of it is read.
        REQUIRE(::truncate(path.c_str(),
                           static_cast<off_t>(kubeproof::local::k_local_file_cap) + 1) == 0);
        auto huge = read_local_file(path);
        REQUIRE(!huge);
        CHECK(huge.error().message ==
              path + ": larger than the 256 MiB kubeproof reads from one local file");
        // Its head can still be read: a signature envelope's first bytes, say.
        CHECK(read_local_file_head(path, 2).value() == "{}");
    }
}
