#pragma once

// Plain YAML scalars as Kubernetes reads them. kubectl, the API machinery, the kubelet (its
// config file and static pods), etcd's --config-file and client-go's kubeconfig loader all turn
// YAML into JSON with sigs.k8s.io/yaml, which decodes with go-yaml v2: a YAML 1.1 resolver, so
// `yes`, `on` and `n` are booleans and `0755` is octal. Reading the same text as YAML 1.2 would
// see strings where Kubernetes sees `true`, and judge a setting Kubernetes applies as absent.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace kubeproof::parse {

/// The JSON value go-yaml v2 resolves an untagged plain scalar to, as sigs.k8s.io/yaml then
/// writes it: booleans (y Y yes Yes YES true True TRUE on On ON and their false twins n N no No
/// NO false False FALSE off Off OFF), null ("", ~, null, Null, NULL), integers in Go's base-0
/// syntax with underscores ignored (0x1f, 0o17, 0b101, and 0755 as octal), floats (1.5, .5, 1e3,
/// .inf, .nan) and otherwise the text itself. Timestamps stay strings, as go-yaml v2 leaves them
/// when decoding into an untyped value. Integral floats are written as integers, as Go's JSON
/// encoder writes them.
nlohmann::json resolve_plain_scalar(std::string_view text);

/// The JSON value of a scalar with the tag yaml-cpp reports for it ("?" untagged plain, "!"
/// untagged quoted or block, else the resolved tag): quoted and !!str scalars are strings, plain
/// ones and other core-schema tags resolved as above, application tags left as text. The one rule
/// for both YAML readers (document.cpp's yaml-cpp nodes, yaml_fast.cpp's libyaml events).
nlohmann::json resolve_tagged_scalar(std::string_view text, std::string_view tag);

/// The JSON key a plain scalar mapping key becomes: a resolved boolean or number as text
/// ("true", "8"), anything else as written.
std::string resolve_plain_key(std::string_view text);

}  // namespace kubeproof::parse
