'use strict';
// HTTP framing shapes that matter behind a proxy (RFC 9112): HEAD answers carry no body,
// and a Transfer-Encoding whose last coding is not chunked is refused and the connection
// closed, so what follows is never read as the next request. Raw TCP, one connection each.
const { describe, it } = require('node:test');
const net = require('node:net');
const h = require('./harness');
const { assert } = h;

/** Writes `text` on a fresh connection; resolves with everything read until the server
    closes or 500 ms of silence pass. */
function exchange(port, text) {
  return h.withTimeout(new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let out = '';
    let idle;
    const done = () => { s.destroy(); resolve(out); };
    s.on('data', (d) => { out += d; clearTimeout(idle); idle = setTimeout(done, 500); });
    s.on('close', () => { clearTimeout(idle); resolve(out); });
    s.on('error', reject);
    s.write(text);
    idle = setTimeout(done, 1500);
  }), 5000, 'raw exchange');
}

const statuses = (text) => [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
const HANDSHAKE = '/socket.io/?EIO=4&transport=polling';

describe('HTTP framing', () => {
  const ctx = h.useServer();

  it('HEAD gets the header a GET would, no body, and the connection goes on', async () => {
    const out = await exchange(ctx.port, `HEAD ${HANDSHAKE} HTTP/1.1\r\nHost: x\r\n\r\nGET ${HANDSHAKE} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const [headPart, rest] = out.split('\r\n\r\n');
    assert.match(headPart, /^HTTP\/1\.1 \d{3}/);
    // The next bytes after the HEAD answer's header are the GET's response, not a body.
    assert.match(rest, /^HTTP\/1\.1 200/, JSON.stringify(out.slice(0, 300)));
  });

  it('sb: HEAD /healthz: Content-Length of the GET, no body', h.sbOnly(), async () => {
    const out = await exchange(ctx.port, 'HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal(out, 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\n');
  });

  it('Transfer-Encoding that does not end in chunked → 400, and the smuggled request is never served', async () => {
    for (const te of ['gzip', 'chunked, gzip', 'identity']) {
      const out = await exchange(ctx.port,
        `POST ${HANDSHAKE} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ${te}\r\n\r\nGET ${HANDSHAKE} HTTP/1.1\r\nHost: x\r\n\r\n`);
      assert.deepEqual(statuses(out), [400], `TE ${te}: ${JSON.stringify(out.slice(0, 200))}`);
    }
  });

  it('sb: a coding before chunked (gzip, chunked) → 501 and close', h.sbOnly(), async () => {
    const out = await exchange(ctx.port, `POST ${HANDSHAKE} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`);
    assert.deepEqual(statuses(out), [501]);
    assert.match(out, /Connection: close/i);
  });

  it('requests that arrive in pieces, with pauses, are answered whole', async () => {
    // A keep-alive connection waits for a request's first bytes before it reads one:
    // a header cut mid-line and a body cut in three must still be read as one request.
    const s = net.connect(ctx.port, '127.0.0.1');
    let out = '';
    s.on('data', (d) => { out += d; });
    await new Promise((r) => s.once('connect', r));
    const pause = () => new Promise((r) => setTimeout(r, 60));
    const send = async (...parts) => { for (const p of parts) { s.write(p); await pause(); } };
    const answers = (n) => h.until(() => statuses(out).length >= n, h.WAIT, `${n} answers`);
    await send('GET /socket.io/?EIO=4&transp', 'ort=polling HTTP/1.1\r\nHo', 'st: x\r\n', '\r\n');
    await answers(1);
    const sid = /"sid":"([^"]+)"/.exec(out)[1];
    const body = '40' + '\u001e' + '42["echo","' + 'z'.repeat(3000) + '"]';
    await send(`POST /socket.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: x\r\n`,
      `Content-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
      body.slice(10, 1500), body.slice(1500));
    await answers(2);
    assert.deepEqual(statuses(out), [200, 200], JSON.stringify(out.slice(0, 400)));
    assert.match(out.split('HTTP/1.1 200')[2], /\r\n\r\nok$/);
    s.destroy();
  });

  it('the server keeps serving a bystander', async () => {
    const s = await ctx.connect(h.MODES[0]);
    await h.assertServed(s);
  });
});
