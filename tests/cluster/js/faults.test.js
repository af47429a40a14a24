'use strict';
// Faults with real processes on loopback: Redis down at start, killed and restarted,
// the subscriber killed by CLIENT KILL, garbage on our channels, a peer node killed
// while a broadcast ack waits for it. Each ends with the nodes still serving.
const { describe, it, after } = require('node:test');
const http = require('node:http');
const h = require('./cluster.js');
const { assert } = h;

function metrics(node) {
  return h.withTimeout(new Promise((resolve, reject) => {
    http.get(`${node.url}/metrics`, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        const out = {};
        for (const line of body.split('\n')) {
          const m = /^switchboard_(\w+) (\d+)$/.exec(line);
          if (m) out[m[1]] = Number(m[2]);
        }
        resolve(out);
      });
    }).on('error', reject);
  }), 3000, 'metrics');
}

const cleanup = [];
after(async () => { for (const f of cleanup.reverse()) await f(); });

/** A fresh Redis and two nodes of the given kinds, a client on each, both nodes seeing
    each other; everything is stopped after the file. */
async function pair(kindB = 'sb', { settle = true } = {}) {
  const redis = await h.startRedis();
  cleanup.push(() => redis.stop());
  const [A, B] = await Promise.all([h.startNode('sb', 'A', redis.url), h.startNode(kindB, 'B', redis.url)]);
  cleanup.push(() => A.stop(), () => B.stop());
  const [a, b] = await Promise.all([h.connect(A), h.connect(B)]);
  cleanup.push(() => { a.close(); b.close(); });
  if (settle) await h.settle([a, b], 2);
  return { redis, A, B, a, b };
}

describe('faults', () => {
  it('Redis down at start: a clear error, local delivery works, and the node joins when Redis comes', async () => {
    const port = await h.freePort();
    const url = `redis://127.0.0.1:${port}`;
    const A = await h.startNode('sb', 'A', url);
    cleanup.push(() => A.stop());
    const a = await h.connect(A);
    cleanup.push(() => a.close());
    await h.until(() => /cannot connect to 127\.0\.0\.1:\d+: Connection refused/.test(A.child.stderrText), 4000, 'the error');
    // Local delivery goes on; what would go to other nodes is dropped and counted.
    await h.call(a, 'emit', { event: 'local_while_down', args: [1] });
    await h.until(() => h.events(a, 'local_while_down').length === 1);
    const m = await metrics(A);
    assert.equal(m.cluster_connected, 0);
    assert.ok(m.cluster_publish_dropped_total >= 1);
    assert.equal(await h.call(a, 'server_count'), 1);
    assert.equal((await h.call(a, 'fetch', {})).ids.length, 1);
    // Redis arrives: the node connects by itself (backoff ≤ 1 s here) and a second node sees it.
    const redis = await h.startRedis(port);
    cleanup.push(() => redis.stop());
    const B = await h.startNode('sb', 'B', url);
    cleanup.push(() => B.stop());
    const b = await h.connect(B);
    cleanup.push(() => b.close());
    await h.settle([a, b], 2);
    await h.call(b, 'emit', { event: 'after_up', args: [] });
    await h.until(() => h.events(a, 'after_up').length === 1);
    assert.equal((await metrics(A)).cluster_connected, 1);
  });

  it('Redis killed mid-broadcast and restarted: nodes reconnect, resubscribe, later broadcasts arrive', async () => {
    // Redis is killed here and restarted on its port; the restarted one is stopped too.
    const { redis, A, a, b } = await pair('node');
    // A stream of broadcasts from A while Redis dies under it.
    const sending = (async () => {
      for (let i = 0; i < 60; ++i) {
        await h.call(a, 'emit', { event: 'seq', args: [i] });
        await h.sleep(10);
      }
    })();
    await h.sleep(150);
    await redis.stop();  // SIGKILL
    await sending;
    // Every one reached A's own client; B got those sent before the kill only.
    await h.until(() => h.events(a, 'seq').length === 60);
    const seenByB = h.events(b, 'seq').map((e) => e[0]);
    assert.ok(seenByB.length < 60, 'some were lost while Redis was down');
    assert.deepEqual(seenByB, [...seenByB].sort((x, y) => x - y), 'in order, no duplicates');
    await h.until(async () => (await metrics(A)).cluster_publish_dropped_total > 0, 3000, 'drops counted');
    const restarted = await h.startRedis(redis.port);
    cleanup.push(() => restarted.stop());
    await h.settle([a, b], 2);
    await h.until(async () => (await metrics(A)).cluster_connected === 1, 4000, 'reconnected');
    await h.call(a, 'emit', { event: 'after_restart', args: [] });
    await h.call(b, 'emit', { event: 'after_restart_b', args: [] });
    await h.until(() => h.events(b, 'after_restart').length === 1 && h.events(a, 'after_restart_b').length === 1);
    assert.ok((await metrics(A)).cluster_reconnects_total >= 1);
  });

  it('CLIENT KILL TYPE pubsub: the subscriber comes back by itself', async () => {
    const { redis, A, a, b } = await pair();
    const reply = await h.redisCommand(redis.port, ['CLIENT', 'KILL', 'TYPE', 'pubsub']);
    assert.match(reply, /^:2/);
    await h.settle([a, b], 2);
    await h.call(a, 'emit', { event: 'after_kill', args: [] });
    await h.until(() => h.events(b, 'after_kill').length === 1);
  });

  it('garbage and oversized messages on our channels are dropped, counted, and the node keeps serving', async () => {
    const { redis, A, a, b } = await pair();
    const bad = [
      ['socket.io#/#', Buffer.from([0xc1])],                         // reserved msgpack byte
      ['socket.io#/#', Buffer.from([0x93, 0xa1, 0x78])],             // truncated array
      ['socket.io#/#room#', Buffer.from('not msgpack at all')],
      ['socket.io#/#', Buffer.from([0x93, 0xa1, 0x78, 0x80, 0x80])],  // a packet without data
      ['socket.io#/#', Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff])],  // a 4-billion-element array
      ['socket.io-request#/#', Buffer.from('{"type":')],
      ['socket.io-request#/#', Buffer.from('{"type":6,"data":[]}')],
      ['socket.io-response#/#', Buffer.from([0xc1, 0x00])],
      ['socket.io#/#', Buffer.alloc(2 * 1024 * 1024, 0x90)],         // over max_message (1 MiB here)
    ];
    for (const [channel, payload] of bad) await h.redisCommand(redis.port, ['PUBLISH', channel, payload]);
    await h.until(async () => (await metrics(A)).cluster_bad_messages_total >= bad.length, 4000, 'all counted');
    assert.match(A.child.stderrText, /dropped a message on socket\.io#\/#/);
    await h.call(a, 'emit', { event: 'still_fine', args: [] });
    await h.until(() => h.events(b, 'still_fine').length === 1);
  });

  it('a peer killed while a broadcast ack waits: the partial list comes back at the timeout, not a hang', async () => {
    const { A, B, a, b } = await pair('sb', { settle: false });
    a.on('question', (cb) => cb('a'));
    // B dies before its client answers, but after it told A it reached one client (a
    // kill at the instant of delivery may beat that count; then A rightly expects no one).
    b.on('question', () => setTimeout(() => B.child.kill('SIGKILL'), 300));
    await h.settle([a, b], 2);
    const started = Date.now();
    const r = await h.call(a, 'ask', { timeout: 1500 });
    const took = Date.now() - started;
    assert.deepEqual(r.responses, ['a']);
    assert.equal(r.timeout, true);
    assert.ok(took >= 1400 && took < 3500, `returned after ${took} ms`);
    // fetch_sockets without B: B's subscription went with it, so A asks nobody.
    const f = await h.call(a, 'fetch', {});
    assert.deepEqual(f.ids, [a.id]);
  });

  it('a node that is subscribed but never answers: fetch_sockets is partial at the requests timeout', async () => {
    const redis = await h.startRedis();
    cleanup.push(() => redis.stop());
    const A = await h.startNode('sb', 'A', redis.url);
    cleanup.push(() => A.stop());
    const a = await h.connect(A);
    cleanup.push(() => a.close());
    // A mute "node": subscribed to the request channel (so PUBSUB NUMSUB counts it), silent.
    const net = require('node:net');
    const mute = net.connect(redis.port, '127.0.0.1');
    mute.write('*2\r\n$9\r\nSUBSCRIBE\r\n$20\r\nsocket.io-request#/#\r\n');
    cleanup.push(() => mute.destroy());
    await h.settle([a], 2);
    const started = Date.now();
    const f = await h.call(a, 'fetch', {});
    const took = Date.now() - started;
    assert.deepEqual(f.ids, [a.id]);
    assert.equal(f.partial, true);
    assert.ok(took >= 1900 && took < 3500, `answered after ${took} ms`);
    assert.ok((await metrics(A)).cluster_request_timeouts_total >= 1);
  });
});
