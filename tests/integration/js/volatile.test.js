'use strict';
// Volatile emits: dropped when the client's transport is not writable at that moment, delivered
// exactly once to an idle client.
//
// "Idle": on websocket, nothing being written; on polling, a GET parked at the server. The
// official client sends its next GET right after each response, but on a new TCP connection, so
// it can reach the server tens of ms later. No client event says when it did, so this file hooks
// http.request (used by the client's polling transport) and waits until that GET has been handed
// to the kernel ('finish'), then lets the sender make a few round trips before the volatile emit.
// (A server that reads its connections in a strange order could still lose that race; it is not
// expected from either implementation.)
const { describe, it, before, after } = require('node:test');
const http = require('node:http');
const h = require('./harness');
const { assert } = h;

const latestGet = new Map(); // engine sid → Promise resolved once the GET is sent
const originalRequest = http.request;
before(() => {
  http.request = function (...args) {
    const req = originalRequest.apply(this, args);
    const m = /[?&]transport=polling&.*\bsid=([^&]+)/.exec(req.path || '');
    if (req.method === 'GET' && m) {
      latestGet.set(decodeURIComponent(m[1]), new Promise((resolve) => req.once('finish', resolve)));
    }
    return req;
  };
});
after(() => {
  http.request = originalRequest;
});

/** Resolves once the client's transport can take a write: its newest GET has been sent (polling). */
async function becameIdle(socket) {
  if (socket.io.engine.transport.name !== 'polling') return;
  const sent = latestGet.get(socket.io.engine.id);
  assert.ok(sent, 'no polling GET seen for this client');
  await h.withTimeout(sent, h.WAIT, 'the idle client to send its next GET');
}

describe('volatile', () => {
  const ctx = h.useServer();

  h.forEachMode((mode) => {
    it('a volatile message reaches an idle client, once', async () => {
      const room = `vol-${h.crypto.randomBytes(4).toString('hex')}`;
      const sender = await ctx.connect(h.MODES[0]);
      const idle = await ctx.connect(mode);
      await h.ask(idle, 'join', room);
      await becameIdle(idle);
      // A few sender round trips: the server has read the GET (sent before them) by then.
      for (let k = 0; k < 3; k++) await h.assertServed(sender, 'sender');
      const inbox = new h.Inbox(idle, 'v');
      assert.deepEqual(await h.ask(sender, 'volatile_to_room', { rooms: room, event: 'v', args: ['tick', { n: 1 }] }), [
        'ok',
      ]);
      assert.deepEqual(await inbox.next(), ['tick', { n: 1 }]);
      await h.fence(sender, [idle]);
      assert.deepEqual(inbox.items, [['tick', { n: 1 }]], 'delivered exactly once');
    });

    it('a burst of volatile messages: never duplicated or reordered', async () => {
      const room = `vol-${h.crypto.randomBytes(4).toString('hex')}`;
      const sender = await ctx.connect(h.MODES[0]);
      const members = await Promise.all([ctx.connect(mode), ctx.connect(mode)]);
      for (const m of members) await h.ask(m, 'join', room);
      const inboxes = members.map((m) => new h.Inbox(m, 'v'));
      for (let i = 0; i < 5; i++) await h.ask(sender, 'volatile_to_room', { rooms: room, event: 'v', args: [i] });
      await h.fence(sender, members);
      for (const inbox of inboxes) {
        const got = inbox.items.map(([i]) => i);
        assert.deepEqual(got, [...new Set(got)].sort(), `in order, no duplicates: ${got}`);
      }
    });
  });
});
