#include "clock.hpp"
#include "fleet.hpp"
#include "measured_window.hpp"
#include "report.hpp"
#include "scenarios.hpp"
#include "shard_stats.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <charconv>
#include <optional>
#include <thread>

namespace loadgen {

namespace net = boost::asio;
using boost::system::error_code;

namespace {

// When the window is full the publisher looks again after this long. The window must hold
// more work than that: with the defaults (8 broadcasts x 1000 subscribers) it holds milliseconds
// of work even at millions of deliveries per second.
constexpr auto recheck_interval = std::chrono::microseconds{250};
// Publishes per turn of the publisher's loop; they leave in one write.
constexpr std::uint64_t max_batch = 64;
// Stop queueing when the server stops reading from the publisher.
constexpr std::size_t max_publisher_backlog = 256 * 1024;

struct fanout_run {
    const options& opt;
    stats_table stats;
    measured_window window;
    std::atomic<std::uint64_t> live{0}; // subscribers connected
    std::atomic<std::uint64_t> published{0};
    std::atomic<bool> stopping{false};
};

/// The number after `key` (e.g. `"seq":`) in a small JSON text.
std::optional<std::uint64_t> number_after(std::string_view text, std::string_view key)
{
    const auto at = text.find(key);
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    std::uint64_t v = 0;
    const char* first = text.data() + at + key.size();
    const auto [end, ec] = std::from_chars(first, text.data() + text.size(), v);
    return ec == std::errc{} ? std::optional{v} : std::nullopt;
}

net::awaitable<error_code> join_room(sio_client& c, std::string room)
{
    c.send("21[\"join\",\"" + room + "\"]");
    auto ec = co_await c.read([](std::string_view p) { return !p.starts_with("431["); });
    co_return ec;
}

net::awaitable<void> subscribe(fanout_run& run, std::shared_ptr<sio_client> c, std::size_t shard)
{
    shard_stats& stats = run.stats[shard];
    std::optional<std::uint64_t> last_seq;
    auto on_packet = [&](std::string_view p) {
        if (!p.starts_with("42[\"msg\",")) {
            return true;
        }
        shard_stats::bump(stats.events);
        const auto seq = number_after(p, "\"seq\":");
        if (seq && last_seq && *seq != *last_seq + 1) {
            shard_stats::bump(stats.gaps);
        }
        last_seq = seq;
        if (run.window.active()) {
            if (const auto t = number_after(p, "\"t\":")) {
                stats.latency.record(now_ns() - *t);
            }
        }
        return true;
    };
    co_await c->read(on_packet);
    if (!run.stopping) {
        --run.live;
        shard_stats::bump(stats.disconnects);
    }
}

/// How many broadcasts the publisher may send now.
std::uint64_t publish_budget(const fanout_run& run, std::uint64_t sent, std::uint64_t start_ns)
{
    const std::uint64_t live = run.live.load();
    if (live == 0) {
        return 0;
    }
    // Undelivered messages over all subscribers, as a number of whole broadcasts. A subscriber that
    // left takes its share with it, so clamp at zero.
    const std::uint64_t delivered = run.stats.sum(&shard_stats::events);
    const std::uint64_t expected = sent * live;
    const std::uint64_t behind = expected > delivered ? (expected - delivered + live - 1) / live : 0;
    std::uint64_t budget = behind < run.opt.window ? run.opt.window - behind : 0;
    if (run.opt.rate > 0) {
        const double due = static_cast<double>(now_ns() - start_ns) / 1e9 * run.opt.rate;
        budget =
            std::min(budget, due > static_cast<double>(sent) ? static_cast<std::uint64_t>(due) - sent : 0);
    }
    return std::min(budget, max_batch);
}

net::awaitable<void> drain(std::shared_ptr<sio_client> c)
{
    co_await c->read([](std::string_view) { return true; }); // answers pings, ignores the rest
}

net::awaitable<void> publish(fanout_run& run, std::shared_ptr<sio_client> c, std::size_t)
{
    auto ex = co_await net::this_coro::executor;
    net::co_spawn(ex, drain(c), net::detached);
    net::steady_timer timer{ex};
    const std::string prefix = "2[\"publish\",{\"room\":\"" + run.opt.room + "\",\"seq\":";
    std::string packet;
    const std::uint64_t start = now_ns();
    std::uint64_t seq = 0;
    while (!run.stopping) {
        const std::uint64_t budget =
            c->queued_bytes() < max_publisher_backlog ? publish_budget(run, seq, start) : 0;
        if (budget == 0) {
            timer.expires_after(recheck_interval);
            co_await timer.async_wait(net::as_tuple(net::use_awaitable));
            continue;
        }
        for (std::uint64_t i = 0; i < budget; ++i, ++seq) {
            packet = prefix;
            packet += std::to_string(seq);
            packet += ",\"t\":";
            packet += std::to_string(now_ns());
            packet += "}]";
            c->send(packet);
        }
        run.published.store(seq, std::memory_order_relaxed);
        co_await net::post(ex, net::use_awaitable); // let the write start and this shard's readers run
    }
}

} // namespace

boost::json::object run_fanout(const options& opt, const net::ip::tcp::endpoint& server)
{
    shards threads{opt.threads};
    fanout_run run{
        .opt = opt, .stats = stats_table{threads.size()}, .window = measured_window{opt.server_pid, opt.more_pids}};
    std::vector<net::ip::tcp::endpoint> nodes{server};
    for (auto p : opt.subscriber_ports) {
        nodes.emplace_back(server.address(), p);
    }
    fleet subscribers{threads, nodes, transport_of(opt)};
    fleet publisher{threads, server};
    boost::json::object out{{"scenario", "fanout"},   {"label", opt.label},
                            {"clients", opt.clients}, {"threads", opt.threads},
                            {"window", opt.window},   {"rate", std::llround(opt.rate)},
                            {"transport", opt.transport}, {"nodes", nodes.size()}};

    threads.start();
    subscribers.launch(
        opt.clients, opt.connect_concurrency,
        {.setup = [room = opt.room](sio_client& c) { return join_room(c, room); },
         .run = [&run](auto c, std::size_t shard) { return subscribe(run, std::move(c), shard); }});
    const bool subscribed = subscribers.wait_ready(std::chrono::seconds{120});
    run.live = subscribers.ready();
    if (subscribed) {
        publisher.launch(1, 1, {.setup = {}, .run = [&run](auto c, std::size_t shard) {
                                    return publish(run, std::move(c), shard);
                                }});
    }
    if (!subscribed || !publisher.wait_ready(std::chrono::seconds{10})) {
        report_error(out, "connect failed: " + std::to_string(subscribers.failed() + publisher.failed()) +
                              " clients, first: " + subscribers.first_error() + publisher.first_error());
    }
    else {
        std::this_thread::sleep_for(std::chrono::duration<double>{opt.warmup_s});
        const auto delivered0 = run.stats.sum(&shard_stats::events);
        const auto published0 = run.published.load();
        const auto gaps0 = run.stats.sum(&shard_stats::gaps);
        run.window.open();
        std::this_thread::sleep_for(std::chrono::duration<double>{opt.duration_s});
        run.window.close();
        const auto delivered = run.stats.sum(&shard_stats::events) - delivered0;
        const auto published = run.published.load() - published0;
        const double seconds = run.window.seconds();
        out["delivered"] = delivered;
        out["delivered_per_s"] = std::llround(static_cast<double>(delivered) / seconds);
        out["published_per_s"] = std::llround(static_cast<double>(published) / seconds);
        out["gaps"] = run.stats.sum(&shard_stats::gaps) - gaps0;
        if (auto cpu = run.window.server_cpu_s(); cpu && *cpu > 0) {
            out["delivered_per_server_cpu_s"] = std::llround(static_cast<double>(delivered) / *cpu);
        }
        run.window.report(out);
    }
    out["disconnects"] = run.stats.sum(&shard_stats::disconnects);

    run.stopping = true;
    subscribers.close_all();
    publisher.close_all();
    threads.finish(3000);
    out["latency_us"] = latency_report(run.stats.merged_latency());
    return out;
}

} // namespace loadgen
