#pragma once

#include <string_view>

namespace kubeproof::cli {

/// The git commit the binary was built from ("unknown" outside a git checkout); written by
/// cmake/write_build_info.cmake at build time.
std::string_view build_commit();

/// When it was built, as RFC 3339 UTC: SOURCE_DATE_EPOCH at build time, else the commit's date,
/// else "unknown"; never the wall clock, so builds are reproducible.
std::string_view build_date();

}  // namespace kubeproof::cli
