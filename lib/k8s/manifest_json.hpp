#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "k8s/manifests.hpp"
#include "loader/diagnostics.hpp"

namespace kubeproof::k8s {

/// Whether manifest text is JSON (its first character other than white space is '{' or '['); such
/// text is read by for_each_json_object, anything else as YAML.
bool is_json_text(std::string_view text);

/// for_each_object for JSON text: one JSON value, or several one after another as kubectl prints
/// them. The items of a List are parsed and delivered one at a time, so a 300 MB
/// `kubectl get pods -A -o json` never becomes one document in memory. Syntax errors name the
/// file:line:col where the parser stopped; nothing after one is read.
size_t for_each_json_object(std::string_view text, const std::string& file,
                            const ManifestSink& sink, loader::Diagnostics& diagnostics);

}  // namespace kubeproof::k8s
