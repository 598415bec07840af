#pragma once

#include <string>
#include <string_view>

namespace kubeproof::report {

/// A field as RFC 4180 wants it: quoted when it holds a comma, a quote or a line break, with
/// quotes doubled.
std::string csv_field(std::string_view text);

}  // namespace kubeproof::report
