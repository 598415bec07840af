#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/check.hpp"

namespace kubeproof::engine {

/// What kind of operand an operator takes, for load-time validation.
enum class OperandKind { Bool, Number, Scalar, Regex, List };

/// A value operator known to the engine.
struct OperatorSpec {
    std::string_view name;
    OperandKind operand;
};

/// The value operator called `name`, or nullptr.
const OperatorSpec* find_operator(std::string_view name);

/// Every value operator name, for messages.
std::string operator_names();

/// A resolved value of a flag, config key, feature gate, or document key.
struct Value {
    bool present = false;       ///< a value exists (explicit or default)
    bool explicit_set = false;  ///< it was set explicitly, not a default
    bool is_list = false;       ///< list form (config arrays, several selected values)
    std::string text;           ///< scalar text (lists joined with ',')
    std::vector<std::string> list;
    std::string shown;  ///< how the actual value reads in reports
};

/// The outcome of one assertion.
struct Verdict {
    bool pass = false;
    std::string expected;  ///< the expectation in words
    std::string problem;   ///< why it failed, when it could not compare ("'abc' is not a number")
};

/// Applies a value assertion to a value; `subject` names it in the expectation ("--profiling").
Verdict apply_operator(const model::Assertion& assertion, const Value& value, model::ValueType type,
                       std::string_view subject);

/// The type an expected value implies: bool, int, duration, else string.
model::ValueType infer_type(std::string_view expected);

/// "bool", "int", "duration", "string", "list" or "auto".
std::string_view to_string(model::ValueType type);

}  // namespace kubeproof::engine
