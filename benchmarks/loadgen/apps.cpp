// The sample apps under load: bots in one arena match, subscribers of the ticker.
// Both measure the delay from the server's own send timestamp (carried in the payload,
// same host, same clock) to the client's receipt.
#include "clock.hpp"
#include "fleet.hpp"
#include "measured_window.hpp"
#include "report.hpp"
#include "scenarios.hpp"
#include "shard_stats.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <charconv>
#include <chrono>
#include <cmath>
#include <fstream>
#include <thread>

namespace loadgen {

namespace net = boost::asio;

namespace {

std::int64_t wall_us()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// The integer after `"key":` in `p`, if any.
std::optional<std::int64_t> field(std::string_view p, std::string_view key)
{
    const auto at = p.find(key);
    if (at == std::string_view::npos)
        return std::nullopt;
    const char* first = p.data() + at + key.size();
    std::int64_t v = 0;
    auto [ptr, ec] = std::from_chars(first, p.data() + p.size(), v);
    return ec == std::errc{} ? std::optional{v} : std::nullopt;
}

/// The server's resident set, from /proc (bytes), or 0.
std::uint64_t rss_bytes(int pid)
{
    if (pid <= 0)
        return 0;
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(f, line);)
        if (line.starts_with("VmRSS:"))
            return std::stoull(line.substr(6)) * 1024;
    return 0;
}

struct app_run {
    stats_table stats;
    measured_window window;
    std::atomic<bool> stopping{false};
};

/// Answers an event that asks for an ACK: `42/ns,<id>["ev",...]` → `43/ns,<id>[reply]`
/// (the handler sees whole Engine.IO packets; `send` adds the `4`).
void answer(sio_client& c, std::string_view nsp_prefix, std::string_view p, std::string_view reply)
{
    const auto body = p.substr(2 + nsp_prefix.size());
    const auto bracket = body.find('[');
    c.send("3" + std::string(nsp_prefix) + std::string(body.substr(0, bracket)) + "[" + std::string(reply) + "]");
}

net::awaitable<void> input_loop(app_run& run, std::shared_ptr<sio_client> c, std::size_t index)
{
    net::steady_timer timer{c->executor()};
    for (std::uint32_t seq = 1; !run.stopping; ++seq) {
        timer.expires_after(std::chrono::milliseconds{100});
        if (auto [ec] = co_await timer.async_wait(net::as_tuple(net::use_awaitable)); ec)
            co_return;
        // Walk in a slow circle, each bot in its own phase.
        const double a = (seq + index * 7) * 0.05;
        c->send("2/arena,[\"input\",{\"seq\":" + std::to_string(seq) + ",\"client_tick\":" + std::to_string(seq) +
                ",\"actions\":[{\"kind\":\"move\",\"dx\":" + std::to_string(std::cos(a)) +
                ",\"dy\":" + std::to_string(std::sin(a)) + "}]}]");
    }
}

net::awaitable<void> game_bot(app_run& run, std::shared_ptr<sio_client> c, std::size_t shard, std::size_t index)
{
    shard_stats& stats = run.stats[shard];
    net::co_spawn(c->executor(), input_loop(run, c, index), net::detached);
    const auto ec = co_await c->read([&](std::string_view p) {
        if (p.starts_with("42/arena,[\"snapshot\"")) {
            shard_stats::bump(stats.events);
            if (auto sent = field(p, "\"sent_us\":"); sent && run.window.active())
                stats.latency.record(static_cast<std::uint64_t>(std::max<std::int64_t>(0, wall_us() - *sent)) * 1000);
        }
        else if (p.find("[\"ping\"") != std::string_view::npos)
            answer(*c, "/arena,", p, "{\"server_time\":0,\"client_time\":0}");
        else if (p.find("[\"ready_check\"") != std::string_view::npos)
            answer(*c, "/arena,", p, "{\"ready\":true}");
        return !run.stopping.load(std::memory_order_relaxed);
    });
    if (ec && !run.stopping)
        shard_stats::bump(stats.disconnects);
}

net::awaitable<void> subscriber(app_run& run, std::shared_ptr<sio_client> c, std::size_t shard)
{
    shard_stats& stats = run.stats[shard];
    const auto ec = co_await c->read([&](std::string_view p) {
        if (p.starts_with("42/ticker,[\"quote\"") || p.starts_with("42/ticker,[\"trade\"")) {
            shard_stats::bump(stats.events);
            if (auto ts = field(p, "\"ts\":"); ts && run.window.active())
                stats.latency.record(static_cast<std::uint64_t>(std::max<std::int64_t>(0, wall_us() - *ts * 1000)) * 1000);
        }
        return !run.stopping.load(std::memory_order_relaxed);
    });
    if (ec && !run.stopping)
        shard_stats::bump(stats.disconnects);
}

/// The ticker's default universe (apps/ticker/market.cpp, `default_symbols`).
std::string symbol(std::size_t i)
{
    static constexpr const char* known[] = {"AAPL", "MSFT", "GOOG", "AMZN", "NVDA", "META", "TSLA", "BRK.B"};
    if (i < 8)
        return known[i];
    std::string n = std::to_string(i);
    return "S" + std::string(n.size() < 3 ? 3 - n.size() : 0, '0') + n;
}

/// Awaits the ACK `43/ns,1[` of a setup request.
net::awaitable<boost::system::error_code> await_ack(sio_client& c, std::string_view prefix)
{
    bool ok = false;
    auto ec = co_await c.read([&](std::string_view p) {
        ok = p.starts_with(prefix);
        return !ok;
    });
    co_return ec;
}

boost::json::object measure(const options& opt, app_run& run, fleet& clients, shards& threads, std::string scenario,
                            std::string_view events_name)
{
    boost::json::object out{{"scenario", scenario}, {"label", opt.label}, {"clients", opt.clients},
                            {"threads", opt.threads}, {"transport", opt.transport}};
    if (!clients.wait_ready(std::chrono::seconds{120})) {
        report_error(out, "connect failed: " + std::to_string(clients.failed()) + " clients, first: " +
                              clients.first_error());
    }
    else {
        std::this_thread::sleep_for(std::chrono::duration<double>{opt.warmup_s});
        const auto e0 = run.stats.sum(&shard_stats::events);
        run.window.open();
        std::this_thread::sleep_for(std::chrono::duration<double>{opt.duration_s});
        run.window.close();
        const auto events = run.stats.sum(&shard_stats::events) - e0;
        out[events_name] = events;
        out[std::string(events_name) + "_per_s"] = std::llround(static_cast<double>(events) / run.window.seconds());
        run.window.report(out);
        if (auto rss = rss_bytes(opt.server_pid))
            out["server_rss_mib"] = std::round(static_cast<double>(rss) / (1 << 20) * 10) / 10;
    }
    out["disconnects"] = run.stats.sum(&shard_stats::disconnects);
    run.stopping = true;
    clients.close_all();
    threads.finish(3000);
    out["latency_us"] = latency_report(run.stats.merged_latency());
    return out;
}

} // namespace

boost::json::object run_game(const options& opt, const net::ip::tcp::endpoint& server)
{
    shards threads{opt.threads};
    app_run run{.stats = stats_table{threads.size()}, .window = measured_window{opt.server_pid}};
    fleet clients{threads, server, transport_of(opt)};
    const std::string match = opt.room == "bench" ? "LOAD01" : opt.room;
    threads.start();
    auto next_index = std::make_shared<std::atomic<std::size_t>>(0);
    clients.launch(
        opt.clients, opt.connect_concurrency,
        {.setup = [match](sio_client& c) -> net::awaitable<boost::system::error_code> {
             c.send("2/arena,1[\"join_match\",{\"match_id\":\"" + match + "\",\"nickname\":\"bot\"}]");
             co_return co_await await_ack(c, "43/arena,1[");
         },
         .run = [&run, next_index](auto c, std::size_t shard) {
             return game_bot(run, std::move(c), shard, next_index->fetch_add(1));
         },
         .connect = [](std::size_t i) { return "0/arena,{\"user\":\"bot" + std::to_string(i) + "\"}"; }});
    return measure(opt, run, clients, threads, "game", "snapshots");
}

boost::json::object run_ticker(const options& opt, const net::ip::tcp::endpoint& server)
{
    shards threads{opt.threads};
    app_run run{.stats = stats_table{threads.size()}, .window = measured_window{opt.server_pid}};
    fleet clients{threads, server, transport_of(opt)};
    threads.start();
    auto next = std::make_shared<std::atomic<std::size_t>>(0);
    clients.launch(opt.clients, opt.connect_concurrency,
                   {.setup = [next](sio_client& c) -> net::awaitable<boost::system::error_code> {
                        // Five symbols each, spread evenly over the 50.
                        const std::size_t i = next->fetch_add(1);
                        std::string list;
                        for (std::size_t k = 0; k < 5; ++k)
                            list += (k ? ",\"" : "\"") + symbol((i * 5 + k) % 50) + "\"";
                        c.send("2/ticker,1[\"subscribe\",{\"symbols\":[" + list + "]}]");
                        co_return co_await await_ack(c, "43/ticker,1[");
                    },
                    .run = [&run](auto c, std::size_t shard) { return subscriber(run, std::move(c), shard); },
                    .connect = [](std::size_t) { return std::string("0/ticker,"); }});
    return measure(opt, run, clients, threads, "ticker", "events");
}

} // namespace loadgen
