#pragma once
/// @file Command line of sb_loadgen.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace loadgen {

/// Everything a run is told on the command line; see `usage()` for the meaning of each.
struct options {
    std::string scenario; ///< "fanout", "echo" or "idle"
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::size_t clients = 0; ///< 0: the scenario's default (fanout 1000, echo 100)
    unsigned threads = 1;
    double warmup_s = 2;
    double duration_s = 10;
    std::size_t window = 8; ///< fanout: broadcasts in flight per subscriber, on average
    double rate = 0;        ///< fanout: publishes per second; 0 = as fast as the window allows
    std::string room = "bench";
    int server_pid = 0; ///< when set, the server's CPU use is measured too
    std::string label;  ///< copied to the report, e.g. "node" or "switchboard"
    std::size_t connect_concurrency = 64;
    std::string transport = "websocket"; ///< websocket, sse or polling (fanout: the subscribers')
    /// fanout: subscribers are spread round-robin over `port` and these (other nodes of a
    /// cluster); the publisher stays on `port`.
    std::vector<std::uint16_t> subscriber_ports{};
    /// More server processes whose CPU is added to `server_pid`'s (the other nodes).
    std::vector<int> more_pids{};
};

/// The usage text.
std::string usage();

/// Parses argv; returns the options, or a message saying what is wrong.
std::variant<options, std::string> parse_options(int argc, char** argv);

} // namespace loadgen
