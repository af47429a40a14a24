// The event log in cluster mode (offsets given by the cluster, adapters/redis/durable):
// duplicates, holes and a new epoch, as a claim of a kept session sees them.
#include "core/event_log.hpp"

#include <catch2/catch.hpp>

using namespace sb::detail;

namespace {

void log_event(event_log& log, std::uint64_t offset)
{
    auto e = std::make_shared<logged_event>();
    e->offset = offset;
    e->at = log_clock::now();
    static const sb::recovery_options rec{};
    log.record(e, &rec, [](const std::string&) { return static_cast<const sb::history_options*>(nullptr); });
}

bool adopt(event_log& log, std::string_view epoch, std::uint64_t offset)
{
    std::lock_guard lock(log.mutex());
    if (!log.adopt(epoch, offset)) {
        return false;
    }
    log_event(log, offset);
    return true;
}

} // namespace

TEST_CASE("event log: given offsets, duplicates, holes and epochs", "[event_log]")
{
    event_log log(1, "own");
    log.set_external();
    std::uint64_t after = 0;

    // The first event heard of starts at the cluster's offset: before it is a hole.
    REQUIRE(adopt(log, "e1", 5));
    CHECK(log.epoch() == "e1");
    CHECK(log.id(5) == "e1:5");
    CHECK(log.covers("e1:4", after));  // everything after 4 is here
    CHECK(after == 4);
    CHECK_FALSE(log.covers("e1:3", after));  // 4 was never seen
    CHECK_FALSE(log.covers("e1:6", after));  // newer than the log

    REQUIRE(adopt(log, "e1", 6));
    CHECK_FALSE(adopt(log, "e1", 6));  // a duplicate
    CHECK_FALSE(adopt(log, "e1", 2));  // older
    CHECK(log.covers("e1:5", after));

    // A hole the cluster could not fill: nothing before it can be resumed.
    REQUIRE(adopt(log, "e1", 9));
    CHECK_FALSE(log.covers("e1:6", after));
    CHECK(log.covers("e1:8", after));

    // Redis lost its state: a new epoch counts from 1, the old ids are unknown.
    REQUIRE(adopt(log, "e2", 1));
    CHECK(log.epoch() == "e2");
    CHECK_FALSE(log.covers("e1:9", after));
    CHECK(log.parse_id("e1:9").state == parsed_id::status::other_epoch);
    CHECK(log.covers("e2:1", after));
    CHECK(log.missed(0, {}).events.size() == 1);
}
