#include "core/shard.hpp"

#include "core/namespace_state.hpp"
#include "core/server_impl.hpp"
#include "core/socket_impl.hpp"
#include "engine/session.hpp"
#include "engine/deferred_flush.hpp"
#include "net/http_connection.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/steady_timer.hpp>

#include <iostream>

namespace net = boost::asio;

namespace sb::detail {

namespace {
thread_local shard* current_shard = nullptr;
}

shard::shard(server_impl& srv, std::size_t index) : srv_(srv), index_(index) {}

shard::~shard()
{
    join();
}

shard* shard::current() noexcept { return current_shard; }

std::shared_ptr<session> shard::find_session(const std::string& sid) const
{
    auto it = sessions_.find(sid);
    return it == sessions_.end() ? nullptr : it->second;
}

void shard::add_session(std::shared_ptr<session> s)
{
    const auto& sid = s->sid();
    sessions_.emplace(sid, std::move(s));
}

void shard::remove_session(const std::string& sid)
{
    sessions_.erase(sid);
}

std::vector<std::shared_ptr<session>> shard::sessions() const
{
    std::vector<std::shared_ptr<session>> out;
    out.reserve(sessions_.size());
    for (const auto& [sid, s] : sessions_) {
        out.push_back(s);
    }
    return out;
}

local_namespace& shard::local(const namespace_state& ns)
{
    if (locals_.size() <= ns.index()) {
        locals_.resize(ns.index() + 1);
    }
    auto& p = locals_[ns.index()];
    if (!p) {
        p = std::make_unique<local_namespace>();
    }
    return *p;
}

local_namespace* shard::find_local(const namespace_state& ns) noexcept
{
    return ns.index() < locals_.size() ? locals_[ns.index()].get() : nullptr;
}

void shard::defer_flush(std::shared_ptr<deferred_flush> t)
{
    dirty_.push_back(std::move(t));
    if (flush_posted_) {
        return;
    }
    flush_posted_ = true;
    // Two hops: the first lets the handlers already queued run (consecutive broadcasts
    // from one read of the publisher); the second lets in those that another shard posted
    // meanwhile. A post costs far less than the write it saves.
    net::post(ctx_, [this] {
        net::post(ctx_, [this] {
            flush_posted_ = false;
            flushing_.swap(dirty_);  // both vectors keep their capacity from batch to batch
            for (auto& t : flushing_) {
                t->flush_deferred();
            }
            flushing_.clear();
        });
    });
}

void shard::listen(const net::ip::tcp::endpoint& ep)
{
    acceptor_.open(ep.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    // SO_REUSEPORT: every shard binds the same port and the kernel spreads connections.
    int one = 1;
    ::setsockopt(acceptor_.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    acceptor_.bind(ep);
    acceptor_.listen(net::socket_base::max_listen_connections);
}

std::uint16_t shard::local_port() const
{
    return acceptor_.local_endpoint().port();
}

void shard::accept_loop()
{
    acceptor_.async_accept([this](boost::system::error_code ec, net::ip::tcp::socket sock) {
        if (ec == net::error::operation_aborted || !acceptor_.is_open()) {
            return;
        }
        if (!ec) {
            serve_http(*this, std::move(sock));
        }
        // EMFILE and friends: keep accepting; the connection that failed is lost.
        accept_loop();
    });
}

void shard::start()
{
    accept_loop();
    thread_ = std::thread([this] {
        current_shard = this;
        for (;;) {
            try {
                ctx_.run();
                break;
            }
            catch (const std::exception& e) {
                // A bug in a handler must not take the shard down with every session on it.
                std::cerr << "switchboard: shard " << index_ << ": uncaught exception: " << e.what() << '\n';
            }
        }
        current_shard = nullptr;
    });
}

void shard::stop()
{
    net::post(ctx_, [this] {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        for (auto& s : sessions()) {
            s->close("server shutting down");
        }
        for (auto* es : std::vector<event_stream*>(streams_)) {
            es->end("server shutting down");
        }
        // Give the close frames a moment to leave, then stop the loop.
        auto t = std::make_shared<net::steady_timer>(ctx_, std::chrono::milliseconds{100});
        t->async_wait([this, t](boost::system::error_code) { ctx_.stop(); });
    });
}

void shard::join()
{
    if (thread_.joinable()) {
        thread_.join();
    }
}

void shard::teardown()
{
    join();
    ctx_.shutdown();  // idempotent: ~io_context runs it again
    sessions_.clear();
    locals_.clear();
}

} // namespace sb::detail
