#include "engine/file_items.hpp"

#include <fnmatch.h>

#include <fmt/format.h>

#include "engine/refs.hpp"
#include "parse/values.hpp"
#include "util/text.hpp"

namespace kubeproof::engine {

namespace {

using Kind = ItemOutcome::Kind;
constexpr size_t k_max_listed = 10;

struct Target {
    std::string path;
    std::string how;
};

std::vector<Target> targets_of(const model::TestItem& item, const std::string& component,
                               const engine::NodeFacts& facts) {
    std::vector<Target> out;
    for (const auto& ref : item.refs) {
        for (const auto& found : engine::resolve_ref(facts, ref, component)) {
            if (item.subject != model::Subject::Tree) {
                out.push_back({found.path, found.how});
                continue;
            }
            auto tree = facts.trees.find(found.path);
            if (tree == facts.trees.end()) continue;
            for (const auto& entry : tree->second.entries) {
                bool match =
                    item.name_glob.empty() ||
                    fnmatch(item.name_glob.c_str(), util::base_name(entry).c_str(), 0) == 0;
                if (match && (item.name_glob.empty() || entry != found.path))
                    out.push_back({entry, found.how});
            }
        }
    }
    return out;
}

// The directories a tree item walks, as found on the node.
std::string tree_roots(const model::TestItem& item, const std::string& component,
                       const engine::NodeFacts& facts) {
    std::vector<std::string> roots;
    for (const auto& ref : item.refs) {
        for (const auto& found : engine::resolve_ref(facts, ref, component)) {
            auto tree = facts.trees.find(found.path);
            if (tree != facts.trees.end() && !tree->second.entries.empty())
                roots.push_back(found.path);
        }
    }
    return roots.empty() ? item.refs.front() : fmt::format("{}", fmt::join(roots, " and "));
}

std::string describe_subject(const model::TestItem& item, const std::vector<Target>& targets,
                             const std::string& root) {
    if (item.subject == model::Subject::Tree) {
        if (item.name_glob.empty()) return fmt::format("{} and everything below it", root);
        if (item.name_glob == "*") return fmt::format("everything under {}", root);
        return fmt::format("every {} file under {}", item.name_glob, root);
    }
    if (targets.size() == 1) return targets.front().path;
    std::vector<std::string> paths;
    paths.reserve(targets.size());
    for (const auto& t : targets) paths.push_back(t.path);
    return paths.empty() ? item.refs.front() : fmt::format("each of {}", fmt::join(paths, ", "));
}

std::string expectation(const model::Assertion& a, const std::string& subject) {
    if (a.op == "mode") return fmt::format("{} has mode {} or more restrictive", subject, a.value);
    if (a.op == "owner") return fmt::format("{} is owned by {}", subject, a.value);
    return fmt::format("{} {}", subject, a.value == "true" ? "exists" : "does not exist");
}

// Why one existing file breaks one assertion, or "" when it holds.
std::string violation(const model::Assertion& a, const engine::FileFact& f) {
    if (a.op == "mode") {
        auto mask = parse::parse_mode(a.value);
        return mask && mode_within(f.info.mode, *mask)
                   ? ""
                   : fmt::format("{} has mode {}", f.path, parse::format_mode(f.info.mode));
    }
    if (a.op == "owner") {
        std::string owner = f.user + ":" + f.group;
        return owner == a.value ? "" : fmt::format("{} is owned by {}", f.path, owner);
    }
    return a.value == "true" ? "" : fmt::format("{} exists", f.path);
}

std::string describe(const engine::FileFact& f) {
    return fmt::format("mode {}, owner {}:{}{}", parse::format_mode(f.info.mode), f.user, f.group,
                       f.info.resolved.empty() || f.info.resolved == f.path
                           ? ""
                           : ", resolves to " + f.info.resolved);
}

ItemOutcome missing(const model::TestItem& item, const std::string& component,
                    const engine::NodeFacts& facts) {
    ItemOutcome out;
    bool wants_absent = item.assertions.size() == 1 && item.assertions.front().op == "exists" &&
                        item.assertions.front().value == "false";
    out.kind = wants_absent                                ? Kind::Pass
               : item.if_missing == model::IfMissing::Pass ? Kind::Pass
               : item.if_missing == model::IfMissing::Fail ? Kind::Fail
                                                           : Kind::NA;
    std::vector<std::string> searches;
    for (const auto& ref : item.refs)
        searches.push_back(engine::describe_search(facts, ref, component));
    bool globbed =
        item.subject == model::Subject::Tree && !item.name_glob.empty() && item.name_glob != "*";
    std::string what = globbed ? item.name_glob + " files" : "file";
    out.reason = fmt::format("no {} found ({})", what, fmt::join(searches, "; "));
    out.actual.push_back(out.reason);
    for (const auto& a : item.assertions)
        out.expected.push_back(expectation(a, describe_subject(item, {}, item.refs.front())));
    return out;
}

// The directories holding this item's files that could not be seen in full: those a tree walk
// could not list, and those the search for a role's files could not list (systemd drop-ins).
std::vector<engine::Unlisted> unseen(const model::TestItem& item, const std::string& component,
                                     const engine::NodeFacts& facts) {
    std::vector<engine::Unlisted> out;
    for (const auto& ref : item.refs) {
        auto role = engine::unlisted_for_ref(facts, ref);
        out.insert(out.end(), role.begin(), role.end());
        if (item.subject != model::Subject::Tree) continue;
        for (const auto& found : engine::resolve_ref(facts, ref, component)) {
            auto tree = facts.trees.find(found.path);
            if (tree != facts.trees.end())
                out.insert(out.end(), tree->second.unlisted.begin(), tree->second.unlisted.end());
        }
    }
    return out;
}

std::string unseen_reason(const std::vector<engine::Unlisted>& unseen) {
    std::vector<std::string> parts;
    for (size_t i = 0; i < unseen.size() && i < k_max_listed; ++i)
        parts.push_back(unseen[i].dir + ": " + unseen[i].reason);
    if (unseen.size() > k_max_listed)
        parts.push_back(fmt::format("and {} more", unseen.size() - k_max_listed));
    return fmt::format("cannot see every file: {}", fmt::join(parts, "; "));
}

ItemOutcome judge_files(const model::TestItem& item, const std::string& comp,
                        const engine::NodeFacts& facts) {
    std::vector<Target> existing;
    ItemOutcome out;
    for (const auto& t : targets_of(item, comp, facts)) {
        auto f = facts.files.find(t.path);
        if (f == facts.files.end() || !f->second.exists) continue;
        if (f->second.error) {
            out.kind = Kind::Error;
            out.reason = f->second.error->message;
            return out;
        }
        existing.push_back(t);
    }
    if (existing.empty()) return missing(item, comp, facts);
    std::string subject = describe_subject(item, existing, tree_roots(item, comp, facts));
    std::vector<std::string> problems;
    for (const auto& a : item.assertions) {
        out.expected.push_back(expectation(a, subject));
        for (const auto& t : existing) {
            std::string v = violation(a, facts.files.at(t.path));
            if (!v.empty()) problems.push_back(v);
        }
    }
    for (const auto& t : existing) {
        const auto& f = facts.files.at(t.path);
        if (out.evidence.size() < 50)
            out.evidence.push_back({"file", t.path, describe(f) + " (" + t.how + ")"});
    }
    out.kind = problems.empty() ? Kind::Pass : Kind::Fail;
    if (problems.empty()) {
        out.actual.push_back(
            existing.size() == 1
                ? fmt::format("{}: {}", existing.front().path,
                              describe(facts.files.at(existing.front().path)))
                : fmt::format("{} entries checked, all as expected", existing.size()));
    }
    for (size_t i = 0; i < problems.size() && i < k_max_listed; ++i)
        out.actual.push_back(problems[i]);
    if (problems.size() > k_max_listed)
        out.actual.push_back(fmt::format("and {} more", problems.size() - k_max_listed));
    return out;
}

}  // namespace

bool mode_within(uint32_t mode, uint32_t mask) { return (mode & ~mask & 07777U) == 0; }

ItemOutcome evaluate_file_item(const model::TestItem& item, const std::string& component,
                               const engine::NodeFacts& facts) {
    const std::string& comp = item.component.empty() ? component : item.component;
    ItemOutcome out = judge_files(item, comp, facts);
    auto gaps = unseen(item, comp, facts);
    if (gaps.empty() || out.kind == Kind::Error) return out;
    // What was seen is kept as evidence, but an incomplete look decides nothing: never PASS or NA.
    out.kind = Kind::Error;
    out.reason = unseen_reason(gaps);
    return out;
}

}  // namespace kubeproof::engine
