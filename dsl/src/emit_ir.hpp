#pragma once
/** @file
    `--emit=ir`: the checked model as JSON, for emitters that live outside rtdlc.

    The document is `{"rtdl_ir": 1, "main": <module index>, "modules": [...]}`. Modules
    are in `program::modules` order (imports first); a reference to a declared type is
    `{"kind": "named", "module": <index>, "name": "UserId"}`. Durations are integer
    milliseconds (`*_ms` keys), sizes integer bytes. Every member of `model.hpp` has a
    key of the same name; optional members are `null` when absent. The output is
    pretty-printed and deterministic, so it diffs well and can be golden-tested.
*/
#include "model.hpp"

#include <string>

namespace rtdl {

/// The IR JSON of a checked program, ending with a newline.
std::string emit_ir(const model::program& program);

} // namespace rtdl
