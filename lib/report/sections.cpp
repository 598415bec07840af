#include "report/sections.hpp"

namespace kubeproof::report {

namespace {

/// The dotted id a result is filed under: its group, or its own id when it has no group.
const std::string& filing_key(const model::Result& result) {
    return result.group.empty() ? result.id : result.group;
}

bool belongs_to(const model::SectionInfo& section, const model::Result& result) {
    if (!section.target.empty() && !result.target.empty() && section.target != result.target) {
        return false;
    }
    const std::string& key = filing_key(result);
    return key == section.id || key.starts_with(section.id + ".");
}

model::SectionInfo orphan_section(const model::Result& result) {
    const std::string& key = filing_key(result);
    return model::SectionInfo{key.substr(0, key.find('.')), result.target, ""};
}

size_t section_index(std::vector<SectionResults>& sections, const model::Result& result) {
    for (size_t i = 0; i < sections.size(); ++i) {
        if (belongs_to(sections[i].info, result)) return i;
    }
    sections.push_back(SectionResults{orphan_section(result), {}});
    return sections.size() - 1;
}

}  // namespace

std::vector<SectionResults> split_into_sections(const model::Report& report) {
    std::vector<SectionResults> sections;
    for (const auto& info : report.sections) sections.push_back(SectionResults{info, {}});
    for (const auto& result : report.results) {
        sections[section_index(sections, result)].results.push_back(&result);
    }
    std::erase_if(sections, [](const SectionResults& section) { return section.results.empty(); });
    return sections;
}

model::Totals count(const std::vector<const model::Result*>& results) {
    model::Totals totals;
    for (const auto* result : results) totals.add(result->status);
    return totals;
}

std::string heading(std::string_view id, std::string_view title) {
    std::string text(id);
    if (!title.empty()) {
        text += ' ';
        text += title;
    }
    return text;
}

}  // namespace kubeproof::report
