#include "core/client.hpp"
#include "core/server_impl.hpp"
#include "adapters/redis/redis_adapter.hpp"

#include <switchboard/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace net = boost::asio;

namespace sb::detail {

namespace {

std::string make_epoch()
{
    // Milliseconds since the Unix epoch in base 36: distinct from run to run.
    auto v = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
    std::string out;
    do {
        out.insert(out.begin(), "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36]);
        v /= 36;
    } while (v);
    return out;
}

} // namespace

server_impl::server_impl(server_options opts) : opts_(std::move(opts)), epoch_(make_epoch())
{
    unsigned n = opts_.threads ? opts_.threads : std::max(1u, std::thread::hardware_concurrency());
    n = std::min(n, 64u);  // a session id names its shard in one base64 character
    for (unsigned i = 0; i < n; ++i) {
        shards_.push_back(std::make_unique<shard>(*this, i));
    }
    static_namespace("/");
    if (opts_.redis) {
        cluster_adapter_ = make_redis_adapter(*this, *opts_.redis);
        adapter_ = cluster_adapter_.get();
    }
}

server_impl::~server_impl()
{
    stop();
    wait();
    // In two passes: a shard's pending handlers and sessions may own I/O objects of
    // another shard (ack collectors, gather state: timers on the emitter's shard), so
    // all of them go before the first io_context does. And all of it before the
    // namespaces (declared after shards_, so destroyed first), which sockets refer to.
    for (auto& s : shards_) {
        s->teardown();
    }
    cluster_adapter_.reset();  // its sockets and timers are on the shards' io_contexts
    adapter_ = &local_;
    shards_.clear();
}

namespace_state& server_impl::static_namespace(std::string_view name)
{
    std::lock_guard lock(ns_mutex_);
    if (auto it = static_.find(name); it != static_.end()) {
        return *it->second;
    }
    auto& ns = namespaces_.emplace_back(std::make_unique<namespace_state>(*this, std::string(name), namespaces_.size()));
    static_.emplace(std::string(name), ns.get());
    if (started_) {
        adapter_->namespace_created(*ns);
    }
    return *ns;
}

namespace_state& server_impl::dynamic_namespace(std::string description, std::function<bool(std::string_view)> admits)
{
    std::lock_guard lock(ns_mutex_);
    auto& ns = namespaces_.emplace_back(std::make_unique<namespace_state>(*this, std::move(description), std::move(admits)));
    dynamic_.push_back(ns.get());
    return *ns;
}

namespace_state* server_impl::resolve(std::string_view name)
{
    std::lock_guard lock(ns_mutex_);
    if (auto it = static_.find(name); it != static_.end()) {
        return it->second;
    }
    for (auto* parent : dynamic_) {
        if (parent->admits(name)) {
            // A child joins the static map, so later CONNECTs find it directly.
            auto& child = namespaces_.emplace_back(
                std::make_unique<namespace_state>(*this, std::string(name), namespaces_.size(), parent));
            static_.emplace(std::string(name), child.get());
            parent->add_child(child.get());
            adapter_->namespace_created(*child);
            return child.get();
        }
    }
    return nullptr;
}

namespace_state* server_impl::find_namespace(std::string_view name)
{
    std::lock_guard lock(ns_mutex_);
    auto it = static_.find(name);
    return it == static_.end() ? nullptr : it->second;
}

void server_impl::attach_client(session& s)
{
    s.set_handler(std::make_unique<client>(*this, s));
}

void server_impl::start()
{
    if (started_) {
        return;
    }
    started_ = true;
    net::ip::tcp::endpoint ep{net::ip::make_address(opts_.address), opts_.port};
    shards_[0]->listen(ep);
    port_ = shards_[0]->local_port();
    ep.port(port_);
    for (std::size_t i = 1; i < shards_.size(); ++i) {
        shards_[i]->listen(ep);
    }
    // The adapter first: its links must exist before any shard runs a handler that
    // publishes (the links' work is queued on the shards and starts with them).
    {
        std::lock_guard lock(ns_mutex_);
        for (auto& ns : namespaces_) {
            if (!ns->is_dynamic()) {
                adapter_->namespace_created(*ns);
            }
        }
    }
    adapter_->start();
    for (auto& s : shards_) {
        s->start();
    }
}

void server_impl::stop()
{
    if (!started_ || stopping_.exchange(true)) {
        return;
    }
    adapter_->stop();
    for (auto& s : shards_) {
        s->stop();
    }
}

void server_impl::wait()
{
    for (auto& s : shards_) {
        s->join();
    }
}

} // namespace sb::detail

namespace sb {

server::server(server_options opts) : impl_(std::make_unique<detail::server_impl>(std::move(opts))) {}

server::~server() = default;

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
const server_options& server::options() const noexcept { return impl_->options(); }

} // namespace sb
