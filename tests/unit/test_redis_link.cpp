// The Redis link's own answers, without a Redis: what callers get when it is not connected.
#include "adapters/redis/redis_link.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <optional>

using namespace sb::redis;

TEST_CASE("redis link: a command while not connected fails at once, marked as the link's own", "[redis]")
{
    boost::asio::io_context io;
    auto l = std::make_shared<sb::redis::link>(io.get_executor(), endpoint{}, link_options{});
    std::optional<value> got;
    l->command({"PING"}, [&](value v) { got = std::move(v); });
    REQUIRE(got);
    CHECK(got->is_error());
    CHECK(got->local);
    // The durable layer queues such an event again instead of dropping it.
    CHECK(got->retry_later());
}
