'use strict';
// Rooms: join/leave/list, room_size, to_room (sender excluded), server_to_room (sender included),
// except, broadcast, and no duplicates when a socket is in several target rooms.
//
// "Did not receive" is checked with h.fence(): the server writes to a connection in order, so a
// message that has not arrived when a later fence message has, never will.
const { describe, it } = require('node:test');
const h = require('./harness');
const { assert } = h;

const uniq = (p) => `${p}-${h.crypto.randomBytes(4).toString('hex')}`;
const sorted = (a) => [...a].sort();

describe('rooms', () => {
  const ctx = h.useServer();

  h.forEachMode((mode) => {
    const clients = (n) => Promise.all(Array.from({ length: n }, () => ctx.connect(mode)));

    it('join, leave and list rooms (sorted, own id included)', async () => {
      const s = await ctx.connect(mode);
      assert.deepEqual(await h.ask(s, 'rooms'), [[s.id]]);
      assert.deepEqual(await h.ask1(s, 'join', 'm'), sorted([s.id, 'm']));
      assert.deepEqual(await h.ask1(s, 'join', ['z', 'b', 'm']), sorted([s.id, 'b', 'm', 'z']));
      assert.deepEqual(await h.ask1(s, 'rooms'), sorted([s.id, 'b', 'm', 'z']));
      assert.deepEqual(await h.ask1(s, 'leave', 'm'), sorted([s.id, 'b', 'z']));
      assert.deepEqual(await h.ask1(s, 'leave', 'never-joined'), sorted([s.id, 'b', 'z']));
      assert.deepEqual(await h.ask1(s, 'rooms'), sorted([s.id, 'b', 'z']));
    });

    it('room_size counts the members across the server', async () => {
      const room = uniq('size');
      const [a, b, watcher] = await clients(3);
      await h.ask(watcher, 'join', 'watchers');
      assert.deepEqual(await h.ask(a, 'room_size', { room }), [0]);
      await h.ask(a, 'join', room);
      assert.deepEqual(await h.ask(a, 'room_size', { room }), [1]);
      await h.ask(b, 'join', [room]);
      assert.deepEqual(await h.ask(a, 'room_size', { room }), [2]);
      await h.ask(b, 'leave', room);
      assert.deepEqual(await h.ask(a, 'room_size', { room }), [1]);
      await h.ask(b, 'join', room);
      assert.deepEqual(await h.ask(a, 'room_size', { room }), [2]);
      // A disconnected socket has left its rooms once the server's hook reported it.
      const gone = h.disconnectedEvent(watcher, b.id);
      b.disconnect();
      await gone;
      assert.deepEqual(await h.ask(a, 'room_size', { room }), [1]);
      assert.deepEqual(await h.ask(a, 'room_size', { room: a.id }), [1], 'a socket is alone in its own room');
    });

    it('to_room reaches the room but not the sender', async () => {
      const room = uniq('to');
      const [a, b, c, outsider] = await clients(4);
      for (const s of [a, b, c]) await h.ask(s, 'join', room);
      const inbox = [a, b, c, outsider].map((s) => new h.Inbox(s, 'm'));
      assert.deepEqual(await h.ask(a, 'to_room', { rooms: room, event: 'm', args: [1, 'x', { y: [true] }] }), ['ok']);
      await h.fence(a, [a, b, c, outsider]);
      assert.deepEqual(inbox.map((i) => i.items), [[], [[1, 'x', { y: [true] }]], [[1, 'x', { y: [true] }]], []]);
    });

    it('server_to_room reaches the room including the sender', async () => {
      const room = uniq('srv');
      const [a, b, outsider] = await clients(3);
      for (const s of [a, b]) await h.ask(s, 'join', room);
      const inbox = [a, b, outsider].map((s) => new h.Inbox(s, 'm'));
      assert.deepEqual(await h.ask(a, 'server_to_room', { rooms: [room], event: 'm', args: ['hi'] }), ['ok']);
      await h.fence(a, [a, b, outsider]);
      assert.deepEqual(inbox.map((i) => i.items), [[['hi']], [['hi']], []]);
    });

    it('except skips members of the excepted rooms (to_room and server_to_room)', async () => {
      const room = uniq('ex');
      const ex1 = uniq('ex1');
      const ex2 = uniq('ex2');
      const [a, b, c, d] = await clients(4);
      for (const s of [a, b, c, d]) await h.ask(s, 'join', room);
      await h.ask(b, 'join', ex1);
      await h.ask(c, 'join', ex2);
      const inbox = [a, b, c, d].map((s) => new h.Inbox(s, 'm'));
      await h.ask(a, 'to_room', { rooms: room, except: ex1, event: 'm', args: [1] });
      await h.ask(a, 'server_to_room', { rooms: room, except: [ex1, ex2], event: 'm', args: [2] });
      await h.ask(a, 'server_to_room', { rooms: room, except: d.id, event: 'm', args: [3] });
      await h.fence(a, [a, b, c, d]);
      assert.deepEqual(inbox[0].items, [[2], [3]], 'sender');
      assert.deepEqual(inbox[1].items, [[3]], 'in ex1');
      assert.deepEqual(inbox[2].items, [[1], [3]], 'in ex2');
      assert.deepEqual(inbox[3].items, [[1], [2]], 'excepted by its id');
    });

    it('broadcast reaches every other socket of / but not the sender', async () => {
      const [a, c] = await clients(2);
      // b shares its connection with an /admin socket, so the fence on b also covers /admin.
      const manager = ctx.manager(mode);
      const b = await ctx.connect(mode, { manager });
      const admin = await ctx.connect(mode, { manager, nsp: '/admin', auth: { token: 'secret' } });
      const tag = uniq('bc');
      const inbox = [a, b, c, admin].map((s) => new h.Inbox(s, tag));
      assert.deepEqual(await h.ask(a, 'broadcast', { event: tag, args: [tag, 7] }), ['ok']);
      await h.fence(a, [a, b, c]);
      assert.deepEqual(inbox[0].items, [], 'the sender');
      assert.deepEqual(inbox[1].items, [[tag, 7]]);
      assert.deepEqual(inbox[2].items, [[tag, 7]]);
      assert.deepEqual(inbox[3].items, [], 'a socket of another namespace');
    });

    it('a socket in several target rooms gets the message once', async () => {
      const r1 = uniq('r1');
      const r2 = uniq('r2');
      const [a, both, only2] = await clients(3);
      await h.ask(both, 'join', [r1, r2]);
      await h.ask(only2, 'join', r2);
      await h.ask(a, 'join', [r1, r2]);
      const inbox = [a, both, only2].map((s) => new h.Inbox(s, 'm'));
      await h.ask(a, 'server_to_room', { rooms: [r1, r2], event: 'm', args: ['s'] });
      await h.ask(a, 'to_room', { rooms: [r2, r1], event: 'm', args: ['t'] });
      await h.ask(a, 'server_to_room', { rooms: [r1, r2, both.id], event: 'm', args: ['u'] });
      await h.fence(a, [a, both, only2]);
      assert.deepEqual(inbox[0].items, [['s'], ['u']]);
      assert.deepEqual(inbox[1].items, [['s'], ['t'], ['u']]);
      assert.deepEqual(inbox[2].items, [['s'], ['t'], ['u']]);
    });

    it('a socket\'s own room: reached and excepted by id, counted, and left like any room', async () => {
      const [a, b, c] = await clients(3);
      const room = uniq('own');
      await h.ask(b, 'join', room);
      await h.ask(c, 'join', room);
      const inbox = [a, b, c].map((s) => new h.Inbox(s, 'm'));
      await h.ask(a, 'server_to_room', { rooms: [b.id], event: 'm', args: ['to-b'] });
      await h.ask(a, 'server_to_room', { rooms: [room], except: [c.id], event: 'm', args: ['not-c'] });
      // A room named after another socket's id is a room like any other, beside that socket.
      await h.ask(c, 'join', b.id);
      assert.deepEqual(await h.ask(a, 'room_size', { room: b.id }), [2]);
      await h.ask(a, 'server_to_room', { rooms: [b.id], event: 'm', args: ['b-and-c'] });
      await h.ask(c, 'leave', b.id);
      // Once b leaves its own room, its id reaches nobody.
      assert.deepEqual(await h.ask1(b, 'leave', b.id), sorted([room]));
      assert.deepEqual(await h.ask(a, 'room_size', { room: b.id }), [0]);
      await h.ask(a, 'server_to_room', { rooms: [b.id], event: 'm', args: ['nobody'] });
      await h.ask(b, 'join', b.id);
      assert.deepEqual(await h.ask(a, 'room_size', { room: b.id }), [1]);
      await h.fence(a, [a, b, c]);
      assert.deepEqual(inbox.map((i) => i.items), [[], [['to-b'], ['not-c'], ['b-and-c']], [['b-and-c']]]);
    });

    it('a socket that left a room no longer gets its messages', async () => {
      const room = uniq('left');
      const [a, b] = await clients(2);
      await h.ask(a, 'join', room);
      await h.ask(b, 'join', room);
      await h.ask(b, 'leave', room);
      const inbox = new h.Inbox(b, 'm');
      await h.ask(a, 'server_to_room', { rooms: room, event: 'm', args: [] });
      await h.fence(a, [b]);
      assert.deepEqual(inbox.items, []);
    });
  });
});
