#include "k8s/manifest_index.hpp"

#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "k8s/manifest_json.hpp"
#include "k8s/manifest_yaml.hpp"
#include "local/local_files.hpp"
#include "util/text.hpp"

namespace kubeproof::k8s {

bool KeepBudget::take(size_t bytes) {
    size_t left = m_left.load(std::memory_order_relaxed);
    do {
        if (left < bytes) return false;
    } while (!m_left.compare_exchange_weak(left, left - bytes, std::memory_order_relaxed));
    return true;
}

ManifestIndex::ManifestIndex(local::ManifestInput& input, parse::Diagnostics& diagnostics,
                             KeepBudget* keep)
    : m_json(is_json(input)) {
    if (m_json)
        index_json_objects(input, diagnostics);
    else
        index_yaml_documents(input, diagnostics, keep);
    input.close();
}

size_t ManifestIndex::object_count() const {
    size_t count = 0;
    for (const auto& unit : m_units) count += unit.identities.size();
    return count;
}

void ManifestIndex::index_json_objects(local::ManifestInput& input,
                                       parse::Diagnostics& diagnostics) {
    for (auto& span : index_json(input, diagnostics))
        m_units.push_back(
            {span.offset, span.length, span.line, {std::move(span.identity)}, {}, {}});
}

void ManifestIndex::index_yaml_documents(local::ManifestInput& input,
                                         parse::Diagnostics& diagnostics, KeepBudget* keep) {
    // A YAML file is read whole, and parsing it takes several times its size: past the cap of a
    // local file it is refused unread (JSON, read back piece by piece, has no such cap).
    if (input.size() > local::k_local_file_cap) {
        return diagnostics.add(
            input.name(), 0, 0,
            fmt::format("a YAML file larger than {} MiB, the most kubeproof reads of one; it is "
                        "not read (split it, or give the objects as JSON, which is read piece by "
                        "piece)",
                        local::k_local_file_cap >> 20U));
    }
    auto text = input.read(0, input.size());
    if (!text) return diagnostics.add(input.name(), 0, 0, util::reason_of(text.error().message));
    for (const YamlDocument& document : split_documents(*text)) {
        ManifestUnit unit{static_cast<size_t>(document.text.data() - text->data()),
                          document.text.size(),
                          document.first_line,
                          {},
                          {},
                          {}};
        YamlDocumentReader reader(*text, input.name(), {}, diagnostics, &unit.identities,
                                  keep != nullptr ? &unit.kept : nullptr);
        reader.read_document(document);
        if (unit.identities.empty()) continue;
        size_t bytes = 0;
        for (const auto& object : unit.kept) bytes += object.json.size();
        if (keep != nullptr && reader.all_kept() && unit.kept.size() == unit.identities.size() &&
            keep->take(bytes)) {
            unit.helm_source = reader.helm_source();
        } else {
            unit.kept.clear();
            unit.kept.shrink_to_fit();
        }
        m_units.push_back(std::move(unit));
    }
}

}  // namespace kubeproof::k8s
