'use strict';
// Static files (server_options::static_dir) against paths that try to leave the directory:
// a target without a leading '/', "..", a symlink pointing out, a directory. Served by
// switchboard-app --static-dir over raw HTTP.
const { describe, it, before, after } = require('node:test');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const h = require('./harness');
const { assert } = h;

const APP = process.env.SB_APP || path.resolve(__dirname, '../../../build/apps/switchboard-app');

function get(port, target) {
  return h.withTimeout(new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let out = '';
    s.on('data', (d) => (out += d));
    s.on('end', () => resolve(out));
    s.on('error', reject);
    s.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  }), 3000, `GET ${target}`);
}
// 40 MiB of varied bytes: far above the 64 KiB piece size of a streamed file.
const BIG = Buffer.alloc(40 * 1024 * 1024);
for (let i = 0; i < BIG.length; i += 4) BIG.writeUInt32LE((i * 2654435761) >>> 0, i);
const sha = (b) => require('node:crypto').createHash('sha256').update(b).digest('hex');
const rssKiB = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

/** GET on a raw socket that pauses 20 ms after every `pauseEvery` bytes (a slow reader), or reads at
    full speed; resolves with {head, body: Buffer}. */
function download(port, target, { method = 'GET', pauseEvery = 0 } = {}) {
  return h.withTimeout(new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    const chunks = [];
    let seen = 0;
    s.on('data', (d) => {
      chunks.push(d);
      seen += d.length;
      if (pauseEvery && seen >= pauseEvery) { seen = 0; s.pause(); setTimeout(() => s.resume(), 20); }
    });
    s.on('end', () => {
      const all = Buffer.concat(chunks);
      const at = all.indexOf('\r\n\r\n');
      resolve({ head: all.subarray(0, at).toString(), body: all.subarray(at + 4) });
    });
    s.on('error', reject);
    s.write(`${method} ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  }), 20000, `${method} ${target}`);
}
const status = (r) => Number(/^HTTP\/1\.1 (\d{3})/.exec(r)?.[1]);
const body = (r) => r.slice(r.indexOf('\r\n\r\n') + 4);

describe('static files stay inside static_dir', { skip: process.env.SB_SERVER === 'node' ? 'sb only' : false }, () => {
  let dir, web, proc, port;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-static-'));
    web = path.join(dir, 'web');
    fs.mkdirSync(path.join(web, 'sub'), { recursive: true });
    fs.mkdirSync(path.join(web, 'empty'));
    fs.writeFileSync(path.join(web, 'index.html'), 'home');
    fs.writeFileSync(path.join(web, 'sub', 'index.html'), 'sub home');
    fs.writeFileSync(path.join(web, 'a.txt'), 'inside');
    fs.mkdirSync(path.join(dir, 'web-secret'));
    fs.writeFileSync(path.join(dir, 'web-secret', 'key.pem'), 'SECRET');
    fs.writeFileSync(path.join(dir, 'outside.txt'), 'SECRET');
    fs.symlinkSync(path.join(dir, 'outside.txt'), path.join(web, 'link.txt'));
    fs.symlinkSync(path.join(web, 'a.txt'), path.join(web, 'inner-link.txt'));
    fs.writeFileSync(path.join(web, 'big.bin'), BIG);
    proc = spawn(APP, ['--app', 'chat', '--port', '0', '--threads', '1', '--static-dir', web], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stderr.on('data', () => {});
    port = await h.withTimeout(new Promise((resolve, reject) => {
      let out = '';
      proc.stdout.on('data', (d) => { out += d; const m = /listening on http:\/\/[\d.]+:(\d+)/.exec(out); if (m) resolve(Number(m[1])); });
      proc.once('exit', (c) => reject(new Error(`exited ${c}`)));
    }), 10000, 'switchboard-app listening');
  });
  after(() => {
    proc?.kill('SIGKILL');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves files and directory indexes inside', async () => {
    assert.equal(body(await get(port, '/a.txt')), 'inside');
    assert.equal(body(await get(port, '/')), 'home');
    assert.equal(body(await get(port, '/sub/')), 'sub home');
    assert.equal(body(await get(port, '/sub')), 'sub home');
    assert.equal(body(await get(port, '/inner-link.txt')), 'inside', 'a symlink that stays inside is fine');
  });

  it('refuses every way out, and a directory without an index, with 404', async () => {
    for (const t of ['-secret/key.pem', '/../web-secret/key.pem', '/sub/../../outside.txt', '/link.txt', '/empty/', '/empty', '/nope.txt']) {
      const r = await get(port, t);
      assert.equal(status(r), 404, `${t}: ${r.slice(0, 120)}`);
      assert.ok(!r.includes('SECRET'), t);
    }
  });

  it('streams a large file: whole and exact, HEAD without body, bounded memory, others served meanwhile', async () => {
    const head = await download(port, '/big.bin', { method: 'HEAD' });
    assert.match(head.head, /^HTTP\/1\.1 200/);
    assert.match(head.head, new RegExp(`content-length: ${BIG.length}`, 'i'));
    assert.equal(head.body.length, 0, 'HEAD carries no body');

    const before = rssKiB(proc.pid);
    // Eight concurrent downloads, half of them slow readers: read whole, they would pin
    // 8 x 40 MiB; streamed, each holds one 64 KiB piece (plus the kernel's socket buffers).
    const gets = Array.from({ length: 8 }, (_, i) => download(port, '/big.bin', { pauseEvery: i % 2 ? 1 << 20 : 0 }));
    let peak = before;
    const sampler = setInterval(() => { peak = Math.max(peak, rssKiB(proc.pid)); }, 10);
    // Meanwhile the shard (one thread) answers small requests promptly.
    const t0 = Date.now();
    assert.equal(body(await get(port, '/a.txt')), 'inside');
    const small = Date.now() - t0;
    const results = await Promise.all(gets);
    clearInterval(sampler);
    for (const r of results) {
      assert.match(r.head, /^HTTP\/1\.1 200/);
      assert.equal(r.body.length, BIG.length);
      assert.equal(sha(r.body), sha(BIG));
    }
    assert.ok(small < 1000, `a small GET took ${small} ms during the downloads`);
    assert.ok(peak - before < 64 * 1024, `the server grew by ${peak - before} KiB serving 8 x 40 MiB`);
  });
});
