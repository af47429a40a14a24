// A TCP proxy on loopback between the browser and the app, so a test can cut every
// connection at once (a network drop) without the app's help. New connections go
// through again, as after a real outage.
'use strict';
const net = require('node:net');

function startProxy(targetUrl) {
  const target = new URL(targetUrl);
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`,
    /// Destroys every open connection (both sides); returns how many there were.
    drop() { const n = sockets.size; for (const s of sockets) s.destroy(); return n; },
    close() { for (const s of sockets) s.destroy(); server.close(); },
  })));
}

module.exports = { startProxy };
