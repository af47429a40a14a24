#pragma once
// The chat's memory on this node: who is online, who is in which room, and which sends
// were already stored (idempotency). Plain data behind one mutex: the handlers that touch
// it run on every shard, and each touch is a few map operations. No I/O here, so the
// rules (unique nicknames per room, idempotent sends) are tested without a socket. The
// rooms' message history is the framework's (resumable `message` emits, the same on
// every node of a cluster); who is in a room across nodes is presence's.
#include "chat.rtdl.hpp"

#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace chat {

namespace ac = acme::chat;
using user_id = acme::common::UserId;

class chat_state {
public:
    /// A connection of `user` (socket id `sid`) came online; true for the user's first.
    bool online(const user_id& user, std::string_view sid);
    /// The connection went away; true when it was the user's last. Returns the rooms it
    /// was a member of (for "left" notices).
    bool offline(const user_id& user, std::string_view sid, std::vector<std::string>& left_rooms);
    bool is_online(const user_id& user) const;
    /// The socket ids of `user`'s connections.
    std::vector<std::string> sockets_of(const user_id& user) const;

    /// Records `sid` as `user` in `room`. Nicknames are unique per room: another
    /// connection already in it under the same name makes this fail.
    bool enter(const std::string& room, const user_id& user, std::string_view sid);
    /// Removes `user` from `room`; true if they were there.
    bool leave(const std::string& room, const user_id& user);
    bool member(const std::string& room, const user_id& user) const;

    /// Who a joiner finds in the room (the history comes from the room's, see chat_service).
    ac::JoinAck snapshot(const std::string& room) const;

    /** Stores a message unless this (author, nonce) was stored before; either way returns
        the stored message, and `fresh` says whether it is new (only then is it sent). */
    ac::ChatMessage post(const std::string& room, const user_id& author, const ac::SendMessage& in,
                         std::int64_t now_ms, bool& fresh);

private:
    struct room {
        std::map<user_id, std::string> members; ///< user → socket id
    };
    std::string next_id(std::int64_t now_ms);

    mutable std::mutex m_;
    std::map<user_id, std::set<std::string>> online_;
    std::map<std::string, room> rooms_;
    std::map<std::pair<user_id, std::string>, ac::ChatMessage> sent_; ///< (author, nonce)
    std::deque<std::pair<user_id, std::string>> sent_order_;
    std::uint64_t seq_ = 0;
};

/// "@name" mentions in `text` that are valid user ids, at most 20, in order, unique.
std::vector<user_id> mentions(std::string_view text);

} // namespace chat
