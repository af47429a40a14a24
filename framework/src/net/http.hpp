#pragma once
// HTTP types shared by the net and engine layers (Beast), kept out of public headers.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <switchboard/handshake.hpp>

#include <boost/json/object.hpp>

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
    poll,         ///< a long-polling GET: the caller awaits its answer (engine/http_endpoint.hpp)
};

/// A response with the usual headers. `content_type` empty: none.
http_response make_response(const http_request& req, unsigned status, std::string_view content_type, std::string body);

/** The bytes of `res` before its body: status line, header lines, blank line. What
    Beast's serializer writes for a non-chunked response, built in one string so that a
    response leaves as one gather write of head and body: the serializer's buffer
    iterators were ~6% of the CPU of long polling. */
std::string response_head(const http_response& res);

struct cors_headers;  // net/origin.hpp

/** A response made of a status, a content type and a body: what the Engine.IO endpoint
    answers, i.e. nearly all of a long-polling client's traffic. Its head is written by
    hand (plain_head) rather than through Beast's fields, each header line of which is an
    allocation: four per poll, with the serializer's buffers ~10% of a polling server's CPU. */
struct plain_response {
    unsigned status = 200;
    std::string_view content_type;  ///< a static string ("" for none)
    std::string body;
    bool no_store = false;          ///< Cache-Control: no-store
};

/// A plain response with the usual headers: `make_response`'s with `body`.
plain_response make_plain(unsigned status, std::string_view content_type, std::string body);

/** The head of `res` as an answer to `req`: the bytes `response_head` gives for the same
    response made with `make_response`, then Cache-Control and the CORS lines. */
std::string plain_head(const http_request& req, const plain_response& res, const cors_headers& cors);
/// The same into `head` (emptied first), from what it needs of the request: its HTTP
/// version (10, 11) and whether it keeps the connection alive (for an answer written
/// after the request is gone). A connection that answers request after request keeps
/// one head's capacity instead of allocating one per answer.
void plain_head_into(std::string& head, unsigned version, bool keep_alive, const plain_response& res,
                     const cors_headers& cors);

/// The query part of a request target ("" if none).
std::string_view query_of(std::string_view target) noexcept;
/// The path part of a request target.
std::string_view path_of(std::string_view target) noexcept;

/// The handshake as sockets will show it (net/handshake.cpp): headers, url, query, time.
/// `address` is the client's (see client_address.hpp); `secure`: it came over TLS.
handshake_info make_handshake(const http_request& req, std::string address, bool secure);

} // namespace sb::detail
