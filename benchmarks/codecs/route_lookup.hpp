#pragma once
/// The route-table half of sb_codec_bench: generated perfect-hash lookup against
/// std::unordered_map, for event names that hit and names that nearly do.
#include "timing.hpp"

#include <string>
#include <vector>

namespace bench {

struct route_row {
    std::string table; ///< e.g. "chat_routes hits"
    std::size_t queries = 0; ///< distinct names cycled through
    measurement generated, unordered_map;
};

/// Times `calls` lookups per round on each side.
std::vector<route_row> bench_routes(std::uint64_t calls);

} // namespace bench
