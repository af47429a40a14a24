'use strict';
// Connection caps and the handshake rate (limit_options), with X-Forwarded-For believed only
// from a trusted proxy (sb only: Node has no such caps). The server trusts 127.0.0.1, so a
// request from it with X-Forwarded-For counts for the forwarded address; 127.0.0.2 is another
// loopback peer that is not trusted. A refusal comes before any session exists.
const { describe, it, before, afterEach } = require('node:test');
const http = require('node:http');
const h = require('./harness');
const { assert } = h;

const PER_ADDRESS = 6;
const RATE = 4; // per second; the bucket holds 2 s worth: 8
const TOTAL = 20;

/** A polling handshake from `ip` (X-Forwarded-For), sent from `localAddress`. */
function handshake(port, ip, { localAddress = '127.0.0.1', transport = 'polling', path } = {}) {
  return h.withTimeout(new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, localAddress, agent: false,
      path: path || `/socket.io/?EIO=4&transport=${transport}`,
      headers: ip ? { 'x-forwarded-for': ip } : {},
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body, sid: res.statusCode === 200 ? JSON.parse(body.slice(1)).sid : null }));
    });
    req.on('error', reject);
    req.end();
  }), h.WAIT, `a handshake from ${ip}`);
}

const close = (port, sid) => h.request(port, { method: 'POST', path: h.pollPath(sid), body: '1' });

describe('connection caps and handshake rate', h.sbOnly(), () => {
  const ctx = h.useServer([
    '--max-connections', TOTAL, '--max-per-address', PER_ADDRESS, '--handshakes-per-second', RATE,
    '--trusted-proxies', '127.0.0.1',
  ]);
  let bystanders = [];
  const opened = [];
  before(async () => {
    bystanders = await Promise.all(h.MODES.map((m) => ctx.connect(m))); // 5 sessions from 127.0.0.1
  });
  afterEach(async () => {
    for (const sid of opened.splice(0)) await close(ctx.port, sid);
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < bystanders.length; i++) await h.assertServed(bystanders[i], `${h.MODES[i].name} bystander`);
  });

  it('one address holds at most max_connections_per_address sessions; a closed one frees its slot', async () => {
    const ip = '198.51.100.1';
    for (let i = 0; i < PER_ADDRESS; i++) {
      const r = await handshake(ctx.port, ip);
      assert.equal(r.status, 200, r.body);
      opened.push(r.sid);
    }
    const refused = await handshake(ctx.port, ip);
    assert.equal(refused.status, 503);
    assert.deepEqual(JSON.parse(refused.body), { code: 4, message: 'Too many connections from this address' });
    assert.equal((await handshake(ctx.port, '198.51.100.2')).status, 200, 'another address is not affected');
    await close(ctx.port, opened.shift());
    await new Promise((r) => setTimeout(r, 100));
    const again = await handshake(ctx.port, ip);
    assert.equal(again.status, 200, again.body);
    opened.push(again.sid);
  });

  it('one address opens at most handshakes_per_second (a burst of two seconds\' worth passes)', async () => {
    const ip = '198.51.100.3';
    const statuses = [];
    for (let i = 0; i < 2 * RATE + 3; i++) {
      const r = await handshake(ctx.port, ip);
      statuses.push(r.status);
      if (r.sid) await close(ctx.port, r.sid);
      else assert.deepEqual(JSON.parse(r.body), { code: 4, message: 'Too many handshakes' });
    }
    assert.deepEqual(statuses.slice(0, 2 * RATE), Array(2 * RATE).fill(200));
    assert.ok(statuses.slice(2 * RATE).includes(429), statuses.join(' '));
  });

  it('X-Forwarded-For from a peer that is not a trusted proxy is ignored', async () => {
    const statuses = [];
    for (let i = 0; i < PER_ADDRESS + 1; i++) {
      const r = await handshake(ctx.port, `203.0.113.${i}`, { localAddress: '127.0.0.2' });
      statuses.push(r.status);
      if (r.sid) opened.push(r.sid);
    }
    assert.deepEqual(statuses, [...Array(PER_ADDRESS).fill(200), 503], 'all counted as 127.0.0.2');
  });

  it('the whole server holds at most max_connections; websocket and EventSource handshakes are refused too', async () => {
    let refused = null;
    for (let i = 0; i < TOTAL + 1 && !refused; i++) {
      const r = await handshake(ctx.port, `192.0.2.${i}`);
      if (r.status === 200) opened.push(r.sid);
      else refused = r;
    }
    assert.ok(refused, 'a handshake was refused');
    assert.equal(refused.status, 503);
    assert.deepEqual(JSON.parse(refused.body), { code: 4, message: 'Server full' });
    const ws = await h.withTimeout(new Promise((resolve) => {
      const w = new h.WebSocket(`ws://127.0.0.1:${ctx.port}/socket.io/?EIO=4&transport=websocket`,
        { headers: { 'x-forwarded-for': '192.0.2.250' }, perMessageDeflate: false });
      w.on('upgrade', () => { resolve(101); w.terminate(); });
      w.on('unexpected-response', (req, res) => { resolve(res.statusCode); res.resume(); });
      w.on('error', () => {});
    }), h.WAIT, 'the websocket answer');
    assert.equal(ws, 503);
    const es = await handshake(ctx.port, '192.0.2.251', { path: '/ticker/sse?symbols=X' });
    assert.equal(es.status, 503);
    assert.equal(JSON.parse(es.body).code, 'limited');
    const m = /^switchboard_handshakes_refused_total (\d+)$/m.exec((await h.request(ctx.port, { path: '/metrics' })).body);
    assert.ok(Number(m[1]) >= 3);
  });
});
