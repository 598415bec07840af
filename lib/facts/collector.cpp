#include "facts/collector.hpp"

#include <fmt/format.h>

#include "facts/discovery.hpp"
#include "facts/refs.hpp"

namespace kubeproof::facts {

namespace {

constexpr size_t k_max_tree_entries = 20000;
constexpr int k_max_tree_depth = 16;

void walk_tree(const host::Host& host, const std::string& dir, int depth, NodeFacts& facts, std::vector<std::string>& out) {
    if (depth > k_max_tree_depth || out.size() >= k_max_tree_entries) return;
    auto entries = host.list_dir(dir);
    if (!entries) return;
    for (const auto& entry : *entries) {
        std::string path = dir == "/" ? "/" + entry.name : dir + "/" + entry.name;
        facts.files.emplace(path, stat_fact(host, path));
        out.push_back(path);
        if (entry.is_dir) walk_tree(host, path, depth + 1, facts, out);
    }
}

void gather_tree(const host::Host& host, const std::string& root, NodeFacts& facts) {
    if (facts.trees.count(root) != 0) return;
    std::vector<std::string> entries;
    FileFact top = stat_fact(host, root);
    facts.files.emplace(root, top);
    if (top.exists) entries.push_back(root);
    if (top.exists && top.info.type == host::FileInfo::Type::Directory) walk_tree(host, root, 0, facts, entries);
    facts.trees[root] = std::move(entries);
}

void gather_document(const host::Host& host, const std::string& path, NodeFacts& facts) {
    if (facts.documents.count(path) != 0) return;
    facts.files.emplace(path, stat_fact(host, path));
    auto text = host.read_file(path);
    if (text) {
        facts.documents[path] = parse_document(path, *text);
        return;
    }
    Document doc;
    doc.path = path;
    doc.error = text.error().message;
    facts.documents[path] = doc;
}

void gather_item(const host::Host& host, const model::TestItem& item, const std::string& component, NodeFacts& facts) {
    for (const auto& child : item.children) gather_item(host, child, component, facts);
    const std::string& comp = item.component.empty() ? component : item.component;
    for (const auto& ref : item.refs) {
        for (const auto& found : resolve_ref(facts, ref, comp)) {
            if (item.subject == model::Subject::Tree) gather_tree(host, found.path, facts);
            else if (item.subject == model::Subject::Document) gather_document(host, found.path, facts);
            else facts.files.emplace(found.path, stat_fact(host, found.path));
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

std::string kubernetes_version(const host::Host& host, const NodeFacts& facts) {
    auto it = facts.components.find("apiserver");
    if (it == facts.components.end()) return {};
    auto role = it->second.roles.find("manifest");
    if (role == it->second.roles.end() || role->second.empty()) return {};
    auto text = host.read_file(role->second.front().path);
    if (!text) return {};
    Document doc = parse_document(role->second.front().path, *text);
    auto images = select(doc.data, "spec.containers[*].image");
    for (const auto& image : images.values) {
        std::string version = version_from_image(scalar_text(image));
        if (!version.empty()) return version;
    }
    return {};
}

}  // namespace

FileFact stat_fact(const host::Host& host, const std::string& path) {
    FileFact fact;
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

NodeFacts collect(const host::Host& host, const model::Catalogue& catalogue, const std::vector<const model::Check*>& checks) {
    NodeFacts facts;
    facts.hostname = host.hostname();
    discover_components(host, catalogue, facts);
    for (const model::Check* check : checks) {
        std::string component = check->components.empty() ? std::string() : check->components.front();
        gather_item(host, check->test, component, facts);
    }
    facts.kubernetes_version = kubernetes_version(host, facts);
    return facts;
}

}  // namespace kubeproof::facts
