#pragma once
/// @file The scenarios sb_loadgen can run; each returns its JSON report.
#include "options.hpp"
#include "sio_client.hpp"

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

/** Memory per idle session.

    With `--server-pid`, reads the server's RSS, connects `clients` sessions over `--transport`
    (each joins no room and sends nothing but pongs), waits `warmup` seconds, reads the RSS again
    and reports the growth per session. The sessions stay `duration` seconds, so heartbeats run.
*/
boost::json::object run_idle(const options& opt, const boost::asio::ip::tcp::endpoint& server);

/** The arena sample (`switchboard-app --app game`) under bots.

    `clients` bots connect to `/arena` (`auth: {user}`), join match `--room` (default
    LOAD01 when "bench"), answer every ready check and ping, and send a move input at
    10 Hz. Reports snapshots received per second and the delay from the snapshot's
    `sent_us` (server clock, same host) to its receipt.
*/
boost::json::object run_game(const options& opt, const boost::asio::ip::tcp::endpoint& server);

/** The ticker sample (`switchboard-app --app ticker`) under subscribers.

    `clients` subscribers connect to `/ticker` and `subscribe` to 5 of the market's
    symbols (spread evenly). Reports quotes and trades received per second and the delay
    from their `ts` (server clock in ms, so the delay is rounded down to whole ms) to
    receipt.
*/
boost::json::object run_ticker(const options& opt, const boost::asio::ip::tcp::endpoint& server);

/// The client transport `opt.transport` names.
inline sio_client::transport transport_of(const options& opt)
{
    return opt.transport == "sse"       ? sio_client::transport::sse
           : opt.transport == "polling" ? sio_client::transport::polling
                                        : sio_client::transport::websocket;
}

} // namespace loadgen
