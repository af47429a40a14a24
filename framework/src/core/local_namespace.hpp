#pragma once
// One shard's share of a namespace: the sockets that live on this shard and the rooms
// they are in. Only the owning shard's thread touches it, so there is no lock: a
// broadcast reaches the other shards by a post, never through shared state.
//
// Every socket is in a room named after its id (Socket.IO's `io.to(socket.id)`). That
// room is not stored here: it is the socket's entry in `sockets_`, while the socket's
// in_own_room() (a socket may leave its own room). Storing it would cost every
// connection a map node, a set and its bucket array (~300 bytes) for a room of one.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace sb::detail {

class socket_impl;

class local_namespace {
public:
    void add(socket_impl* s);
    void remove(socket_impl* s);
    socket_impl* find(std::string_view id) const;

    /// Membership; the socket keeps its own list of rooms in step (socket_impl::rooms_).
    bool join(socket_impl* s, const std::string& room);
    bool leave(socket_impl* s, const std::string& room);

    std::size_t room_size(const std::string& room) const;
    /// Rooms joined by name, without the sockets' own rooms.
    const std::unordered_map<std::string, std::unordered_set<socket_impl*>>& named_rooms() const noexcept
    {
        return rooms_;
    }
    /// The socket whose own room `room` is, if it is still in it.
    socket_impl* own_room_member(std::string_view room) const;
    const std::unordered_map<std::string_view, socket_impl*>& sockets() const noexcept { return sockets_; }

    /** Calls `f(socket_impl*)` once for every socket in any of `rooms` (all sockets when
        `rooms` is empty) and in none of `except`. `mark` must be fresh (shard::next_mark):
        it is stamped on visited sockets so a socket in two rooms is visited once,
        without building a set per broadcast. `f` must not change membership. */
    template <typename F>
    void for_each_target(const std::vector<std::string>& rooms, const std::vector<std::string>& except,
                         std::uint64_t mark, F&& f) const;

private:
    std::unordered_map<std::string_view, socket_impl*> sockets_;  // keys view the sockets' ids
    std::unordered_map<std::string, std::unordered_set<socket_impl*>> rooms_;
};

} // namespace sb::detail
