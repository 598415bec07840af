#include "loader/yaml_reader.hpp"

#include <fmt/format.h>

#include "parse/document.hpp"

namespace kubeproof::loader {

void YamlContext::error(const YAML::Node& at, const std::string& message) const {
    auto loc = where(at);
    diagnostics->add(file, loc.line, loc.column, message, text);
}

model::SourceLocation YamlContext::where(const YAML::Node& at) const {
    if (!at.IsDefined()) return {file, 0, 0};
    auto mark = at.Mark();
    if (mark.is_null()) return {file, 0, 0};
    return {file, mark.line + 1, mark.column + 1};
}

std::optional<YAML::Node> parse_yaml(const YamlContext& ctx) {
    // A node of yaml-cpp takes some sixty times its text: a waivers file of 200,000 entries (17 MB)
    // took 1.2 GB. Large text is counted first, as manifests are, and refused past the cap.
    if (auto too_large = parse::too_large_yaml(ctx.text)) {
        ctx.diagnostics->add(ctx.file, 0, 0, *too_large);
        return std::nullopt;
    }
    try {
        return YAML::Load(std::string(ctx.text));
    } catch (const YAML::Exception& e) {
        ctx.diagnostics->add(ctx.file, e.mark.line + 1, e.mark.column + 1, "invalid YAML: " + e.msg,
                             ctx.text);
        return std::nullopt;
    }
}

std::optional<std::string> scalar_of(const YamlContext& ctx, const YAML::Node& node,
                                     std::string_view what) {
    if (node.IsScalar()) return node.Scalar();
    if (node.IsNull()) return std::string();
    ctx.error(node, fmt::format("{} must be a string", what));
    return std::nullopt;
}

MapReader::MapReader(const YamlContext& ctx, const YAML::Node& node, std::string what)
    : m_ctx(ctx), m_node(node), m_what(std::move(what)) {
    if (!node.IsMap()) {
        ctx.error(node, fmt::format("{} must be a mapping", m_what));
        m_ok = false;
    }
}

bool MapReader::has(std::string_view key) const {
    if (!m_ok) return false;
    for (const auto& entry : m_node) {
        if (entry.first.IsScalar() && entry.first.Scalar() == key) return true;
    }
    return false;
}

YAML::Node MapReader::take(std::string_view key) {
    if (!m_ok) return YAML::Node(YAML::NodeType::Undefined);
    for (const auto& entry : m_node) {
        if (entry.first.IsScalar() && entry.first.Scalar() == key) {
            m_used.emplace(key);
            return entry.second;
        }
    }
    return YAML::Node(YAML::NodeType::Undefined);
}

std::string MapReader::string(std::string_view key, bool required) {
    YAML::Node value = take(key);
    if (!value.IsDefined()) {
        if (required && m_ok)
            m_ctx.error(m_node, fmt::format("{} is missing required key '{}'", m_what, key));
        return {};
    }
    auto text = scalar_of(m_ctx, value, fmt::format("'{}'", key));
    if (required && text && text->empty())
        m_ctx.error(value, fmt::format("'{}' must not be empty", key));
    return text.value_or("");
}

std::vector<std::string> MapReader::strings(std::string_view key, bool required) {
    YAML::Node value = take(key);
    std::vector<std::string> out;
    if (!value.IsDefined()) {
        if (required && m_ok)
            m_ctx.error(m_node, fmt::format("{} is missing required key '{}'", m_what, key));
        return out;
    }
    if (value.IsScalar()) return {value.Scalar()};
    if (!value.IsSequence()) {
        m_ctx.error(value, fmt::format("'{}' must be a string or a list of strings", key));
        return out;
    }
    for (const auto& item : value) {
        if (auto text = scalar_of(m_ctx, item, fmt::format("each element of '{}'", key)))
            out.push_back(*text);
    }
    return out;
}

bool MapReader::boolean(std::string_view key, bool fallback) {
    YAML::Node value = take(key);
    if (!value.IsDefined()) return fallback;
    if (value.IsScalar() && (value.Scalar() == "true" || value.Scalar() == "false"))
        return value.Scalar() == "true";
    m_ctx.error(value, fmt::format("'{}' must be true or false", key));
    return fallback;
}

void MapReader::finish() {
    if (!m_ok) return;
    for (const auto& entry : m_node) {
        const std::string name = entry.first.IsScalar() ? entry.first.Scalar() : std::string("?");
        if (m_used.count(name) == 0)
            m_ctx.error(entry.first, fmt::format("unknown key '{}' in {}", name, m_what));
    }
}

}  // namespace kubeproof::loader
