#include "stream_output.hpp"

#include <cstdio>

#include "commands.hpp"

namespace kubeproof::cli {

StreamOutput::StreamOutput(const std::string& path, std::string what)
    : m_path(path == "-" ? "" : path), m_what(std::move(what)) {}

void StreamOutput::write(std::string_view piece) {
    if (m_path.empty()) {
        if (std::fwrite(piece.data(), 1, piece.size(), stdout) != piece.size()) m_failed = true;
        return;
    }
    if (!m_file && m_error.empty()) open();
    if (m_file) m_file->write(piece);
}

int StreamOutput::finish() {
    if (m_path.empty())
        return std::fflush(stdout) == 0 && !m_failed ? k_exit_ok : k_exit_scan_failed;
    if (!m_file && m_error.empty()) open();
    if (m_error.empty()) {
        if (auto problem = m_file->commit()) m_error = *problem;
    }
    if (m_error.empty()) return k_exit_ok;
    print_error("cannot write " + m_what + ": " + m_error);
    return k_exit_scan_failed;
}

void StreamOutput::open() {
    auto file = local::AtomicWriter::open(m_path);
    if (file)
        m_file.emplace(std::move(*file));
    else
        m_error = file.error();
}

}  // namespace kubeproof::cli
