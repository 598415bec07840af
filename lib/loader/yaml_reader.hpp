#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "model/check.hpp"
#include "parse/diagnostics.hpp"

namespace kubeproof::loader {

/// The file being read and where its diagnostics go.
struct YamlContext {
    std::string file;
    std::string_view text;
    parse::Diagnostics* diagnostics = nullptr;

    /// Records an error at a node's position.
    void error(const YAML::Node& at, const std::string& message) const;
    /// The 1-based location of a node.
    model::SourceLocation where(const YAML::Node& at) const;
};

/// Parses a YAML document, reporting syntax errors with file:line:col; nullopt on error.
std::optional<YAML::Node> parse_yaml(const YamlContext& ctx);

/// Strict reader of one YAML mapping: every key must be consumed or it is reported as unknown.
class MapReader {
public:
    /// `what` names the mapping in messages ("check", "test item").
    MapReader(const YamlContext& ctx, const YAML::Node& node, std::string what);

    /// False when the node is not a mapping (already reported).
    bool ok() const { return m_ok; }
    /// True when the key is present (does not consume it).
    bool has(std::string_view key) const;
    /// The value of a key, consuming it; an undefined node when absent.
    YAML::Node take(std::string_view key);
    /// A scalar string; reports a missing required key or a non-scalar value.
    std::string string(std::string_view key, bool required = false);
    /// A scalar or a sequence of scalars.
    std::vector<std::string> strings(std::string_view key, bool required = false);
    /// A boolean ("true"/"false"); `fallback` when absent.
    bool boolean(std::string_view key, bool fallback);
    /// Reports every key that was not consumed as unknown.
    void finish();
    /// The mapping node itself.
    const YAML::Node& node() const { return m_node; }
    const YamlContext& context() const { return m_ctx; }

private:
    const YamlContext& m_ctx;
    YAML::Node m_node;
    std::string m_what;
    bool m_ok = true;
    std::set<std::string, std::less<>> m_used;
};

/// The scalar text of a node, or reports that it must be a string.
std::optional<std::string> scalar_of(const YamlContext& ctx, const YAML::Node& node,
                                     std::string_view what);

}  // namespace kubeproof::loader
