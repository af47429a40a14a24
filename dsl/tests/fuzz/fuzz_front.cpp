// libFuzzer target: any bytes through lexer, parser, checker, renderers and the IR.
// Must never crash, hang, leak or trip a sanitizer; diagnostics are the expected output.

#include "checker.hpp"
#include "diagnostics.hpp"
#include "emit_ir.hpp"

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    rtdl::source_manager sources;
    rtdl::diagnostic_engine diags;
    auto id = sources.add("fuzz.rtdl", "/rtdl-fuzz/fuzz.rtdl",
                          std::string(reinterpret_cast<const char*>(data), size));
    // An importable file held in memory, so imports, aliases and qualified names get exercised.
    sources.add("common.rtdl", "/rtdl-fuzz/common.rtdl",
                "rtdl 1;\npackage acme.common;\n@length(min: 1, max: 64) @charset(\"A-Za-z0-9_-\")\n"
                "type UserId = string;\nenum Side { buy, sell }\nstruct Point { x: f32, y: f32 }\n");
    rtdl::check_options options;
    options.read_files = false;
    auto result = rtdl::check(sources, id, options, diags);

    std::ostringstream out;
    auto sorted = diags.sorted();
    rtdl::render(out, sources, sorted, rtdl::diagnostic_format::human, 0);
    rtdl::render(out, sources, sorted, rtdl::diagnostic_format::gcc, 5);
    rtdl::render(out, sources, sorted, rtdl::diagnostic_format::json, 0);
    if (result.program)
        out << rtdl::emit_ir(*result.program);
    return 0;
}
