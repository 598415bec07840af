#include <doctest/doctest.h>

#include "engine/operators.hpp"

using namespace kubeproof::engine;
using kubeproof::model::Assertion;
using kubeproof::model::ValueType;

namespace {

Value set_to(std::string text) { return {true, true, false, text, {}, text}; }
Value defaulted(std::string text) { return {true, false, false, text, {}, text}; }
Value absent() { return {}; }
Value list_of(std::vector<std::string> items) {
    Value v{true, true, true, {}, items, {}};
    for (size_t i = 0; i < items.size(); ++i) v.text += (i ? "," : "") + items[i];
    return v;
}

bool holds(const std::string& op, const std::string& expected, const Value& v,
           ValueType type = ValueType::Auto) {
    return apply_operator(Assertion{op, expected, {}}, v, type, "x").pass;
}

}  // namespace

TEST_SUITE("engine/operators") {
    TEST_CASE("every operator is known by name") {
        for (const char* op : {"set", "eq", "noteq", "gt", "gte", "lt", "lte", "has", "nothave",
                               "regex", "subset_of"}) {
            CHECK(find_operator(op) != nullptr);
        }
        CHECK(find_operator("bitmask") == nullptr);
        CHECK(operator_names() ==
              "set, eq, noteq, gt, gte, lt, lte, has, nothave, regex, subset_of, has_any");
    }

    TEST_CASE("set distinguishes explicit values from defaults") {
        CHECK(holds("set", "true", set_to("x")));
        CHECK_FALSE(holds("set", "true", defaulted("x")));
        CHECK(holds("set", "false", defaulted("x")));
        CHECK(holds("set", "false", absent()));
    }

    TEST_CASE("an empty value is not set: set: true fails and says why, set: false holds") {
        auto verdict = apply_operator(Assertion{"set", "true", {}}, set_to(""), ValueType::Auto,
                                      "kube-apiserver --audit-log-path");
        CHECK_FALSE(verdict.pass);
        CHECK(verdict.expected == "kube-apiserver --audit-log-path is set");
        CHECK(verdict.problem ==
              "kube-apiserver --audit-log-path is empty, which is the same as not set");
        CHECK_FALSE(holds("set", "true", list_of({})));
        CHECK(holds("set", "false", set_to("")));  // --token-auth-file= reads no token file
        CHECK(holds("set", "false", list_of({})));
        CHECK(
            apply_operator(Assertion{"set", "true", {}}, absent(), ValueType::Auto, "x").problem ==
            "");
    }

    TEST_CASE("eq and noteq compare booleans as booleans") {
        CHECK(holds("eq", "false", set_to("false")));
        CHECK(holds("eq", "false", set_to("FALSE")));
        CHECK(holds("eq", "true", set_to("1")));
        CHECK_FALSE(holds("eq", "false", defaulted("true")));
        CHECK(holds("noteq", "false", set_to("true")));
        auto verdict =
            apply_operator(Assertion{"eq", "true", {}}, set_to("maybe"), ValueType::Auto, "--x");
        CHECK_FALSE(verdict.pass);
        CHECK(verdict.problem == "'maybe' is not a boolean");
        CHECK(verdict.expected == "--x is true");
    }

    TEST_CASE("durations compare as durations: 0s equals 0, 4h0m0s equals 240m") {
        CHECK(holds("eq", "0", set_to("0s"), ValueType::Duration));
        CHECK_FALSE(holds("noteq", "0", set_to("0s"), ValueType::Duration));
        CHECK(holds("noteq", "0", set_to("4h0m0s"), ValueType::Duration));
        CHECK(holds("eq", "240m", set_to("4h0m0s")));
        CHECK(holds("gte", "5m", set_to("300s")));
    }

    TEST_CASE("numbers compare numerically, not as strings") {
        CHECK(holds("gte", "30", set_to("100")));
        CHECK_FALSE(holds("gte", "30", set_to("4")));
        CHECK(holds("gt", "0", set_to("4096")));
        CHECK_FALSE(holds("gt", "0", defaulted("-1")));
        CHECK(holds("lt", "10", set_to("9")));
        CHECK(holds("lte", "10", set_to("10")));
        auto verdict = apply_operator(Assertion{"gte", "30", {}}, set_to("30d"), ValueType::Auto,
                                      "--audit-log-maxage");
        CHECK_FALSE(verdict.pass);
        CHECK(verdict.problem == "'30d' is not a whole number");
        CHECK(verdict.expected == "--audit-log-maxage is at least 30");
    }

    TEST_CASE("has and nothave match whole list elements") {
        CHECK(holds("has", "Node", set_to("Node,RBAC")));
        CHECK_FALSE(holds("has", "Node", set_to("NodeRestriction")));
        CHECK(holds("nothave", "AlwaysAllow", set_to("Node,RBAC")));
        CHECK_FALSE(holds("nothave", "AlwaysAllow", set_to("RBAC,AlwaysAllow")));
        CHECK(holds("has", "b", list_of({"a", "b"})));
    }

    TEST_CASE("regex is an unanchored RE2 match") {
        CHECK(holds("regex", "^127\\.0\\.0\\.1(:[0-9]+)?$", set_to("127.0.0.1:10249")));
        CHECK_FALSE(holds("regex", "^127\\.0\\.0\\.1(:[0-9]+)?$", set_to("0.0.0.0:10249")));
        CHECK(holds("regex", "RBAC", set_to("Node,RBAC")));
    }

    TEST_CASE("subset_of needs every element allowed and at least one") {
        Assertion allowed{"subset_of", {}, {"aescbc", "kms", "secretbox"}};
        CHECK(apply_operator(allowed, list_of({"aescbc", "kms"}), ValueType::Auto, "p").pass);
        CHECK_FALSE(
            apply_operator(allowed, list_of({"identity", "aescbc"}), ValueType::Auto, "p").pass);
        CHECK_FALSE(apply_operator(allowed, set_to(""), ValueType::Auto, "p").pass);
        CHECK(apply_operator(allowed, set_to("kms,secretbox"), ValueType::Auto, "p").pass);
        CHECK(apply_operator(allowed, absent(), ValueType::Auto, "p").expected ==
              "p uses only aescbc,kms,secretbox");
    }

    TEST_CASE("an absent value fails every assertion except set false and nothave") {
        for (const char* op : {"eq", "noteq", "gt", "gte", "lt", "lte", "has", "regex"}) {
            CHECK_MESSAGE(!holds(op, "1", absent()), op);
        }
        CHECK(holds("nothave", "AlwaysAdmit", absent()));
        CHECK(apply_operator(Assertion{"eq", "false", {}}, absent(), ValueType::Auto, "--x")
                  .problem.empty());
    }

    TEST_CASE("the expected value implies the comparison type") {
        CHECK(kubeproof::engine::infer_type("false") == kubeproof::model::ValueType::Bool);
        CHECK(kubeproof::engine::infer_type("30") == kubeproof::model::ValueType::Int);
        CHECK(kubeproof::engine::infer_type("5m") == kubeproof::model::ValueType::Duration);
        CHECK(kubeproof::engine::infer_type("127.0.0.1") == kubeproof::model::ValueType::String);
        CHECK(kubeproof::engine::to_string(kubeproof::model::ValueType::Duration) == "duration");
    }
}
