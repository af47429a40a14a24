// The sse transport in headless Chromium: a page loads the official bundle and
// clients/sse-transport.js as the server serves them (/socket.io/socket.io.min.js,
// /socket.io/sse-transport.js), connects one client on sse and one on sse→websocket to the
// chat app, and checks acks both ways and a server push on the event stream.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const root = path.resolve(__dirname, '../..');
const app = process.env.SB_APP || path.join(root, 'build/apps/switchboard-app');

const PAGE = `<!doctype html><meta charset="utf-8"><title>sse</title>
<script src="/socket.io/socket.io.min.js"></script>
<script src="/socket.io/sse-transport.js"></script>`;

let server, url, browser, dir;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-sse-page-'));
  fs.writeFileSync(path.join(dir, 'index.html'), PAGE);
  server = spawn(app, ['--app', 'chat', '--port', '0', '--static-dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the app did not start')), 10000);
    server.stdout.on('data', (d) => {
      const m = /listening on (http:\/\/\S+)/.exec(String(d));
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    server.on('exit', (code) => reject(new Error(`the app exited with ${code}`)));
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('sse and sse→websocket from the served bundle and transport', { timeout: 60000 }, async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  const result = await page.evaluate(async () => {
    const { SSE, WebSocket } = window.SwitchboardSSE;
    // The chat wants a signed token: in development mode its /dev-tokens namespace mints one.
    const mint = async (user) => {
      const dev = io('/dev-tokens', { forceNew: true, reconnection: false });
      try { return await dev.timeout(5000).emitWithAck('mint', { user }); } finally { dev.disconnect(); }
    };
    const connect = async (transports, user) => {
      const token = await mint(user);
      return new Promise((resolve, reject) => {
        const s = io('/chat', { transports, forceNew: true, reconnection: false, auth: { token } });
        s.on('connect', () => resolve(s));
        s.on('connect_error', reject);
      });
    };
    const a = await connect([SSE], 'anna');
    const b = await connect([SSE, WebSocket], 'bert');
    const startedOn = a.io.engine.transport.name;
    if (b.io.engine.transport.name !== 'websocket') {
      await new Promise((resolve) => b.io.engine.once('upgrade', resolve));
    }
    const joinA = await a.timeout(5000).emitWithAck('join_room', { name: 'sse-browser' });
    const pushedP = new Promise((resolve) => a.once('member', resolve));
    const joinB = await b.timeout(5000).emitWithAck('join_room', { name: 'sse-browser' });
    const pushed = await pushedP;
    const out = {
      startedOn,
      endedOn: [a.io.engine.transport.name, b.io.engine.transport.name],
      joinA: Object.keys(joinA.members),
      joinB: Object.keys(joinB.members).sort(),
      pushed,
    };
    a.disconnect();
    b.disconnect();
    return out;
  });
  assert.equal(result.startedOn, 'sse');
  assert.deepEqual(result.endedOn, ['sse', 'websocket']);
  assert.deepEqual(result.joinA, ['anna']);
  assert.deepEqual(result.joinB, ['anna', 'bert']);
  assert.deepEqual(result.pushed, { room: 'room:sse-browser', user: 'bert', joined: true });
});
