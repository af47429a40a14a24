#pragma once
// Asking every shard a question and awaiting all the answers on the caller's executor.
#include "core/node.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>
#include <vector>

namespace sb::detail {

/// Runs `f(shard&) -> T` on every shard and returns the answers (in arrival order).
/// Must be awaited from a single-threaded executor, such as a shard (any handler).
template <typename T, typename F>
boost::asio::awaitable<std::vector<T>> gather(node& srv, F f)
{
    namespace net = boost::asio;
    auto ex = co_await net::this_coro::executor;
    struct state {
        explicit state(net::any_io_executor e, std::size_t n) : done(e), pending(n) {}
        net::steady_timer done;
        std::vector<T> results;
        std::size_t pending;
    };
    auto st = std::make_shared<state>(ex, srv.shards().size());
    st->done.expires_at(net::steady_timer::time_point::max());
    srv.on_every_shard([st, f, ex](shard& sh) mutable {
        net::post(ex, [st, r = f(sh)]() mutable {
            st->results.push_back(std::move(r));
            if (--st->pending == 0) {
                st->done.cancel();
            }
        });
    });
    co_await st->done.async_wait(net::as_tuple(net::use_awaitable));
    co_return std::move(st->results);
}

} // namespace sb::detail
