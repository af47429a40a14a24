#pragma once
// A request's query string as Node's `socket.handshake.query` shows it. Defined in
// core/handshake.cpp beside handshake_info::query(), its one decoder.
#include <boost/json/object.hpp>

#include <string_view>

namespace sb::detail {

/// A query string (without the `?`) as a JSON object of strings, percent-decoded as
/// URLSearchParams does (`+` is a space); a repeated name keeps its last value.
boost::json::object query_object(std::string_view query);

} // namespace sb::detail
