#include "host/manifest_files.hpp"

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <system_error>

#include "host/local_files.hpp"

namespace kubeproof::host {

namespace fs = std::filesystem;

namespace {

HostError error_for(const std::string& path, const std::error_code& ec) {
    const HostError::Kind kind = ec == std::errc::no_such_file_or_directory
                                     ? HostError::Kind::NotFound
                                 : ec == std::errc::permission_denied ? HostError::Kind::Denied
                                                                      : HostError::Kind::Other;
    return {kind, path + ": " + ec.message()};
}

bool is_hidden(const fs::path& path) { return path.filename().string().starts_with('.'); }

bool is_manifest_name(const fs::path& path) {
    const fs::path extension = path.extension();
    return extension == ".yaml" || extension == ".yml" || extension == ".json";
}

/// Files a repository keeps beside manifests that are not Kubernetes objects: a Helm chart's
/// Chart.yaml and values files, and its templates/ (Go templates, not YAML until rendered).
bool is_chart_file(const fs::path& path) {
    const std::string name = path.filename().string();
    if (name == "Chart.yaml" || name == "Chart.lock" || name == "values.yaml" || name == "values.schema.json") return true;
    if (name.starts_with("values-") || name.starts_with("values.")) return is_manifest_name(path);
    return false;
}

bool is_chart_templates(const fs::path& dir) {
    std::error_code ec;
    return dir.filename() == "templates" && fs::exists(dir.parent_path() / "Chart.yaml", ec);
}

/// `relative` below the directory as the user named it ("k8s/" + "app.yaml" -> "k8s/app.yaml").
std::string joined(const std::string& directory, const std::string& relative) {
    return directory.ends_with('/') ? directory + relative : directory + "/" + relative;
}

/// The manifest files below `directory`, relative to it, sorted; hidden entries are not entered.
HostResult<std::vector<std::string>> list_tree(const std::string& directory) {
    std::vector<std::string> relatives;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(directory, ec), end; !ec && it != end;
         it.increment(ec)) {
        if (is_hidden(it->path()) || is_chart_templates(it->path())) {
            it.disable_recursion_pending();
            continue;
        }
        if (is_chart_file(it->path())) continue;
        std::error_code type_ec;
        if (!it->is_regular_file(type_ec) || !is_manifest_name(it->path())) continue;
        relatives.push_back(it->path().lexically_relative(directory).generic_string());
    }
    if (ec) return util::unexpected(error_for(directory, ec));
    std::sort(relatives.begin(), relatives.end());
    return relatives;
}

}  // namespace

HostResult<std::vector<std::string>> expand_manifest_path(const std::string& argument) {
    if (argument == k_stdin_argument) return std::vector<std::string>{argument};
    std::error_code ec;
    const fs::file_status status = fs::status(argument, ec);
    if (ec) return util::unexpected(error_for(argument, ec));
    if (!fs::is_directory(status)) return std::vector<std::string>{argument};
    auto relatives = list_tree(argument);
    if (!relatives) return util::unexpected(relatives.error());
    if (relatives->empty()) {
        return util::unexpected(
            HostError{HostError::Kind::Invalid, argument + ": no .yaml, .yml or .json files"});
    }
    std::vector<std::string> files;
    files.reserve(relatives->size());
    for (const auto& relative : *relatives) files.push_back(joined(argument, relative));
    return files;
}

HostResult<std::string> read_manifest_file(const std::string& path, std::istream& stdin_stream) {
    if (path != k_stdin_argument) return read_local_file(path);
    std::string text(std::istreambuf_iterator<char>(stdin_stream),
                     std::istreambuf_iterator<char>{});
    if (stdin_stream.bad()) {
        return util::unexpected(
            HostError{HostError::Kind::Other, std::string(k_stdin_name) + ": read error"});
    }
    return text;
}

}  // namespace kubeproof::host
