#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "k8s/manifest_yaml.hpp"
#include "parse/document.hpp"
#include "parse/yaml_fast.hpp"

using namespace kubeproof;

namespace {

std::string fast_test_file_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Every file under `dir` (recursively), sorted.
std::vector<std::filesystem::path> fast_test_files_under(const std::string& dir) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

/// The key paths of the null values of `value`, below `path`.
void fast_test_null_paths(const nlohmann::json& value, const std::string& path,
                          std::set<std::string>& out) {
    if (value.is_null()) out.insert(path);
    if (value.is_object()) {
        for (const auto& [key, item] : value.items())
            fast_test_null_paths(item, path.empty() ? key : path + "." + key, out);
    } else if (value.is_array()) {
        for (size_t i = 0; i < value.size(); ++i)
            fast_test_null_paths(value[i], path + "[" + std::to_string(i) + "]", out);
    }
}

bool has_lone_carriage_return(std::string_view text) {
    for (size_t i = text.find('\r'); i != std::string_view::npos; i = text.find('\r', i + 1)) {
        if (i + 1 == text.size() || text[i + 1] != '\n') return true;
    }
    return false;
}

/// How many documents libyaml read that yaml-cpp refuses (valid YAML yaml-cpp 0.7 does not take).
size_t g_only_libyaml = 0;

/// How a document read by the fast reader compares with the full reader (yaml-cpp,
/// parse_document_full): "" when the fast reader leaves it to the full one or both agree, else
/// what differs. Agreement means: the same JSON, with the same line for every key path, the
/// mapping and each List item starting on the same line. Five differences are yaml-cpp's, not
/// the fast reader's, and are tested apart: valid YAML yaml-cpp refuses (counted), a carriage
/// return alone (a line break to libyaml, content to yaml-cpp), the line of an empty value
/// (yaml-cpp gives it the next token's), where an anchor's name ends, and the escapes \N and \_
/// (yaml-cpp writes lone bytes, not UTF-8).
std::string disagreement(std::string_view text) {
    std::map<std::string, int> lines;
    const auto fast = parse::read_plain_yaml_document(text, &lines);
    if (!fast || has_lone_carriage_return(text) || text.find('&') != std::string_view::npos ||
        text.find("\\N") != std::string_view::npos || text.find("\\_") != std::string_view::npos)
        return "";
    const parse::Document full = parse::parse_document_full("doc.yaml", text);
    if (!full.loaded) {
        ++g_only_libyaml;
        return "";
    }
    if (full.data != fast->value)
        return "values differ:\n  libyaml  " + fast->value.dump() + "\n  yaml-cpp " +
               full.data.dump();
    std::set<std::string> nulls;
    fast_test_null_paths(full.data, "", nulls);
    if (full.lines.size() != lines.size()) return "libyaml records other key paths";
    for (const auto& [key_path, line] : full.lines) {
        const auto found = lines.find(key_path);
        if (found == lines.end()) return "libyaml records no line for " + key_path;
        if (found->second != line && nulls.count(key_path) == 0)
            return "the line of " + key_path + " differs";
    }
    const auto root_line = full.lines.find("");
    if (root_line == full.lines.end() || root_line->second != fast->start.line + 1)
        return "the mapping's line differs";
    for (size_t i = 0; i < fast->item_starts.size(); ++i) {
        const auto line = full.lines.find("items[" + std::to_string(i) + "]");
        if (line == full.lines.end() || line->second != fast->item_starts[i].line + 1)
            return "the line of items[" + std::to_string(i) + "] differs";
    }
    return "";
}

}  // namespace

TEST_SUITE("parse/yaml_fast") {
    TEST_CASE("the fast reader agrees with yaml-cpp on what it reads, and leaves the rest") {
        const std::vector<std::string> texts = {
            // scalars as go-yaml v2 resolves them
            "a: yes\nb: No\nc: on\nd: ~\ne:\nf: null\ng: 0755\nh: 0x1F\ni: 1_000\nj: -0\n"
            "k: 1e3\nl: .inf\nm: -.Inf\nn: .nan\no: 2024-05-01\np: 12345678901234567890\nq: 1.50\n",
            "a: 'yes'\nb: \"0755\"\nc: |\n  line 1\n  line 2\nd: >-\n  folded\n  text\n"
            "e: |+\n  kept\n\nf: \"esc \\x41 \\u263A \\t \\\\ \\\"\"\ng: 'it''s'\n",
            "a: !!str 0755\nb: !!int \"12\"\nc: !!bool true\nd: !custom text\ne: !!float 1\n"
            "f: ! plain\n",
            "a: plain\n  continued\n  over lines\nb: x",
            "8080: port\nyes: bool key\n1.5: float key\n'quoted': 1\n? explicit\n: value\n",
            "a: {b: [1, 2, {c: d}], e: []}\nf: {}\ng:\n- - x\n  - y\n- k: v\n  l: w\n",
            "\xEF\xBB\xBF"
            "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: bom\r\n",
            "# comment\n---\n# again\napiVersion: v1 # trailing\nkind: List\nitems:\n"
            "- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n"
            "- {apiVersion: v1, kind: Service, metadata: {name: b}}\n"
            "-\n  apiVersion: v1\n  kind: ConfigMap\n",
            "anchored: &a {x: 1}\nother: 2\n",
            "a: \"tab\there\"\nb: 'x'\n",
            "items: [1, 2]\n",
            "key with spaces: 1\n\"a:b\": 2\nc: 'x: y'\nd: a #not comment\ne: a#b\n",
            // left to the full reader
            "a: 1\na: 2\n",
            "plain multi\n  line: x\n",
            "base: &b {x: 1}\nmerged:\n  <<: *b\n  y: 2\n",
            "a: *undefined\n",
            "- a\n- b\n",
            "scalar\n",
            "a: [1, 2\n",
            "{a: 1}, ",
            "? [complex]\n: key\n",
            "~: null key\n",
            "a: !!str\n",
            "a: 1\n---\nb: 2\n",
            "",
            "# only a comment\n",
        };
        size_t fast = 0;
        for (const auto& text : texts) {
            CAPTURE(text);
            CHECK(disagreement(text) == "");
            if (parse::read_plain_yaml_document(text)) ++fast;
        }
        CHECK(fast == 12);  // the first 12 are read by the fast reader, the rest are not
        // Valid YAML that yaml-cpp 0.7 refuses and libyaml (and so go-yaml, Kubernetes' decoder,
        // its port) reads: a flow mapping entry without a value is a key with a null value.
        // Found by fuzz_document; such a document is now read as kubectl reads it.
        const std::string no_value = "{\"cniVersion\": \"1.1.0\", \"name\"\n}\n";
        const auto flow = parse::read_plain_yaml_document(no_value);
        REQUIRE(flow);
        CHECK(flow->value == nlohmann::json{{"cniVersion", "1.1.0"}, {"name", nullptr}});
        CHECK_FALSE(parse::parse_document_full("cni.conf", no_value).loaded);
        CHECK(parse::parse_document("cni.conf", no_value).loaded);

        // A carriage return alone ends a line (YAML's b-break); yaml-cpp keeps it in the scalar.
        const auto lone_cr = parse::read_plain_yaml_document("a: 1\rb: 2\r");
        REQUIRE(lone_cr);
        CHECK(lone_cr->value == nlohmann::json{{"a", 1}, {"b", 2}});

        // An anchor's name ends at the first character outside [0-9A-Za-z_-], as in go-yaml:
        // `&im:ilm:` is the anchor "im" on a mapping whose key is ":ilm" (yaml-cpp reads one anchor
        // "im:ilm:"). Found by fuzz_document in its long run.
        const auto anchored = parse::read_plain_yaml_document("&im:ilm:\n .im:\n  .:\n");
        REQUIRE(anchored);
        CHECK(anchored->value == nlohmann::json::parse(R"({":ilm": {".im": {".": null}}})"));

        // The escapes \N and \_ are U+0085 and U+00A0 in UTF-8, as go-yaml reads them (yaml-cpp
        // 0.7 writes the lone bytes 0x85 and 0xA0). Found by a CI smoke run of fuzz_manifests.
        const auto escaped = parse::read_plain_yaml_document("a: \"x\\Ny\\_z\"\n");
        REQUIRE(escaped);
        CHECK(escaped->value == nlohmann::json{{"a", "x\xc2\x85y\xc2\xa0z"}});

        // An empty sequence item is at the line of its "-" (yaml-cpp: the next token's line).
        std::map<std::string, int> item_lines;
        const auto empty_item =
            parse::read_plain_yaml_document("args:\n- a\n-\n- c\n", &item_lines);
        REQUIRE(empty_item);
        CHECK(empty_item->value == nlohmann::json{{"args", {"a", nullptr, "c"}}});
        CHECK(item_lines["args[1]"] == 3);

        const auto list = parse::read_plain_yaml_document(texts[7]);
        REQUIRE(list);
        CHECK(list->start.line == 3);
        REQUIRE(list->item_starts.size() == 3);
        CHECK(list->item_starts[0].line == 6);
        CHECK(list->item_starts[1].line == 9);
        CHECK(list->item_starts[2].line == 11);
    }

    TEST_CASE("every YAML document of the fixtures, peers' tests, hostile inputs and fuzz seeds") {
        // Each file is split as manifests are; every document the fast reader takes must read the
        // same as with yaml-cpp.
        std::vector<std::filesystem::path> files;
        for (const char* dir :
             {"../shared/reference/peer-fixtures", "tests/fixtures", "tests/hostile",
              "tests/fuzz/corpus/manifests", "tests/fuzz/corpus/document", "examples", "deploy"}) {
            const auto found = fast_test_files_under(dir);
            files.insert(files.end(), found.begin(), found.end());
        }
        size_t documents = 0;
        size_t fast = 0;
        for (const auto& path : files) {
            const std::string text = fast_test_file_text(path);
            if (text.size() > parse::k_count_before_building) continue;
            for (const auto& document : k8s::split_documents(text)) {
                const std::string file = path.string() + ":" + std::to_string(document.first_line);
                CAPTURE(file);
                CHECK(disagreement(document.text) == "");
                ++documents;
                if (parse::read_plain_yaml_document(document.text)) ++fast;
            }
        }
        MESSAGE(documents << " documents, " << fast << " read by the fast reader, "
                          << g_only_libyaml << " of them refused by yaml-cpp");
        CHECK(g_only_libyaml <= 3);
        CHECK(documents > 1500);
        CHECK(fast > 1000);
    }
}
