#include "clock.hpp"
#include "fleet.hpp"
#include "measured_window.hpp"
#include "report.hpp"
#include "scenarios.hpp"
#include "shard_stats.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cmath>
#include <functional>
#include <optional>
#include <thread>

namespace loadgen {

namespace net = boost::asio;

namespace {

struct echo_run {
    stats_table stats;
    measured_window window;
    std::atomic<bool> stopping{false};
};

net::awaitable<void> echo_loop(echo_run& run, std::shared_ptr<sio_client> c, std::size_t shard, double period_s)
{
    shard_stats& stats = run.stats[shard];
    std::string packet;
    std::string expected;
    // Paced (--rate): each client sends on its own fixed schedule, phases spread at random
    // over one period, so the server sees a steady stream rather than bursts. A late
    // answer makes the next send late too (one in flight), which the latency shows.
    std::optional<net::steady_timer> pace;
    auto next = std::chrono::steady_clock::now();
    const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>{period_s});
    if (period_s > 0) {
        pace.emplace(co_await net::this_coro::executor);
        next += std::chrono::steady_clock::duration{
            static_cast<std::int64_t>(std::hash<const void*>{}(c.get()) % static_cast<std::size_t>(period.count() + 1))};
    }
    for (std::uint64_t id = 1; !run.stopping; ++id) {
        if (pace) {
            pace->expires_at(next);
            co_await pace->async_wait(net::use_awaitable);
            next += period;
        }
        const std::string id_text = std::to_string(id);
        const std::uint64_t sent = now_ns();
        packet = "2" + id_text + "[\"echo\",{\"t\":" + std::to_string(sent) + "}]";
        expected = "43" + id_text + "[";
        c->send(packet);
        const auto ec =
            co_await c->read([&expected](std::string_view p) { return !p.starts_with(expected); });
        if (ec) {
            if (!run.stopping) {
                shard_stats::bump(stats.disconnects);
            }
            co_return;
        }
        shard_stats::bump(stats.events);
        if (run.window.active()) {
            stats.latency.record(now_ns() - sent);
        }
    }
}

} // namespace

boost::json::object run_echo(const options& opt, const net::ip::tcp::endpoint& server)
{
    shards threads{opt.threads};
    echo_run run{.stats = stats_table{threads.size()}, .window = measured_window{opt.server_pid}};
    fleet clients{threads, server, transport_of(opt)};
    boost::json::object out{{"scenario", "echo"},     {"label", opt.label},     {"clients", opt.clients},
                            {"threads", opt.threads}, {"transport", opt.transport}, {"rate", std::llround(opt.rate)}};
    // --rate: round trips/s over all clients, each client a share of it.
    const double period = opt.rate > 0 ? static_cast<double>(opt.clients) / opt.rate : 0.0;

    threads.start();
    clients.launch(opt.clients, opt.connect_concurrency,
                   {.setup = {}, .run = [&run, period](auto c, std::size_t shard) {
                        return echo_loop(run, std::move(c), shard, period);
                    }});
    if (!clients.wait_ready(std::chrono::seconds{120})) {
        report_error(out, "connect failed: " + std::to_string(clients.failed()) +
                              " clients, first: " + clients.first_error());
    }
    else {
        std::this_thread::sleep_for(std::chrono::duration<double>{opt.warmup_s});
        const auto acks0 = run.stats.sum(&shard_stats::events);
        run.window.open();
        std::this_thread::sleep_for(std::chrono::duration<double>{opt.duration_s});
        run.window.close();
        const auto acks = run.stats.sum(&shard_stats::events) - acks0;
        out["acks"] = acks;
        out["acks_per_s"] = std::llround(static_cast<double>(acks) / run.window.seconds());
        if (auto cpu = run.window.server_cpu_s(); cpu && *cpu > 0) {
            out["acks_per_server_cpu_s"] = std::llround(static_cast<double>(acks) / *cpu);
        }
        run.window.report(out);
    }
    out["disconnects"] = run.stats.sum(&shard_stats::disconnects);

    run.stopping = true;
    clients.close_all();
    threads.finish(3000);
    out["latency_us"] = latency_report(run.stats.merged_latency());
    return out;
}

} // namespace loadgen
