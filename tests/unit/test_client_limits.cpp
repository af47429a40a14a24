// Who the client is behind a proxy (net/client_address.hpp), and the caps on what one
// address and the whole server may hold open (engine/client_limits.hpp).
#include "engine/client_limits.hpp"
#include "net/client_address.hpp"

#include <catch2/catch.hpp>

using sb::detail::client_address;
using sb::detail::client_limits;
using verdict = client_limits::verdict;

TEST_CASE("client_address: X-Forwarded-For only from a trusted peer, read from the right", "[limits]")
{
    const std::vector<std::string> proxies{"127.0.0.1", "10.0.0.2"};
    CHECK(client_address("203.0.113.9", "", {}) == "203.0.113.9");
    CHECK(client_address("203.0.113.9", "1.2.3.4", proxies) == "203.0.113.9");  // not a proxy of ours: ignored
    CHECK(client_address("127.0.0.1", "", proxies) == "127.0.0.1");
    CHECK(client_address("127.0.0.1", "198.51.100.7", proxies) == "198.51.100.7");
    // The client wrote the left part itself; our proxies appended the rest.
    CHECK(client_address("127.0.0.1", "6.6.6.6, 198.51.100.7", proxies) == "198.51.100.7");
    CHECK(client_address("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.0.0.2", proxies) == "198.51.100.7");
    CHECK(client_address("127.0.0.1", " 198.51.100.7 ,,", proxies) == "198.51.100.7");
    CHECK(client_address("127.0.0.1", "10.0.0.2", proxies) == "10.0.0.2");  // only proxies: the leftmost
    CHECK(client_address("127.0.0.1", " , ", proxies) == "127.0.0.1");
}

TEST_CASE("client_limits: per-address and total caps; slots come back", "[limits]")
{
    sb::limit_options o{.max_connections = 3, .max_connections_per_address = 2};
    client_limits l(o);
    CHECK(l.admit("a") == verdict::ok);
    CHECK(l.admit("a") == verdict::ok);
    CHECK(l.admit("a") == verdict::address_full);
    CHECK(l.admit("b") == verdict::ok);
    CHECK(l.admit("c") == verdict::server_full);
    CHECK(l.open() == 3);
    l.release("a");
    CHECK(l.admit("c") == verdict::ok);
    CHECK(client_limits::describe(verdict::server_full).status == 503);
    {
        sb::detail::limit_slot slot(l, "c");  // as a stream holds one
    }
    CHECK(l.open() == 2);
}

TEST_CASE("client_limits: a token bucket per address (two seconds' worth)", "[limits]")
{
    sb::limit_options o{.handshakes_per_second = 2};
    client_limits l(o);
    const auto t0 = client_limits::clock::now();
    for (int i = 0; i < 4; ++i) {
        CHECK(l.admit("a", t0) == verdict::ok);
    }
    CHECK(l.admit("a", t0) == verdict::too_fast);
    CHECK(l.admit("b", t0) == verdict::ok);  // another address has its own bucket
    CHECK(l.admit("a", t0 + std::chrono::milliseconds{500}) == verdict::ok);  // one token back
    CHECK(l.admit("a", t0 + std::chrono::milliseconds{500}) == verdict::too_fast);
    CHECK(client_limits::describe(verdict::too_fast).status == 429);
}

TEST_CASE("client_limits: everything off admits without counting", "[limits]")
{
    sb::limit_options o;
    client_limits l(o);
    CHECK_FALSE(l.active());
    for (int i = 0; i < 1000; ++i) {
        CHECK(l.admit("a") == verdict::ok);
    }
    CHECK(l.open() == 0);
    l.stop_admitting();  // a graceful stop: nothing new, caps or not
    CHECK(l.admit("a") == verdict::shutting_down);
    CHECK(client_limits::describe(verdict::shutting_down).status == 503);
}
