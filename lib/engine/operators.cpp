#include "engine/operators.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <memory>
#include <unordered_map>

#include <fmt/format.h>
#include <re2/re2.h>

#include "parse/values.hpp"
#include "util/contains.hpp"

namespace kubeproof::engine {

namespace {

using model::ValueType;

constexpr std::array<OperatorSpec, 12> k_operators = {{{"set", OperandKind::Bool},
                                                       {"eq", OperandKind::Scalar},
                                                       {"noteq", OperandKind::Scalar},
                                                       {"gt", OperandKind::Number},
                                                       {"gte", OperandKind::Number},
                                                       {"lt", OperandKind::Number},
                                                       {"lte", OperandKind::Number},
                                                       {"has", OperandKind::Scalar},
                                                       {"nothave", OperandKind::Scalar},
                                                       {"regex", OperandKind::Regex},
                                                       {"subset_of", OperandKind::List},
                                                       {"has_any", OperandKind::List}}};

// A comparable form of a scalar under a type: -1/0/1 ordering or nullopt when not comparable.
struct Comparison {
    std::optional<int> order;
    std::string problem;
};

template <typename T>
int three_way(T a, T b) {
    return a < b ? -1 : (a > b ? 1 : 0);
}

Comparison compare_as(ValueType type, const std::string& actual, const std::string& expected) {
    switch (type) {
        case ValueType::Bool: {
            auto a = parse::parse_bool(actual);
            auto e = parse::parse_bool(expected);
            if (!a || !e)
                return {std::nullopt, fmt::format("'{}' is not a boolean", !a ? actual : expected)};
            return {three_way(*a, *e), {}};
        }
        case ValueType::Int: {
            auto a = parse::parse_int(actual);
            auto e = parse::parse_int(expected);
            if (!a || !e)
                return {std::nullopt,
                        fmt::format("'{}' is not a whole number", !a ? actual : expected)};
            return {three_way(*a, *e), {}};
        }
        case ValueType::Duration: {
            auto a = parse::parse_duration(actual);
            auto e = parse::parse_duration(expected);
            if (!a || !e)
                return {std::nullopt,
                        fmt::format("'{}' is not a duration", !a ? actual : expected)};
            return {three_way(*a, *e), {}};
        }
        default:
            return {three_way(actual.compare(expected), 0), {}};
    }
}

/// The compiled form of a `regex` operand. Patterns come from the definitions, so there are few;
/// compiling each once matters when a policy judges every container of a large cluster.
const RE2& compiled(const std::string& pattern) {
    thread_local std::unordered_map<std::string, std::unique_ptr<const RE2>> cache;
    auto& slot = cache[pattern];
    if (!slot) slot = std::make_unique<const RE2>(pattern, RE2::Quiet);
    return *slot;
}

std::vector<std::string> elements_of(const Value& value) {
    return value.is_list ? value.list : parse::split_list(value.text);
}

Verdict ordered(const model::Assertion& a, const Value& v, ValueType type, std::string phrase,
                const std::function<bool(int)>& accept) {
    Verdict verdict{false, std::move(phrase), {}};
    auto cmp = compare_as(type, v.text, a.value);
    if (!cmp.order) {
        verdict.problem = cmp.problem;
        return verdict;
    }
    verdict.pass = accept(*cmp.order);
    return verdict;
}

Verdict apply_present(const model::Assertion& a, const Value& v, ValueType type,
                      std::string_view s) {
    const std::string& e = a.value;
    if (a.op == "eq")
        return ordered(a, v, type, fmt::format("{} is {}", s, e), [](int o) { return o == 0; });
    if (a.op == "noteq")
        return ordered(a, v, type, fmt::format("{} is not {}", s, e), [](int o) { return o != 0; });
    if (a.op == "gt")
        return ordered(a, v, type, fmt::format("{} is greater than {}", s, e),
                       [](int o) { return o > 0; });
    if (a.op == "gte")
        return ordered(a, v, type, fmt::format("{} is at least {}", s, e),
                       [](int o) { return o >= 0; });
    if (a.op == "lt")
        return ordered(a, v, type, fmt::format("{} is less than {}", s, e),
                       [](int o) { return o < 0; });
    if (a.op == "lte")
        return ordered(a, v, type, fmt::format("{} is at most {}", s, e),
                       [](int o) { return o <= 0; });
    if (a.op == "has")
        return {util::contains(elements_of(v), e), fmt::format("{} includes {}", s, e), {}};
    if (a.op == "nothave")
        return {
            !util::contains(elements_of(v), e), fmt::format("{} does not include {}", s, e), {}};
    if (a.op == "regex")
        return {RE2::PartialMatch(v.text, compiled(e)), fmt::format("{} matches /{}/", s, e), {}};
    auto items = elements_of(v);
    if (a.op == "has_any") {
        bool any = std::any_of(a.values.begin(), a.values.end(),
                               [&](const auto& wanted) { return util::contains(items, wanted); });
        return {any, fmt::format("{} includes one of {}", s, parse::join_list(a.values)), {}};
    }
    bool ok = !items.empty() && std::all_of(items.begin(), items.end(), [&](const auto& i) {
        return util::contains(a.values, i);
    });
    return {ok, fmt::format("{} uses only {}", s, parse::join_list(a.values)), {}};
}

// `set`: explicitly given a value. An empty value ("--audit-log-path=") leaves the setting at its
// empty default, so it is not set.
Verdict apply_set(const model::Assertion& a, const Value& v, std::string_view subject) {
    bool want = a.value == "true";
    bool empty = v.is_list ? v.list.empty() : v.text.empty();
    Verdict verdict{(v.explicit_set && !empty) == want,
                    fmt::format("{} is {}", subject, want ? "set" : "not set"),
                    {}};
    if (want && v.explicit_set && empty)
        verdict.problem = fmt::format("{} is empty, which is the same as not set", subject);
    return verdict;
}

}  // namespace

const OperatorSpec* find_operator(std::string_view name) {
    for (const auto& spec : k_operators) {
        if (spec.name == name) return &spec;
    }
    return nullptr;
}

std::string operator_names() {
    std::vector<std::string_view> names;
    names.reserve(k_operators.size());
    for (const auto& spec : k_operators) names.push_back(spec.name);
    return fmt::format("{}", fmt::join(names, ", "));
}

Verdict apply_operator(const model::Assertion& a, const Value& v, ValueType type,
                       std::string_view subject) {
    if (type == ValueType::Auto)
        type = a.op == "subset_of" || a.op == "has_any" ? ValueType::List : infer_type(a.value);
    if (a.op == "set") return apply_set(a, v, subject);
    if (v.present) return apply_present(a, v, type, subject);
    Value empty;
    Verdict verdict = apply_present(a, empty, type, subject);
    verdict.pass = a.op == "nothave";
    verdict.problem.clear();
    return verdict;
}

model::ValueType infer_type(std::string_view expected) {
    if (expected == "true" || expected == "false") return model::ValueType::Bool;
    if (parse::parse_int(expected)) return model::ValueType::Int;
    if (parse::parse_duration(expected)) return model::ValueType::Duration;
    return model::ValueType::String;
}

std::string_view to_string(model::ValueType type) {
    switch (type) {
        case model::ValueType::Bool:
            return "bool";
        case model::ValueType::Int:
            return "int";
        case model::ValueType::Duration:
            return "duration";
        case model::ValueType::String:
            return "string";
        case model::ValueType::List:
            return "list";
        case model::ValueType::Auto:
            break;
    }
    return "auto";
}

}  // namespace kubeproof::engine
