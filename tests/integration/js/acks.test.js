'use strict';
// Acknowledgements: client→server (echo), server→client (ask, with timeout), and the
// aggregated broadcast ack (ask_room).
const { describe, it } = require('node:test');
const h = require('./harness');
const { assert } = h;

const uniq = (p) => `${p}-${h.crypto.randomBytes(4).toString('hex')}`;

describe('acks', () => {
  const ctx = h.useServer();

  h.forEachMode((mode) => {
    it('client→server: the ack carries all the echoed args, in order', async () => {
      const s = await ctx.connect(mode);
      const args = [1, 'two', { three: [3, 3.5] }, null, true, [], {}, 'ünïcødé ✓', -0.25];
      assert.deepEqual(await h.ask(s, 'echo', ...args), args);
      assert.deepEqual(await h.ask(s, 'echo'), [], 'an ack without args');
    });

    it('client→server: without an ack, echo comes back as an event', async () => {
      const s = await ctx.connect(mode);
      const inbox = new h.Inbox(s, 'echo');
      s.emit('echo', 'a', { b: 2 });
      assert.deepEqual(await inbox.next(), ['a', { b: 2 }]);
    });

    it('client→server: 300 concurrent acks each get their own answer', async () => {
      const s = await ctx.connect(mode);
      const n = 300;
      const replies = await Promise.all(Array.from({ length: n }, (_, i) => h.ask(s, 'echo', i, `v${i}`)));
      assert.deepEqual(
        replies,
        Array.from({ length: n }, (_, i) => [i, `v${i}`]),
      );
    });

    it('client→server: a slow handler acks later, others are not blocked', async () => {
      const s = await ctx.connect(mode);
      const slow = h.ask(s, 'slow', { ms: 300 });
      let slowDone = false;
      slow.then(() => (slowDone = true));
      assert.deepEqual(await h.ask(s, 'echo', 'fast'), ['fast']);
      assert.equal(slowDone, false, 'the fast ack must not wait for the slow one');
      assert.deepEqual(await slow, ['done']);
    });

    it('server→client: ask gets the client\'s ack args', async () => {
      const s = await ctx.connect(mode);
      s.on('q', (a, b, cb) => cb(a + b, 'sum', { of: [a, b] }));
      assert.deepEqual(await h.ask(s, 'ask', { event: 'q', args: [2, 3], timeout: 2000 }), [
        { ok: true, reply: [5, 'sum', { of: [2, 3] }] },
      ]);
    });

    it('server→client: ask times out when the client never answers, and a late answer is ignored', async () => {
      const s = await ctx.connect(mode);
      let late = null;
      s.on('q', (x, cb) => {
        assert.equal(x, 'ping?');
        late = cb;
      });
      const t0 = Date.now();
      const [reply] = await h.ask(s, 'ask', { event: 'q', args: ['ping?'], timeout: 250 });
      const elapsed = Date.now() - t0;
      assert.deepEqual(reply, { ok: false, error: 'operation has timed out' });
      assert.ok(elapsed >= 240, `timed out after ${elapsed} ms, before the 250 ms timeout`);
      assert.equal(typeof late, 'function', 'the client got the event');
      late('too late'); // the server must ignore an ack whose id has expired
      await h.assertServed(s, 'the socket that sent a late ack');
    });

    it('server→client: many asks in flight resolve independently', async () => {
      const s = await ctx.connect(mode);
      s.on('q', (i, cb) => cb(i * 10));
      const replies = await Promise.all(
        Array.from({ length: 50 }, (_, i) => h.ask1(s, 'ask', { event: 'q', args: [i], timeout: 2000 })),
      );
      assert.deepEqual(replies, Array.from({ length: 50 }, (_, i) => ({ ok: true, reply: [i * 10] })));
    });

    it('broadcast ack: 3 clients, one silent → partial responses and timed_out', async () => {
      const room = uniq('askroom');
      const [asker, b, c, d] = await Promise.all(Array.from({ length: 4 }, () => ctx.connect(mode)));
      b.on('q', (x, cb) => cb(`B:${x}`, 'ignored second arg'));
      c.on('q', (x, cb) => cb(`C:${x}`));
      let dGot = null;
      d.on('q', (x) => (dGot = x)); // never acks
      for (const s of [b, c, d]) await h.ask(s, 'join', room);
      const [reply] = await h.ask(asker, 'ask_room', { room, event: 'q', args: [1], timeout: 300 });
      assert.deepEqual(reply, { responses: ['B:1', 'C:1'], timed_out: true });
      assert.equal(dGot, 1, 'the silent client got the event too');
    });

    it('broadcast ack: all answering → every first arg, timed_out false, before the timeout', async () => {
      const room = uniq('askroom');
      const [asker, b, c, d] = await Promise.all(Array.from({ length: 4 }, () => ctx.connect(mode)));
      b.on('q', (x, cb) => cb({ who: 'b', x }));
      c.on('q', (x, cb) => cb(`C:${x}`, 'more'));
      d.on('q', (x, cb) => cb(x * 2));
      for (const s of [b, c, d]) await h.ask(s, 'join', room);
      const t0 = Date.now();
      const [reply] = await h.ask(asker, 'ask_room', { room, event: 'q', args: [21], timeout: 2500 });
      // sorted by JSON text: "C:21" < 42 < {"who"...}
      assert.deepEqual(reply, { responses: ['C:21', 42, { who: 'b', x: 21 }], timed_out: false });
      assert.ok(Date.now() - t0 < 2000, 'completion must not wait for the timeout');
    });

    it('broadcast ack: the asker in the room answers too; an empty room completes at once', async () => {
      const room = uniq('askroom');
      const [a, b] = await Promise.all([ctx.connect(mode), ctx.connect(mode)]);
      a.on('q', (cb) => cb('A'));
      b.on('q', (cb) => cb('B'));
      await h.ask(a, 'join', room);
      await h.ask(b, 'join', room);
      assert.deepEqual(await h.ask1(a, 'ask_room', { room, event: 'q', args: [], timeout: 2000 }), {
        responses: ['A', 'B'],
        timed_out: false,
      });
      const t0 = Date.now();
      assert.deepEqual(await h.ask1(a, 'ask_room', { room: uniq('empty'), event: 'q', args: [], timeout: 2500 }), {
        responses: [],
        timed_out: false,
      });
      assert.ok(Date.now() - t0 < 2000, 'an empty room must not wait for the timeout');
    });

    // Switchboard always answers an event that carries an ack id (docs/protocol.md: clients with
    // `retries` stall otherwise); Node never answers for an unknown event or a throwing handler.
    it('sb: an unknown event with an ack gets an unknown_event error', h.sbOnly(), async () => {
      const s = await ctx.connect(mode);
      const [reply, ...rest] = await h.ask(s, 'no_such_event', 1);
      assert.deepEqual(rest, []);
      assert.equal(reply.error.code, 'unknown_event');
      assert.equal(typeof reply.error.message, 'string');
      assert.deepEqual(Object.keys(reply).sort(), ['error']);
      await h.assertServed(s);
    });

    it('sb: a throwing handler acks an internal error', h.sbOnly(), async () => {
      const s = await ctx.connect(mode);
      const [reply, ...rest] = await h.ask(s, 'fail');
      assert.deepEqual(rest, []);
      assert.equal(reply.error.code, 'internal');
      assert.equal(reply.error.message, 'internal error', 'the exception text stays in the server log');
      await h.assertServed(s);
    });
  });
});

// Node's behaviour, on Switchboard with ack_unknown_events = false (the reference server
// never acks an unknown event, and never answers for a handler that does not call back).
describe('acks: what is not answered', () => {
  const ctx = h.useServer(['--ack-unknown-events', 0, '--handler-deadline', 300]);

  h.forEachMode((mode) => {
    it('an unknown event is not acked; the connection stays usable', async () => {
      const s = await ctx.connect(mode);
      await assert.rejects(s.timeout(800).emitWithAck('no_such_event', 1), /operation has timed out/);
      await h.assertServed(s);
    });

    it('sb: handlers past the handler deadline ack a timeout error; those in time answer', h.sbOnly(), async () => {
      const s = await ctx.connect(mode);
      const t0 = Date.now();
      // Interleaved: the deadlines of the quick ones are cleared between those that fall due.
      const calls = [];
      for (let i = 0; i < 20; i++) {
        calls.push(h.ask(s, 'slow', { ms: i % 2 ? 10 : 3000 }));
      }
      const replies = await Promise.all(calls);
      const elapsed = Date.now() - t0;
      assert.ok(elapsed >= 250 && elapsed < 2000, `the deadline (300 ms) answered after ${elapsed} ms`);
      for (let i = 0; i < 20; i++) {
        if (i % 2) {
          assert.deepEqual(replies[i], ['done']);
        }
        else {
          assert.equal(replies[i][0].error.code, 'timeout', JSON.stringify(replies[i]));
          assert.match(replies[i][0].error.message, /did not answer within 300 ms/);
        }
      }
      await h.assertServed(s);
    });

    it('a handler that declines to ack sends nothing, even past the handler deadline', async () => {
      const s = await ctx.connect(mode);
      const acks = [];
      s.emit('no_ack', 1, (...a) => acks.push(a));
      await new Promise((r) => setTimeout(r, 800)); // the deadline (300 ms) has passed
      assert.deepEqual(acks, []);
      await h.assertServed(s);
    });
  });
});
