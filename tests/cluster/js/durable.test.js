'use strict';
// The durable layer (redis_options::durable), with real processes on loopback: in a
// namespace with connection state recovery (/durable of sb_cluster_node), Redis numbers
// every event, so all nodes log the same `<epoch>:<offset>` ids and the official client
// recovers on any node: after a clean drop, after its node was killed with kill -9
// (through nginx), and while Redis itself is killed and restarted.
const { describe, it, before, after } = require('node:test');
const path = require('node:path');
const h = require('./cluster.js');
const { assert } = h;

const { SSE } = require(path.join(h.ROOT, 'clients', 'sse-transport.js'));

const at = (node, nsp = '/durable') => ({ ...node, url: node.url + nsp });
const offsetOf = (args) => args[args.length - 1];  // recovery appends the offset
const split = (id) => { const [epoch, n] = id.split(':'); return { epoch, n: Number(n) }; };
/** Values (first argument) of `event` as received, in order. */
const values = (c, event) => h.events(c, event).map((a) => a[0]);

function reconnecting(extra = {}) {
  return { reconnection: true, reconnectionDelay: 200, reconnectionDelayMax: 400, randomizationFactor: 0, ...extra };
}

describe('durable layer: numbering and recovery across nodes', () => {
  let redis, A, B;
  const clients = [];
  const track = (c) => { clients.push(c); return c; };

  before(async () => {
    redis = await h.startRedis();
    [A, B] = await Promise.all([h.startNode('sb', 'A', redis.url), h.startNode('sb', 'B', redis.url)]);
  });
  after(async () => {
    for (const c of clients) c.close();
    await Promise.all([A, B].map((n) => n?.stop()));
    await redis?.stop();
  });

  it('every node delivers the same ids from one cluster-wide counter, in order', async () => {
    const a = track(await h.connect(at(A)));
    const b = track(await h.connect(at(B)));
    await h.settle([a, b], 2);
    for (let i = 1; i <= 20; i++) await h.call(a, 'emit', { event: 'tick', args: [i] });
    for (let i = 21; i <= 25; i++) await h.call(b, 'emit', { event: 'tick', args: [i] });
    await h.until(() => h.events(a, 'tick').length === 25 && h.events(b, 'tick').length === 25, 4000, '25 ticks each');
    const ids = (c) => h.events(c, 'tick').map(offsetOf);
    assert.deepEqual(values(a, 'tick'), Array.from({ length: 25 }, (_, i) => i + 1));
    assert.deepEqual(ids(a), ids(b), 'both nodes logged the same ids');
    const parsed = ids(a).map(split);
    assert.equal(new Set(parsed.map((p) => p.epoch)).size, 1, 'one epoch');
    for (let i = 1; i < parsed.length; i++) assert.equal(parsed[i].n, parsed[i - 1].n + 1, 'contiguous offsets');
    // Plain namespaces are untouched: no offset appended.
    const plain = track(await h.connect(A));
    await h.call(plain, 'emit', { event: 'plain', args: [1] });
    await h.until(() => h.events(plain, 'plain').length === 1);
    assert.deepEqual(h.events(plain, 'plain')[0], [1]);
  });

  for (const [transport, opts] of [['websocket', {}], ['polling', { transports: ['polling'] }], ['sse', { transports: [SSE] }]]) {
  it(`${transport}: a client that drops on one node recovers on another: same id, rooms, data, every missed event once`, async () => {
    const c = track(await h.connect(at(A), reconnecting(opts)));
    const driver = track(await h.connect(at(B)));
    await h.call(c, 'join', 'r');
    await h.call(c, 'set_data', { n: 7 });
    await h.call(driver, 'emit', { room: 'r', event: 'before', args: [0] });
    await h.until(() => h.events(c, 'before').length === 1, 4000, 'an event with an offset');
    await h.sleep(100);  // the session write (two loop turns after a change)
    const id = c.id;
    // The client's own reconnection, pointed at node B: it sends its pid and last offset.
    c.io.uri = B.url;
    const back = new Promise((resolve) => c.once('connect', resolve));
    c.io.engine.close();
    for (let i = 1; i <= 5; i++) await h.call(driver, 'emit', { room: 'r', event: 'missed', args: [i] });
    await h.call(driver, 'emit', { room: 'elsewhere', event: 'not_for_you', args: [1] });
    await h.withTimeout(back, 5000, 'reconnection to B');
    assert.equal(c.recovered, true, 'the client saw its session recovered');
    assert.equal(c.id, id);
    assert.equal(await h.call(c, 'name'), 'B');
    assert.equal(await h.call(c, 'recovered'), true);
    assert.deepEqual(await h.call(c, 'my_rooms'), [id, 'r'].sort());
    assert.deepEqual(await h.call(c, 'get_data'), { n: 7 });
    await h.until(() => h.events(c, 'missed').length >= 5, 4000, 'the missed events');
    await h.sleep(200);
    assert.deepEqual(values(c, 'missed'), [1, 2, 3, 4, 5], 'each once, in order');
    assert.equal(h.events(c, 'not_for_you').length, 0);
    // And live events keep coming on B, numbered after the replayed ones.
    await h.call(driver, 'emit', { room: 'r', event: 'after', args: [1] });
    await h.until(() => h.events(c, 'after').length === 1);
    assert.ok(split(offsetOf(h.events(c, 'after')[0])).n > split(offsetOf(h.events(c, 'missed')[4])).n);
  });
  }

  /** Points the client's own reconnection at `node` and drops the transport. */
  async function moveTo(c, node) {
    await h.sleep(100);  // the last session write (two loop turns after a change)
    c.io.uri = node.url;
    const back = new Promise((resolve) => c.once('connect', resolve));
    c.io.engine.close();
    await h.withTimeout(back, 5000, `reconnection to ${node.name}`);
    assert.equal(c.recovered, true, `recovered on ${node.name}`);
    assert.equal(await h.call(c, 'name'), node.name);
  }

  it('the newest session wins: back on the first node, the rooms are those left on the second', async () => {
    const c = track(await h.connect(at(A), reconnecting()));
    await h.call(c, 'join', 'r1');
    await h.call(c, 'emit', { room: 'r1', event: 'hello', args: [1] });  // gives the client an offset
    await h.until(() => h.events(c, 'hello').length === 1);
    await moveTo(c, B);
    await h.call(c, 'leave', 'r1');
    await h.call(c, 'join', 'r2');
    await moveTo(c, A);
    assert.deepEqual(await h.call(c, 'my_rooms'), [c.id, 'r2'].sort());
  });

  it('a clean disconnect ends the session everywhere', async () => {
    const c = track(await h.connect(at(A)));
    await h.call(c, 'emit', { event: 'hello', args: [1] });
    await h.until(() => h.events(c, 'hello').length === 1);
    await h.sleep(100);
    const auth = { pid: c._pid, offset: c._lastOffset };
    assert.ok(auth.pid && auth.offset);
    c.disconnect();  // "client namespace disconnect": not recoverable
    await h.sleep(100);
    const again = track(await h.connect(at(B), { auth }));
    assert.equal(await h.call(again, 'recovered'), false);
    assert.notEqual(again.id, c.id);
  });
});

describe('durable layer: a node started after the events', () => {
  let redis, A, C;
  const clients = [];
  before(async () => {
    redis = await h.startRedis();
    A = await h.startNode('sb', 'A', redis.url);
  });
  after(async () => {
    for (const c of clients) c.close();
    await Promise.all([A, C].map((n) => n?.stop()));
    await redis?.stop();
  });

  it('fills its log from the stream: it recovers a client and answers history like the others', async () => {
    const c = await h.connect(at(A), reconnecting());
    const driver = await h.connect(at(A));
    clients.push(c, driver);
    await h.call(c, 'join', 'h:1');
    for (let i = 1; i <= 3; i++) await h.call(driver, 'emit', { room: 'h:1', event: 'n', args: [i], resumable: true });
    await h.until(() => h.events(c, 'n').length === 3, 4000, 'three events');
    await h.sleep(100);
    c.io.engine.close();  // c stays away (reconnecting to A later would be too easy)
    c.io.uri = 'http://127.0.0.1:1';
    for (let i = 4; i <= 8; i++) await h.call(driver, 'emit', { room: 'h:1', event: 'n', args: [i], resumable: true });
    C = await h.startNode('sb', 'C', redis.url);  // knew nothing of these
    await h.sleep(500);  // its backfill
    const body = await (await fetch(`${C.url}/durable/history?room=h:1`)).json();
    assert.equal(body.resync, false);
    assert.deepEqual(body.events.map((e) => e.data), [1, 2, 3, 4, 5, 6, 7, 8]);
    const fromA = await (await fetch(`${A.url}/durable/history?room=h:1`)).json();
    assert.deepEqual(body.events.map((e) => e.id), fromA.events.map((e) => e.id), 'the same ids on both nodes');
    const after3 = await (await fetch(`${C.url}/durable/history?room=h:1&after=${encodeURIComponent(fromA.events[2].id)}`)).json();
    assert.deepEqual(after3.events.map((e) => e.data), [4, 5, 6, 7, 8]);
    // The client comes back on C: recovered, with 4..8 replayed from C's log.
    const back = new Promise((resolve) => c.once('connect', resolve));
    c.io.uri = C.url;
    await h.withTimeout(back, 5000, 'reconnection to C');
    assert.equal(c.recovered, true);
    await h.until(() => h.events(c, 'n').length >= 8, 4000, 'the replay');
    await h.sleep(200);
    assert.deepEqual(values(c, 'n'), [1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('durable layer: a long-connected socket survives its node', () => {
  let redis, A, B;
  const clients = [];
  before(async () => {
    redis = await h.startRedis();
    // Sessions last 3 s in Redis; the nodes rewrite those of connected sockets every second.
    [A, B] = await Promise.all(['A', 'B'].map((n) => h.startNode('sb', n, redis.url, ['--recovery-ms', '3000'])));
  });
  after(async () => {
    for (const c of clients) c.close();
    await Promise.all([A, B].map((n) => n?.stop('SIGKILL')));
    await redis?.stop();
  });

  it('connected for longer than max_disconnection_duration, then kill -9: recovered on the other node', async () => {
    const c = await h.connect(at(A), reconnecting());
    clients.push(c);
    await h.call(c, 'join', 'r');
    await h.call(c, 'emit', { room: 'r', event: 'hello', args: [1] });
    await h.until(() => h.events(c, 'hello').length === 1);
    await h.sleep(4500);  // the write at join time alone would have expired
    c.io.uri = B.url;
    const back = new Promise((resolve) => c.once('connect', resolve));
    A.child.kill('SIGKILL');
    await h.withTimeout(back, 5000, 'reconnection to B');
    assert.equal(c.recovered, true);
    assert.equal(await h.call(c, 'name'), 'B');
    assert.deepEqual(await h.call(c, 'my_rooms'), [c.id, 'r'].sort());
  });
});

describe('durable layer: a stalled Redis (CLIENT PAUSE, DEBUG SLEEP)', () => {
  let redis, A, B;
  const clients = [];
  before(async () => {
    redis = await h.startRedis(undefined, ['--enable-debug-command', 'local']);
    [A, B] = await Promise.all(['A', 'B'].map((n) => h.startNode('sb', n, redis.url, ['--durable-queue', '20'])));
  });
  after(async () => {
    for (const c of clients) c.close();
    await Promise.all([A, B].map((n) => n?.stop()));
    await redis?.stop();
  });
  const metric = async (node, name) => {
    const text = await (await fetch(`${node.url}/metrics`)).text();
    const m = new RegExp(`^switchboard_${name} (\\d+)$`, 'm').exec(text);
    return m ? Number(m[1]) : NaN;
  };

  for (const [what, stall, ms] of [['CLIENT PAUSE 2000', ['CLIENT', 'PAUSE', '2000'], 2000], ['DEBUG SLEEP 3', ['DEBUG', 'SLEEP', '3'], 3000]]) {
    it(`${what}: local clients are served at once; numbered events wait in a bounded queue, then arrive in order`, async () => {
      for (const c of clients) c.close();
      clients.length = 0;
      const driver = await h.connect(at(A));
      const plainA = await h.connect(A);
      const onA = await h.connect(at(A));
      const onB = await h.connect(at(B));
      clients.push(driver, plainA, onA, onB);
      await h.settle([driver, onB], 2);
      const dropped = await metric(A, 'cluster_durable_dropped_total');
      const stalled = h.redisCommand(redis.port, stall).catch(() => {});
      await h.redisStalled(redis.port);
      const t0 = Date.now();
      // Plain local work does not wait for Redis: an ack and a local broadcast, now.
      await h.call(plainA, 'emit', { local: true, event: 'local_now', args: [1] });
      await h.until(() => h.events(plainA, 'local_now').length === 1, 500, 'a local broadcast during the stall');
      // 30 numbered events: 20 wait (the bound), 10 are dropped and counted.
      for (let i = 1; i <= 30; i++) await h.call(driver, 'emit', { event: 'n', args: [i] });
      assert.ok(Date.now() - t0 < ms / 2, `the node answered while Redis stalled (${Date.now() - t0} ms)`);
      assert.equal(await metric(A, 'cluster_durable_waiting'), 20);
      assert.equal(await metric(A, 'cluster_durable_dropped_total'), dropped + 10);
      await stalled;
      const want = Array.from({ length: 20 }, (_, i) => i + 1);
      await h.until(() => [onA, onB].every((c) => h.events(c, 'n').length >= 20), ms + 6000, 'the queued events');
      await h.sleep(200);
      for (const c of [onA, onB]) assert.deepEqual(values(c, 'n'), want, 'the first 20, once, in order');
      assert.equal(await metric(A, 'cluster_durable_waiting'), 0);
    });
  }
});

describe('durable layer: Node peers on the same channels', () => {
  let redis, S, N;
  const clients = [];
  before(async () => {
    redis = await h.startRedis();
    [S, N] = await Promise.all([h.startNode('sb', 'S', redis.url), h.startNode('node', 'N', redis.url)]);
  });
  after(async () => {
    for (const c of clients) c.close();
    await Promise.all([S, N].map((n) => n?.stop()));
    await redis?.stop();
  });

  it('see a numbered event as a plain broadcast, and theirs reach Switchboard clients without an offset', async () => {
    const s = await h.connect(at(S));
    const n = await h.connect(at(N));
    clients.push(s, n);
    await h.settle([s, n], 2);
    await h.call(s, 'join', 'room');
    await h.call(n, 'join', 'room');
    await h.call(s, 'emit', { room: 'room', event: 'from_sb', args: [{ k: 1 }, 'two'] });
    await h.until(() => h.events(n, 'from_sb').length === 1 && h.events(s, 'from_sb').length === 1, 4000, 'both got it');
    assert.deepEqual(h.events(n, 'from_sb')[0], [{ k: 1 }, 'two'], 'Node delivered the arguments as sent');
    assert.match(offsetOf(h.events(s, 'from_sb')[0]), /^[0-9a-z]+:\d+$/, 'Switchboard appended its id');
    await h.call(n, 'emit', { room: 'room', event: 'from_node', args: [3] });
    await h.until(() => h.events(s, 'from_node').length === 1, 4000, 'Node\'s broadcast on Switchboard');
    assert.deepEqual(h.events(s, 'from_node')[0], [3]);
  });
});

describe('durable layer: a node killed with kill -9, behind nginx', { skip: h.hasNginx() ? false : 'nginx not installed' }, () => {
  let cluster, nodes, nginx;
  const clients = [];

  before(async () => {
    cluster = await h.startCluster(['N1', 'N2', 'N3']);
    ({ nodes, nginx } = cluster);
  });
  after(async () => {
    for (const c of clients) c.close();
    await cluster?.stop();
  });

  it('its clients reconnect through nginx to another node, recovered, with no gap', async () => {
    const via = { url: nginx.url + '/durable', name: 'nginx' };
    for (let i = 0; i < 6; i++) clients.push(await h.connect(via, reconnecting()));
    const names = await Promise.all(clients.map((c) => h.call(c, 'name')));
    const victim = nodes.find((n) => names.includes(n.name));
    const survivors = nodes.filter((n) => n !== victim);
    const driver = await h.connect(at(survivors[0]));
    clients.push(driver);
    for (const c of clients) await h.call(c, 'join', 'all');
    await h.call(driver, 'emit', { room: 'all', event: 'seq', args: [0] });
    await h.until(() => clients.every((c) => h.events(c, 'seq').length === 1), 4000, 'the first event');
    await h.sleep(100);
    const moved = clients.filter((c, i) => names[i] === victim.name);
    const ids = moved.map((c) => c.id);
    const back = moved.map((c) => new Promise((resolve) => c.once('connect', resolve)));
    victim.child.kill('SIGKILL');
    for (let i = 1; i <= 30; i++) {
      await h.call(driver, 'emit', { room: 'all', event: 'seq', args: [i] });
      await h.sleep(10);
    }
    await h.withTimeout(Promise.all(back), 8000, 'the reconnections through nginx');
    for (const [i, c] of moved.entries()) {
      assert.equal(c.recovered, true, 'recovered');
      assert.equal(c.id, ids[i], 'the same id');
      assert.notEqual(await h.call(c, 'name'), victim.name);
    }
    const want = Array.from({ length: 31 }, (_, i) => i);
    await h.until(() => clients.every((c) => h.events(c, 'seq').length >= 31), 4000, 'every event everywhere');
    await h.sleep(200);
    for (const c of clients) assert.deepEqual(values(c, 'seq'), want, 'each once, in order');
  });
});

// Twice: both nodes beside Redis, and node B behind a relay that holds every byte 100 ms
// each way, so that B comes back after A has numbered part of the new epoch and its
// first look at the streams crosses live messages of that epoch.
for (const [where, delay] of [['', 0], [', node B 100 ms away', 100]]) {
describe(`durable layer: Redis killed with kill -9 at event 300 of 1000, back after 2 s${where}`, () => {
  let redis, A, B, relay;
  const clients = [];

  before(async () => {
    redis = await h.startRedis();
    relay = delay ? await h.startDelayProxy(redis.port, delay) : null;
    [A, B] = await Promise.all([h.startNode('sb', 'A', redis.url), h.startNode('sb', 'B', relay ? relay.url : redis.url)]);
  });
  after(async () => {
    for (const c of clients) c.close();
    await Promise.all([A, B].map((n) => n?.stop('SIGKILL')));
    await redis?.stop();
    await relay?.stop();
  });

  it('every client ends with 1..1000 exactly once and in order, across the new epoch', async () => {
    const driver = await h.connect(at(A));
    const receivers = [await h.connect(at(A)), await h.connect(at(B)), await h.connect(at(B))];
    clients.push(driver, ...receivers);
    await h.settle([driver, receivers[1]], 2);
    let restarted;
    for (let i = 1; i <= 1000; i++) {
      if (i === 301) {
        await redis.stop();
        restarted = h.sleep(2000).then(() => h.startRedis(redis.port)).then((r) => { redis = r; });
      }
      await h.call(driver, 'emit', { event: 'n', args: [i] });
      await h.sleep(3);
    }
    await restarted;
    const want = Array.from({ length: 1000 }, (_, i) => i + 1);
    await h.until(() => receivers.every((c) => h.events(c, 'n').length >= 1000), 15000, '1000 events everywhere')
      .catch((e) => {
        for (const c of receivers) {
          const v = values(c, 'n');
          const gaps = v.filter((x, i) => i > 0 && x !== v[i - 1] + 1).slice(0, 5);
          console.error(`received ${v.length}, last ${v[v.length - 1]}, breaks at ${gaps}`);
          console.error(`ids around the break: ${JSON.stringify(h.events(c, "n").slice(296, 306).map((x) => x.join(" ")))}`);
        }
        console.error(`A: ${A.child.stderrText}\nB: ${B.child.stderrText}`);
        throw e;
      });
    await h.sleep(300);
    for (const c of receivers) {
      assert.deepEqual(values(c, 'n'), want);
      const ids = h.events(c, 'n').map(offsetOf).map(split);
      const epochs = [...new Set(ids.map((p) => p.epoch))];
      assert.equal(epochs.length, 2, 'Redis lost its state: a new epoch');
      for (let i = 1; i < ids.length; i++) {
        if (ids[i].epoch === ids[i - 1].epoch) assert.ok(ids[i].n > ids[i - 1].n, 'offsets grow within an epoch');
      }
    }
    // A session from the old epoch cannot be resumed: the client is told it was not.
    const old = h.events(receivers[0], 'n')[0];
    const stale = await h.connect(at(B), { auth: { pid: 'whatever', offset: offsetOf(old) } });
    clients.push(stale);
    assert.equal(await h.call(stale, 'recovered'), false);
  });
});
}
