'use strict';
// A mixed cluster in one real Redis: two Switchboard nodes (A, B) and one Node socket.io
// node with the official @socket.io/redis-adapter (C). Every operation is tried from each
// kind of node, so each direction of the wire format is exercised.
const { describe, it, before, after } = require('node:test');
const path = require('node:path');
const h = require('./cluster.js');
const { assert } = h;

describe('mixed cluster: 2 Switchboard nodes + 1 Node socket.io node', () => {
  // Clients on every transport: a1 websocket and a2 polling on A, b1 websocket and b2 sse
  // (clients/sse-transport.js) on B, c1 websocket on C.
  let redis, A, B, C, a1, a2, b1, b2, c1, all;

  const answerer = (socket, name) => socket.on('question', (...args) => args.pop()(name));

  before(async () => {
    redis = await h.startRedis();
    [A, B, C] = await Promise.all([
      h.startNode('sb', 'A', redis.url),
      h.startNode('sb', 'B', redis.url),
      h.startNode('node', 'C', redis.url),
    ]);
    const { SSE } = require(path.join(h.ROOT, 'clients', 'sse-transport.js'));
    [a1, a2, b1, b2, c1] = await Promise.all([h.connect(A), h.connect(A, { transports: ['polling'] }), h.connect(B),
      h.connect(B, { transports: [SSE] }), h.connect(C)]);
    assert.equal(b2.io.engine.transport.name, 'sse');
    all = { a1, a2, b1, b2, c1 };
    for (const [n, s] of Object.entries(all)) answerer(s, n);
    await h.settle([a1, b1, c1], 3);
  });

  after(async () => {
    for (const s of Object.values(all || {})) s.close();
    await Promise.all([A, B, C].filter(Boolean).map((n) => n.stop()));
    if (redis) await redis.stop();
  });

  const clear = () => { for (const s of Object.values(all)) s.received.length = 0; };
  const got = (s, ev) => h.events(s, ev);
  const quiet = () => h.sleep(250);  // time for a message that should not come

  it('io.emit from every node reaches every client on every node', async () => {
    for (const [origin, from] of [[a1, 'A'], [b1, 'B'], [c1, 'C']]) {
      clear();
      await h.call(origin, 'emit', { event: 'hello', args: [from, { n: 1 }] });
      await h.until(() => Object.values(all).every((s) => got(s, 'hello').length === 1), 4000, `hello from ${from}`);
      for (const s of Object.values(all)) assert.deepEqual(got(s, 'hello')[0], [from, { n: 1 }]);
    }
  });

  it('to(room) reaches the room members on every node, and nobody else', async () => {
    await Promise.all([h.call(a2, 'join', 'r1'), h.call(c1, 'join', 'r1')]);
    for (const origin of [b1, c1, a1]) {
      clear();
      await h.call(origin, 'emit', { room: 'r1', event: 'in_room', args: ['x'] });
      await h.until(() => got(a2, 'in_room').length === 1 && got(c1, 'in_room').length === 1);
      await quiet();
      for (const s of [a1, b1, b2]) assert.equal(got(s, 'in_room').length, 0);
    }
  });

  it('except(room) holds across nodes', async () => {
    for (const origin of [a1, c1]) {
      clear();
      await h.call(origin, 'emit', { except: 'r1', event: 'not_r1', args: [] });
      await h.until(() => [a1, b1, b2].every((s) => got(s, 'not_r1').length === 1));
      await quiet();
      assert.equal(got(a2, 'not_r1').length, 0);
      assert.equal(got(c1, 'not_r1').length, 0);
    }
  });

  it('socket.broadcast excludes the sender across nodes', async () => {
    for (const origin of [a1, c1]) {
      clear();
      await h.call(origin, 'emit_from_me', { event: 'bcast', args: [1] });
      const others = Object.values(all).filter((s) => s !== origin);
      await h.until(() => others.every((s) => got(s, 'bcast').length === 1));
      await quiet();
      assert.equal(got(origin, 'bcast').length, 0);
    }
  });

  it('local() stays on the node that sent it', async () => {
    clear();
    await h.call(a1, 'emit', { local: true, event: 'local_only', args: [] });
    await h.until(() => got(a1, 'local_only').length === 1 && got(a2, 'local_only').length === 1);
    await quiet();
    for (const s of [b1, b2, c1]) assert.equal(got(s, 'local_only').length, 0);
  });

  it('binary arguments cross nodes as Buffers, both ways', async () => {
    clear();
    await h.call(c1, 'emit', { event: 'bin', args: [Buffer.from([1, 2, 3, 255]), 'tail'] });
    await h.until(() => [a1, a2, b1, b2].every((s) => got(s, 'bin').length === 1));
    for (const s of [a1, a2, b1, b2]) assert.deepEqual([...Buffer.from(got(s, 'bin')[0][0])], [1, 2, 3, 255]);
    assert.equal(got(a1, 'bin')[0][1], 'tail');
    clear();
    await h.call(a1, 'emit', { event: 'bin', args: [{ blob: Buffer.from('hey') }] });
    await h.until(() => got(c1, 'bin').length === 1 && got(b1, 'bin').length === 1);
    assert.equal(Buffer.from(got(c1, 'bin')[0][0].blob).toString(), 'hey');
    assert.equal(Buffer.from(got(b1, 'bin')[0][0].blob).toString(), 'hey');
  });

  it('fetch_sockets sees every socket of the cluster, from every node', async () => {
    const ids = Object.values(all).map((s) => s.id).sort();
    await h.call(b1, 'set_data', { user: 'bee' });
    for (const origin of [a1, b1, c1]) {
      const r = await h.call(origin, 'fetch', {});
      assert.deepEqual(r.ids, ids, `from ${origin === c1 ? 'C' : 'sb'}`);
      assert.equal(r.partial, false);
      const inRoom = await h.call(origin, 'fetch', { room: 'r1' });
      assert.deepEqual(inRoom.ids, [a2.id, c1.id].sort());
      const withData = await h.call(origin, 'fetch', { room: b1.id });
      assert.deepEqual(withData.sample.data, { user: 'bee' });
      assert.ok(withData.sample.rooms.includes(b1.id));
    }
  });

  it('room_size and rooms() count members on every node', async () => {
    for (const origin of [a1, b1, c1]) {
      assert.equal(await h.call(origin, 'room_size', 'r1'), 2);
      const rooms = await h.call(origin, 'rooms');
      assert.equal(rooms.r1, 2);
      assert.equal(rooms[a1.id], undefined, "a socket's own room is not listed");
    }
  });

  it('sockets_join / sockets_leave act on sockets of other nodes', async () => {
    // From Switchboard B: C's and A's sockets join.
    await h.call(b1, 'sockets', { room: c1.id, join: 'joined_by_b' });
    await h.call(b1, 'sockets', { room: a1.id, join: 'joined_by_b' });
    await h.until(async () => (await h.call(c1, 'my_rooms')).includes('joined_by_b'));
    await h.until(async () => (await h.call(a1, 'my_rooms')).includes('joined_by_b'));
    // From Node C: A's socket leaves, B's joins.
    await h.call(c1, 'sockets', { room: a1.id, leave: 'joined_by_b' });
    await h.call(c1, 'sockets', { room: b1.id, join: 'joined_by_c' });
    await h.until(async () => !(await h.call(a1, 'my_rooms')).includes('joined_by_b'));
    await h.until(async () => (await h.call(b1, 'my_rooms')).includes('joined_by_c'));
    assert.equal(await h.call(a1, 'room_size', 'joined_by_b'), 1);
  });

  it('a broadcast with ack collects answers from clients on every node', async () => {
    for (const origin of [a1, b1, c1]) {
      const r = await h.call(origin, 'ask', { timeout: 2000 });
      assert.deepEqual(r.responses, ['a1', 'a2', 'b1', 'b2', 'c1']);
      assert.equal(r.timeout, false);
      const inRoom = await h.call(origin, 'ask', { room: 'r1', timeout: 2000 });
      assert.deepEqual(inRoom.responses, ['a2', 'c1']);
    }
  });

  it('server_side_emit reaches the other servers, not the sender', async () => {
    clear();
    await h.call(a1, 'server_emit', { event: 'note', args: ['from A'] });
    await h.until(() => got(b1, 'noted').length === 1 && got(c1, 'noted').length === 1);
    await quiet();
    assert.equal(got(a1, 'noted').length, 0);
    assert.deepEqual(got(c1, 'noted')[0], ['from A']);
    clear();
    await h.call(c1, 'server_emit', { event: 'note', args: ['from C'] });
    await h.until(() => got(a1, 'noted').length === 1 && got(b1, 'noted').length === 1);
  });

  it('server_side_emit_with_ack collects one answer per other server', async () => {
    assert.deepEqual((await h.call(a1, 'server_ask', { event: 'ping', timeout: 2000 })).responses, ['pong:B', 'pong:C']);
    assert.deepEqual((await h.call(c1, 'server_ask', { event: 'ping', timeout: 2000 })).responses, ['pong:A', 'pong:B']);
  });

  it('an @socket.io/redis-emitter process reaches Switchboard clients', async () => {
    const { Emitter } = require(path.join(h.ROOT, 'node_modules', '@socket.io', 'redis-emitter'));
    const { createClient } = require(path.join(h.ROOT, 'node_modules', 'redis'));
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      const emitter = new Emitter(client);
      clear();
      emitter.emit('from_emitter', 1, 'two');
      await h.until(() => Object.values(all).every((s) => got(s, 'from_emitter').length === 1));
      assert.deepEqual(got(a1, 'from_emitter')[0], [1, 'two']);
      clear();
      emitter.to('r1').emit('emitter_room', Buffer.from([9]));
      await h.until(() => got(a2, 'emitter_room').length === 1 && got(c1, 'emitter_room').length === 1);
      assert.deepEqual([...got(a2, 'emitter_room')[0][0]], [9]);
      await quiet();
      assert.equal(got(a1, 'emitter_room').length, 0);
      emitter.in(b1.id).socketsJoin('emitted_room');
      await h.until(async () => (await h.call(b1, 'my_rooms')).includes('emitted_room'));
    } finally {
      await client.quit();
    }
  });

  it('disconnect_sockets disconnects sockets on other nodes', async () => {
    const gone = (s) => new Promise((resolve) => s.once('disconnect', resolve));
    const [reasonC, reasonA] = [gone(c1), gone(a2)];
    await h.call(b1, 'sockets', { room: 'r1', disconnect: false });
    assert.equal(await h.withTimeout(reasonC, 4000, 'c1 disconnected'), 'io server disconnect');
    assert.equal(await h.withTimeout(reasonA, 4000, 'a2 disconnected'), 'io server disconnect');
    assert.equal(b1.connected && a1.connected, true);
  });
});
