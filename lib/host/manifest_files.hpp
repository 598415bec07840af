#pragma once

#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "host/host.hpp"

namespace kubeproof::host {

/// The --manifests argument that means standard input.
inline constexpr std::string_view k_stdin_argument = "-";

/// The file name objects read from standard input carry in origins and messages.
inline constexpr std::string_view k_stdin_name = "<stdin>";

/// Expands one --manifests argument of the operator's machine into the files to read, in order:
/// a file as given (any extension), a directory's *.yaml, *.yml and *.json files at any depth
/// sorted by path (hidden files and directories such as .git skipped, and so are a Helm chart's
/// Chart.yaml, values files and templates/, which are not objects until rendered), and "-" as is. A directory
/// with no such file is an Invalid error, so that a typo never turns into an empty green scan.
HostResult<std::vector<std::string>> expand_manifest_path(const std::string& argument);

/// Reads one file named by expand_manifest_path; "-" reads all of `stdin_stream`.
HostResult<std::string> read_manifest_file(const std::string& path, std::istream& stdin_stream);

}  // namespace kubeproof::host
