#include "k8s/manifest_reader.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "k8s/manifest_json.hpp"
#include "k8s/manifest_yaml.hpp"
#include "parse/diagnostics.hpp"

namespace kubeproof::k8s {

namespace {

bool holds_wanted(const ManifestUnit& unit, const WantedTypes& wanted) {
    return std::any_of(
        unit.identities.begin(), unit.identities.end(),
        [&](const Identity& identity) { return wanted.match(identity).has_value(); });
}

}  // namespace

std::optional<size_t> WantedTypes::match(const Identity& identity) const {
    if (m_every) return 0;
    for (size_t i = 0; i < m_types.size(); ++i) {
        if (is_of_type(identity, m_types[i])) return i;
    }
    return std::nullopt;
}

const std::vector<std::string>& WantedTypes::ignored_fields(size_t position) const {
    static const std::vector<std::string> k_none;
    return m_every ? k_none : m_types[position].ignored_fields;
}

util::Expected<size_t, std::string> ManifestReader::read(const WantedTypes& wanted,
                                                         const WantedSink& sink) {
    const auto& units = m_index.units();
    if (std::none_of(units.begin(), units.end(),
                     [&](const ManifestUnit& unit) { return holds_wanted(unit, wanted); }))
        return size_t{0};
    // What indexing kept is read back from memory: the input is opened again only for the rest.
    if (std::all_of(units.begin(), units.end(), [&](const ManifestUnit& unit) {
            return !unit.kept.empty() || !holds_wanted(unit, wanted);
        }))
        return read_units(wanted, sink);
    auto changed = m_input.changed();
    if (!changed) return util::unexpected(changed.error().message);
    if (*changed) return util::unexpected(changed_message());
    auto delivered = read_units(wanted, sink);
    m_input.close();
    return delivered;
}

util::Expected<size_t, std::string> ManifestReader::read_units(const WantedTypes& wanted,
                                                               const WantedSink& sink) {
    size_t delivered = 0;
    for (const auto& unit : m_index.units()) {
        if (!holds_wanted(unit, wanted)) continue;
        if (!unit.kept.empty()) {
            auto read = read_kept(unit, wanted, sink);
            if (!read) return read;
            delivered += *read;
            continue;
        }
        auto text = m_input.read(unit.offset, unit.length);
        if (!text) return util::unexpected(text.error().message);
        auto read = m_index.json() ? read_json(unit, *text, wanted, sink)
                                   : read_yaml(unit, *text, wanted, sink);
        if (!read) return read;
        delivered += *read;
    }
    return delivered;
}

util::Expected<size_t, std::string> ManifestReader::read_json(const ManifestUnit& unit,
                                                              std::string_view text,
                                                              const WantedTypes& wanted,
                                                              const WantedSink& sink) {
    const Identity& identity = unit.identities.front();
    const size_t type = *wanted.match(identity);
    auto object = build_json_object(text, identity, wanted.ignored_fields(type));
    if (!object) {
        // The index checked the syntax; what the object builder refuses beyond that (a key given
        // twice) is named, with the object's place. Anything else means the file changed.
        if (object.error().find("duplicate key") != std::string::npos)
            return util::unexpected(
                fmt::format("{}:{}: {}", m_input.name(), unit.line, object.error()));
        return util::unexpected(changed_message());
    }
    sink(ManifestObject{std::move(*object), model::Origin{m_input.name(), unit.line}, {}}, type);
    return size_t{1};
}

util::Expected<size_t, std::string> ManifestReader::read_yaml(const ManifestUnit& unit,
                                                              std::string_view text,
                                                              const WantedTypes& wanted,
                                                              const WantedSink& sink) {
    size_t delivered = 0;
    auto deliver = [&](ManifestObject&& object) {
        const Identity identity{object.object["apiVersion"].get<std::string>(),
                                object.object["kind"].get<std::string>()};
        const auto type = wanted.match(identity);
        if (!type) return;
        sink(std::move(object), *type);
        ++delivered;
    };
    parse::Diagnostics ignored;  // the index reported them
    YamlDocumentReader(text, m_input.name(), deliver, ignored).read_document({text, unit.line});
    return delivered;
}

util::Expected<size_t, std::string> ManifestReader::read_kept(const ManifestUnit& unit,
                                                              const WantedTypes& wanted,
                                                              const WantedSink& sink) {
    size_t delivered = 0;
    for (size_t i = 0; i < unit.kept.size(); ++i) {
        const Identity& identity = unit.identities[i];
        const auto type = wanted.match(identity);
        if (!type) continue;
        const KeptObject& kept = unit.kept[i];
        auto object = build_json_object(kept.json, identity, wanted.ignored_fields(*type));
        if (!object)  // written by nlohmann/json a moment ago: cannot happen
            return util::unexpected(fmt::format("{}:{}: internal error: {}", m_input.name(),
                                                kept.line, object.error()));
        sink(ManifestObject{std::move(*object), model::Origin{m_input.name(), kept.line},
                            unit.helm_source},
             *type);
        ++delivered;
    }
    return delivered;
}

std::string ManifestReader::changed_message() const {
    return m_input.name() + " changed while it was being scanned; scan it again";
}

}  // namespace kubeproof::k8s
