// Compiles: the generated maps type socket.io-client's emit/on/emitWithAck.
import { io, Socket } from "socket.io-client";
import { ClientToServerEvents, ServerToClientEvents, JoinAck, RtdlError, chatPath } from "./chat.rtdl";

const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`http://localhost:3000${chatPath}`);

socket.on("message", (msg) => {
    const text: string = msg.text;
    const mentions: string[] = msg.mentions;
    void text;
    void mentions;
});
socket.on("presence", (p) => {
    const state: "online" | "away" | "offline" = p.presence;
    void state;
});
socket.emit("typing", { room: "room:cpp", typing: true });
socket.emit("join_room", { name: "cpp" }, (reply: JoinAck | RtdlError) => {
    if ("error" in reply)
        console.log(reply.error.code, reply.error.pointer);
    else
        console.log(reply.history.length, reply.members);
});

export async function send(): Promise<void> {
    const ack = await socket.timeout(5000).emitWithAck("send_message", {
        room: "room:cpp",
        text: "hi",
        client_nonce: "n1",
    });
    if (!("error" in ack))
        console.log(ack.id, ack.sent_at);
}

// $join/$leave take a key of a room clients may join (topic, dm; not the server-joined lobby).
export async function rooms(): Promise<void> {
    const joined = await socket.timeout(5000).emitWithAck("$join", "room:cpp");
    if (!("error" in joined))
        console.log(joined.room);
    socket.emit("$leave", "dm:alice:bob", (reply) => void reply);
}
