#include "k8s/manifests.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
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
    KeepBudget keep(k_manifest_keep_bytes);
    const ManifestIndex index(*input, diagnostics, &keep);
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

namespace {

/// One thing load() does, in the order of the arguments: an input to read, or a path that could
/// not be expanded (its diagnostic).
struct LoadStep {
    std::string path;
    parse::Diagnostics diagnostics;
};

/// Runs `work(i)` for every i < count on up to `threads` threads (the calling one among them),
/// each taking the next i; an exception ends the work and is thrown again here.
void run_parallel(size_t count, size_t threads, const std::function<void(size_t)>& work) {
    std::atomic<size_t> next{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto worker = [&] {
        for (size_t i = next++; i < count; i = next++) {
            try {
                work(i);
            } catch (...) {
                const std::lock_guard lock(failure_mutex);
                if (!failure) failure = std::current_exception();
                next = count;
            }
        }
    };
    std::vector<std::thread> helpers;
    for (size_t i = 1; i < std::min(threads, count); ++i) helpers.emplace_back(worker);
    worker();
    for (auto& helper : helpers) helper.join();
    if (failure) std::rethrow_exception(failure);
}

}  // namespace

bool ManifestSource::load(parse::Diagnostics& diagnostics) {
    const size_t before = diagnostics.size();
    m_inputs.clear();
    std::set<std::string> seen;
    std::vector<LoadStep> steps;
    for (const auto& argument : m_arguments) {
        auto paths = local::expand_manifest_path(argument);
        if (!paths) {
            steps.emplace_back().diagnostics.add(argument, 0, 0,
                                                 util::reason_of(paths.error().message));
            continue;
        }
        for (auto& path : *paths) {
            if (seen.insert(path).second) steps.push_back({std::move(path), {}});
        }
    }
    // Parsing is most of a scan of manifests: the inputs are read and indexed on every core, each
    // with its own diagnostics, which are then added in the order of the inputs.
    KeepBudget keep(k_manifest_keep_bytes);
    std::vector<std::optional<IndexedInput>> loaded(steps.size());
    const size_t threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
    run_parallel(steps.size(), threads, [&](size_t i) {
        if (!steps[i].path.empty())
            loaded[i] = load_input(steps[i].path, keep, steps[i].diagnostics);
    });
    for (size_t i = 0; i < steps.size(); ++i) {
        diagnostics.append(std::move(steps[i].diagnostics));
        if (loaded[i]) m_inputs.push_back(std::move(*loaded[i]));
    }
    if (diagnostics.size() == before) report_empty_input(diagnostics);
    m_loaded = true;
    m_load_error =
        diagnostics.size() > before ? parse::format_location(diagnostics.items()[before]) : "";
    return diagnostics.size() == before;
}

std::optional<ManifestSource::IndexedInput> ManifestSource::load_input(
    const std::string& path, KeepBudget& keep, parse::Diagnostics& diagnostics) {
    auto input = local::open_manifest_input(path, *m_stdin);
    if (!input) {
        diagnostics.add(local::manifest_input_name(path), 0, 0,
                        util::reason_of(input.error().message));
        return std::nullopt;
    }
    ManifestIndex index(**input, diagnostics, &keep);
    return IndexedInput{std::move(*input), std::move(index)};
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
