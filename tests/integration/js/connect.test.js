'use strict';
// Connecting to '/', the socket id, auth pass-through, connectTimeout, and a clean SIGTERM.
const { describe, it } = require('node:test');
const h = require('./harness');
const { assert } = h;

describe('connect', () => {
  const ctx = h.useServer();

  h.forEachMode((mode) => {
    it('connects to / with a socket id that is not the engine id', async () => {
      const s = await ctx.connect(mode);
      assert.equal(typeof s.id, 'string');
      assert.ok(s.id.length > 0);
      assert.equal(typeof s.io.engine.id, 'string');
      assert.notEqual(s.id, s.io.engine.id, 'the Socket.IO sid must not be the Engine.IO sid');
      assert.deepEqual(await h.ask1(s, 'whoami'), { nsp: '/', id: s.id, auth: {} });
    });

    it('passes the auth payload through to the handshake', async () => {
      const auth = { token: 'abc', n: 42, nested: { list: [1, 'two', null] } };
      const s = await ctx.connect(mode, { auth });
      assert.deepEqual(await h.ask1(s, 'whoami'), { nsp: '/', id: s.id, auth });
    });

    it('gives every connection its own socket id and engine id', async () => {
      const [a, b] = await Promise.all([ctx.connect(mode), ctx.connect(mode)]);
      assert.notEqual(a.id, b.id);
      assert.notEqual(a.io.engine.id, b.io.engine.id);
      assert.equal((await h.ask1(a, 'whoami')).id, a.id);
      assert.equal((await h.ask1(b, 'whoami')).id, b.id);
    });
  });
});

describe('connect timeout', () => {
  const ctx = h.useServer(['--connect-timeout', '300']);

  it('closes an engine session that never connects to a namespace', async () => {
    const t0 = Date.now();
    const { ws, open } = await h.rawEngine(ctx);
    assert.equal(typeof open.sid, 'string');
    const closed = await ws.expectClose(3000);
    const elapsed = Date.now() - t0;
    assert.deepEqual(closed.unread, [], 'nothing but the open packet is expected');
    assert.ok(elapsed >= 250, `closed after ${elapsed} ms, before the 300 ms connect timeout`);
  });

  it('keeps a session that connected in time', async () => {
    const { ws } = await h.rawSocketIo(ctx);
    // Past the connect timeout the session still answers.
    ws.send('421["slow",{"ms":500}]');
    assert.equal(await ws.nextText(2000), '431["done"]');
    assert.equal(ws.isOpen, true);
  });
});

describe('engine handshake', () => {
  const ctx = h.useServer(['--ping-interval', 1500, '--ping-timeout', 700, '--max-payload', 12345]);

  it('polling: 200 text/plain open packet announcing the flags and the websocket upgrade', async () => {
    const r = await h.request(ctx.port, { path: '/socket.io/?EIO=4&transport=polling&t=Nabc123' });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/plain; charset=UTF-8');
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.equal(r.body[0], '0');
    const open = JSON.parse(r.body.slice(1));
    assert.equal(typeof open.sid, 'string');
    assert.ok(open.sid.length > 0);
    assert.deepEqual({ ...open, sid: '' }, {
      sid: '',
      upgrades: ['websocket'],
      pingInterval: 1500,
      pingTimeout: 700,
      maxPayload: 12345,
    });
    const post = await h.request(ctx.port, { method: 'POST', path: h.pollPath(open.sid), body: '40' });
    assert.deepEqual([post.status, post.headers['content-type'], post.headers['cache-control'], post.body], [
      200,
      'text/html',
      'no-store',
      'ok',
    ]);
    const get = await h.request(ctx.port, { path: h.pollPath(open.sid) });
    assert.equal(get.status, 200);
    assert.match(get.body, /^40\{"sid":"[^"]+"\}$/);
    assert.notEqual(JSON.parse(get.body.slice(2)).sid, open.sid);
  });

  it('websocket: the open packet offers no upgrades', async () => {
    const { open } = await h.rawEngine(ctx);
    assert.deepEqual({ ...open, sid: '' }, {
      sid: '',
      upgrades: [],
      pingInterval: 1500,
      pingTimeout: 700,
      maxPayload: 12345,
    });
  });

  it('every handshake gets a new sid', async () => {
    const sids = await Promise.all(Array.from({ length: 20 }, () => h.pollingHandshake(ctx.port)));
    assert.equal(new Set(sids.map((x) => x.sid)).size, 20);
  });
});

describe('raw connect', () => {
  const ctx = h.useServer();

  // Node registers the socket only on a later tick, so an event right behind the CONNECT (same
  // TCP read) hits "not connected" and the connection is closed. Switchboard handles them in order.
  it('sb: an event sent right behind CONNECT is handled after it', h.sbOnly(), async () => {
    const { ws } = await h.rawEngine(ctx);
    ws.send('40');
    ws.send('421["echo","right behind"]');
    assert.match(await ws.nextText(), /^40\{"sid":"[^"]+"\}$/);
    assert.equal(await ws.nextText(), '431["right behind"]');
  });

  it('CONNECT reply carries a sid and no pid (no connection state recovery)', async () => {
    const { ws } = await h.rawEngine(ctx);
    ws.send('40');
    const reply = await ws.nextText();
    assert.match(reply, /^40\{"sid":"[^"]+"\}$/);
    ws.send('40/admin,{"token":"secret"}');
    assert.match(await ws.nextText(), /^40\/admin,\{"sid":"[^"]+"\}$/);
  });
});

describe('lifecycle', () => {
  it('exits 0 on SIGTERM, closing its clients', async () => {
    const srv = await h.startServer();
    try {
      const ctx = { url: srv.url, track: (x) => x };
      const s = await h.connectTo(ctx, h.MODES[0]);
      const disconnected = h.once(s, 'disconnect', 3000);
      const r = await srv.stop();
      assert.deepEqual(r, { code: 0, signal: null });
      const [reason] = await disconnected;
      assert.equal(reason, 'transport close');
      s.close();
    } finally {
      await srv.stop();
    }
  });
});
