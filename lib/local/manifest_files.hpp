#pragma once

#include <cstddef>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/io_error.hpp"

namespace kubeproof::local {

/// The --manifests argument that means standard input.
inline constexpr std::string_view k_stdin_argument = "-";

/// The file name objects read from standard input carry in origins and messages.
inline constexpr std::string_view k_stdin_name = "<stdin>";

/// Expands one --manifests argument of the operator's machine into the files to read, in order:
/// a file as given (any extension), a directory's *.yaml, *.yml and *.json files at any depth
/// sorted by path (hidden files and directories such as .git skipped, and so are a Helm chart's
/// Chart.yaml, values files and templates/, which are not objects until rendered), and "-" as is. A
/// directory with no such file is an Invalid error, so that a typo never turns into an empty green
/// scan.
util::IoResult<std::vector<std::string>> expand_manifest_path(const std::string& argument);

/// One manifest input of the operator's machine, a file or standard input, read piece by piece so
/// that a scan can index it once and later read back only the objects it needs. A file is opened
/// again for each read-back and closed in between; standard input is read once and kept in memory.
class ManifestInput {
public:
    virtual ~ManifestInput() = default;
    /// The name objects' origins and messages carry: the path as given, or "<stdin>".
    virtual const std::string& name() const = 0;
    /// Its size in bytes when it was first opened.
    virtual size_t size() const = 0;
    /// `length` bytes from `offset`, valid until the next read; an error if the input is shorter,
    /// or if it is a closed file that changed since it was first opened.
    virtual util::IoResult<std::string_view> read(size_t offset, size_t length) = 0;
    /// Whether it changed since it was first opened: a file is opened again and its size and
    /// modification time compared (an unchanged file stays open for the reads that follow);
    /// standard input never changes.
    virtual util::IoResult<bool> changed() = 0;
    /// Lets go of an open file and of what was read, until the next read or changed().
    virtual void close() = 0;
};

/// The name of the input `path` (as expand_manifest_path gives it) opens: "<stdin>" for "-".
std::string manifest_input_name(const std::string& path);

/// Opens one path named by expand_manifest_path: a regular file, or for "-" all of
/// `stdin_stream`, read at once up to k_local_file_cap (read_stdin).
util::IoResult<std::unique_ptr<ManifestInput>> open_manifest_input(const std::string& path,
                                                                   std::istream& stdin_stream);

/// All of `stream` (standard input), read piece by piece: an Invalid error "<stdin>: standard
/// input: larger than 256 MiB, ..." as soon as it holds more than `cap` bytes, so an input that
/// never ends is refused without growing without bound.
util::IoResult<std::string> read_stdin(std::istream& stream, size_t cap);

/// An input over `text` in memory, named `name` (standard input, or text a test gives).
std::unique_ptr<ManifestInput> memory_input(std::string name, std::string text);

}  // namespace kubeproof::local
