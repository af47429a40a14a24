#include "core/local_namespace.hpp"

#include "core/socket_impl.hpp"

namespace sb::detail {

void local_namespace::add(socket_impl* s)
{
    sockets_.emplace(s->id_ref(), s);
}

void local_namespace::remove(socket_impl* s)
{
    sockets_.erase(s->id_ref());
}

socket_impl* local_namespace::find(const std::string& id) const
{
    auto it = sockets_.find(id);
    return it == sockets_.end() ? nullptr : it->second;
}

bool local_namespace::join(socket_impl* s, const std::string& room)
{
    return rooms_[room].insert(s).second;
}

bool local_namespace::leave(socket_impl* s, const std::string& room)
{
    auto it = rooms_.find(room);
    if (it == rooms_.end()) {
        return false;
    }
    const bool removed = it->second.erase(s) > 0;
    if (it->second.empty()) {
        rooms_.erase(it);  // empty rooms disappear, as in socket.io's adapter
    }
    return removed;
}

std::size_t local_namespace::room_size(const std::string& room) const
{
    auto it = rooms_.find(room);
    return it == rooms_.end() ? 0 : it->second.size();
}

} // namespace sb::detail
