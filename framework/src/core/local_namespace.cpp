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

socket_impl* local_namespace::find(std::string_view id) const
{
    auto it = sockets_.find(id);
    return it == sockets_.end() ? nullptr : it->second;
}

socket_impl* local_namespace::own_room_member(std::string_view room) const
{
    auto* s = find(room);
    return s != nullptr && s->in_own_room() ? s : nullptr;
}

bool local_namespace::join(socket_impl* s, const std::string& room)
{
    if (room == s->id_ref()) {
        return true;  // its own room: the sockets_ entry (see the header)
    }
    return rooms_[room].insert(s).second;
}

bool local_namespace::leave(socket_impl* s, const std::string& room)
{
    if (room == s->id_ref()) {
        return true;
    }
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
    // join() never stores a socket under its own id, so its owner is not among the
    // members of a named room of that name: the two add up.
    auto it = rooms_.find(room);
    const std::size_t named = it == rooms_.end() ? 0 : it->second.size();
    return named + (own_room_member(room) != nullptr ? 1 : 0);
}

} // namespace sb::detail
