#pragma once
/** @file
    `--emit=cpp`: `<stem>.rtdl.hpp` and `<stem>.rtdl.cpp` (and, with `--cpp-parts N`,
    `<stem>.rtdl.part2.cpp` … `partN.cpp`) for the main module of a checked program.

    The header holds the payload types (aggregates with a defaulted `operator==`; enums
    as `enum class` with `to_wire`/`from_wire`; unions as a `std::variant` subclass),
    the public `decode(std::string_view, T&)` entry points, the Boost.JSON encoders
    (`tag_invoke(value_from_tag, …)`), and for each namespace its typed rooms, context,
    abstract service and `mount()`. The source holds the simdjson On-Demand decoders,
    the encoders' bodies and `mount()`. Imported modules are included as
    `"<stem>.rtdl.hpp"` (generate them into the same directory).

    The generated code calls the contract runtime (`switchboard/rtdl/`, library
    `Switchboard::rtdl`), which brings the Switchboard runtime, Boost.JSON and simdjson.
*/
#include "model.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace rtdl {

/// The generated files of one module: the header and one or more sources.
struct cpp_output {
    std::string header;
    /// `sources[k]` is the file `cpp_source_name(stem, k)`.
    std::vector<std::string> sources;
};

/// `<stem>.rtdl.cpp` for part 0, then `<stem>.rtdl.part2.cpp`, `<stem>.rtdl.part3.cpp`, …
std::string cpp_source_name(const std::string& stem, std::size_t part);

/** Generates the C++ of `program.main`, its source split into `parts` files (at least
    one) that compile independently: the types' codecs and the `on` event coroutines are
    dealt out so each file has about the same amount of code. Every file is written
    even when it ends up with no code of its own, so a build knows the names in advance.
*/
cpp_output emit_cpp(const model::program& program, std::size_t parts = 1);

} // namespace rtdl
