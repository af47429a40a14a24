// The shard's handler deadlines (core/call_deadlines.hpp): a FIFO on one asio timer.
// Order, clearing (the common case: the handler answered), out-of-order times, and
// deadlines set from a deadline, on a real io_context.
#include "core/call_deadlines.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <functional>
#include <memory>
#include <vector>

using namespace sb::detail;
using namespace std::chrono_literals;

namespace {

using clock_type = call_deadlines::clock;

struct timeline {
    boost::asio::io_context io;
    call_deadlines deadlines{io};
    std::vector<int> fired;
};

struct call final : call_deadline {
    call(timeline& t, int id) : tl(t), id(id) {}
    ~call() { tl.deadlines.clear(*this); }
    void on_deadline() override
    {
        CHECK(clock_type::now() >= due);
        CHECK_FALSE(pending());  // off the list before it is told
        tl.fired.push_back(id);
        if (then) {
            then();
        }
    }
    void set(clock_type::duration in)
    {
        due = clock_type::now() + in;
        tl.deadlines.set(*this, due);
    }
    timeline& tl;
    int id;
    clock_type::time_point due{};
    std::function<void()> then;
};

} // namespace

TEST_CASE("call_deadlines: due ones fire in time order; cleared ones never", "[call_deadlines]")
{
    timeline t;
    call a(t, 1), b(t, 2), c(t, 3), d(t, 4);
    a.set(10ms);
    b.set(20ms);
    c.set(30ms);
    d.set(40ms);
    CHECK(b.pending());
    t.deadlines.clear(b);  // answered in time
    CHECK_FALSE(b.pending());
    t.deadlines.clear(b);  // twice is harmless
    t.deadlines.clear(a);  // the oldest, for which the timer is armed
    t.io.run_for(200ms);
    CHECK(t.fired == std::vector<int>{3, 4});
    CHECK(t.deadlines.empty());
}

TEST_CASE("call_deadlines: a deadline earlier than the newest is kept in order", "[call_deadlines]")
{
    timeline t;
    call a(t, 1), b(t, 2), c(t, 3);
    a.set(60ms);
    b.set(30ms);  // handler_deadline shortened meanwhile: walks back past a
    c.set(5ms);   // ... and becomes the oldest: the timer is re-armed for it
    t.io.run_for(20ms);
    CHECK(t.fired == std::vector<int>{3});
    t.io.restart();
    t.io.run_for(200ms);
    CHECK(t.fired == std::vector<int>{3, 2, 1});
}

TEST_CASE("call_deadlines: a deadline may set another, and destroying a pending one clears it", "[call_deadlines]")
{
    timeline t;
    call a(t, 1), b(t, 2);
    auto gone = std::make_unique<call>(t, 3);
    a.then = [&] { b.set(10ms); };
    a.set(5ms);
    gone->set(8ms);
    gone.reset();  // a frame destroyed with its deadline pending
    t.io.run_for(200ms);
    CHECK(t.fired == std::vector<int>{1, 2});
    CHECK(t.deadlines.empty());
}

TEST_CASE("call_deadlines: many set and cleared at once leave the timer idle", "[call_deadlines]")
{
    timeline t;
    std::vector<std::unique_ptr<call>> calls;
    for (int i = 0; i < 1000; ++i) {
        calls.push_back(std::make_unique<call>(t, i));
        calls.back()->set(5ms);
    }
    for (int i = 0; i < 1000; i += 2) {
        t.deadlines.clear(*calls[static_cast<std::size_t>(i)]);
    }
    t.io.run_for(100ms);
    REQUIRE(t.fired.size() == 500);
    for (std::size_t i = 0; i < t.fired.size(); ++i) {
        CHECK(t.fired[i] == static_cast<int>(2 * i + 1));
    }
}
