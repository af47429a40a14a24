#pragma once
// HTTP types shared by the net and engine layers (Beast), kept out of public headers.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace sb::detail {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

/// What became of the connection after a request was handled.
enum class http_outcome {
    respond,      ///< write the response, then read the next request (keep-alive permitting)
    upgraded,     ///< the socket now belongs to a websocket transport
    handed_over,  ///< the socket moved to another shard with the request
};

/// A response with the usual headers. `content_type` empty: none.
http_response make_response(const http_request& req, unsigned status, std::string_view content_type, std::string body);

/// The query part of a request target ("" if none).
std::string_view query_of(std::string_view target) noexcept;
/// The path part of a request target.
std::string_view path_of(std::string_view target) noexcept;

} // namespace sb::detail
