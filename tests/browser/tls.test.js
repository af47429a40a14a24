// The chat page over https and wss in Chromium (switchboard-app --tls-cert/--tls-key with
// the test certificate of tests/tls/, which the browser context is told to accept): the
// page, the client bundle and each transport come over TLS.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { startApp, launch, screenshot } = require('./app.js');

const dir = path.join(__dirname, '..', 'tls');
let app, url, browser;

before(async () => {
  app = startApp('chat', ['--tls-cert', path.join(dir, 'cert.pem'), '--tls-key', path.join(dir, 'key.pem')]);
  url = await app.url;
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (app) app.proc.kill('SIGTERM');
});

test('the chat over https: websocket, polling and sse each connect and carry a message', { timeout: 60000 }, async () => {
  assert.match(url, /^https:\/\//);
  const pages = [];
  for (const [nick, transport] of [['wss', 'websocket'], ['xhrs', 'polling'], ['sses', 'sse']]) {
    const page = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${url}?nick=${nick}&room=tls&transport=${transport}`);
    await page.waitForSelector(`#status:has-text("connected (${transport})")`, { timeout: 15000 });
    assert.equal(await page.evaluate(() => location.protocol), 'https:');
    pages.push(page);
  }
  await pages[0].fill('#text', 'over tls');
  await pages[0].press('#text', 'Enter');
  for (const p of pages) await p.waitForSelector('#log li:has-text("over tls")', { timeout: 10000 });
  await pages[0].waitForSelector('#log li.confirmed:has-text("over tls")', { timeout: 10000 });
  await screenshot(pages[2], 'chat-tls-sse.png');
});
