#pragma once

// What the parts of the OSCAL period writer share (period_oscal_writer.cpp writes the document,
// the result and the back-matter, period_oscal_observations.cpp the observations,
// period_oscal_findings.cpp the risks and findings): the UUIDs decided once, before anything is
// written (period_oscal_context.cpp), and the small builders of OSCAL's recurring pieces. Internal
// to lib/report; the design is described at the top of period_oscal_writer.cpp and in
// docs/oscal.md.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "history/period.hpp"
#include "report/period_json_out.hpp"

namespace kubeproof::report::oscal {

/// The namespace of kubeproof's own property names (props carry it as `ns`).
inline constexpr std::string_view k_props_ns = "https://kubeproof.dev/ns/oscal";

/// The target id of the finding on the evidence trail: kubeproof's own objective, not a
/// criterion of the framework.
inline constexpr std::string_view k_trail_objective = "kubeproof-evidence-trail";

/// A waiver over the whole period: what its exceptions were, for its risk.
struct WaiverFacts {
    size_t covered = 0;  ///< exceptions it covered (active)
    size_t expired = 0;  ///< exceptions it was attached to without covering them
    std::optional<size_t> first_covered, last_covered, first_expired, last_expired;  ///< scans
    std::vector<uint32_t> scans;  ///< every scan of those exceptions, sorted, each once
};

/// Everything decided before the first byte: UUIDs and the cross-references between parts.
struct Context {
    const history::PeriodReport& report;
    std::string scope;  ///< "<framework>:<from>:<to>[:<clusters>]", in the names of UUIDs
    std::string tool;   ///< the kubeproof component (origins' actor)
    std::vector<std::string> scan_observation;     ///< per scan
    std::vector<std::string> scan_resource;        ///< per scan: its report file in back-matter
    std::vector<std::string> problem_observation;  ///< per trail problem; "" for a gap
    std::vector<std::string> missed_observation;   ///< per missed scans
    std::vector<std::string> unreported_observation;
    std::vector<std::optional<size_t>> problem_scan;      ///< per trail problem: its scan
    std::map<size_t, std::vector<size_t>> scan_problems;  ///< scan -> trail problems naming it
    std::map<size_t, size_t> sample_position;             ///< scan -> its place in the sample
    std::vector<std::string> risk;                        ///< per waiver
    std::vector<WaiverFacts> waivers;                     ///< per waiver
    std::map<std::string, std::string> clusters;          ///< name -> component
    std::map<std::pair<std::string, std::string>, std::string> nodes;  ///< inventory items

    /// Decides every UUID and gathers the waivers' facts: one pass over the exceptions.
    explicit Context(const history::PeriodReport& report);

    const std::string& node(const std::string& cluster, const std::string& node) const {
        return nodes.at({cluster, node});
    }
};

/// Props of kubeproof's namespace; a value is put on one line and trimmed (OSCAL's string type
/// allows neither line breaks nor spaces at the ends), and an empty one is left out.
class Props {
public:
    Props& add(std::string_view name, std::string_view value);
    Props& add(std::string_view name, std::string_view value, std::string_view group);
    /// Writes "props" when there is one (OSCAL lists have at least one item).
    void write(period::JsonOut& j) const;

private:
    period::Json m_list = period::Json::array();
};

/// "#<uuid>": a reference to an object of the same document (a back-matter resource).
std::string fragment(const std::string& uuid);

/// A text as OSCAL's string type wants it: control characters as spaces, no spaces at the ends.
std::string one_line(std::string_view text);

/// `origins` naming the kubeproof component as the actor (type "tool").
period::Json tool_origins(const Context& c);

/// `subjects`: a node's inventory item and its cluster's component.
period::Json subjects(const Context& c, const std::string& cluster, const std::string& node);

/// The RFC 3339 start of a scan (by its index), "" for none.
std::string time_of(const history::PeriodReport& r, std::optional<size_t> scan);

/// The observations: trail problems, missed scans, unreported nodes, then one per scan.
void write_observations(const Context& c, period::JsonOut& j);

/// The risks: one per waiver (none without waivers).
void write_risks(const Context& c, period::JsonOut& j);

/// The findings: the trail's, then one per criterion.
void write_findings(const Context& c, period::JsonOut& j);

}  // namespace kubeproof::report::oscal
