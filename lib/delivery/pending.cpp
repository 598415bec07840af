#include "delivery/pending.hpp"

#include <chrono>

#include <fmt/format.h>

#include "local/atomic_write.hpp"
#include "local/local_files.hpp"
#include "local/store_files.hpp"
#include "util/text.hpp"

namespace kubeproof::delivery {

namespace {

/// An entry is two short lines; a larger file is not one.
constexpr size_t k_entry_limit = 4096;

constexpr std::string_view k_suffix = ".pending";

bool safe_relative(std::string_view path) {
    if (path.empty() || path.starts_with('/') || !path.ends_with(".json")) return false;
    size_t start = 0;
    while (start <= path.size()) {
        const auto slash = path.find('/', start);
        const auto part = path.substr(
            start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        if (part.empty() || part == "." || part == ".." ||
            part.find_first_of("\r\n") != std::string_view::npos)
            return false;
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return true;
}

std::string queue_dir(const std::string& store) { return util::join_path(store, k_pending_folder); }

}  // namespace

std::string pending_text(std::string_view relative) {
    return fmt::format("{}\n{}\n", k_pending_magic, relative);
}

util::Expected<std::string, std::string> parse_pending(std::string_view text,
                                                       const std::string& file) {
    const auto first = text.find('\n');
    if (first == std::string_view::npos || text.substr(0, first) != k_pending_magic)
        return util::unexpected(file + ": not a pending upload (the first line is not " +
                                std::string(k_pending_magic) + ")");
    std::string_view rest = text.substr(first + 1);
    if (rest.ends_with('\n')) rest.remove_suffix(1);
    if (!safe_relative(rest))
        return util::unexpected(file + ": the second line is not a report's path inside the store");
    return std::string(rest);
}

std::string pending_name(uint64_t queued_ns, std::string_view relative) {
    return fmt::format("{:020}-{}{}", queued_ns, util::base_name(relative), k_suffix);
}

std::optional<std::string> enqueue(const std::string& store, std::string_view relative) {
    const std::string dir = queue_dir(store);
    if (auto failed = local::make_directories(dir)) return failed;
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const auto ns =
        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
    return local::write_file_atomically(util::join_path(dir, pending_name(ns, relative)),
                                        pending_text(relative));
}

PendingQueue read_queue(const std::string& store) {
    PendingQueue queue;
    const std::string dir = queue_dir(store);
    auto names = local::list_names(dir);
    if (!names) {
        queue.problems.push_back(names.error().message);
        return queue;
    }
    for (const auto& name : *names) {
        if (!name.ends_with(k_suffix)) continue;  // a writer's temporary file
        const std::string file = util::join_path(dir, name);
        auto text = local::read_local_file_head(file, k_entry_limit);
        if (!text) {
            queue.problems.push_back(text.error().message);
            continue;
        }
        auto report = parse_pending(*text, file);
        if (!report) {
            queue.problems.push_back(report.error());
            continue;
        }
        queue.entries.push_back({file, std::move(*report)});
    }
    return queue;
}

}  // namespace kubeproof::delivery
