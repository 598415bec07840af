#include "app/facts_snapshot.hpp"

#include <fmt/format.h>

#include "local/local_files.hpp"
#include "parse/redact.hpp"

namespace kubeproof::app {

host::Recording redact(host::Recording calls) {
    for (auto& [path, answer] : calls.reads) {
        if (answer) *answer = parse::redact_secrets(*answer);
    }
    if (calls.processes && *calls.processes) {
        for (auto& process : **calls.processes) process.argv = parse::redact_argv(process.argv);
    }
    for (auto& [pid, answer] : calls.environs) {
        if (!answer) continue;
        for (auto& [name, value] : *answer) value = parse::redacted_value(name, value);
    }
    return calls;
}

util::Expected<host::Snapshot, ScanError> read_facts(const std::string& path) {
    auto text = local::read_local_file(path);
    if (!text) {
        return util::unexpected(
            ScanError{2, "cannot read the facts snapshot: " + text.error().message});
    }
    auto snapshot = host::read_snapshot(*text);
    if (!snapshot)
        return util::unexpected(ScanError{2, fmt::format("{}: {}", path, snapshot.error())});
    return std::move(*snapshot);
}

}  // namespace kubeproof::app
