'use strict';
// Real nginx on loopback in front of three Switchboard nodes in one Redis. Fresh websocket
// connections are spread round-robin (a websocket session needs no stickiness); anything
// carrying a session id, and every polling request, goes to the ip_hash pool (polling
// needs every request of a session on the node that owns it). The official client then
// runs through it over websocket, polling, and polling→websocket.
const { describe, it, before, after } = require('node:test');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('./cluster.js');
const { assert } = h;

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p));

describe('three nodes behind nginx', { skip: NGINX ? false : 'nginx not installed' }, () => {
  let redis, nodes, nginx, dir, url;
  const clients = [];

  before(async () => {
    redis = await h.startRedis();
    nodes = await Promise.all(['N1', 'N2', 'N3'].map((n) => h.startNode('sb', n, redis.url)));
    const port = await h.freePort();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-nginx-'));
    const servers = nodes.map((n) => `server 127.0.0.1:${n.port};`).join(' ');
    fs.writeFileSync(path.join(dir, 'nginx.conf'), `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream sticky { ip_hash; ${servers} }
  upstream rr { ${servers} }
  map "$arg_transport:$arg_sid" $pool { "~^websocket:$" rr; default sticky; }
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:${port};
    location /socket.io/ {
      proxy_pass http://$pool;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_buffering off;
      proxy_read_timeout 60s;
    }
  }
}
`);
    const check = spawnSync(NGINX, ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    nginx = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
    nginx.stderr.on('data', (d) => { if (process.env.SB_VERBOSE) process.stderr.write(`[nginx] ${d}`); });
    url = `http://127.0.0.1:${port}`;
    await h.until(() => new Promise((resolve) => {
      require('node:net').connect(port, '127.0.0.1').on('connect', function () { this.destroy(); resolve(true); }).on('error', () => resolve(false));
    }), 4000, 'nginx listening');
  });

  after(async () => {
    for (const c of clients) c.close();
    if (nginx) await h.stopChild(nginx, 'SIGQUIT');
    await Promise.all((nodes || []).map((n) => n.stop()));
    await redis?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
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
