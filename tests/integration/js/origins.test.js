'use strict';
// The Origin allow-list and CORS (sb only: Node's socket.io checks no Origin by itself, and
// its `cors` option only adds headers). A page whose Origin is not allowed gets no session
// on any transport, websocket upgrades included; requests without an Origin (native
// clients) are served; allowed origins get CORS with credentials and `Vary: Origin`;
// `cors_origin = "*"` is a literal `*` without credentials.
const { describe, it, before, afterEach } = require('node:test');
const h = require('./harness');
const { assert } = h;

const GOOD = 'https://good.example';
const EVIL = 'https://evil.example';
const FORBIDDEN = { code: 4, message: 'Forbidden' };

/** The status and headers of a websocket handshake sent with `origin`. */
function wsHandshake(port, path, origin) {
  return h.withTimeout(new Promise((resolve) => {
    const ws = new h.WebSocket(`ws://127.0.0.1:${port}${path}`, { origin, perMessageDeflate: false });
    ws.on('upgrade', () => { resolve({ status: 101 }); ws.terminate(); });
    ws.on('unexpected-response', (req, res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    ws.on('error', () => {});
  }), h.WAIT, 'a websocket handshake answer');
}

const handshake = (port, origin, transport = 'polling') =>
  h.request(port, { path: `/socket.io/?EIO=4&transport=${transport}`, headers: origin ? { origin } : {} });

describe('origin allow-list', h.sbOnly(), () => {
  const ctx = h.useServer(['--allowed-origins', `${GOOD},https://*.trusted.example`, '--cors-origin', '*']);
  let bystanders = [];
  before(async () => {
    bystanders = await Promise.all(h.MODES.map((m) => ctx.connect(m))); // no Origin: native clients
  });
  afterEach(async () => {
    for (let i = 0; i < bystanders.length; i++) await h.assertServed(bystanders[i], `${h.MODES[i].name} bystander`);
  });

  it('a polling handshake from a page not on the list → 403 Forbidden, no CORS headers', async () => {
    const r = await handshake(ctx.port, EVIL);
    assert.equal(r.status, 403);
    assert.deepEqual(JSON.parse(r.body), FORBIDDEN);
    assert.equal(r.headers['access-control-allow-credentials'], undefined);
    assert.notEqual(r.headers['access-control-allow-origin'], EVIL);
  });

  it('a listed origin gets its session, and CORS with credentials and Vary: Origin', async () => {
    const r = await handshake(ctx.port, GOOD);
    assert.equal(r.status, 200);
    assert.equal(r.body[0], '0');
    assert.equal(r.headers['access-control-allow-origin'], GOOD);
    assert.equal(r.headers['access-control-allow-credentials'], 'true');
    assert.match(r.headers.vary || '', /Origin/);
  });

  it('patterns: * stands for one or more characters, never a /', async () => {
    assert.equal((await handshake(ctx.port, 'https://app.trusted.example')).status, 200);
    assert.equal((await handshake(ctx.port, 'https://a.b.trusted.example')).status, 200);
    assert.equal((await handshake(ctx.port, 'https://trusted.example')).status, 403);
    assert.equal((await handshake(ctx.port, 'https://app.trusted.example.evil.com')).status, 403);
    assert.equal((await handshake(ctx.port, 'http://app.trusted.example')).status, 403, 'the scheme counts');
  });

  it('a websocket handshake from a page not on the list → 403 (CORS does not cover upgrades)', async () => {
    const bad = await wsHandshake(ctx.port, '/socket.io/?EIO=4&transport=websocket', EVIL);
    assert.equal(bad.status, 403);
    assert.deepEqual(JSON.parse(bad.body), FORBIDDEN);
    assert.equal((await wsHandshake(ctx.port, '/socket.io/?EIO=4&transport=websocket', GOOD)).status, 101);
  });

  it('an upgrade of a polling session from a page not on the list → 403, the session carries on', async () => {
    const { sid } = await h.pollingHandshake(ctx.port);
    const path = `/socket.io/?EIO=4&transport=websocket&sid=${encodeURIComponent(sid)}`;
    assert.equal((await wsHandshake(ctx.port, path, EVIL)).status, 403);
    const post = await h.request(ctx.port, { method: 'POST', path: h.pollPath(sid), body: '40' });
    assert.deepEqual([post.status, post.body], [200, 'ok']);
  });

  it('an sse handshake and the polling requests of a session check the Origin too', async () => {
    assert.equal((await handshake(ctx.port, EVIL, 'sse')).status, 403);
    const { sid } = await h.pollingHandshake(ctx.port);
    const post = await h.request(ctx.port, { method: 'POST', path: h.pollPath(sid), body: '40', headers: { origin: EVIL } });
    assert.equal(post.status, 403);
  });

  it('a preflight: 204 with CORS for a listed origin, 403 for another', async () => {
    const good = await h.request(ctx.port, { method: 'OPTIONS', path: '/socket.io/?EIO=4&transport=polling', headers: { origin: GOOD } });
    assert.equal(good.status, 204);
    assert.equal(good.headers['access-control-allow-origin'], GOOD);
    assert.equal(good.headers['access-control-allow-credentials'], 'true');
    const bad = await h.request(ctx.port, { method: 'OPTIONS', path: '/socket.io/?EIO=4&transport=polling', headers: { origin: EVIL } });
    assert.equal(bad.status, 403);
  });

  it('plain EventSource streams and history: 403 for a page not on the list', async () => {
    const bad = await h.request(ctx.port, { path: '/ticker/history?room=sym:X', headers: { origin: EVIL } });
    assert.equal(bad.status, 403);
    assert.equal(JSON.parse(bad.body).error, 'forbidden');
    const good = await h.request(ctx.port, { path: '/ticker/history?room=sym:X', headers: { origin: GOOD } });
    assert.equal(good.status, 200);
    assert.equal(good.headers['access-control-allow-origin'], GOOD);
    const stream = await h.request(ctx.port, { path: '/ticker/sse?symbols=X', headers: { origin: EVIL } });
    assert.equal(stream.status, 403);
  });

  it('the official client, sent from a listed origin, connects on every transport', async () => {
    for (const mode of h.MODES) {
      const s = ctx.track(await ctx.connect(mode, { extraHeaders: { origin: GOOD } }));
      await h.assertServed(s, `${mode.name} from ${GOOD}`);
    }
  });
});

describe('cors_origin "*"', h.sbOnly(), () => {
  const ctx = h.useServer(['--cors-origin', '*']);

  it('is a literal * without credentials, on polling and on sse streams', async () => {
    const r = await handshake(ctx.port, 'https://any.example');
    assert.equal(r.status, 200);
    assert.equal(r.headers['access-control-allow-origin'], '*');
    assert.equal(r.headers['access-control-allow-credentials'], undefined);
    const head = await h.withTimeout(new Promise((resolve, reject) => {
      const req = require('node:http').get({ host: '127.0.0.1', port: ctx.port, path: h.ssePath(), agent: false,
        headers: { origin: 'https://any.example' } }, (res) => { resolve(res); req.destroy(); });
      req.on('error', () => {});
    }), h.WAIT, 'the sse stream head');
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers['access-control-allow-origin'], '*');
    assert.equal(head.headers['access-control-allow-credentials'], undefined);
  });

  it('without an allow-list every origin may connect (Socket.IO\'s default)', async () => {
    assert.equal((await handshake(ctx.port, EVIL)).status, 200);
    assert.equal((await wsHandshake(ctx.port, '/socket.io/?EIO=4&transport=websocket', EVIL)).status, 101);
  });
});
