#include <doctest/doctest.h>

#include <string>

#include "util/escape.hpp"

using kubeproof::util::escape_text;
using kubeproof::util::Lines;

TEST_SUITE("util/escape") {
    TEST_CASE("printable ASCII and valid UTF-8 pass through; a backslash stays one") {
        CHECK(escape_text("kube-apiserver --anonymous-auth=false") ==
              "kube-apiserver --anonymous-auth=false");
        CHECK(escape_text("caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x94\x92") ==
              "caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x94\x92");
        CHECK(escape_text("C:\\x1b") == "C:\\x1b");
        CHECK(escape_text(escape_text("a\x1b[31mb")) == escape_text("a\x1b[31mb"));  // idempotent
    }

    TEST_CASE("C0 controls: line feed, tab and carriage return by name, the rest as \\xHH") {
        CHECK(escape_text("a\nb") == "a\\nb");
        CHECK(escape_text("a\tb") == "a\\tb");
        CHECK(escape_text("a\rb") == "a\\rb");
        CHECK(escape_text("\x1b[2J\x07") == "\\x1b[2J\\x07");
        CHECK(escape_text(std::string("a\0b", 3)) == "a\\x00b");
        CHECK(escape_text("\x1f") == "\\x1f");
    }

    TEST_CASE("a multi-line field keeps line feeds and tabs, and nothing else") {
        CHECK(escape_text("a\n\tb\r\x1b", Lines::Keep) == "a\n\tb\\r\\x1b");
    }

    TEST_CASE("DEL and the C1 controls") {
        CHECK(escape_text("a\x7f") == "a\\x7f");
        CHECK(escape_text("\xC2\x80") == "\\u0080");
        CHECK(escape_text("\xC2\x85") == "\\u0085");
        CHECK(escape_text("\xC2\x9B"
                          "31m") == "\\u009b31m");  // CSI
        CHECK(escape_text("\xC2\x9F") == "\\u009f");
        CHECK(escape_text("\xC2\xA0") == "\xC2\xA0");  // no-break space is printable
    }

    TEST_CASE("bidi controls") {
        CHECK(escape_text("evil\xE2\x80\xAEtxt.exe") == "evil\\u202etxt.exe");
        CHECK(escape_text("\xE2\x80\xAA\xE2\x80\xAB\xE2\x80\xAC\xE2\x80\xAD") ==
              "\\u202a\\u202b\\u202c\\u202d");
        CHECK(escape_text("\xE2\x81\xA6\xE2\x81\xA7\xE2\x81\xA8\xE2\x81\xA9") ==
              "\\u2066\\u2067\\u2068\\u2069");
        CHECK(escape_text("\xE2\x80\x8E\xE2\x80\x8F") == "\\u200e\\u200f");
        CHECK(escape_text("\xD8\x9C") == "\\u061c");
        CHECK(escape_text("\xE2\x80\x8D") == "\xE2\x80\x8D");  // zero-width joiner is not one
    }

    TEST_CASE("invalid UTF-8: each byte as \\xHH, what follows read again") {
        CHECK(escape_text("\xff") == "\\xff");
        CHECK(escape_text("a\x80z") == "a\\x80z");                // a lone continuation byte
        CHECK(escape_text("\xC3") == "\\xc3");                    // truncated at the end
        CHECK(escape_text("\xC3(") == "\\xc3(");                  // truncated before ASCII
        CHECK(escape_text("\xC0\xAF") == "\\xc0\\xaf");           // overlong '/'
        CHECK(escape_text("\xE0\x80\xAF") == "\\xe0\\x80\\xaf");  // overlong, three bytes
        CHECK(escape_text("\xED\xA0\x80") == "\\xed\\xa0\\x80");  // a UTF-16 surrogate
        CHECK(escape_text("\xF4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
        CHECK(escape_text("\xE2\x80") == "\\xe2\\x80");
    }
}
