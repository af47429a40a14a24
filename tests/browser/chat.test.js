// The chat page in headless Chromium: three people on three transports (websocket,
// polling, sse) talk in one room, with acks, typing, a direct message and a moderator
// kick. Screenshots go to tests/artifacts/.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startApp, launch, screenshot } = require('./app.js');

let app, url, browser;

before(async () => {
  app = startApp('chat'); // development mode: the page mints its own tokens
  url = await app.url;
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (app) app.proc.kill('SIGTERM');
});

async function open(query) {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${url}?${query}`);
  return page;
}

test('three browsers on websocket, polling and sse: messages, acks, typing, a DM and a kick', { timeout: 90000 }, async () => {
  const alice = await open('nick=alice&room=lobby&transport=websocket&mod=1');
  const bob = await open('nick=bob&room=lobby&transport=polling');
  const carol = await open('nick=carol&room=lobby&transport=sse');
  await alice.waitForSelector('#status:has-text("connected (websocket)")');
  await bob.waitForSelector('#status:has-text("connected (polling)")');
  await carol.waitForSelector('#status:has-text("connected (sse)")');
  for (const p of [alice, bob, carol])
    for (const who of ['alice', 'bob', 'carol'])
      await p.waitForSelector(`#members li[data-user="${who}"]`, { timeout: 10000 });

  // A message: everyone gets it; the sender sees it pending, then confirmed by the ACK.
  await alice.fill('#text', 'hello from alice');
  await alice.press('#text', 'Enter');
  await bob.waitForSelector('#log li:has-text("hello from alice")', { timeout: 10000 });
  await carol.waitForSelector('#log li:has-text("hello from alice")', { timeout: 10000 });
  await alice.waitForSelector('#log li.confirmed:has-text("hello from alice")', { timeout: 10000 });
  await carol.fill('#text', 'hi from sse');
  await carol.press('#text', 'Enter');
  await bob.waitForSelector('#log li:has-text("hi from sse")', { timeout: 10000 });
  await carol.waitForSelector('#log li.confirmed:has-text("hi from sse")', { timeout: 10000 });

  // Typing (volatile): bob keeps typing until the others see it. A volatile notice may be
  // dropped while a peer's queue is busy, and the indicator only lives ~2 s after the last
  // key, so a one-shot burst of keys can be missed on a loaded machine; a person who keeps
  // typing re-announces it every second, and so does this loop.
  let seen = false;
  const watchers = Promise.all([alice, carol].map((p) =>
    p.waitForSelector('#typing:has-text("bob typing")', { timeout: 15000 }))).finally(() => { seen = true; });
  for (let i = 0; !seen && i < 100; i++) await bob.type('#text', 'x', { delay: 0 }).then(() => bob.waitForTimeout(150));
  await watchers;

  // A direct message: carol opens a DM with alice; bob never sees it.
  await carol.click('#members li[data-user="alice"] .name');
  await carol.waitForSelector('#rooms li:has-text("@alice")');
  await carol.fill('#text', 'psst alice');
  await carol.press('#text', 'Enter');
  await alice.waitForSelector('#rooms li:has-text("@carol")', { timeout: 10000 });
  await alice.click('#rooms li:has-text("@carol")');
  await alice.waitForSelector('#log li:has-text("psst alice")', { timeout: 10000 });
  await alice.click('#rooms li:has-text("#lobby")');
  await carol.click('#rooms li:has-text("#lobby")');

  // A kick: alice's token says moderator (minted with ?mod=1); bob is removed from the room.
  await alice.click('#members li[data-user="bob"] .kick');
  await bob.waitForSelector('#status:has-text("kicked from #lobby by alice")', { timeout: 10000 });
  await carol.waitForSelector('#log li:has-text("bob was kicked by alice")', { timeout: 10000 });

  await screenshot(alice, 'chat-alice.png');
  await screenshot(bob, 'chat-bob.png');
  await screenshot(carol, 'chat-carol.png');
  const bobRooms = await bob.locator('#rooms li').allInnerTexts();
  assert.deepEqual(bobRooms, [], 'bob has no room left');
  const state = await bob.evaluate(() => ({ rooms: [...window.chat.rooms.keys()], kicked: window.chat.kicked }));
  assert.equal(state.kicked[0].user, 'bob');
  const dmSeenByBob = await bob.evaluate(() => JSON.stringify([...window.chat.rooms.values()]).includes('psst'));
  assert.equal(dmSeenByBob, false);
});

test('a non-moderator cannot kick, and a taken nickname is refused', { timeout: 30000 }, async () => {
  const dave = await open('nick=dave&room=nicks&transport=websocket');
  await dave.waitForSelector('#members li[data-user="dave"]');
  const r = await dave.evaluate(() => window.chat.socket.timeout(3000).emitWithAck('kick', { room: 'room:nicks', user: 'dave' }));
  assert.equal(r.error.code, 'forbidden');
  const dave2 = await open('nick=dave&room=nicks&transport=polling');
  await dave2.waitForSelector('#status:has-text("nick_taken")', { timeout: 10000 });
});
