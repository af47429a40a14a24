#pragma once
/** @file
    The `rtdlc` command line, as a function so tests can run it in-process.

    @code
    rtdlc [--emit=cpp|ts|asyncapi|ir]... [--out-dir DIR] [--depfile FILE] [-I DIR]...
          [--error-format=human|gcc|json] [--error-limit N] [--warnings-as-errors]
          [--check] [--always-write] [--cpp-parts N] FILE.rtdl
    @endcode

    Exit status: 0 without errors (warnings allowed unless `--warnings-as-errors`),
    1 when the file has errors (or an output cannot be written), 2 for a usage error,
    3 for an output kind that is not implemented yet.
*/
#include <iosfwd>
#include <string>
#include <vector>

namespace rtdl {

/// Runs rtdlc with `args` (without the program name); diagnostics go to `err`.
int run_rtdlc(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

} // namespace rtdl
