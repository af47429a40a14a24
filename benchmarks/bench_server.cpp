// The Switchboard side of benchmarks/run.sh (contract: benchmarks/loadgen/CONTRACT.md):
// join(room) with ack, publish({room,...}) -> to(room).emit("msg", payload), echo -> ack.
#include <switchboard.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

namespace json = boost::json;

int main(int argc, char** argv)
{
    sb::server_options opts{.port = 0, .threads = 2};
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 < argc && a == "--port") {
            opts.port = static_cast<std::uint16_t>(std::atoi(argv[++i]));
        }
        else if (i + 1 < argc && a == "--threads") {
            opts.threads = static_cast<unsigned>(std::atoi(argv[++i]));
        }
        else if (i + 1 < argc && a == "--redis") {
            opts.redis = sb::redis_options{.url = argv[++i]};  // a cluster node (benchmarks/cluster.sh)
        }
        else if (a == "--recovery") {
            // Connection state recovery on "/": every broadcast carries an offset; in a
            // cluster, the durable layer numbers each one through Redis.
            opts.socketio.connection_state_recovery = sb::recovery_options{};
        }
        else {
            std::cerr << "usage: sb_bench_server --port N --threads T [--redis URL] [--recovery]\n";
            return 2;
        }
    }
    sb::server server{opts};
    auto io = server.of("/");
    io.on("join", [](sb::socket_ptr s, sb::event ev) -> sb::task<sb::reply> {
        if (!ev.args().empty() && ev.args()[0].is_string()) {
            s->join(std::string(ev.args()[0].as_string()));
        }
        co_return sb::reply{};
    });
    io.on("publish", [io](sb::socket_ptr, sb::event ev) -> sb::task<sb::reply> {
        const auto& args = ev.args();
        if (!args.empty() && args[0].is_object()) {
            if (const auto* room = args[0].as_object().if_contains("room"); room && room->is_string()) {
                io.to(std::string(room->as_string())).emit("msg", sb::payload{json::array{args[0]}});
            }
        }
        co_return sb::reply{};
    });
    io.on("echo", [](sb::socket_ptr, sb::event ev) -> sb::task<sb::reply> {
        co_return std::move(ev).into_payload();
    });
    server.start();
    std::cout << "listening " << server.port() << std::endl;
    server.run();
}
