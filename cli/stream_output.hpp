#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "local/atomic_write.hpp"

namespace kubeproof::cli {

/// Where output streamed piece by piece goes: stdout, or a file replaced atomically when all of
/// it is written (opened with the first piece, so a refused run writes nothing).
class StreamOutput {
public:
    /// `path` "" or "-": stdout. `what` names the output in an error ("the period report").
    StreamOutput(const std::string& path, std::string what);

    void write(std::string_view piece);

    /// The exit code of writing it all: 0, or 3 with the reason printed.
    int finish();

private:
    void open();

    std::string m_path;
    std::string m_what;
    std::optional<local::AtomicWriter> m_file;
    std::string m_error;
    bool m_failed = false;
};

}  // namespace kubeproof::cli
