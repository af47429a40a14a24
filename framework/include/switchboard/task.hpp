#pragma once
/** @file
    `sb::task<T>`: the coroutine type of every handler (an Asio awaitable).
*/
#include <boost/asio/awaitable.hpp>

namespace sb {

/// A handler coroutine. It runs on the shard (thread) of the socket it serves, so it
/// never needs a lock to touch that socket; cancellation lands at its next `co_await`.
template <typename T = void>
using task = boost::asio::awaitable<T>;

} // namespace sb
