#include "chat/chat_state.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace chat {

namespace {

bool id_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

/// How many (author, nonce) pairs are remembered for idempotent retries.
constexpr std::size_t remembered_sends = 10'000;

} // namespace

bool chat_state::online(const user_id& user, std::string_view sid)
{
    std::lock_guard lock(m_);
    auto& s = online_[user];
    s.emplace(sid);
    return s.size() == 1;
}

bool chat_state::offline(const user_id& user, std::string_view sid, std::vector<std::string>& left_rooms)
{
    std::lock_guard lock(m_);
    for (auto& [key, r] : rooms_) {
        auto it = r.members.find(user);
        if (it != r.members.end() && it->second == sid) {
            r.members.erase(it);
            left_rooms.push_back(key);
        }
    }
    auto it = online_.find(user);
    if (it == online_.end())
        return false;
    it->second.erase(std::string(sid));
    if (!it->second.empty())
        return false;
    online_.erase(it);
    return true;
}

bool chat_state::is_online(const user_id& user) const
{
    std::lock_guard lock(m_);
    return online_.count(user) != 0;
}

std::vector<std::string> chat_state::sockets_of(const user_id& user) const
{
    std::lock_guard lock(m_);
    auto it = online_.find(user);
    return it == online_.end() ? std::vector<std::string>{} : std::vector<std::string>(it->second.begin(), it->second.end());
}

bool chat_state::enter(const std::string& room, const user_id& user, std::string_view sid)
{
    std::lock_guard lock(m_);
    auto& r = rooms_[room];
    auto [it, inserted] = r.members.emplace(user, std::string(sid));
    return inserted || it->second == sid;
}

bool chat_state::leave(const std::string& room, const user_id& user)
{
    std::lock_guard lock(m_);
    auto it = rooms_.find(room);
    return it != rooms_.end() && it->second.members.erase(user) != 0;
}

bool chat_state::member(const std::string& room, const user_id& user) const
{
    std::lock_guard lock(m_);
    auto it = rooms_.find(room);
    return it != rooms_.end() && it->second.members.count(user) != 0;
}

ac::JoinAck chat_state::snapshot(const std::string& room) const
{
    std::lock_guard lock(m_);
    ac::JoinAck out;
    auto it = rooms_.find(room);
    if (it == rooms_.end())
        return out;
    for (auto& [user, sid] : it->second.members)
        out.members[user] = online_.count(user) ? ac::Presence::online : ac::Presence::offline;
    return out;
}

std::string chat_state::next_id(std::int64_t now_ms)
{
    // Sortable like a ULID: the time, then a counter for messages in the same millisecond.
    char buf[40];
    std::snprintf(buf, sizeof buf, "%013lld-%06llu", static_cast<long long>(now_ms),
                  static_cast<unsigned long long>(++seq_ % 1'000'000));
    return buf;
}

ac::ChatMessage chat_state::post(const std::string& room, const user_id& author, const ac::SendMessage& in,
                                 std::int64_t now_ms, bool& fresh)
{
    std::lock_guard lock(m_);
    const auto key = std::make_pair(author, in.client_nonce);
    if (auto it = sent_.find(key); it != sent_.end()) {
        fresh = false;
        return it->second;
    }
    ac::ChatMessage msg{.id = next_id(now_ms),
                        .room = room,
                        .author = author,
                        .text = in.text,
                        .sent_at = now_ms,
                        .reply_to = in.reply_to,
                        .mentions = mentions(in.text)};
    sent_.emplace(key, msg);
    sent_order_.push_back(key);
    if (sent_order_.size() > remembered_sends) {
        sent_.erase(sent_order_.front());
        sent_order_.pop_front();
    }
    fresh = true;
    return msg;
}

std::vector<user_id> mentions(std::string_view text)
{
    std::vector<user_id> out;
    for (std::size_t i = 0; i < text.size() && out.size() < 20; ++i) {
        if (text[i] != '@' || (i > 0 && id_char(text[i - 1])))
            continue;
        std::size_t j = i + 1;
        while (j < text.size() && id_char(text[j]) && j - i <= 64)
            ++j;
        if (j > i + 1 && j - i - 1 <= 64) {
            user_id u(text.substr(i + 1, j - i - 1));
            if (std::find(out.begin(), out.end(), u) == out.end())
                out.push_back(std::move(u));
        }
        i = j - 1;
    }
    return out;
}

} // namespace chat
