'use strict';
// Binary payloads: Buffers in event args, nested, in acks both ways, and as server events.
const { describe, it } = require('node:test');
const h = require('./harness');
const { assert } = h;

const bytes = (...b) => Buffer.from(b);
const pattern = (n, seed = 0) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));

describe('binary', () => {
  const ctx = h.useServer();

  h.forEachMode((mode) => {
    it('round-trips Buffers in args through binary_echo', async () => {
      const s = await ctx.connect(mode);
      const args = [bytes(0, 1, 2, 0x1e, 0xff), 'text between', bytes(0x34, 0x32), 7];
      const reply = await h.ask(s, 'binary_echo', ...args);
      assert.equal(reply.length, 4);
      assert.ok(!(typeof reply[0] === 'object' && reply[0] && reply[0]._placeholder), 'placeholder not replaced');
      assert.deepEqual(h.normalizeBinary(reply), args);
    });

    it('round-trips Buffers nested in objects and arrays, and an empty Buffer', async () => {
      const s = await ctx.connect(mode);
      const arg = {
        a: [bytes(1), { b: bytes(2, 2), c: 'x' }],
        d: { e: { f: [[bytes(3, 3, 3)]] } },
        empty: Buffer.alloc(0),
        n: null,
        g: [1, 'two'],
      };
      const reply = await h.ask(s, 'binary_echo', arg, bytes(4));
      assert.deepEqual(h.normalizeBinary(reply), [arg, bytes(4)]);
    });

    it('round-trips 10 attachments in one packet (the limit) and a 60 kB Buffer', async () => {
      const s = await ctx.connect(mode);
      const ten = Array.from({ length: 10 }, (_, i) => pattern(i + 1, i));
      assert.deepEqual(h.normalizeBinary(await h.ask(s, 'binary_echo', ...ten)), ten);
      const big = pattern(60000, 7);
      const [back] = await h.ask(s, 'binary_echo', big);
      assert.ok(h.asBuffer(back).equals(big), '60 kB Buffer corrupted');
    });

    it('server→client: a binary event (echo without ack)', async () => {
      const s = await ctx.connect(mode);
      const inbox = new h.Inbox(s, 'echo');
      s.emit('echo', 'bin', { data: bytes(9, 8, 7) });
      assert.deepEqual(h.normalizeBinary(await inbox.next()), ['bin', { data: bytes(9, 8, 7) }]);
    });

    it('server→client ask with binary args, answered by a binary ack', async () => {
      const s = await ctx.connect(mode);
      s.on('q', (buf, meta, cb) => {
        const b = h.asBuffer(buf, 'ask arg');
        cb(Buffer.from(b).reverse(), { len: b.length, copy: Buffer.from(b) });
      });
      const [reply] = await h.ask(s, 'ask', { event: 'q', args: [bytes(1, 2, 3), 'meta'], timeout: 2000 });
      assert.deepEqual(reply.ok, true);
      assert.deepEqual(h.normalizeBinary(reply.reply), [bytes(3, 2, 1), { len: 3, copy: bytes(1, 2, 3) }]);
    });

    it('broadcasts a binary event to a room', async () => {
      const room = `bin-${h.crypto.randomBytes(4).toString('hex')}`;
      const [a, b] = await Promise.all([ctx.connect(mode), ctx.connect(mode)]);
      await h.ask(b, 'join', room);
      const inbox = new h.Inbox(b, 'blob');
      // Buffers in the args of server_to_room: the server re-emits them as attachments.
      await h.ask(a, 'server_to_room', { rooms: room, event: 'blob', args: [bytes(5, 6), { x: bytes(7) }] });
      assert.deepEqual(h.normalizeBinary(await inbox.next()), [bytes(5, 6), { x: bytes(7) }]);
    });
  });
});
