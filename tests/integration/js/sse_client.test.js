'use strict';
// The client half of the sse transport (clients/sse-transport.js) against a scripted fake
// Engine.IO server, for what a real server cannot be made to do on cue: the noop reaching the
// client before the websocket's "3probe", and a POST still in flight when the probe is answered.
// docs/protocol.md: pause() completes only once the noop has been seen AND no POST is in flight.
// Needs no server under test: runs the same against either.
const { describe, it, after } = require('node:test');
const http = require('node:http');
const h = require('./harness');
const { assert } = h;

function fakeServer() {
  const srv = {
    stream: null,
    posts: [],
    held: [],
    holdPosts: false,
    log: [], // ordered record of what the server saw: 'post-done', '5', ...
    wss: new h.WebSocket.Server({ noServer: true }),
  };
  // After the noop the stream is done with: packets wait for "5" and the websocket.
  srv.queue = null;
  const send = (packet) => (srv.queue ? srv.queue.push(packet) : srv.stream.write(`data: ${packet}\n\n`));
  srv.http = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (req.method === 'GET' && url.searchParams.get('transport') === 'sse') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
      srv.stream = res;
      // A CRLF line ending and a comment: the parser must take both.
      res.write(': hello\r\n');
      send('0{"sid":"FAKE","upgrades":["websocket"],"pingInterval":60000,"pingTimeout":60000,"maxPayload":100000}');
      return;
    }
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      srv.posts.push(body);
      const answer = () => {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end('ok');
        srv.log.push('post-done');
        for (const p of body.split('\x1e')) {
          if (p === '40') send('40{"sid":"sock1"}');
          else if (p.startsWith('42')) send(p); // echo
        }
      };
      if (srv.holdPosts) srv.held.push(answer);
      else answer();
    });
  });
  srv.http.on('upgrade', (req, socket, head) => {
    srv.wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data) => {
        const text = data.toString();
        srv.log.push(text);
        if (text === '2probe') {
          // The noop first, on the stream; the probe answer only later, on the websocket.
          send('6');
          srv.queue = [];
          setTimeout(() => ws.send('3probe'), 150);
        } else if (text === '5') {
          for (const p of srv.queue.splice(0)) ws.send(p);
        } else if (text.startsWith('42')) ws.send(text);
      });
    });
  });
  return new Promise((resolve) => srv.http.listen(0, '127.0.0.1', () => resolve(srv)));
}

describe('sse client transport (clients/sse-transport.js)', () => {
  let srv;
  after(() => {
    if (srv) {
      srv.wss.close();
      srv.http.closeAllConnections();
      srv.http.close();
    }
  });

  it('pause() waits for the noop (seen before "3probe") and for the POST in flight, then upgrades', async () => {
    srv = await fakeServer();
    const s = h.io(`http://127.0.0.1:${srv.http.address().port}`, {
      transports: [h.SSE, h.WebSocketTransport],
      forceNew: true,
      reconnection: false,
    });
    // Hold the probe until a POST is in flight (as ordering.test.js does).
    const engine = s.io.engine;
    const probe = engine._probe;
    assert.equal(typeof probe, 'function', 'engine.io-client internals changed');
    const heldProbes = [];
    engine._probe = function (name) {
      heldProbes.push(() => probe.call(this, name));
    };
    try {
      await h.once(s, 'connect', h.WAIT, { failOn: ['connect_error'] });
      assert.equal(engine.transport.name, 'sse');
      const inbox = new h.Inbox(s, 'echo');
      s.emit('echo', 'a');
      assert.deepEqual(await inbox.next(), ['a']);

      srv.holdPosts = true;
      s.emit('echo', 'in flight');
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(srv.held.length, 1, 'the POST reached the server and is held');
      engine._probe = probe;
      const upgraded = h.once(engine, 'upgrade', h.WAIT, { failOn: ['upgradeError'] });
      for (const f of heldProbes.splice(0)) f();

      // Noop seen, probe answered, POST still in flight: no "5" yet.
      await new Promise((r) => setTimeout(r, 400));
      assert.ok(srv.log.includes('2probe'), 'the probe was sent');
      assert.ok(!srv.log.includes('5'), `"5" sent with a POST in flight: ${srv.log}`);
      assert.equal(engine.transport.name, 'sse');

      srv.holdPosts = false;
      srv.held.shift()();
      await upgraded;
      assert.equal(engine.transport.name, 'websocket');
      for (let k = 0; k < 100 && !srv.log.includes('5'); k++) await new Promise((r) => setTimeout(r, 10));
      const i5 = srv.log.indexOf('5');
      assert.ok(i5 >= 0, `no "5" at the server: ${srv.log}`);
      assert.ok(i5 > srv.log.lastIndexOf('post-done'), `"5" before the POST completed: ${srv.log}`);
      assert.deepEqual(await inbox.next(), ['in flight']);
      s.emit('echo', 'on ws');
      assert.deepEqual(await inbox.next(), ['on ws']);
    } finally {
      s.disconnect();
    }
  });
});
