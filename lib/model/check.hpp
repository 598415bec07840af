#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "model/selection.hpp"

namespace kubeproof::model {

/// Where a definition came from, for diagnostics and `explain`.
struct SourceLocation {
    std::string file;
    int line = 0;    ///< 1-based
    int column = 0;  ///< 1-based
};

/// What a test item reads.
enum class Subject {
    File,
    Files,
    Tree,
    Flag,
    Key,
    FeatureGate,
    Document,
    All,
    Any,
    Objects,
    AuditPolicy,  ///< an API server audit policy judged against named requirements
};

/// How values are compared.
enum class ValueType { Auto, Bool, Int, Duration, String, List };

/// What a missing file (or an empty tree) means for a file test.
enum class IfMissing { NA, Pass, Fail };

/// One assertion on a subject: `mode: "600"`, `eq: false`, `subset_of: [a, b]`.
struct Assertion {
    std::string op;
    std::string value;                ///< scalar operand
    std::vector<std::string> values;  ///< list operand (subset_of)
};

/// A condition on the fields of one policy item: a field with value assertions, or all/any/not.
struct Condition {
    enum class Kind { Field, All, Any, Not };
    Kind kind = Kind::Field;
    std::string field;
    ValueType type = ValueType::Auto;
    std::vector<Assertion> assertions;
    std::vector<Condition> children;
    SourceLocation where;
};

/// A test item: a subject and its assertions, or a nested all/any group.
struct TestItem {
    Subject subject = Subject::All;
    std::vector<std::string> refs;  ///< file/files/tree/document references
    std::string name_glob;          ///< tree: fnmatch pattern on base names
    std::string flag;               ///< flag: "--profiling"
    std::string key;                ///< config key path
    std::string env;                ///< environment fallback for a flag
    std::string feature_gate;
    std::string component;  ///< explicit component (else the check's first)
    ValueType type = ValueType::Auto;
    IfMissing if_missing = IfMissing::NA;
    std::vector<Assertion> assertions;
    std::vector<TestItem> children;  ///< for All/Any
    std::string
        iterator;  ///< objects: pod, container, volume, role-rule, binding-subject, grant, ...
    std::vector<std::string>
        kinds;  ///< objects with the `object` iterator: "Namespace", "kyverno.io/ClusterPolicy"
    std::vector<Condition> violation;  ///< objects: 0 or 1 condition; matching items are findings
    std::vector<Condition> require;    ///< objects: 0 or 1 condition; at least one item must match
    std::vector<Condition> exclude;    ///< objects: 0 or 1 condition; matching items are ignored
    SourceLocation where;
};

/// One benchmark check as defined in YAML.
struct Check {
    std::string id;
    std::string
        key;  ///< stable name of what is inspected ("apiserver.profiling"); frameworks map keys
    std::string title;
    bool automated = true;
    std::vector<std::string> components;
    TestItem test;       ///< All/Any root (empty children for manual checks)
    std::string manual;  ///< guidance for a purely manual check
    std::string expect;
    std::string remediation;
    std::string notes;
    /// Set by a benchmark on which the check never applies (k3s has no static pod manifests):
    /// the reason, and the check is NA without being evaluated.
    std::string not_applicable;
    SourceLocation where;

    /// Whether it judges the cluster's objects (a check of the objects target): the loader makes
    /// those, and only those, take no components.
    bool is_policy_check() const { return components.empty(); }
};

/// A group of checks ("1.1 Control Plane Node Configuration Files").
struct Group {
    std::string id;
    std::string title;
    std::vector<Check> checks;
};

/// A section file ("1 Control Plane Security Configuration", target master).
struct Section {
    std::string id;
    std::string target;
    std::string title;
    std::string file;
    std::vector<Group> groups;
    /// The benchmark the section belongs to in a scan of several benchmarks together (results
    /// name it); empty in the benchmarks the loader builds.
    std::string benchmark = {};
};

/// A benchmark (a folder under checks/).
struct Benchmark {
    std::string id;
    std::string title;
    std::vector<std::string> kubernetes;  ///< the minors it states it covers ("1.32")
    std::string platform = "generic";     ///< generic, k3s, rke2, eks, gke or aks
    std::string base;  ///< the benchmark whose checks this one's `uses:` stubs and delta refer to
    std::vector<Section> sections;
    /// Namespaces its policy checks leave out unless the scan names its own namespace scope
    /// (kube-system and the like, whose components the platform runs and owns).
    std::vector<std::string> system_namespaces = {};
};

/// How a component's file role is found on a node.
struct FileRole {
    std::string name;
    std::string description;
    std::string from_flag;
    std::string from_key;
    bool static_pod = false;
    std::string systemd_unit;
    std::vector<std::string> candidates;
    bool multi = false;
};

/// A default of a config-file key.
struct ConfigDefault {
    std::string value;
    bool zero_means_default = false;
};

/// The flag library a component parses its command line with.
enum class FlagLibrary {
    Pflag,  ///< spf13/pflag (Kubernetes components): flags and arguments may be interleaved
    Go,  ///< Go's standard `flag` package (etcd): the first argument that is not a flag ends them
};

/// How a component reads its command line.
struct FlagSyntax {
    FlagLibrary library = FlagLibrary::Pflag;
    /// Boolean flags ("--profiling"): they take a value only as --flag=value; any other flag
    /// written without '=' takes the next argument, whatever it is.
    std::set<std::string> bool_flags;
};

/// Where a component that runs the node's static pods reads them from: its flag, else its config
/// file's key, else a default directory (and how to name that default in evidence).
struct StaticPods {
    std::string from_flag;    ///< "--pod-manifest-path"
    std::string from_key;     ///< "staticPodPath"
    std::string default_dir;  ///< "/etc/kubernetes/manifests"
    std::string default_how;  ///< "the kubeadm default"
};

/// A Kubernetes component in the catalogue.
struct Component {
    std::string id;    ///< "apiserver"
    std::string name;  ///< "kube-apiserver"
    std::vector<std::string> targets;
    std::vector<std::string> processes;
    std::string static_pod;
    std::map<std::string, std::string> flag_defaults;
    FlagSyntax flag_syntax;
    std::string config_role;
    /// A flag naming a directory of config drop-ins merged over the config file in name order
    /// (the kubelet's --config-dir), and the suffix a drop-in's name must have (".conf").
    std::string config_dropin_flag;
    std::string config_dropin_suffix;
    /// When its config file is in use, the component reads nothing else: other flags and
    /// environment variables are ignored (etcd --config-file).
    bool config_replaces_flags = false;
    std::map<std::string, ConfigDefault> config_defaults;
    std::map<std::string, std::string> feature_gates;
    /// Set for the component that runs the node's static pods (the kubelet): it is discovered
    /// first, and the static pod directory comes from it.
    std::optional<StaticPods> static_pods;
    /// The file role whose static pod image tag gives the node's Kubernetes version ("manifest"
    /// of the API server); empty when it says nothing about the version.
    std::string version_from;
    /// The flag that tells the component its node's name (the kubelet's --hostname-override).
    std::string node_name_flag;
    std::map<std::string, FileRole> roles;
};

/// A catalogue component that a distribution runs inside its own server process (k3s's API
/// server): the config list that carries its flags and the distribution's own defaults for them.
struct EmbeddedComponent {
    std::string args_key;  ///< "kube-apiserver-arg": a list of `name=value` in config and CLI
    std::map<std::string, std::string> flag_defaults;  ///< what the distribution passes itself
    /// What it passes only when its embedded etcd runs (the API server's etcd client TLS files):
    /// with SQLite or an external datastore these are not passed.
    std::map<std::string, std::string> etcd_flag_defaults;
    /// The component runs only when this path exists (k3s's embedded etcd: its data directory);
    /// empty when it always runs.
    std::string only_with;
};

/// A distribution whose server process runs components itself and takes their flags from its own
/// config files and command line (k3s): `config_file`, then `config_file` + ".d/" *.yaml in name
/// order, then the command line. One that starts them as static pods and processes instead (RKE2)
/// has `in_process` false: their argv is the truth and its config's lines are evidence beside it.
struct Distribution {
    std::string id;    ///< "k3s"
    std::string name;  ///< "k3s"
    bool in_process = true;
    std::string process;  ///< "k3s server" (argv0 base name and first argument)
    /// Its server's files: they show it when the process table cannot be read (a facts snapshot
    /// without processes).
    std::string server_dir;
    std::string config_file;  ///< "/etc/rancher/k3s/config.yaml"
    std::string config_flag;  ///< "--config": moves the file and its drop-in directory
    std::string config_env;   ///< "K3S_CONFIG_FILE": the same, from the environment
    std::map<std::string, EmbeddedComponent> components;  ///< by catalogue component id
    /// The datastore when the components' `only_with` path is absent: the config key of an
    /// external one, and the SQLite file used otherwise.
    std::string datastore_key;
    std::string sqlite_file;
};

/// The component and path catalogue.
struct Catalogue {
    std::map<std::string, Component> components;
    std::map<std::string, Distribution> distributions;
};

/// One criterion of a compliance framework ("CC6.1", "10.2.1").
struct Criterion {
    std::string id;
    std::string title;
};

/// Why a check supports a criterion, and who says so.
struct FrameworkLink {
    std::string id;      ///< the criterion
    std::string why;     ///< one-line rationale
    std::string source;  ///< "inference" or the published mapping it comes from
    SourceLocation where;
};

/// A compliance framework: its catalogue and the mapping of check keys to its criteria.
struct Framework {
    std::string id;
    std::string title;
    bool required = false;  ///< every shipped check must be mapped
    std::vector<Criterion> criteria;
    std::map<std::string, std::vector<FrameworkLink>> mappings;  ///< check key -> links
    std::map<std::string, SourceLocation> mapping_where;  ///< check key -> where it is mapped
    SourceLocation where;
};

/// Everything loaded from the definition files.
struct Definitions {
    Catalogue catalogue;
    /// Every benchmark by id. Compiled definitions loaded lazily (app::load_definitions) hold only
    /// the headers (id, title, range, platform) here until benchmark() or decode_all() decodes the
    /// sections: mutable for that, once, before any reference to a benchmark's checks is taken.
    mutable std::map<std::string, Benchmark> benchmarks;
    /// Every framework by id. Loaded lazily, the links lack their rationale (`why`, `source`,
    /// which only `explain` shows) until decode_all().
    mutable std::map<std::string, Framework> frameworks;
    BenchmarkSelection selection;  ///< checks/benchmarks.yaml: which benchmark a scan uses
    /// The sections of benchmarks not decoded yet (model/serialize.hpp), by id.
    mutable std::map<std::string, std::span<const uint8_t>> encoded_sections = {};
    /// The frameworks with their rationales, not decoded yet; empty once they are.
    mutable std::span<const uint8_t> encoded_frameworks = {};

    /// The benchmark `id` with its sections, decoding them on first use (it must exist). Not
    /// thread-safe: call it before handing the definitions to threads.
    const Benchmark& benchmark(const std::string& id) const;
    /// Decodes the sections of every benchmark still encoded.
    void decode_all() const;
};

}  // namespace kubeproof::model
