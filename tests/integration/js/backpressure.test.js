'use strict';
// A client that stops reading for a while: what it does not take waits in the server
// (the write the kernel took part of, then the session's queue, under the send bound),
// and once the client reads again every message arrives whole and in order. Small
// messages (copied into a write's buffer) and large ones (written in place from the
// payload every recipient shares) both cross writes cut short by a full socket; on long
// polling "not reading" is not polling, and everything waits in the queue.
const { describe, it } = require('node:test');
const h = require('./harness');
const { assert } = h;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ~9 MB: past the kernel's buffers on both sides many times over.
const BATCHES = [
  { pad: 'a'.repeat(200), repeat: 12000 },
  { pad: 'b'.repeat(3000), repeat: 1500 },
  { pad: 'c'.repeat(200), repeat: 12000 },
];

/** Publishes BATCHES to `symbol`'s room while the client is not reading. */
async function publishAll(pub, symbol) {
  for (const { pad, repeat } of BATCHES) {
    assert.equal(await h.ask1(pub, 'publish', { event: 'quote', rooms: [`sym:${symbol}`], data: { pad }, repeat }), 'ok');
  }
}

/** Reads every published message through `next()` (a Socket.IO packet's text each). */
async function expectAll(next) {
  for (const { pad, repeat } of BATCHES) {
    for (let i = 0; i < repeat; i++) {
      const m = await next();
      const [event, data] = JSON.parse(m.slice(m.indexOf('[')));
      if (event !== 'quote' || data.i !== i || data.pad !== pad) {
        assert.fail(`expected quote ${pad[0]}#${i}, got ${m.slice(0, 80)}`);
      }
    }
  }
}

describe('backpressure', h.sbOnly(), () => {
  // Long heartbeats (a client that does not read cannot answer pings) and a send bound
  // far above what is published here.
  const ctx = h.useServer(['--ping-interval', '20000', '--ping-timeout', '10000', '--send-buffer', String(32 << 20)]);

  it('websocket: a client that stops reading, then reads again, gets every message whole and in order', async () => {
    const pub = await ctx.connect(h.MODES[0], { nsp: '/ticker' });
    const slow = ctx.track(new h.RawTcpWs(ctx.port));
    assert.match(await slow.next(), /^0\{/);
    slow.send('40/ticker,{"symbols":["BACKW"]}');
    assert.match(await slow.next(), /^40\/ticker,\{"sid"/);
    slow.pause();
    await publishAll(pub, 'BACKW');
    await sleep(300);
    slow.resume();
    await expectAll(() => slow.next(5000));
    slow.send('42/ticker,1["rooms"]');
    assert.match(await slow.next(), /^43\/ticker,1\[/, 'still connected and served');
  });

  it('sse: a stream that stops being read, then is read again, brings every message whole and in order', async () => {
    const pub = await ctx.connect(h.MODES[0], { nsp: '/ticker' });
    const { stream, sid } = await h.rawSse(ctx);
    const post = (body) => h.request(ctx.port, { method: 'POST', path: h.ssePath(sid), body });
    assert.equal((await post('40/ticker,{"symbols":["BACKS"]}')).body, 'ok');
    assert.match(await stream.next(), /^40\/ticker,\{"sid"/);
    stream.res.pause();
    await publishAll(pub, 'BACKS');
    await sleep(300);
    stream.res.resume();
    await expectAll(() => stream.next(5000));
    assert.equal((await post('42/ticker,1["rooms"]')).body, 'ok');
    assert.match(await stream.next(), /^43\/ticker,1\[/, 'still connected and served');
  });

  it('polling: a client that stops polling, then polls again, gets every message whole and in order', async () => {
    const pub = await ctx.connect(h.MODES[0], { nsp: '/ticker' });
    const { sid } = await h.pollingHandshake(ctx.port);
    const post = (body) => h.request(ctx.port, { method: 'POST', path: h.pollPath(sid), body, headers: { 'Content-Type': 'text/plain' } });
    const got = [];
    const next = async () => {
      while (got.length === 0) {
        const r = await h.request(ctx.port, { path: h.pollPath(sid) });
        assert.equal(r.status, 200, `poll: ${r.status} ${r.body.slice(0, 200)}`);
        got.push(...r.body.split('\x1e').filter((p) => p.startsWith('4')).map((p) => p.slice(1)));
      }
      return got.shift();
    };
    assert.equal((await post('40/ticker,{"symbols":["BACKP"]}')).body, 'ok');
    assert.match(await next(), /^0\/ticker,\{"sid"/);
    await publishAll(pub, 'BACKP');
    await expectAll(next);
    assert.equal((await post('42/ticker,1["rooms"]')).body, 'ok');
    assert.match(await next(), /^3\/ticker,1\[/, 'still connected and served');
  });
});
