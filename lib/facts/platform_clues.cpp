#include "facts/platform_clues.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "facts/collector.hpp"
#include "facts/discovery.hpp"
#include "parse/go_buildinfo.hpp"
#include "parse/kube_version.hpp"

namespace kubeproof::facts {

namespace {

// A .go.buildinfo section is a few kilobytes of header and module text; k3s lists a few hundred
// modules. Anything larger than this is not read.
constexpr std::size_t k_max_buildinfo = 1U << 20U;

struct Distribution {
    const char* name;  ///< "k3s": the platform and the binary's base name
    std::array<const char*, 2> files;
    std::array<const char*, 3> binaries;
};

constexpr std::array<Distribution, 2> k_distributions = {{
    {"k3s",
     {"/var/lib/rancher/k3s", "/etc/rancher/k3s/config.yaml"},
     {"/usr/local/bin/k3s", "/usr/bin/k3s", "/opt/bin/k3s"}},
    {"rke2",
     {"/var/lib/rancher/rke2", "/etc/rancher/rke2/config.yaml"},
     {"/usr/local/bin/rke2", "/usr/bin/rke2", "/opt/rke2/bin/rke2"}},
}};

std::string path_base_name(std::string_view path) {
    const auto slash = path.rfind('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// The platform a binary's main module names ("github.com/rancher/rke2"), else the one it was
// found as.
std::string platform_of_main(std::string_view main, std::string_view found_as) {
    if (main.find("/rke2") != std::string_view::npos) return "rke2";
    if (main.find("/k3s") != std::string_view::npos) return "k3s";
    return std::string(found_as);
}

// The running distribution process: its binary and mode. "k3s server" as argv
// ("/usr/local/bin/k3s", "server") or as a rewritten process title (one argument
// "/usr/local/bin/k3s server").
struct Running {
    std::string binary;  ///< "/usr/local/bin/k3s"
    std::string mode;    ///< "server" or "agent"
};

std::optional<Running> distribution_process(const host::Process& process, std::string_view name) {
    if (process.argv.empty()) return std::nullopt;
    std::string first = process.argv.front();
    std::string mode = process.argv.size() > 1 ? process.argv[1] : std::string();
    if (const auto space = first.find(' '); space != std::string::npos) {
        mode = first.substr(space + 1, first.find(' ', space + 1) - space - 1);
        first.resize(space);
    }
    if (path_base_name(first) != name || (mode != "server" && mode != "agent")) return std::nullopt;
    return Running{first, mode};
}

std::optional<engine::Clue> static_pod_clue(const host::Host& host,
                                            const model::Catalogue& catalogue) {
    engine::NodeFacts facts;
    discover_components(host, catalogue, facts);
    auto image = version_image(host, catalogue, facts);
    if (!image) return std::nullopt;
    auto version = parse::parse_git_version(image->tag);
    if (!version) return std::nullopt;
    return engine::Clue{"static-pod-image", version->text(), version->minor_text(),
                        version->platform,
                        fmt::format("from the image tag of {} ({})", image->path, image->image)};
}

// The Kubernetes version compiled into a k3s or RKE2 binary, from its Go build information.
std::optional<engine::Clue> buildinfo_clue(const host::Host& host, const std::string& binary,
                                           std::string_view platform) {
    const parse::ByteReader read = [&](uint64_t offset,
                                       std::size_t length) -> std::optional<std::string> {
        auto bytes = host.read_range(binary, offset, length);
        if (!bytes) return std::nullopt;
        return std::move(*bytes);
    };
    std::string error;
    auto section = parse::find_elf_section(read, ".go.buildinfo", error);
    if (!section) return std::nullopt;
    auto bytes = read(section->offset,
                      static_cast<std::size_t>(std::min<uint64_t>(section->size, k_max_buildinfo)));
    if (!bytes) return std::nullopt;
    auto info = parse::parse_go_buildinfo(*bytes, error);
    if (!info) return std::nullopt;
    auto kubernetes = parse::find_go_module(info->modules, "k8s.io/kubernetes");
    if (!kubernetes) return std::nullopt;
    const std::string& tag = kubernetes->replacement_version.empty()
                                 ? kubernetes->version
                                 : kubernetes->replacement_version;
    auto version = parse::parse_git_version(tag);
    if (!version) return std::nullopt;
    const std::string main_path = parse::go_main_path(info->modules);
    std::string found = platform_of_main(main_path, platform);
    const std::string what =
        kubernetes->replaced_by.empty()
            ? fmt::format("k8s.io/kubernetes {}", kubernetes->version)
            : fmt::format("k8s.io/kubernetes => {} {}", kubernetes->replaced_by, tag);
    return engine::Clue{"go-buildinfo", version->text(), version->minor_text(), std::move(found),
                        fmt::format("from the Go build information of {} ({})", binary, what)};
}

}  // namespace

std::vector<engine::Clue> node_clues(const host::Host& host, const model::Catalogue& catalogue) {
    std::vector<engine::Clue> clues;
    if (auto clue = static_pod_clue(host, catalogue)) clues.push_back(std::move(*clue));
    auto processes = host.processes();
    for (const auto& dist : k_distributions) {
        std::optional<Running> running;
        if (processes) {
            for (const auto& process : *processes) {
                if ((running = distribution_process(process, dist.name))) break;
            }
        }
        // The binary: the running one when its path is absolute, else the install locations.
        std::vector<std::string> binaries;
        if (running && running->binary.starts_with('/')) binaries.push_back(running->binary);
        binaries.insert(binaries.end(), dist.binaries.begin(), dist.binaries.end());
        std::optional<std::string> file;
        for (const char* path : dist.files) {
            if (host.stat(path)) {
                file = path;
                break;
            }
        }
        if (!running && !file) continue;
        for (const auto& binary : binaries) {
            if (auto clue = buildinfo_clue(host, binary, dist.name)) {
                clues.push_back(std::move(*clue));
                break;
            }
        }
        if (running)
            clues.push_back(
                {"node-process",
                 {},
                 {},
                 dist.name,
                 fmt::format("from the process '{} {}'", running->binary, running->mode)});
        else
            clues.push_back({"node-files", {}, {}, dist.name, fmt::format("from {}", *file)});
    }
    if (host.stat("/etc/kubernetes/azure.json"))
        clues.push_back({"node-files", {}, {}, "aks", "from /etc/kubernetes/azure.json"});
    return clues;
}

}  // namespace kubeproof::facts
