'use strict';
// https and wss (sb only: server_options::tls), with the official client verifying the
// server's certificate against the test CA (tests/tls/), on every transport. A client that
// speaks plain HTTP to the TLS port, or never finishes the TLS handshake, gets nothing and
// costs the server nothing lasting; bystanders on every transport stay served.
const { describe, it, before, afterEach } = require('node:test');
const fs = require('node:fs');
const path = require('node:path');
const https = require('node:https');
const tls = require('node:tls');
const h = require('./harness');
const { assert } = h;

const DIR = path.join(__dirname, '..', '..', 'tls');
const CA = fs.readFileSync(path.join(DIR, 'cert.pem'));

describe('TLS', h.sbOnly(), () => {
  const ctx = h.useServer(['--tls-cert', path.join(DIR, 'cert.pem'), '--tls-key', path.join(DIR, 'key.pem')]);
  const tlsCtx = () => ({ ...ctx, url: ctx.url.replace('http://', 'https://') });
  // engine.io-client passes `ca` to its XHR and websocket; Switchboard's sse transport
  // uses Node's https module, whose global agent gets the CA here.
  before(() => {
    https.globalAgent.options.ca = CA;
    assert.ok(process.env.NODE_EXTRA_CA_CERTS, 'run through ctest, or set NODE_EXTRA_CA_CERTS=tests/tls/cert.pem (the sse transport uses fetch, which takes no ca)');
  });
  let bystanders = [];
  before(async () => {
    bystanders = await Promise.all(h.MODES.map((m) => h.connectTo(tlsCtx(), m, { ca: CA })));
  });
  afterEach(async () => {
    for (let i = 0; i < bystanders.length; i++) await h.assertServed(bystanders[i], `${h.MODES[i].name} bystander`);
  });

  it('every transport connects over https/wss with a verified certificate and is served', async () => {
    for (let i = 0; i < h.MODES.length; i++) {
      const s = bystanders[i];
      assert.equal(s.io.engine.transport.name, h.MODES[i].upgrade ? 'websocket' : h.MODES[i].start);
      await h.assertServed(s, h.MODES[i].name);
    }
  });

  it('a certificate the client does not trust is refused by the client (the server presents its own)', async () => {
    const err = await h.withTimeout(new Promise((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port: ctx.port, ca: [] }, () => resolve(null));
      s.on('error', (e) => resolve(e));
    }), h.WAIT, 'a TLS handshake');
    assert.ok(err && /self.signed|unable to verify|certificate/i.test(err.message), String(err && err.message));
  });

  it('plain HTTP to the TLS port gets no HTTP answer; the connection is closed', async () => {
    const sock = h.net.connect(ctx.port, '127.0.0.1');
    let got = '';
    sock.on('data', (d) => (got += d.toString('latin1')));
    sock.on('error', () => {});
    sock.write('GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n');
    await h.withTimeout(new Promise((r) => sock.once('close', r)), h.WAIT, 'the server to close');
    assert.ok(!got.startsWith('HTTP/'), 'no plaintext HTTP answer');
  });

  it('static files and /healthz are served over https too', async () => {
    const r = await h.withTimeout(new Promise((resolve, reject) => {
      https.get({ host: '127.0.0.1', port: ctx.port, path: '/healthz', ca: CA, agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      }).on('error', reject);
    }), h.WAIT, 'GET /healthz over https');
    assert.deepEqual(r, { status: 200, body: 'ok\n' });
  });
});
