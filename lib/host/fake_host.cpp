#include "host/fake_host.hpp"

#include <algorithm>
#include <stdexcept>

#include "host/passwd.hpp"

namespace kubeproof::host {

namespace {

// "/a/./b/../c/" -> "/a/c": setup paths are normalised without looking at the tree.
std::string normalize(std::string_view path) {
    std::vector<std::string> parts;
    for (auto& part : split_components(path)) {
        if (part == ".") continue;
        if (part != "..") {
            parts.push_back(std::move(part));
        } else if (!parts.empty()) {
            parts.pop_back();
        }
    }
    return join_components(parts);
}

std::string child_path(const std::string& dir, const std::string& name) {
    return (dir == "/" ? dir : dir + "/") + name;
}

}  // namespace

FakeHost::FakeHost() { m_nodes["/"] = Node{Node::Kind::Directory, {}, 0755, 0, 0}; }

void FakeHost::add_file(std::string_view path, std::string content, uint32_t mode, uint32_t uid,
                        uint32_t gid) {
    put(path, Node{Node::Kind::File, std::move(content), mode, uid, gid});
}

void FakeHost::add_dir(std::string_view path, uint32_t mode, uint32_t uid, uint32_t gid) {
    put(path, Node{Node::Kind::Directory, {}, mode, uid, gid});
}

void FakeHost::add_symlink(std::string_view path, std::string target) {
    put(path, Node{Node::Kind::Symlink, std::move(target), 0777, 0, 0});
}

void FakeHost::add_process(int pid, std::vector<std::string> argv, std::string comm,
                           std::map<std::string, std::string> env) {
    m_processes[pid] = FakeProcess{std::move(argv), std::move(comm), std::move(env)};
}

void FakeHost::set_passwd(std::string text) { add_file("/etc/passwd", std::move(text)); }

void FakeHost::set_group(std::string text) { add_file("/etc/group", std::move(text)); }

void FakeHost::set_hostname(std::string name) { add_file("/etc/hostname", std::move(name) + "\n"); }

void FakeHost::deny(std::string_view path) { m_denied.insert(normalize(path)); }

void FakeHost::deny_listing(std::string_view path) { m_unlistable.insert(normalize(path)); }

bool FakeHost::below_unlistable(const std::string& in_root) const {
    return std::any_of(m_unlistable.begin(), m_unlistable.end(), [&](const std::string& dir) {
        return in_root != dir && in_root.starts_with(child_path(dir, ""));
    });
}

void FakeHost::put(std::string_view path, Node node) {
    const std::string key = normalize(path);
    if (key == "/" && node.kind != Node::Kind::Directory) {
        throw std::invalid_argument("FakeHost: \"/\" must stay a directory");
    }
    make_parents(key);
    m_nodes[key] = std::move(node);
}

void FakeHost::make_parents(const std::string& path) {
    for (size_t slash = path.find('/', 1); slash != std::string::npos;
         slash = path.find('/', slash + 1)) {
        const std::string parent = path.substr(0, slash);
        const auto [it, added] =
            m_nodes.try_emplace(parent, Node{Node::Kind::Directory, {}, 0755, 0, 0});
        if (!added && it->second.kind != Node::Kind::Directory) {
            throw std::invalid_argument("FakeHost: " + parent + " is not a directory");
        }
    }
}

NodeResult FakeHost::lookup(const std::string& in_root) const {
    if (m_denied.contains(in_root) || below_unlistable(in_root)) return util::unexpected(EACCES);
    const auto it = m_nodes.find(in_root);
    if (it == m_nodes.end()) return util::unexpected(ENOENT);
    switch (it->second.kind) {
        case Node::Kind::Directory:
            return PathNode{PathNode::Kind::Directory, {}};
        case Node::Kind::Symlink:
            return PathNode{PathNode::Kind::Symlink, it->second.data};
        case Node::Kind::File:
            break;
    }
    return PathNode{PathNode::Kind::Other, {}};
}

// Resolves `path` and returns its final node; the root itself can be denied too.
HostResult<FakeHost::Found> FakeHost::find(std::string_view path) const {
    auto resolved = resolve_path(path, [this](const std::string& p) { return lookup(p); });
    if (!resolved) return util::unexpected(resolved.error());
    if (m_denied.contains(*resolved)) return util::unexpected(error_from_errno(path, EACCES));
    const Node* node = &m_nodes.at(*resolved);
    return Found{std::move(*resolved), node};
}

HostResult<std::string> FakeHost::read_quietly(std::string_view path) const {
    const auto found = find(path);
    if (!found) return util::unexpected(found.error());
    if (found->node->kind == Node::Kind::Directory) {
        return util::unexpected(error_from_errno(path, EISDIR));
    }
    return found->node->data;
}

bool FakeHost::is_dir(const std::string& in_root) const {
    const auto found = find(in_root);
    return found && found->node->kind == Node::Kind::Directory;
}

HostResult<std::string> FakeHost::read_file(std::string_view path) const {
    m_accessed.emplace_back(path);
    return read_quietly(path);
}

HostResult<FileInfo> FakeHost::stat(std::string_view path) const {
    m_accessed.emplace_back(path);
    auto found = find(path);
    if (!found) return util::unexpected(found.error());
    const Node& node = *found->node;
    FileInfo info;
    info.type =
        node.kind == Node::Kind::Directory ? FileInfo::Type::Directory : FileInfo::Type::Regular;
    info.mode = node.mode & 07777;
    info.uid = node.uid;
    info.gid = node.gid;
    info.size = node.kind == Node::Kind::File ? node.data.size() : 0;
    info.resolved = std::move(found->resolved);
    return info;
}

HostResult<std::vector<DirEntry>> FakeHost::list_dir(std::string_view path) const {
    m_accessed.emplace_back(path);
    const auto found = find(path);
    if (!found) return util::unexpected(found.error());
    if (found->node->kind != Node::Kind::Directory) {
        return util::unexpected(error_from_errno(path, ENOTDIR));
    }
    if (m_unlistable.contains(found->resolved))
        return util::unexpected(error_from_errno(path, EACCES));
    const std::string prefix = child_path(found->resolved, "");
    std::vector<DirEntry> entries;
    for (auto it = m_nodes.lower_bound(prefix);
         it != m_nodes.end() && it->first.starts_with(prefix); ++it) {
        const std::string name = it->first.substr(prefix.size());
        if (name.empty() || name.find('/') != std::string::npos) continue;
        entries.push_back({name, is_dir(it->first)});
    }
    std::sort(entries.begin(), entries.end(),
              [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
    return entries;
}

HostResult<std::vector<Process>> FakeHost::processes() const {
    std::vector<Process> result;
    for (const auto& [pid, process] : m_processes) {
        if (!process.argv.empty()) result.push_back(Process{pid, process.argv, process.comm});
    }
    return result;
}

HostResult<std::map<std::string, std::string>> FakeHost::environ(int pid) const {
    const auto it = m_processes.find(pid);
    if (it == m_processes.end()) {
        return util::unexpected(
            error_from_errno("/proc/" + std::to_string(pid) + "/environ", ENOENT));
    }
    return it->second.env;
}

std::optional<std::string> FakeHost::user_name(uint32_t uid) const {
    const auto text = read_quietly("/etc/passwd");
    return name_for_id(text ? parse_passwd(*text) : std::map<uint32_t, std::string>{}, uid);
}

std::optional<std::string> FakeHost::group_name(uint32_t gid) const {
    const auto text = read_quietly("/etc/group");
    return name_for_id(text ? parse_group(*text) : std::map<uint32_t, std::string>{}, gid);
}

std::string FakeHost::hostname() const {
    const auto text = read_quietly("/etc/hostname");
    return text ? parse_hostname(*text) : "";
}

}  // namespace kubeproof::host
