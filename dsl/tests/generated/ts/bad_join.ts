// Must NOT compile: "lobby" is joined by the server only, so it is no `$join` key.
import { io, Socket } from "socket.io-client";
import { ClientToServerEvents, ServerToClientEvents } from "./chat.rtdl";

const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io("http://localhost:3000/chat");
socket.emit("$join", "lobby", (reply) => void reply);
