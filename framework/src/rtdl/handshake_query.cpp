#include <switchboard/rtdl/handshake_query.hpp>

#include <boost/json/string.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>

namespace sb_rtdl::handshake_query {

::boost::json::value as_string(std::string_view text)
{
    return ::boost::json::value(::boost::json::string(text));
}

::boost::json::value as_integer(std::string_view text)
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

::boost::json::value as_float(std::string_view text)
{
    const char* end = text.data() + text.size();
    double d = 0;
    if (auto [p, ec] = std::from_chars(text.data(), end, d);
        ec == std::errc{} && p == end && !text.empty() && std::isfinite(d))
        return ::boost::json::value(d);
    return as_string(text);
}

::boost::json::value as_bool(std::string_view text)
{
    if (text == "true" || text == "1")
        return ::boost::json::value(true);
    if (text == "false" || text == "0")
        return ::boost::json::value(false);
    return as_string(text);
}

} // namespace sb_rtdl::handshake_query
