// The broadcast operator: a value that selects sockets, and hands each operation to the
// server's adapter (core/adapter.hpp), which reaches this node's shards and, in a
// cluster, the other nodes.
#include "core/ack_collector.hpp"
#include "core/adapter.hpp"
#include "core/namespace_state.hpp"
#include "core/node.hpp"

#include <switchboard/broadcast.hpp>
#include <switchboard/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace net = boost::asio;

namespace sb {

using namespace detail;

broadcast_operator broadcast_operator::to(std::string room) const
{
    auto b = *this;
    b.rooms_.push_back(std::move(room));
    return b;
}

broadcast_operator broadcast_operator::to(std::vector<std::string> rooms) const
{
    auto b = *this;
    b.rooms_.insert(b.rooms_.end(), std::make_move_iterator(rooms.begin()), std::make_move_iterator(rooms.end()));
    return b;
}

broadcast_operator broadcast_operator::except(std::string room) const
{
    auto b = *this;
    b.except_.push_back(std::move(room));
    return b;
}

broadcast_operator broadcast_operator::except(std::vector<std::string> rooms) const
{
    auto b = *this;
    b.except_.insert(b.except_.end(), std::make_move_iterator(rooms.begin()), std::make_move_iterator(rooms.end()));
    return b;
}

broadcast_operator broadcast_operator::local() const
{
    auto b = *this;
    b.local_ = true;
    return b;
}

broadcast_operator broadcast_operator::volatile_() const
{
    auto b = *this;
    b.volatile_flag_ = true;
    return b;
}

broadcast_operator broadcast_operator::timeout(std::chrono::milliseconds t) const
{
    auto b = *this;
    b.timeout_ = t;
    return b;
}

broadcast_operator broadcast_operator::collect(collect_policy p) const
{
    auto b = *this;
    b.collect_ = p;
    return b;
}

broadcast_operator broadcast_operator::resumable() const
{
    auto b = *this;
    b.resumable_ = true;
    return b;
}

broadcast_operator broadcast_operator::conflate(std::string key) const
{
    auto b = *this;
    b.conflate_ = std::move(key);
    return b;
}

void broadcast_operator::emit(std::string_view event, payload args) const
{
    for (auto* ns : ns_->targets()) {
        ns->server().adapter().broadcast(*ns, *this, event, args);
    }
}

task<broadcast_ack_result> broadcast_operator::emit_with_ack(std::string_view event, payload args) const
{
    auto ex = co_await net::this_coro::executor;
    broadcast_ack_result result;
    const auto deadline = net::steady_timer::clock_type::now() + timeout_;  // one for every child namespace
    for (auto* ns : ns_->targets()) {
        auto collector = std::make_shared<ack_collector>(ex, 0);
        collector->policy = collect_;
        collector->done.expires_at(deadline);
        ns->server().adapter().broadcast_with_ack(*ns, *this, event, args, collector);
        collector->check();  // nothing to wait for when no part was announced
        if (!collector->finished) {
            co_await collector->done.async_wait(net::as_tuple(net::use_awaitable));
        }
        collector->finished = true;
        const auto answered = collector->responses.size();
        const auto missing = collector->expected > answered ? collector->expected - answered : 0;
        if (missing > 0) {
            for (auto& f : collector->on_unanswered) {  // forget the ids: late answers are dropped
                f();
            }
        }
        result.missing += missing;
        // A recipient that disconnected counts against the policy as a silent one does.
        if (!collect_.satisfied(answered, collector->expected, collector->counted())) {
            result.ec = make_error_code(error::timeout);
        }
        for (auto& r : collector->responses) {
            result.responses.push_back(std::move(r));
        }
    }
    co_return result;
}

void broadcast_operator::sockets_join(std::string room) const
{
    for (auto* ns : ns_->targets()) {
        ns->server().adapter().add_sockets(*ns, *this, {room});
    }
}

void broadcast_operator::sockets_leave(std::string room) const
{
    for (auto* ns : ns_->targets()) {
        ns->server().adapter().del_sockets(*ns, *this, {room});
    }
}

void broadcast_operator::disconnect_sockets(bool close_connection) const
{
    for (auto* ns : ns_->targets()) {
        ns->server().adapter().disconnect_sockets(*ns, *this, close_connection);
    }
}

task<std::size_t> broadcast_operator::count() const
{
    std::size_t total = 0;
    for (auto* ns : ns_->targets()) {
        total += co_await ns->server().adapter().count(*ns, *this);
    }
    co_return total;
}

task<fetch_result> broadcast_operator::fetch_sockets() const
{
    fetch_result all;
    for (auto* ns : ns_->targets()) {
        auto r = co_await ns->server().adapter().fetch_sockets(*ns, *this);
        for (auto& s : r.sockets) {
            all.sockets.push_back(std::move(s));
        }
        if (r.partial) {
            all.partial = true;
            all.ec = r.ec;
        }
    }
    co_return all;
}

} // namespace sb
