'use strict';
// No sticky sessions needed: real nginx with plain round-robin (no ip_hash) in front of
// three nodes. Every polling or sse request of a session lands on any node; one that is
// not the owner forwards it there (the session id names its node), so the long GET is
// held at the owner and the sse stream streams through. Official socket.io-client over
// polling, polling→websocket, and clients/sse-transport.js. A dead owner answers 400, and
// the client reconnects and recovers on another node.
const { describe, it, before, after } = require('node:test');
const path = require('node:path');
const h = require('./cluster.js');
const { assert } = h;

const { SSE, WebSocket: WebSocketTransport } = require(path.join(h.ROOT, 'clients', 'sse-transport.js'));

describe('polling and sse behind round-robin nginx, no sticky sessions', { skip: h.hasNginx() ? false : 'nginx not installed' }, () => {
  let cluster, nodes, nginx;
  const clients = [];
  const track = (c) => { clients.push(c); return c; };

  before(async () => {
    cluster = await h.startCluster(['N1', 'N2', 'N3']);
    ({ nodes, nginx } = cluster);
  });
  after(async () => {
    for (const c of clients) c.close();
    await cluster?.stop();
  });

  for (const [kind, opts] of [
    ['polling', { transports: ['polling'] }],
    ['sse', { transports: [SSE] }],
    ['polling upgraded to websocket', { transports: ['polling', 'websocket'] }],
    ['sse upgraded to websocket', { transports: [SSE, WebSocketTransport] }],
  ]) {
    it(`${kind}: every request reaches the owner; acks and broadcasts flow`, async () => {
      const c = track(await h.connect({ url: nginx.url, name: 'nginx' }, opts));
      if (kind.includes('upgraded')) await h.until(() => c.io.engine.transport.name === 'websocket', 4000, 'the upgrade');
      const owner = await h.call(c, 'name');
      for (let i = 0; i < 12; i++) assert.equal(await h.call(c, 'name'), owner, 'one owner for the session');
      const other = track(await h.connect(nodes.find((n) => n.name !== owner)));
      await h.settle([other], 3);
      await h.call(other, 'emit', { event: 'hello', args: [kind] });
      await h.until(() => h.events(c, 'hello').length === 1, 4000, 'a broadcast from another node');
      assert.equal(c.connected, true);
    });
  }

  it('the requests really were spread: nodes forwarded them', async () => {
    let forwarded = 0;
    for (const n of nodes) {
      const text = await (await fetch(`${n.url}/metrics`)).text();
      forwarded += Number(/^switchboard_requests_forwarded_total (\d+)$/m.exec(text)[1]);
    }
    assert.ok(forwarded >= 20, `forwarded ${forwarded}`);
  });

  it('a dead owner answers 400: the client reconnects elsewhere and recovers', async () => {
    const opts = { transports: ['polling'], reconnection: true, reconnectionDelay: 200, reconnectionDelayMax: 400, randomizationFactor: 0 };
    const c = track(await h.connect({ url: nginx.url + '/durable', name: 'nginx' }, opts));
    const owner = await h.call(c, 'name');
    const driver = track(await h.connect({ ...nodes.find((n) => n.name !== owner), url: nodes.find((n) => n.name !== owner).url + '/durable' }));
    await h.call(c, 'join', 'r');
    await h.call(driver, 'emit', { room: 'r', event: 'n', args: [0] });
    await h.until(() => h.events(c, 'n').length === 1, 4000, 'an offset');
    await h.sleep(100);
    const id = c.id;
    const back = new Promise((resolve) => c.once('connect', resolve));
    nodes.find((n) => n.name === owner).child.kill('SIGKILL');
    for (let i = 1; i <= 5; i++) await h.call(driver, 'emit', { room: 'r', event: 'n', args: [i] });
    await h.withTimeout(back, 10000, 'the reconnection');
    assert.equal(c.recovered, true);
    assert.equal(c.id, id);
    assert.notEqual(await h.call(c, 'name'), owner);
    await h.until(() => h.events(c, 'n').length >= 6, 4000, 'the missed events');
    await h.sleep(200);
    assert.deepEqual(h.events(c, 'n').map((a) => a[0]), [0, 1, 2, 3, 4, 5]);
  });
});
