// The server's API refuses what its documentation forbids, at the call, instead of
// serving a route that can never be reached. Only the last case starts a server (port 0,
// loopback) and stops it at once.
#include <catch2/catch.hpp>

#include <switchboard/engine_io.hpp>
#include <switchboard/server.hpp>

#include <stdexcept>
#include <string>
#include <vector>

TEST_CASE("server::engine_io: a path of its own, a handler, before start()")
{
    sb::server server{sb::server_options{.port = 0}};
    auto echo = [](sb::engine_socket_ptr) {};
    CHECK_THROWS_AS(server.engine_io("/socket.io/", echo), std::invalid_argument);   // Socket.IO's
    CHECK_THROWS_AS(server.engine_io("socket.io", echo), std::invalid_argument);     // the same, normalised
    CHECK_THROWS_AS(server.engine_io("/raw/", sb::engine_connection_handler{}), std::invalid_argument);
    CHECK_NOTHROW(server.engine_io("/raw", echo));
    CHECK_THROWS_AS(server.engine_io("/raw/", echo), std::invalid_argument);         // twice
}

TEST_CASE("server::engine_io after start() is refused: routes are read without a lock by then")
{
    sb::server server{sb::server_options{.address = "127.0.0.1", .port = 0, .threads = 1}};
    server.start();
    CHECK_THROWS_AS(server.engine_io("/late/", [](sb::engine_socket_ptr) {}), std::logic_error);
    server.stop();
    server.wait();
}

TEST_CASE("namespace_: in() and except() take one room or several, as broadcast_operator does")
{
    sb::server server{sb::server_options{.port = 0}};
    auto io = server.of("/");
    const std::vector<std::string> two{"a", "b"};
    CHECK(io.in(two).rooms() == two);
    CHECK(io.except(two).except_rooms() == two);
    CHECK(io.except("a").except(std::vector<std::string>{"b"}).except_rooms() == two);
    CHECK(io.to("x").in(two).rooms() == std::vector<std::string>{"x", "a", "b"});
}
