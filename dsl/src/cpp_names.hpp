#pragma once
/** @file
    Which identifiers cannot be used as C++ names (E0103).

    rtdl names become C++ identifiers verbatim (types, fields, enumerators, rooms,
    middleware, placeholders, package parts), so the checker rejects C++ keywords,
    alternative tokens (`and`, `not` …), identifiers the C++ standard reserves
    (`_Upper…`, anything with `__`), and the few standard macros that would silently
    break generated code (`errno`, `assert`, `NULL` …). Emitters can use the same test
    for names they derive.
*/
#include <optional>
#include <string>
#include <string_view>

namespace rtdl {

/** Why `name` cannot be a C++ identifier, e.g. "a C++ keyword", or nothing when it can.
 */
std::optional<std::string> cpp_reserved_reason(std::string_view name);

/// Event names Socket.IO reserves (`connect`, `disconnect`, …): a client cannot send them.
bool is_socketio_reserved_event(std::string_view wire_name) noexcept;

} // namespace rtdl
