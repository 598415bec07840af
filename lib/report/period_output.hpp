#pragma once

// What the period writers share: buffered output to a sink, and the words and figures every
// format spells the same way. Internal to lib/report.

#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "history/period.hpp"
#include "report/period_writers.hpp"

namespace kubeproof::report::period {

/// Collects output and hands it to the sink in chunks of about 64 KiB.
class Out {
public:
    explicit Out(const Sink& sink) : m_sink(sink) {}
    Out(const Out&) = delete;
    Out& operator=(const Out&) = delete;
    ~Out() = default;

    void put(std::string_view text) {
        m_buffer.append(text);
        if (m_buffer.size() >= k_chunk) flush();
    }
    void put(char c) { m_buffer.push_back(c); }

    template <typename... Args>
    void print(fmt::format_string<Args...> format, Args&&... args) {
        fmt::format_to(std::back_inserter(m_buffer), format, std::forward<Args>(args)...);
        if (m_buffer.size() >= k_chunk) flush();
    }

    /// Hands what is left to the sink; call once, at the end.
    void flush() {
        if (m_buffer.empty()) return;
        m_sink(m_buffer);
        m_buffer.clear();
    }

private:
    static constexpr size_t k_chunk = 65536;
    const Sink& m_sink;
    std::string m_buffer;
};

/// "intact" or "NOT intact: 2 problems (signature, link)".
std::string trail_outcome(const history::VerifyOutcome& trail);

/// The RFC 3339 text of a scan's start, or "" for none.
std::string scan_time(const history::PeriodReport& report, std::optional<size_t> scan);

/// "--from" or "the first report"; "--to" or "the last report" (plus the interval).
std::string_view from_source(const history::PeriodReport& report);
std::string_view to_source(const history::PeriodReport& report);

/// "cluster/node" of a node of the population.
std::string node_name(const history::PeriodReport& report, size_t node);

/// "active", "expired", "unknown" or "none".
std::string_view state_name(history::WaiverState state);

}  // namespace kubeproof::report::period
