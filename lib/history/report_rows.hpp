#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "history/report_file.hpp"
#include "util/expected.hpp"

namespace kubeproof::history {

/// One result of a stored report as a period report reads it: who it is, how it ended, what it
/// supports in one framework and the waiver it carried. Nothing else of the result is kept.
struct ResultRow {
    std::string id;
    std::string key;  ///< "" in reports without it
    std::string title;
    std::string status;                 ///< as written: PASS, FAIL, WARN, SKIP, NA, ERROR, ...
    std::vector<std::string> criteria;  ///< controls.<framework>
    /// The result's `waiver` object, field by field in the report's order (a list of scalars
    /// joined by ", ", a map as "key=value, ..."; anything deeper left out); empty when the result
    /// carries no waiver.
    std::vector<std::pair<std::string, std::string>> waiver;
};

/// A report's header and the rows of its results that support a criterion of the framework.
struct ReportRows {
    ReportHeader header;
    std::vector<ResultRow> results;
};

/// The `framework` of read_rows() that keeps every result, whatever it supports, each criterion
/// written "<framework>\t<criterion>" (the store index keeps every result for every framework).
inline constexpr std::string_view k_every_framework = "*";

/// Reads a report's header and, by SAX, the rows of the results whose `controls` name criteria
/// of `framework`: no DOM of the results is built, so a report costs its parse and a few strings
/// per result. A file that is not a report, or not JSON, is a ReadProblem naming file:line:col.
util::Expected<ReportRows, ReadProblem> read_rows(const std::string& bytes, const std::string& name,
                                                  const std::string& framework);

/// The same, into `rows` (cleared first; its capacity kept, so that a loop over many reports
/// allocates it once); returns the header.
util::Expected<ReportHeader, ReadProblem> read_rows_into(const std::string& bytes,
                                                         const std::string& name,
                                                         const std::string& framework,
                                                         std::vector<ResultRow>& rows);

}  // namespace kubeproof::history
