#!/usr/bin/env node
// The raw-WebSocket peer for benchmarks/run.sh: npm `ws` (8.x, no native addons) with the
// least Engine.IO/Socket.IO text the benchmark contract needs (benchmarks/loadgen/CONTRACT.md),
// written by hand with string operations: no socket.io, no parser, no rooms library.
//
// It is a floor, not a framework: one namespace, one room map, no acks other than the two
// the contract uses, no reconnection state, no bounds on what a client sends. What
// Switchboard and socket.io pay for above it is the price of being a framework.
//
//   node benchmarks/peers/ws_server.js --port N     (0 = pick a free port)
//
// Prints "listening <port>" on stdout once ready; exits 0 on SIGTERM/SIGINT.
'use strict';

const http = require('node:http');
const { WebSocketServer } = require('ws');

const args = process.argv.slice(2);
if (args.length !== 2 || args[0] !== '--port' || !/^\d+$/.test(args[1])) {
  process.stderr.write('usage: ws_server.js --port N\n');
  process.exit(2);
}

const PING_INTERVAL = 25000;
const rooms = new Map();  // room -> Set of sockets
let nextSid = 0;

const httpServer = http.createServer((req, res) => { res.writeHead(400); res.end(); });
const wss = new WebSocketServer({ server: httpServer, path: '/socket.io/', perMessageDeflate: false });

wss.on('connection', (ws) => {
  const sid = `r${(nextSid++).toString(36)}`;
  ws.rooms = [];
  ws.send(`0{"sid":"${sid}","upgrades":[],"pingInterval":${PING_INTERVAL},"pingTimeout":20000,"maxPayload":1000000}`);
  ws.pinger = setInterval(() => ws.send('2'), PING_INTERVAL);
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const p = data.toString();
    if (p === '3') return;  // pong
    if (p === '40' || p.startsWith('40{')) { ws.send(`40{"sid":"${sid}"}`); return; }
    if (!p.startsWith('42')) return;
    // 42[<id>]["event",arg]: the ack id is the digits before the '['.
    const bracket = p.indexOf('[');
    if (bracket < 0) return;
    const id = p.slice(2, bracket);
    let msg;
    try { msg = JSON.parse(p.slice(bracket)); } catch { return; }
    if (!Array.isArray(msg)) return;
    const [event, arg] = msg;
    if (event === 'echo') {
      if (id) ws.send(`43${id}[${JSON.stringify(arg)}]`);
    } else if (event === 'join' && typeof arg === 'string') {
      let set = rooms.get(arg);
      if (!set) rooms.set(arg, (set = new Set()));
      set.add(ws);
      ws.rooms.push(arg);
      if (id) ws.send(`43${id}[]`);
    } else if (event === 'publish' && arg && typeof arg.room === 'string') {
      const set = rooms.get(arg.room);
      if (!set) return;
      // The frame's text is built once; ws frames it per socket (no shared pre-framed bytes).
      const text = `42["msg",${JSON.stringify(arg)}]`;
      for (const s of set) s.send(text);
    }
  });
  ws.on('close', () => {
    clearInterval(ws.pinger);
    for (const r of ws.rooms) {
      const set = rooms.get(r);
      if (set) { set.delete(ws); if (set.size === 0) rooms.delete(r); }
    }
  });
  ws.on('error', () => {});
});

httpServer.listen(Number(args[1]), '127.0.0.1', () => {
  process.stdout.write(`listening ${httpServer.address().port}\n`);
});
const stop = () => { for (const c of wss.clients) c.terminate(); httpServer.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
