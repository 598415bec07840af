#include "app/every.hpp"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <optional>
#include <random>

#include <fmt/format.h>

#include "app/scan.hpp"
#include "local/store_files.hpp"
#include "parse/values.hpp"

namespace kubeproof::app {

namespace {

constexpr int64_t k_ns_per_ms = 1'000'000;
constexpr int64_t k_ns_per_s = 1'000'000'000;
constexpr int64_t k_max_every_ns = 8784LL * 3600 * k_ns_per_s;  // a leap year: nothing overflows
constexpr int64_t k_longest_poll_ms = 3'600'000;                // poll takes an int of milliseconds
constexpr int k_exit_could_not_start = 3;

int64_t steady_now() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Durations in log lines: whole seconds unless the interval is finer.
std::string seconds(int64_t ns) {
    if (ns % k_ns_per_s == 0) return fmt::format("{}s", ns / k_ns_per_s);
    return fmt::format("{:.3f}s", static_cast<double>(ns) / static_cast<double>(k_ns_per_s));
}

// The wall-clock time a steady-clock instant will be, for the log.
std::string wall_time_of(int64_t steady_ns) {
    const int64_t ahead = std::max<int64_t>(0, steady_ns - steady_now());
    return rfc3339(std::time(nullptr) +
                   static_cast<std::time_t>((ahead + k_ns_per_s - 1) / k_ns_per_s));
}

double random_fraction() {
    std::random_device seed;
    std::mt19937_64 engine(seed());
    return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

// SIGTERM and SIGINT, blocked in this thread (and the threads a scan starts later) and read from a
// signalfd: no handler runs, so nothing async-signal-unsafe can happen, and a scan is never
// interrupted. The mask is not restored: a second signal still pending would kill the process
// before it reports how it stopped.
class StopSignals {
public:
    static util::Expected<StopSignals, std::string> install() {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        if (const int error = pthread_sigmask(SIG_BLOCK, &set, nullptr); error != 0)
            return util::unexpected(std::string("cannot block SIGTERM: ") + std::strerror(error));
        const int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
        if (fd < 0) return util::unexpected(std::string("signalfd: ") + std::strerror(errno));
        return StopSignals(fd);
    }
    StopSignals(StopSignals&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
    StopSignals& operator=(StopSignals&&) = delete;
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;
    ~StopSignals() {
        if (m_fd >= 0) ::close(m_fd);
    }

    /// Waits until the steady-clock time `deadline_ns` or a signal: true (and its name in
    /// `received`) when a signal came.
    bool wait_until(int64_t deadline_ns) {
        while (true) {
            const int64_t remaining = deadline_ns - steady_now();
            const int64_t timeout =
                remaining <= 0
                    ? 0
                    : std::min(k_longest_poll_ms, (remaining + k_ns_per_ms - 1) / k_ns_per_ms);
            pollfd watched{m_fd, POLLIN, 0};
            const int ready = ::poll(&watched, 1, static_cast<int>(timeout));
            if (ready > 0 && consume()) return true;
            if (ready < 0 && errno != EINTR) return false;  // cannot happen with a valid fd
            if (remaining <= 0) return false;
        }
    }

    /// Whether a signal came (does not wait).
    bool received() { return wait_until(0); }

    /// The signal that stopped the loop ("SIGTERM"), for the log.
    const char* name() const { return m_signal == SIGINT ? "SIGINT" : "SIGTERM"; }

private:
    explicit StopSignals(int fd) : m_fd(fd) {}

    bool consume() {
        signalfd_siginfo info{};
        if (::read(m_fd, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) return false;
        m_signal = static_cast<int>(info.ssi_signo);
        return true;
    }

    int m_fd = -1;
    int m_signal = 0;
};

std::optional<std::string> parse_interval(std::string_view flag, std::string_view text,
                                          int64_t minimum, int64_t& into) {
    const auto value = parse::parse_duration(text);
    if (!value) return fmt::format("{}: not a duration: \"{}\" (e.g. 24h, 90m)", flag, text);
    if (*value < minimum || *value > k_max_every_ns)
        return fmt::format("{} must be between {} and 8784h, not {}", flag, seconds(minimum), text);
    into = *value;
    return std::nullopt;
}

}  // namespace

util::Expected<EverySchedule, std::string> parse_schedule(std::string_view every,
                                                          std::string_view jitter) {
    EverySchedule schedule;
    if (auto problem = parse_interval("--every", every, k_min_every_ns, schedule.interval_ns))
        return util::unexpected(*problem);
    schedule.jitter_ns = schedule.interval_ns / 10;
    if (!jitter.empty()) {
        if (auto problem = parse_interval("--jitter", jitter, 0, schedule.jitter_ns))
            return util::unexpected(*problem);
    }
    return schedule;
}

NextScan next_scan(int64_t interval_ns, int64_t last_start_ns, int64_t now_ns) {
    const int64_t due = last_start_ns + interval_ns;
    if (now_ns <= due) return {due, 0};
    return {now_ns, now_ns - due};
}

int64_t first_delay(const EverySchedule& schedule, double fraction) {
    const int64_t span = std::min(schedule.interval_ns, schedule.jitter_ns);
    const double clamped = std::clamp(fraction, 0.0, 1.0);
    return std::min(span > 0 ? span - 1 : 0,
                    static_cast<int64_t>(static_cast<double>(span) * clamped));
}

int run_every(const EverySchedule& schedule, const std::string& store,
              const std::function<ScanRound()>& scan,
              const std::function<void(const std::string&)>& log) {
    if (auto problem = local::make_directories(store)) {
        log("cannot create the store: " + *problem);
        return k_exit_could_not_start;
    }
    const std::string lock_path = store + "/.every.lock";
    auto lock = local::FileLock::try_acquire(lock_path);
    if (!lock || !*lock) {
        log(lock ? "another `kubeproof run --every` is scanning into " + store + " (it holds " +
                       lock_path + "): one loop per store"
                 : "cannot lock the store: " + lock.error());
        return k_exit_could_not_start;
    }
    auto signals = StopSignals::install();
    if (!signals) {
        log(signals.error());
        return k_exit_could_not_start;
    }
    int64_t start = steady_now() + first_delay(schedule, random_fraction());
    log(fmt::format("scanning every {}; first scan at {}", seconds(schedule.interval_ns),
                    wall_time_of(start)));
    int scans = 0;
    int failed = 0;
    while (!signals->wait_until(start)) {
        ++scans;
        log(fmt::format("scan {} started", scans));
        const ScanRound round = scan();
        if (round.exit_code > 1) ++failed;  // 1 is findings: the scan itself went well
        const NextScan next = next_scan(schedule.interval_ns, start, steady_now());
        log(fmt::format("scan {} finished (exit {}): {}", scans, round.exit_code, round.summary));
        if (signals->received()) break;
        if (next.late_ns > 0)
            log(
                fmt::format("scan {} overran the interval by {}: the next one starts now, and the "
                            "missed time is not caught up",
                            scans, seconds(next.late_ns)));
        log(fmt::format("next scan at {}", wall_time_of(next.start_ns)));
        start = next.start_ns;
    }
    log(fmt::format("{}: stopping after {} {} ({} failed)", signals->name(), scans,
                    scans == 1 ? "scan" : "scans", failed));
    return 0;
}

}  // namespace kubeproof::app
