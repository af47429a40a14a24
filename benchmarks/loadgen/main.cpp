// sb_loadgen: drives a Socket.IO server over loopback and prints one JSON report on stdout.
// See benchmarks/loadgen/CONTRACT.md for the scenarios and the contract a server must implement.
#include "options.hpp"
#include "scenarios.hpp"

#include <boost/json/serialize.hpp>

#include <sys/resource.h>

#include <iostream>

namespace {

/// Raises the soft limit on open files to the hard one; returns the resulting soft limit.
rlim_t raise_open_files_limit()
{
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) {
        return 0;
    }
    if (lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
        getrlimit(RLIMIT_NOFILE, &lim);
    }
    return lim.rlim_cur;
}

} // namespace

int main(int argc, char** argv)
{
    auto parsed = loadgen::parse_options(argc, argv);
    if (auto* message = std::get_if<std::string>(&parsed)) {
        std::cerr << "sb_loadgen: " << *message << "\n" << loadgen::usage();
        return 2;
    }
    const auto& opt = std::get<loadgen::options>(parsed);

    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(opt.host, ec);
    if (ec || !address.is_loopback()) {
        std::cerr << "sb_loadgen: --host must be a loopback address\n";
        return 2;
    }
    // Each client holds one socket; keep a few descriptors for everything else.
    const rlim_t files = raise_open_files_limit();
    const std::size_t sockets_per_client = opt.transport == "websocket" ? 1 : 2;
    if (files != 0 && opt.clients * sockets_per_client + 2 + 32 > files) {
        std::cerr << "sb_loadgen: " << opt.clients << " clients need more than the " << files
                  << " open files allowed\n";
        return 2;
    }

    const boost::asio::ip::tcp::endpoint server{address, opt.port};
    const auto report = opt.scenario == "fanout" ? loadgen::run_fanout(opt, server)
                        : opt.scenario == "idle" ? loadgen::run_idle(opt, server)
                        : opt.scenario == "game" ? loadgen::run_game(opt, server)
                        : opt.scenario == "ticker" ? loadgen::run_ticker(opt, server)
                                                 : loadgen::run_echo(opt, server);
    std::cout << boost::json::serialize(report) << std::endl;
    return report.contains("error") ? 1 : 0;
}
