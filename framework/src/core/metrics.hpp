#pragma once
// Counters exported at /metrics: the server's, and a cluster adapter's.
#include <atomic>
#include <cstdint>

namespace sb::detail {

/// Counters exported at /metrics. Relaxed atomics: they are statistics, not state.
struct server_metrics {
    std::atomic<std::uint64_t> sessions_opened{0};
    std::atomic<std::uint64_t> sessions_closed{0};
    std::atomic<std::uint64_t> packets_received{0};
    std::atomic<std::uint64_t> events_dispatched{0};
    std::atomic<std::uint64_t> broadcasts{0};
    std::atomic<std::uint64_t> volatile_dropped{0};
    std::atomic<std::uint64_t> slow_client_disconnects{0};
    std::atomic<std::uint64_t> bad_requests{0};
    std::atomic<std::uint64_t> connections_timed_out{0};  ///< cut by a write or close deadline
    std::atomic<std::uint64_t> handshakes_refused{0};     ///< by limit_options (caps, rate) or allow_request
    std::atomic<std::uint64_t> requests_forwarded{0};     ///< to the node owning their session (engine/forward.hpp)
};

/// Counters of a cluster adapter, exported at /metrics beside the server's.
struct cluster_metrics {
    std::atomic<std::uint64_t> published{0};         ///< messages sent to other nodes
    std::atomic<std::uint64_t> received{0};          ///< messages from other nodes acted on
    std::atomic<std::uint64_t> publish_dropped{0};   ///< not sent: the bus was down
    std::atomic<std::uint64_t> bad_messages{0};      ///< undecodable or oversized, dropped
    std::atomic<std::uint64_t> reconnects{0};        ///< connections re-established
    std::atomic<std::uint64_t> request_timeouts{0};  ///< requests answered partially
    std::atomic<int> connected{0};                   ///< 1 while the subscriber is up
    std::atomic<int> leader{0};                      ///< 1 while this node holds the lease (server::leads)
    // the durable layer (adapters/redis/durable.hpp)
    std::atomic<std::uint64_t> durable_dropped{0};  ///< numbered events lost: queue full, or refused by Redis
    std::atomic<std::uint64_t> durable_waiting{0};  ///< numbered events queued for Redis now
    std::atomic<std::uint64_t> durable_holes{0};    ///< offsets never received (stream trimmed or gone)
    std::atomic<std::uint64_t> sessions_unsaved{0}; ///< session writes skipped: Redis was down
};

} // namespace sb::detail
