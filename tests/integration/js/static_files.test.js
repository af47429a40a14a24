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
});
