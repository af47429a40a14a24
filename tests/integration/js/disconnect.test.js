'use strict';
// Disconnect reasons, on both sides: client namespace disconnect, server disconnect, transport close.
// The server's disconnect hook is observed through the 'disconnected' event it emits to room
// 'watchers' (CONTRACT.md), and cross-checked with reasons().
const { describe, it, before } = require('node:test');
const h = require('./harness');
const { assert } = h;

describe('disconnect', () => {
  const ctx = h.useServer();
  let watcher;
  before(async () => {
    watcher = await ctx.connect(h.MODES[0]);
    await h.ask(watcher, 'join', 'watchers');
  });

  async function assertRecorded(id, reason) {
    const list = await h.ask1(watcher, 'reasons');
    assert.ok(Array.isArray(list));
    assert.ok(list.length <= 50);
    assert.deepEqual(
      list.filter((e) => e.id === id),
      [{ id, reason }],
      `reasons() entry for ${id}`,
    );
  }

  // docs/protocol.md ("Upgrade and close"): a client `1` on websocket makes the server close the socket. Node ignores it.
  it('sb: a raw websocket close packet "1" → the server closes, records "transport close"', h.sbOnly(), async () => {
    const { ws, sid } = await h.rawSocketIo(ctx);
    const recorded = h.disconnectedEvent(watcher, sid);
    ws.send('1');
    assert.deepEqual((await ws.expectClose()).unread, []);
    assert.deepEqual(await recorded, { id: sid, nsp: '/', reason: 'transport close' });
  });

  it('a raw polling close packet (POST "1") → server records "transport close"', async () => {
    const { sid: engineSid } = await h.pollingHandshake(ctx.port);
    await h.request(ctx.port, { method: 'POST', path: h.pollPath(engineSid), body: '40' });
    const get = await h.request(ctx.port, { path: h.pollPath(engineSid) });
    const sid = JSON.parse(get.body.slice(2)).sid;
    const recorded = h.disconnectedEvent(watcher, sid);
    const post = await h.request(ctx.port, { method: 'POST', path: h.pollPath(engineSid), body: '1' });
    assert.deepEqual([post.status, post.body], [200, 'ok']);
    assert.deepEqual(await recorded, { id: sid, nsp: '/', reason: 'transport close' });
    // The session is gone. Node forgets it at once; a server may instead hand the close packet
    // to one more GET. Either way, the request after that is refused.
    let after = await h.request(ctx.port, { path: h.pollPath(engineSid) });
    if (after.status === 200) {
      assert.equal(after.body, '1', 'only the close packet may still be delivered');
      after = await h.request(ctx.port, { path: h.pollPath(engineSid) });
    }
    assert.equal(after.status, 400);
    assert.deepEqual(JSON.parse(after.body), { code: 1, message: 'Session ID unknown' });
  });

  // engine.io answers a GET left parked when the client POSTs its close with a noop `6`;
  // `1` is for closes the server starts.
  it('a polling close (POST "1") while a GET is parked → the GET gets a noop "6"', async () => {
    const { sid: engineSid } = await h.pollingHandshake(ctx.port);
    await h.request(ctx.port, { method: 'POST', path: h.pollPath(engineSid), body: '40' });
    await h.request(ctx.port, { path: h.pollPath(engineSid) }); // the CONNECT reply
    const parked = h.request(ctx.port, { path: h.pollPath(engineSid) });
    await new Promise((r) => setTimeout(r, 100)); // parked by now
    const post = await h.request(ctx.port, { method: 'POST', path: h.pollPath(engineSid), body: '1' });
    assert.deepEqual([post.status, post.body], [200, 'ok']);
    const get = await parked;
    assert.deepEqual([get.status, get.body], [200, '6']);
  });

  h.forEachMode((mode) => {
    it('client disconnect → server records "client namespace disconnect"', async () => {
      const s = await ctx.connect(mode);
      const id = s.id;
      const recorded = h.disconnectedEvent(watcher, id);
      const [[reason]] = await Promise.all([h.once(s, 'disconnect'), Promise.resolve(s.disconnect())]);
      assert.equal(reason, 'io client disconnect');
      assert.deepEqual(await recorded, { id, nsp: '/', reason: 'client namespace disconnect' });
      await assertRecorded(id, 'client namespace disconnect');
    });

    it('disconnecting one namespace keeps the others of the connection', async () => {
      const manager = ctx.manager(mode);
      const root = await ctx.connect(mode, { manager });
      const admin = await ctx.connect(mode, { manager, nsp: '/admin', auth: { token: 'secret' } });
      if (mode.upgrade) await h.waitUpgraded(root);
      const adminId = admin.id; // the client forgets its id on disconnect
      const recorded = h.disconnectedEvent(watcher, adminId);
      admin.disconnect();
      assert.deepEqual(await recorded, { id: adminId, nsp: '/admin', reason: 'client namespace disconnect' });
      await h.assertServed(root, 'the / socket sharing the connection');
    });

    it('disconnect_me → client sees "io server disconnect", server records "server namespace disconnect"', async () => {
      const s = await ctx.connect(mode);
      const id = s.id;
      const recorded = h.disconnectedEvent(watcher, id);
      const closed = h.once(s, 'disconnect');
      s.emit('disconnect_me');
      const [reason] = await closed;
      assert.equal(reason, 'io server disconnect');
      assert.equal(s.connected, false);
      assert.deepEqual(await recorded, { id, nsp: '/', reason: 'server namespace disconnect' });
      await assertRecorded(id, 'server namespace disconnect');
    });

    it('client closes the transport → server records "transport close"', async () => {
      const s = await ctx.connect(mode);
      const id = s.id;
      const recorded = h.disconnectedEvent(watcher, id);
      const closed = h.once(s, 'disconnect');
      s.io.engine.close();
      assert.equal((await closed)[0], 'forced close');
      assert.deepEqual(await recorded, { id, nsp: '/', reason: 'transport close' });
      await assertRecorded(id, 'transport close');
    });

    it('closing the transport disconnects every namespace of the connection with "transport close"', async () => {
      const manager = ctx.manager(mode);
      const root = await ctx.connect(mode, { manager });
      const dyn = await ctx.connect(mode, { manager, nsp: '/dyn-x' });
      if (mode.upgrade) await h.waitUpgraded(root);
      const [rootId, dynId] = [root.id, dyn.id];
      const both = Promise.all([h.disconnectedEvent(watcher, rootId), h.disconnectedEvent(watcher, dynId)]);
      manager.engine.close();
      assert.deepEqual(await both, [
        { id: rootId, nsp: '/', reason: 'transport close' },
        { id: dynId, nsp: '/dyn-x', reason: 'transport close' },
      ]);
    });
  });
});
