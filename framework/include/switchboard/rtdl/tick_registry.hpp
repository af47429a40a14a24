#pragma once
/** @file
    Which rooms' `tick` loops run (a room with `tick = 50ms` runs one loop while it has
    members, on any number of shards).
*/
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sb_rtdl {

/** The room keys whose `tick` loop runs. A join `demand`s a loop (true: start one); a
    loop that finds its room empty `finish`es unless a join came in meanwhile (its
    `epoch` moved on).
*/
class tick_registry {
public:
    bool demand(const std::string& key);
    std::uint64_t epoch(const std::string& key);
    bool finish(const std::string& key, std::uint64_t epoch);

private:
    std::mutex mutex_;
    std::unordered_map<std::string, std::uint64_t> loops_;
};

} // namespace sb_rtdl
