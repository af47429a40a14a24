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

void emit_types(const model::module& m, std::string& hpp);
void emit_decoders(const model::module& m, std::string& hpp, std::string& cpp);
void emit_encoders(const model::module& m, std::string& hpp, std::string& cpp);
void emit_service(const model::namespace_decl& ns, const model::module& m, std::string& hpp,
                  std::string& cpp);

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
/// Source: the `<ns>_runtime` struct and forward declarations (before the context's members).
void emit_runtime(const model::namespace_decl& ns, std::string& cpp);
/// Source: `<ns>_context::try_join(<room>_room)`, applying the room's join policy.
void emit_try_join(const model::namespace_decl& ns, const model::room& r, std::string& cpp);
/// Source: the dispatch functions and `mount()`.
void emit_dispatch(const model::namespace_decl& ns, std::string& cpp);
/// `::sb_rtdl::connection_settings{...}`: the connection-wide settings a namespace wrote
/// (heartbeat, idle_timeout, send_buffer, max_payload), for `configure()` and `mount()`.
std::string connection_settings_expr(const model::namespace_decl& ns);

// emit_cpp_handshake.cpp: the connect query of a namespace with `handshake = T` as JSON.
/// The name of the generated `::boost::json::object <ns>_handshake_json(const object& query)`.
std::string handshake_json_function(const model::namespace_decl& ns);
/// Source: that function (nothing without a handshake).
void emit_handshake(const model::namespace_decl& ns, std::string& cpp);

} // namespace rtdl::cpp
