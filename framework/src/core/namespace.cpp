#include "core/adapter.hpp"
#include "core/namespace_state.hpp"
#include "core/node.hpp"

#include <switchboard/namespace.hpp>

#include <map>

namespace sb {

using namespace detail;

const std::string& namespace_::name() const noexcept { return st_->name(); }

namespace_& namespace_::use(middleware m)
{
    st_->handlers().middlewares.push_back(std::move(m));
    return *this;
}

namespace_& namespace_::on_connection(connection_handler h)
{
    st_->handlers().on_connection = std::move(h);
    return *this;
}

namespace_& namespace_::on(std::string event, event_handler h)
{
    st_->handlers().events[std::move(event)] = std::move(h);
    return *this;
}

namespace_& namespace_::on_any(event_handler h)
{
    st_->handlers().catch_all = std::move(h);
    return *this;
}

namespace_& namespace_::on_disconnecting(disconnect_handler h)
{
    st_->handlers().on_disconnecting = std::move(h);
    return *this;
}

namespace_& namespace_::on_disconnect(disconnect_handler h)
{
    st_->handlers().on_disconnect = std::move(h);
    return *this;
}

namespace_& namespace_::connection_state_recovery(recovery_options o)
{
    st_->set_recovery(o);
    return *this;
}

namespace_& namespace_::history(std::string room_pattern, history_options o)
{
    st_->add_history_rule(std::move(room_pattern), o);
    return *this;
}

room_history_page namespace_::room_history(std::string_view room, std::string_view after) const
{
    auto& log = st_->log();
    const auto r = log.history_after(after, std::string(room));
    room_history_page page;
    page.resync = r.state == detail::replay_result::status::resync;
    page.last_id = log.id(r.upto);
    page.events.reserve(r.events.size());
    for (const auto& e : r.events) {
        page.events.push_back({log.id(e->offset), e->event, e->data});
    }
    return page;
}

namespace_& namespace_::presence(presence_options o)
{
    st_->set_presence(o);
    return *this;
}

namespace_& namespace_::on_members_lost(members_lost_handler h)
{
    st_->handlers().on_members_lost = std::move(h);
    return *this;
}

task<std::vector<presence_member>> namespace_::members(std::string room) const
{
    std::vector<presence_member> all;
    for (auto* ns : st_->targets()) {
        auto part = co_await ns->server().adapter().members(*ns, room);
        all.insert(all.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
    }
    co_return all;
}

namespace_& namespace_::eventsource(eventsource_options o)
{
    st_->set_eventsource(std::move(o));
    return *this;
}

broadcast_operator namespace_::resumable() const { return broadcast_operator{st_}.resumable(); }
broadcast_operator namespace_::conflate(std::string key) const { return broadcast_operator{st_}.conflate(std::move(key)); }

broadcast_operator namespace_::to(std::string room) const { return broadcast_operator{st_}.to(std::move(room)); }
broadcast_operator namespace_::to(std::vector<std::string> rooms) const
{
    return broadcast_operator{st_}.to(std::move(rooms));
}
broadcast_operator namespace_::except(std::string room) const { return broadcast_operator{st_}.except(std::move(room)); }
broadcast_operator namespace_::except(std::vector<std::string> rooms) const
{
    return broadcast_operator{st_}.except(std::move(rooms));
}
broadcast_operator namespace_::local() const { return broadcast_operator{st_}.local(); }
broadcast_operator namespace_::volatile_() const { return broadcast_operator{st_}.volatile_(); }
broadcast_operator namespace_::timeout(std::chrono::milliseconds t) const { return broadcast_operator{st_}.timeout(t); }
void namespace_::emit(std::string_view event, payload args) const { broadcast_operator{st_}.emit(event, std::move(args)); }

task<std::size_t> namespace_::room_size(std::string room) const
{
    const auto op = broadcast_operator{st_}.to(std::move(room));
    co_return co_await op.count();
}

task<std::vector<std::pair<std::string, std::size_t>>> namespace_::rooms() const
{
    std::map<std::string, std::size_t> merged;
    for (auto* ns : st_->targets()) {
        auto part = co_await ns->server().adapter().rooms(*ns);
        for (auto& [room, n] : part) {
            merged[room] += n;
        }
    }
    co_return std::vector<std::pair<std::string, std::size_t>>(merged.begin(), merged.end());
}

task<fetch_result> namespace_::fetch_sockets() const
{
    const broadcast_operator all{st_};
    co_return co_await all.fetch_sockets();
}

namespace_& namespace_::on_server_event(std::string event, server_event_handler h)
{
    st_->handlers().server_events[std::move(event)] = std::move(h);
    return *this;
}

void namespace_::server_side_emit(std::string_view event, payload args) const
{
    for (auto* ns : st_->targets()) {
        ns->server().adapter().server_side_emit(*ns, event, args);
    }
}

task<server_ack_result> namespace_::server_side_emit_with_ack(std::string_view event, payload args,
                                                               std::chrono::milliseconds timeout) const
{
    server_ack_result all;
    for (auto* ns : st_->targets()) {
        auto r = co_await ns->server().adapter().server_side_emit_with_ack(*ns, event, args, timeout);
        for (auto& v : r.responses) {
            all.responses.push_back(std::move(v));
        }
        all.missing += r.missing;
        if (r.ec) {
            all.ec = r.ec;
        }
    }
    co_return all;
}

task<std::size_t> namespace_::server_count() const { co_return co_await st_->server().adapter().server_count(); }

} // namespace sb
