#include <doctest/doctest.h>

#include "host/passwd.hpp"

using kubeproof::host::name_for_id;
using kubeproof::host::parse_group;
using kubeproof::host::parse_hostname;
using kubeproof::host::parse_passwd;
using Names = std::map<uint32_t, std::string>;

TEST_SUITE("host/passwd") {
    TEST_CASE("parse_passwd maps uids to names") {
        const auto users = parse_passwd(
            "root:x:0:0:root:/root:/bin/bash\n"
            "etcd:x:998:997:etcd user:/var/lib/etcd:/usr/sbin/nologin\n"
            "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin");
        CHECK(users == Names{{0, "root"}, {998, "etcd"}, {65534, "nobody"}});
    }

    TEST_CASE("comments, blank, NIS and malformed lines are skipped") {
        const auto users = parse_passwd(
            "# comment\n"
            "\n"
            "+@netgroup::::::\n"
            "+\n"
            "-baduser:x:5:5::/:\n"
            "noid\n"
            "short:x\n"
            ":x:7:7::/:\n"
            "neg:x:-1:0::/:\n"
            "word:x:abc:0::/:\n"
            "big:x:4294967296:0::/:\n"
            "trail:x:12x:0::/:\n"
            "empty:x::0::/:\n"
            "crlf:x:11:11::/:/bin/sh\r\n"
            "max:x:4294967295:0::/:\n");
        CHECK(users == Names{{11, "crlf"}, {4294967295u, "max"}});
    }

    TEST_CASE("the first entry wins for a duplicate id") {
        CHECK(parse_passwd("first:x:5:5::/:\nsecond:x:5:5::/:\n") == Names{{5, "first"}});
        CHECK(parse_group("adm:x:4:syslog\nadm2:x:4:\n") == Names{{4, "adm"}});
    }

    TEST_CASE("parse_group maps gids to names") {
        CHECK(parse_group("root:x:0:\netcd:x:997:\ndocker:x:999:alice,bob\n") ==
              Names{{0, "root"}, {997, "etcd"}, {999, "docker"}});
        CHECK(parse_group("").empty());
    }

    TEST_CASE("name_for_id falls back to root for id 0 only") {
        CHECK(name_for_id({}, 0) == "root");
        CHECK(name_for_id({}, 4242) == std::nullopt);
        CHECK(name_for_id({{0, "toor"}}, 0) == "toor");
        CHECK(name_for_id({{998, "etcd"}}, 998) == "etcd");
    }

    TEST_CASE("parse_hostname takes the trimmed first line") {
        CHECK(parse_hostname("node-1\n") == "node-1");
        CHECK(parse_hostname("  node-2 \t\r\nsecond\n") == "node-2");
        CHECK(parse_hostname("\nnode-3\n") == "");
        CHECK(parse_hostname("") == "");
    }
}
