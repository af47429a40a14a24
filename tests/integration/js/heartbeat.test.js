'use strict';
// Heartbeat: the server pings every pingInterval and closes a session whose pong does not come
// back within pingTimeout ("ping timeout"); a client that answers stays connected.
const { describe, it, before } = require('node:test');
const h = require('./harness');
const { assert } = h;

const INTERVAL = 200;
const TIMEOUT = 200;

/** Makes an official client stop answering pings (it still receives them). */
function stopPonging(socket) {
  const engine = socket.io.engine;
  const send = engine._sendPacket;
  assert.equal(typeof send, 'function', 'engine.io-client internals changed');
  engine._sendPacket = function (type, ...rest) {
    if (type === 'pong') return undefined;
    return send.call(this, type, ...rest);
  };
}

describe('heartbeat', () => {
  const ctx = h.useServer(['--ping-interval', INTERVAL, '--ping-timeout', TIMEOUT]);
  let watcher;
  before(async () => {
    watcher = await ctx.connect(h.MODES[0]);
    await h.ask(watcher, 'join', 'watchers');
  });

  h.forEachMode((mode) => {
    it('a client that answers pings stays connected over several intervals', async () => {
      const s = await ctx.connect(mode);
      const pings = new h.Inbox(s.io.engine, 'ping');
      let dropped = null;
      s.on('disconnect', (r) => (dropped = r));
      await pings.waitCount(4, 4 * INTERVAL + 2000);
      assert.equal(dropped, null);
      await h.assertServed(s);
      if (mode.upgrade) assert.equal(s.io.engine.transport.name, 'websocket');
    });

    it('a client that stops answering pings is closed with "ping timeout"', async () => {
      const s = await ctx.connect(mode);
      const id = s.id;
      const recorded = h.disconnectedEvent(watcher, id, 3000);
      const clientSide = h.once(s, 'disconnect', 3000);
      const t0 = Date.now();
      stopPonging(s);
      const [info, [reason]] = await Promise.all([recorded, clientSide]);
      const elapsed = Date.now() - t0;
      assert.deepEqual(info, { id, nsp: '/', reason: 'ping timeout' });
      // WS: the server closes the socket; polling: the pending GET carries the close packet.
      assert.equal(reason, 'transport close');
      assert.ok(elapsed >= TIMEOUT - 10, `closed after ${elapsed} ms, before pingTimeout`);
      assert.ok(elapsed < INTERVAL + TIMEOUT + 1000, `closed only after ${elapsed} ms`);
      await h.assertServed(watcher, 'the watcher');
    });
  });

  it('raw websocket: the open packet announces the heartbeat, pings come, no pong → closed', async () => {
    const t0 = Date.now();
    const { ws, open } = await h.rawEngine(ctx, { autoPong: false });
    assert.equal(open.pingInterval, INTERVAL);
    assert.equal(open.pingTimeout, TIMEOUT);
    ws.send('40');
    const reply = await ws.nextText();
    const sid = JSON.parse(reply.slice(2)).sid;
    const recorded = h.disconnectedEvent(watcher, sid, 3000);
    assert.equal(await ws.nextText(INTERVAL + 1000), '2');
    const closed = await ws.expectClose(INTERVAL + TIMEOUT + 1000);
    const elapsed = Date.now() - t0;
    assert.deepEqual(closed.unread, [], 'nothing after the ping');
    assert.ok(elapsed >= INTERVAL + TIMEOUT - 20, `closed after ${elapsed} ms`);
    assert.deepEqual(await recorded, { id: sid, nsp: '/', reason: 'ping timeout' });
  });

  it('raw polling: no pong → the pending GET gets the close packet, then the sid is unknown', async () => {
    const { sid } = await h.pollingHandshake(ctx.port);
    const post = await h.request(ctx.port, { method: 'POST', path: h.pollPath(sid), body: '40' });
    assert.deepEqual([post.status, post.body], [200, 'ok']);
    const packets = [];
    // Keep polling (never answering the pings) until the server closes the session.
    for (let i = 0; i < 10 && !packets.includes('1'); i++) {
      const r = await h.request(ctx.port, { path: h.pollPath(sid), timeout: INTERVAL + TIMEOUT + 1000 });
      assert.equal(r.status, 200, `GET #${i}: ${r.status} ${r.body}`);
      packets.push(...r.body.split('\x1e'));
    }
    assert.match(packets[0], /^40\{"sid":"[^"]+"\}$/);
    assert.deepEqual(packets.slice(1), ['2', '1'], 'one ping, then the close packet');
    const after = await h.request(ctx.port, { path: h.pollPath(sid) });
    assert.equal(after.status, 400);
    assert.deepEqual(JSON.parse(after.body), { code: 1, message: 'Session ID unknown' });
  });
});
