#pragma once
// One accepted TCP connection speaking HTTP/1.1: reads requests and routes them to the
// Engine.IO endpoint, /healthz, /metrics, or static files.
#include "net/http.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <optional>
#include <string>

namespace sb::detail {

class worker;

/// Serves `sock` on `sh` until it closes, is upgraded, or moves to another shard.
/// `leftover`: bytes already read from the socket; `pending`: a request already parsed
/// on another shard (a handover).
void serve_http(worker& sh, boost::asio::ip::tcp::socket sock, std::string leftover = {},
                std::optional<http_request> pending = std::nullopt);

/// Serves `sock` again after it waited (runtime/parked_connection.hpp): `buffer` holds
/// what the client sent since; `busy`: its last long poll was answered soon.
void resume_http(worker& sh, boost::asio::ip::tcp::socket sock, boost::beast::flat_buffer buffer, bool busy);

/// Moves a connection to the shard that owns the session it asks for: releases the file
/// descriptor here and re-opens it on `target`'s io_context (Linux epoll: no I/O is
/// pending at this point).
void hand_over(worker& target, boost::asio::ip::tcp::socket& sock, boost::beast::flat_buffer& buffer,
               http_request req);

} // namespace sb::detail
