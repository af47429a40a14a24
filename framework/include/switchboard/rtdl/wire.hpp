#pragma once
/** @file
    The JSON wire pieces of rtdlc-generated sources: for decoding with simdjson On-Demand,
    a thread's parser, padding, the whole-text and event-argument entry points and the
    conversions the generated field decoders call; for encoding, the JSON string.

    Everything here is inline on purpose. simdjson's `ondemand` names an implementation
    chosen by the compiler flags of the file that includes it (`fallback`, `haswell`, …);
    a compiled library taking those types would tie its flags to every user's. Included
    by generated sources only (they include <simdjson.h> first).
*/
#include <switchboard/rtdl/codec.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/string.hpp>
#include <simdjson.h>

#include <charconv>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace sb_rtdl::wire {

/// `cx.fail()` with the message of a simdjson error when `expected` was wanted.
inline bool type_fail(decode_context& cx, simdjson::error_code e, const char* expected)
{
    if (e == simdjson::INCORRECT_TYPE)
        return cx.fail(std::string("expected ") + expected);
    if (e == simdjson::NUMBER_OUT_OF_RANGE)
        return cx.fail("number out of range");
    return cx.fail(std::string("malformed JSON (") + simdjson::error_message(e) + ")");
}

/// Whether the raw (still escaped) key at `raw` is exactly `lit`: its bytes, then the
/// closing quote. rtdlc uses it only for names without '"' or '\\' and shorter than the
/// padding, so the read stays inside the padded text.
template <std::size_t N>
inline bool raw_key_is(const char* raw, const char (&lit)[N]) noexcept
{
    static_assert(N <= simdjson::SIMDJSON_PADDING);
    return raw[N - 1] == '"' && std::memcmp(raw, lit, N - 1) == 0;
}

/// An integer written as a JSON string ("42"): the form of 64-bit integers that a
/// JavaScript peer cannot hold in a number.
template <class Int>
simdjson::error_code parse_int_string(simdjson::ondemand::value v, Int& n)
{
    std::string_view s;
    if (auto e = v.get_string().get(s))
        return e;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc::result_out_of_range)
        return simdjson::NUMBER_OUT_OF_RANGE;
    return ec != std::errc{} || p != s.data() + s.size() ? simdjson::INCORRECT_TYPE : simdjson::SUCCESS;
}

/// An `i64` from a JSON number or a decimal string.
inline simdjson::error_code get_int_or_string(simdjson::ondemand::value v, std::int64_t& n)
{
    simdjson::ondemand::json_type t;
    if (auto e = v.type().get(t))
        return e;
    return t == simdjson::ondemand::json_type::string ? parse_int_string(v, n) : v.get_int64().get(n);
}

/// A `u64` from a JSON number or a decimal string.
inline simdjson::error_code get_uint_or_string(simdjson::ondemand::value v, std::uint64_t& n)
{
    simdjson::ondemand::json_type t;
    if (auto e = v.type().get(t))
        return e;
    return t == simdjson::ondemand::json_type::string ? parse_int_string(v, n) : v.get_uint64().get(n);
}

/// A `json` field: the value's raw text, parsed by Boost.JSON.
inline bool get_json(simdjson::ondemand::value v, ::boost::json::value& out, decode_context& cx)
{
    simdjson::ondemand::json_type t;
    if (auto e = v.type().get(t))
        return type_fail(cx, e, "a value");
    std::string_view raw;
    simdjson::error_code e = simdjson::SUCCESS;
    if (t == simdjson::ondemand::json_type::object) {
        simdjson::ondemand::object o;
        e = v.get_object().get(o);
        if (!e)
            e = o.raw_json().get(raw);
    }
    else if (t == simdjson::ondemand::json_type::array) {
        simdjson::ondemand::array a;
        e = v.get_array().get(a);
        if (!e)
            e = a.raw_json().get(raw);
    }
    else
        raw = v.raw_json_token();
    if (e)
        return type_fail(cx, e, "a value");
    // The packet decoder bounded the nesting already: no second, lower bound here
    // (Boost.JSON's default of 32 dropped args 33 to 64 deep).
    ::boost::json::parse_options po;
    po.max_depth = static_cast<std::size_t>(-1);
    ::boost::system::error_code ec;
    out = ::boost::json::parse(raw, ec, {}, po);
    return ec ? cx.fail("malformed JSON") : true;
}

/// This thread's parser and copy buffer, shared by every generated decoder: a decode
/// never nests, and a warm parser keeps its buffers (no allocation per message). One
/// thread_local (an inline function's, so one per program), so one TLS lookup per message.
struct thread_state {
    simdjson::ondemand::parser parser;
    std::vector<char> buffer; ///< only grows
};
inline thread_state& this_thread()
{
    thread_local thread_state state;
    return state;
}

/// `text` with the padding simdjson reads past the end: a copy in this thread's buffer,
/// so steady-state decoding copies but never allocates.
inline simdjson::padded_string_view padded_copy(std::string_view text, std::vector<char>& buffer)
{
    const std::size_t need = text.size() + simdjson::SIMDJSON_PADDING;
    if (buffer.size() < need)
        buffer.resize(need < 4096 ? 4096 : need);
    std::memcpy(buffer.data(), text.data(), text.size());
    std::memset(buffer.data() + text.size(), 0, simdjson::SIMDJSON_PADDING);
    return simdjson::padded_string_view(buffer.data(), text.size(), buffer.size());
}

/// Decodes a whole (padded) JSON text with `f(value, cx)`; trailing content is an error.
/// Text without the padding is copied first.
template <class F>
decode_status decode_text(simdjson::padded_string_view json, F&& f)
{
    thread_state& ts = this_thread();
    if (json.padding() < simdjson::SIMDJSON_PADDING)
        json = padded_copy(json, ts.buffer);
    simdjson::ondemand::document doc;
    if (auto e = ts.parser.iterate(json).get(doc))
        return decode_error{std::string("malformed JSON (") + simdjson::error_message(e) + ")", ""};
    simdjson::ondemand::value v;
    decode_context cx;
    if (auto e = doc.get_value().get(v)) {
        type_fail(cx, e, "an object");
        return decode_error{cx.message, ""};
    }
    if (!f(v, cx))
        return decode_error{std::move(cx.message), std::move(cx.pointer)};
    return std::nullopt;
}

template <class F>
decode_status decode_text(std::string_view json, F&& f)
{
    // A view claiming no padding: decode_text copies it into the padded buffer.
    return decode_text(simdjson::padded_string_view(json.data(), json.size(), json.size()),
                       std::forward<F>(f));
}

/** Decodes the first argument of a Socket.IO event array `["name", arg, …]` with
    `f(value, cx)`. Pointers are relative to the argument. A missing argument is an
    error ("missing payload").
*/
template <class F>
decode_status decode_event_arg(std::string_view raw, F&& f)
{
    simdjson::ondemand::document doc;
    simdjson::ondemand::array arr;
    decode_context cx;
    thread_state& ts = this_thread();
    if (auto e = ts.parser.iterate(padded_copy(raw, ts.buffer)).get(doc))
        return decode_error{std::string("malformed JSON (") + simdjson::error_message(e) + ")", ""};
    if (auto e = doc.get_array().get(arr)) {
        type_fail(cx, e, "an event array");
        return decode_error{cx.message, ""};
    }
    std::size_t i = 0;
    for (auto el : arr) {
        simdjson::ondemand::value v;
        if (auto e = el.get(v)) {
            type_fail(cx, e, "a value");
            return decode_error{cx.message, ""};
        }
        if (i++ == 1) {
            if (!f(v, cx))
                return decode_error{std::move(cx.message), std::move(cx.pointer)};
            return std::nullopt;
        }
    }
    return decode_error{"missing payload", ""};
}

/// A JSON string value (the encoders' one spelling of it).
inline ::boost::json::value string(std::string_view s)
{
    return ::boost::json::string(s.data(), s.size());
}

} // namespace sb_rtdl::wire
