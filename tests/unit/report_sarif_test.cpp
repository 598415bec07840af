#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#if __has_include(<valijson/validator.hpp>)
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>
#define KUBEPROOF_HAVE_VALIJSON 1
#endif

#include "model/result.hpp"
#include "report/json_writer.hpp"
#include "report/sarif_writer.hpp"

using namespace kubeproof;
using report::to_sarif;
using Json = nlohmann::json;

namespace {

/// A manifest scan: a FAIL with two manifest findings, a cluster-level FAIL, a manual WARN, a PASS.
inline model::Report sarif_report() {
    using model::Status;
    model::Report report;
    report.tool_version = "0.1.0";
    report.scan.benchmark = "cis-1.12";
    model::Result privileged;
    privileged.id = "5.2.2";
    privileged.key = "pods.privileged-containers";
    privileged.benchmark = "cis-1.12";
    privileged.title = "Minimize the admission of privileged containers";
    privileged.status = Status::Fail;
    privileged.expected = "no container is privileged";
    privileged.actual = "2 privileged containers";
    privileged.evidence = {{"manifest", "Deployment default/web",
                            "container nginx: privileged: true", "./k8s/web.yaml", 21},
                           {"manifest", "Pod tools/debug", "container shell: privileged: true",
                            "k8s/debug pod.yaml", 3}};
    privileged.remediation = "Set securityContext.privileged to false.";
    privileged.controls = {{"soc2", {"CC6.1", "CC6.8"}}, {"pci-dss", {"2.2.5"}}};
    model::Result admin = privileged;
    admin.id = "5.1.1";
    admin.key = "rbac.cluster-admin-bindings";
    admin.title = "Ensure that the cluster-admin role is only used where required";
    admin.expected = "no binding to cluster-admin except system ones";
    admin.actual = "the API server could not be asked: no cluster-level evidence";
    admin.evidence = {{"api", "clusterrolebindings", "not listed", "", 0}};
    admin.remediation = "Bind users to narrower roles.";
    admin.controls = {{"soc2", {"CC6.3"}}};
    model::Result manual = admin;
    manual.id = "5.7.1";
    manual.key = "";
    manual.title = "Create administrative boundaries between resources using namespaces";
    manual.status = Status::Warn;
    manual.automated = false;
    manual.controls = {};
    manual.expected = "namespaces separate teams and applications";
    manual.actual = "needs a human";
    manual.evidence = {{"manifest", "Namespace team-a", "present", "k8s/ns.json", 1}};
    manual.remediation =
        "Follow the documentation and create namespaces for objects in your deployment.";
    model::Result pass = privileged;
    pass.id = "5.2.3";
    pass.key = "pods.host-pid";
    pass.title =
        "Minimize the admission of containers wishing to share the host process ID namespace";
    pass.status = Status::Pass;
    pass.expected = "no pod shares the host PID namespace";
    pass.actual = "no pod does";
    pass.evidence = {};
    pass.remediation = "Remove hostPID: true.";
    report.results = {admin, privileged, pass, manual};
    return report;
}

constexpr std::string_view k_golden = R"sarif({
  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
  "version": "2.1.0",
  "runs": [
    {
      "tool": {
        "driver": {
          "name": "kubeproof",
          "version": "0.1.0",
          "informationUri": "https://github.com/kubeproof/kubeproof",
          "rules": [
            {
              "id": "5.1.1",
              "name": "RbacClusterAdminBindings",
              "shortDescription": {
                "text": "Ensure that the cluster-admin role is only used where required"
              },
              "fullDescription": {
                "text": "Ensure that the cluster-admin role is only used where required. Expected: no binding to cluster-admin except system ones."
              },
              "defaultConfiguration": {
                "level": "error"
              },
              "help": {
                "text": "Bind users to narrower roles."
              },
              "properties": {
                "tags": [
                  "security",
                  "cis-1.12",
                  "soc2/CC6.3"
                ],
                "security-severity": "7.0"
              }
            },
            {
              "id": "5.2.2",
              "name": "PodsPrivilegedContainers",
              "shortDescription": {
                "text": "Minimize the admission of privileged containers"
              },
              "fullDescription": {
                "text": "Minimize the admission of privileged containers. Expected: no container is privileged."
              },
              "defaultConfiguration": {
                "level": "error"
              },
              "help": {
                "text": "Set securityContext.privileged to false."
              },
              "properties": {
                "tags": [
                  "security",
                  "cis-1.12",
                  "pci-dss/2.2.5",
                  "soc2/CC6.1",
                  "soc2/CC6.8"
                ],
                "security-severity": "7.0"
              }
            },
            {
              "id": "5.2.3",
              "name": "PodsHostPid",
              "shortDescription": {
                "text": "Minimize the admission of containers wishing to share the host process ID namespace"
              },
              "fullDescription": {
                "text": "Minimize the admission of containers wishing to share the host process ID namespace. Expected: no pod shares the host PID namespace."
              },
              "defaultConfiguration": {
                "level": "error"
              },
              "help": {
                "text": "Remove hostPID: true."
              },
              "properties": {
                "tags": [
                  "security",
                  "cis-1.12",
                  "pci-dss/2.2.5",
                  "soc2/CC6.1",
                  "soc2/CC6.8"
                ],
                "security-severity": "7.0"
              }
            },
            {
              "id": "5.7.1",
              "name": "Check5_7_1",
              "shortDescription": {
                "text": "Create administrative boundaries between resources using namespaces"
              },
              "fullDescription": {
                "text": "Create administrative boundaries between resources using namespaces. Expected: namespaces separate teams and applications."
              },
              "defaultConfiguration": {
                "level": "warning"
              },
              "help": {
                "text": "Follow the documentation and create namespaces for objects in your deployment."
              },
              "properties": {
                "tags": [
                  "security",
                  "cis-1.12"
                ],
                "security-severity": "4.0"
              }
            }
          ]
        }
      },
      "results": [
        {
          "ruleId": "5.1.1",
          "ruleIndex": 0,
          "level": "error",
          "message": {
            "text": "the API server could not be asked: no cluster-level evidence. Expected: no binding to cluster-admin except system ones"
          },
          "partialFingerprints": {
            "kubeproof/v1": "e5ede5b5542bfcd8"
          }
        },
        {
          "ruleId": "5.2.2",
          "ruleIndex": 1,
          "level": "error",
          "message": {
            "text": "Deployment default/web: container nginx: privileged: true. Expected: no container is privileged"
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "k8s/web.yaml",
                  "uriBaseId": "%SRCROOT%"
                },
                "region": {
                  "startLine": 21
                }
              }
            }
          ],
          "partialFingerprints": {
            "kubeproof/v1": "b4f9814878fdfe1d"
          }
        },
        {
          "ruleId": "5.2.2",
          "ruleIndex": 1,
          "level": "error",
          "message": {
            "text": "Pod tools/debug: container shell: privileged: true. Expected: no container is privileged"
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "k8s/debug%20pod.yaml",
                  "uriBaseId": "%SRCROOT%"
                },
                "region": {
                  "startLine": 3
                }
              }
            }
          ],
          "partialFingerprints": {
            "kubeproof/v1": "d40a580be8af4ddb"
          }
        },
        {
          "ruleId": "5.7.1",
          "ruleIndex": 3,
          "level": "warning",
          "message": {
            "text": "Namespace team-a: present. Expected: namespaces separate teams and applications"
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "k8s/ns.json",
                  "uriBaseId": "%SRCROOT%"
                },
                "region": {
                  "startLine": 1
                }
              }
            }
          ],
          "partialFingerprints": {
            "kubeproof/v1": "8023978f25a03cb3"
          }
        }
      ]
    }
  ]
}
)sarif";

const Json& results_of(const Json& log) { return log["runs"][0]["results"]; }

#ifdef KUBEPROOF_HAVE_VALIJSON
/// Validates against the vendored SARIF 2.1.0 schema; "" when valid, else the errors.
std::string schema_errors(const std::string& sarif) {
    std::ifstream in("tests/fixtures/sarif-schema-2.1.0.json");
    REQUIRE(in);
    const Json schema_json = Json::parse(in);
    valijson::Schema schema;
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft4);
    parser.populateSchema(valijson::adapters::NlohmannJsonAdapter(schema_json), schema);
    const Json document = Json::parse(sarif);
    valijson::Validator validator(valijson::Validator::kStrongTypes);
    valijson::ValidationResults results;
    if (validator.validate(schema, valijson::adapters::NlohmannJsonAdapter(document), &results))
        return "";
    std::string errors;
    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
        for (const auto& part : error.context) errors += part;
        errors += ": " + error.description + "\n";
    }
    return errors;
}
#endif

}  // namespace

TEST_SUITE("report/sarif") {
    TEST_CASE("exact SARIF for a manifest scan") { CHECK(to_sarif(sarif_report()) == k_golden); }

    TEST_CASE("one rule per check: tags from benchmark and criteria, severity from automation") {
        const Json log = Json::parse(to_sarif(sarif_report()));
        const Json& rules = log["runs"][0]["tool"]["driver"]["rules"];
        REQUIRE(rules.size() == 4);
        CHECK(rules[1]["id"] == "5.2.2");
        CHECK(rules[1]["name"] == "PodsPrivilegedContainers");
        CHECK(rules[1]["properties"]["tags"] ==
              Json{"security", "cis-1.12", "pci-dss/2.2.5", "soc2/CC6.1", "soc2/CC6.8"});
        CHECK(rules[1]["properties"]["security-severity"] == "7.0");
        CHECK(rules[3]["name"] == "Check5_7_1");
        CHECK(rules[3]["properties"]["security-severity"] == "4.0");
    }

    TEST_CASE("a result per located FAIL/WARN evidence item; a FAIL without location kept") {
        const Json results = results_of(Json::parse(to_sarif(sarif_report())));
        REQUIRE(results.size() == 4);
        CHECK(results[0]["ruleId"] == "5.1.1");
        CHECK_FALSE(results[0].contains("locations"));
        CHECK(results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
              "k8s/web.yaml");
        CHECK(results[1]["locations"][0]["physicalLocation"]["region"]["startLine"] == 21);
        CHECK(results[3]["level"] == "warning");
        CHECK(results[1]["partialFingerprints"]["kubeproof/v1"] !=
              results[2]["partialFingerprints"]["kubeproof/v1"]);
    }

    TEST_CASE("a WARN without location is dropped; a FAIL without one can be anchored") {
        auto report = sarif_report();
        report.results[3].evidence.clear();
        const Json results = results_of(Json::parse(to_sarif(report, {"k8s/"})));
        REQUIRE(results.size() == 3);
        const Json& artifact = results[0]["locations"][0]["physicalLocation"]["artifactLocation"];
        CHECK(artifact == Json{{"uri", "k8s/"}, {"uriBaseId", "%SRCROOT%"}});
        CHECK_FALSE(results[0]["locations"][0]["physicalLocation"].contains("region"));
    }

    TEST_CASE("fingerprints do not change when the object moves to another line") {
        auto moved = sarif_report();
        moved.results[1].evidence[0].line = 40;
        const Json before = results_of(Json::parse(to_sarif(sarif_report())));
        const Json after = results_of(Json::parse(to_sarif(moved)));
        CHECK(before[1]["partialFingerprints"] == after[1]["partialFingerprints"]);
        CHECK(after[1]["locations"][0]["physicalLocation"]["region"]["startLine"] == 40);
    }

    TEST_CASE("artifact URIs and FNV-1a") {
        CHECK(report::sarif_uri("./k8s/app.yaml") == "k8s/app.yaml");
        CHECK(report::sarif_uri("././k8s\\win.yaml") == "k8s/win.yaml");
        CHECK(report::sarif_uri("k8s/a b#1.yaml") == "k8s/a%20b%231.yaml");
        CHECK(report::sarif_uri("<stdin>") == "%3Cstdin%3E");
        CHECK(report::sarif_uri("/srv/repo/k8s/x.yaml") == "file:///srv/repo/k8s/x.yaml");
        CHECK(report::sarif_uri("c:x.yaml") == "c%3Ax.yaml");
        CHECK(report::fnv1a_hex("") == "cbf29ce484222325");
        CHECK(report::fnv1a_hex("a") == "af63dc4c8601ec8c");
        CHECK(report::fnv1a_hex("foobar") == "85944171f73967e8");
    }

    TEST_CASE("an empty report is a log with no rules and no results") {
        const Json log = Json::parse(to_sarif(model::Report{}));
        CHECK(log["version"] == "2.1.0");
        CHECK(log["runs"][0]["tool"]["driver"]["rules"].empty());
        CHECK(results_of(log).empty());
    }

#ifdef KUBEPROOF_HAVE_VALIJSON
    TEST_CASE("the output validates against the SARIF 2.1.0 schema") {
        CHECK(schema_errors(to_sarif(sarif_report())) == "");
        CHECK(schema_errors(to_sarif(sarif_report(), {"k8s/"})) == "");
        CHECK(schema_errors(to_sarif(model::Report{})) == "");
        Json broken = Json::parse(to_sarif(sarif_report()));
        broken["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] =
            0;
        CHECK(schema_errors(broken.dump()) != "");
    }
#else
    TEST_CASE("the output validates against the SARIF 2.1.0 schema") {
        MESSAGE("no valijson: skipped");
    }
#endif

    TEST_CASE("the JSON report carries an evidence item's file and line only when set") {
        const Json json = Json::parse(report::to_json(sarif_report()));
        CHECK(json["results"][0]["evidence"][0] ==
              Json{{"source", "api"}, {"ref", "clusterrolebindings"}, {"value", "not listed"}});
        CHECK(json["results"][1]["evidence"][0]["file"] == "./k8s/web.yaml");
        CHECK(json["results"][1]["evidence"][0]["line"] == 21);
    }

    TEST_CASE("a waived finding stays, with an accepted external suppression; expired say so") {
        auto report = sarif_report();
        model::Waiver waiver;
        waiver.source = "waivers.yaml:2";
        waiver.check = "pods.privileged-containers";
        waiver.namespace_name = "default";
        waiver.owner = "alice";
        waiver.reason = "the CNI agent needs it";
        waiver.ticket = "SEC-7";
        waiver.expires = "2026-03-31";
        report.results[1].waiver = {waiver, model::WaiverState::Active};
        report.results[0].waiver = {waiver, model::WaiverState::Expired};
        const std::string sarif = to_sarif(report);
        const Json log = Json::parse(sarif);
        const Json suppression = Json::parse(R"json([{"kind": "external", "status": "accepted",
            "justification": "the CNI agent needs it (owner alice, expires 2026-03-31, ticket SEC-7; waivers.yaml:2)",
            "properties": {"source": "waivers.yaml:2", "check": "pods.privileged-containers",
                           "owner": "alice", "ticket": "SEC-7", "expires": "2026-03-31"}}])json");
        size_t privileged = 0;
        for (const auto& r : results_of(log)) {
            if (r["ruleId"] == "5.2.2") {
                ++privileged;
                CHECK(r["level"] == "error");
                CHECK(r["suppressions"] == suppression);
            } else {
                CHECK_FALSE(r.contains("suppressions"));
            }
            if (r["ruleId"] == "5.1.1") {
                CHECK(r["message"]["text"].get<std::string>().ends_with(
                    " (waiver expired 2026-03-31, waivers.yaml:2)"));
            }
        }
        CHECK(privileged == 2);
#ifdef KUBEPROOF_HAVE_VALIJSON
        CHECK(schema_errors(sarif) == "");
#endif
    }
}
