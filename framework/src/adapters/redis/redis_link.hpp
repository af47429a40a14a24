#pragma once
// One connection to Redis, kept up: it connects, re-connects with backoff when the
// connection drops, and (for a subscriber) subscribes again to everything it had. It
// lives on one executor (a shard) and is touched from that executor only.
//
// Two roles:
//   commands    pipelined; each reply completes the oldest pending command. While the
//               link is down a command fails at once (an error reply), so nothing waits
//               on a dead Redis.
//   subscriber  SUBSCRIBE/PSUBSCRIBE; every message is handed to `on_message`.
//
// "Up" means Redis answered: a TCP connection alone is not enough (a proxy in front
// of a dead Redis accepts it), and a subscriber is up once every subscription it
// asked for is confirmed, so that whoever reads what it missed meanwhile reads after
// the subscriptions hold.
#include "adapters/redis/wire/resp.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <switchboard/options.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sb::redis {

/// Where and how to connect (parsed from a `redis://` URL).
struct endpoint {
    std::string host = "127.0.0.1";
    std::string port = "6379";
    std::string user;
    std::string password;
    int db = 0;
};
/// Parses `redis://[user:password@]host[:port][/db]`; false and `error` if malformed.
bool parse_url(std::string_view url, endpoint& out, std::string& error);

struct link_options {
    std::chrono::milliseconds min_backoff{100};
    std::chrono::milliseconds max_backoff{5000};
    std::chrono::milliseconds connect_timeout{2000};
    std::size_t max_message = 16 * 1024 * 1024;
    std::string name;  ///< CLIENT SETNAME, and in log lines
    /// Where the link's log lines go (the adapter sends them to server_options::log).
    std::function<void(log_level, std::string)> log = [](log_level, std::string) {};
};

class link : public std::enable_shared_from_this<link> {
public:
    using reply_handler = std::function<void(value)>;
    /// (pattern or "", channel, payload) of a published message.
    using message_handler = std::function<void(std::string_view, std::string_view, std::string_view)>;
    /// Called with true when the link comes up (after subscribing), false when it drops.
    using state_handler = std::function<void(bool up, std::string_view why)>;

    link(boost::asio::any_io_executor ex, endpoint ep, link_options opts);
    ~link();

    /// Makes this a subscriber: messages go to `h` (set before `start`).
    void on_message(message_handler h) { on_message_ = std::move(h); }
    void on_state(state_handler h) { on_state_ = std::move(h); }

    void start();
    /// Closes the connection and stops reconnecting; pending commands fail.
    void stop();
    bool up() const noexcept { return up_; }

    /// Queues a command; `h` gets the reply, or an error value if the link is down or
    /// drops first. `h` may be empty (fire and forget).
    void command(std::vector<std::string> args, reply_handler h = {});
    /// Awaitable form of `command`.
    boost::asio::awaitable<value> call(std::vector<std::string> args);

    /// Subscriber: adds a channel / pattern (sent now if up, and on every reconnect).
    void subscribe(std::string channel);
    void psubscribe(std::string pattern);

    /// Replies the parser refused (the link drops and reconnects after one). Bulk strings
    /// are bounded by Redis's own 512 MiB here; `max_message` is applied by the adapter,
    /// which drops and counts a message without dropping the link.
    std::uint64_t protocol_errors() const noexcept { return protocol_errors_; }

private:
    boost::asio::awaitable<void> run();
    boost::asio::awaitable<bool> connect_once(std::string& why);
    boost::asio::awaitable<void> read_loop();
    boost::asio::awaitable<void> write_loop();
    /// Ends the connection if the handshake is not answered within `connect_timeout`.
    boost::asio::awaitable<void> handshake_deadline();
    void handle(value v);
    void handshake_answered();
    void fail_pending(std::string_view why);
    void wake_writer();

    boost::asio::any_io_executor ex_;
    endpoint ep_;
    link_options opts_;
    boost::asio::ip::tcp::socket sock_;
    boost::asio::steady_timer wake_;
    boost::asio::steady_timer backoff_;
    std::string out_;  ///< bytes to write
    std::deque<reply_handler> pending_;
    std::set<std::string> channels_;
    std::set<std::string> patterns_;
    message_handler on_message_;
    state_handler on_state_;
    bool up_ = false;         ///< the handshake was answered
    bool connected_ = false;  ///< the socket is open (the handshake may be in flight)
    bool ever_up_ = false;
    bool stopped_ = false;
    bool started_ = false;
    std::uint64_t protocol_errors_ = 0;
    /// Replies to the handshake (AUTH, SELECT, SETNAME, PING, each (P)SUBSCRIBE) still
    /// to come; the link is up when it reaches 0.
    std::size_t handshake_replies_ = 0;
};

} // namespace sb::redis
