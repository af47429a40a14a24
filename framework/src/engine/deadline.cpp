#include "engine/deadline.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace net = boost::asio;

namespace sb::detail {

net::awaitable<void> watch_writes(const net::any_io_executor& ex, std::chrono::milliseconds limit, const write_clock& c)
{
    net::steady_timer t(ex);
    for (;;) {
        t.expires_at((c.writing ? c.started : lazy_deadline::clock::now()) + limit);
        co_await t.async_wait(net::as_tuple(net::use_awaitable));
        if (c.writing && lazy_deadline::clock::now() - c.started >= limit) {
            co_return;
        }
    }
}

} // namespace sb::detail
