'use strict';
// Shared helpers for the integration suite (node --test tests/integration/js/).
//
// Server under test: SB_SERVER=node → `node tests/integration/reference_server.js`,
// otherwise the binary in SB_TEST_SERVER (default <repo>/build/tests/integration/sb_test_server).
// SB_VERBOSE=1 copies the server's stderr to ours. SB_REFERENCE_SERVER overrides the reference
// script (e.g. a deliberately broken copy, to check that the tests catch the breakage).
//
// Every wait in here has a deadline, so a broken server fails a test instead of hanging it.

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const http = require('node:http');
const net = require('node:net');
const crypto = require('node:crypto');
const path = require('node:path');
const { before, after, beforeEach, afterEach, describe } = require('node:test');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const { io, Manager } = require(path.join(ROOT, 'node_modules', 'socket.io-client'));
const WebSocket = require(path.join(ROOT, 'node_modules', 'ws'));
// Switchboard's sse transport for socket.io-client (clients/sse-transport.js), with the
// websocket transport class to put beside it in `transports`.
const { SSE, WebSocket: WebSocketTransport } = require(path.join(ROOT, 'clients', 'sse-transport.js'));

const IS_NODE = process.env.SB_SERVER === 'node';
const SERVER_CMD = IS_NODE
  ? [process.execPath, process.env.SB_REFERENCE_SERVER || path.join(ROOT, 'tests', 'integration', 'reference_server.js')]
  : [process.env.SB_TEST_SERVER || path.join(ROOT, 'build', 'tests', 'integration', 'sb_test_server')];

/** Default deadline for a single wait (ms). */
const WAIT = 3000;

/** Test options for tests only Switchboard can pass (skipped against the Node reference):
    it('…', sbOnly(), async () => …) */
function sbOnly(opts = {}) {
  return IS_NODE ? { ...opts, skip: 'sb only: the Node reference server behaves differently' } : opts;
}

/** The transport modes every behaviour runs on. `start`: the transport the client opens
    with; `upgrade`: it then upgrades to websocket. The sse modes use Switchboard's own
    transport, which the Node reference server does not have (`sbOnly`: skipped there). */
const ALL_MODES = [
  { name: 'websocket', opts: { transports: ['websocket'] }, start: 'websocket', upgrade: false },
  { name: 'polling', opts: { transports: ['polling'] }, start: 'polling', upgrade: false },
  { name: 'upgrade', opts: {}, start: 'polling', upgrade: true }, // polling, then upgraded to websocket
  { name: 'sse', opts: { transports: [SSE] }, start: 'sse', upgrade: false, sbOnly: true },
  { name: 'sse-upgrade', opts: { transports: [SSE, WebSocketTransport] }, start: 'sse', upgrade: true, sbOnly: true },
];

/** The modes the server under test has (all five on Switchboard, three on the reference). */
const MODES = ALL_MODES.filter((m) => !(IS_NODE && m.sbOnly));

/** Runs `body(mode)` inside one describe block per transport mode. */
function forEachMode(body) {
  for (const mode of ALL_MODES) {
    if (IS_NODE && mode.sbOnly) describe(`[${mode.name}]`, { skip: 'sb only: no sse transport in the Node reference' }, () => {});
    else describe(`[${mode.name}]`, () => body(mode));
  }
}

// ---------------------------------------------------------------------------------------------
// Waiting

function withTimeout(promise, ms, what) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}

/** Resolves once `cond()` holds (polled every `every` ms), or rejects after `ms`. */
async function until(cond, ms = WAIT, what = 'a condition', every = 10) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** Resolves with the listener args (an array) of the next `event` on `emitter`. Works with
    Node EventEmitters, ws and socket.io-client emitters. `failOn` lists events that reject. */
function once(emitter, event, ms = WAIT, { failOn = [] } = {}) {
  const off = (e, fn) => (emitter.off ? emitter.off(e, fn) : emitter.removeListener(e, fn));
  let onEvent;
  const fails = [];
  const p = new Promise((resolve, reject) => {
    onEvent = (...args) => resolve(args);
    emitter.on(event, onEvent);
    for (const f of failOn) {
      const fn = (...args) => reject(new Error(`got '${f}' while waiting for '${event}': ${fmt(args)}`));
      fails.push([f, fn]);
      emitter.on(f, fn);
    }
  });
  return withTimeout(p, ms, `event '${event}'`).finally(() => {
    off(event, onEvent);
    for (const [f, fn] of fails) off(f, fn);
  });
}

function fmt(args) {
  return args.map((a) => (a instanceof Error ? `${a.message} ${JSON.stringify(a.data)}` : JSON.stringify(a))).join(', ');
}

/** Records every `event` received by `emitter`; `next()` and `waitCount()` wait with deadlines. */
class Inbox {
  constructor(emitter, event) {
    this.items = [];
    this.waiters = [];
    emitter.on(event, (...args) => {
      this.items.push(args);
      this._wake();
    });
    this.event = event;
    this.read = 0;
  }
  _wake() {
    for (const w of this.waiters.splice(0)) w();
  }
  _until(cond, ms, what) {
    if (cond()) return Promise.resolve();
    return withTimeout(
      new Promise((resolve) => {
        const check = () => (cond() ? resolve() : this.waiters.push(check));
        this.waiters.push(check);
      }),
      ms,
      what,
    );
  }
  /** Next not yet read item (listener args array). */
  async next(ms = WAIT) {
    await this._until(() => this.items.length > this.read, ms, `event '${this.event}' #${this.read + 1}`);
    return this.items[this.read++];
  }
  async waitCount(n, ms = WAIT) {
    await this._until(() => this.items.length >= n, ms, `${n} '${this.event}' events (have ${this.items.length})`);
    return this.items;
  }
}

// ---------------------------------------------------------------------------------------------
// Server process

async function startServer(flags = []) {
  const [cmd, ...pre] = SERVER_CMD;
  const args = [...pre, '--port', '0', ...flags.map(String)];
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.length > 200000) stderr = stderr.slice(-100000);
    if (process.env.SB_VERBOSE) process.stderr.write(d);
  });
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const port = await withTimeout(
    new Promise((resolve, reject) => {
      let out = '';
      proc.stdout.setEncoding('utf8');
      proc.stdout.on('data', (d) => {
        out += d;
        const m = /^listening (\d+)\r?\n/m.exec(out);
        if (m) resolve(Number(m[1]));
      });
      proc.once('error', reject);
      exited.then(({ code, signal }) =>
        reject(new Error(`server exited before listening (code ${code}, signal ${signal}): ${stderr}`)),
      );
    }),
    10000,
    `'listening <port>' from ${args.join(' ')}`,
  ).catch((e) => {
    proc.kill('SIGKILL');
    throw e;
  });
  return {
    proc,
    port,
    url: `http://127.0.0.1:${port}`,
    exited,
    stderr: () => stderr,
    alive: () => proc.exitCode === null && proc.signalCode === null,
    /** SIGTERM, then SIGKILL if it has not exited after 3 s. Resolves with {code, signal}. */
    async stop() {
      if (!this.alive()) return exited;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
      const r = await exited;
      clearTimeout(timer);
      return r;
    },
  };
}

/**
 * Starts a server for the enclosing describe block (or file) and returns a context:
 *   ctx.port, ctx.url, ctx.server
 *   ctx.connect(mode, {nsp, auth, manager, waitUpgrade, ...ioOpts}) → a connected socket
 *   ctx.connectError(mode, {nsp, auth, ...}) → the connect_error Error
 *   ctx.track(closeable) → closed after the test (or after the file if created in a before hook)
 * After the block it asserts the server is still running (a crash fails the file), then stops it.
 */
function useServer(flags = []) {
  const ctx = {
    server: null,
    port: 0,
    url: '',
    _long: [],
    _current: null,
  };
  ctx._current = ctx._long;
  ctx.track = (c) => {
    ctx._current.push(c);
    return c;
  };
  ctx.connect = (mode, opts) => connect(ctx, mode, opts);
  ctx.connectError = (mode, opts) => connectError(ctx, mode, opts);
  ctx.manager = (mode, opts = {}) => {
    const m = new Manager(ctx.url, { ...mode.opts, reconnection: false, ...opts });
    ctx.track({ close: () => m.engine && m.engine.close() });
    return m;
  };

  before(async () => {
    ctx.server = await startServer(flags);
    ctx.port = ctx.server.port;
    ctx.url = ctx.server.url;
  });
  beforeEach(() => {
    ctx._current = [];
  });
  afterEach(() => {
    closeAll(ctx._current);
    ctx._current = ctx._long;
  });
  after(async () => {
    closeAll(ctx._long);
    if (!ctx.server) return;
    const alive = ctx.server.alive();
    const r = await ctx.server.stop();
    assert.ok(alive, `the server died during the tests (${JSON.stringify(r)}): ${ctx.server.stderr()}`);
  });
  return ctx;
}

function closeAll(list) {
  for (const c of list.splice(0)) {
    try {
      if (c.io && c.disconnect) {
        c.disconnect();
        if (c.io.engine) c.io.engine.close();
      } else if (c.terminate) c.terminate();
      else if (c.destroy) c.destroy();
      else c.close();
    } catch {
      /* already gone */
    }
  }
}

function makeSocket(ctx, mode, { nsp = '/', auth, manager, ...ioOpts } = {}) {
  let socket;
  if (manager) {
    socket = manager.socket(nsp, auth ? { auth } : {}); // autoConnect: opens by itself
  } else {
    socket = io(ctx.url + (nsp === '/' ? '' : nsp), {
      ...mode.opts,
      forceNew: true,
      reconnection: false,
      ...(auth ? { auth } : {}),
      ...ioOpts,
    });
  }
  ctx.track(socket);
  return socket;
}

/** Opens a socket and waits for 'connect' (and, in upgrade mode, for the websocket upgrade,
    unless waitUpgrade is false). onCreate(socket) runs synchronously right after creation. */
async function connect(ctx, mode, opts = {}) {
  const { waitUpgrade = true, onCreate, ...rest } = opts;
  const socket = makeSocket(ctx, mode, rest);
  if (onCreate) onCreate(socket); // before any I/O has happened
  const engine = socket.io.engine;
  let upgraded = null;
  if (mode.upgrade && !rest.manager) {
    assert.equal(engine.transport.name, mode.start, `upgrade mode must start on ${mode.start}`);
    upgraded = once(engine, 'upgrade', WAIT, { failOn: ['upgradeError'] });
    upgraded.catch(() => {}); // observed below
  }
  await once(socket, 'connect', WAIT, { failOn: ['connect_error'] });
  assert.equal(socket.connected, true);
  if (upgraded && waitUpgrade) await waitUpgraded(socket, upgraded);
  return socket;
}

/** Waits for the engine's 'upgrade' event and asserts the transport really is websocket. */
async function waitUpgraded(socket, pending) {
  const engine = socket.io.engine;
  if (pending) await pending;
  else if (engine.transport.name !== 'websocket') await once(engine, 'upgrade', WAIT, { failOn: ['upgradeError'] });
  assert.equal(engine.transport.name, 'websocket', 'the client did not upgrade to websocket');
}

async function connectError(ctx, mode, opts = {}) {
  const socket = makeSocket(ctx, mode, opts);
  const [err] = await once(socket, 'connect_error', WAIT, { failOn: ['connect'] });
  return err;
}

/** emitWithAck with a deadline; resolves with ALL ack args as an array. */
function ask(socket, event, ...args) {
  return withTimeout(
    new Promise((resolve, reject) =>
      socket.timeout(WAIT).emit(event, ...args, (err, ...reply) => (err ? reject(err) : resolve(reply))),
    ),
    WAIT + 500,
    `ack for '${event}'`,
  );
}

/** Same as ask() but resolves with the first ack argument only. */
async function ask1(socket, event, ...args) {
  const reply = await ask(socket, event, ...args);
  return reply[0];
}

/** Asserts a well-behaved client is still served: an echo with ack comes back. */
async function assertServed(socket, label = 'bystander') {
  assert.equal(socket.connected, true, `${label} was disconnected`);
  const token = `alive-${crypto.randomBytes(4).toString('hex')}`;
  assert.deepEqual(await ask(socket, 'echo', token), [token], `${label} no longer served`);
}

/**
 * Ordering fence: asks the server (through `via`) to emit 'fence' to each socket in `sockets`
 * and waits until each got it. The server writes to a connection in order, so any message
 * emitted to those sockets before the fence that has not arrived by then never will.
 */
async function fence(via, sockets) {
  const token = crypto.randomBytes(4).toString('hex');
  const got = sockets.map((s) =>
    withTimeout(
      new Promise((resolve) => {
        const fn = (t) => {
          if (t === token) {
            s.off('fence', fn);
            resolve();
          }
        };
        s.on('fence', fn);
      }),
      WAIT,
      `fence at ${s.id}`,
    ),
  );
  assert.deepEqual(
    await ask(via, 'server_to_room', { rooms: sockets.map((s) => s.id), event: 'fence', args: [token] }),
    ['ok'],
  );
  await Promise.all(got);
}

/** Waits for the server's disconnect hook to report socket id `id` (the watcher must be in
    room 'watchers' of '/'). Resolves with {id, nsp, reason}. */
function disconnectedEvent(watcher, id, ms = WAIT) {
  return withTimeout(
    new Promise((resolve) => {
      const fn = (info) => {
        if (info && info.id === id) {
          watcher.off('disconnected', fn);
          resolve(info);
        }
      };
      watcher.on('disconnected', fn);
    }),
    ms,
    `server disconnect hook for ${id}`,
  );
}

/** Converts a received binary value (Buffer, ArrayBuffer, typed array) to a Buffer; fails otherwise. */
function asBuffer(v, what = 'value') {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof ArrayBuffer) return Buffer.from(v);
  if (ArrayBuffer.isView(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  assert.fail(`${what} is not binary: ${JSON.stringify(v)}`);
}

/** Deep-converts received binaries to Buffers so assert.deepEqual can compare with sent data. */
function normalizeBinary(v) {
  if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return asBuffer(v);
  if (Array.isArray(v)) return v.map(normalizeBinary);
  if (v && typeof v === 'object') {
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = normalizeBinary(x);
    return o;
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Raw clients (bad input, heartbeat)

/**
 * A raw HTTP request on its own connection. Resolves {status, headers, body} (body a string).
 */
function request(port, { method = 'GET', path: p = '/socket.io/', headers = {}, body, timeout = WAIT } = {}) {
  return withTimeout(
    new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, method, path: p, headers, agent: false },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    }),
    timeout,
    `${method} ${p}`,
  );
}

/** Engine.IO polling handshake. Resolves {sid, open} (open = the parsed open packet). */
async function pollingHandshake(port) {
  const r = await request(port, { path: '/socket.io/?EIO=4&transport=polling' });
  assert.equal(r.status, 200, `handshake failed: ${r.status} ${r.body}`);
  assert.equal(r.body[0], '0', `handshake body: ${r.body}`);
  const open = JSON.parse(r.body.slice(1));
  return { sid: open.sid, open };
}

function pollPath(sid) {
  return `/socket.io/?EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`;
}

/**
 * A raw WebSocket client (ws library) with a message queue.
 *   next(ms) → {text} | {binary: Buffer}     (pings are answered and hidden when autoPong)
 *   closed   → Promise<{code, reason}>
 */
class RawWs {
  constructor(url, { autoPong = true, wsOptions = {} } = {}) {
    this.ws = new WebSocket(url, { perMessageDeflate: false, ...wsOptions });
    this.queue = [];
    this.waiters = [];
    this.autoPong = autoPong;
    this.pings = 0;
    this.opened = withTimeout(
      new Promise((resolve, reject) => {
        this.ws.once('open', resolve);
        this.ws.once('error', reject);
        this.ws.once('unexpected-response', (req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      }),
      WAIT,
      `websocket open ${url}`,
    );
    this.opened.catch(() => {});
    this.closed = new Promise((resolve) => {
      this.ws.once('close', (code, reason) => {
        this._wake();
        resolve({ code, reason: reason.toString() });
      });
    });
    this.ws.on('error', () => {}); // reported through 'close'
    this.ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        const text = data.toString('utf8');
        if (text === '2') {
          this.pings++;
          if (this.autoPong) {
            this.ws.send('3');
            return;
          }
        }
        this.queue.push({ text });
      } else {
        this.queue.push({ binary: Buffer.from(data) });
      }
      this._wake();
    });
  }
  _wake() {
    for (const w of this.waiters.splice(0)) w();
  }
  get isOpen() {
    return this.ws.readyState === WebSocket.OPEN;
  }
  send(data) {
    this.ws.send(data);
  }
  /** Next message: {text} or {binary}. Rejects if the socket closes first. */
  next(ms = WAIT) {
    return withTimeout(
      new Promise((resolve, reject) => {
        const check = () => {
          if (this.queue.length) resolve(this.queue.shift());
          else if (this.ws.readyState >= WebSocket.CLOSING) reject(new Error('websocket closed'));
          else this.waiters.push(check);
        };
        check();
      }),
      ms,
      'a websocket message',
    );
  }
  async nextText(ms = WAIT) {
    const m = await this.next(ms);
    assert.ok(m.text !== undefined, `expected a text frame, got binary ${m.binary && m.binary.toString('hex')}`);
    return m.text;
  }
  /** Waits for the server to close the connection; resolves {code, reason, unread}. */
  async expectClose(ms = WAIT) {
    const r = await withTimeout(this.closed, ms, 'the server to close the websocket');
    return { ...r, unread: this.queue.map((m) => m.text ?? `<binary ${m.binary.length}>`) };
  }
  close() {
    this.ws.terminate();
  }
  terminate() {
    this.ws.terminate();
  }
}

/**
 * A WebSocket client on a bare TCP socket, so a test can stop reading (pause()) and let the
 * server's send path back up. Text frames only; the server's frames are unmasked.
 *   texts: Inbox-like list of received text messages; next(ms); send(text); pause(); resume()
 *   ended: Promise resolving when the TCP connection is closed
 */
class RawTcpWs {
  /** `allowHalfOpen`: keep our side open after the server's FIN (to play a peer that
      never finishes the close handshake). */
  constructor(port, p = '/socket.io/?EIO=4&transport=websocket', { allowHalfOpen = false } = {}) {
    this.sock = net.connect({ port, host: '127.0.0.1', allowHalfOpen });
    this.buf = Buffer.alloc(0);
    this.upgraded = false;
    this.texts = [];
    this.read = 0;
    this.waiters = [];
    this.closeFrame = null;
    this.frag = null;
    const key = crypto.randomBytes(16).toString('base64');
    this.sock.on('connect', () =>
      this.sock.write(
        `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    this.sock.on('data', (d) => this._data(d));
    this.sock.on('error', () => {});
    this.ended = new Promise((resolve) => this.sock.once('close', resolve));
    this.ended.then(() => this._wake());
  }
  _wake() {
    for (const w of this.waiters.splice(0)) w();
  }
  _data(d) {
    this.buf = Buffer.concat([this.buf, d]);
    if (!this.upgraded) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buf.subarray(0, end).toString('latin1');
      this.status = Number(head.split(' ')[1]);
      this.buf = this.buf.subarray(end + 4);
      this.upgraded = true;
      this._wake();
    }
    for (;;) {
      if (this.buf.length < 2) return;
      const op = this.buf[0] & 0x0f;
      const fin = (this.buf[0] & 0x80) !== 0;
      let len = this.buf[1] & 0x7f;
      let off = 2;
      if (len === 126) {
        if (this.buf.length < 4) return;
        len = this.buf.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) return;
        len = Number(this.buf.readBigUInt64BE(2));
        off = 10;
      }
      if (this.buf.length < off + len) return;
      const payload = this.buf.subarray(off, off + len);
      this.buf = this.buf.subarray(off + len);
      if (op === 0x8) this.closeFrame = { code: len >= 2 ? payload.readUInt16BE(0) : 1005, reason: payload.subarray(2).toString() };
      else if (op === 0x9) this._frame(0xa, payload);
      else if (op === 0x1 || op === 0x2 || op === 0x0) {
        this.frag = this.frag ? Buffer.concat([this.frag, payload]) : Buffer.from(payload);
        if (fin) {
          const text = this.frag.toString('utf8');
          this.frag = null;
          if (text === '2' && this.autoPong !== false) this.send('3');
          else this.texts.push(text);
        }
      }
      this._wake();
    }
  }
  _frame(op, payload) {
    const mask = crypto.randomBytes(4);
    const len = payload.length;
    const head = len < 126 ? Buffer.from([0x80 | op, 0x80 | len]) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
    if (len >= 126 && len < 65536) {
      head[0] = 0x80 | op;
      head[1] = 0x80 | 126;
      head.writeUInt16BE(len, 2);
    } else if (len >= 65536) {
      head[0] = 0x80 | op;
      head[1] = 0x80 | 127;
      head.writeBigUInt64BE(BigInt(len), 2);
    }
    const body = Buffer.from(payload);
    for (let i = 0; i < body.length; i++) body[i] ^= mask[i & 3];
    this.sock.write(Buffer.concat([head, mask, body]));
  }
  send(text) {
    this._frame(0x1, Buffer.from(text, 'utf8'));
  }
  next(ms = WAIT) {
    return withTimeout(
      new Promise((resolve, reject) => {
        const check = () => {
          if (this.texts.length > this.read) resolve(this.texts[this.read++]);
          else if (this.sock.destroyed) reject(new Error('connection closed'));
          else this.waiters.push(check);
        };
        check();
      }),
      ms,
      'a websocket text message (raw TCP)',
    );
  }
  pause() {
    this.sock.pause();
  }
  resume() {
    this.sock.resume();
  }
  destroy() {
    this.sock.destroy();
  }
}

function ssePath(sid) {
  return `/socket.io/?EIO=4&transport=sse${sid ? `&sid=${encodeURIComponent(sid)}` : ''}`;
}

/**
 * A raw `sse` stream (GET on its own connection), parsed as text/event-stream.
 *   opened → Promise<{status, headers, body?}> (body only when the status is not 200)
 *   next(ms) → the data of the next event ('0{...}', '2', '6', '1', '42[...]')
 *   ended → Promise resolving when the server ends the response
 *   raw → every byte of the body received so far (for exact-bytes checks)
 */
class RawSse {
  constructor(port, p = ssePath()) {
    this.events = [];
    this.read = 0;
    this.waiters = [];
    this.raw = '';
    this.done = false;
    let pending = '';
    let data = null;
    let endedResolve;
    this.ended = new Promise((resolve) => (endedResolve = resolve));
    this.ended.then(() => {
      this.done = true;
      this._wake();
    });
    this.opened = withTimeout(
      new Promise((resolve, reject) => {
        this.req = http.request({ host: '127.0.0.1', port, path: p, agent: false }, (res) => {
          res.setEncoding('utf8');
          if (res.statusCode !== 200) {
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () => {
              resolve({ status: res.statusCode, headers: res.headers, body });
              endedResolve();
            });
            return;
          }
          resolve({ status: res.statusCode, headers: res.headers });
          this.res = res;
          res.on('data', (chunk) => {
            this.raw += chunk;
            pending += chunk;
            const lines = pending.split(/\r\n|\r|\n/);
            pending = lines.pop();
            for (const l of lines) {
              if (l === '') {
                if (data !== null) this.events.push(data.join('\n'));
                data = null;
              } else if (l.startsWith('data:')) {
                (data || (data = [])).push(l.slice(5).replace(/^ /, ''));
              }
            }
            this._wake();
          });
          res.on('end', endedResolve);
          res.on('error', endedResolve);
          res.on('close', endedResolve);
        });
        this.req.on('error', (e) => {
          endedResolve();
          reject(e);
        });
        this.req.end();
      }),
      WAIT,
      `sse stream ${p}`,
    );
    this.opened.catch(() => {});
  }
  _wake() {
    for (const w of this.waiters.splice(0)) w();
  }
  /** The next event's data. Rejects if the stream ends first. */
  next(ms = WAIT) {
    return withTimeout(
      new Promise((resolve, reject) => {
        const check = () => {
          if (this.events.length > this.read) resolve(this.events[this.read++]);
          else if (this.done) reject(new Error('sse stream ended'));
          else this.waiters.push(check);
        };
        check();
      }),
      ms,
      'an sse event',
    );
  }
  /** Waits for the server to end the stream; resolves with the events not read yet. */
  async expectEnd(ms = WAIT) {
    await withTimeout(this.ended, ms, 'the server to end the sse stream');
    return this.events.slice(this.read);
  }
  /** Stops reading: the kernel buffers fill up, then the server's queue. */
  pause() {
    this.res.pause();
  }
  resume() {
    this.res.resume();
  }
  close() {
    this.req.destroy();
  }
}

/** Raw sse Engine.IO session. Resolves {stream, sid, open}. */
async function rawSse(ctx) {
  const stream = ctx.track(new RawSse(ctx.port));
  const r = await stream.opened;
  assert.equal(r.status, 200, `sse handshake: ${r.status} ${r.body}`);
  const first = await stream.next();
  assert.equal(first[0], '0', `open packet expected, got ${first}`);
  const open = JSON.parse(first.slice(1));
  return { stream, sid: open.sid, open };
}

/** Raw websocket Engine.IO session (no Socket.IO connect yet). Resolves {ws, open}. */
async function rawEngine(ctx, opts = {}) {
  const ws = ctx.track(new RawWs(`ws://127.0.0.1:${ctx.port}/socket.io/?EIO=4&transport=websocket`, opts));
  await ws.opened;
  const first = await ws.nextText();
  assert.equal(first[0], '0', `open packet expected, got ${first}`);
  return { ws, open: JSON.parse(first.slice(1)) };
}

/** Raw websocket session connected to namespace '/'. Resolves {ws, open, sid}. */
async function rawSocketIo(ctx, opts = {}) {
  const { ws, open } = await rawEngine(ctx, opts);
  ws.send('40');
  const reply = await ws.nextText();
  assert.match(reply, /^40\{"sid":"[^"]+"/, `CONNECT reply: ${reply}`);
  return { ws, open, sid: JSON.parse(reply.slice(2)).sid };
}

module.exports = {
  assert,
  IS_NODE,
  WAIT,
  MODES,
  ALL_MODES,
  SSE,
  WebSocketTransport,
  sbOnly,
  forEachMode,
  withTimeout,
  until,
  once,
  Inbox,
  startServer,
  useServer,
  connectTo: connect,
  waitUpgraded,
  ask,
  ask1,
  assertServed,
  fence,
  disconnectedEvent,
  asBuffer,
  normalizeBinary,
  request,
  pollingHandshake,
  pollPath,
  ssePath,
  RawSse,
  rawSse,
  RawWs,
  RawTcpWs,
  rawEngine,
  rawSocketIo,
  io,
  Manager,
  WebSocket,
  net,
  crypto,
};
