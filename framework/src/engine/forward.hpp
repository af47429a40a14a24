#pragma once
// Forwarding a request for a session that lives on another node (polling and the sse
// transport without sticky sessions): the request goes to the owner as it came, with
// `X-Switchboard-Forwarded: 1` (the owner never forwards it again) and, unless it is a
// websocket upgrade, `Connection: close`; then bytes are relayed both ways until either
// side closes, so a long poll is held at the owner, an sse stream streams through, and a
// websocket upgraded on the wrong node works through the relay.
#include "net/http.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

namespace sb::detail {

/// The header that marks a forwarded request.
inline constexpr std::string_view forwarded_header = "X-Switchboard-Forwarded";

/** Connects to `owner` ("host:port") within `connect_timeout` and hands it `req` (and
    what `buffer` holds past it). True once the relay runs: the client's socket is taken
    from `sock`. False when the owner cannot be reached: the caller answers the client
    (400 "Session ID unknown": it reconnects, and recovers where that is on). A relay idle
    for `idle` in both directions is cut. */
boost::asio::awaitable<bool> forward_to_owner(boost::asio::ip::tcp::socket& sock, boost::beast::flat_buffer& buffer,
                                              http_request& req, const std::string& owner,
                                              std::chrono::milliseconds connect_timeout, std::chrono::milliseconds idle);

} // namespace sb::detail
