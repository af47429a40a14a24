#pragma once
/** @file
    Results of server→client acknowledgements.
*/
#include <switchboard/payload.hpp>

#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <vector>

namespace sb {

/// The answer to `socket::emit_with_ack`: the client's ack arguments, or an error
/// (`sb::error::timeout`, or `sb::error::closed` when the socket disconnected first).
struct ack_result {
    boost::system::error_code ec;
    payload reply;
};

/** When a room-wide `emit_with_ack` has heard enough (`broadcast_operator::collect`,
    a contract's `collect all | any | first N | quorum`):
    - `all()`: every recipient answered (the default, as in Socket.IO);
    - `first(n)`, `any()` = `first(1)`: `n` answers arrived, or every recipient answered;
    - `quorum()`: more than half of the recipients answered. In a cluster that is decided
      only once every node has said how many clients it reached.
    The deadline (`timeout()`) still bounds the wait; past it the call returns what it has
    with `sb::error::timeout`. */
struct collect_policy {
    enum class rule : unsigned char { all, first, quorum };
    rule kind = rule::all;
    std::size_t count = 0;  ///< for `first`

    static constexpr collect_policy all() noexcept { return {}; }
    static constexpr collect_policy first(std::size_t n) noexcept { return {rule::first, n}; }
    static constexpr collect_policy any() noexcept { return first(1); }
    static constexpr collect_policy quorum() noexcept { return {rule::quorum, 0}; }

    /// Whether `answered` answers out of `expected` recipients are enough. `counted` is
    /// false while the number of recipients may still grow (a cluster's nodes reporting).
    constexpr bool satisfied(std::size_t answered, std::size_t expected, bool counted) const noexcept
    {
        switch (kind) {
        case rule::first:
            return answered >= count || (counted && answered >= expected);
        case rule::quorum:
            return counted && answered * 2 > expected;
        case rule::all:
            break;
        }
        return counted && answered >= expected;
    }
};

/// The answer to `broadcast_operator::emit_with_ack`: each client's first ack
/// argument in order of arrival. `missing` counts the recipients that had not answered
/// when the collection ended (disconnected ones included); `ec` is `sb::error::timeout`
/// when the collect policy was not met by the deadline (with `all()`: when `missing > 0`).
struct broadcast_ack_result {
    boost::system::error_code ec;
    std::vector<boost::json::value> responses;
    std::size_t missing = 0;
};

} // namespace sb
