// Must NOT compile: `text` is a string, and `kick` is not a server-to-client event.
import { io, Socket } from "socket.io-client";
import { ClientToServerEvents, ServerToClientEvents } from "./chat.rtdl";

const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io("/chat");
socket.emit("send_message", { room: "room:cpp", text: 42, client_nonce: "n1" }, () => {});
