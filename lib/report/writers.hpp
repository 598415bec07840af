#pragma once

#include <span>
#include <string>
#include <string_view>

#include "model/result.hpp"

namespace kubeproof::report {

/// What a writer may be told besides the report; each writer reads only what concerns it.
struct WriterOptions {
    bool colour = false;         ///< text: ANSI colours (the caller decides TTY and NO_COLOR)
    std::string framework;       ///< text: the framework whose criteria tag each line
    std::string unlocated_uri;   ///< sarif: the artifact for findings without a file location
    std::string aws_account_id;  ///< asff: the 12-digit account the findings are filed in
    std::string aws_region;      ///< asff: the Region of Security Hub ("eu-west-1")
};

/// One output format: its --format name, a line for --help, and the function that renders it.
struct Writer {
    std::string_view format;
    std::string_view description;
    std::string (*render)(const model::Report& report, const WriterOptions& options);
};

/// Every output format, in the order --help lists them.
std::span<const Writer> writers();

/// The writer of a --format name; null when there is none.
const Writer* find_writer(std::string_view format);

}  // namespace kubeproof::report
