#!/usr/bin/env node
// The Node peer for benchmarks/run.sh: socket.io 4.8.4, run as is (one process, one thread,
// no native ws addons), implementing the benchmark contract of benchmarks/loadgen/CONTRACT.md.
//
//   node benchmarks/peers/node_server.js --port N     (0 = pick a free port)
//
// Prints "listening <port>" on stdout once ready; exits 0 on SIGTERM/SIGINT.
'use strict';

const http = require('node:http');
const { Server } = require('socket.io'); // resolves to <repo>/node_modules/socket.io

function parseArgs(argv) {
  if (argv.length === 1 && /^\d+$/.test(argv[0])) return { port: Number(argv[0]) }; // bare port, for convenience
  const out = {};
  for (let i = 0; i + 1 < argv.length; i += 2) {
    if (argv[i] === '--port' && /^\d+$/.test(argv[i + 1])) out.port = Number(argv[i + 1]);
    else if (argv[i] === '--redis') out.redis = argv[i + 1]; // a cluster node: the official Redis adapter
    else out.bad = true;
  }
  if (out.port === undefined || out.bad || argv.length % 2) {
    process.stderr.write('usage: node_server.js --port N [--redis URL]\n');
    process.exit(2);
  }
  return out;
}

const { port, redis } = parseArgs(process.argv.slice(2));
const httpServer = http.createServer();
const io = new Server(httpServer, {
  // Both of socket.io's own transports (the default): sb_loadgen --transport polling
  // compares long polling too; a websocket client connects straight to websocket.
  transports: ['polling', 'websocket'],
  serveClient: false,
});

io.on('connection', (socket) => {
  // join(room, ack?): the ack tells the load generator the socket is in the room.
  socket.on('join', (room, ack) => {
    socket.join(String(room));
    if (typeof ack === 'function') ack();
  });
  // publish({room, ...}): broadcast to the room, the sender included if it is a member.
  socket.on('publish', (payload) => {
    if (payload && typeof payload.room === 'string') io.to(payload.room).emit('msg', payload);
  });
  // echo(data, ack): ack with the data.
  socket.on('echo', (data, ack) => {
    if (typeof ack === 'function') ack(data);
  });
});

async function listen() {
  if (redis) {
    const { createClient } = require('redis');
    const { createAdapter } = require('@socket.io/redis-adapter');
    const pub = createClient({ url: redis });
    const sub = pub.duplicate();
    await Promise.all([pub.connect(), sub.connect()]);
    io.adapter(createAdapter(pub, sub));
  }
  httpServer.listen(port, '127.0.0.1', () => {
    process.stdout.write(`listening ${httpServer.address().port}\n`);
  });
}
listen().catch((e) => { console.error(e); process.exit(1); });

function shutdown() {
  io.close();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
