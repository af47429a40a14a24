#pragma once
// The server, wired together: core's node (namespaces, adapter, shards' state), one
// worker per shard (thread, acceptor, Engine.IO sessions), and what the engine asks of
// its host. The only place that knows every layer.
#include "core/node.hpp"
#include "engine/client_limits.hpp"
#include "engine/engine_shard.hpp"
#include "engine/raw_engine.hpp"
#include "runtime/worker.hpp"

#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <deque>
#include <memory>
#include <vector>

namespace sb::detail {

class server_impl final : public node, public engine_host {
public:
    explicit server_impl(server_options opts);
    ~server_impl() override;

    // engine_host
    const server_options& options() const noexcept override { return node::options(); }
    server_metrics& metrics() noexcept override { return node::metrics(); }
    std::size_t shard_count() const noexcept override { return workers_.size(); }
    engine_shard& engine_shard_at(std::size_t i) override { return workers_.at(i)->engine(); }
    client_limits& limits() noexcept override { return limits_; }
    void attach_client(session& s) override;
    void hand_over(engine_shard& target, boost::asio::ip::tcp::socket& sock, boost::beast::flat_buffer& buffer,
                   http_request req) override;
    const std::string& node_tag() const noexcept override { return node_tag_; }
    boost::asio::awaitable<std::optional<std::string>> node_address(std::string tag) override
    {
        co_return co_await adapter().node_address(std::move(tag));
    }

    worker& worker_at(std::size_t i) { return *workers_.at(i); }

    void start();
    void stop();
    void wait();
    std::uint16_t port() const noexcept { return port_; }
    bool stopping() const noexcept { return stopping_.load(std::memory_order_relaxed); }
    /// Plain Engine.IO paths (server::engine_io); set before start(), read-only after.
    void add_raw_engine(raw_engine_route r) { raw_engines_.push_back(std::move(r)); }
    const std::deque<raw_engine_route>& raw_engines() const noexcept { return raw_engines_; }
    bool started() const noexcept { return started_; }
    /// The plain Engine.IO route whose path `path` starts with, or nullptr.
    const raw_engine_route* raw_engine_for(std::string_view path) const noexcept
    {
        for (const auto& r : raw_engines_) {
            if (path.starts_with(r.path)) {
                return &r;
            }
        }
        return nullptr;
    }
    /// Keeps `p` alive as long as the server, past its shards (which may call into it
    /// until they stop): what sb::instrument() attaches.
    void keep(std::shared_ptr<void> p) { kept_.push_back(std::move(p)); }
    /// The TLS context when `options().tls` is set (loaded by start()), else nullptr.
    boost::asio::ssl::context* tls() noexcept { return tls_.get(); }

private:
    std::vector<std::shared_ptr<void>> kept_;  // first: destroyed after the workers
    client_limits limits_{node::options().limits};
    std::shared_ptr<boost::asio::ssl::context> tls_;
    std::vector<std::unique_ptr<worker>> workers_;
    std::deque<raw_engine_route> raw_engines_;  // a deque: sessions' posts refer to its elements
    std::uint16_t port_ = 0;
    std::string node_tag_;  // the adapter's, fixed at construction
    std::atomic<bool> stopping_{false};
    bool started_ = false;
};

} // namespace sb::detail
