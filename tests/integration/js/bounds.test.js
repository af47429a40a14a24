'use strict';
// Resource bounds against peers that misbehave on purpose (sb only: Node has none of these
// bounds). Each case is an attack that used to grow the server or pin a file descriptor for
// ever; the answer is documented in docs/production.md ("Deadlines and bounds"). After every
// case a bystander on every transport is still served.
//
// Whether the server still holds a connection is read from /proc: the server's socket for
// our client port (in /proc/net/tcp) must no longer be among the server's open fds.
const { describe, it, before, afterEach } = require('node:test');
const fs = require('node:fs');
const h = require('./harness');
const { assert } = h;
// Each look reads /proc: every 50 ms is enough for deadlines of seconds.
const until = (cond, ms, what) => h.until(cond, ms, what, 50);

const PING_INTERVAL = 3000;
const PING_TIMEOUT = 1000;
const CLOSE_TIMEOUT = 1000;
const WRITE_TIMEOUT = 1500;

/** The server's resident memory, in bytes. */
function rss(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]) * 1024;
}

/** Whether process `pid` still has an fd open on the TCP connection whose peer is our
    `clientPort` on 127.0.0.1 and whose local port is `serverPort`. */
function holdsConnection(pid, serverPort, clientPort) {
  const hex = (p) => p.toString(16).toUpperCase().padStart(4, '0');
  const local = `0100007F:${hex(serverPort)}`;
  const remote = `0100007F:${hex(clientPort)}`;
  const inodes = new Set();
  for (const line of fs.readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[1] === local && f[2] === remote && f[9] !== '0') inodes.add(f[9]);
  }
  if (inodes.size === 0) return false;
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m && inodes.has(m[1])) return true;
    } catch {
      // closed while we looked
    }
  }
  return false;
}

async function metric(ctx, name) {
  const r = await h.request(ctx.port, { path: '/metrics' });
  const m = new RegExp(`^switchboard_${name} (\\d+)$`, 'm').exec(r.body);
  return m ? Number(m[1]) : NaN;
}

/** A masked client frame (RFC 6455 §5.2). */
function frame(op, payload) {
  const mask = Buffer.from([1, 2, 3, 4]);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] ^= mask[i & 3];
  return Buffer.concat([Buffer.from([0x80 | op, 0x80 | body.length]), mask, body]);
}

describe('resource bounds', h.sbOnly(), () => {
  const ctx = h.useServer([
    '--ping-interval', PING_INTERVAL, '--ping-timeout', PING_TIMEOUT,
    '--close-timeout', CLOSE_TIMEOUT, '--write-timeout', WRITE_TIMEOUT,
  ]);
  let bystanders = [];
  before(async () => {
    bystanders = await Promise.all(h.MODES.map((m) => ctx.connect(m)));
  });
  afterEach(async () => {
    for (let i = 0; i < bystanders.length; i++) await h.assertServed(bystanders[i], `${h.MODES[i].name} bystander`);
  });

  it('a websocket ping flood from a client that never reads: pongs coalesce, the session is cut', async () => {
    const pid = ctx.server.proc.pid;
    const ws = new h.RawTcpWs(ctx.port);
    ctx.track({ close: () => ws.destroy() });
    assert.match(await ws.next(), /^0\{/); // the open packet
    ws.pause(); // from now on nothing is read: pongs and Engine.IO pings pile up server-side
    const clientPort = ws.sock.localPort;
    const before = rss(pid);
    // 300,000 pings of 125 bytes: ~38 MB of pong payloads if each were queued.
    const batch = Buffer.concat(Array.from({ length: 1000 }, () => frame(0x9, Buffer.alloc(125, 'p'))));
    for (let i = 0; i < 300 && !ws.sock.destroyed; i++) {
      if (!ws.sock.write(batch)) await new Promise((r) => ws.sock.once('drain', r).once('close', r));
    }
    const grown = rss(pid) - before;
    assert.ok(grown < 16 * 1024 * 1024, `the server grew by ${(grown / 1048576).toFixed(1)} MB under the flood`);
    // Past the ping timeout the session closes; the peer takes nothing, so the close deadline
    // cuts the connection and its fd is released.
    const timedOut = await metric(ctx, 'connections_timed_out_total');
    await until(() => !holdsConnection(pid, ctx.port, clientPort), PING_INTERVAL + PING_TIMEOUT + CLOSE_TIMEOUT + 4000,
      'the server to release the flooding connection');
    assert.ok((await metric(ctx, 'connections_timed_out_total')) > timedOut, 'counted as timed out');
  });

  it('a websocket peer that never answers the close handshake is cut after the close timeout', async () => {
    const pid = ctx.server.proc.pid;
    const ws = new h.RawTcpWs(ctx.port, undefined, { allowHalfOpen: true });
    ctx.track({ close: () => ws.destroy() });
    ws.autoPong = false; // it reads everything but never answers a ping: "ping timeout"
    assert.match(await ws.next(), /^0\{/);
    const clientPort = ws.sock.localPort;
    await until(() => ws.closeFrame !== null, PING_INTERVAL + PING_TIMEOUT + 2000, 'the server\'s close frame');
    // The client keeps its side open and never sends its close frame back.
    assert.equal(ws.sock.destroyed, false);
    const closedAt = Date.now();
    await until(() => !holdsConnection(pid, ctx.port, clientPort), CLOSE_TIMEOUT + 3000,
      'the server to release the half-closed connection');
    assert.ok(Date.now() - closedAt >= CLOSE_TIMEOUT - 300, 'the peer was given the close timeout');
  });

  it('an EventSource client that stops reading is cut after the write timeout', async () => {
    const pid = ctx.server.proc.pid;
    const pub = ctx.track(await ctx.connect(h.MODES[0], { nsp: '/ticker' }));
    const sock = h.net.connect(ctx.port, '127.0.0.1');
    ctx.track({ close: () => sock.destroy() });
    sock.on('error', () => {});
    await new Promise((r) => sock.once('connect', r));
    sock.write('GET /ticker/sse?symbols=STUCK HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
    await new Promise((r) => sock.once('data', r)); // the head and the retry line
    sock.pause();
    const clientPort = sock.localPort;
    await until(() => holdsConnection(pid, ctx.port, clientPort), 2000, 'the stream to be open');
    const timedOut = await metric(ctx, 'connections_timed_out_total');
    // ~15 MB of events in rounds below the send bound, each given time to reach the writer:
    // the kernel buffers on both sides fill, a write blocks, and only then does the queue
    // pass the bound (one burst would end the stream before anything blocked).
    for (let round = 0; round < 20; round++) {
      assert.equal(await h.ask1(pub, 'publish', {
        event: 'tick', rooms: ['sym:STUCK'], data: { pad: 'x'.repeat(50000) }, repeat: 15,
      }), 'ok');
      await new Promise((r) => setTimeout(r, 20));
    }
    await until(() => !holdsConnection(pid, ctx.port, clientPort), WRITE_TIMEOUT + 4000,
      'the server to release the stuck stream');
    assert.ok((await metric(ctx, 'connections_timed_out_total')) > timedOut, 'counted as timed out');
  });

  it('an sse-transport client that stops reading its stream is cut, and its session ends', async () => {
    const pid = ctx.server.proc.pid;
    const sock = h.net.connect(ctx.port, '127.0.0.1');
    ctx.track({ close: () => sock.destroy() });
    sock.on('error', () => {});
    await new Promise((r) => sock.once('connect', r));
    let head = '';
    sock.on('data', (d) => { if (head.length < 4096) head += d.toString('latin1'); });
    sock.write(`GET ${h.ssePath()} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n`);
    await until(() => /"sid":"([^"]+)"/.test(head), h.WAIT, 'the open packet');
    const sid = /"sid":"([^"]+)"/.exec(head)[1];
    sock.pause();
    const clientPort = sock.localPort;
    const post = (body) => h.request(ctx.port, { method: 'POST', path: h.ssePath(sid), body }).catch((e) => ({ status: 0, body: e.message }));
    assert.equal((await post('40')).body, 'ok');
    const timedOut = await metric(ctx, 'connections_timed_out_total');
    // Echoes of ~90 KB each come back on the stream nobody reads: the write blocks, the
    // queue passes the send bound, the session ends and the stream is cut.
    const big = 'y'.repeat(90000);
    for (let i = 0; i < 150; i++) {
      const r = await post(`42${i}["echo","${big}"]`);
      if (r.status !== 200) break; // the session is gone: what we expect, sooner or later
    }
    await until(() => !holdsConnection(pid, ctx.port, clientPort), WRITE_TIMEOUT + CLOSE_TIMEOUT + 4000,
      'the server to release the stream');
    // Cut by a deadline (timeouts.write or .close), not by the peer going away: the stream
    // that cannot take the rest is not kept for ever.
    assert.ok((await metric(ctx, 'connections_timed_out_total')) > timedOut, 'counted as timed out');
    assert.equal((await post('3')).status, 400, 'the session is gone');
  });
});

describe('HTTP read deadline (timeouts.http_read)', h.sbOnly(), () => {
  // Every TCP connection that is not a session's stream is bounded by it: one that sends
  // nothing, one that stops in the middle of a request, and a keep-alive connection idle
  // since its last answer (the POST connection of a polling or sse client).
  const HTTP_READ = 700;
  const ctx = h.useServer(['--http-read-timeout', HTTP_READ]);

  /** A raw connection whose end (the server's FIN or reset) is timed. */
  async function raw() {
    const sock = h.net.connect(ctx.port, '127.0.0.1');
    ctx.track({ close: () => sock.destroy() });
    let data = '';
    sock.on('data', (d) => { data += d.toString('latin1'); });
    const ended = new Promise((r) => { sock.on('end', r); sock.on('close', r); sock.on('error', r); });
    await new Promise((r) => sock.once('connect', r));
    const t0 = Date.now();
    return { sock, ended, t0, data: () => data };
  }

  async function closedWithin(c, from, lo, hi, what) {
    await h.withTimeout(c.ended, hi + 2000, what);
    const ms = Date.now() - from;
    assert.ok(ms >= lo && ms <= hi, `${what}: closed after ${ms} ms, expected ${lo}-${hi}`);
    assert.ok(!holdsConnection(ctx.server.proc.pid, ctx.port, c.sock.localPort), `${what}: the server let the socket go`);
  }

  it('a connection that sends nothing is closed after it', async () => {
    const c = await raw();
    await closedWithin(c, c.t0, HTTP_READ - 100, HTTP_READ + 1000, 'a silent connection');
    assert.equal(c.data(), '');
  });

  it('a request that stops half way is closed that long after its first bytes', async () => {
    const c = await raw();
    c.sock.write('GET /healthz HTTP/1.1\r\nHo');
    const sent = Date.now();
    await closedWithin(c, sent, HTTP_READ - 100, HTTP_READ + 1000, 'a stalled request');
    assert.equal(c.data(), '', 'nothing is answered to half a request');
  });

  it('a keep-alive connection serves requests with pauses shorter than it, and is closed once idle that long', async () => {
    const c = await raw();
    for (let i = 1; i <= 3; i++) {
      c.sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      await h.until(() => c.data().split('HTTP/1.1 200').length - 1 >= i, h.WAIT, `answer ${i}`);
      await new Promise((r) => setTimeout(r, HTTP_READ / 2)); // idle, but not for long enough
    }
    const answered = Date.now() - HTTP_READ / 2;
    await closedWithin(c, answered, HTTP_READ - 100, HTTP_READ + 1000, 'an idle keep-alive connection');
  });

  it('a polling session outlives its idle POST connection', async () => {
    const { sid } = await h.pollingHandshake(ctx.port);
    const c = await raw(); // the client's keep-alive POST connection
    const body = '40';
    c.sock.write(`POST ${h.pollPath(sid)} HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    await h.until(() => /\r\n\r\nok$/.test(c.data()), h.WAIT, 'the POST answer');
    const answered = Date.now();
    assert.match((await h.request(ctx.port, { path: h.pollPath(sid) })).body, /^40/);
    await closedWithin(c, answered, HTTP_READ - 100, HTTP_READ + 1000, 'the idle POST connection');
    const echo = h.request(ctx.port, { path: h.pollPath(sid) });
    const post = await h.request(ctx.port, { method: 'POST', path: h.pollPath(sid), body: '42["echo","after"]' });
    assert.equal(post.body, 'ok', 'a new connection carries the next POST');
    assert.equal((await echo).body, '42["echo","after"]');
  });

  it('an sse session outlives its idle POST connection; its stream is not bounded by it', async () => {
    const { stream, sid } = await h.rawSse(ctx);
    const c = await raw(); // the client's keep-alive POST connection
    const body = '40';
    c.sock.write(`POST ${h.ssePath(sid)} HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    await h.until(() => /\r\n\r\nok$/.test(c.data()), h.WAIT, 'the POST answer');
    const answered = Date.now();
    assert.match(await stream.next(), /^40\{"sid":/);
    await closedWithin(c, answered, HTTP_READ - 100, HTTP_READ + 1000, 'the idle POST connection');
    // The stream has been as quiet as the POST connection (no ping within 700 ms), and
    // stays open: http_read bounds requests, not a session's stream.
    assert.equal(stream.done, false, 'the sse stream was closed with the POST connection');
    const post = await h.request(ctx.port, { method: 'POST', path: h.ssePath(sid), body: '42["echo","after"]' });
    assert.equal(post.body, 'ok', 'a new connection carries the next POST');
    assert.equal(await stream.next(), '42["echo","after"]');
  });
});
