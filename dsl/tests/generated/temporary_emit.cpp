// Must NOT compile: an emit that awaits an ACK, given a temporary payload. GCC 12 destroys
// a temporary bound to a coroutine's reference parameter twice (a double free at run
// time), so the generated header deletes the rvalue overload. The named form compiles.
#include "game.rtdl.hpp"

sb::task<void> ping_with(acme::arena::arena_context ctx)
{
#ifdef RTDL_NAMED_PAYLOAD
    const acme::arena::Ping ping{.server_time = 1};
    auto pong = co_await ctx.emit_ping(ping);
#else
    auto pong = co_await ctx.emit_ping(acme::arena::Ping{.server_time = 1});
#endif
    (void)pong;
}
