#include <doctest/doctest.h>

#include <regex>
#include <string>

#include "report/oscal_ids.hpp"

using namespace kubeproof::report;

namespace {

/// OSCAL 1.0.6's token pattern, ^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$, for the ASCII texts
/// control_id() writes (std::regex has no Unicode classes).
bool is_token(const std::string& text) {
    static const std::regex token("^([A-Za-z]|_)([A-Za-z]|[0-9]|[.\\-_])*$");
    return std::regex_match(text, token);
}

std::string v5(const std::string& ns, const std::string& name) {
    const auto parsed = oscal::parse_uuid(ns);
    REQUIRE(parsed);
    return oscal::to_string(oscal::uuid_v5(*parsed, name));
}

}  // namespace

TEST_SUITE("report/oscal_ids") {
    TEST_CASE("uuid v5: Python's documented vector and kubeproof's namespace") {
        // docs.python.org, uuid: uuid5(NAMESPACE_DNS, 'python.org')
        CHECK(v5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org") ==
              "886313e1-3b8a-5372-9b90-0c9aee199e5d");
        CHECK(oscal::to_string(oscal::kubeproof_namespace()) ==
              "0c3316ea-2650-5ca0-b8f9-20d2e301a203");
        CHECK(oscal::to_string(oscal::url_namespace()) == "6ba7b811-9dad-11d1-80b4-00c04fd430c8");
        CHECK(oscal::to_string(oscal::kubeproof_namespace()) ==
              v5("6ba7b811-9dad-11d1-80b4-00c04fd430c8", "https://kubeproof.dev/ns/oscal"));
        // uuid.uuid5(uuid.UUID('0c3316ea-2650-5ca0-b8f9-20d2e301a203'), 'scan:abc')
        CHECK(oscal::name_uuid("scan:abc") == "503b055f-304f-5ee5-a2ef-211384311eaa");
        CHECK(oscal::name_uuid("scan:abc") == oscal::name_uuid("scan:abc"));
        CHECK(oscal::name_uuid("scan:abc") != oscal::name_uuid("scan:abd"));
    }

    TEST_CASE("uuid text: parsed and written back, upper case read, malformed refused") {
        const std::string text = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
        CHECK(oscal::to_string(*oscal::parse_uuid(text)) == text);
        CHECK(oscal::to_string(*oscal::parse_uuid("6BA7B810-9DAD-11D1-80B4-00C04FD430C8")) == text);
        CHECK_FALSE(oscal::parse_uuid("6ba7b8109dad11d180b400c04fd430c8"));
        CHECK_FALSE(oscal::parse_uuid("6ba7b810-9dad-11d1-80b4-00c04fd430cg"));
        CHECK_FALSE(oscal::parse_uuid("6ba7b810-9dad-11d1-80b4_00c04fd430c8"));
        CHECK_FALSE(oscal::parse_uuid(""));
    }

    TEST_CASE("control ids: tokens stay, others get '_' and escapes, and come back") {
        const std::pair<std::string, std::string> cases[] = {
            {"CC6.1", "CC6.1"},    {"A1.2", "A1.2"}, {"P_1", "P_1"},   {"1.2.3", "_1.2.3"},
            {"10.7.3", "_10.7.3"}, {"8.9", "_8.9"},  {"_x", "__5Fx"},  {"A 1", "_A_201"},
            {"a:b", "_a_3Ab"},     {"", "_"},        {"é", "__C3_A9"}, {"1_2", "_1_5F2"},
        };
        for (const auto& mapping : cases) {
            // Named copies: clang 14 cannot capture structured bindings in CAPTURE's lambda.
            const std::string& criterion = mapping.first;
            const std::string& control = mapping.second;
            CAPTURE(criterion);
            CHECK(oscal::control_id(criterion) == control);
            CHECK(is_token(control));
            CHECK(oscal::criterion_id(control) == criterion);
        }
        // Texts control_id() never writes are no control id of a criterion.
        for (const char* bad : {"", "1.2", "_1_", "_1_4", "_1_2e", "_A_41", "a b", "-x"}) {
            CAPTURE(bad);
            CHECK_FALSE(oscal::criterion_id(bad));
        }
    }

    TEST_CASE("file paths as URI references") {
        CHECK(oscal::uri_reference("/var/kubeproof/store/demo/node.cp-1+x/000001.json") ==
              "/var/kubeproof/store/demo/node.cp-1+x/000001.json");
        CHECK(oscal::uri_reference("store/a b/c:d.json") == "store/a%20b/c%3Ad.json");
        CHECK(oscal::uri_reference("x%y#z?.json") == "x%25y%23z%3F.json");
        CHECK(oscal::uri_reference("//host/share/r.json") == "/.//host/share/r.json");
        CHECK(oscal::uri_reference("r\xc3\xa9.json") == "r%C3%A9.json");
    }
}
