// The Redis link without a Redis: what callers get when it is not connected, and a peer
// that accepts but never answers.
#include "adapters/redis/redis_link.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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

TEST_CASE("redis link: a peer that accepts and never answers is not Redis: the link stays down", "[redis]")
{
    // What a proxy in front of a dead Redis looks like: the TCP connection is accepted.
    namespace net = boost::asio;
    net::io_context io;
    net::ip::tcp::acceptor acceptor(io, {net::ip::make_address("127.0.0.1"), 0});
    std::vector<std::shared_ptr<net::ip::tcp::socket>> accepted;
    std::function<void()> accept_next = [&] {
        auto s = std::make_shared<net::ip::tcp::socket>(io);
        acceptor.async_accept(*s, [&, s](boost::system::error_code ec) {
            if (!ec) {
                accepted.push_back(s);  // held open, read from by nobody
                accept_next();
            }
        });
    };
    accept_next();

    endpoint ep;
    ep.port = std::to_string(acceptor.local_endpoint().port());
    link_options o;
    o.connect_timeout = std::chrono::milliseconds(150);
    o.min_backoff = std::chrono::milliseconds(20);
    auto l = std::make_shared<sb::redis::link>(io.get_executor(), ep, o);
    int ups = 0;
    std::vector<std::string> downs;
    l->on_state([&](bool up, std::string_view why) {
        if (up) {
            ++ups;
        }
        else {
            downs.emplace_back(why);
        }
    });
    l->start();
    io.run_for(std::chrono::milliseconds(500));
    l->stop();
    io.run_for(std::chrono::milliseconds(50));

    CHECK(ups == 0);
    CHECK_FALSE(l->up());
    REQUIRE(accepted.size() >= 2);  // it gave up on each connection and tried again
    REQUIRE_FALSE(downs.empty());
    CHECK(downs.front() == "redis did not answer the handshake");
}
