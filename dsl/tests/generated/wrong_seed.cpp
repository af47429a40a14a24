// Must NOT compile: a hand-written route table whose seed is not the one rtdlc found for
// these slots fails its static_assert. With RTDL_RIGHT_SEED it compiles (and matches the
// generated chat table).
#include "chat.rtdl.hpp"

namespace {

#ifdef RTDL_RIGHT_SEED
constexpr std::uint32_t seed = 3;
#else
constexpr std::uint32_t seed = 4;
#endif
constexpr unsigned bits = 4;
constexpr std::size_t e = ::sb_rtdl::route_npos;
constexpr std::array<std::string_view, 6> names{{"join_room", "leave_room", "open_dm", "send_message", "typing", "kick"}};
constexpr std::array<std::size_t, 16> slots{{e, 1, 0, 4, e, 5, 2, e, 3, e, e, e, e, e, e, e}};
static_assert(::sb_rtdl::route_table_ok(names, slots, seed, bits), "route table hash has a collision");

#ifdef RTDL_RIGHT_SEED
namespace r = acme::chat::chat_routes;
static_assert(r::seed == seed && r::bits == bits && r::names == names && r::slots == slots);
#endif

} // namespace
