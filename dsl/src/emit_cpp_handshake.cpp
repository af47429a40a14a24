// Per namespace with a `handshake = T`: the conversion of the connect query (every value
// a string) into the JSON that T's generated decoder reads, so the decoder enforces every
// constraint (@length, @charset, @range, enums) of the handshake as of any payload.
//
//   string, enum            -> the string
//   integers, timestamp,    -> a number (text that is no number stays a string: the
//   duration, f32, f64         decoder then reports the type error with its pointer)
//   bool                    -> true/false ("true"/"1", "false"/"0")
//   array<scalar>           -> split at ',' ("" is the empty array), each element as above
//   optional<T>             -> as T (an absent key stays absent)
//
// Query keys that are not fields (EIO, transport, t, sid, ...) are left out.
#include "emit_cpp_detail.hpp"

#include <string>

namespace rtdl::cpp {
namespace {

/// An expression of type `::boost::json::value` converting the `std::string_view` `text`.
std::string convert_expr(const model::type_ref& t, const std::string& text, int depth)
{
    const model::type_ref& s = model::strip_optional(t);
    switch (s.kind) {
    case model::type_kind::array: {
        std::string x = "x" + std::to_string(depth);
        return "::sb_rtdl::handshake_query::as_list(" + text + ", [](std::string_view " + x +
               ") { return " + convert_expr(s.element(), x, depth + 1) + "; })";
    }
    case model::type_kind::scalar:
        switch (s.scalar) {
        case model::scalar::bool_: return "::sb_rtdl::handshake_query::as_bool(" + text + ")";
        case model::scalar::i32:
        case model::scalar::i64:
        case model::scalar::u32:
        case model::scalar::u64:
        case model::scalar::timestamp:
        case model::scalar::duration: return "::sb_rtdl::handshake_query::as_integer(" + text + ")";
        case model::scalar::f32:
        case model::scalar::f64: return "::sb_rtdl::handshake_query::as_float(" + text + ")";
        default: break;
        }
        break;
    default: break; // enums (named) and anything else: the text itself
    }
    return "::sb_rtdl::handshake_query::as_string(" + text + ")";
}

} // namespace

std::string handshake_json_function(const model::namespace_decl& ns)
{
    return ns.name + "_handshake_json";
}

void emit_handshake(const model::namespace_decl& ns, std::string& s)
{
    const model::type_decl* d = ns.settings.handshake;
    if (!d)
        return;
    std::string fn = handshake_json_function(ns);
    s += "namespace {\n\n";
    s += "/// The connect query of \"" + ns.path + "\" (string values) as the JSON `" + d->name +
         "`'s decoder reads:\n/// numbers, booleans and comma-separated lists converted by the fields' types.\n";
    s += "[[maybe_unused]] ::boost::json::object " + fn + "(const ::boost::json::object& query)\n{\n";
    s += "    ::boost::json::object out;\n";
    for (auto& f : d->fields) {
        s += "    if (const ::boost::json::value* q = query.if_contains(" + literal(f.wire_name) + ")) {\n";
        s += "        if (const ::boost::json::string* text = q->if_string())\n";
        s += "            out[" + literal(f.wire_name) + "] = " + convert_expr(f.type, "std::string_view(*text)", 0) +
             ";\n";
        s += "        else\n            out[" + literal(f.wire_name) + "] = *q;\n    }\n";
    }
    if (d->fields.empty())
        s += "    (void)query;\n";
    s += "    return out;\n}\n\n";
    s += "} // namespace\n\n";
}

} // namespace rtdl::cpp
