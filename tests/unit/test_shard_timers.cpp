// The shard's timers: order, precision, rescheduling and cancelling, on a real
// io_context (timers, no sockets).
#include "engine/shard_timers.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <random>
#include <vector>

using namespace sb::detail;
using namespace std::chrono_literals;

namespace {

struct probe final : shard_timer {
    shard_timers* clock = nullptr;
    shard_timers::clock::time_point due{};
    std::vector<shard_timers::clock::time_point>* fired_at = nullptr;
    std::vector<int>* order = nullptr;
    int id = 0;
    int again = 0;  // reschedule itself this many times, 5 ms apart
    void on_timer() override
    {
        const auto now = shard_timers::clock::now();
        CHECK(now >= due);
        CHECK(now - due < 50ms);  // loose: CI machines are busy
        order->push_back(id);
        fired_at->push_back(now);
        if (again-- > 0) {
            due = now + 5ms;
            clock->schedule(*this, due);
        }
    }
    ~probe()
    {
        if (clock) {
            clock->cancel(*this);
        }
    }
};

} // namespace

TEST_CASE("shard_timers: each entry fires once, at or just after its time, in time order", "[shard_timers]")
{
    boost::asio::io_context io;
    shard_timers hb(io.get_executor());
    std::vector<int> order;
    std::vector<shard_timers::clock::time_point> fired;
    std::vector<std::unique_ptr<probe>> ps;
    std::mt19937 rng(7);
    const auto t0 = shard_timers::clock::now();
    for (int i = 0; i < 200; ++i) {
        auto p = std::make_unique<probe>();
        p->clock = &hb;
        p->id = i;
        p->order = &order;
        p->fired_at = &fired;
        p->due = t0 + std::chrono::milliseconds(10 + rng() % 80);
        hb.schedule(*p, p->due);
        ps.push_back(std::move(p));
    }
    // Move some later, some earlier, cancel some: each ends up once at its last time, or never.
    for (int i = 0; i < 200; i += 7) {
        ps[i]->due = t0 + std::chrono::milliseconds(5 + rng() % 100);
        hb.schedule(*ps[i], ps[i]->due);
    }
    std::vector<int> cancelled;
    for (int i = 3; i < 200; i += 11) {
        hb.cancel(*ps[i]);
        hb.cancel(*ps[i]);  // twice is harmless
        cancelled.push_back(i);
    }
    CHECK(hb.size() == 200 - cancelled.size());
    io.run();
    CHECK(order.size() == 200 - cancelled.size());
    CHECK(hb.size() == 0);
    for (int c : cancelled) {
        CHECK(std::find(order.begin(), order.end(), c) == order.end());
    }
    for (std::size_t i = 1; i < order.size(); ++i) {
        CHECK(ps[order[i - 1]]->due <= ps[order[i]]->due);
    }
}

TEST_CASE("shard_timers: an entry rescheduling itself from its callback keeps ticking", "[shard_timers]")
{
    boost::asio::io_context io;
    shard_timers hb(io.get_executor());
    std::vector<int> order;
    std::vector<shard_timers::clock::time_point> fired;
    probe a, b;
    for (auto* p : {&a, &b}) {
        p->clock = &hb;
        p->order = &order;
        p->fired_at = &fired;
        p->again = 4;
    }
    a.id = 1;
    b.id = 2;
    a.due = shard_timers::clock::now() + 5ms;
    b.due = a.due;  // the same instant: both fire
    hb.schedule(a, a.due);
    hb.schedule(b, b.due);
    io.run();
    CHECK(std::count(order.begin(), order.end(), 1) == 5);
    CHECK(std::count(order.begin(), order.end(), 2) == 5);
}

TEST_CASE("shard_timers: schedule_by only ever brings a time earlier", "[shard_timers]")
{
    boost::asio::io_context io;
    shard_timers t(io.get_executor());
    std::vector<int> order;
    std::vector<shard_timers::clock::time_point> fired;
    probe p;
    p.clock = &t;
    p.order = &order;
    p.fired_at = &fired;
    const auto t0 = shard_timers::clock::now();
    t.schedule_by(p, t0 + 300ms);
    t.schedule_by(p, t0 + 600ms);  // later: ignored
    t.schedule_by(p, t0 + 10ms);   // earlier: taken
    p.due = t0 + 10ms;
    io.run();
    REQUIRE(fired.size() == 1);
    CHECK(fired[0] - t0 < 300ms);
}

TEST_CASE("shard_timers: an entry destroyed while scheduled leaves the clock", "[shard_timers]")
{
    boost::asio::io_context io;
    shard_timers hb(io.get_executor());
    std::vector<int> order;
    std::vector<shard_timers::clock::time_point> fired;
    {
        probe gone;
        gone.clock = &hb;
        gone.order = &order;
        gone.fired_at = &fired;
        gone.due = shard_timers::clock::now() + 5ms;
        hb.schedule(gone, gone.due);
        CHECK(hb.size() == 1);
    }
    CHECK(hb.size() == 0);
    io.run();
    CHECK(order.empty());
}
