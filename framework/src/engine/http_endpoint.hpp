#pragma once
// The Engine.IO endpoint (`/socket.io/`): request verification, the handshake, polling
// GET/POST, and websocket upgrades, as engine.io's server.ts does them.
#include "engine/session.hpp"
#include "net/http.hpp"

#include <switchboard/protocol/eio_request.hpp>

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>

namespace sb::detail {

class engine_shard;
class session;

struct raw_engine_route;

/** Handles one request under the engine path, as far as it can without waiting: the
    checks, and a request to a session of this shard (polls and POSTs: nearly every
    request). Fills `res` when the outcome is `respond` (runtime/http_connection.cpp
    writes it with plain_head). A polling GET - the request a client parks for up to
    pingInterval - is `poll`, with the session in `poll`: the caller then answers it at
    once or parks it (session::try_poll, park_poll).
    std::nullopt: what is left waits (a handshake, an upgrade's 101, another node's
    session): co_await finish_engine_request at once with the same `q` (parsed here),
    nothing else in between. Kept out
    of a coroutine so that a poll costs no coroutine frame. The caller's frame is held
    by a busy connection's waiting poll: it holds `q` (~100 B), while the handshake and
    its temporaries live in finish_engine_request's frame, which a handshake alone pays. */
std::optional<http_outcome> answer_engine_request(engine_shard& sh, boost::asio::ip::tcp::socket& sock,
                                                  boost::beast::flat_buffer& buffer, http_request& req,
                                                  plain_response& res, std::shared_ptr<session>& poll,
                                                  eio::request_query& q);

/** The rest of a request answer_engine_request left. A handshake under a plain
    Engine.IO path (`raw` set) opens a session of plain messages instead of a Socket.IO
    connection. */
boost::asio::awaitable<http_outcome> finish_engine_request(engine_shard& sh, boost::asio::ip::tcp::socket& sock,
                                                           boost::beast::flat_buffer& buffer, http_request& req,
                                                           plain_response& res, std::shared_ptr<session>& poll,
                                                           const eio::request_query& q,
                                                           const raw_engine_route* raw = nullptr);

/// The HTTP answer to a polling GET, from what its session gave (session::try_poll or
/// poll_answer).
plain_response poll_response(session::poll_result r);

/// A fresh session id whose first character names the owning shard, and which ends in
/// ".<node_tag>" in a cluster (the owning node).
std::string make_session_id(std::size_t shard_index, std::string_view node_tag = {});
/// The node tag a session id ends with ("" for none).
std::string_view node_tag_of_session_id(std::string_view sid) noexcept;
/// The shard a session id names, or SIZE_MAX if it names none.
std::size_t shard_of_session_id(std::string_view sid) noexcept;

} // namespace sb::detail
