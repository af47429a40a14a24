#pragma once
/** @file
    A namespace with `handshake = T` and the `sse` transport also accepts a plain
    EventSource, which can send its handshake only as a query string (`GET /ns/sse?room=7`).
    Query values are text: these turn them into the JSON that `T`'s decoder reads, by each
    field's type. Text that does not convert stays a string, so the decoder reports the
    field and why.
*/
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <string_view>

namespace sb_rtdl::handshake_query {

/// A query value as a JSON string.
::boost::json::value as_string(std::string_view text);
/// A query value as a JSON integer.
::boost::json::value as_integer(std::string_view text);
/// A query value as a JSON number (finite only).
::boost::json::value as_float(std::string_view text);
/// "true"/"1" and "false"/"0" as JSON booleans.
::boost::json::value as_bool(std::string_view text);

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
