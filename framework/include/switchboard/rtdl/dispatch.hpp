#pragma once
/** @file
    What the generated dispatch of a namespace shares with every handler and hook: the
    verdict of a middleware or join check, the per-connection state (`user`, claims, rate
    buckets), `connection_context` (the base of each generated `<ns>_context`), the counts
    `mount()` returns, and the NACK replies.
*/
#include <switchboard/event.hpp>
#include <switchboard/namespace.hpp>
#include <switchboard/payload.hpp>
#include <switchboard/rtdl/rate_limit.hpp>
#include <switchboard/socket.hpp>
#include <switchboard/task.hpp>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sb_rtdl {

/// Where a middleware hook runs (`middleware NAME on connect, join, event, emit, disconnect`).
enum class phase { connect, join, event, emit, disconnect };

/// What a middleware hook is called for.
struct lifecycle_event {
    sb_rtdl::phase phase = sb_rtdl::phase::connect;
    /// connect: the namespace; join: the room key; event: the `on` event's wire name;
    /// emit: the emitted event's wire name; disconnect: Socket.IO's reason.
    std::string_view name;
};

/** A yes or no from a middleware hook or a `join = handler` room. A refusal reaches the
    client as a NACK `{"error":{"code":..,"message":..}}`, or at connect as CONNECT_ERROR
    `{"message":..,"data":{"code":..}}`. An empty code means "forbidden".
    @code
    co_return sb_rtdl::verdict::allow();
    co_return sb_rtdl::verdict::refuse("banned until tomorrow", "banned");
    @endcode
*/
struct verdict {
    bool allowed = true;
    std::string code;
    std::string message;

    static verdict allow() { return {}; }
    static verdict refuse(std::string message, std::string code = "forbidden")
    {
        return verdict{false, std::move(code), std::move(message)};
    }
    explicit operator bool() const noexcept { return allowed; }
    /// The code sent to the client ("forbidden" when none was given).
    std::string wire_code() const { return code.empty() ? std::string("forbidden") : code; }
};
/// What `on_join_<room>` returns.
using join_decision = verdict;
/// What `try_join` returns: allowed, or why not (`forbidden`, `room_full`, a handler's code).
using join_result = verdict;

/// What the generated dispatch of one namespace counted (returned by `mount()`).
struct dispatch_stats {
    std::atomic<std::uint64_t> events{0};        ///< events received
    std::atomic<std::uint64_t> unknown_event{0}; ///< no such `on` event
    std::atomic<std::uint64_t> bad_payload{0};   ///< payload did not decode
    std::atomic<std::uint64_t> rate_limited{0};  ///< over a `rate`
    std::atomic<std::uint64_t> forbidden{0};     ///< `@requires` or event middleware refused
    std::atomic<std::uint64_t> timeout{0};       ///< handler past its `timeout`
    std::atomic<std::uint64_t> joins_refused{0}; ///< `$join`/`try_join` refused
    std::atomic<std::uint64_t> connects_refused{0};
    std::atomic<std::uint64_t> payload_too_large{0}; ///< over the namespace's `max_payload`
    std::atomic<std::uint64_t> transport_refused{0}; ///< a transport `transports` does not list
};

/// An event's size as `max_payload` counts it: its JSON text and its binary attachments.
inline std::size_t event_size(const ::sb::event& ev) noexcept
{
    std::size_t n = ev.raw().size();
    for (const auto& a : ev.attachments())
        n += a.size();
    return n;
}

/// What the generated dispatch keeps per connection, in `sb::socket::extension`.
struct connection_state {
    /// Set by the connect hooks (`ctx.set_user`): the key of `per user` rates and of
    /// `join = authenticated`.
    std::string user;
    /// Set by the connect hooks (`ctx.add_claim`): what `@requires` checks.
    std::vector<std::string> claims;
    /// One bucket per `on` event (used by `per connection` rates).
    std::vector<token_bucket> buckets;
    /// Rooms joined by a connect hook, before the socket is in the namespace.
    std::vector<std::string> pending_joins;

    bool has_claim(std::string_view c) const noexcept
    {
        return std::find(claims.begin(), claims.end(), c) != claims.end();
    }
};

/// Creates the connection state of `s`, with one bucket per route (out of line: once per connection).
connection_state& create_state(::sb::socket& s, std::size_t routes);

/// The connection state of `s`, created on first use.
inline connection_state& state_of(::sb::socket& s, std::size_t routes)
{
    if (!s.extension) [[unlikely]]
        return create_state(s, routes);
    return *static_cast<connection_state*>(s.extension.get());
}

/** What every generated `<ns>_context` shares: the socket, its namespace, and the
    identity its connect hooks established. A cheap handle: copy it into work that
    outlives a handler; use it on the connection's shard.
*/
class connection_context {
public:
    connection_context(::sb::socket_ptr socket, ::sb::namespace_ nsp, std::size_t routes)
        : socket_(std::move(socket)), nsp_(nsp), routes_(routes)
    {
    }
    ::sb::socket& socket() const noexcept { return *socket_; }
    const ::sb::socket_ptr& socket_ptr() const noexcept { return socket_; }
    ::sb::namespace_ nsp() const noexcept { return nsp_; }

    /// The user id a connect hook established with `set_user` ("" for none): the key of
    /// `rate … per user` and what `join = authenticated` requires.
    const std::string& user_id() const { return state().user; }
    void set_user(std::string id) const { state().user = std::move(id); }
    /// The connection's claims (granted by a connect hook): what `@requires("…")` checks.
    const std::vector<std::string>& claims() const { return state().claims; }
    void add_claim(std::string claim) const
    {
        if (!has_claim(claim))
            state().claims.push_back(std::move(claim));
    }
    bool has_claim(std::string_view claim) const { return state().has_claim(claim); }
    /// The peer's address (the key of `rate … per ip`).
    const std::string& remote_address() const noexcept { return socket_->remote_address(); }

protected:
    connection_state& state() const { return state_of(*socket_, routes_); }

    ::sb::socket_ptr socket_;
    ::sb::namespace_ nsp_;

private:
    std::size_t routes_;
};

/// A NACK: `[{"error":{"code":..,"message":..[,"pointer":..]}}]`.
inline ::sb::reply nack(std::string code, std::string message, std::string pointer = {})
{
    return ::sb::reply{::sb::app_error{std::move(code), std::move(message), std::move(pointer)}};
}

/// The answer to `$join`/`$leave`: `{"room":key}`, or a NACK (counted).
::sb::reply room_answer(const std::string& key, const verdict& r, dispatch_stats& stats);

/// An already-known reply, as the awaitable a route returns.
inline ::sb::task<::sb::reply> ready(::sb::reply r)
{
    co_return r;
}

} // namespace sb_rtdl
