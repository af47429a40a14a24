#pragma once
/** @file
    Which identifiers cannot be used as C++ names (E0103).

    rtdl names become C++ identifiers verbatim (types, fields, enumerators, rooms,
    middleware, placeholders, package parts), so the checker rejects C++ keywords,
    alternative tokens (`and`, `not` …), identifiers the C++ standard reserves
    (`_Upper…`, anything with `__`), and the macros of the headers the generated C++
    includes (`errno`, `assert`, `NULL`, `st_mtime`, `NAN`, `linux` … and every `BOOST_…`
    and `SIMDJSON_…`), which would silently break generated code. Emitters can use the
    same test for names they derive.

    The lists of those headers' macros and global names are generated from the headers
    themselves (platform_names.py writes platform_names.inc).
*/
#include <optional>
#include <string>
#include <string_view>

namespace rtdl {

/** Why `name` cannot be a C++ identifier, e.g. "a C++ keyword", or nothing when it can.
 */
std::optional<std::string> cpp_reserved_reason(std::string_view name);

/** True when the headers the generated C++ includes declare `name` in the global
    namespace (`log`, `time`, `stat`, `poll` … from the C and POSIX libraries). A file
    without `package` puts its types there, and every package's first part is a
    namespace there, so such a name would clash (E0107).
*/
bool is_platform_global_name(std::string_view name) noexcept;

/// Event names Socket.IO reserves (`connect`, `disconnect`, …): a client cannot send them.
bool is_socketio_reserved_event(std::string_view wire_name) noexcept;

/// `chat_room` → `ChatRoom`: how the TypeScript output names a namespace's event maps.
std::string pascal_case(std::string_view name);

} // namespace rtdl
