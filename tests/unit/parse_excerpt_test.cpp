#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "parse/credentials.hpp"
#include "parse/diagnostics.hpp"
#include "parse/excerpt.hpp"

using kubeproof::parse::cut_excerpt;
using kubeproof::parse::Diagnostics;
using kubeproof::parse::Excerpt;
using kubeproof::parse::redact_credentials;
using kubeproof::parse::RedactedLine;
using kubeproof::parse::safe_source_line;

namespace {

const std::string k_aws_key = "AKIAQ3EGRALCANARY7XQ";  // 20 characters of an access key id's shape

/// Characters (not bytes) of UTF-8 text.
size_t columns(const std::string& text) {
    size_t n = 0;
    for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0U) != 0x80 ? 1 : 0;
    return n;
}

/// The quoted line of `text`'s line `line`, or nullopt when it is left out.
std::optional<std::string> shown(const std::string& text, int line) {
    const std::optional<RedactedLine> quoted = safe_source_line(text, line, 0);
    return quoted ? std::optional<std::string>(quoted->text()) : std::nullopt;
}

/// The quoted form of a line on its own.
std::optional<std::string> shown(const std::string& line) {
    const std::optional<RedactedLine> quoted = safe_source_line(line, 0);
    return quoted ? std::optional<std::string>(quoted->text()) : std::nullopt;
}

}  // namespace

TEST_SUITE("parse/excerpt") {
    TEST_CASE("a short line is escaped, not cut, the caret under its column") {
        const Excerpt e = cut_excerpt("name: a\tb", 7, 96);
        CHECK(e.text == "name: a\\tb");
        CHECK(e.caret == 6);
        const Excerpt tab = cut_excerpt("a\tb: c", 3, 96);  // after the tab, shown as two columns
        CHECK(tab.caret == 3);
        const Excerpt end = cut_excerpt("key: [", 7, 96);  // at the end of the line
        CHECK(end.caret == 6);
    }

    TEST_CASE("a long line is cut around the error, the caret on the same character") {
        std::string line(1000, 'a');
        line[600] = 'X';
        const Excerpt e = cut_excerpt(line, 601, 96);
        const std::string text = e.text;
        CHECK(columns(text) <= 96);
        CHECK(text.starts_with("…"));
        CHECK(text.ends_with("…"));
        const size_t caret = e.caret;
        CHECK(caret > 30);
        CHECK(caret < 66);
        // The character under the caret is the X (the mark before it is one column, three bytes).
        CHECK(text.substr(caret - 1 + 3, 1) == "X");
    }

    TEST_CASE("cut at the start and at the end of a long line") {
        std::string line(300, 'b');
        const Excerpt start = cut_excerpt(line, 1, 96);
        CHECK(start.caret == 0);
        CHECK(!start.text.starts_with("…"));
        CHECK(start.text.ends_with("…"));
        CHECK(columns(start.text) <= 96);
        const Excerpt end = cut_excerpt(line, 300, 96);
        CHECK(end.text.starts_with("…"));
        CHECK(!end.text.ends_with("…"));
        CHECK(columns(end.text) <= 96);
        CHECK(end.caret == columns(end.text) - 1);
    }

    TEST_CASE("escapes count as the columns they take, before and after the caret") {
        std::string line = "\x1b\x1b\x1b" + std::string(200, 'c');
        const Excerpt e = cut_excerpt(line, 4, 96);
        CHECK(e.text.starts_with("\\x1b\\x1b\\x1bc"));
        CHECK(e.caret == 12);
        CHECK(columns(e.text) <= 96);
    }

    TEST_CASE("credential-looking values are redacted, their keys kept") {
        CHECK(redact_credentials("aws_key: " + k_aws_key) == "aws_key: <redacted>");
        CHECK(redact_credentials("password=hunter2&user=bob") == "password=<redacted>&user=bob");
        CHECK(redact_credentials("  token: abc def  # why") == "  token: <redacted> # why");
        CHECK(redact_credentials(R"({"apiKey": "s3cr3t", "name": "x"})") ==
              R"({"apiKey": "<redacted>", "name": "x"})");
        CHECK(redact_credentials("--token=abcdef --v=2") == "--token=<redacted> --v=2");
        CHECK(redact_credentials("url: postgres://app:s3cr3t@db:5432/shop") == "url: <redacted>");
        CHECK(redact_credentials(R"(k: "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END" x)") ==
              R"(k: "<redacted>" x)");
        CHECK(redact_credentials("jwt: eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.SflKxwRJSMeKKF2QT4") ==
              "jwt: <redacted>");
        CHECK(redact_credentials("Authorization: Bearer abcdefghijklmnop0123") ==
              "Authorization: <redacted>");
        CHECK(redact_credentials("password: ${DB_PASSWORD}") == "password: ${DB_PASSWORD}");
        CHECK(redact_credentials("name: web, image: nginx:1.27") == "name: web, image: nginx:1.27");
    }

    TEST_CASE("the column moves with the redaction before it") {
        RedactedLine line("password=hunter2 x=[", 20);
        kubeproof::parse::redact_credentials(line);
        CHECK(line.text() == "password=<redacted> x=[");
        CHECK(line.column() == 23);
        CHECK(line.text()[static_cast<size_t>(line.column() - 1)] == '[');
        RedactedLine inside("token: abcdef", 10);
        kubeproof::parse::redact_credentials(inside);
        CHECK(inside.column() == 8);  // on the "<redacted>" that replaced it
    }

    TEST_CASE("a Secret's data and stringData values are redacted, block style") {
        const std::string text =
            "apiVersion: v1\n"
            "kind: Secret\n"
            "metadata:\n"
            "  name: db\n"
            "data:\n"
            "  user: YWRtaW4=\n"
            "  # a comment\n"
            "  pass: c2VjcmV0\n"
            "stringData:\n"
            "  config.yaml: |\n"
            "    anything: here\n"
            "type: Opaque\n";
        CHECK(shown(text, 4) == std::optional<std::string>("  name: db"));
        CHECK(shown(text, 6) == std::optional<std::string>("  user: <redacted>"));
        CHECK(shown(text, 8) == std::optional<std::string>("  pass: <redacted>"));
        CHECK(shown(text, 11) == std::optional<std::string>("    anything: <redacted>"));
        CHECK(shown(text, 12) == std::optional<std::string>("type: Opaque"));
        CHECK(shown(text, 13) == std::optional<std::string>(""));
        CHECK(shown(text, 14) == std::nullopt);
    }

    TEST_CASE("a Secret's data on one line, JSON or flow style, and pretty-printed JSON") {
        const std::string list =
            R"({"kind":"List","items":[{"kind":"Secret","data":{"a":"c2VjcmV0","b":"eA=="}},)"
            R"({"kind":"Secret","stringData":{"c":"plain"}}]})";
        CHECK(shown(list) == std::optional<std::string>(
                                 R"({"kind":"List","items":[{"kind":"Secret","data":{<redacted>}},)"
                                 R"({"kind":"Secret","stringData":{<redacted>}}]})"));
        CHECK(shown("{kind: Secret, data: {a: b}}") ==
              std::optional<std::string>("{kind: Secret, data: {<redacted>}}"));
        const std::string pretty =
            "{\n"
            "  \"kind\": \"Secret\",\n"
            "  \"data\": {\n"
            "    \"a\": \"c2VjcmV0\",\n"
            "  }\n"
            "}\n";
        CHECK(shown(pretty, 4) == std::optional<std::string>("    \"a\": <redacted>"));
        CHECK(shown(pretty, 2) == std::optional<std::string>("  \"kind\": \"Secret\","));
        // Not a Secret: a ConfigMap's data is shown.
        CHECK(shown("kind: ConfigMap\ndata:\n  a: b\n", 3) == std::optional<std::string>("  a: b"));
    }

    TEST_CASE("a private key on one line goes from its header to the end of its string") {
        CHECK(shown(R"(key: "x -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----" y)")
                  ->find("MIIE") == std::string::npos);
    }

    TEST_CASE("a line whose parents are too far up to tell is left out") {
        std::string text = "kind: Secret\ndata:\n";
        for (int i = 0; i < 6000; ++i) text += "  k" + std::to_string(i) + ": c2VjcmV0\n";
        CHECK(shown(text, 3) == std::optional<std::string>("  k0: <redacted>"));
        CHECK(shown(text, 6002) == std::nullopt);
    }

    TEST_CASE("a line over 64 KiB is left out; a cut looks only near the caret") {
        const std::string long_line(70000, 'x');
        CHECK(shown(long_line) == std::nullopt);
        CHECK(shown("a: b\n" + long_line + "\n", 2) == std::nullopt);
        const std::string huge(size_t{32} << 20, 'y');
        const Excerpt e = cut_excerpt(huge, 16 << 20, 96);
        CHECK(columns(e.text) == 96);
        CHECK(e.text.starts_with("…"));
        CHECK(e.text.ends_with("…"));
        CHECK(e.caret == 48);
    }

    TEST_CASE("Diagnostics::format: location and excerpt escaped, redacted, cut, caret aligned") {
        Diagnostics d;
        const std::string line = "kind: Secret\ndata: {a: " + std::string(300, 'Q') + ", b: [}\n";
        d.add("bad\x1b[2J.yaml", 2, 310, "invalid YAML: end of map not found", line);
        const std::string out = d.format();
        CHECK(out ==
              "bad\\x1b[2J.yaml:2:310: invalid YAML: end of map not found\n"
              "    data: {<redacted>\n"
              "           ^\n");
        Diagnostics key;
        const std::string one_line =
            std::string(500, ' ') + "token: " + k_aws_key + " \x1b]0;x\x07";
        key.add_quoted("f.json", 1, 505, "bad", one_line);
        const std::string shown = key.format();
        CHECK(shown.find(k_aws_key) == std::string::npos);
        CHECK(shown.find('\x1b') == std::string::npos);
        CHECK(shown.find('\x07') == std::string::npos);
        CHECK(shown.find("token: \"[redacted]\"\n") != std::string::npos);  // redact_secrets
    }
}
