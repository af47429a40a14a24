// Must NOT compile: `message` is declared `to topic, dm`, not `to lobby`.
#include "chat.rtdl.hpp"

void broadcast_to_wrong_room(const acme::chat::chat_context& ctx)
{
#ifdef RTDL_RIGHT_ROOM
    ctx.rooms().topic("cpp").emit_message(acme::chat::ChatMessage{});
#else
    ctx.rooms().lobby().emit_message(acme::chat::ChatMessage{});
#endif
}
