#include "util/json_depth.hpp"

namespace kubeproof::util {

std::optional<std::size_t> json_nesting_past(std::string_view text, std::size_t limit) {
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;  // the escaped character, a quote among them
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit) return i;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return std::nullopt;
}

std::string json_too_deep(std::size_t limit) {
    return "nested deeper than " + std::to_string(limit) + " levels, the most kubeproof reads";
}

}  // namespace kubeproof::util
