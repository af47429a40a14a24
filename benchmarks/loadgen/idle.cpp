#include "fleet.hpp"
#include "report.hpp"
#include "scenarios.hpp"

#include <cmath>
#include <fstream>
#include <string>
#include <thread>

namespace loadgen {

namespace net = boost::asio;

namespace {

/// VmRSS of `pid` in bytes (0 if unknown).
std::size_t rss_bytes(int pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    while (in >> key) {
        if (key == "VmRSS:") {
            std::size_t kb = 0;
            in >> kb;
            return kb * 1024;
        }
        std::getline(in, key);
    }
    return 0;
}

net::awaitable<void> stay(std::shared_ptr<sio_client> c)
{
    // Answers pings until the run closes the client.
    auto ignore = [](std::string_view) { return true; };
    co_await c->read(ignore);
}

} // namespace

boost::json::object run_idle(const options& opt, const net::ip::tcp::endpoint& server)
{
    shards threads{opt.threads};
    fleet clients{threads, server, transport_of(opt)};
    boost::json::object out{{"scenario", "idle"}, {"label", opt.label}, {"clients", opt.clients},
                            {"transport", opt.transport}};
    // Per-session memory is the slope from a baseline of 1% of the sessions to all of
    // them: what the first connections page in once (code never run before, pools made
    // on first use, a JIT's warm-up; ~3 MB for Switchboard, most of it code) belongs to
    // no connection. The figure from a cold server is reported beside it.
    const std::size_t baseline = opt.clients >= 1000 ? opt.clients / 100 : 0;
    const std::size_t cold = opt.server_pid ? rss_bytes(opt.server_pid) : 0;
    const client_plan plan{.setup = {}, .run = [](auto c, std::size_t) { return stay(std::move(c)); }};
    threads.start();
    clients.launch(baseline, opt.connect_concurrency, plan);
    bool ok = clients.wait_ready(std::chrono::seconds{120});
    std::this_thread::sleep_for(std::chrono::duration<double>{opt.warmup_s});
    const std::size_t before = opt.server_pid ? rss_bytes(opt.server_pid) : 0;
    if (ok) {
        clients.launch(opt.clients - baseline, opt.connect_concurrency, plan);
        ok = clients.wait_ready(std::chrono::seconds{120});
    }
    if (!ok) {
        report_error(out, "connect failed: " + std::to_string(clients.failed()) +
                              " clients, first: " + clients.first_error());
    }
    else {
        std::this_thread::sleep_for(std::chrono::duration<double>{opt.warmup_s});
        if (opt.server_pid) {
            const std::size_t after = rss_bytes(opt.server_pid);
            const auto per = [](std::size_t from, std::size_t to, std::size_t n) {
                return std::llround((static_cast<double>(to) - static_cast<double>(from)) / static_cast<double>(n));
            };
            out["baseline_sessions"] = baseline;
            out["server_rss_cold_bytes"] = cold;
            out["server_rss_before_bytes"] = before;
            out["server_rss_after_bytes"] = after;
            out["rss_per_session_bytes"] = per(before, after, opt.clients - baseline);
            out["rss_per_session_cold_bytes"] = per(cold, after, opt.clients);
        }
        std::this_thread::sleep_for(std::chrono::duration<double>{opt.duration_s});
    }
    clients.close_all();
    threads.finish(3000);
    return out;
}

} // namespace loadgen
