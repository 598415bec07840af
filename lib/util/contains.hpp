#pragma once

#include <algorithm>
#include <iterator>

namespace kubeproof::util {

/// Whether `range` holds an element equal to `value`.
template <typename Range, typename Value>
bool contains(const Range& range, const Value& value) {
    return std::find(std::begin(range), std::end(range), value) != std::end(range);
}

}  // namespace kubeproof::util
