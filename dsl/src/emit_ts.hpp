#pragma once
/** @file
    `--emit=ts`: `<stem>.rtdl.ts`, the payload types and, per namespace, the event maps
    in socket.io-client's typings shape:

    @code{.ts}
    import { io, Socket } from "socket.io-client";
    import { ChatServerToClientEvents, ChatClientToServerEvents } from "./chat.rtdl";
    const s: Socket<ChatServerToClientEvents, ChatClientToServerEvents> = io("/chat");
    const ack = await s.timeout(3000).emitWithAck("join_room", { name: "cpp" });
    @endcode

    An event with an ACK takes a last callback parameter whose argument is the reply or
    `RtdlError` (`{"error":{code,message,pointer?}}`). With exactly one namespace the maps
    are also exported as `ClientToServerEvents`/`ServerToClientEvents`. Imported modules
    are referenced as `import type * as rtdl_<stem> from "./<stem>.rtdl"`, and written too.
    A namespace with rooms a client may join also types `$join`/`$leave`: the key as a
    template literal of the room patterns (`"lobby" | `dm:${string}:${string}``), answered
    `{room}` or `RtdlError`.
*/
#include "model.hpp"

#include <string>

namespace rtdl {

/// The TypeScript of `program.main`.
std::string emit_ts(const model::program& program);
/// The TypeScript of one module (rtdlc writes one file per module, imported ones too, so
/// the `import type` lines of the main file resolve).
std::string emit_ts(const model::module& m);

} // namespace rtdl
