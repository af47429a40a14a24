'use strict';
// Ordering: many messages in a row arrive complete and in order, both directions, and across
// the polling→websocket upgrade.
const { describe, it } = require('node:test');
const h = require('./harness');
const { assert } = h;

const N = 500;

describe('ordering', () => {
  const ctx = h.useServer();

  h.forEachMode((mode) => {
    it(`${N} client→server→client echoes arrive in order`, async () => {
      const s = await ctx.connect(mode);
      const inbox = new h.Inbox(s, 'echo');
      for (let i = 0; i < N; i++) s.emit('echo', i, `payload-${i}`);
      await inbox.waitCount(N, 10000);
      assert.deepEqual(
        inbox.items,
        Array.from({ length: N }, (_, i) => [i, `payload-${i}`]),
      );
    });

    it(`${N} server→room messages arrive in order at every member`, async () => {
      const room = `ord-${h.crypto.randomBytes(4).toString('hex')}`;
      const [sender, a, b] = await Promise.all([ctx.connect(h.MODES[0]), ctx.connect(mode), ctx.connect(mode)]);
      await h.ask(a, 'join', room);
      await h.ask(b, 'join', room);
      const inboxes = [a, b].map((s) => new h.Inbox(s, 'seq'));
      const acks = [];
      for (let i = 0; i < N; i++) acks.push(h.ask(sender, 'server_to_room', { rooms: room, event: 'seq', args: [i] }));
      assert.deepEqual(await Promise.all(acks), Array.from({ length: N }, () => ['ok']));
      for (const inbox of inboxes) {
        await inbox.waitCount(N, 10000);
        assert.deepEqual(inbox.items, Array.from({ length: N }, (_, i) => [i]));
      }
    });

    if (mode.upgrade) {
      it('messages in flight during the upgrade keep their order', async () => {
        // Hold the client's websocket probe until traffic is flowing on polling (or sse), so that the
        // switch happens in the middle of it (the reference client would otherwise upgrade
        // before the CONNECT reply arrives).
        let releaseProbe;
        const s = await ctx.connect(mode, {
          waitUpgrade: false,
          onCreate: (sock) => {
            const engine = sock.io.engine;
            const probe = engine._probe;
            assert.equal(typeof probe, 'function', 'engine.io-client internals changed');
            const held = [];
            engine._probe = function (name) {
              held.push(() => probe.call(this, name));
            };
            releaseProbe = () => {
              engine._probe = probe;
              for (const f of held.splice(0)) f();
            };
          },
        });
        assert.equal(s.io.engine.transport.name, mode.start);
        const inbox = new h.Inbox(s, 'echo');
        let i = 0;
        const yieldIo = () => new Promise((r) => setImmediate(r)); // not a timed sleep
        for (let k = 0; k < 50; k++) {
          s.emit('echo', i++);
          await yieldIo();
        }
        assert.equal(s.io.engine.transport.name, mode.start);
        const upgraded = h.waitUpgraded(s);
        let done = false;
        upgraded.then(() => (done = true), () => (done = true));
        releaseProbe();
        // Bounded: under a sanitizer the upgrade is slow, and an unbounded loop queued so much
        // on the client that its pong came too late (a ping timeout, the test's own doing).
        for (let k = 0; !done && k < 2000; k++) {
          s.emit('echo', i++);
          await yieldIo();
        }
        await upgraded;
        for (let k = 0; k < N; k++) s.emit('echo', i++);
        await inbox.waitCount(i, 10000);
        assert.equal(s.io.engine.transport.name, 'websocket');
        assert.deepEqual(
          inbox.items,
          Array.from({ length: i }, (_, k) => [k]),
        );
      });
    }
  });
});
