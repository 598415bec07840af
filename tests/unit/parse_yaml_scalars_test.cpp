#include <doctest/doctest.h>

#include "parse/document.hpp"
#include "parse/yaml_scalars.hpp"

using namespace kubeproof;
using nlohmann::json;

TEST_SUITE("parse/yaml_scalars") {
    TEST_CASE("booleans and nulls as go-yaml v2 resolves them") {
        for (const char* word :
             {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}) {
            CHECK_MESSAGE(parse::resolve_plain_scalar(word) == json(true), word);
        }
        for (const char* word :
             {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}) {
            CHECK_MESSAGE(parse::resolve_plain_scalar(word) == json(false), word);
        }
        for (const char* word : {"", "~", "null", "Null", "NULL"})
            CHECK(parse::resolve_plain_scalar(word).is_null());
        for (const char* word : {"yEs", "oN", "nO", "tRUE", "nil", "none"}) {
            CHECK_MESSAGE(parse::resolve_plain_scalar(word) == json(word),
                          word);  // not in the decoder's table
        }
    }

    TEST_CASE("numbers in Go's base-0 syntax; floats only in YAML's decimal form") {
        CHECK(parse::resolve_plain_scalar("10255") == json(10255));
        CHECK(parse::resolve_plain_scalar("0755") == json(493));  // YAML 1.1 octal
        CHECK(parse::resolve_plain_scalar("0o17") == json(15));
        CHECK(parse::resolve_plain_scalar("0x1F") == json(31));
        CHECK(parse::resolve_plain_scalar("0b101") == json(5));
        CHECK(parse::resolve_plain_scalar("-0x10") == json(-16));
        CHECK(parse::resolve_plain_scalar("1_000") == json(1000));
        CHECK(parse::resolve_plain_scalar("+1") == json(1));
        CHECK(parse::resolve_plain_scalar("08") == json(8));  // not octal, but a decimal float 8
        CHECK(parse::resolve_plain_scalar("1e3") == json(1000));
        CHECK(parse::resolve_plain_scalar("1.5") == json(1.5));
        CHECK(parse::resolve_plain_scalar(".5") == json(0.5));
        CHECK(parse::resolve_plain_scalar("18446744073709551615") == json(18446744073709551615ULL));
        for (const char* text :
             {"0x", "+", "-", "1.2.3", "2001-12-14", "1:20", ".inf", "0s", "4h"}) {
            CHECK_MESSAGE(parse::resolve_plain_scalar(text) == json(text), text);
        }
    }

    TEST_CASE("mapping keys: resolved booleans and numbers become their text") {
        CHECK(parse::resolve_plain_key("yes") == "true");
        CHECK(parse::resolve_plain_key("0x10") == "16");
        CHECK(parse::resolve_plain_key("name") == "name");
    }

    TEST_CASE(
        "documents: quoted scalars stay strings, plain ones resolve, << merges as go-yaml v2 "
        "does") {
        auto doc = parse::parse_document(
            "k.yaml",
            "a: yes\nb: 'yes'\nc: !!str on\nbase: &b {x: 1, w: 2}\n"
            "m:\n  x: 0\n  <<: *b\n  z: 3\nseq:\n  <<: [{p: 1}, {p: 2, q: 2}]\ny: key\n");
        REQUIRE(doc.loaded);
        CHECK(doc.data["a"] == json(true));
        CHECK(doc.data["b"] == json("yes"));
        CHECK(doc.data["c"] == json("on"));
        CHECK(doc.data["m"] ==
              json({{"x", 1}, {"w", 2}, {"z", 3}}));  // a merge after a key replaces it (v2)
        CHECK(doc.data["seq"] == json({{"p", 1}, {"q", 2}}));  // earlier mappings win
        CHECK(doc.data["true"] == json("key"));  // the key y is a boolean too, written as "true"
        CHECK(doc.lines.at("m.z") == 8);
    }

    TEST_CASE("a merge key that names no mapping is the decoder's error, with its place") {
        auto doc = parse::parse_document("k.yaml", "a:\n  <<: 3\n");
        CHECK_FALSE(doc.loaded);
        CHECK(doc.error ==
              "k.yaml:2:7: invalid YAML/JSON: map merge requires map or sequence of maps as the "
              "value");
    }
}
