// Chromium's own EventSource (no library) against sb_test_server's /ticker endpoint
// (tests/integration/CONTRACT.md): events with ids, then a forced drop (the server ends
// the stream) while events keep coming; the browser reconnects by itself with
// Last-Event-ID and the server replays what it missed: no gap, no duplicate.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const path = require('node:path');
const { chromium } = require('playwright-core');

const root = path.resolve(__dirname, '../..');
const serverBin = process.env.SB_TEST_SERVER || path.join(root, 'build/tests/integration/sb_test_server');
const { io } = require(path.join(root, 'node_modules', 'socket.io-client'));

let server, url, browser, pub;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(cond, ms, what) {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

before(async () => {
  // The contract's heartbeat (1 s / 500 ms) is tight for the publisher under ctest -j2 next to
  // Chromium and a fuzzer: a late pong would end it mid-test. The stream is what is tested.
  server = spawn(serverBin, ['--port', '0', '--ping-interval', '5000', '--ping-timeout', '5000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start')), 10000);
    server.stdout.on('data', (d) => {
      const m = /listening (\d+)/.exec(String(d));
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    });
    server.on('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'],
    // playwright gives every launch a fresh, empty user-data-dir of its own.
  });
  pub = io(`${url}/ticker`, { transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise((resolve, reject) => {
    pub.once('connect', resolve);
    pub.once('connect_error', reject);
  });
});

after(async () => {
  if (pub) pub.disconnect();
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
});

// A generous deadline: under ctest -j2 with Chromium and the fuzzer on two cores an ack has
// been seen to take over 3 s; what this test checks is order and completeness, not speed.
const ask = (event, arg) => pub.timeout(10000).emitWithAck(event, arg);

test('Chromium EventSource: ids, a forced drop, resume with no gap and no duplicate', { timeout: 60000 }, async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${url}/healthz`); // same origin as the endpoint
  await page.evaluate((src) => {
    window.got = [];
    window.ids = [];
    window.opens = 0;
    const es = new EventSource(src);
    es.addEventListener('open', () => window.opens++);
    es.addEventListener('tick', (e) => {
      window.got.push(JSON.parse(e.data));
      window.ids.push(e.lastEventId);
    });
  }, '/ticker/sse?symbols=BRWSR');
  await until(() => page.evaluate(() => window.opens >= 1), 10000, 'the stream to open');

  const N = 60;
  for (let i = 0; i < N; i++) {
    await ask('publish', { event: 'tick', rooms: ['sym:BRWSR'], data: i, resumable: true });
    if (i === 20) await ask('kick', { room: 'sym:BRWSR' }); // the server ends the stream
    if (i % 5 === 0) await sleep(10);
  }
  await until(() => page.evaluate((n) => window.got.length >= n, N), 15000, `${N} ticks`);
  await sleep(300);
  const { got, ids, opens } = await page.evaluate(() => ({ got: window.got, ids: window.ids, opens: window.opens }));
  assert.deepEqual(got, Array.from({ length: N }, (_, i) => i), 'every tick once, in order');
  assert.ok(opens >= 2, `the browser reconnected by itself (opens: ${opens})`);
  assert.ok(ids.every((id) => /^[0-9a-z]+:\d+$/.test(id)), ids.join(' '));
  const offsets = ids.map((id) => Number(id.split(':')[1]));
  assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b), 'ids increase');
});
