#include "core/event_log.hpp"

#include <algorithm>
#include <charconv>
#include <unordered_set>

namespace sb::detail {

event_log::event_log(std::size_t shards, std::string epoch)
    : epoch_(std::make_shared<const std::string>(std::move(epoch))), pending_(std::make_unique<std::atomic<std::uint32_t>[]>(shards))
{
}

std::string event_log::id(std::uint64_t offset) const
{
    std::string out = *epoch_.load(std::memory_order_acquire);
    out += ':';
    out += std::to_string(offset);
    return out;
}

parsed_id event_log::parse_id(std::string_view id) const
{
    parsed_id r;
    const auto colon = id.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 >= id.size() || id.size() > 64) {
        return r;
    }
    const auto epoch = id.substr(0, colon);
    const auto num = id.substr(colon + 1);
    for (char c : epoch) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) {
            return r;
        }
    }
    std::uint64_t v = 0;
    const auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
    if (ec != std::errc{} || p != num.data() + num.size()) {
        return r;
    }
    r.offset = v;
    r.state = epoch == *epoch_.load(std::memory_order_acquire) ? parsed_id::status::ok : parsed_id::status::other_epoch;
    return r;
}

void event_log::persist(persisted_session s, std::chrono::milliseconds ttl)
{
    const auto now = log_clock::now();
    s.expires = now + ttl;
    std::lock_guard lock(mutex_);
    if (++persists_since_sweep_ >= 64) {
        persists_since_sweep_ = 0;
        std::erase_if(sessions_, [now](const auto& kv) { return kv.second.expires < now; });
    }
    auto pid = s.pid;
    sessions_.insert_or_assign(std::move(pid), std::move(s));
}

std::optional<persisted_session> event_log::claim(std::string_view pid, std::string_view offset, std::uint64_t& after)
{
    const auto parsed = parse_id(offset);
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(std::string(pid));
    if (it == sessions_.end()) {
        return std::nullopt;
    }
    // One use only, valid or not (Node deletes it too).
    auto s = std::move(it->second);
    sessions_.erase(it);
    if (s.expires < log_clock::now() || parsed.state != parsed_id::status::ok) {
        return std::nullopt;
    }
    // The buffer must still hold everything after the offset: offsets of a recovery
    // namespace are contiguous, so it does iff nothing after it was pruned.
    if (!covers_locked(parsed.offset)) {
        return std::nullopt;
    }
    after = parsed.offset;
    return s;
}

bool event_log::covers(std::string_view offset, std::uint64_t& after)
{
    std::lock_guard lock(mutex_);
    const auto parsed = parse_id(offset);
    if (parsed.state != parsed_id::status::ok || !covers_locked(parsed.offset)) {
        return false;
    }
    after = parsed.offset;
    return true;
}

bool event_log::adopt(std::string_view epoch, std::uint64_t offset)
{
    if (epoch != *epoch_.load(std::memory_order_acquire)) {
        epoch_.store(std::make_shared<const std::string>(epoch), std::memory_order_release);
        last_offset_ = 0;
        buffer_.clear();
        rings_.clear();
        sessions_.clear();  // their offsets name the old epoch
        pruned_upto_ = 0;
    }
    if (offset <= last_offset_) {
        return false;
    }
    if (offset != last_offset_ + 1) {
        // A hole the cluster could not fill (its stream was trimmed): nothing before it
        // can be resumed without a gap.
        pruned_upto_ = offset - 1;
        for (auto& [room, r] : rings_) {
            r.evicted_upto = std::max(r.evicted_upto, offset - 1);
        }
    }
    last_offset_ = offset;
    return true;
}

namespace {

bool member_of(const std::vector<std::string>& rooms, const std::string& r)
{
    return std::find(rooms.begin(), rooms.end(), r) != rooms.end();
}

/// socket.io-adapter's shouldIncludePacket: in one of the target rooms (or no rooms
/// named), and in none of the excepted ones.
bool reaches(const logged_event& e, const std::vector<std::string>& rooms)
{
    const bool included =
        e.rooms.empty() || std::any_of(e.rooms.begin(), e.rooms.end(), [&](const auto& r) { return member_of(rooms, r); });
    return included &&
           std::none_of(e.except.begin(), e.except.end(), [&](const auto& r) { return member_of(rooms, r); });
}

/// Keeps, of the events sharing a conflation key, only the newest; the order is kept.
void conflate(std::vector<logged_ptr>& events)
{
    std::unordered_set<std::string_view> seen;
    std::vector<logged_ptr> kept;
    kept.reserve(events.size());
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
        const auto& k = (*it)->conflation_key;
        if (k && !seen.insert(*k).second) {
            continue;
        }
        kept.push_back(*it);
    }
    std::reverse(kept.begin(), kept.end());
    events = std::move(kept);
}

} // namespace

replay_result event_log::missed(std::uint64_t after, const std::vector<std::string>& rooms)
{
    replay_result r;
    std::lock_guard lock(mutex_);
    r.upto = last_offset_;
    auto it = std::upper_bound(buffer_.begin(), buffer_.end(), after,
                               [](std::uint64_t v, const logged_ptr& e) { return v < e->offset; });
    for (; it != buffer_.end(); ++it) {
        if (reaches(**it, rooms)) {
            r.events.push_back(*it);
        }
    }
    // Recovery replays everything, as Socket.IO does; conflation only shortens it.
    conflate(r.events);
    return r;
}

void event_log::prune_ring(ring& r, log_clock::time_point now)
{
    while (!r.events.empty() && r.events.front()->at + r.opts.ttl < now) {
        r.evicted_upto = r.events.front()->offset;
        r.events.pop_front();
    }
}

replay_result event_log::history(std::optional<std::uint64_t> after, const std::vector<std::string>& rooms,
                                 bool filter_except)
{
    replay_result r;
    const auto now = log_clock::now();
    std::lock_guard lock(mutex_);
    r.upto = last_offset_;
    if (after && *after > last_offset_) {
        r.state = replay_result::status::resync;
        r.reason = "unknown id";
        return r;
    }
    const std::uint64_t from = after.value_or(0);
    for (const auto& room : rooms) {
        auto it = rings_.find(room);
        if (it == rings_.end()) {
            continue;
        }
        auto& ring = it->second;
        prune_ring(ring, now);
        if (after && ring.evicted_upto > *after) {
            r.state = replay_result::status::resync;
            r.reason = "too old";
            r.events.clear();
            return r;
        }
        auto e = std::upper_bound(ring.events.begin(), ring.events.end(), from,
                                  [](std::uint64_t v, const logged_ptr& x) { return v < x->offset; });
        r.events.insert(r.events.end(), e, ring.events.end());
    }
    std::sort(r.events.begin(), r.events.end(), [](const logged_ptr& a, const logged_ptr& b) { return a->offset < b->offset; });
    r.events.erase(std::unique(r.events.begin(), r.events.end(),
                               [](const logged_ptr& a, const logged_ptr& b) { return a->offset == b->offset; }),
                   r.events.end());
    if (filter_except) {
        std::erase_if(r.events, [&](const logged_ptr& e) {
            return std::any_of(e->except.begin(), e->except.end(), [&](const auto& x) { return member_of(rooms, x); });
        });
    }
    conflate(r.events);
    return r;
}

replay_result event_log::history_after(std::string_view after, const std::string& room)
{
    std::optional<std::uint64_t> from;
    std::string refused;
    if (!after.empty()) {
        const auto p = parse_id(after);
        if (p.state == parsed_id::status::ok) {
            from = p.offset;
        }
        else {
            refused = p.state == parsed_id::status::other_epoch ? "unknown epoch" : "malformed id";
        }
    }
    replay_result r;
    if (refused.empty()) {
        r = history(from, {room}, false);
        if (r.state == replay_result::status::ok) {
            return r;
        }
        refused = std::move(r.reason);
    }
    r = history(std::nullopt, {room}, false);  // everything kept, to start over from
    r.state = replay_result::status::resync;
    r.reason = std::move(refused);
    return r;
}

} // namespace sb::detail
