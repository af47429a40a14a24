#pragma once
/** @file
    `sb::server`: the listener, its shards, and the namespaces they serve.
*/
#include <switchboard/engine_io.hpp>
#include <switchboard/namespace.hpp>
#include <switchboard/options.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <string_view>

namespace sb {

namespace detail {
class server_impl;
}

/** A Socket.IO v5 / Engine.IO v4 server over websocket and long polling.

    It runs one `io_context` per thread ("shard"); each Engine.IO session lives on one
    shard for its whole life. HTTP requests for a session that arrive on another shard's
    connection are handed to the session's shard with the connection itself.

    @code
    sb::server server{sb::server_options{.port = 3000}};
    server.of("/").on("echo", [](sb::socket_ptr, sb::event ev) -> sb::task<sb::reply> {
        co_return std::move(ev).into_payload();  // the arguments back, moved
    });
    server.run();
    @endcode
*/
class server {
public:
    explicit server(server_options opts = {});
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// The namespace called `name` ("/" is the main one), created on first use.
    namespace_ of(std::string_view name);
    /// A dynamic namespace: any CONNECT whose namespace matches `pattern` (whole match).
    namespace_ of(std::regex pattern, std::string description = "dynamic");
    /// A dynamic namespace admitted by `predicate(name)`.
    namespace_ of(std::function<bool(std::string_view)> predicate, std::string description = "dynamic");

    /** Serves plain Engine.IO (the npm `engine.io` server) under `path` (e.g. "/engine.io/",
        which must differ from `server_options::path`): sessions of text and binary
        messages on every transport of `engine_options`, with its heartbeat, bounds,
        origin checks, caps and `allow_request`, and no Socket.IO on top. Call before
        start(). See switchboard/engine_io.hpp. */
    void engine_io(std::string path, engine_connection_handler on_connection);

    /** Binds the listening port and starts the shards. Throws `std::system_error` with
        the reason when the address cannot be bound: a port another process holds
        (even one that also uses SO_REUSEPORT), a bad address, no permission. Ignores
        SIGPIPE for the process, so a write to a closed pipe or socket is an error.
        Returns at once; the shard threads run. */
    void start();
    /// `start()`, then blocks until `stop()` (or SIGINT/SIGTERM when `handle_signals`).
    void run(bool handle_signals = true);
    /// Closes every session ("server shutting down") and stops the shards. Idempotent.
    void stop();
    /// Blocks until the shards have stopped.
    void wait();

    /** True on exactly one node of the cluster at a time, for work that one node must do
        (a market feed, a scheduled job): a lease in Redis (`<key>#sb:leader`) that the
        holder renews every second and that passes to another node about 3 s after its
        holder stops (at once when it stops cleanly). The first call starts asking for
        it, so the first answers are false. Without a cluster: always true. Any thread. */
    bool leads() const noexcept;

    /// The bound port (useful with `port = 0`). Valid after `start()`.
    std::uint16_t port() const noexcept;
    const server_options& options() const noexcept;

    detail::server_impl& impl() noexcept { return *impl_; }

private:
    std::unique_ptr<detail::server_impl> impl_;
};

} // namespace sb
