#include "options.hpp"

#include <charconv>
#include <string_view>

namespace loadgen {

namespace {

template <class T> bool parse_number(std::string_view text, T& out)
{
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

} // namespace

std::string usage()
{
    return "usage: sb_loadgen --scenario fanout|echo|idle|game|ticker --port P [options]\n"
           "  --host H                 server address (default 127.0.0.1; loopback only)\n"
           "  --clients N              fanout: subscribers (default 1000); echo: clients (default 100)\n"
           "  --threads T              load generator threads, 1 or 2 (default 1)\n"
           "  --warmup S               seconds before measuring (default 2)\n"
           "  --duration S             seconds measured (default 10)\n"
           "  --window K               fanout: broadcasts in flight per subscriber (default 8)\n"
           "  --rate R                 fanout: publishes per second, 0 = window-limited (default 0);\n"
           "                           echo: round trips per second over all clients, 0 = closed loop\n"
           "  --room NAME              fanout: room name (default bench)\n"
           "  --server-pid PID         also report the server's CPU use over the measured window\n"
           "  --label TEXT             copied into the JSON report\n"
           "  --subscriber-ports P,..  fanout: spread subscribers over --port and these (a cluster)\n"
           "  --more-pids PID,..       add these processes' CPU to --server-pid's (the other nodes)\n"
           "  --connect-concurrency C  handshakes in progress at once (default 64)\n"
           "  --transport T            websocket, sse or polling (default websocket); fanout: the\n"
           "                           subscribers' (the publisher stays on websocket)\n"
           "  idle: --clients sessions connect and stay idle; with --server-pid, reports the\n"
           "        server's RSS growth per session from 1% of them to all (the slope: what\n"
           "        the first connections page in once is no session's), and from cold\n"
           "Prints one JSON object on stdout.\n";
}

std::variant<options, std::string> parse_options(int argc, char** argv)
{
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (i + 1 >= argc) {
            return "missing value for " + std::string{flag};
        }
        const std::string_view value = argv[++i];
        bool ok = true;
        if (flag == "--scenario") {
            o.scenario = value;
        }
        else if (flag == "--host") {
            o.host = value;
        }
        else if (flag == "--port") {
            ok = parse_number(value, o.port);
        }
        else if (flag == "--clients") {
            ok = parse_number(value, o.clients);
        }
        else if (flag == "--threads") {
            ok = parse_number(value, o.threads) && o.threads >= 1 && o.threads <= 2;
        }
        else if (flag == "--warmup") {
            ok = parse_number(value, o.warmup_s) && o.warmup_s >= 0;
        }
        else if (flag == "--duration") {
            ok = parse_number(value, o.duration_s) && o.duration_s > 0;
        }
        else if (flag == "--window") {
            ok = parse_number(value, o.window) && o.window >= 1;
        }
        else if (flag == "--rate") {
            ok = parse_number(value, o.rate) && o.rate >= 0;
        }
        else if (flag == "--room") {
            o.room = value;
        }
        else if (flag == "--server-pid") {
            ok = parse_number(value, o.server_pid);
        }
        else if (flag == "--subscriber-ports" || flag == "--more-pids") {
            // Comma-separated numbers.
            std::string_view rest = value;
            while (ok && !rest.empty()) {
                const auto comma = rest.find(',');
                const auto item = rest.substr(0, comma);
                if (flag == "--subscriber-ports") {
                    std::uint16_t port = 0;
                    ok = parse_number(item, port) && port != 0;
                    o.subscriber_ports.push_back(port);
                }
                else {
                    int pid = 0;
                    ok = parse_number(item, pid) && pid > 0;
                    o.more_pids.push_back(pid);
                }
                rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
            }
        }
        else if (flag == "--label") {
            o.label = value;
        }
        else if (flag == "--transport") {
            o.transport = value;
            ok = o.transport == "websocket" || o.transport == "sse" || o.transport == "polling";
        }
        else if (flag == "--connect-concurrency") {
            ok = parse_number(value, o.connect_concurrency) && o.connect_concurrency >= 1;
        }
        else {
            return "unknown flag " + std::string{flag};
        }
        if (!ok) {
            return "bad value for " + std::string{flag} + ": " + std::string{value};
        }
    }
    if (o.scenario != "fanout" && o.scenario != "echo" && o.scenario != "idle" && o.scenario != "game" &&
        o.scenario != "ticker") {
        return "--scenario must be fanout, echo, idle, game or ticker";
    }
    if (o.port == 0) {
        return "--port is required";
    }
    if (o.clients == 0) {
        o.clients = o.scenario == "echo" ? 100 : o.scenario == "game" ? 200 : o.scenario == "ticker" ? 2000 : 1000;
    }
    return o;
}

} // namespace loadgen
