'use strict';
// End to end: the dispatch rtdlc generates for e2e.rtdl, in a real server
// (rtdl_e2e_server, e2e_server.cpp), driven by the official socket.io-client.
//
// RTDL_E2E_SERVER names the server binary (CTest sets it); default
// <repo>/build/dsl/tests/e2e/rtdl_e2e_server. Every wait has a deadline.

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const { io } = require(path.join(ROOT, 'node_modules', 'socket.io-client'));
// Switchboard's sse transport for socket.io-client, for behaviours run on every transport.
const { SSE } = require(path.join(ROOT, 'clients', 'sse-transport.js'));
const TRANSPORTS = [['websocket', ['websocket']], ['polling', ['polling']], ['sse', [SSE]]];
const SERVER = process.env.RTDL_E2E_SERVER || path.join(ROOT, 'build', 'dsl', 'tests', 'e2e', 'rtdl_e2e_server');
const WAIT = 3000;

let server;
let url;
const open = new Set();

function withTimeout(promise, ms, what) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}

before(async () => {
  server = spawn(SERVER, ['--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  server.stderr.setEncoding('utf8');
  server.stderr.on('data', (d) => {
    stderr += d;
    if (process.env.SB_VERBOSE) process.stderr.write(d);
  });
  const port = await withTimeout(
    new Promise((resolve, reject) => {
      let out = '';
      server.stdout.setEncoding('utf8');
      server.stdout.on('data', (d) => {
        out += d;
        const m = /^listening (\d+)\r?\n/m.exec(out);
        if (m) resolve(Number(m[1]));
      });
      server.once('error', reject);
      server.once('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${stderr}`)));
    }),
    10000,
    'the server to listen',
  );
  url = `http://127.0.0.1:${port}/e2e`;
});

after(() => {
  for (const s of open) s.close();
  if (server) server.kill('SIGTERM');
});

/** Connects with `auth.token = token` (none when undefined); resolves once connected. */
function connect(token, transports = ['websocket']) {
  const socket = io(url, {
    transports,
    forceNew: true,
    reconnection: false,
    auth: token === undefined ? {} : { token },
  });
  open.add(socket);
  return withTimeout(
    new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (e) => reject(e));
    }),
    WAIT,
    `connect as ${token}`,
  );
}

/** The connect_error a refused connection gets. */
function refusal(token) {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: token ? { token } : {} });
  open.add(socket);
  return withTimeout(
    new Promise((resolve, reject) => {
      socket.once('connect', () => reject(new Error('connected, expected a refusal')));
      socket.once('connect_error', (e) => resolve(e));
    }),
    WAIT,
    `connect_error for ${token}`,
  );
}

function ack(socket, event, ...args) {
  return socket.timeout(WAIT).emitWithAck(event, ...args);
}

/** Collects `event`s on `socket`. */
function collect(socket, event) {
  const items = [];
  socket.on(event, (x) => items.push(x));
  return items;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(pred, what, ms = WAIT) {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('rtdl e2e: events', () => {
  it('answers a typed ACK, defaults included', async () => {
    const s = await connect('alice');
    assert.deepEqual(await ack(s, 'echo', { text: 'hi', n: 3 }), { text: 'hi', n: 3 });
    assert.deepEqual(await ack(s, 'echo', { text: 'hi' }), { text: 'hi', n: 0 });
  });

  it('NACKs an sb::app_error from the handler', async () => {
    const s = await connect('alice');
    assert.deepEqual(await ack(s, 'fail', { code: 'nope' }), { error: { code: 'nope', message: 'failed as asked' } });
  });

  it('NACKs a bad payload with the JSON pointer of the offending value', async () => {
    const s = await connect('alice');
    const a = await ack(s, 'echo', { text: '' });
    assert.equal(a.error.code, 'bad_payload');
    assert.equal(a.error.pointer, '/text');
    const b = await ack(s, 'echo', { text: 'ok', n: 'x' });
    assert.equal(b.error.code, 'bad_payload');
    assert.equal(b.error.pointer, '/n');
    const c = await ack(s, 'echo');
    assert.equal(c.error.code, 'bad_payload');
  });

  it('NACKs an unknown event, and counts one sent without an ack id', async () => {
    const s = await connect('alice');
    const a = await ack(s, 'no_such_event', {});
    assert.equal(a.error.code, 'unknown_event');
    const before = (await ack(s, 'stats')).unknown_event;
    s.emit('no_such_event', {});
    s.emit('no_such_event', {});
    assert.equal((await ack(s, 'stats')).unknown_event, before + 2);
  });

  it('rate-limits per connection: NACK with an ack id, counted without', async () => {
    const s = await connect('rater');
    const replies = [await ack(s, 'limited'), await ack(s, 'limited'), await ack(s, 'limited')];
    assert.deepEqual(replies[0], {});
    assert.deepEqual(replies[1], {});
    assert.equal(replies[2].error.code, 'rate_limited');
    const before = (await ack(s, 'stats')).rate_limited;
    s.emit('limited');
    s.emit('limited');
    assert.equal((await ack(s, 'stats')).rate_limited, before + 2);
    // Another connection has its own bucket.
    const t = await connect('rater');
    assert.deepEqual(await ack(t, 'limited'), {});
  });

  it('rate-limits per user across connections, and per ip across users', async () => {
    const a = await connect('pu');
    const b = await connect('pu');
    const c = await connect('someone-else');
    assert.deepEqual(await ack(a, 'per_user'), {});
    assert.equal((await ack(b, 'per_user')).error.code, 'rate_limited');
    assert.deepEqual(await ack(c, 'per_user'), {});
    assert.deepEqual(await ack(a, 'per_ip'), {});
    assert.equal((await ack(c, 'per_ip')).error.code, 'rate_limited');
  });

  it('checks @requires claims before the handler: forbidden', async () => {
    const bob = await connect('bob');
    const a = await ack(bob, 'admin_only');
    assert.equal(a.error.code, 'forbidden');
    const root = await connect('root+admin');
    assert.deepEqual(await ack(root, 'admin_only'), {});
  });

  it('runs event middleware: a refusal is a NACK with its code', async () => {
    const s = await connect('muted');
    const a = await ack(s, 'echo', { text: 'hi' });
    assert.equal(a.error.code, 'muted');
  });

  it('NACKs timeout past the deadline and cancels the handler', async () => {
    const s = await connect('alice');
    const cancelled = collect(s, 'cancelled');
    assert.deepEqual(await ack(s, 'sleep', { ms: 10 }), {});
    const t0 = Date.now();
    const a = await ack(s, 'sleep', { ms: 2000 });
    const took = Date.now() - t0;
    assert.equal(a.error.code, 'timeout');
    assert.ok(took >= 150 && took < 1500, `answered after ${took} ms`);
    await until(() => cancelled.length === 1, "'cancelled' from the cancelled handler");
  });
});

describe('rtdl e2e: emit and disconnect middleware', () => {
  it('emit middleware runs before a typed emit with an ACK, and can stop it', async () => {
    const s = await connect('prober');
    s.on('probe', (_x, cb) => cb({}));
    assert.deepEqual(await ack(s, 'probe_me'), { text: 'answered', n: 0 });
    const t = await connect('noprobe');
    let probed = 0;
    t.on('probe', (_x, cb) => {
      probed++;
      cb({});
    });
    assert.deepEqual(await ack(t, 'probe_me'), { text: 'refused', n: 1 });
    assert.equal(probed, 0);
  });

  it('emit middleware runs before a plain typed emit', async () => {
    // `cancelled` (see the timeout test) goes through the emit hook; here it is refused.
    const t = await connect('noprobe');
    const got = collect(t, 'cancelled');
    assert.equal((await ack(t, 'sleep', { ms: 2000 })).error.code, 'timeout');
    await sleep(200);
    assert.equal(got.length, 0);
  });

  it('disconnect middleware runs when a connection leaves', async () => {
    const watcher = await connect('watcher');
    const before = (await ack(watcher, 'stats')).disconnects;
    const s = await connect('leaver');
    s.disconnect();
    let now = before;
    for (let i = 0; i < 50 && now === before; i++) {
      await sleep(20);
      now = (await ack(watcher, 'stats')).disconnects;
    }
    assert.ok(now > before, 'the disconnect middleware did not run');
  });
});

describe('rtdl e2e: connect middleware', () => {
  it('refuses with CONNECT_ERROR carrying the hook code', async () => {
    const e = await refusal('bad');
    assert.equal(e.message, 'bad token');
    assert.deepEqual(e.data, { code: 'invalid_token' });
  });

  it('refuses a connection without identity when auth = required', async () => {
    const e = await refusal(undefined);
    assert.equal(e.message, 'authentication required');
    assert.deepEqual(e.data, { code: 'unauthenticated' });
  });
});

describe('rtdl e2e: rooms', () => {
  it('join = open: $join and $leave answer with the room key', async () => {
    const s = await connect('alice');
    assert.deepEqual(await ack(s, '$join', 'open:a'), { room: 'open:a' });
    assert.deepEqual(await ack(s, '$join', 'open:a'), { room: 'open:a' }, 'joining twice is fine');
    assert.deepEqual(await ack(s, '$leave', 'open:a'), { room: 'open:a' });
  });

  it('join = server: a client join (and leave) is always refused', async () => {
    const s = await connect('alice');
    assert.equal((await ack(s, '$join', 'staff')).error.code, 'forbidden');
    assert.equal((await ack(s, '$leave', 'staff')).error.code, 'forbidden');
  });

  it('join = handler: on_join_<room> decides', async () => {
    const carol = await connect('carol');
    assert.deepEqual(await ack(carol, '$join', 'guarded:carol'), { room: 'guarded:carol' });
    const dave = await connect('dave');
    const a = await ack(dave, '$join', 'guarded:carol');
    assert.equal(a.error.code, 'not_yours');
  });

  it('join middleware can refuse; unknown and malformed keys are NACKed', async () => {
    const s = await connect('alice');
    assert.equal((await ack(s, '$join', 'open:blocked')).error.code, 'blocked');
    assert.equal((await ack(s, '$join', 'nowhere:1')).error.code, 'unknown_room');
    assert.equal((await ack(s, '$join', { room: 'open:a' })).error.code, 'bad_payload');
  });

  it('max_members: the next join is refused room_full', async () => {
    const a = await connect('m1');
    const b = await connect('m2');
    const c = await connect('m3');
    assert.deepEqual(await ack(a, '$join', 'open:full'), { room: 'open:full' });
    assert.deepEqual(await ack(b, '$join', 'open:full'), { room: 'open:full' });
    assert.equal((await ack(c, '$join', 'open:full')).error.code, 'room_full');
    await ack(a, '$leave', 'open:full');
    assert.deepEqual(await ack(c, '$join', 'open:full'), { room: 'open:full' });
  });

  it('a typed room emit reaches the members only', async () => {
    const a = await connect('ann');
    const b = await connect('ben');
    const c = await connect('cid');
    const got = [a, b, c].map((s) => collect(s, 'said'));
    await ack(a, '$join', 'open:talk');
    await ack(b, '$join', 'open:talk');
    await ack(c, '$join', 'open:elsewhere');
    assert.deepEqual(await ack(a, 'say', { room: 'open:talk', text: 'hello' }), {});
    await until(() => got[0].length === 1 && got[1].length === 1, "'said' at both members");
    assert.deepEqual(got[1][0], { room: 'open:talk', text: 'hello', from: 'ann' });
    await sleep(200);
    assert.equal(got[2].length, 0, 'a non-member got the room emit');
    assert.equal((await ack(c, 'say', { room: 'open:talk', text: 'x' })).error.code, 'not_member');
  });

  it('tick: on_tick_<room> runs for a live room and stops when it is empty', async () => {
    const a = await connect('ticker1');
    const outsider = await connect('ticker2');
    const ticks = collect(a, 'ticked');
    const outside = collect(outsider, 'ticked');
    assert.deepEqual(await ack(a, '$join', 'arena:1'), { room: 'arena:1' });
    await until(() => ticks.length >= 3, 'three ticks');
    assert.deepEqual(
      ticks.slice(0, 3).map((t) => t.n),
      [0, 1, 2],
    );
    assert.equal(ticks[0].room, 'arena:1');
    assert.equal(outside.length, 0);
    await ack(a, '$leave', 'arena:1');
    const n = ticks.length;
    await sleep(300);
    assert.ok(ticks.length <= n + 1, `ticks went on after the room emptied (${ticks.length - n})`);
    // A new member starts a new loop.
    assert.deepEqual(await ack(outsider, '$join', 'arena:1'), { room: 'arena:1' });
    await until(() => outside.length >= 1, 'a tick for the new member');
  });
});

// ---- delivery: namespace "/feed" (resumable, conflate, history, handshake, plain EventSource)

const http = require('node:http');

function feedUrl() {
  return url.replace(/\/e2e$/, '/feed');
}

/** A socket.io-client connection to /feed with `query`; resolves once connected. */
function connectFeed(query) {
  const socket = io(feedUrl(), { transports: ['websocket'], forceNew: true, reconnection: false, query });
  open.add(socket);
  return withTimeout(
    new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (e) => reject(e));
    }),
    WAIT,
    `connect to /feed with ${JSON.stringify(query)}`,
  );
}

/** GET `<path>` of the feed namespace: resolves {status, json}. */
function getJson(path) {
  return withTimeout(
    fetch(feedUrl() + path).then(async (r) => ({ status: r.status, json: await r.json() })),
    WAIT,
    `GET ${path}`,
  );
}

/** A raw EventSource stream, `GET /feed/sse?<query>` (with `Last-Event-ID` when given):
    resolves once the response head arrived, with the parsed events so far. */
function sse(query, lastEventId) {
  const headers = { Accept: 'text/event-stream' };
  if (lastEventId) headers['Last-Event-ID'] = lastEventId;
  return withTimeout(
    new Promise((resolve, reject) => {
      const req = http.get(`${feedUrl()}/sse?${query}`, { headers }, (res) => {
        const stream = { status: res.statusCode, events: [], body: '', close: () => req.destroy() };
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          stream.body += d;
          buf += d;
          let end;
          while ((end = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, end);
            buf = buf.slice(end + 2);
            const e = { event: 'message', id: undefined, data: '' };
            let hasData = false;
            for (const line of block.split('\n')) {
              const colon = line.indexOf(':');
              if (colon === 0) continue; // a comment (heartbeat)
              const field = colon < 0 ? line : line.slice(0, colon);
              const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
              if (field === 'event') e.event = value;
              else if (field === 'id') e.id = value;
              else if (field === 'data') {
                e.data += (hasData ? '\n' : '') + value;
                hasData = true;
              }
            }
            if (hasData) stream.events.push({ ...e, data: JSON.parse(e.data) });
          }
        });
        res.on('error', () => {});
        open.add(stream);
        resolve(stream);
      });
      req.on('error', reject);
    }),
    WAIT,
    `GET /feed/sse?${query}`,
  );
}

describe('rtdl e2e: collect policies of a room-wide emit with an ACK', () => {
  // Four voters in poll:<name>: one answers at once, one after 100 ms, one after 300 ms,
  // one never. Each policy must return as soon as it has heard enough, well before the
  // 1500 ms deadline (bounds are loose for a busy 2-core CI), and say whether it was met.
  const EVENTS = ['ask_all', 'ask_any', 'ask_first2', 'ask_quorum'];
  async function pollRoom(name) {
    const voters = [];
    for (const [i, delay] of [0, 100, 300, null].entries()) {
      // One voter per transport (websocket, polling, sse, websocket): a room-wide ACK
      // gathers answers whatever each member is attached by.
      const v = await connect(`voter${i}`, TRANSPORTS[i % TRANSPORTS.length][1]);
      assert.deepEqual(await ack(v, '$join', `poll:${name}`), { room: `poll:${name}` });
      if (delay !== null) {
        for (const ev of EVENTS) v.on(ev, (q, cb) => setTimeout(() => cb({ yes: true }), delay));
      }
      voters.push(v);
    }
    return voters;
  }
  /** Seats the four voters in poll:<name>, then asks them with policy `kind`. */
  async function tally(name, kind) {
    await pollRoom(name);
    const asker = await connect('asker');
    return ack(asker, 'ask', { room: `poll:${name}`, kind });
  }

  // Answers come at 0, 100 and 300 ms; one never. [policy, replies, missing, timed out,
  // waited at least, waited less than] (bounds loose for a busy 2-core CI).
  const CASES = [
    ['any', 1, 3, false, 0, 600],          // the first answer, at once
    ['first2', 2, 2, false, 90, 1000],     // the second, at 100 ms
    ['quorum', 3, 1, false, 290, 1200],    // 3 of 4, at 300 ms: 2 of 4 is not more than half
    ['all', 3, 1, true, 1450, Infinity],   // the silent voter: the 1500 ms deadline
  ];
  for (const [kind, replies, missing, timedOut, atLeast, below] of CASES) {
    it(`collect ${kind}: ${replies} replies, ${timedOut ? 'timed out' : 'met'} after ${atLeast}+ ms`, async () => {
      const t = await tally(kind, kind);
      assert.equal(t.replies, replies);
      assert.equal(t.missing, missing);
      assert.equal(t.timed_out, timedOut);
      assert.ok(t.waited_ms >= atLeast && t.waited_ms < below, `waited ${t.waited_ms} ms, expected [${atLeast}, ${below})`);
    });
  }

  it('first 2 with a single recipient returns when that one has answered', async () => {
    const s = await connect('lonely');
    assert.deepEqual(await ack(s, '$join', 'poll:lonely'), { room: 'poll:lonely' });
    s.on('ask_first2', (q, cb) => cb({ yes: true }));
    const asker = await connect('asker');
    const t = await ack(asker, 'ask', { room: 'poll:lonely', kind: 'first2' });
    assert.equal(t.replies, 1);
    assert.equal(t.missing, 0);
    assert.equal(t.timed_out, false, 'every recipient answered: nobody else could');
    assert.ok(t.waited_ms < 1000, `all recipients answered: no reason to wait ${t.waited_ms} ms`);
  });

  it('a quorum that cannot be met times out with what came', async () => {
    // Two answering voters and two silent ones: 2 of 4 is not more than half.
    for (const [i, answers] of [true, true, false, false].entries()) {
      const v = await connect(`half${i}`);
      await ack(v, '$join', 'poll:half');
      if (answers) v.on('ask_quorum', (q, cb) => cb({ yes: true }));
    }
    const asker = await connect('asker');
    const t = await ack(asker, 'ask', { room: 'poll:half', kind: 'quorum' });
    assert.equal(t.replies, 2);
    assert.equal(t.missing, 2);
    assert.equal(t.timed_out, true);
    assert.ok(t.waited_ms >= 1450, `gave up after ${t.waited_ms} ms, before the deadline`);
  });
});

describe('rtdl e2e: transports, max_payload and connection-wide settings', () => {
  const base = () => url.replace(/\/e2e$/, '');
  function openNsp(nsp, opts) {
    const s = io(base() + nsp, { forceNew: true, reconnection: false, ...opts });
    open.add(s);
    return withTimeout(
      new Promise((resolve) => {
        s.once('connect', () => resolve({ socket: s }));
        s.once('connect_error', (e) => resolve({ socket: s, error: e }));
      }),
      WAIT,
      `connect to ${nsp}`,
    );
  }
  it('transports = [ws]: polling and sse clients are refused with the allowed list; a websocket one is served', async () => {
    const polled = await openNsp('/wsonly', { transports: ['polling'] });
    assert.ok(polled.error, 'a polling CONNECT to a [ws] namespace must be refused');
    assert.equal(polled.error.message, 'namespace /wsonly takes websocket only');
    assert.deepEqual(polled.error.data, { code: 'transport_not_allowed', transports: ['websocket'] });
    polled.socket.close();
    const streamed = await openNsp('/wsonly', { transports: [SSE] });
    assert.equal(streamed.error?.data?.code, 'transport_not_allowed', 'an sse CONNECT is refused too');
    streamed.socket.close();
    const ws = await openNsp('/wsonly', { transports: ['websocket'] });
    assert.equal(ws.error, undefined);
    assert.deepEqual(await ack(ws.socket, 'hello'), {});
    ws.socket.close();
  });

  it('transports = [polling]: an upgrade to websocket ends the namespace socket with a reason', async () => {
    const ws = await openNsp('/pollonly', { transports: ['websocket'] });
    assert.ok(ws.error, 'a websocket CONNECT to a [polling] namespace must be refused');
    assert.equal(ws.error.data.code, 'transport_not_allowed');
    ws.socket.close();
    const p = await openNsp('/pollonly', { transports: ['polling', 'websocket'], upgrade: true });
    assert.equal(p.error, undefined, 'admitted while polling');
    await withTimeout(new Promise((r) => (p.socket.io.engine.transport.name === 'websocket' ? r() : p.socket.io.engine.once('upgrade', r))), WAIT, 'the upgrade');
    const gone = withTimeout(new Promise((r) => p.socket.once('disconnect', r)), WAIT, 'the disconnect');
    const answer = await ack(p.socket, 'hello');
    assert.equal(answer.error.code, 'transport_not_allowed');
    assert.equal(await gone, 'io server disconnect');
    p.socket.close();
  });

  for (const [name, transports] of TRANSPORTS) {
    it(`max_payload = 2KiB [${name}]: a bigger event is refused with payload_too_large and the socket goes on`, async () => {
      const s = await connect('alice', transports);
      const big = await ack(s, 'echo', { text: 'x'.repeat(3000) });
      assert.equal(big.error.code, 'payload_too_large');
      assert.ok(s.connected);
      assert.deepEqual(await ack(s, 'echo', { text: 'small' }), { text: 'small', n: 0 });
    });
  }

  it('mount() refuses options that disagree with the contract (heartbeat = 20s) instead of ignoring it', async () => {
    const child = spawn(SERVER, ['--port', '0', '--no-configure'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => (err += d));
    const code = await withTimeout(new Promise((r) => child.once('exit', r)), 10000, 'the server to exit');
    assert.equal(code, 2);
    assert.match(err, /mount\("\/wsonly"\): the contract's heartbeat is 20000 ms but engine\.ping_interval is 25000 ms/);
    assert.match(err, /configure_wsonly\(options\)/);
  });

  it('configure() applied the contract: the handshake carries its ping interval', async () => {
    const r = await fetch(`${base()}/socket.io/?EIO=4&transport=polling`);
    const body = await r.text();
    const hello = JSON.parse(body.slice(1));
    assert.equal(hello.pingInterval, 20000);
    assert.equal(hello.pingTimeout, 20000, 'idle_timeout defaults to 2 × heartbeat: 20 s ping timeout');
  });
});

describe('rtdl e2e: delivery (resumable, conflate, history, handshake)', () => {
  it('a valid handshake query reaches the connect middleware and ctx.handshake()', async () => {
    const s = await connectFeed({ symbols: 'AAPL,MSFT', depth: '5', verbose: 'true', level: 'high' });
    assert.deepEqual(await ack(s, 'whoami'), { symbols: ['AAPL', 'MSFT'], level: 'high', depth: 5, verbose: true });
    const d = await connectFeed({});
    assert.deepEqual(await ack(d, 'whoami'), { symbols: [], level: 'low', depth: 1, verbose: false });
    // The middleware joined sym:AAPL from the handshake: the room's tick arrives.
    const got = collect(s, 'tick');
    assert.deepEqual(await ack(d, 'send_tick', { symbol: 'AAPL', price: 1, seq: 1 }), {});
    await until(() => got.length === 1, "'tick' to a room joined from the handshake");
    assert.deepEqual(got[0], { symbol: 'AAPL', price: 1, seq: 1 });
    // `resumable` turned connection state recovery on: the event carried its offset.
    assert.equal(typeof s._pid, 'string', 'no pid: recovery is off');
    assert.match(String(s._lastOffset), /^[^:]+:\d+$/);
  });

  it('a bad handshake query is refused: connect_error, and HTTP 400 with a pointer on /sse', async () => {
    const socket = io(feedUrl(), { transports: ['websocket'], forceNew: true, reconnection: false, query: { depth: '1000' } });
    open.add(socket);
    const e = await withTimeout(
      new Promise((resolve, reject) => {
        socket.once('connect', () => reject(new Error('connected, expected a refusal')));
        socket.once('connect_error', resolve);
      }),
      WAIT,
      'connect_error for a bad handshake',
    );
    assert.equal(e.data.code, 'bad_handshake');

    const r = await sse('symbols=AAPL,bad&depth=5');
    assert.equal(r.status, 400);
    const body = JSON.parse(r.body || '{}');
    r.close();
    assert.equal(body.code, 'bad_handshake');
    assert.match(body.message, /^bad handshake: /);
    assert.equal(body.data.pointer, '/symbols/1');
    const deep = await getJson('/sse?depth=0');
    assert.equal(deep.status, 400);
    assert.equal(deep.json.data.pointer, '/depth');
  });

  it('a resumable room emit carries an id and is replayed with Last-Event-ID, conflated newest per key', async () => {
    const pub = await connectFeed({});
    const live = await sse('symbols=IBM,ORCL');
    assert.equal(live.status, 200);
    await sleep(100); // the stream starts once the connection handler returned
    await ack(pub, 'send_tick', { symbol: 'IBM', price: 10, seq: 1 });
    await until(() => live.events.length === 1, 'the first live tick');
    const first = live.events[0];
    assert.equal(first.event, 'tick');
    assert.match(first.id, /^[^:]+:\d+$/);
    assert.deepEqual(first.data, { symbol: 'IBM', price: 10, seq: 1 });

    await ack(pub, 'send_quote', { symbol: 'IBM', price: 11, seq: 2 });
    await ack(pub, 'send_quote', { symbol: 'IBM', price: 12, seq: 3 });
    await ack(pub, 'send_quote', { symbol: 'ORCL', price: 20, seq: 4 });
    await ack(pub, 'send_tick', { symbol: 'IBM', price: 13, seq: 5 });
    await until(() => live.events.length >= 4, 'the live events');
    live.close();
    // Live, a quote may have been conflated only while queued unsent; every id is distinct.
    const ids = live.events.map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length);

    const again = await sse('symbols=IBM,ORCL', first.id);
    assert.equal(again.status, 200);
    await until(() => again.events.length >= 3, 'the replay');
    await sleep(200);
    again.close();
    assert.deepEqual(
      again.events.map((e) => [e.event, e.data.seq]),
      [
        ['quote', 3],
        ['quote', 4],
        ['tick', 5],
      ],
      'replay: the newest quote per symbol, every tick, in order',
    );
    for (const e of again.events) assert.match(e.id, /^[^:]+:\d+$/);

    // The same history through GET /feed/history (registered as "sym:*" by mount()).
    const h = await getJson('/history?room=sym:IBM');
    assert.equal(h.status, 200);
    assert.deepEqual(
      h.json.events.map((e) => [e.event, e.data.seq]),
      [
        ['tick', 1],
        ['quote', 3],
        ['tick', 5],
      ],
    );
    const after = await getJson(`/history?room=sym:IBM&after=${encodeURIComponent(first.id)}`);
    assert.deepEqual(
      after.json.events.map((e) => e.data.seq),
      [3, 5],
    );
    assert.equal((await getJson('/history?room=lobby')).status, 404, 'a room without history');
    // Short polling carries no identity: a room not open to anyone keeps its history private.
    assert.equal((await getJson('/history?room=vault:IBM')).status, 403, 'a room that is not join = open');
  });
});
