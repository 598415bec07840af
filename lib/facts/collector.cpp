#include "facts/collector.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "engine/refs.hpp"
#include "facts/discovery.hpp"

namespace kubeproof::facts {

namespace {

std::string child_path(const std::string& dir, const std::string& name) {
    return dir == "/" ? "/" + name : dir + "/" + name;
}

// One directory walk: stats every entry it sees into the facts and records where it could not
// see everything. Symlinks to directories are followed, except back into a directory being walked.
class TreeWalk {
public:
    TreeWalk(const host::Host& host, const WalkLimits& limits, engine::NodeFacts& facts)
        : m_host(host), m_limits(limits), m_facts(facts) {}

    // The tree at `root`: the root itself, every entry below it, and where the walk could not see.
    engine::TreeFact run(const std::string& root) {
        engine::FileFact top = stat_fact(m_host, root);
        m_facts.files.emplace(root, top);
        if (!top.exists) return std::move(m_tree);
        m_tree.entries.push_back(root);
        if (top.error) {
            m_tree.unlisted.push_back(engine::Unlisted::from_error(root, *top.error));
        } else if (top.info.type == host::FileInfo::Type::Directory) {
            std::vector<std::string> walking{top.info.resolved};
            walk(root, 0, walking);
        }
        return std::move(m_tree);
    }

private:
    // Lists `dir`, `depth` levels below the root; false once the entry limit has stopped the walk.
    bool walk(const std::string& dir, int depth, std::vector<std::string>& walking) {
        if (depth > m_limits.max_depth) {
            m_tree.unlisted.push_back(
                {dir, fmt::format("deeper than {} levels", m_limits.max_depth)});
            return true;
        }
        auto entries = m_host.list_dir(dir);
        if (!entries) {
            m_tree.unlisted.push_back(engine::Unlisted::from_error(dir, entries.error()));
            return true;
        }
        for (const auto& entry : *entries) {
            if (m_count == m_limits.max_entries) {
                m_tree.unlisted.push_back(
                    {dir, fmt::format("more than {} entries", m_limits.max_entries)});
                return false;
            }
            std::string path = child_path(dir, entry.name);
            const engine::FileFact& fact =
                m_facts.files.emplace(path, stat_fact(m_host, path)).first->second;
            m_tree.entries.push_back(path);
            ++m_count;
            if (fact.error) {  // it may be a directory (a link whose target cannot be reached)
                m_tree.unlisted.push_back(engine::Unlisted::from_error(path, *fact.error));
            } else if (entry.is_dir && !descend(path, fact, depth, walking)) {
                return false;
            }
        }
        return true;
    }

    // Walks a subdirectory unless it is one being walked already (a link back up).
    bool descend(const std::string& path, const engine::FileFact& fact, int depth,
                 std::vector<std::string>& walking) {
        const std::string& resolved = fact.info.resolved;
        bool loop = !resolved.empty() &&
                    std::find(walking.begin(), walking.end(), resolved) != walking.end();
        if (loop) return true;  // everything below it is being walked already
        walking.push_back(resolved);
        bool go_on = walk(path, depth + 1, walking);
        walking.pop_back();
        return go_on;
    }

    const host::Host& m_host;
    const WalkLimits& m_limits;
    engine::NodeFacts& m_facts;
    engine::TreeFact m_tree;
    size_t m_count = 0;
};

void gather_document(const host::Host& host, const std::string& path, engine::NodeFacts& facts) {
    if (facts.documents.count(path) != 0) return;
    facts.files.emplace(path, stat_fact(host, path));
    auto text = host.read_file(path);
    if (text) {
        facts.documents[path] = parse::parse_document(path, *text);
        return;
    }
    parse::Document doc;
    doc.path = path;
    doc.error = text.error().message;
    facts.documents[path] = doc;
}

void gather_item(const host::Host& host, const model::TestItem& item, const std::string& component,
                 engine::NodeFacts& facts, const WalkLimits& limits) {
    for (const auto& child : item.children) gather_item(host, child, component, facts, limits);
    const std::string& comp = item.component.empty() ? component : item.component;
    for (const auto& ref : item.refs) {
        for (const auto& found : engine::resolve_ref(facts, ref, comp)) {
            if (item.subject == model::Subject::Tree)
                gather_tree(host, found.path, facts, limits);
            else if (item.subject == model::Subject::Document ||
                     item.subject == model::Subject::AuditPolicy)
                gather_document(host, found.path, facts);
            else
                facts.files.emplace(found.path, stat_fact(host, found.path));
        }
    }
}

std::string version_from_image(const std::string& image) {
    auto colon = image.rfind(':');
    if (colon == std::string::npos) return {};
    std::string tag = image.substr(colon + 1);
    if (!tag.empty() && tag.front() == 'v') tag.erase(0, 1);
    auto first = tag.find('.');
    auto second = first == std::string::npos ? first : tag.find('.', first + 1);
    return second == std::string::npos ? std::string() : tag.substr(0, second);
}

// The first image of a static pod manifest whose tag has a version.
std::optional<std::string> versioned_image(const std::string& path, const std::string& text) {
    parse::Document doc = parse::parse_document(path, text);
    auto images = parse::select(doc.data, "spec.containers[*].image");
    for (const auto& image : images.values) {
        std::string name = parse::scalar_text(image);
        if (!version_from_image(name).empty()) return name;
    }
    return std::nullopt;
}

}  // namespace

std::optional<VersionImage> version_image(const host::Host& host, const model::Catalogue& catalogue,
                                          const engine::NodeFacts& facts) {
    for (const auto& [id, component] : catalogue.components) {
        if (component.version_from.empty()) continue;
        auto it = facts.components.find(id);
        if (it == facts.components.end()) continue;
        auto role = it->second.roles.find(component.version_from);
        if (role == it->second.roles.end() || role->second.empty()) continue;
        const std::string& path = role->second.front().path;
        auto text = host.read_file(path);
        if (!text) continue;
        if (auto image = versioned_image(path, *text)) {
            const std::string tag = image->substr(image->rfind(':') + 1);
            return VersionImage{path, *image, tag, version_from_image(*image)};
        }
    }
    return std::nullopt;
}

namespace {

// The node's Kubernetes version: the image tag of the static pod the catalogue names for it.
std::string kubernetes_version(const host::Host& host, const model::Catalogue& catalogue,
                               const engine::NodeFacts& facts) {
    auto image = version_image(host, catalogue, facts);
    return image ? image->minor : std::string();
}

}  // namespace

engine::FileFact stat_fact(const host::Host& host, const std::string& path) {
    engine::FileFact fact;
    fact.path = path;
    auto info = host.stat(path);
    if (!info) {
        if (info.error().kind != host::HostError::Kind::NotFound) fact.error = info.error();
        fact.exists = info.error().kind != host::HostError::Kind::NotFound;
        return fact;
    }
    fact.exists = true;
    fact.info = *info;
    fact.user = host.user_name(info->uid).value_or(std::to_string(info->uid));
    fact.group = host.group_name(info->gid).value_or(std::to_string(info->gid));
    return fact;
}

void gather_named(const host::Host& host, const std::vector<const model::Check*>& checks,
                  engine::NodeFacts& facts, const WalkLimits& limits) {
    for (const model::Check* check : checks) {
        std::string component =
            check->components.empty() ? std::string() : check->components.front();
        gather_item(host, check->test, component, facts, limits);
    }
}

void gather_tree(const host::Host& host, const std::string& root, engine::NodeFacts& facts,
                 const WalkLimits& limits) {
    if (facts.trees.count(root) != 0) return;
    engine::TreeFact tree = TreeWalk(host, limits, facts).run(root);
    facts.trees[root] = std::move(tree);
}

engine::NodeFacts collect(const host::Host& host, const model::Catalogue& catalogue,
                          const std::vector<const model::Check*>& checks, const WalkLimits& limits,
                          const RecordedServerArgs* recorded) {
    engine::NodeFacts facts;
    facts.hostname = host.hostname();
    discover_components(host, catalogue, facts, recorded);
    gather_named(host, checks, facts, limits);
    facts.kubernetes_version = kubernetes_version(host, catalogue, facts);
    return facts;
}

}  // namespace kubeproof::facts
