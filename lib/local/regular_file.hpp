#pragma once

#include <sys/stat.h>

#include <string>

#include "util/io_error.hpp"

namespace kubeproof::local {

/// Opens a local file for reading if it is a regular file, with its stat in `info`: the descriptor,
/// which the caller closes. The open is non-blocking, so a FIFO with no writer is found and
/// refused at once instead of waited on; a FIFO, a device, a socket or a directory is an Invalid
/// error "PATH: a FIFO, not a regular file" (the descriptor already closed).
util::IoResult<int> open_regular_file(const std::string& path, struct stat& info);

}  // namespace kubeproof::local
