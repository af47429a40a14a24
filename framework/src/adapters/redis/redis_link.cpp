#include "adapters/redis/redis_link.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/url/parse.hpp>

#include <charconv>

namespace net = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

namespace sb::redis {

namespace {
constexpr auto tuple_awaitable = net::as_tuple(net::use_awaitable);

value error_value(std::string_view why)
{
    value v;
    v.type = value::kind::error;
    v.local = true;
    v.str = "ERR ";
    v.str += why;
    return v;
}
} // namespace

bool parse_url(std::string_view url, endpoint& out, std::string& error)
{
    auto r = boost::urls::parse_uri(url);
    if (!r) {
        error = "not a URL: " + std::string(url);
        return false;
    }
    if (r->scheme() != "redis") {
        error = "only redis:// URLs are supported (got " + std::string(r->scheme()) + "://)";
        return false;
    }
    out = endpoint{};
    if (!r->host().empty()) {
        out.host = r->host_address();
        if (!out.host.empty() && out.host.front() == '[') {
            out.host = out.host.substr(1, out.host.size() - 2);
        }
    }
    if (r->has_port()) {
        out.port = r->port();
    }
    if (r->has_userinfo()) {
        out.user = r->user();
        out.password = r->password();
    }
    std::string_view path = r->encoded_path();
    if (path.size() > 1) {
        path.remove_prefix(1);
        auto [p, ec] = std::from_chars(path.data(), path.data() + path.size(), out.db);
        if (ec != std::errc{} || p != path.data() + path.size() || out.db < 0) {
            error = "bad database number in " + std::string(url);
            return false;
        }
    }
    return true;
}

link::link(net::any_io_executor ex, endpoint ep, link_options opts)
    : ex_(ex), ep_(std::move(ep)), opts_(std::move(opts)), sock_(ex), wake_(ex), backoff_(ex)
{
}

link::~link() = default;

void link::start()
{
    if (started_) {
        return;
    }
    started_ = true;
    net::co_spawn(ex_, [self = shared_from_this()]() -> net::awaitable<void> { co_await self->run(); },
                  net::detached);
}

void link::stop()
{
    stopped_ = true;
    boost::system::error_code ignored;
    sock_.close(ignored);
    wake_.cancel();
    backoff_.cancel();
    fail_pending("stopped");
}

void link::command(std::vector<std::string> args, reply_handler h)
{
    if (!up_ || stopped_) {
        if (h) {
            h(error_value("redis is not connected"));
        }
        return;
    }
    std::vector<std::string_view> views(args.begin(), args.end());
    append_command(out_, views);
    pending_.push_back(std::move(h));
    wake_writer();
}

net::awaitable<value> link::call(std::vector<std::string> args)
{
    struct waiter {
        explicit waiter(net::any_io_executor e) : t(e, net::steady_timer::time_point::max()) {}
        net::steady_timer t;
        std::optional<value> v;
    };
    auto w = std::make_shared<waiter>(ex_);
    command(std::move(args), [w](value v) {
        w->v = std::move(v);
        w->t.cancel();
    });
    if (!w->v) {
        // A Redis that does not answer (paused, sleeping) must not hold the caller forever.
        w->t.expires_after(std::chrono::seconds{2});
        co_await w->t.async_wait(tuple_awaitable);
    }
    co_return w->v ? std::move(*w->v) : error_value("redis did not answer in time");
}

void link::subscribe(std::string channel)
{
    // While the handshake is in flight too: it was written without this channel.
    if (channels_.insert(channel).second && connected_) {
        std::string_view a[] = {"SUBSCRIBE", channel};
        append_command(out_, a);
        wake_writer();
    }
}

void link::psubscribe(std::string pattern)
{
    if (patterns_.insert(pattern).second && connected_) {
        std::string_view a[] = {"PSUBSCRIBE", pattern};
        append_command(out_, a);
        wake_writer();
    }
}

void link::wake_writer() { wake_.cancel(); }

void link::fail_pending(std::string_view why)
{
    auto pending = std::move(pending_);
    pending_.clear();
    for (auto& h : pending) {
        if (h) {
            h(error_value(why));
        }
    }
}

net::awaitable<bool> link::connect_once(std::string& why)
{
    net::ip::tcp::resolver resolver(ex_);
    auto [rec, results] = co_await resolver.async_resolve(ep_.host, ep_.port, tuple_awaitable);
    if (rec) {
        why = "cannot resolve " + ep_.host + ": " + rec.message();
        co_return false;
    }
    sock_ = net::ip::tcp::socket(ex_);
    net::steady_timer deadline(ex_, opts_.connect_timeout);
    auto r = co_await (net::async_connect(sock_, results, tuple_awaitable) || deadline.async_wait(tuple_awaitable));
    if (r.index() == 1) {
        why = "connect timed out";
        boost::system::error_code ignored;
        sock_.close(ignored);
        co_return false;
    }
    auto [cec, ep] = std::get<0>(r);
    if (cec) {
        why = "cannot connect to " + ep_.host + ":" + ep_.port + ": " + cec.message();
        co_return false;
    }
    if (stopped_) {
        co_return false;
    }
    boost::system::error_code opt_ec;
    sock_.set_option(net::ip::tcp::no_delay(true), opt_ec);
    // A Redis host that vanishes without a FIN must not leave the subscriber deaf forever.
    sock_.set_option(net::socket_base::keep_alive(true), opt_ec);
    // The handshake goes first; its replies are checked, not handed to anyone.
    out_.clear();
    handshake_replies_ = 0;
    auto handshake = [&](std::initializer_list<std::string_view> args) {
        append_command(out_, args);
        ++handshake_replies_;
    };
    if (!ep_.password.empty()) {
        if (ep_.user.empty()) {
            handshake({"AUTH", ep_.password});
        }
        else {
            handshake({"AUTH", ep_.user, ep_.password});
        }
    }
    if (ep_.db != 0) {
        handshake({"SELECT", std::to_string(ep_.db)});
    }
    if (!opts_.name.empty()) {
        handshake({"CLIENT", "SETNAME", opts_.name});
    }
    handshake({"PING"});  // answered even with nothing above: Redis is there
    for (const auto& c : channels_) {
        handshake({"SUBSCRIBE", c});
    }
    for (const auto& p : patterns_) {
        handshake({"PSUBSCRIBE", p});
    }
    co_return true;
}

net::awaitable<void> link::run()
{
    auto self = shared_from_this();  // alive while the loop runs
    auto backoff = opts_.min_backoff;
    while (!stopped_) {
        std::string why;
        bool connected = false;
        try {
            connected = co_await connect_once(why);
        }
        catch (const std::exception& e) {
            why = e.what();
        }
        if (connected && !stopped_) {
            connected_ = true;
            try {
                co_await (read_loop() || write_loop() || handshake_deadline());
            }
            catch (const std::exception& e) {
                // A handler that threw must not end the link for good.
                opts_.log(log_level::warning, opts_.name + ": " + e.what() + "; reconnecting");
            }
            const bool was_up = std::exchange(up_, false);
            connected_ = false;
            boost::system::error_code ignored;
            sock_.close(ignored);
            fail_pending("connection to redis lost");
            if (stopped_) {
                break;
            }
            if (was_up) {
                backoff = opts_.min_backoff;
            }
            if (on_state_) {
                on_state_(false, was_up ? "connection lost" : "redis did not answer the handshake");
            }
        }
        else if (on_state_) {
            on_state_(false, why);
        }
        backoff_.expires_after(backoff);
        co_await backoff_.async_wait(tuple_awaitable);
        backoff = std::min(backoff * 2, opts_.max_backoff);
    }
}

net::awaitable<void> link::handshake_deadline()
{
    net::steady_timer t(ex_, opts_.connect_timeout);
    co_await t.async_wait(tuple_awaitable);
    if (!up_) {
        co_return;  // ends the connection: the read and write loops are cancelled
    }
    t.expires_at(net::steady_timer::time_point::max());
    co_await t.async_wait(tuple_awaitable);  // until the loops end
}

void link::handshake_answered()
{
    up_ = true;
    if (on_state_) {
        on_state_(true, std::exchange(ever_up_, true) ? "reconnected" : "connected");
    }
}

net::awaitable<void> link::write_loop()
{
    std::string sending;
    for (;;) {
        if (out_.empty()) {
            wake_.expires_at(net::steady_timer::time_point::max());
            co_await wake_.async_wait(tuple_awaitable);
            if (stopped_ || !sock_.is_open()) {
                co_return;
            }
            continue;
        }
        sending.clear();
        sending.swap(out_);  // what is queued meanwhile leaves in the next write
        auto [ec, n] = co_await net::async_write(sock_, net::buffer(sending), tuple_awaitable);
        if (ec) {
            co_return;
        }
    }
}

net::awaitable<void> link::read_loop()
{
    std::string buf;
    std::size_t used = 0;  // parsed bytes at the front of buf
    const limits lim;  // Redis's own bounds; the adapter applies its message limit
    char chunk[16384];
    for (;;) {
        auto [ec, n] = co_await sock_.async_read_some(net::buffer(chunk), tuple_awaitable);
        if (ec) {
            co_return;
        }
        buf.append(chunk, n);
        for (;;) {
            value v;
            const auto r = parse(std::string_view(buf).substr(used), v, lim);
            if (r.status == parse_status::need_more) {
                break;
            }
            if (r.status == parse_status::error) {
                // The stream cannot be resynchronised: drop the connection and start over.
                ++protocol_errors_;
                opts_.log(log_level::warning, opts_.name + ": " + std::string(r.error) + "; reconnecting");
                co_return;
            }
            used += r.consumed;
            handle(std::move(v));
        }
        if (used > 0) {
            buf.erase(0, used);
            used = 0;
        }
    }
}

void link::handle(value v)
{
    // Once one subscription holds, messages may come between the confirmations.
    const bool push = on_message_ && v.is_array() && !v.elements.empty() &&
                      (v.elements[0].text() == "message" || v.elements[0].text() == "pmessage");
    if (handshake_replies_ > 0 && !push) {
        if (v.is_error()) {
            opts_.log(log_level::error, opts_.name + ": " + v.str);
        }
        if (--handshake_replies_ == 0) {
            handshake_answered();
        }
        return;
    }
    if (on_message_) {
        // Subscriber: pushes only. Replies to (P)SUBSCRIBE are arrays too, and ignored.
        if (!v.is_array() || v.elements.empty()) {
            if (v.is_error()) {
                opts_.log(log_level::error, opts_.name + ": " + v.str);
            }
            return;
        }
        auto& e = v.elements;
        const auto kind = e[0].text();
        if (kind == "message" && e.size() == 3) {
            on_message_({}, e[1].text(), e[2].text());
        }
        else if (kind == "pmessage" && e.size() == 4) {
            on_message_(e[1].text(), e[2].text(), e[3].text());
        }
        return;
    }
    if (pending_.empty()) {
        return;  // a reply nobody asked for: ignore
    }
    auto h = std::move(pending_.front());
    pending_.pop_front();
    if (h) {
        h(std::move(v));
    }
}

} // namespace sb::redis
