'use strict';
// A websocket client that stops reading for a while: what the kernel will not take waits
// in the server (the write the kernel took part of, then the session's queue, under the
// send bound), and once the client reads again every message arrives whole and in order.
// Small messages (copied into the write's buffer) and large ones (written in place from
// the payload every recipient shares) both cross writes cut short by a full socket.
const { describe, it } = require('node:test');
const h = require('./harness');
const { assert } = h;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('backpressure', h.sbOnly(), () => {
  // Long heartbeats (a client that does not read cannot answer pings) and a send bound
  // far above what is published here.
  const ctx = h.useServer(['--ping-interval', '20000', '--ping-timeout', '10000', '--send-buffer', String(32 << 20)]);

  it('a websocket client that stops reading, then reads again, gets every message whole and in order', async () => {
    const pub = await ctx.connect(h.MODES[0], { nsp: '/ticker' });
    const slow = ctx.track(new h.RawTcpWs(ctx.port));
    assert.match(await slow.next(), /^0\{/);
    slow.send('40/ticker,{"symbols":["BACKP"]}');
    assert.match(await slow.next(), /^40\/ticker,\{"sid"/);
    slow.pause();
    // ~9 MB: past the kernel's buffers on both sides many times over.
    const batches = [
      { pad: 'a'.repeat(200), repeat: 12000 },
      { pad: 'b'.repeat(3000), repeat: 1500 },
      { pad: 'c'.repeat(200), repeat: 12000 },
    ];
    for (const { pad, repeat } of batches) {
      assert.equal(await h.ask1(pub, 'publish', { event: 'quote', rooms: ['sym:BACKP'], data: { pad }, repeat }), 'ok');
    }
    await sleep(300);
    slow.resume();
    for (const { pad, repeat } of batches) {
      for (let i = 0; i < repeat; i++) {
        const m = await slow.next(5000);
        const [event, data] = JSON.parse(m.slice(m.indexOf('[')));
        if (event !== 'quote' || data.i !== i || data.pad !== pad) {
          assert.fail(`expected quote ${pad[0]}#${i}, got ${m.slice(0, 80)}`);
        }
      }
    }
    slow.send('42/ticker,1["rooms"]');
    assert.match(await slow.next(), /^43\/ticker,1\[/, 'still connected and served');
  });
});
