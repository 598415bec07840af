#include "app/benchmark_detect.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>

#include <fmt/format.h>

#include "facts/platform_clues.hpp"
#include "k8s/api_source.hpp"
#include "parse/kube_version.hpp"
#include "util/json_depth.hpp"
#include "util/text.hpp"

namespace kubeproof::app {

namespace {

constexpr std::array<std::string_view, 6> k_scan_platforms = {"generic", "k3s", "rke2",
                                                              "eks",     "gke", "aks"};

std::string json_text_at(const nlohmann::json& object, const char* pointer) {
    const auto found = object.value(nlohmann::json::json_pointer(pointer), nlohmann::json());
    return found.is_string() ? found.get<std::string>() : std::string();
}

std::optional<nlohmann::json> one_node(k8s::ApiSource& api, const std::string& name) {
    if (!name.empty()) {
        if (auto node = api.get_object("/api/v1/nodes/" + name)) return *node;
    }
    auto list = api.get_object("/api/v1/nodes?limit=1");
    if (!list) return std::nullopt;
    const auto items = list->value("items", nlohmann::json::array());
    if (!items.is_array() || items.empty() || !items.front().is_object()) return std::nullopt;
    return items.front();
}

}  // namespace

bool is_platform(const std::string& name) {
    return std::find(k_scan_platforms.begin(), k_scan_platforms.end(), name) !=
           k_scan_platforms.end();
}

std::vector<engine::Clue> flag_clues(const ScanOptions& options) {
    std::vector<engine::Clue> clues;
    if (auto version = parse::parse_minor_flag(options.k8s_version))
        clues.push_back({"flag",
                         version->text(),
                         version->minor_text(),
                         {},
                         fmt::format("from --k8s-version {}", options.k8s_version)});
    if (!options.platform.empty())
        clues.push_back({"flag",
                         {},
                         {},
                         options.platform,
                         fmt::format("from --platform {}", options.platform)});
    return clues;
}

std::vector<engine::Clue> api_clues(k8s::ApiSource& api, const std::string& node_name) {
    std::vector<engine::Clue> clues;
    if (auto doc = api.get_object("/version")) {
        const std::string git = json_text_at(*doc, "/gitVersion");
        if (auto version = parse::parse_git_version(git))
            clues.push_back({"api-version", version->text(), version->minor_text(),
                             version->platform,
                             fmt::format("from the API server's /version ({})", git)});
    }
    auto node = one_node(api, node_name);
    if (!node) return clues;
    const std::string name = json_text_at(*node, "/metadata/name");
    const std::string kubelet = json_text_at(*node, "/status/nodeInfo/kubeletVersion");
    if (auto version = parse::parse_git_version(kubelet))
        clues.push_back({"api-node", version->text(), version->minor_text(), version->platform,
                         fmt::format("from node {}'s kubelet version ({})", name, kubelet)});
    const auto labels =
        node->value(nlohmann::json::json_pointer("/metadata/labels"), nlohmann::json::object());
    if (labels.is_object() && labels.contains("kubernetes.azure.com/cluster"))
        clues.push_back({"api-node",
                         {},
                         {},
                         "aks",
                         fmt::format("from node {}'s label kubernetes.azure.com/cluster", name)});
    else if (const std::string provider = json_text_at(*node, "/spec/providerID");
             provider.starts_with("azure://"))
        clues.push_back({"api-node",
                         {},
                         {},
                         "aks",
                         fmt::format("from node {}'s providerID ({})", name, provider)});
    return clues;
}

engine::BenchmarkChoice detect_benchmark(const model::Definitions& defs, const ScanOptions& options,
                                         const OpenedNode& node, const OpenedObjects& objects,
                                         bool node_wanted) {
    engine::ChoiceInput input;
    input.benchmark = options.benchmark;
    input.clues = flag_clues(options);
    if (objects.api != nullptr) {
        auto api = api_clues(*objects.api, options.node_name);
        input.clues.insert(input.clues.end(), api.begin(), api.end());
    } else if (options.manifests.empty() && std::getenv("KUBERNETES_SERVICE_HOST") != nullptr) {
        // In a pod with a service account token: the API server answers even when no objects were
        // asked for. Briefly: the version is a clue, not what the scan is for. (Without a token,
        // as in the node DaemonSet, nothing is sent.)
        k8s::ClientOptions brief;
        brief.connect_timeout = std::chrono::seconds(3);
        brief.request_timeout = std::chrono::seconds(5);
        brief.list_deadline = std::chrono::seconds(10);
        brief.max_attempts = 2;
        if (auto connection = k8s::connect_api_source({}, brief)) {
            auto api = api_clues(*connection->source, options.node_name);
            input.clues.insert(input.clues.end(), api.begin(), api.end());
        }
    }
    if (node_wanted) {
        auto on_node = facts::node_clues(*node.host, defs.catalogue);
        input.clues.insert(input.clues.end(), on_node.begin(), on_node.end());
    }
    return engine::choose_benchmark(defs, input);
}

std::optional<facts::RecordedServerArgs> recorded_server_args(k8s::ApiSource& api,
                                                              const std::string& node_name,
                                                              std::vector<std::string>& warnings) {
    // A node's name is a DNS-1123 subdomain; anything else is not a node to ask for.
    if (!util::is_dns_name(node_name, true)) return std::nullopt;
    auto node = api.get_object("/api/v1/nodes/" + node_name);
    if (!node || !node->is_object()) return std::nullopt;
    const auto annotations = node->value(nlohmann::json::json_pointer("/metadata/annotations"),
                                         nlohmann::json::object());
    if (!annotations.is_object() || !annotations.contains("k3s.io/node-args") ||
        !annotations["k3s.io/node-args"].is_string())
        return std::nullopt;
    facts::RecordedServerArgs recorded;
    recorded.how = fmt::format("annotation k3s.io/node-args of node {}", node_name);
    const auto& text = annotations["k3s.io/node-args"].get_ref<const std::string&>();
    if (util::json_nesting_past(text)) return std::nullopt;
    auto argv = nlohmann::json::parse(text, nullptr, false);
    bool strings = argv.is_array();
    if (strings) {
        for (const auto& arg : argv) {
            if (!arg.is_string()) {
                strings = false;
                break;
            }
            recorded.argv.push_back(arg.get<std::string>());
        }
    }
    if (!strings) {
        warnings.push_back(
            fmt::format("the {} is not a JSON list of strings: ignored", recorded.how));
        return std::nullopt;
    }
    return recorded;
}

std::optional<std::string> snapshot_mismatch(const ScanOptions& options, const OpenedNode& node,
                                             const std::string& benchmark) {
    if (node.snapshot_benchmark.empty() || node.snapshot_benchmark == benchmark)
        return std::nullopt;
    return fmt::format(
        "the facts in {} were collected for benchmark {}, not {}: what they do not "
        "hold counts as not found on the node",
        options.facts, node.snapshot_benchmark, benchmark);
}

}  // namespace kubeproof::app
