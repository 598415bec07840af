#include "k8s/exec_credential.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <set>
#include <thread>

#include <openssl/evp.h>
#include <nlohmann/json.hpp>

#include "util/json_depth.hpp"

extern char** environ;

namespace kubeproof::k8s {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t k_max_stdout = std::size_t{1} << 20;
constexpr std::size_t k_max_stderr = std::size_t{16} << 10;

std::string encode_base64(std::string_view data) {
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(data.data()),
                                  static_cast<int>(data.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

/// A file descriptor closed on destruction.
class Fd {
public:
    explicit Fd(int fd = -1) : m_fd(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }
    int get() const { return m_fd; }
    void reset(int fd = -1) {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = fd;
    }

private:
    int m_fd;
};

struct Pipe {
    Fd read;
    Fd write;
};

bool open_pipe(Pipe& p) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    p.read.reset(fds[0]);
    p.write.reset(fds[1]);
    return true;
}

/// What the plugin did: its output, how it ended.
struct ChildResult {
    std::string out;
    std::string err;
    int wait_status = 0;
    int exec_errno = 0;
    bool timed_out = false;
};

std::vector<std::string> child_environment(const ExecConfig& config, const std::string& info) {
    std::set<std::string, std::less<>> replaced{"KUBERNETES_EXEC_INFO"};
    for (const auto& entry : config.env) replaced.insert(entry.first);
    std::vector<std::string> env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        const std::string_view item(*e);
        if (!replaced.contains(item.substr(0, item.find('=')))) env.emplace_back(item);
    }
    for (const auto& [name, value] : config.env)
        env.push_back(std::string(name).append("=").append(value));
    env.push_back("KUBERNETES_EXEC_INFO=" + info);
    return env;
}

std::vector<char*> c_strings(std::vector<std::string>& items) {
    std::vector<char*> out;
    out.reserve(items.size() + 1);
    for (auto& item : items) out.push_back(item.data());
    out.push_back(nullptr);
    return out;
}

/// In the child: wire stdin to /dev/null and stdout/stderr to the pipes, then exec (never returns).
[[noreturn]] void exec_child(char** argv, char** envp, int devnull, int out, int err, int status) {
    ::setpgid(0, 0);
    ::signal(SIGPIPE, SIG_DFL);
    sigset_t none;  // `run --every` blocks SIGTERM and SIGINT; exec keeps the mask, so unblock
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(devnull, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::execvpe(argv[0], argv, envp);
    const int e = errno;
    [[maybe_unused]] auto ignored = ::write(status, &e, sizeof e);
    ::_exit(127);
}

void drain(int fd, std::string& into, std::size_t cap, bool& open) {
    char buf[4096];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (n <= 0) {
        open = false;
        return;
    }
    into.append(buf, std::min(static_cast<std::size_t>(n), cap - std::min(cap, into.size())));
}

/// Reads stdout and stderr until both close; false when the deadline passed first.
bool collect(int out_fd, int err_fd, Clock::time_point deadline, ChildResult& result) {
    bool out_open = true;
    bool err_open = true;
    while (out_open || err_open) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return false;
        pollfd fds[2] = {{out_open ? out_fd : -1, POLLIN, 0}, {err_open ? err_fd : -1, POLLIN, 0}};
        const int ready = ::poll(fds, 2, static_cast<int>(left.count()));
        if (ready < 0 && errno != EINTR) return false;
        if (fds[0].revents != 0) drain(out_fd, result.out, k_max_stdout, out_open);
        if (fds[1].revents != 0) drain(err_fd, result.err, k_max_stderr, err_open);
    }
    return true;
}

/// Waits for the child until the deadline; false when it is still running.
bool reap(pid_t pid, Clock::time_point deadline, int& status) {
    while (true) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid || (done < 0 && errno != EINTR)) return true;
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

util::Expected<ChildResult, std::string> run_child(const ExecConfig& config,
                                                   const std::string& info,
                                                   std::chrono::milliseconds timeout) {
    std::vector<std::string> args{config.command};
    args.insert(args.end(), config.args.begin(), config.args.end());
    auto env = child_environment(config, info);
    auto argv = c_strings(args);
    auto envp = c_strings(env);
    Pipe out, err, status;
    Fd devnull(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!open_pipe(out) || !open_pipe(err) || !open_pipe(status) || devnull.get() < 0) {
        return util::unexpected(std::string("cannot create pipes: ") + std::strerror(errno));
    }
    const pid_t pid = ::fork();
    if (pid < 0) return util::unexpected(std::string("fork failed: ") + std::strerror(errno));
    if (pid == 0)
        exec_child(argv.data(), envp.data(), devnull.get(), out.write.get(), err.write.get(),
                   status.write.get());
    ::setpgid(pid, pid);  // also in the child: whichever runs first, the group exists before a kill
    out.write.reset();
    err.write.reset();
    status.write.reset();
    ChildResult result;
    const auto deadline = Clock::now() + timeout;
    bool finished = collect(out.read.get(), err.read.get(), deadline, result) &&
                    reap(pid, deadline, result.wait_status);
    if (!finished) {
        ::kill(-pid, SIGKILL);
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &result.wait_status, 0);
        result.timed_out = true;
    }
    if (::read(status.read.get(), &result.exec_errno, sizeof result.exec_errno) !=
        sizeof result.exec_errno) {
        result.exec_errno = 0;
    }
    return result;
}

std::string first_line(std::string_view text) {
    const auto start = text.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos) return "";
    text = text.substr(start);
    text = text.substr(0, std::min(text.find('\n'), std::size_t{200}));
    return std::string(text);
}

std::string child_failure(const ExecConfig& config, const ChildResult& child,
                          std::chrono::milliseconds timeout) {
    const std::string who = "exec plugin \"" + config.command + "\"";
    if (child.exec_errno != 0) {
        std::string message = who + ": cannot run it: " + std::strerror(child.exec_errno);
        if (!config.install_hint.empty()) message += ". " + first_line(config.install_hint);
        return message;
    }
    if (child.timed_out) {
        return who + " did not finish within " + std::to_string(timeout.count()) +
               " ms and was killed";
    }
    if (WIFSIGNALED(child.wait_status)) {
        return who + " was killed by signal " + std::to_string(WTERMSIG(child.wait_status));
    }
    std::string message =
        who + " exited with status " + std::to_string(WEXITSTATUS(child.wait_status));
    const std::string detail = first_line(child.err);
    return detail.empty() ? message : message + ": " + detail;
}

util::Expected<std::string, std::string> string_field(const json& object, const char* key,
                                                      const char* where) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::string();
    if (!it->is_string())
        return util::unexpected(std::string(where) + "." + key + " is not a string");
    return it->get<std::string>();
}

util::Expected<ExecCredential, std::string> read_status(const json& status) {
    ExecCredential credential;
    auto token = string_field(status, "token", "status");
    auto cert = string_field(status, "clientCertificateData", "status");
    auto key = string_field(status, "clientKeyData", "status");
    auto expiry = string_field(status, "expirationTimestamp", "status");
    for (const auto* field : {&token, &cert, &key, &expiry}) {
        if (!*field) return util::unexpected(field->error());
    }
    if (cert->empty() != key->empty()) {
        return util::unexpected(std::string("status has ") +
                                (cert->empty() ? "clientKeyData without clientCertificateData"
                                               : "clientCertificateData without clientKeyData"));
    }
    if (token->empty() && cert->empty()) {
        return util::unexpected(
            std::string("status has neither a token nor clientCertificateData and clientKeyData"));
    }
    if (!expiry->empty()) {
        credential.expires = parse_rfc3339(*expiry);
        if (!credential.expires) {
            return util::unexpected("status.expirationTimestamp \"" + *expiry +
                                    "\" is not an RFC 3339 time");
        }
    }
    credential.token = std::move(*token);
    credential.client_certificate_pem = std::move(*cert);
    credential.client_key_pem = std::move(*key);
    return credential;
}

}  // namespace

std::string exec_info_json(const ExecConfig& config, const ExecClusterInfo* cluster) {
    json spec = {{"interactive", false}};
    if (cluster != nullptr && config.provide_cluster_info) {
        json c = {{"server", cluster->server}};
        if (!cluster->tls_server_name.empty()) c["tls-server-name"] = cluster->tls_server_name;
        if (cluster->insecure_skip_tls_verify) c["insecure-skip-tls-verify"] = true;
        if (!cluster->certificate_authority_pem.empty()) {
            c["certificate-authority-data"] = encode_base64(cluster->certificate_authority_pem);
        }
        if (!cluster->proxy_url.empty()) c["proxy-url"] = cluster->proxy_url;
        spec["cluster"] = std::move(c);
    }
    return json{
        {"apiVersion", config.api_version}, {"kind", "ExecCredential"}, {"spec", std::move(spec)}}
        .dump();
}

util::Expected<ExecCredential, std::string> parse_exec_credential(std::string_view text,
                                                                  std::string_view api_version) {
    if (util::json_nesting_past(text))
        return util::unexpected("the output is " + util::json_too_deep());
    const json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        return util::unexpected(std::string("the output is not a JSON object"));
    const std::string kind =
        doc.value("kind", json()).is_string() ? doc["kind"].get<std::string>() : "";
    if (kind != "ExecCredential") {
        return util::unexpected("the output has kind \"" + kind.substr(0, 64) +
                                "\", expected ExecCredential");
    }
    const std::string version =
        doc.value("apiVersion", json()).is_string() ? doc["apiVersion"].get<std::string>() : "";
    if (version != api_version) {
        return util::unexpected("the output has apiVersion \"" + version.substr(0, 64) +
                                "\", expected \"" + std::string(api_version) + "\"");
    }
    const auto status = doc.find("status");
    if (status == doc.end() || !status->is_object())
        return util::unexpected(std::string("the output has no status"));
    return read_status(*status);
}

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text) {
    const std::string s(text);
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, used = 0;
    char sep = 0;
    if (std::sscanf(s.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &year, &month, &day, &sep, &hour,
                    &minute, &second, &used) != 7 ||
        used != 19 || (sep != 'T' && sep != 't' && sep != ' ')) {
        return std::nullopt;
    }
    std::size_t pos = 19;
    if (pos < s.size() && s[pos] == '.') {
        const std::size_t digits = s.find_first_not_of("0123456789", pos + 1);
        if (digits == pos + 1) return std::nullopt;
        pos = digits == std::string::npos ? s.size() : digits;
    }
    int offset_minutes = 0;
    const std::string zone = s.substr(std::min(pos, s.size()));
    if (zone != "Z" && zone != "z") {
        int oh = 0, om = 0;
        if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' ||
            std::sscanf(zone.c_str() + 1, "%2d:%2d", &oh, &om) != 2) {
            return std::nullopt;
        }
        offset_minutes = (zone[0] == '-' ? -1 : 1) * (oh * 60 + om);
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    const std::time_t t = ::timegm(&tm);
    return std::chrono::system_clock::from_time_t(t) - std::chrono::minutes(offset_minutes);
}

util::Expected<ExecCredential, std::string> run_exec_plugin(const ExecConfig& config,
                                                            const ExecClusterInfo* cluster,
                                                            std::chrono::milliseconds timeout) {
    const std::string who = "exec plugin \"" + config.command + "\"";
    if (config.interactive_mode == "Always") {
        return util::unexpected(who +
                                " needs an interactive terminal (interactiveMode: Always), "
                                "and kubeproof runs without one");
    }
    auto child = run_child(config, exec_info_json(config, cluster), timeout);
    if (!child) return util::unexpected(who + ": " + child.error());
    if (child->exec_errno != 0 || child->timed_out || !WIFEXITED(child->wait_status) ||
        WEXITSTATUS(child->wait_status) != 0) {
        return util::unexpected(child_failure(config, *child, timeout));
    }
    auto credential = parse_exec_credential(child->out, config.api_version);
    if (!credential)
        return util::unexpected(who + " returned an invalid ExecCredential: " + credential.error());
    return credential;
}

}  // namespace kubeproof::k8s
