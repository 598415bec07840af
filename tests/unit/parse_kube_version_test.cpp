#include <doctest/doctest.h>

#include <string>

#include "parse/kube_version.hpp"

using namespace kubeproof::parse;

TEST_SUITE("parse/kube_version") {
    // The gitVersion shapes of ../shared/reference/benchmarks.md §5.
    TEST_CASE("gitVersion suffixes name the platform") {
        struct Row {
            const char* text;
            const char* version;
            const char* platform;
        };
        for (const Row& row : {
                 Row{"v1.30.2", "1.30.2", ""},                 // upstream, kubeadm, Talos
                 Row{"v1.30.2-eks-1234abc", "1.30.2", "eks"},  // EKS
                 Row{"v1.32.3-eks-abc123", "1.32.3", "eks"},   // EKS
                 Row{"v1.29.6-gke.1038000", "1.29.6", "gke"},  // GKE
                 Row{"v1.29.4", "1.29.4", ""},                 // AKS has no marker
                 Row{"v1.18.8-aliyun.1", "1.18.8", ""},        // ACK: not a platform we map
                 Row{"v1.30.0+k3s1", "1.30.0", "k3s"},         // k3s
                 Row{"v1.29.4+rke2r1", "1.29.4", "rke2"},      // RKE2
                 Row{"v1.25.13-rancher1-1", "1.25.13", ""},    // RKE1 images: no platform
                 Row{"v1.28.2+vmware.1", "1.28.2", ""},        // TKGI
                 Row{"v1.4.0+776c994", "1.4.0", ""},           // OpenShift commit
                 Row{"v1.31.2-rke2r1-build20241008", "1.31.2", "rke2"},  // RKE2 image tag
                 Row{"v1.31.2-k3s1", "1.31.2", "k3s"},                   // k3s module version
                 Row{"1.31", "1.31", ""},
             }) {
            CAPTURE(row.text);
            auto parsed = parse_git_version(row.text);
            REQUIRE(parsed.has_value());
            CHECK(parsed->text() == row.version);
            CHECK(parsed->platform == row.platform);
        }
        CHECK(parse_git_version("v1.32.3-eks-abc123")->minor_text() == "1.32");
    }

    TEST_CASE("text that is not a version is refused") {
        for (const char* bad : {"", "v", "1", "v1.", "1.x", "latest", "v1.31.2x", "1.31.", "vv1.2",
                                "1.1234567", "1..2"}) {
            CAPTURE(bad);
            CHECK_FALSE(parse_git_version(bad).has_value());
        }
    }

    TEST_CASE("--k8s-version takes X.Y or X.Y.Z, with or without v, and no suffix") {
        CHECK(parse_minor_flag("1.28")->minor_text() == "1.28");
        CHECK(parse_minor_flag("v1.31.2")->text() == "1.31.2");
        CHECK_FALSE(parse_minor_flag("1.31.2+k3s1").has_value());
        CHECK_FALSE(parse_minor_flag("1.31-eks-1").has_value());
        CHECK_FALSE(parse_minor_flag("one").has_value());
    }

    TEST_CASE("minors compare numerically") {
        CHECK(is_minor("1.32"));
        CHECK_FALSE(is_minor("1.32.0"));
        CHECK_FALSE(is_minor("v1.32"));
        CHECK_FALSE(is_minor("1.032"));
        CHECK(compare_minors("1.9", "1.10") < 0);
        CHECK(compare_minors("1.38", "1.37") > 0);
        CHECK(compare_minors("1.32", "1.32") == 0);
        CHECK(compare_minors("2.0", "1.99") > 0);
    }
}
