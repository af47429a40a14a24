#pragma once
// Caps on what the whole server, and one client address, may hold open (Engine.IO sessions
// and EventSource streams at once), and on how fast one address may open new ones (a token
// bucket); and none at all once a graceful stop began. Shared by every shard: one mutex, taken once when a session opens and once when
// it ends, never per packet; with every limit off it is not taken at all.
//
// Why sessions and not TCP connections: behind a proxy every TCP connection comes from the
// proxy, and only a request says who the client is (X-Forwarded-For, net/client_address.hpp).
// Idle TCP connections without a session are bounded by `timeouts.http_read` instead.
#include <switchboard/options.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace sb::detail {

class client_limits {
public:
    using clock = std::chrono::steady_clock;
    enum class verdict { ok, server_full, address_full, too_fast, shutting_down };

    explicit client_limits(const limit_options& o) : o_(o) {}

    bool active() const noexcept
    {
        return o_.max_connections != 0 || o_.max_connections_per_address != 0 || o_.handshakes_per_second != 0;
    }
    /// A graceful stop began: every admit() from now on is `shutting_down` (sessions
    /// already open go on until the drain ends). Any thread.
    void stop_admitting() noexcept { stopping_.store(true, std::memory_order_relaxed); }
    /// A new session or stream from `address`. `ok`: a slot was taken, release() it once.
    verdict admit(std::string_view address, clock::time_point now = clock::now());
    void release(std::string_view address);
    /// Sessions and streams holding a slot now.
    std::size_t open() const;

    /// How a refusal is answered: the HTTP status and the Engine.IO error message (the
    /// body is `{"code":4,"message":...}`, as engine.io answers a refused allowRequest).
    struct refusal {
        unsigned status;
        std::string_view message;
    };
    static refusal describe(verdict v) noexcept;

private:
    struct entry {
        std::size_t open = 0;
        double tokens = 0;
        clock::time_point refilled{};
    };
    void sweep(clock::time_point now);

    const limit_options& o_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, entry> by_address_;
    std::size_t total_ = 0;
    std::size_t admits_since_sweep_ = 0;
    std::atomic<bool> stopping_{false};
};

} // namespace sb::detail

namespace sb::detail {

/// Holds one slot of `client_limits` and gives it back when destroyed (moved with what it counts).
class limit_slot {
public:
    limit_slot() = default;
    limit_slot(client_limits& l, std::string address) : limits_(&l), address_(std::move(address)) {}
    limit_slot(limit_slot&& o) noexcept : limits_(std::exchange(o.limits_, nullptr)), address_(std::move(o.address_)) {}
    limit_slot& operator=(limit_slot&& o) noexcept
    {
        if (this != &o) {
            reset();
            limits_ = std::exchange(o.limits_, nullptr);
            address_ = std::move(o.address_);
        }
        return *this;
    }
    ~limit_slot() { reset(); }
    /// The slot now belongs to something that gives it back by itself (a session).
    void release_to_owner() noexcept { limits_ = nullptr; }
    void reset()
    {
        if (auto* l = std::exchange(limits_, nullptr)) {
            l->release(address_);
        }
    }

private:
    client_limits* limits_ = nullptr;
    std::string address_;
};

} // namespace sb::detail
