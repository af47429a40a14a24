#pragma once
// An HTTP connection while it waits, held without a coroutine: between requests (an
// idle keep-alive connection, the POST connection of every polling and sse client) and
// as a long poll with nothing to answer yet. What a waiting connection holds is most of
// an idle polling session's memory (docs/design.md, "An idle long-polling or sse
// client"); runtime/http_connection.cpp's run() serves requests, and hands a connection
// here when it has to wait.
#include "engine/session.hpp"
#include "net/origin.hpp"
#include "core/shard_timers.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace sb::detail {

class worker;

/// Holds `sock` until the client sends something (then resume_http), or closes it at
/// `deadline`. `busy` is passed on to run().
void park_idle(worker& sh, boost::asio::ip::tcp::socket sock, shard_timers::clock::time_point deadline, bool busy);

/// A long poll to park with its session (session::park_poll): the socket and what its
/// answer's head needs of the request. `leftover`: bytes pipelined behind the GET.
std::unique_ptr<poll_waiter> make_parked_poll(worker& sh, boost::asio::ip::tcp::socket sock, unsigned version,
                                              bool keep_alive, cors_headers cors, std::string leftover);

/// A long poll answered within this of parking makes its connection busy: its next poll
/// waits inside run() (wait_poll), whose frame it keeps, rather than in a parked poll,
/// which costs a spawn of run() per poll to save memory that matters only for sessions
/// that wait long.
inline constexpr std::chrono::milliseconds busy_wait{1000};

/// A busy connection's long poll, waiting under run()'s frame until its answer is due
/// (then `s.poll_answer()` gives it). Not a coroutine of its own: the wait is the one
/// small frame asio's use_awaitable makes.
boost::asio::awaitable<void> wait_poll(session& s);

} // namespace sb::detail
