// The shard's timers: order, precision, rescheduling and cancelling, on a real
// io_context (timers, no sockets).
#include "core/shard_timers.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <random>
#include <vector>

using namespace sb::detail;
using namespace std::chrono_literals;

namespace {

using time_point = shard_timers::clock::time_point;

/// One io_context, its timers, and what fired, in order.
struct timeline {
    boost::asio::io_context io;
    shard_timers timers{io.get_executor()};
    std::vector<int> order;        // ids, as they fired
    std::vector<time_point> fired;  // when
    std::size_t count(int id) const { return static_cast<std::size_t>(std::count(order.begin(), order.end(), id)); }
};

struct probe final : shard_timer {
    probe(timeline& t, int id) : tl(t), id(id) {}
    ~probe() { tl.timers.cancel(*this); }

    /// Schedules it at `at`, which it then checks it fired at (or just after).
    void at(time_point when)
    {
        due = when;
        tl.timers.schedule(*this, when);
    }

    void on_timer() override
    {
        const auto now = shard_timers::clock::now();
        CHECK(now >= due);
        CHECK(now - due < 50ms);  // loose: CI machines are busy
        tl.order.push_back(id);
        tl.fired.push_back(now);
        if (again-- > 0) {
            at(now + 5ms);
        }
    }

    timeline& tl;
    int id;
    time_point due{};
    int again = 0;  // reschedule itself this many times, 5 ms apart
};

} // namespace

TEST_CASE("shard_timers: each entry fires once, at or just after its time, in time order", "[shard_timers]")
{
    timeline tl;
    std::vector<std::unique_ptr<probe>> ps;
    std::mt19937 rng(7);
    const auto t0 = shard_timers::clock::now();
    for (int i = 0; i < 200; ++i) {
        ps.push_back(std::make_unique<probe>(tl, i));
        ps.back()->at(t0 + std::chrono::milliseconds(10 + rng() % 80));
    }
    // Move some later, some earlier, cancel some: each ends up once at its last time, or never.
    for (int i = 0; i < 200; i += 7) {
        ps[i]->at(t0 + std::chrono::milliseconds(5 + rng() % 100));
    }
    std::vector<int> cancelled;
    for (int i = 3; i < 200; i += 11) {
        tl.timers.cancel(*ps[i]);
        tl.timers.cancel(*ps[i]);  // twice is harmless
        cancelled.push_back(i);
    }
    CHECK(tl.timers.size() == 200 - cancelled.size());
    tl.io.run();
    CHECK(tl.order.size() == 200 - cancelled.size());
    CHECK(tl.timers.size() == 0);
    for (int c : cancelled) {
        CHECK(tl.count(c) == 0);
    }
    for (std::size_t i = 1; i < tl.order.size(); ++i) {
        CHECK(ps[tl.order[i - 1]]->due <= ps[tl.order[i]]->due);
    }
}

TEST_CASE("shard_timers: an entry rescheduling itself from its callback keeps ticking", "[shard_timers]")
{
    timeline tl;
    probe a(tl, 1), b(tl, 2);
    a.again = b.again = 4;
    const auto when = shard_timers::clock::now() + 5ms;
    a.at(when);
    b.at(when);  // the same instant: both fire
    tl.io.run();
    CHECK(tl.count(1) == 5);
    CHECK(tl.count(2) == 5);
}

TEST_CASE("shard_timers: schedule_by only ever brings a time earlier", "[shard_timers]")
{
    timeline tl;
    probe p(tl, 1);
    const auto t0 = shard_timers::clock::now();
    tl.timers.schedule_by(p, t0 + 300ms);
    tl.timers.schedule_by(p, t0 + 600ms);  // later: ignored
    tl.timers.schedule_by(p, t0 + 10ms);   // earlier: taken
    p.due = t0 + 10ms;
    tl.io.run();
    REQUIRE(tl.fired.size() == 1);
    CHECK(tl.fired[0] - t0 < 300ms);
}

TEST_CASE("shard_timers: an entry destroyed while scheduled leaves the clock", "[shard_timers]")
{
    timeline tl;
    {
        probe gone(tl, 1);
        gone.at(shard_timers::clock::now() + 5ms);
        CHECK(tl.timers.size() == 1);
    }
    CHECK(tl.timers.size() == 0);
    tl.io.run();
    CHECK(tl.order.empty());
}
