'use strict';
// Presence across nodes (namespace_::presence), with real processes: memberships in Redis,
// per-node heartbeats (500 ms on /durable of sb_cluster_node, node timeout 2 s), a dead
// node's members gone from answers and announced once, memberships rewritten after Redis
// restarts empty.
const { describe, it, before, after } = require('node:test');
const h = require('./cluster.js');
const { assert } = h;

const at = (node) => ({ ...node, url: node.url + '/durable' });
const sorted = (ids) => [...ids].sort();

describe('presence across nodes', () => {
  let redis, A, B;
  const clients = [];
  const track = (c) => { clients.push(c); return c; };

  before(async () => {
    redis = await h.startRedis();
    [A, B] = await Promise.all(['A', 'B'].map((n) => h.startNode('sb', n, redis.url)));
  });
  after(async () => {
    for (const c of clients) c.close();
    await Promise.all([A, B].map((n) => n?.stop('SIGKILL')));
    await redis?.stop();
  });

  it('members of a room are those on every node; a leave and a disconnect take effect at once', async () => {
    const a = track(await h.connect(at(A)));
    const b = track(await h.connect(at(B)));
    const c = track(await h.connect(at(B)));
    for (const s of [a, b, c]) await h.call(s, 'join', 'p');
    await h.until(async () => (await h.call(b, 'members', 'p')).length === 3, 4000, 'three members');
    assert.deepEqual(await h.call(a, 'members', 'p'), sorted([a.id, b.id, c.id]));
    await h.call(c, 'leave', 'p');
    assert.deepEqual(await h.call(a, 'members', 'p'), sorted([a.id, b.id]));
    a.disconnect();
    await h.until(async () => (await h.call(b, 'members', 'p')).length === 1, 2000, 'the disconnect');
    assert.deepEqual(await h.call(b, 'members', 'p'), [b.id]);
    assert.deepEqual(await h.call(b, 'members', 'nobody-here'), []);
  });

  it('after Redis restarts empty, every node writes its memberships again', async () => {
    const b = track(await h.connect(at(B)));
    await h.call(b, 'join', 'q');
    await h.until(async () => (await h.call(b, 'members', 'q')).includes(b.id), 2000, 'the member');
    await redis.stop();
    redis = await h.startRedis(redis.port);
    await h.until(async () => (await h.call(b, 'members', 'q')).includes(b.id), 8000, 'the membership written again');
  });

  it('a node killed with kill -9: its members drop out within the node timeout, announced once', async () => {
    const onA = [track(await h.connect(at(A))), track(await h.connect(at(A)))];
    const b = track(await h.connect(at(B)));
    for (const s of [...onA, b]) await h.call(s, 'join', 'z');
    await h.until(async () => (await h.call(b, 'members', 'z')).length === 3, 4000, 'three members');
    const ids = sorted(onA.map((s) => s.id));  // a disconnected client forgets its id
    const t0 = Date.now();
    A.child.kill('SIGKILL');
    await h.until(async () => (await h.call(b, 'members', 'z')).length === 1, 5000, 'the dead node\'s members gone');
    const gone = Date.now() - t0;
    assert.ok(gone < 4000, `gone after ${gone} ms`);
    assert.deepEqual(await h.call(b, 'members', 'z'), [b.id]);
    await h.until(() => h.events(b, 'lost').some(([l]) => l.room === 'z'), 5000, 'the announcement');
    await h.sleep(1500);  // a second beat would announce them again if the reap were not claimed
    const lost = h.events(b, 'lost').filter(([l]) => l.room === 'z');
    assert.equal(lost.length, 1, 'announced once');
    assert.deepEqual(lost[0][0].ids, ids);
  });
});
