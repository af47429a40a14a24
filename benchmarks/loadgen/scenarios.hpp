#pragma once
/// @file The scenarios sb_loadgen can run; each returns its JSON report.
#include "options.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/json/object.hpp>

namespace loadgen {

/** Room broadcast throughput.

    `clients` subscribers join the room (`21["join",room]`, awaiting the ack `31[]`), then one more
    client publishes `2["publish",{"room":..,"seq":i,"t":ns}]` and the server broadcasts each as
    `2["msg",{...}]` to the room. The publisher keeps at most `window` broadcasts per subscriber
    undelivered on average (counted from what subscribers actually received), so the server
    always has work queued but no queue grows without bound. Reports delivered messages per
    second over all subscribers, sequence gaps, and publish-to-receive latency.
*/
boost::json::object run_fanout(const options& opt, const boost::asio::ip::tcp::endpoint& server);

/** Request/ack round trips.

    Each client loops sending `2<id>["echo",{"t":ns}]` and awaiting `3<id>[...]`, one in flight.
    Reports acks per second and round-trip latency percentiles.
*/
boost::json::object run_echo(const options& opt, const boost::asio::ip::tcp::endpoint& server);

} // namespace loadgen
