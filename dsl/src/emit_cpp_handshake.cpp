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

std::string_view support_handshake()
{
    return R"cpp(#ifndef SB_RTDL_SUPPORT_HANDSHAKE_V1
#define SB_RTDL_SUPPORT_HANDSHAKE_V1
#include <charconv>
#include <cmath>
namespace sb_rtdl::handshake_query {

/// A query value as a JSON string.
inline ::boost::json::value as_string(std::string_view text)
{
    return ::boost::json::value(::boost::json::string(text));
}

/// A query value as a JSON integer; text that is none stays a string (the decoder says why).
inline ::boost::json::value as_integer(std::string_view text)
{
    const char* end = text.data() + text.size();
    std::int64_t i = 0;
    if (auto [p, ec] = std::from_chars(text.data(), end, i); ec == std::errc{} && p == end && !text.empty())
        return ::boost::json::value(i);
    std::uint64_t u = 0;
    if (auto [p, ec] = std::from_chars(text.data(), end, u); ec == std::errc{} && p == end && !text.empty())
        return ::boost::json::value(u);
    return as_string(text);
}

/// A query value as a JSON number (finite only); otherwise a string.
inline ::boost::json::value as_float(std::string_view text)
{
    const char* end = text.data() + text.size();
    double d = 0;
    if (auto [p, ec] = std::from_chars(text.data(), end, d); ec == std::errc{} && p == end && !text.empty() &&
                                                             std::isfinite(d))
        return ::boost::json::value(d);
    return as_string(text);
}

/// "true"/"1" and "false"/"0" as JSON booleans; anything else stays a string.
inline ::boost::json::value as_bool(std::string_view text)
{
    if (text == "true" || text == "1")
        return ::boost::json::value(true);
    if (text == "false" || text == "0")
        return ::boost::json::value(false);
    return as_string(text);
}

/// A comma-separated list ("" is the empty list), each element converted by `each`.
template <class F>
::boost::json::value as_list(std::string_view text, F each)
{
    ::boost::json::array a;
    while (!text.empty()) {
        const auto comma = text.find(',');
        a.push_back(each(text.substr(0, comma)));
        if (comma == std::string_view::npos)
            break;
        text.remove_prefix(comma + 1);
        if (text.empty())
            a.push_back(each(text)); // "a," has an empty last element
    }
    return ::boost::json::value(std::move(a));
}

} // namespace sb_rtdl::handshake_query
#endif // SB_RTDL_SUPPORT_HANDSHAKE_V1

)cpp";
}

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
