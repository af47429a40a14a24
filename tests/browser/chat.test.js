// The chat page in headless Chromium (Debian's, driven by playwright-core): two people on
// two transports join a room, one sends, the other receives, and the sender's message is
// confirmed by the server's ack. A screenshot goes to tests/artifacts/.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const root = path.resolve(__dirname, '../..');
const app = process.env.SB_APP || path.join(root, 'build/apps/switchboard-app');
const artifacts = path.join(root, 'tests/artifacts');

let server, url, browser;

before(async () => {
  server = spawn(app, ['--app', 'chat', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the app did not start')), 10000);
    server.stdout.on('data', (d) => {
      const m = /listening on (http:\/\/\S+)/.exec(String(d));
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    server.on('exit', (code) => reject(new Error(`the app exited with ${code}`)));
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'],
    // playwright gives every launch a fresh, empty user-data-dir of its own.
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
});

test('two browsers on websocket and polling chat, with acks', { timeout: 60000 }, async () => {
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  await alice.goto(`${url}?nick=alice&room=lobby&transport=websocket`);
  await bob.goto(`${url}?nick=bob&room=lobby&transport=polling`);
  await alice.waitForSelector('#status:has-text("connected (websocket)")');
  await bob.waitForSelector('#status:has-text("connected (polling)")');
  await alice.waitForSelector('#members li:has-text("bob")');

  await alice.fill('#text', 'hello from alice');
  await alice.press('#text', 'Enter');
  await bob.waitForSelector('#log li:has-text("hello from alice")', { timeout: 10000 });
  // The sender's line is confirmed once the server acked it.
  await alice.waitForSelector('#log li:has-text("hello from alice") .state:has-text("✓")', { timeout: 10000 });

  await bob.fill('#text', 'hi alice');
  await bob.press('#text', 'Enter');
  await alice.waitForSelector('#log li:has-text("hi alice")', { timeout: 10000 });

  fs.mkdirSync(artifacts, { recursive: true });
  await alice.screenshot({ path: path.join(artifacts, 'chat-alice.png') });
  await bob.screenshot({ path: path.join(artifacts, 'chat-bob.png') });
  const bobLines = await bob.locator('#log li').allInnerTexts();
  assert.ok(bobLines.some((l) => l.includes('alice: hello from alice')), bobLines.join('\n'));
});

test('a taken nickname is refused with a clear message', { timeout: 30000 }, async () => {
  const a = await (await browser.newContext()).newPage();
  const b = await (await browser.newContext()).newPage();
  await a.goto(`${url}?nick=carol&room=nicks`);
  await a.waitForSelector('#log li:has-text("joined nicks as carol")');
  await b.goto(`${url}?nick=carol&room=nicks`);
  await b.waitForSelector('#log li:has-text("is already in nicks")', { timeout: 10000 });
});
