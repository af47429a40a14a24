// The server wired together: workers, the adapter choice, start and stop, and the
// public `sb::server` over it.
#include "runtime/server_impl.hpp"
#include "runtime/tls_front.hpp"

#include "adapters/redis/redis_adapter.hpp"
#include "core/client.hpp"
#include "engine/session.hpp"
#include "runtime/http_connection.hpp"

#include <switchboard/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>

#include <algorithm>
#include <csignal>
#include <system_error>
#include <stdexcept>
#include <thread>

namespace net = boost::asio;

namespace sb::detail {

server_impl::server_impl(server_options opts) : node(std::move(opts))
{
    unsigned n = options().threads ? options().threads : std::max(1u, std::thread::hardware_concurrency());
    n = std::min(n, 64u);  // a session id names its shard in one base64 character
    for (unsigned i = 0; i < n; ++i) {
        workers_.push_back(std::make_unique<worker>(*this, i));
        add_shard(workers_.back()->core());
    }
    static_namespace("/");
    if (options().redis) {
        set_cluster_adapter(make_redis_adapter(*this, *options().redis));
        node_tag_ = adapter().node_tag();
    }
}

server_impl::~server_impl()
{
    stop();
    wait();
    // In two passes: a shard's pending handlers and sessions may own I/O objects of
    // another shard (ack collectors, gather state: timers on the emitter's shard), so
    // all of them go before the first io_context does. And all of it before the
    // namespaces (members of node, destroyed after ours), which sockets refer to.
    for (auto& w : workers_) {
        w->teardown();
    }
    drop_adapter();  // its sockets and timers are on the shards' io_contexts
    workers_.clear();
}

void server_impl::attach_client(session& s)
{
    s.set_handler(std::make_unique<client>(*this, s.owner().core(), s));
}

void server_impl::hand_over(engine_shard& target, boost::asio::ip::tcp::socket& sock, boost::beast::flat_buffer& buffer,
                            http_request req)
{
    detail::hand_over(*workers_.at(target.index()), sock, buffer, std::move(req));
}

void server_impl::start()
{
    if (started_) {
        return;
    }
    // A write to a socket or pipe whose reader is gone must be an error, not the end of
    // the process (a dead stderr pipe, `kill -PIPE`): Node ignores SIGPIPE too.
    std::signal(SIGPIPE, SIG_IGN);
    boost::system::error_code ec;
    const auto address = net::ip::make_address(options().address, ec);
    if (ec) {
        throw std::system_error(ec, "switchboard: bad listen address '" + options().address + "'");
    }
    net::ip::tcp::endpoint ep{address, options().port};
    // Every worker binds with SO_REUSEPORT, which would also let us share a port that
    // another process of this user holds, and the kernel would split sessions between
    // the two. So first bind once without it: that fails when anyone holds the port.
    {
        net::io_context probe_ctx;
        net::ip::tcp::acceptor probe(probe_ctx);
        probe.open(ep.protocol(), ec);
        if (!ec) {
            probe.set_option(net::socket_base::reuse_address(true), ec);
            probe.bind(ep, ec);
        }
        if (ec) {
            throw std::system_error(ec, "switchboard: cannot listen on " + options().address + ":" +
                                            std::to_string(options().port));
        }
        ep.port(probe.local_endpoint().port());  // the port 0 picked
    }
    // Before anything is bound or marked started: a certificate that does not load throws
    // here and leaves the server as it was, so start() may be called again once fixed.
    if (options().tls) {
        tls_ = make_tls_context(options().tls->cert_file, options().tls->key_file);
    }
    started_ = true;
    for (auto& w : workers_) {
        w->listen(ep);
    }
    port_ = ep.port();
    set_listen_port(port_);
    // The adapter first: its links must exist before any shard runs a handler that
    // publishes (the links' work is queued on the shards and starts with them).
    start_adapter();
    for (auto& w : workers_) {
        w->start();
    }
}

void server_impl::stop()
{
    if (!started_ || stopping_.exchange(true)) {
        return;
    }
    limits_.stop_admitting();  // new sessions and streams are refused from here on (drain)
    stop_adapter();
    for (auto& w : workers_) {
        w->stop();
    }
}

void server_impl::wait()
{
    for (auto& w : workers_) {
        w->join();
    }
}

} // namespace sb::detail

namespace sb {

server::server(server_options opts) : impl_(std::make_unique<detail::server_impl>(std::move(opts))) {}

server::~server() = default;

void server::engine_io(std::string path, engine_connection_handler on_connection)
{
    if (path.empty() || path.front() != '/') {
        path.insert(path.begin(), '/');
    }
    if (path.back() != '/') {
        path += '/';
    }
    // What server.hpp promises, checked: routes are read without a lock once the shards
    // run, and a path shared with Socket.IO (or another engine) would make one unreachable.
    if (impl_->started()) {
        throw std::logic_error("server::engine_io(\"" + path + "\"): call it before start()");
    }
    if (path == options().path) {
        throw std::invalid_argument("server::engine_io(\"" + path +
                                    "\"): that is server_options::path, Socket.IO's");
    }
    for (const auto& r : impl_->raw_engines()) {
        if (r.path == path) {
            throw std::invalid_argument("server::engine_io(\"" + path + "\"): already serves plain Engine.IO");
        }
    }
    if (!on_connection) {
        throw std::invalid_argument("server::engine_io(\"" + path + "\"): the connection handler is empty");
    }
    impl_->add_raw_engine(detail::raw_engine_route{std::move(path), std::move(on_connection)});
}

namespace_ server::of(std::string_view name)
{
    if (name.empty() || name.front() != '/') {
        throw std::invalid_argument("a namespace name starts with '/'");
    }
    return namespace_{&impl_->static_namespace(name)};
}

namespace_ server::of(std::regex pattern, std::string description)
{
    return namespace_{&impl_->dynamic_namespace(
        std::move(description), [re = std::move(pattern)](std::string_view n) {
            return std::regex_match(n.begin(), n.end(), re);
        })};
}

namespace_ server::of(std::function<bool(std::string_view)> predicate, std::string description)
{
    return namespace_{&impl_->dynamic_namespace(std::move(description), std::move(predicate))};
}

void server::start() { impl_->start(); }

void server::run(bool handle_signals)
{
    start();
    if (handle_signals) {
        // A small context of its own, so that signals never run on a shard.
        net::io_context signals_ctx;
        net::signal_set signals(signals_ctx, SIGINT, SIGTERM);
        signals.async_wait([this](boost::system::error_code ec, int) {
            if (!ec) {
                stop();
            }
        });
        std::thread waiter([&] {
            impl_->wait();
            signals_ctx.stop();
        });
        signals_ctx.run();
        waiter.join();
        return;
    }
    impl_->wait();
}

void server::stop() { impl_->stop(); }
void server::wait() { impl_->wait(); }
std::uint16_t server::port() const noexcept { return impl_->port(); }

bool server::leads() const noexcept { return impl_->adapter().leads(); }
const server_options& server::options() const noexcept { return impl_->options(); }

} // namespace sb
