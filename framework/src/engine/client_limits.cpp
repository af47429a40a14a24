#include "engine/client_limits.hpp"

#include <algorithm>

namespace sb::detail {

namespace {

/// The bucket holds a second's worth of handshakes, twice: a page that reconnects a few
/// tabs at once is not refused, a loop that opens sessions is.
double burst(const limit_options& o) { return std::max(1.0, 2.0 * o.handshakes_per_second); }

} // namespace

client_limits::verdict client_limits::admit(std::string_view address, clock::time_point now)
{
    if (stopping_.load(std::memory_order_relaxed)) {
        return verdict::shutting_down;
    }
    if (!active()) {
        return verdict::ok;
    }
    std::lock_guard lock(mutex_);
    if (++admits_since_sweep_ >= 1024) {
        sweep(now);
    }
    if (o_.max_connections != 0 && total_ >= o_.max_connections) {
        return verdict::server_full;
    }
    auto [it, fresh] = by_address_.try_emplace(std::string(address));
    auto& e = it->second;
    if (fresh) {
        e.tokens = burst(o_);
        e.refilled = now;
    }
    if (o_.max_connections_per_address != 0 && e.open >= o_.max_connections_per_address) {
        return verdict::address_full;
    }
    if (o_.handshakes_per_second != 0) {
        const std::chrono::duration<double> dt = now - e.refilled;
        e.tokens = std::min(burst(o_), e.tokens + dt.count() * o_.handshakes_per_second);
        e.refilled = now;
        if (e.tokens < 1.0) {
            return verdict::too_fast;
        }
        e.tokens -= 1.0;
    }
    ++e.open;
    ++total_;
    return verdict::ok;
}

void client_limits::release(std::string_view address)
{
    if (!active()) {
        return;
    }
    std::lock_guard lock(mutex_);
    if (total_ > 0) {
        --total_;
    }
    if (auto it = by_address_.find(std::string(address)); it != by_address_.end() && it->second.open > 0) {
        --it->second.open;
        if (it->second.open == 0 && o_.handshakes_per_second == 0) {
            by_address_.erase(it);  // nothing left to remember about it
        }
    }
}

client_limits::refusal client_limits::describe(verdict v) noexcept
{
    switch (v) {
    case verdict::server_full: return {503, "Server full"};
    case verdict::address_full: return {503, "Too many connections from this address"};
    case verdict::too_fast: return {429, "Too many handshakes"};
    case verdict::shutting_down: return {503, "Server shutting down"};
    case verdict::ok: break;
    }
    return {200, ""};
}

std::size_t client_limits::open() const
{
    std::lock_guard lock(mutex_);
    return total_;
}

void client_limits::sweep(clock::time_point now)
{
    // Forget addresses with nothing open whose bucket would be full again by now: the map
    // holds the addresses that are connected or were recently, not every one ever seen.
    admits_since_sweep_ = 0;
    const double full = burst(o_);
    std::erase_if(by_address_, [&](const auto& kv) {
        const auto& e = kv.second;
        if (e.open != 0) {
            return false;
        }
        if (o_.handshakes_per_second == 0) {
            return true;
        }
        const std::chrono::duration<double> dt = now - e.refilled;
        return e.tokens + dt.count() * o_.handshakes_per_second >= full;
    });
}

} // namespace sb::detail
