#pragma once
// Collects the answers to one broadcast with ack (`broadcast_operator::emit_with_ack`).
// It lives on the emitter's executor: shards and remote nodes post their counts and
// answers to it, so it needs no lock. The emit completes when every part (each shard of
// this node, each other node of a cluster) has said how many clients it reached and all
// of those clients answered or disconnected, or when the collect policy has heard enough,
// or when the timeout passes.
#include <switchboard/ack.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <functional>
#include <type_traits>
#include <vector>

namespace sb::detail {

struct ack_collector {
    ack_collector(boost::asio::any_io_executor ex, std::size_t parts)
        : origin(ex), done(ex), parts_pending(static_cast<std::ptrdiff_t>(parts))
    {
    }

    boost::asio::any_io_executor origin;
    boost::asio::steady_timer done;
    /// Counts not yet reported. Signed: a remote node's count may arrive before the
    /// cluster adapter has learnt how many nodes there are (then it goes below zero).
    std::ptrdiff_t parts_pending;
    /// True while a cluster adapter does not know yet how many parts to add.
    bool awaiting_count = false;
    std::size_t expected = 0;   ///< clients reached so far
    std::size_t failed = 0;     ///< of those, gone before answering
    bool finished = false;
    /// When enough answers have come (broadcast_operator::collect).
    collect_policy policy{};
    std::vector<boost::json::value> responses;
    /// Run once when the collection ends with answers missing, by the deadline or by the
    /// policy (forget the ack ids).
    std::vector<std::function<void()>> on_unanswered;
    /// For a node answering another's broadcast with ack: told the total once every
    /// part has counted, and each answer as it comes.
    std::function<void(std::size_t)> on_counted;
    std::function<void(const boost::json::value&)> on_answer;

    /// A part (a shard, a node) reached `clients` clients.
    void part_done(std::size_t clients)
    {
        expected += clients;
        --parts_pending;
        if (parts_pending <= 0 && !awaiting_count && on_counted) {
            auto f = std::move(on_counted);
            on_counted = nullptr;
            f(expected);
        }
        check();
    }
    /// More parts to wait for (a cluster learns how many nodes it has after the start).
    void add_parts(std::size_t n) { parts_pending += static_cast<std::ptrdiff_t>(n); }
    void answer(boost::json::value v)
    {
        if (!finished) {
            if (on_answer) {
                on_answer(v);
            }
            responses.push_back(std::move(v));
            check();
        }
    }
    void lost()
    {
        if (!finished) {
            ++failed;
            check();
        }
    }
    /// Every part has said how many clients it reached: `expected` is final.
    bool counted() const noexcept { return parts_pending <= 0 && !awaiting_count; }
    void check()
    {
        if (finished) {
            return;
        }
        // Everyone has answered or gone, or the policy has heard enough.
        if ((counted() && responses.size() + failed >= expected) ||
            policy.satisfied(responses.size(), expected, counted())) {
            finished = true;
            done.cancel();
        }
    }
};

} // namespace sb::detail
