#pragma once

// Starts tests/k8s/fake_apiserver.py (python3 + openssl) on loopback for the k8s tests, and
// writes the kubeconfigs and object files they use. Tests skip only when python3 or openssl is
// missing (fake_apiserver_missing_tool says which).

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "host_tree_fixture.hpp"

namespace kubeproof::test {

/// The path of an executable found in PATH, or nullopt.
inline std::optional<std::string> find_in_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string list = path == nullptr ? "/usr/bin:/bin" : path;
    std::size_t start = 0;
    while (start <= list.size()) {
        const std::size_t end = std::min(list.find(':', start), list.size());
        const std::string candidate = list.substr(start, end - start) + "/" + name;
        if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate;
        start = end + 1;
    }
    return std::nullopt;
}

/// Why the fake API server cannot run here ("python3 not found in PATH"), or nullopt.
inline std::optional<std::string> fake_apiserver_missing_tool() {
    for (const char* tool : {"python3", "openssl"}) {
        if (!find_in_path(tool)) return std::string(tool) + " not found in PATH";
    }
    return std::nullopt;
}

/// tests/k8s/fake_apiserver.py, found next to this header (or from the working directory).
inline std::string fake_apiserver_script() {
    const auto beside =
        std::filesystem::path(__FILE__).parent_path().parent_path() / "k8s" / "fake_apiserver.py";
    if (std::filesystem::exists(beside)) return beside.string();
    return "tests/k8s/fake_apiserver.py";
}

/// A running fake API server; stopped (stdin closed, SIGTERM, reaped) on destruction.
class FakeApiServer {
public:
    /// Starts the server with extra arguments; throws when it does not report its port in 10 s.
    explicit FakeApiServer(const std::vector<std::string>& args) {
        int in[2], out[2];
        if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0)
            throw std::runtime_error("pipe failed");
        std::vector<std::string> argv{"python3", fake_apiserver_script(), "--tls-dir",
                                      m_tls.path() + "/tls"};
        argv.insert(argv.end(), args.begin(), args.end());
        std::vector<char*> c_argv;
        c_argv.reserve(argv.size() + 1);
        for (auto& a : argv) c_argv.push_back(a.data());
        c_argv.push_back(nullptr);
        m_pid = ::fork();
        if (m_pid == 0) {
            ::dup2(in[0], 0);
            ::dup2(out[1], 1);
            ::execvp("python3", c_argv.data());
            ::_exit(127);
        }
        ::close(in[0]);
        ::close(out[1]);
        m_stdin = in[1];
        m_stdout = out[0];
        read_banner();
    }
    FakeApiServer(const FakeApiServer&) = delete;
    FakeApiServer& operator=(const FakeApiServer&) = delete;
    ~FakeApiServer() {
        if (m_stdin >= 0) ::close(m_stdin);
        if (m_pid > 0) {
            ::kill(m_pid, SIGTERM);
            int status = 0;
            for (int i = 0; i < 300 && ::waitpid(m_pid, &status, WNOHANG) == 0; ++i) {
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            if (::waitpid(m_pid, &status, WNOHANG) == 0) {
                ::kill(m_pid, SIGKILL);
                ::waitpid(m_pid, &status, 0);
            }
        }
        ::close(m_stdout);
    }

    /// "https://127.0.0.1:<port>".
    std::string url() const { return "https://127.0.0.1:" + std::to_string(m_port); }
    /// A certificate path from the FILES line ("ca", "client_cert", "other_ca", ...).
    std::string file(const std::string& key) const { return m_files.at(key).get<std::string>(); }
    /// Closes the server's stdin (as a crashed harness would) and waits up to 3 s; true when it
    /// exited.
    bool exits_when_stdin_closes() {
        ::close(m_stdin);
        m_stdin = -1;
        int status = 0;
        for (int i = 0; i < 300; ++i) {
            if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
                m_pid = -1;
                return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return false;
    }

private:
    void read_banner() {
        std::string buffer;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (buffer.find("\nFILES ") == std::string::npos || buffer.back() != '\n') {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            pollfd fd{m_stdout, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&fd, 1, static_cast<int>(left.count())) <= 0) break;
            char chunk[4096];
            const ssize_t n = ::read(m_stdout, chunk, sizeof chunk);
            if (n <= 0) break;
            buffer.append(chunk, static_cast<std::size_t>(n));
        }
        const auto port_at = buffer.find("PORT ");
        const auto files_at = buffer.find("\nFILES ");
        if (port_at == std::string::npos || files_at == std::string::npos) {
            throw std::runtime_error("fake_apiserver.py did not start: " + buffer);
        }
        m_port = std::stoi(buffer.substr(port_at + 5));
        m_files = nlohmann::json::parse(buffer.substr(files_at + 7));
    }

    TempRoot m_tls;
    pid_t m_pid = -1;
    int m_stdin = -1;
    int m_stdout = -1;
    int m_port = 0;
    nlohmann::json m_files;
};

/// A kubeconfig with one cluster, one user and one context "test" (user fields as YAML lines).
inline std::string kubeconfig_yaml(const std::string& server, const std::string& cluster_fields,
                                   const std::string& user_fields) {
    return "apiVersion: v1\nkind: Config\ncurrent-context: test\n"
           "clusters:\n- name: c\n  cluster:\n    server: " +
           server + "\n" + cluster_fields + "users:\n- name: u\n  user:\n" + user_fields +
           "contexts:\n- name: test\n  context:\n    cluster: c\n    user: u\n";
}

/// A JSON array of `n` pods named pod-0.., alternating namespaces a and b, with kind and
/// apiVersion.
inline std::string pods_json(int n) {
    nlohmann::json pods = nlohmann::json::array();
    for (int i = 0; i < n; ++i) {
        pods.push_back(
            {{"apiVersion", "v1"},
             {"kind", "Pod"},
             {"metadata", {{"name", "pod-" + std::to_string(i)}, {"namespace", i % 2 ? "b" : "a"}}},
             {"spec", {{"containers", {{{"name", "c"}, {"image", "nginx"}}}}}}});
    }
    return pods.dump();
}

}  // namespace kubeproof::test
