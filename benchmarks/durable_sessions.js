'use strict';
// Memory held per recoverable disconnected session, side by side in one run:
//   switchboard  an sb_cluster_node in one Redis, /durable (recovery on): the session
//                is in Redis (bytes from INFO memory), and whatever the node keeps (RSS)
//   node         socket.io 4.8 with connectionStateRecovery, alone (its sessions and the
//                packets they missed live in the process: V8 heap after a full GC)
// Each: N clients connect over websocket, join a room, get one event (so they hold an
// offset), then drop their transport ("transport close": recoverable) and stay away.
// A benchmark, not a test: never run by CI.
//
//   node benchmarks/durable_sessions.js [N]        (default 1000; results/durable-sessions-latest.json)
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const h = require('../tests/cluster/js/cluster.js');

const N = Number(process.argv[2] || 1000);
const rss = (pid) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
const redisMemory = async (port) => Number(/used_memory:(\d+)/.exec(await h.redisCommand(port, ['INFO', 'memory']))[1]);

async function fleet(url, n) {
  const clients = [];
  for (let i = 0; i < n; i += 50) {
    clients.push(...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => h.connect({ url, name: url })))));
  }
  return clients;
}

async function dropAll(clients, emitVia) {
  for (const c of clients) await h.call(c, 'join', 'r');
  await h.call(emitVia, 'emit', { room: 'r', event: 'e', args: [1] });
  await h.until(() => clients.every((c) => c.received.length >= 1), 10000, 'every client has an offset');
  await h.sleep(300);  // session writes
  for (const c of clients) c.io.engine.close();
  await h.sleep(1000);
}

async function switchboard() {
  const redis = await h.startRedis();
  const node = await h.startNode('sb', 'S', redis.url, ['--threads', '1']);
  try {
    const driver = await h.connect({ url: node.url + '/durable' });
    await h.sleep(500);
    const r0 = await redisMemory(redis.port);
    const m0 = rss(node.child.pid);
    const clients = await fleet(node.url + '/durable', N);
    const mConnected = rss(node.child.pid);
    const rConnected = await redisMemory(redis.port);
    await dropAll(clients, driver);
    const r1 = await redisMemory(redis.port);
    const m1 = rss(node.child.pid);
    const keys = Number(/:(\d+)/.exec(await h.redisCommand(redis.port, ['DBSIZE']))[1]);
    driver.close();
    return {
      redis_bytes_per_session: Math.round((r1 - r0) / N),
      redis_bytes_per_connected_session: Math.round((rConnected - r0) / N),
      node_rss_per_connected_socket: Math.round((mConnected - m0) / N),
      node_rss_after_drop_per_session: Math.round((m1 - m0) / N),
      redis_keys: keys,
    };
  } finally {
    await node.stop('SIGKILL');
    await redis.stop();
  }
}

async function nodePeer() {
  const script = `
    const http = require('node:http');
    const { Server } = require(${JSON.stringify(path.join(h.ROOT, 'node_modules', 'socket.io'))});
    const srv = http.createServer();
    const io = new Server(srv, { connectionStateRecovery: { maxDisconnectionDuration: 120000 } });
    io.of('/durable').on('connection', (s) => {
      s.on('join', (r, cb) => { s.join(r); cb('ok'); });
      s.on('emit', (o, cb) => { io.of('/durable').to(o.room).emit(o.event, ...o.args); cb('ok'); });
    });
    process.on('SIGUSR2', () => { global.gc(); global.gc(); console.log('heap ' + process.memoryUsage().heapUsed); });
    srv.listen(0, '127.0.0.1', () => console.log('listening ' + srv.address().port));`;
  const child = spawn(process.execPath, ['--expose-gc', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  const port = await h.withTimeout((async () => { for (;;) { const m = /listening (\d+)/.exec(out); if (m) return Number(m[1]); await h.sleep(20); } })(), 5000, 'node peer');
  const heap = async () => {
    const before = (out.match(/heap \d+/g) || []).length;
    child.kill('SIGUSR2');
    await h.until(() => (out.match(/heap \d+/g) || []).length > before, 5000, 'heap figure');
    const all = out.match(/heap (\d+)/g);
    return Number(all[all.length - 1].slice(5));
  };
  const url = `http://127.0.0.1:${port}/durable`;
  try {
    const driver = await h.connect({ url });
    await h.sleep(500);
    const h0 = await heap();
    const clients = await fleet(url, N);
    const hConnected = await heap();
    await dropAll(clients, driver);
    const h1 = await heap();
    driver.close();
    return { heap_per_connected_socket: Math.round((hConnected - h0) / N), heap_per_disconnected_session: Math.round((h1 - h0) / N) };
  } finally {
    child.kill('SIGKILL');
  }
}

(async () => {
  const sb = await switchboard();
  const nd = await nodePeer();
  const out = {
    command: `node benchmarks/durable_sessions.js ${N}`,
    sessions: N,
    switchboard: sb,
    node: nd,
    held_per_session_bytes: { switchboard_in_redis: sb.redis_bytes_per_session, node_in_process: nd.heap_per_disconnected_session },
    ratio_sb_over_node: nd.heap_per_disconnected_session > 0 ? +(sb.redis_bytes_per_session / nd.heap_per_disconnected_session).toFixed(2) : null,
    note: 'Switchboard keeps a clustered session in Redis only (exact, INFO used_memory); its node RSS figures are informational (the allocator keeps freed pages). Node keeps sessions in its own heap (after a full GC) and cannot recover them on another node.',
  };
  console.log(JSON.stringify(out, null, 1));
  fs.writeFileSync(path.join(h.ROOT, 'benchmarks', 'results', 'durable-sessions-latest.json'), JSON.stringify(out, null, 1) + '\n');
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
