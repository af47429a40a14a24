// The ticker pages in headless Chromium, through a TCP proxy that the test can cut:
// the bare-EventSource page and the Socket.IO page both update, and after a forced drop
// of every connection each resumes with no gap and no duplicate (Last-Event-ID on the
// EventSource page, connection state recovery on the Socket.IO page), judged against
// the server's own room history. Screenshots go to tests/artifacts/.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startApp, launch, screenshot } = require('./app.js');
const { startProxy } = require('./proxy.js');

let app, direct, proxy, browser;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA'];

before(async () => {
  app = startApp('ticker', ['--symbols', '8', '--interval-ms', '50']);
  direct = await app.url;
  proxy = await startProxy(direct);
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (proxy) proxy.close();
  if (app) app.proc.kill('SIGTERM');
});

/// Every trade the server kept for our symbols (room history, read past the proxy).
async function historyTrades() {
  const out = [];
  for (const s of SYMBOLS) {
    const r = await fetch(`${direct}/ticker/history?room=sym:${s}`);
    assert.equal(r.status, 200);
    const h = await r.json();
    for (const e of h.events) if (e.event === 'trade') out.push({ id: e.id, ...e.data });
  }
  return out;
}
const offset = (id) => Number(id.split(':')[1]);
const key = (t) => `${t.symbol}|${t.ts}|${t.price}|${t.size}|${t.side}`;

test('both pages update, and a forced drop resumes with no gap and no duplicate', { timeout: 90000 }, async () => {
  const es = await (await browser.newContext()).newPage();
  const sock = await (await browser.newContext()).newPage();
  for (const p of [es, sock]) p.on('pageerror', (e) => console.error('page error:', e.message));
  await es.goto(`${proxy.url}/?symbols=${SYMBOLS.join(',')}`);
  await sock.goto(`${proxy.url}/socket.html?symbols=${SYMBOLS.join(',')}&transport=websocket`);
  await es.waitForFunction(() => window.ticker.trades.length >= 5, null, { timeout: 15000 });
  await sock.waitForFunction(() => window.ticker.trades.length >= 5, null, { timeout: 15000 });
  for (const p of [es, sock])
    for (const s of SYMBOLS) await p.waitForSelector(`#q-${s} .bid:not(:empty)`, { timeout: 10000 });

  const cut = proxy.drop();
  assert.ok(cut >= 2, `connections cut: ${cut}`);
  // The EventSource reconnects after `retry:` (2 s) with Last-Event-ID; the Socket.IO
  // client reconnects with its pid and offset.
  await es.waitForFunction(() => window.ticker.opens >= 2, null, { timeout: 15000 });
  await sock.waitForFunction(() => window.ticker.recovered >= 1, null, { timeout: 15000 });
  await sleep(1500);

  const esState = await es.evaluate(() => ({ trades: window.ticker.trades, resyncs: window.ticker.resyncs }));
  const sockState = await sock.evaluate(() => ({ trades: window.ticker.trades, connects: window.ticker.connects }));
  const kept = await historyTrades();
  assert.equal(esState.resyncs, 0);

  // EventSource page: every kept trade between its first and last id, each once.
  const ids = esState.trades.map((t) => t.id);
  assert.equal(new Set(ids).size, ids.length, 'no duplicate ids');
  const lo = Math.min(...ids.map(offset)), hi = Math.max(...ids.map(offset));
  const expected = kept.filter((t) => offset(t.id) >= lo && offset(t.id) <= hi).map((t) => t.id).sort();
  assert.deepEqual([...ids].sort(), expected, 'the EventSource page has every trade in its span, once');

  // Socket.IO page: the same trades (by content) over its span, each once.
  const got = sockState.trades.map(key);
  assert.equal(new Set(got).size, got.length, 'no duplicate trades');
  const tsLo = Math.min(...sockState.trades.map((t) => t.ts)), tsHi = Math.max(...sockState.trades.map((t) => t.ts));
  const want = kept.filter((t) => t.ts > tsLo && t.ts < tsHi).map(key).sort();
  const mine = sockState.trades.filter((t) => t.ts > tsLo && t.ts < tsHi).map(key).sort();
  assert.deepEqual(mine, want, 'the Socket.IO page has every trade in its span, once');
  assert.equal(sockState.connects, 2, 'one reconnect, recovered');

  await screenshot(es, 'ticker-eventsource.png');
  await screenshot(sock, 'ticker-socket.png');
});

test('subscribe and unsubscribe on the Socket.IO page; unknown symbols are rejected', { timeout: 30000 }, async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${direct}/socket.html?symbols=GOOG,NOPE&transport=polling`);
  await page.waitForSelector('#status:has-text("unknown: NOPE")', { timeout: 10000 });
  await page.waitForSelector('#q-GOOG .bid:not(:empty)', { timeout: 10000 });
  await page.click('#unsub');
  await sleep(300);
  const before = await page.evaluate(() => window.ticker.trades.length + Object.keys(window.ticker.quotes).length);
  const n0 = await page.evaluate(() => window.ticker.trades.filter((t) => t.symbol === 'GOOG').length);
  await sleep(1500);
  const n1 = await page.evaluate(() => window.ticker.trades.filter((t) => t.symbol === 'GOOG').length);
  assert.equal(n1, n0, 'no GOOG trades after unsubscribing');
  assert.ok(before > 0);
});
