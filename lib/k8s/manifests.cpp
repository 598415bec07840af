#include "k8s/manifests.hpp"

#include <iostream>
#include <memory>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "k8s/manifest_index.hpp"
#include "k8s/manifest_reader.hpp"
#include "local/manifest_files.hpp"
#include "util/text.hpp"

namespace kubeproof::k8s {

size_t for_each_object(std::string_view text, const std::string& file, const ManifestSink& sink,
                       parse::Diagnostics& diagnostics) {
    const auto input = local::memory_input(file, std::string(text));
    const ManifestIndex index(*input, diagnostics);
    const auto delivered = ManifestReader(*input, index)
                               .read(WantedTypes::every(), [&](ManifestObject&& object, size_t) {
                                   sink(std::move(object));
                               });
    return delivered ? *delivered : 0;  // text in memory never changes
}

/// One input as load() opened and indexed it.
struct ManifestSource::IndexedInput {
    std::unique_ptr<local::ManifestInput> input;
    ManifestIndex index;
};

ManifestSource::ManifestSource(std::vector<std::string> arguments, std::istream* stdin_stream)
    : m_arguments(std::move(arguments)),
      m_stdin(stdin_stream != nullptr ? stdin_stream : &std::cin) {}

ManifestSource::~ManifestSource() = default;

bool ManifestSource::load(parse::Diagnostics& diagnostics) {
    const size_t before = diagnostics.size();
    m_inputs.clear();
    std::set<std::string> seen;
    for (const auto& argument : m_arguments) {
        auto paths = local::expand_manifest_path(argument);
        if (!paths) {
            diagnostics.add(argument, 0, 0, util::reason_of(paths.error().message));
            continue;
        }
        for (const auto& path : *paths) {
            if (seen.insert(path).second) load_input(path, diagnostics);
        }
    }
    if (diagnostics.size() == before) report_empty_input(diagnostics);
    m_loaded = true;
    m_load_error =
        diagnostics.size() > before ? parse::format_location(diagnostics.items()[before]) : "";
    return diagnostics.size() == before;
}

void ManifestSource::load_input(const std::string& path, parse::Diagnostics& diagnostics) {
    auto input = local::open_manifest_input(path, *m_stdin);
    if (!input) {
        return diagnostics.add(local::manifest_input_name(path), 0, 0,
                               util::reason_of(input.error().message));
    }
    ManifestIndex index(**input, diagnostics);
    m_inputs.push_back({std::move(*input), std::move(index)});
}

std::vector<ManifestSource::InputSummary> ManifestSource::summary() const {
    std::vector<InputSummary> out;
    for (const auto& indexed : m_inputs)
        out.push_back({indexed.input->name(), indexed.index.object_count()});
    return out;
}

void ManifestSource::report_empty_input(parse::Diagnostics& diagnostics) const {
    // Empty input is what a failed `helm template ... |` or a wrong path looks like: it must never
    // read as a clean cluster.
    size_t objects = 0;
    const size_t before = diagnostics.size();
    for (const auto& input : summary()) {
        objects += input.objects;
        if (input.name == local::k_stdin_name && input.objects == 0) {
            diagnostics.add(input.name, 0, 0,
                            "standard input holds no Kubernetes objects (did the command before "
                            "the pipe fail?)");
        }
    }
    if (diagnostics.size() == before && objects == 0) {
        diagnostics.add(fmt::format("{}", fmt::join(m_arguments, ", ")), 0, 0,
                        m_inputs.empty()
                            ? "no manifest files (.yaml, .yml, .json) were found"
                            : fmt::format("no Kubernetes objects in the {} manifest file{} read",
                                          m_inputs.size(), m_inputs.size() == 1 ? "" : "s"));
    }
}

model::ListOutcome ManifestSource::list(const model::ResourceType& type, const ObjectSink& sink) {
    return list_all({{type}}, sink).front();
}

std::vector<model::ListOutcome> ManifestSource::list_all(
    const std::vector<std::vector<model::ResourceType>>& stages, const ObjectSink& sink) {
    if (!m_loaded) {
        parse::Diagnostics ignored;  // the first problem is kept in m_load_error
        load(ignored);
    }
    std::vector<model::ListOutcome> outcomes;
    for (const auto& stage : stages) {
        for (const auto& type : stage) {
            model::ListOutcome outcome;
            outcome.type = type.name();
            if (!m_load_error.empty()) {
                outcome.kind = model::ListOutcome::Kind::Failed;
                outcome.message = "read manifests: " + m_load_error;
            }
            outcomes.push_back(std::move(outcome));
        }
    }
    if (!m_load_error.empty()) return outcomes;
    size_t first = 0;
    for (const auto& stage : stages) {
        list_stage(stage, sink, std::span(outcomes).subspan(first, stage.size()));
        first += stage.size();
    }
    return outcomes;
}

void ManifestSource::list_stage(const std::vector<model::ResourceType>& stage,
                                const ObjectSink& sink, std::span<model::ListOutcome> outcomes) {
    auto deliver = [&](ManifestObject&& item, size_t type) {
        const std::string& scope = stage[type].in_namespace;
        if (!scope.empty() &&
            item.object.value("/metadata/namespace"_json_pointer, std::string()) != scope)
            return;
        sink(std::move(item.object), item.origin);
        ++outcomes[type].count;
    };
    for (auto& indexed : m_inputs) {
        const auto read =
            ManifestReader(*indexed.input, indexed.index).read(WantedTypes(stage), deliver);
        if (read) continue;
        for (auto& outcome : outcomes) {
            outcome.kind = model::ListOutcome::Kind::Failed;
            outcome.message = "read manifests: " + read.error();
        }
        return;
    }
}

std::string ManifestSource::describe() const {
    return fmt::format("manifests {}", fmt::join(m_arguments, ", "));
}

}  // namespace kubeproof::k8s
