#pragma once
/** @file
    `--emit=cpp`: `<stem>.rtdl.hpp` and `<stem>.rtdl.cpp` for the main module of a
    checked program.

    The header holds the payload types (aggregates with a defaulted `operator==`; enums
    as `enum class` with `to_wire`/`from_wire`; unions as a `std::variant` subclass),
    the public `decode(std::string_view, T&)` entry points, the Boost.JSON encoders
    (`tag_invoke(value_from_tag, …)`), and for each namespace its typed rooms, context,
    abstract service and `mount()`. The source holds the simdjson On-Demand decoders,
    the encoders' bodies and `mount()`. Imported modules are included as
    `"<stem>.rtdl.hpp"` (generate them into the same directory).

    The generated code needs Boost.JSON and simdjson; a module with a namespace also
    needs the Switchboard runtime (`switchboard/server.hpp`).
*/
#include "model.hpp"

#include <string>

namespace rtdl {

/// The two generated files of one module.
struct cpp_output {
    std::string header;
    std::string source;
};

/// Generates the C++ of `program.main`.
cpp_output emit_cpp(const model::program& program);

} // namespace rtdl
