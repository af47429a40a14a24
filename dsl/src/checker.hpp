#pragma once
/** @file
    The checker: from the main file's path to a checked `model::program`.

    It loads the main file and, transitively, every file it imports; parses each; and
    runs every check of docs/diagnostics.md's catalogue on what parsed, even after syntax errors
    (rule 8). Each problem is reported once: an unknown name is reported at its first
    use only, and nothing is reported about declarations whose own errors were already
    reported (no cascades).
*/
#include "diagnostics.hpp"
#include "model.hpp"
#include "source.hpp"

#include <filesystem>
#include <memory>
#include <vector>

namespace rtdl {

struct check_options {
    /// `-I DIR`: searched in order for imports, after the importing file's directory.
    std::vector<std::filesystem::path> import_dirs;
    /// False: imports resolve only to files already in the `source_manager`, nothing is
    /// read from disk (the fuzzer uses this).
    bool read_files = true;
};

struct check_result {
    /// The checked model; null when any error was reported.
    std::unique_ptr<model::program> program;
    /// Absolute paths of every file read, the main file first (for `--depfile`).
    std::vector<std::filesystem::path> dependencies;
};

/** Checks the already loaded file `main` and everything it imports.

    Imports are looked up next to the importing file, then in `options.import_dirs`;
    files already in `sources` (e.g. added from memory by a test) are used as they are.
    Diagnostics go to `diags`; with warnings promoted to errors there, a warning also
    withholds the program.
*/
check_result check(source_manager& sources, file_id main, const check_options& options,
                   diagnostic_engine& diags);

} // namespace rtdl
