'use strict';
// Helpers for the cluster tests: a real redis-server on a free loopback port, nodes of
// both kinds (Switchboard's sb_cluster_node, Node's node_cluster_node.js), clients.
// Every wait has a deadline; every process is killed when the test ends.
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const { io } = require(path.join(ROOT, 'node_modules', 'socket.io-client'));
const SB_NODE = process.env.SB_CLUSTER_NODE || path.join(ROOT, 'build', 'tests', 'cluster', 'sb_cluster_node');
const REDIS = process.env.REDIS_SERVER || 'redis-server';
const WAIT = 4000;

const children = new Set();
process.on('exit', () => { for (const c of children) try { c.kill('SIGKILL'); } catch {} });

function withTimeout(p, ms, what) {
  let t;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise((_, reject) => { t = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms); }),
  ]);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

function track(child, label) {
  children.add(child);
  child.stderrText = '';
  child.stderr.on('data', (d) => {
    child.stderrText += d;
    if (process.env.SB_VERBOSE) process.stderr.write(`[${label}] ${d}`);
  });
  child.on('exit', () => children.delete(child));
  return child;
}

/** Starts redis-server on `port` (a fresh one if omitted; `extra` flags); resolves once it answers PING. */
async function startRedis(port, extra = []) {
  port = port || (await freePort());
  const child = track(spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--protected-mode', 'no', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] }), `redis:${port}`);
  child.stdout.on('data', () => {});
  await withTimeout((async () => {
    for (;;) {
      try { if ((await redisCommand(port, ['PING'])).startsWith('+PONG')) return; } catch {}
      await sleep(50);
    }
  })(), WAIT, `redis-server on ${port}`);
  return { port, url: `redis://127.0.0.1:${port}`, child, stop: () => stopChild(child, 'SIGKILL') };
}

/** Sends one command (inline RESP) to Redis and resolves with the raw reply text. */
function redisCommand(port, args) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let out = '';
    const parts = [`*${args.length}\r\n`];
    for (const a of args) { const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a)); parts.push(`$${b.length}\r\n`, b, '\r\n'); }
    s.on('connect', () => { for (const p of parts) s.write(p); });
    s.on('data', (d) => { out += d; if (out.endsWith('\r\n')) { s.end(); resolve(out); } });
    s.on('error', reject);
    s.setTimeout(WAIT, () => { s.destroy(); reject(new Error('redis command timed out')); });
  });
}

/**
 * Resolves once Redis stops answering (a CLIENT PAUSE or DEBUG SLEEP sent just before has
 * taken effect): a PING that gets no answer within 100 ms. Under load, a fixed sleep after
 * sending the stall was not always enough for it to reach Redis.
 */
async function redisStalled(port, ms = 5000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const answered = await Promise.race([redisCommand(port, ['PING']).then(() => true, () => true), sleep(100).then(() => false)]);
    if (!answered) return;
  }
  throw new Error(`redis on ${port} did not stall within ${ms} ms`);
}

/**
 * A TCP relay on a free loopback port to `port` that holds everything `delayMs` in each
 * direction, the connect included: a node behind it hears Redis late, as one on a far or
 * busy network would. The order of bytes is kept. Resolves with { port, url, stop }.
 */
async function startDelayProxy(port, delayMs) {
  const open = new Set();
  const server = net.createServer((down) => {
    open.add(down);
    const held = [];
    let up = null;
    const kill = () => { down.destroy(); up?.destroy(); open.delete(down); };
    down.on('data', (d) => setTimeout(() => (up ? up.write(d) : held.push(d)), delayMs));
    down.on('close', kill);
    down.on('error', kill);
    setTimeout(() => {
      if (down.destroyed) return;
      up = net.connect(port, '127.0.0.1', () => { for (const d of held.splice(0)) up.write(d); });
      up.on('data', (d) => setTimeout(() => { if (!down.destroyed) down.write(d); }, delayMs));
      // What Redis sent before it closed still arrives, late, then the close.
      up.on('close', () => setTimeout(kill, delayMs));
      up.on('error', () => setTimeout(kill, delayMs));
    }, delayMs);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const p = server.address().port;
  return {
    port: p, url: `redis://127.0.0.1:${p}`,
    stop: () => new Promise((resolve) => { for (const d of open) d.destroy(); server.close(() => resolve()); }),
  };
}

/** Starts a node: kind 'sb' (Switchboard) or 'node' (Node + official adapter). */
async function startNode(kind, name, redisUrl, extra = []) {
  const cmd = kind === 'sb'
    ? [SB_NODE, '--name', name, '--redis', redisUrl, '--port', '0', ...extra]
    : [process.execPath, path.join(ROOT, 'tests', 'cluster', 'node_cluster_node.js'), '--name', name, '--redis', redisUrl, '--port', '0', ...extra];
  const child = track(spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }), name);
  const port = await withTimeout(new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => { out += d; const m = /listening (\d+)/.exec(out); if (m) resolve(Number(m[1])); });
    child.on('exit', (code, sig) => reject(new Error(`${name} exited (${code ?? sig}): ${child.stderrText}`)));
  }), 8000, `${name} listening`);
  return { kind, name, port, url: `http://127.0.0.1:${port}`, child, stop: (sig = 'SIGTERM') => stopChild(child, sig) };
}

function stopChild(child, sig = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return withTimeout(new Promise((resolve) => { child.once('exit', resolve); child.kill(sig); }), 5000, 'process exit')
    .catch(() => child.kill('SIGKILL'));
}

/**
 * Real nginx on a free loopback port in front of `nodes`. Fresh websocket connections go
 * round-robin (a websocket session needs no stickiness; a dead node's connection is
 * refused and nginx tries the next); with `sticky`, anything carrying a session id and
 * every polling request goes to an ip_hash pool (polling needs the owner of the session).
 * Resolves with { url, stop } once nginx accepts connections.
 */
async function startNginx(nodes, { sticky = true } = {}) {
  const fs = require('node:fs');
  const os = require('node:os');
  const { spawnSync } = require('node:child_process');
  const bin = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p));
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-nginx-'));
  const servers = nodes.map((n) => `server 127.0.0.1:${n.port} max_fails=1 fail_timeout=30s;`).join(' ');
  const pool = sticky ? 'map "$arg_transport:$arg_sid" $pool { "~^websocket:$" rr; default sticky; }' : 'map "" $pool { default rr; }';
  fs.writeFileSync(path.join(dir, 'nginx.conf'), `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr ${process.env.SB_VERBOSE ? 'warn' : 'crit'};
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream sticky { ip_hash; ${servers} }
  upstream rr { ${servers} }
  ${pool}
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:${port};
    location /socket.io/ {
      proxy_pass http://$pool;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_buffering off;
      proxy_read_timeout 60s;
    }
  }
}
`);
  const check = spawnSync(bin, ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  const child = track(spawn(bin, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'],
    { stdio: ['ignore', 'ignore', 'pipe'] }), 'nginx');
  await until(() => new Promise((resolve) => {
    net.connect(port, '127.0.0.1').on('connect', function () { this.destroy(); resolve(true); }).on('error', () => resolve(false));
  }), WAIT, 'nginx listening');
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => { await stopChild(child, 'SIGQUIT'); fs.rmSync(dir, { recursive: true, force: true }); },
  };
}

/** A fresh Redis, Switchboard nodes named `names`, and round-robin nginx in front. */
async function startCluster(names, { sticky = false } = {}) {
  const redis = await startRedis();
  const nodes = await Promise.all(names.map((n) => startNode('sb', n, redis.url)));
  const nginx = await startNginx(nodes, { sticky });
  return {
    redis, nodes, nginx,
    stop: async () => {
      await nginx.stop();
      await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
      await redis.stop();
    },
  };
}

const hasNginx = () => ['/usr/sbin/nginx', '/usr/bin/nginx'].some((p) => require('node:fs').existsSync(p));

/** A connected client of `node`, with a list of every event it received. */
async function connect(node, opts = {}) {
  const socket = io(node.url, { transports: ['websocket'], reconnection: false, forceNew: true, ...opts });
  socket.received = [];
  socket.onAny((event, ...args) => socket.received.push({ event, args }));
  await withTimeout(new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  }), WAIT, `connect to ${node.name}`);
  return socket;
}

/** Emits with an ack and a deadline. */
function call(socket, event, ...args) {
  return withTimeout(socket.timeout(WAIT).emitWithAck(event, ...args), WAIT + 500, `ack of ${event}`);
}

/** Resolves when `pred()` holds, polling; fails after `ms`. */
async function until(pred, ms = WAIT, what = 'condition') {
  const end = Date.now() + ms;
  for (;;) {
    if (await pred()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const events = (socket, name) => socket.received.filter((e) => e.event === name).map((e) => e.args);

/** Waits until every node sees `n` servers (subscriptions are asynchronous). */
async function settle(clients, n) {
  for (const c of clients) await until(async () => (await call(c, 'server_count')) === n, 8000, `server_count ${n}`);
}

module.exports = { assert, ROOT, io, sleep, freePort, startRedis, redisCommand, redisStalled, startDelayProxy, startNode, startNginx, startCluster, hasNginx, stopChild, connect, call, until, events, settle, withTimeout };
