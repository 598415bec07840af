#pragma once

#include "model/result.hpp"

namespace kubeproof::test {

/// A report with one FAIL result (evidence and controls), for exact-output tests.
inline model::Report tiny_report() {
    model::Report report;
    report.tool_version = "0.1.0";
    report.scan = {"scan-1",
                   "2025-01-02T03:04:05Z",
                   "2025-01-02T03:04:06Z",
                   "node-1",
                   "cis-1.12",
                   "CIS Kubernetes Benchmark v1.12.0",
                   "1.31",
                   {"master"},
                   {"kube-apiserver"}};
    report.sections = {{"1", "master", "Control Plane Security Configuration"}};
    model::Result result;
    result.id = "1.2.15";
    result.benchmark = "cis-1.12";
    result.target = "master";
    result.group = "1.2";
    result.group_title = "API Server";
    result.title = "Ensure that the --profiling argument is set to false";
    result.status = model::Status::Fail;
    result.expected = "--profiling is false";
    result.actual = "--profiling not set (default true)";
    result.evidence = {{"process", "kube-apiserver pid 4624", "--profiling absent"}};
    result.remediation = "Set --profiling=false in the API server manifest.";
    result.controls = {{"soc2", {"CC6.1", "CC6.6"}}, {"pci-dss", {"2.2.4"}}};
    report.results = {result};
    return report;
}

/// Builds a result of the sample report.
inline model::Result sample_result(std::string id, std::string group, std::string group_title,
                                   std::string title, model::Status status) {
    model::Result result;
    result.id = std::move(id);
    result.benchmark = "cis-1.12";
    result.target = result.id.starts_with("1.") ? "master" : "node";
    result.group = std::move(group);
    result.group_title = std::move(group_title);
    result.title = std::move(title);
    result.status = status;
    return result;
}

/// Two sections (plus an empty one), six results covering every status; two carry controls.
inline model::Report sample_report() {
    using model::Status;
    model::Report report = tiny_report();
    report.scan.targets = {"master", "node"};
    report.sections = {{"1", "master", "Control Plane Security Configuration"},
                       {"2", "etcd", "Etcd Node Configuration"},
                       {"4", "node", "Worker Node Security Configuration"}};
    auto pass = sample_result(
        "1.1.1", "1.1", "Control Plane Node Configuration Files",
        "Ensure that the API server pod specification file permissions are set to 600",
        Status::Pass);
    pass.controls = {{"soc2", {"CC6.1"}}};
    auto warn =
        sample_result("1.2.1", "1.2", "API Server",
                      "Ensure that the --anonymous-auth argument is set to false", Status::Warn);
    warn.automated = false;
    warn.reason = "manual check: review anonymous access";
    warn.remediation = "Review the need for anonymous requests.";
    auto skip = sample_result("4.1.1", "4.1", "Worker Node Configuration Files",
                              "Ensure that the kubelet service file permissions are set to 600",
                              Status::Skip);
    skip.reason = "excluded by --skip";
    auto na = sample_result("4.1.2", "4.1", "Worker Node Configuration Files",
                            "Ensure that the kubelet service file ownership is set to root:root",
                            Status::NA);
    na.reason = "kubelet service file not found";
    auto error =
        sample_result("4.2.1", "4.2", "Kubelet",
                      "Ensure that the --anonymous-auth argument is set to false", Status::Error);
    error.reason = "/var/lib/kubelet/config.yaml: Permission denied";
    error.expected = "authentication.anonymous.enabled is false";
    report.results = {pass, warn, report.results[0], skip, na, error};
    return report;
}

/// tiny_report with a waivers file: 1.2.15 FAIL accepted by an active waiver, 1.2.16 FAIL whose
/// waiver expired before the scan, and a waiver that covered nothing.
inline model::Report waived_report() {
    model::Report report = tiny_report();
    model::Waiver accepted;
    accepted.source = "waivers.yaml:2";
    accepted.check = "1.2.15";
    accepted.node = "node-1";
    accepted.owner = "alice";
    accepted.approver = "bob";
    accepted.reason = "profiling is on for the load test";
    accepted.ticket = "SEC-12";
    accepted.created = "2025-01-01";
    accepted.expires = "2025-03-31";
    report.results[0].waiver = model::AppliedWaiver{accepted, model::WaiverState::Active};
    model::Result audit = report.results[0];
    audit.id = "1.2.16";
    audit.key = "apiserver.audit-log-path";
    audit.title = "Ensure that the --audit-log-path argument is set";
    audit.expected = "--audit-log-path is set";
    audit.actual = "--audit-log-path not set";
    model::Waiver old;
    old.source = "waivers.yaml:11";
    old.check = "apiserver.audit-log-path";
    old.owner = "carol";
    old.expires = "2024-12-31";
    audit.waiver = model::AppliedWaiver{old, model::WaiverState::Expired};
    report.results.push_back(audit);
    model::Waiver stale;
    stale.source = "waivers.yaml:15";
    stale.check = "4.2.1";
    stale.owner = "dave";
    stale.expires = "2025-06-30";
    report.waivers = model::WaiverSummary{"waivers.yaml", std::string(64, 'a'), 1, 1, {stale}};
    return report;
}

}  // namespace kubeproof::test
