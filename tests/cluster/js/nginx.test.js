'use strict';
// Real nginx on loopback in front of three Switchboard nodes in one Redis. Fresh websocket
// connections are spread round-robin (a websocket session needs no stickiness); anything
// carrying a session id, and every polling request, goes to the ip_hash pool (polling
// needs every request of a session on the node that owns it). The official client then
// runs through it over websocket, polling, and polling→websocket.
const { describe, it, before, after } = require('node:test');
const h = require('./cluster.js');
const { assert } = h;

describe('three nodes behind nginx', { skip: h.hasNginx() ? false : 'nginx not installed' }, () => {
  let redis, nodes, nginx, url;
  const clients = [];

  before(async () => {
    redis = await h.startRedis();
    nodes = await Promise.all(['N1', 'N2', 'N3'].map((n) => h.startNode('sb', n, redis.url)));
    nginx = await h.startNginx(nodes);
    url = nginx.url;
  });

  after(async () => {
    for (const c of clients) c.close();
    await nginx?.stop();
    await Promise.all((nodes || []).map((n) => n.stop()));
    await redis?.stop();
  });

  it('websocket, polling and upgraded clients through nginx share one cluster', async () => {
    const via = { url, name: 'nginx' };
    const ws = await Promise.all(Array.from({ length: 6 }, () => h.connect(via)));
    const polling = await Promise.all([h.connect(via, { transports: ['polling'] }), h.connect(via, { transports: ['polling'] })]);
    const upgraded = await h.connect(via, { transports: ['polling', 'websocket'] });
    clients.push(...ws, ...polling, upgraded);
    await h.until(() => upgraded.io.engine.transport.name === 'websocket', 4000, 'the upgrade through nginx');
    const names = new Set(await Promise.all(ws.map((c) => h.call(c, 'name'))));
    assert.ok(names.size >= 2, `websocket connections spread over nodes: ${[...names]}`);
    await h.settle([ws[0]], 3);
    for (const origin of [ws[0], polling[0], upgraded]) {
      for (const c of clients) c.received.length = 0;
      await h.call(origin, 'emit', { event: 'through_nginx', args: [1] });
      await h.until(() => clients.every((c) => h.events(c, 'through_nginx').length === 1), 4000, 'everyone got it');
    }
    const all = await h.call(polling[1], 'fetch', {});
    assert.deepEqual(all.ids, clients.map((c) => c.id).sort());
  });
});
