#include <doctest/doctest.h>

#include "k8s/builtin_kinds.hpp"

using namespace kubeproof;

TEST_SUITE("k8s/builtin_kinds") {
    TEST_CASE("kinds in their own groups, legacy groups and custom resources are accepted") {
        CHECK_FALSE(k8s::builtin_kind_problem("apps/v1", "Deployment"));
        CHECK_FALSE(k8s::builtin_kind_problem("extensions/v1beta1", "Deployment"));
        CHECK_FALSE(k8s::builtin_kind_problem("v1", "Pod"));
        CHECK_FALSE(k8s::builtin_kind_problem("batch/v1beta1", "CronJob"));
        CHECK_FALSE(
            k8s::builtin_kind_problem("example.com/v1", "Deployment"));  // a CRD may reuse the name
        CHECK_FALSE(k8s::builtin_kind_problem("v1", "List"));
        CHECK_FALSE(k8s::builtin_kind_problem("kyverno.io/v1", "ClusterPolicy"));
    }

    TEST_CASE(
        "a built-in kind in a Kubernetes group that does not serve it, or in the wrong case") {
        CHECK(k8s::builtin_kind_problem("v1", "Deployment") ==
              "no API server serves Deployment under apiVersion v1: it is apps/v1");
        CHECK(k8s::builtin_kind_problem("app/v1", "Deployment") ==
              "no API server serves Deployment under apiVersion app/v1: it is apps/v1");
        CHECK(k8s::builtin_kind_problem("apps/v1", "Pod") ==
              "no API server serves Pod under apiVersion apps/v1: it is v1");
        CHECK(k8s::builtin_kind_problem("rbac.authorization.k8s.io/v1", "clusterRole") ==
              "no API server serves kind \"clusterRole\" (kinds are case-sensitive): did you mean "
              "ClusterRole?");
        CHECK(k8s::builtin_kind_problem("apps/v1", "deployment") ==
              "no API server serves kind \"deployment\" (kinds are case-sensitive): did you mean "
              "Deployment?");
    }
}
