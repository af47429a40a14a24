#pragma once
// Parsing a packet's JSON again, into Boost.JSON, after the decoder has checked it.
//
// The decoder (protocol/sio_decoder.cpp, `decoder_options::max_json_depth`) is the one place
// that bounds how deep a packet may nest, and answers past it with a parse error. A second
// parse must not bring a second, lower bound: Boost.JSON stops at 32 by default, and args
// 33 to 64 deep used to vanish without a word. Boost.JSON's parser keeps its own stack (it
// does not recurse), so lifting its bound costs nothing; the input is already bounded.
#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>

#include <limits>
#include <string_view>

namespace sb::detail {

inline boost::json::value parse_checked_json(std::string_view json, boost::system::error_code& ec)
{
    boost::json::parse_options o;
    o.max_depth = std::numeric_limits<std::size_t>::max();
    return boost::json::parse(json, ec, {}, o);
}

} // namespace sb::detail
