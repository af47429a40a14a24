'use strict';
// One Node node of a test cluster: socket.io 4.8 with the official @socket.io/redis-adapter
// 8.x over node-redis 4. The same contract as sb_cluster_node.cpp (CONTRACT.md), so a
// cluster may mix both kinds. Usage: node node_cluster_node.js --port P --redis URL --name N
const path = require('node:path');
const http = require('node:http');
const ROOT = path.resolve(__dirname, '..', '..');
const { Server } = require(path.join(ROOT, 'node_modules', 'socket.io'));
const { createAdapter } = require(path.join(ROOT, 'node_modules', '@socket.io', 'redis-adapter'));
const { createClient } = require(path.join(ROOT, 'node_modules', 'redis'));

function arg(name, def) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}
const name = arg('--name', 'node');
const url = arg('--redis', 'redis://127.0.0.1:6379');
const requestsTimeout = Number(arg('--requests-timeout', '2000'));

function select(io, o) {
  let op = io;
  if (o.room !== undefined) op = op.to(o.room);
  if (o.except !== undefined) op = op.except(o.except);
  if (o.local) op = op.local;
  return op;
}

async function main() {
  const pub = createClient({ url });
  const sub = pub.duplicate();
  pub.on('error', () => {});
  sub.on('error', () => {});
  await Promise.all([pub.connect(), sub.connect()]);
  const httpServer = http.createServer();
  const io = new Server(httpServer, { adapter: createAdapter(pub, sub, { requestsTimeout }) });

  io.on('ping', (cb) => cb(`pong:${name}`));
  io.on('note', (...args) => io.local.emit('noted', ...args));

  // The contract on `/`, and on `/durable` (Switchboard numbers that one through its
  // durable layer; Node, like any peer of the classic adapter, sees plain broadcasts).
  const serve = (nsp) => nsp.on('connection', (socket) => {
    socket.on('name', (cb) => cb(name));
    socket.on('join', (room, cb) => { socket.join(room); cb('ok'); });
    socket.on('leave', (room, cb) => { socket.leave(room); cb('ok'); });
    socket.on('my_rooms', (cb) => cb([...socket.rooms].sort()));
    socket.on('emit', (o, cb) => { select(nsp, o).emit(o.event, ...(o.args || [])); cb('ok'); });
    socket.on('emit_from_me', (o, cb) => {
      (o.room !== undefined ? socket.to(o.room) : socket.broadcast).emit(o.event, ...(o.args || []));
      cb('ok');
    });
    socket.on('fetch', async (o, cb) => {
      try {
        const sockets = await select(nsp, o).fetchSockets();
        const out = { ids: sockets.map((s) => s.id).sort(), partial: false };
        if (sockets.length) out.sample = { rooms: [...sockets[0].rooms], data: sockets[0].data ?? null };
        cb(out);
      } catch (e) {
        cb({ ids: [], partial: true, error: e.message });
      }
    });
    socket.on('set_data', (d, cb) => { socket.data = d; cb('ok'); });
    socket.on('room_size', async (room, cb) => cb((await nsp.in(room).fetchSockets()).length));
    socket.on('rooms', async (cb) => {
      const sockets = await io.fetchSockets();
      const sizes = {};
      for (const s of sockets) for (const r of s.rooms) if (r !== s.id) sizes[r] = (sizes[r] || 0) + 1;
      cb(sizes);
    });
    socket.on('sockets', (o, cb) => {
      const op = select(nsp, o);
      if (o.join !== undefined) op.socketsJoin(o.join);
      else if (o.leave !== undefined) op.socketsLeave(o.leave);
      else if (o.disconnect !== undefined) op.disconnectSockets(o.disconnect);
      cb('ok');
    });
    socket.on('ask', async (o, cb) => {
      try {
        const responses = await select(nsp, o).timeout(o.timeout).emitWithAck(o.event || 'question', ...(o.args || []));
        cb({ responses: responses.map((r) => JSON.stringify(r)).sort().map((t) => JSON.parse(t)), missing: 0, timeout: false });
      } catch (e) {
        const responses = e.responses || [];
        cb({ responses: responses.map((r) => JSON.stringify(r)).sort().map((t) => JSON.parse(t)), timeout: true });
      }
    });
    socket.on('server_emit', (o, cb) => { nsp.serverSideEmit(o.event, ...(o.args || [])); cb('ok'); });
    socket.on('server_ask', async (o, cb) => {
      try {
        const responses = await nsp.serverSideEmitWithAck(o.event, ...(o.args || []));
        cb({ responses: responses.map((r) => JSON.stringify(r)).sort().map((t) => JSON.parse(t)), timeout: false });
      } catch (e) {
        cb({ responses: (e.responses || []).map((r) => JSON.stringify(r)).sort().map((t) => JSON.parse(t)), timeout: true });
      }
    });
    socket.on('server_count', async (cb) => cb(await io.of('/').adapter.serverCount()));
  });
  serve(io.of('/'));
  serve(io.of('/durable'));

  httpServer.listen(Number(arg('--port', '0')), '127.0.0.1', () => {
    process.stdout.write(`listening ${httpServer.address().port}\n`);
  });
  const stop = () => { io.close(); pub.quit().catch(() => {}); sub.quit().catch(() => {}); process.exit(0); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e) => { console.error(e); process.exit(1); });
