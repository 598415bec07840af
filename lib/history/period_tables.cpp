// The small parts of the period report: interning the rows of many reports, statuses and
// verdicts, the sample draw and the --cluster filter.
#include <algorithm>
#include <limits>
#include <numeric>
#include <random>

#include <fmt/format.h>

#include "history/layout.hpp"
#include "history/period.hpp"

namespace kubeproof::history {

namespace {

/// Separates the parts of an interning key: a control character no field holds in practice.
constexpr char k_separator = '\x1f';

Waiver waiver_of(const std::vector<std::pair<std::string, std::string>>& fields,
                 WaiverState& state) {
    Waiver w;
    state = WaiverState::Unknown;
    for (const auto& [name, value] : fields) {
        if (name == "state") {
            state = value == "active"    ? WaiverState::Active
                    : value == "expired" ? WaiverState::Expired
                                         : WaiverState::Unknown;
        } else if (name == "source") {
            w.source = value;
        } else if (name == "check") {
            w.check = value;
        } else if (name == "owner") {
            w.owner = value;
        } else if (name == "approver") {
            w.approver = value;
        } else if (name == "reason") {
            w.reason = value;
        } else if (name == "ticket") {
            w.ticket = value;
        } else if (name == "created") {
            w.created = value;
        } else if (name == "expires") {
            w.expires = value;
        } else {
            w.scope.emplace_back(name, value);
        }
    }
    std::sort(w.scope.begin(), w.scope.end());
    return w;
}

/// The waiver's fields in a fixed order, as one string: its identity.
std::string identity(const Waiver& w) {
    std::string out;
    for (const std::string* field : {&w.source, &w.check, &w.owner, &w.approver, &w.reason,
                                     &w.ticket, &w.created, &w.expires}) {
        out += *field;
        out += k_separator;
    }
    for (const auto& [name, value] : w.scope) {
        out += name;
        out += '=';
        out += value;
        out += k_separator;
    }
    return out;
}

}  // namespace

Outcome outcome_of(std::string_view status) {
    if (status == "PASS") return Outcome::Passed;
    if (status == "NA" || status == "SKIP") return Outcome::NotEvaluated;
    return Outcome::Exception;
}

std::string_view to_string(Verdict verdict) {
    switch (verdict) {
        case Verdict::PassingThroughout:
            return "passing throughout";
        case Verdict::WithExceptions:
            return "with exceptions";
        case Verdict::NeverEvidenced:
            return "never evidenced";
    }
    return "never evidenced";
}

util::Expected<std::vector<ScanResult>, std::string> PeriodTables::intern(
    const std::vector<ResultRow>& rows) {
    std::vector<ScanResult> out;
    out.reserve(rows.size());
    for (const auto& row : rows) {
        auto result = intern(row);
        if (!result) return util::unexpected(result.error());
        out.push_back(*result);
    }
    return out;
}

util::Expected<ScanResult, std::string> PeriodTables::intern(const ResultRow& row) {
    ScanResult result;
    m_key.clear();
    for (const std::string* part : {&row.id, &row.key, &row.title}) {
        m_key += *part;
        m_key += k_separator;
    }
    for (const auto& criterion : row.criteria) {
        m_key += criterion;
        m_key += k_separator;
    }
    auto variant = m_variants.find(m_key);
    if (variant == m_variants.end()) {
        if (variants.size() > std::numeric_limits<uint16_t>::max())
            return util::unexpected(std::string("the reports name more than 65,535 checks"));
        variant = m_variants.emplace(m_key, static_cast<uint16_t>(variants.size())).first;
        variants.push_back({row.id, row.key, row.title, row.criteria});
    }
    result.variant = variant->second;
    auto status = m_statuses.find(row.status);
    if (status == m_statuses.end()) {
        if (statuses.size() > std::numeric_limits<uint8_t>::max())
            return util::unexpected(std::string("the reports use more than 255 statuses"));
        status = m_statuses.emplace(row.status, static_cast<uint8_t>(statuses.size())).first;
        statuses.push_back(row.status);
    }
    result.status = status->second;
    if (!row.waiver.empty()) {
        Waiver waiver = waiver_of(row.waiver, result.state);
        const std::string id = identity(waiver);
        auto known = m_waivers.find(id);
        if (known == m_waivers.end()) {
            if (waivers.size() >= static_cast<size_t>(std::numeric_limits<int32_t>::max()))
                return util::unexpected(std::string("the reports carry too many waivers"));
            known = m_waivers.emplace(id, static_cast<int32_t>(waivers.size())).first;
            waivers.push_back(std::move(waiver));
        }
        result.waiver = known->second;
    }
    return result;
}

std::vector<size_t> draw_sample(size_t population, size_t size, uint64_t seed) {
    std::vector<size_t> items(population);
    std::iota(items.begin(), items.end(), size_t{0});
    std::mt19937_64 engine(seed);
    constexpr uint64_t k_max = std::numeric_limits<uint64_t>::max();
    const size_t drawn = std::min(size, population);
    for (size_t i = 0; i < drawn; ++i) {
        const uint64_t range = population - i;
        const uint64_t remainder = (k_max % range + 1) % range;  // 2^64 mod range
        uint64_t word = engine();
        while (remainder != 0 && word > k_max - remainder) word = engine();
        std::swap(items[i], items[i + static_cast<size_t>(word % range)]);
    }
    items.resize(drawn);
    return items;
}

std::string cluster_of(const ReportHeader& header) {
    return cluster_folder({header.cluster_name, header.cluster_uid, header.scope, header.node,
                           header.benchmark, header.targets});
}

bool in_clusters(const ReportHeader& header, const std::vector<std::string>& clusters) {
    if (clusters.empty()) return true;
    const std::string folder = cluster_of(header);
    return std::any_of(clusters.begin(), clusters.end(), [&](const std::string& c) {
        return c == folder || (!header.cluster_name.empty() && c == header.cluster_name);
    });
}

}  // namespace kubeproof::history
