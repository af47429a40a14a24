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

/// The answer to `broadcast_operator::emit_with_ack`: each client's first ack
/// argument in order of arrival. `missing` counts the clients that did not answer in
/// time or disconnected; `ec` is `sb::error::timeout` when `missing > 0`.
struct broadcast_ack_result {
    boost::system::error_code ec;
    std::vector<boost::json::value> responses;
    std::size_t missing = 0;
};

} // namespace sb
