#include <doctest/doctest.h>

#include "engine/object_shape.hpp"

using namespace kubeproof;
using nlohmann::json;

namespace {

json pod(json spec) {
    return {{"kind", "Pod"},
            {"apiVersion", "v1"},
            {"metadata", {{"name", "p"}}},
            {"spec", std::move(spec)}};
}

}  // namespace

TEST_SUITE("engine/object_shape") {
    TEST_CASE("objects the API accepts have no problem; null means unset") {
        CHECK_FALSE(engine::shape_problem(
            pod({{"containers", {{{"name", "c"}, {"securityContext", nullptr}}}}})));
        CHECK_FALSE(engine::shape_problem({{"kind", "Namespace"}, {"metadata", {{"name", "x"}}}}));
        CHECK_FALSE(engine::shape_problem(
            {{"kind", "ConfigMap"}, {"data", 3}}));  // not a kind the checks judge
    }

    TEST_CASE("a workload without its pod template, and containers that are not a list") {
        CHECK(engine::shape_problem({{"kind", "Deployment"}, {"metadata", {{"name", "d"}}}}) ==
              "spec is missing; the API server requires it");
        CHECK(engine::shape_problem(
                  {{"kind", "CronJob"}, {"spec", {{"jobTemplate", {{"spec", 1}}}}}}) ==
              "spec.jobTemplate.spec is the number 1; the API server accepts only a mapping");
        CHECK(engine::shape_problem(pod({{"containers", {{"c", {{"image", "x"}}}}}})) ==
              "spec.containers is a mapping; the API server accepts only a list");
        CHECK(engine::shape_problem(pod({{"containers", json::array()}})) ==
              "spec.containers is an empty list; the API server accepts only a list");
    }

    TEST_CASE("typed fields the checks compare") {
        CHECK(
            engine::shape_problem(pod({{"hostPID", "true"}, {"containers", {{{"name", "c"}}}}})) ==
            "spec.hostPID is \"true\"; the API server accepts only true or false");
        CHECK(engine::shape_problem(
                  pod({{"containers",
                        {{{"name", "c"},
                          {"securityContext", {{"capabilities", {{"drop", "ALL"}}}}}}}}})) ==
              "spec.containers[0].securityContext.capabilities.drop is \"ALL\"; the API server "
              "accepts only a list");
        CHECK(engine::shape_problem(
                  pod({{"containers", {{{"name", "c"}, {"ports", {{{"hostPort", "80"}}}}}}}})) ==
              "spec.containers[0].ports[0].hostPort is \"80\"; the API server accepts only an "
              "integer");
        CHECK(engine::shape_problem({{"kind", "RoleBinding"}, {"subjects", json::array()}}) ==
              "roleRef is missing; the API server requires it");
    }
}
