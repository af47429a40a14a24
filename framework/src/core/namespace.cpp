#include "core/gather.hpp"
#include "core/local_namespace.hpp"
#include "core/namespace_state.hpp"
#include "core/server_impl.hpp"
#include "core/shard.hpp"

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
    using room_list = std::vector<std::pair<std::string, std::size_t>>;
    std::map<std::string, std::size_t> merged;
    for (auto* ns : st_->targets()) {
        auto list_here = [ns](shard& sh) {
            room_list out;
            if (auto* local = sh.find_local(*ns)) {
                for (const auto& [room, members] : local->rooms()) {
                    if (!local->find(room)) {  // a socket's own room is not a room to list
                        out.emplace_back(room, members.size());
                    }
                }
            }
            return out;
        };
        auto parts = co_await gather<room_list>(ns->server(), list_here);
        for (auto& part : parts) {
            for (auto& [room, n] : part) {
                merged[room] += n;
            }
        }
    }
    co_return room_list(merged.begin(), merged.end());
}

} // namespace sb
