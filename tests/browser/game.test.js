// The arena page in headless Chromium: two players join one match, answer the ready
// check, move, and each sees the other move; the page shows the RTT measured by the
// server's ping ACK. Screenshots go to tests/artifacts/.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startApp, launch, screenshot } = require('./app.js');

let app, url, browser;

before(async () => {
  app = startApp('game', ['--bots', '2']);
  url = await app.url;
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (app) app.proc.kill('SIGTERM');
});

async function player(nick) {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${url}?nick=${nick}&match=DUEL01&autoplay=1&autoready=1`);
  await page.waitForFunction(() => window.game.joined, null, { timeout: 10000 });
  return page;
}

const seen = (page, who) => page.evaluate((u) => {
  const e = window.game.cur && window.game.cur.entities.find((x) => x.user === u);
  return e ? { x: e.pos.x, y: e.pos.y } : null;
}, who);

test('two players move and each sees the other', { timeout: 60000 }, async () => {
  const ann = await player('ann');
  const bob = await player('bob');
  // Both in the match, and each page has the other in its snapshots.
  await ann.waitForFunction(() => window.game.cur.entities.some((e) => e.user === 'bob'), null, { timeout: 10000 });
  await bob.waitForFunction(() => window.game.cur.entities.some((e) => e.user === 'ann'), null, { timeout: 10000 });
  // The round starts after the ready check (autoready answers it).
  await ann.waitForFunction(() => window.game.readyChecks > 0, null, { timeout: 10000 });

  const annBefore = await seen(bob, 'ann'), bobBefore = await seen(ann, 'bob');
  await ann.keyboard.down('s');
  await bob.keyboard.down('w');
  await new Promise((r) => setTimeout(r, 1500));
  await ann.keyboard.up('s');
  await bob.keyboard.up('w');
  await new Promise((r) => setTimeout(r, 300));
  const annAfter = await seen(bob, 'ann'), bobAfter = await seen(ann, 'bob');
  assert.ok(annAfter.y > annBefore.y + 50, `bob saw ann move down: ${JSON.stringify([annBefore, annAfter])}`);
  assert.ok(bobAfter.y < bobBefore.y - 50, `ann saw bob move up: ${JSON.stringify([bobBefore, bobAfter])}`);

  // My own position is predicted locally and agrees with the server's within a step.
  const me = await ann.evaluate(() => ({ p: window.game.predicted, s: window.game.cur.entities.find((e) => e.user === 'ann').pos }));
  assert.ok(Math.abs(me.p.y - me.s.y) < 40, JSON.stringify(me));

  // The RTT of the server's ping ACK is shown.
  await ann.waitForFunction(() => window.game.rtt !== null, null, { timeout: 5000 });
  const rtt = await ann.locator('#rtt').innerText();
  assert.match(rtt, /^\d+(\.\d)?$/);
  // The bots play too.
  const users = await ann.evaluate(() => window.game.cur.entities.map((e) => e.user).sort());
  assert.deepEqual(users, ['ann', 'bob']);  // bots live in ARENA1, not in this match

  await screenshot(ann, 'game-ann.png');
  await screenshot(bob, 'game-bob.png');
});

test('bots fill the demo match and fight', { timeout: 60000 }, async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${url}?nick=watcher&match=ARENA1&autoplay=1&autoready=1`);
  await page.waitForFunction(() => window.game.joined, null, { timeout: 10000 });
  await page.waitForFunction(() => window.game.cur.entities.filter((e) => e.user.startsWith('bot-')).length === 2, null, { timeout: 10000 });
  const start = await page.evaluate(() => window.game.cur.entities.filter((e) => e.user.startsWith('bot-')).map((e) => e.pos));
  await new Promise((r) => setTimeout(r, 1500));
  const later = await page.evaluate(() => window.game.cur.entities.filter((e) => e.user.startsWith('bot-')).map((e) => e.pos));
  assert.notDeepEqual(start, later, 'bots move');
  await screenshot(page, 'game-bots.png');
});
