#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kubeproof::parse {

/// A Kubernetes version as a cluster states it ("v1.32.3-eks-abc123"), split into what a
/// benchmark choice needs.
struct KubeVersion {
    int major = 0;
    int minor = 0;
    int patch = -1;                  ///< -1 when the text gave only major.minor
    std::string platform;            ///< "eks", "gke", "k3s", "rke2"; "" when the suffix names none
    std::string minor_text() const;  ///< "1.32"
    std::string text() const;        ///< "1.32.3", or "1.32" without a patch
};

/// Parses a gitVersion or a kubelet version: an optional 'v', MAJOR.MINOR[.PATCH], then an
/// optional suffix. The platform comes from the suffix: "-eks-" (EKS), "-gke." (GKE), "+k3s"
/// (k3s), "+rke2" (RKE2), and the image-tag forms "-k3s" and "-rke2r" (an image tag cannot hold a
/// '+'). Any other suffix (an OpenShift commit, "-rancher1-1", "-fake") names no platform.
/// nullopt when the text does not start with a version.
std::optional<KubeVersion> parse_git_version(std::string_view text);

/// "1.32" from "1.32", "v1.32.0", "1.32.3" (the form of --k8s-version); nullopt otherwise.
std::optional<KubeVersion> parse_minor_flag(std::string_view text);

/// Whether `text` is a minor as the definitions write it: "X.Y", digits only.
bool is_minor(std::string_view text);

/// Orders two minors "X.Y" numerically: negative, zero or positive. Both must be `is_minor`.
int compare_minors(std::string_view a, std::string_view b);

}  // namespace kubeproof::parse
