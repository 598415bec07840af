// The period report as OSCAL 1.0.6 assessment results (NIST's JSON Schema:
// tests/fixtures/oscal/), for a GRC tool or an auditor's OSCAL pipeline. Written as it goes,
// like the kubeproof.period/v1 JSON: a year of a fleet is tens of thousands of observations.
// This file writes the document, the result and the back-matter; period_oscal_context.cpp decides
// the UUIDs, period_oscal_observations.cpp and period_oscal_findings.cpp write the rest.
//
// Design (docs/oscal.md says the same for users):
// - UUIDs are RFC 4122 version 5 (SHA-1, name-based) in kubeproof's namespace
//   (uuid5(NAMESPACE_URL, "https://kubeproof.dev/ns/oscal")), so the same reports, options and
//   clock give the same bytes, and a scan has the same observation UUID in every period report
//   that includes it. Names: "scan:<report sha256>" and "report-file:<report sha256>" (a second
//   file with the same bytes adds ":<n>"), "criterion:<framework>:<id>:<from>:<to>", and
//   "<kind>:<scope>" for the document, result, plan, trail and waivers, the scope being
//   "<framework>:<from>:<to>" plus ":<clusters>" with --cluster (so is the criterion's).
// - metadata: title, last-modified = generated_at, version = the kubeproof version that wrote
//   it, oscal-version 1.0.6. OSCAL parties are people or organisations, so the tool is a
//   component (type "software") in the result's assessment assets, the actor of every origin.
// - import-ap is required, and kubeproof has no OSCAL assessment plan: it points at a
//   back-matter resource that says so and describes what was assessed instead (the framework,
//   the tool versions and definitions digests the scans used).
// - One result for the period (start, end). The trail (verify over the same reports) comes
//   first in its description; when it is not intact, each problem is also an observation (a gap
//   is a missed-scans observation) and the first finding, on kubeproof's own objective
//   "kubeproof-evidence-trail", is not-satisfied.
// - reviewed-controls lists every criterion. OSCAL control ids are tokens (a letter or "_"
//   first), which PCI DSS and ISO 27001 ids are not: oscal::control_id() maps them reversibly
//   ("1.2.3" -> "_1.2.3") and each finding keeps the original id in a "criterion-id" prop.
// - An observation per scan (method TEST, the tool as origin, the node and cluster as
//   subjects, collected = its start), its relevant evidence the back-matter resource of its
//   report file, whose rlink carries the file's SHA-256.
// - A finding per criterion: satisfied only when "passing throughout"; otherwise not-satisfied
//   with reason "fail" (with exceptions) or "other" (never evidenced), the verdict's reasons,
//   in remarks a line per check and node with exceptions (first, last, longest streak, status
//   now, waivers), and as related observations the scans in which a supporting check did not
//   pass (the status of each check in each scan stays in the report files: a year of a fleet
//   has a million exceptions).
// - Waivers are risks with status "deviation-approved" while they covered every exception they
//   were attached to, "open" once one had expired; their risk log says from when to when each
//   held, and the findings of their criteria name them as related risks.
#include <fmt/format.h>

#include "report/oscal_ids.hpp"
#include "report/period_oscal.hpp"
#include "report/period_output.hpp"
#include "report/period_writers.hpp"

namespace kubeproof::report {

namespace {

using history::PeriodReport;
using oscal::Context;
using oscal::name_uuid;
using oscal::Props;
using period::Json;
using period::JsonOut;

std::string framework_name(const PeriodReport& r) {
    return r.framework_title.empty() ? r.framework
                                     : fmt::format("{} ({})", r.framework_title, r.framework);
}

std::string plan_uuid(const Context& c) { return name_uuid("assessment-plan:" + c.scope); }

void metadata(const Context& c, JsonOut& j) {
    const PeriodReport& r = c.report;
    j.key("metadata");
    j.open_object();
    j.member("title", fmt::format("kubeproof period report: {}, {} to {}", framework_name(r),
                                  history::to_rfc3339(r.from), history::to_rfc3339(r.to)));
    j.member("last-modified", history::to_rfc3339(r.generated_at));
    const std::string version = oscal::one_line(r.tool_version);
    j.member("version", version.empty() ? "unknown" : version);
    j.member("oscal-version", "1.0.6");
    j.member("remarks",
             fmt::format("Written by kubeproof {} (kubeproof report --format oscal) from the "
                         "stored scan reports of the period. Its UUIDs are name-based (RFC 4122 "
                         "version 5), so the same reports, options and clock give the same "
                         "document.",
                         version.empty() ? "(version unknown)" : version));
    j.close();
}

/// "w.yaml:8 (check 4.1.1), ..." of report --waivers entries that covered nothing; "none".
std::string stale_list(const PeriodReport& r) {
    if (r.stale_waivers.empty()) return "none";
    std::string list;
    for (const auto& [source, check] : r.stale_waivers)
        list += fmt::format("{}{} (check {})", list.empty() ? "" : ", ", source, check);
    return list;
}

std::string result_description(const PeriodReport& r) {
    size_t verdicts[3] = {0, 0, 0};
    for (const auto& k : r.criteria) ++verdicts[static_cast<size_t>(k.verdict)];
    std::string text = fmt::format(
        "TRAIL: {} in {} reports of {} series; {}.{}\n\n", period::trail_outcome(r.trail),
        r.trail.reports, r.trail.series.size(),
        r.trail.signatures_checked ? "signatures checked"
                                   : "signatures NOT checked (no public keys were given)",
        r.intact() ? "" : " Each problem is an observation, and the first finding says so.");
    text += fmt::format("Every criterion of {}, judged from kubeproof's stored scan reports.\n\n",
                        framework_name(r));
    text += fmt::format(
        "Period: {} to {} (from {}, to {}); {}; clusters: {}.\n\n", history::to_rfc3339(r.from),
        history::to_rfc3339(r.to), period::from_source(r), period::to_source(r),
        r.every ? fmt::format("every {}", history::describe_duration(*r.every))
                : std::string("no interval given: expected scans not computed"),
        r.clusters.empty() ? "all" : fmt::format("{}", fmt::join(r.clusters, ", ")));
    text += fmt::format(
        "Population: {} scans of {} nodes; expected per node: {}; missed scans: {}.\n\n",
        r.scans.size(), r.nodes.size(),
        r.every ? fmt::format("{}", r.nodes.front().expected.value_or(0))
                : std::string("not computed"),
        !r.every ? std::string("not computed")
                 : fmt::format("{} {}", r.missed.size(), r.missed.size() == 1 ? "gap" : "gaps"));
    text += fmt::format(
        "Criteria: {}: {} passing throughout, {} with exceptions, {} never evidenced. "
        "Exceptions: {}, of which {} FAIL or ERROR not covered by a waiver.",
        r.criteria.size(), verdicts[0], verdicts[1], verdicts[2], r.exceptions,
        r.uncovered_failures);
    if (r.waivers_file)
        text += fmt::format(
            "\n\nWaivers: decided from {} (SHA-256 {}) at each scan's time, in place of the "
            "waivers the scans carried. Stale (covered no result of the period): {}.",
            r.waivers_file->first, r.waivers_file->second, stale_list(r));
    return text;
}

void result_props(const PeriodReport& r, JsonOut& j) {
    Props props;
    props.add("framework", r.framework)
        .add("trail", r.intact() ? "intact" : "not-intact")
        .add("signatures-checked", r.trail.signatures_checked ? "true" : "false")
        .add("scans", fmt::format("{}", r.scans.size()))
        .add("nodes", fmt::format("{}", r.nodes.size()));
    if (r.every) {
        props.add("every-seconds", fmt::format("{}", *r.every))
            .add("expected-per-node", fmt::format("{}", r.nodes.front().expected.value_or(0)))
            .add("missed-scans", fmt::format("{}", r.missed.size()));
    }
    props.add("exceptions", fmt::format("{}", r.exceptions))
        .add("uncovered-failures", fmt::format("{}", r.uncovered_failures));
    for (const auto& cluster : r.clusters) props.add("cluster-filter", cluster);
    if (r.sample) {
        props.add("sample-seed", fmt::format("{}", r.sample->seed))
            .add("sample-size", fmt::format("{}", r.sample->chosen.size()));
    }
    props.write(j);
}

void local_definitions(const Context& c, JsonOut& j) {
    const PeriodReport& r = c.report;
    j.key("local-definitions");
    j.open_object();
    j.key("components");
    j.open_list();
    for (const auto& [cluster, uuid] : c.clusters) {
        j.value({{"uuid", uuid},
                 {"type", "system"},
                 {"title", "Kubernetes cluster " + cluster},
                 {"description", fmt::format("The Kubernetes cluster the stored reports name {} "
                                             "(its folder in the store).",
                                             cluster)},
                 {"status", {{"state", "operational"}}}});
    }
    j.close();
    j.key("inventory-items");
    j.open_list();
    for (const auto& [key, uuid] : c.nodes) {
        const auto& [cluster, node] = key;
        j.open_object();
        j.member("uuid", uuid);
        j.member("description", node == "cluster"
                                    ? fmt::format("The Kubernetes objects of cluster {}.", cluster)
                                    : fmt::format("Node {} of cluster {}.", node, cluster));
        Props().add("cluster", cluster).add("node", node).write(j);
        j.close();
    }
    j.close();
    const std::string version = oscal::one_line(r.tool_version);
    j.member("assessment-assets",
             {{"components",
               Json::array(
                   {{{"uuid", c.tool},
                     {"type", "software"},
                     {"title", "kubeproof"},
                     {"description",
                      "The Kubernetes compliance scanner that ran the "
                      "scans (each observation names the version that "
                      "ran it) and wrote these assessment results."},
                     {"props", Json::array({{{"name", "version"},
                                             {"ns", oscal::k_props_ns},
                                             {"value", version.empty() ? "unknown" : version}}})},
                     {"status", {{"state", "operational"}}}}})},
              {"assessment-platforms",
               Json::array({{{"uuid", name_uuid("assessment-platform:kubeproof")},
                             {"title", "kubeproof"},
                             {"uses-components", Json::array({{{"component-uuid", c.tool}}})}}})}});
    j.close();
}

void reviewed_controls(const Context& c, JsonOut& j) {
    const PeriodReport& r = c.report;
    j.key("reviewed-controls");
    j.open_object();
    j.member("description",
             fmt::format("Every criterion of {}: the catalogue's, in its order, then any "
                         "criterion only the reports name.",
                         framework_name(r)));
    j.key("control-selections");
    j.open_list();
    j.open_object();
    j.member("description", fmt::format("The {} criteria of {}.", r.criteria.size(), r.framework));
    if (!r.criteria.empty()) {
        j.key("include-controls");
        j.open_list();
        for (const auto& k : r.criteria) j.value({{"control-id", oscal::control_id(k.id)}});
        j.close();
    }
    j.close();
    j.close();
    j.member("remarks",
             "A control-id is the criterion's id when that is an OSCAL token (it starts with a "
             "letter); any other id is \"_\" followed by the id, each byte other than an ASCII "
             "letter, digit, \".\" or \"-\" written as \"_\" and two hex digits: PCI DSS 1.2.3 is "
             "_1.2.3. Each finding keeps the original id in its target's criterion-id prop.");
    j.close();
}

void result(const Context& c, JsonOut& j) {
    const PeriodReport& r = c.report;
    j.open_object();
    j.member("uuid", name_uuid("result:" + c.scope));
    j.member("title", fmt::format("{}{}, {} to {}", r.intact() ? "" : "[TRAIL NOT INTACT] ",
                                  framework_name(r), history::to_rfc3339(r.from),
                                  history::to_rfc3339(r.to)));
    j.member("description", result_description(r));
    j.member("start", history::to_rfc3339(r.from));
    j.member("end", history::to_rfc3339(r.to));
    result_props(r, j);
    local_definitions(c, j);
    reviewed_controls(c, j);
    oscal::write_observations(c, j);
    oscal::write_risks(c, j);
    oscal::write_findings(c, j);
    j.close();
}

void plan_resource(const Context& c, JsonOut& j) {
    const PeriodReport& r = c.report;
    std::string description = fmt::format(
        "kubeproof has no OSCAL assessment plan for these scans; this resource describes what "
        "was assessed instead: the checks of kubeproof's definitions that map to {}, run by "
        "kubeproof on each node (and on each cluster's objects) of the population. The scans "
        "used these tool versions and definitions (the SHA-256 of the definitions, as each "
        "report records it):",
        framework_name(r));
    Props props;
    props.add("framework", r.framework).add("framework-title", r.framework_title);
    for (size_t v = 0; v < r.versions.size(); ++v) {
        const auto& use = r.versions[v];
        description +=
            fmt::format("\n\n- kubeproof {}, definitions {}: {} scans, {} to {}",
                        use.tool_version.empty() ? "(unknown)" : use.tool_version,
                        use.definitions_sha256.empty() ? "(not recorded)" : use.definitions_sha256,
                        use.scans, use.first_started, use.last_started);
        const std::string group = fmt::format("version-{}", v + 1);
        props.add("tool-version", use.tool_version, group)
            .add("definitions-sha256", use.definitions_sha256, group)
            .add("scans", fmt::format("{}", use.scans), group)
            .add("first-started", use.first_started, group)
            .add("last-started", use.last_started, group);
    }
    j.open_object();
    j.member("uuid", plan_uuid(c));
    j.member("title",
             fmt::format("What was assessed: {} (no OSCAL assessment plan)", framework_name(r)));
    j.member("description", description);
    props.write(j);
    j.close();
}

void back_matter(const Context& c, JsonOut& j) {
    const PeriodReport& r = c.report;
    j.key("back-matter");
    j.open_object();
    j.key("resources");
    j.open_list();
    plan_resource(c, j);
    for (size_t s = 0; s < r.scans.size(); ++s) {
        const auto& scan = r.scans[s];
        Json rlink = {{"href", oscal::uri_reference(scan.file)},
                      {"media-type", "application/json"}};
        const std::string sha256 = oscal::one_line(scan.sha256);
        if (!sha256.empty())
            rlink["hashes"] = Json::array({{{"algorithm", "SHA-256"}, {"value", sha256}}});
        j.value({{"uuid", c.scan_resource[s]},
                 {"title", fmt::format("kubeproof report of {}/{} at {}", scan.cluster, scan.node,
                                       scan.started_at)},
                 {"rlinks", Json::array({rlink})}});
    }
    j.close();
    j.close();
}

}  // namespace

void write_period_oscal(const PeriodReport& report, const Sink& sink) {
    period::Out out(sink);
    JsonOut j(out);
    const Context c(report);
    j.open_object();
    j.key("assessment-results");
    j.open_object();
    j.member("uuid", name_uuid("assessment-results:" + c.scope));
    metadata(c, j);
    j.member("import-ap", {{"href", oscal::fragment(plan_uuid(c))},
                           {"remarks",
                            "kubeproof has no OSCAL assessment plan: the back-matter resource this "
                            "points at describes what was assessed."}});
    j.key("results");
    j.open_list();
    result(c, j);
    j.close();
    back_matter(c, j);
    j.close();
    j.close();
    out.put("\n");
    out.flush();
}

}  // namespace kubeproof::report
