#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "util/expected.hpp"

namespace kubeproof::app {

/// The schedule of `run --every`: one scan per interval, measured start to start.
struct EverySchedule {
    int64_t interval_ns = 0;
    int64_t jitter_ns = 0;  ///< the first scan waits a random delay in [0, min(interval, jitter))
};

/// The shortest interval `--every` takes. A fleet scans every few hours; seconds are for tests.
inline constexpr int64_t k_min_every_ns = 1'000'000'000;

/// Reads `--every` and `--jitter` (Go durations; an empty jitter is a tenth of the interval). The
/// error is the message of a usage error (exit 2).
util::Expected<EverySchedule, std::string> parse_schedule(std::string_view every,
                                                          std::string_view jitter);

/// When the next scan starts, and how late that is against the schedule.
struct NextScan {
    int64_t start_ns = 0;  ///< on the same clock as the arguments of next_scan
    int64_t late_ns = 0;   ///< > 0: the last scan overran its interval by this much
};

/// The start of the scan after one that started at `last_start_ns`, asked at `now_ns` (when it
/// finished): one interval after the last start, or right away when that time has passed, so that
/// an overrun never leads to a burst of scans catching up.
NextScan next_scan(int64_t interval_ns, int64_t last_start_ns, int64_t now_ns);

/// The wait before the first scan: `fraction` (in [0, 1)) of min(interval, jitter), so that the
/// pods of a DaemonSet started together do not all scan at the same moment.
int64_t first_delay(const EverySchedule& schedule, double fraction);

/// What one scan of the loop gave.
struct ScanRound {
    int exit_code = 0;    ///< `run`'s exit code for this scan alone
    std::string summary;  ///< the status totals and where the report went, for the log
};

/// Runs `scan` once per interval of `schedule` until SIGTERM or SIGINT. Only one loop runs per
/// store (`store`/.every.lock, held for the whole loop): a second one is refused (exit 3). Both
/// signals are held back for the whole loop and read from a signalfd: during a wait one ends the
/// loop at once, during a scan it lets the scan finish writing its outputs first. A scan that
/// fails is logged and counted and the loop goes on; the result is 0 after a signal, 3 when the
/// loop could not start. Each scan is logged through `log`: its start, its summary, the next
/// scan's time.
int run_every(const EverySchedule& schedule, const std::string& store,
              const std::function<ScanRound()>& scan,
              const std::function<void(const std::string&)>& log);

}  // namespace kubeproof::app
