#pragma once
/** @file
    Shared helpers of the C++ emitter (private to `emit_cpp*.cpp`).

    Each concern appends to the header or the source text of one module:
    `emit_cpp_types.cpp` (declarations), `emit_cpp_decoders.cpp` (simdjson),
    `emit_cpp_encoders.cpp` (Boost.JSON), `emit_cpp_service.cpp` (rooms, context,
    service), `emit_cpp_dispatch.cpp` (mount and the run-time checks). Generated names
    are always fully qualified (`::acme::chat::X`), so the pieces can be written in any
    namespace.
*/
#include "model.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace rtdl::cpp {

/// `::acme::chat::Name` for a declaration (`::Name` without a package).
std::string qualified(const model::type_decl& d);

/// The C++ type of a type reference.
std::string type_name(const model::type_ref& t);

/// A C++ string literal for `s` (escaped; non-ASCII bytes as octal escapes).
std::string literal(std::string_view s);

/// `s` as `///` lines indented by `indent` (nothing when `s` is empty).
std::string doc_comment(std::string_view s, std::string_view indent = "");

/// `[[deprecated("why")]] ` or nothing.
std::string deprecated_attr(const std::optional<std::string>& why);

/// `namespace acme::chat {` / `} // namespace acme::chat`, or nothing without a package.
std::string open_namespace(const model::module& m);
std::string close_namespace(const model::module& m);

/** The generated source, in pieces that `emit_cpp` deals out over one or more files
    (`--parts`), so a large contract compiles in parallel and in bounded memory:
    `prologue` opens every file (includes, and what the pieces share: the `<ns>_runtime`
    structs, forward declarations); `main` goes to the first file; each unit is
    self-contained (it opens and closes its own C++ namespace) and goes to exactly one
    file. Whatever a unit defines has external linkage, because the code calling it may
    be in another file.
*/
struct source_text {
    struct unit {
        std::string text;
        /// Compile cost per byte, relative to plain functions: a coroutine's frame, its
        /// awaits and exception paths cost g++ about five times as much (measured on a
        /// 100-event contract), and dealing by bytes alone left one file twice as slow.
        unsigned weight = 1;
    };
    std::string prologue;
    std::string main;
    std::vector<unit> units;
    static constexpr unsigned main_weight = 2; ///< `main` mixes coroutines and plain code
};

void emit_types(const model::module& m, std::string& hpp);
void emit_decoders(const model::module& m, std::string& hpp, source_text& cpp);
void emit_encoders(const model::module& m, std::string& hpp, source_text& cpp);
void emit_service(const model::namespace_decl& ns, const model::module& m, std::string& hpp,
                  source_text& cpp);

/// Statements decoding the simdjson value `val` into `target` (inside a function
/// returning bool with a `::sb_rtdl::decode_context& cx` in scope).
std::string decode_statements(const model::type_ref& t, const std::string& target, const std::string& val,
                              const std::string& indent);
/// Statements converting the text `text` (a map key or room placeholder) into `target`.
std::string key_statements(const model::type_ref& t, const std::string& target, const std::string& text,
                           const std::string& indent);
/// An expression of type `::boost::json::value` encoding `x` of type `t`.
std::string encode_expression(const model::type_ref& t, const std::string& x);

// emit_cpp_dispatch.cpp: the run-time enforcement of one namespace's contract.
/// Source (every part's prologue): the `<ns>_runtime` struct and forward declarations.
void emit_runtime(const model::namespace_decl& ns, std::string& cpp);
/// Source: `<ns>_context::try_join(<room>_room)`, applying the room's join policy.
void emit_try_join(const model::namespace_decl& ns, const model::room& r, std::string& cpp);
/// Source: the dispatch functions and `mount()` (into `main`), one unit per `on` event.
void emit_dispatch(const model::namespace_decl& ns, const model::module& m, source_text& cpp);
/// `::sb_rtdl::connection_settings{...}`: the connection-wide settings a namespace wrote
/// (heartbeat, idle_timeout, send_buffer, max_payload), for `configure()` and `mount()`.
std::string connection_settings_expr(const model::namespace_decl& ns);

// emit_cpp_handshake.cpp: the connect query of a namespace with `handshake = T` as JSON.
/// The name of the generated `::boost::json::object <ns>_handshake_json(const object& query)`.
std::string handshake_json_function(const model::namespace_decl& ns);
/// Source: that function (nothing without a handshake).
void emit_handshake(const model::namespace_decl& ns, std::string& cpp);

} // namespace rtdl::cpp
