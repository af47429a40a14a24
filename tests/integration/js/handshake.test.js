'use strict';
// socket.handshake (the request that opened the connection, as Node shows it) and the
// asynchronous allowRequest hook (CONTRACT.md), on every transport, against both servers.
const { describe, it } = require('node:test');
const h = require('./harness');
const { assert } = h;

const KEYS = ['address', 'auth', 'headers', 'issued', 'query', 'secure', 'time', 'url', 'xdomain'];

describe('handshake', () => {
  const ctx = h.useServer();

  h.forEachMode((mode) => {
    it('socket.handshake has Node\'s keys: headers, url, address, time, issued, query, auth', async () => {
      const before = Date.now();
      const auth = { token: 't', n: 1 };
      const s = await ctx.connect(mode, { auth, query: { room: 'a b', n: '1' }, extraHeaders: { 'X-App': 'demo' } });
      const after = Date.now();
      const hs = await h.ask1(s, 'handshake');
      assert.deepEqual(Object.keys(hs).sort(), KEYS);
      assert.equal(hs.headers.host, `127.0.0.1:${ctx.port}`);
      assert.equal(hs.headers['x-app'], 'demo', 'header names are lower case, values as sent');
      assert.match(hs.url, /^\/socket\.io\/\?/);
      assert.equal(hs.address, '127.0.0.1');
      assert.equal(hs.secure, false);
      assert.equal(hs.xdomain, false, 'no Origin header was sent');
      assert.ok(hs.issued >= before - 5 && hs.issued <= after + 5, `issued ${hs.issued} not in [${before}, ${after}]`);
      assert.ok(Math.abs(Date.parse(hs.time) - hs.issued) < 1000, `time "${hs.time}" is not issued`);
      assert.equal(hs.query.room, 'a b');
      assert.equal(hs.query.n, '1');
      assert.equal(hs.query.EIO, '4');
      assert.equal(hs.query.transport, mode.start === 'sse' ? 'sse' : mode.start);
      assert.deepEqual(hs.auth, auth);
    });
  });

  it('an Origin header sets xdomain', async () => {
    const s = await ctx.connect(h.MODES[1], { extraHeaders: { Origin: 'http://elsewhere.test' } });
    const hs = await h.ask1(s, 'handshake');
    assert.equal(hs.xdomain, true);
    assert.equal(hs.headers.origin, 'http://elsewhere.test');
  });

  describe('allowRequest', () => {
    const json = (r) => ({ status: r.status, type: r.headers['content-type'], body: JSON.parse(r.body) });
    const refused = (message) => ({ status: 403, type: 'application/json', body: { code: 4, message } });

    it('refuses forbidden=1 with {"code":4,"message":"Forbidden"} (polling and websocket)', async () => {
      assert.deepEqual(json(await h.request(ctx.port, { path: '/socket.io/?EIO=4&transport=polling&forbidden=1' })),
        refused('Forbidden'));
      const ws = ctx.track(new h.RawWs(`ws://127.0.0.1:${ctx.port}/socket.io/?EIO=4&transport=websocket&forbidden=1`));
      // Node's abortUpgrade answers any refused upgrade 400 text/html; Switchboard says 403, as on polling.
      await assert.rejects(ws.opened, process.env.SB_SERVER === 'node' ? /HTTP 400/ : /HTTP 403/);
    });

    it('sb: refuses an sse handshake too', h.sbOnly(), async () => {
      assert.deepEqual(json(await h.request(ctx.port, { path: '/socket.io/?EIO=4&transport=sse&forbidden=1' })),
        refused('Forbidden'));
    });

    it('sees the request headers, and its message reaches the client', async () => {
      const r = await h.request(ctx.port, { path: '/socket.io/?EIO=4&transport=polling', headers: { 'X-Refuse': 'yes' } });
      assert.deepEqual(json(r), refused('refused by header: yes'));
    });

    it('may answer later (asynchronous): the handshake waits for it', async () => {
      const t0 = Date.now();
      const r = await h.request(ctx.port, { path: '/socket.io/?EIO=4&transport=polling&refuse=not%20today' });
      assert.ok(Date.now() - t0 >= 45, 'the refusal came before the hook had answered');
      assert.deepEqual(json(r), refused('not today'));
    });

    h.forEachMode((mode) => {
      it('the official client gets connect_error and others connect meanwhile', async () => {
        const err = await ctx.connectError(mode, { query: { refuse: 'closed for maintenance' } });
        assert.ok(err instanceof Error);
        const s = await ctx.connect(mode);
        await h.assertServed(s);
      });
    });
  });
});
