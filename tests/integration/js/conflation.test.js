'use strict';
// Conflation (sb only): `conflate(key)` replaces a queued, unsent copy with the same key,
// for a client that is behind. A client that stops reading while far more than its send
// buffer is published to it in conflated events stays connected, and once it reads again
// gets the newest copy last, everything in order, and fewer than were sent.
const { describe, it } = require('node:test');
const http = require('node:http');
const h = require('./harness');
const { assert } = h;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const N = 3000;
const PAD = 'x'.repeat(2000); // N × 2 kB = 6 MB: past the kernel's buffers and --send-buffer

describe('conflation', { skip: h.IS_NODE && 'sb only: Socket.IO has no conflation' }, () => {
  // Long heartbeats: a client that does not read cannot answer pings.
  const ctx = h.useServer(['--ping-interval', '20000', '--ping-timeout', '10000']);

  it('Socket.IO client behind: queued copies replaced, never "send buffer full"', async () => {
    const pub = await ctx.connect(h.MODES[0], { nsp: '/ticker' });
    const slow = ctx.track(new h.RawTcpWs(ctx.port));
    assert.match(await slow.next(), /^0\{/);
    slow.send('40/ticker,{"symbols":["SLOWW"]}');
    assert.match(await slow.next(), /^40\/ticker,\{"sid"/);
    slow.pause();
    await h.ask(pub, 'publish', { event: 'quote', rooms: ['sym:SLOWW'], data: { pad: PAD }, conflate: 'SLOWW', repeat: N });
    await sleep(300);
    slow.resume();
    const seen = [];
    for (;;) {
      const m = await slow.next(5000);
      const j = JSON.parse(m.slice(m.indexOf('[')));
      seen.push(j[1].i);
      if (j[1].i === N - 1) break;
    }
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b), 'in order');
    assert.ok(seen.length < N, `some copies were replaced (${seen.length} of ${N} arrived)`);
    slow.send('42/ticker,1["rooms"]');
    assert.match(await slow.next(), /^43\/ticker,1\[/, 'still connected and served');
  });

  it('polling client that stops polling: the same (the queue, not the writer, conflates)', async () => {
    const pub = await ctx.connect(h.MODES[0], { nsp: '/ticker' });
    const { sid } = await h.pollingHandshake(ctx.port);
    const post = (body) => h.request(ctx.port, { method: 'POST', path: h.pollPath(sid), body, headers: { 'Content-Type': 'text/plain' } });
    const get = async () => {
      const r = await h.request(ctx.port, { path: h.pollPath(sid) });
      assert.equal(r.status, 200, `poll: ${r.status} ${r.body}`);
      return r.body.split('\x1e');
    };
    assert.equal((await post('40/ticker,{"symbols":["SLOWP"]}')).body, 'ok');
    assert.match((await get())[0], /^40\/ticker,\{"sid"/);
    // No GET while everything is published: it all waits in the session's queue.
    await h.ask(pub, 'publish', { event: 'quote', rooms: ['sym:SLOWP'], data: { pad: PAD }, conflate: 'SLOWP', repeat: N });
    const seen = [];
    while (seen[seen.length - 1] !== N - 1) {
      for (const p of await get()) {
        if (!p.startsWith('42/ticker,')) continue;
        seen.push(JSON.parse(p.slice(p.indexOf('[')))[1].i);
      }
    }
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b), 'in order');
    assert.ok(seen.length < N, `some copies were replaced (${seen.length} of ${N} arrived)`);
    assert.equal((await post('42/ticker,1["rooms"]')).body, 'ok');
    assert.match((await get()).join('|'), /43\/ticker,1\[/, 'still connected and served');
  });

  it('EventSource behind: the same', async () => {
    const pub = await ctx.connect(h.MODES[0], { nsp: '/ticker' });
    let res;
    const req = http.get({ host: '127.0.0.1', port: ctx.port, path: '/ticker/sse?symbols=SLOWE', agent: false }, (r) => (res = r));
    ctx.track({ close: () => req.destroy() });
    await h.withTimeout((async () => { while (!res) await sleep(5); })(), h.WAIT, 'the stream');
    res.pause();
    await h.ask(pub, 'publish', { event: 'quote', rooms: ['sym:SLOWE'], data: { pad: PAD }, conflate: 'SLOWE', repeat: N });
    await sleep(300);
    const seen = [];
    let buf = '';
    res.setEncoding('utf8');
    await h.withTimeout(
      new Promise((resolve) => {
        res.on('data', (d) => {
          buf += d;
          for (const m of buf.matchAll(/data: (\{.*\})\n/g)) seen.push(JSON.parse(m[1]).i);
          buf = buf.slice(buf.lastIndexOf('\n') + 1);
          if (seen[seen.length - 1] === N - 1) resolve();
        });
        res.resume();
      }),
      5000,
      'the newest quote',
    );
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b), 'in order');
    assert.ok(seen.length < N, `some copies were replaced (${seen.length} of ${N} arrived)`);
  });
});
