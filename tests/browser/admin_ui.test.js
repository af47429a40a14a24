// The official Socket.IO Admin UI (npm @socket.io/admin-ui's hosted page, served by the app
// itself at /admin-ui/) in headless Chromium, against `switchboard-app --app chat` with
// the UI's login: it logs in through its own form, then lists the chat member a real
// socket.io-client connected, that member's rooms, and acts on it (disconnect). The wire
// protocol itself is checked in tests/integration/js/admin_ui.test.js. Screenshots go to
// tests/artifacts/.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { startApp, launch, screenshot } = require('./app.js');

const root = path.resolve(__dirname, '../..');
const { io } = require(path.join(root, 'node_modules', 'socket.io-client'));
const bcrypt = require(path.join(root, 'node_modules', 'bcryptjs'));

let app, url, browser, member;

before(async () => {
  app = startApp('chat', ['--admin-user', 'ops', '--admin-password-hash', bcrypt.hashSync('hunter2', 4)]);
  url = await app.url;
  browser = await launch();
  // A chat member, connected before the UI so that the UI opens on its namespace.
  const dev = io(url + '/dev-tokens', { forceNew: true, reconnection: false });
  const token = await dev.timeout(5000).emitWithAck('mint', { user: 'alice' });
  dev.disconnect();
  member = io(url + '/chat', { forceNew: true, reconnection: false, auth: { token }, transports: ['websocket'] });
  await new Promise((resolve, reject) => { member.once('connect', resolve); member.once('connect_error', reject); });
  await member.timeout(5000).emitWithAck('join_room', { name: 'release-2-0' });
});

after(async () => {
  if (member) member.disconnect();
  if (browser) await browser.close();
  if (app) app.proc.kill('SIGTERM');
});

test('the Admin UI logs in and shows the sockets and rooms of a Switchboard server', { timeout: 90000 }, async () => {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  // Its fonts come from Google and jsdelivr: nothing leaves this machine.
  await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (r) => r.abort());

  await page.goto(`${url}/admin-ui/`);
  await page.getByLabel('Server URL').fill(url);
  await page.getByLabel('Username').fill('ops');
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByText('Invalid credentials').waitFor({ timeout: 10000 });
  await page.getByLabel('Password').fill('hunter2');
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.waitForFunction(
    () => [...document.querySelectorAll('.v-chip__content')].some((c) => c.textContent.trim() === 'connected'),
    null, { timeout: 10000 });

  // Sockets of /chat: the member's id in the table.
  await page.goto(`${url}/admin-ui/#/sockets/`);
  const id = member.id;
  // The UI opens on the first namespace it heard of (its own, /admin): pick /chat.
  const pick = async () => {
    await page.locator('.v-select', { hasText: 'Select namespace' }).first().click();
    await page.locator('.v-menu__content .v-list-item', { hasText: '/chat' }).first().click();
  };
  await pick();
  await page.waitForTimeout(500); // the menu fades out
  await page.waitForFunction((sid) => [...document.querySelectorAll('.v-data-table tbody tr > td:first-child')]
    .some((td) => td.textContent.trim() === sid), id, { timeout: 10000 });
  await screenshot(page, 'admin-ui-sockets.png');

  // Its rooms, from the socket list and the live room_joined messages.
  await page.goto(`${url}/admin-ui/#/rooms/`);
  await page.getByText('room:release-2-0').waitFor({ timeout: 10000 });
  await page.getByText('lobby').first().waitFor({ timeout: 10000 });
  await screenshot(page, 'admin-ui-rooms.png');

  // The dashboard counts the server and its namespaces from server_stats.
  await page.goto(`${url}/admin-ui/#/`);
  await page.locator('code', { hasText: '/chat' }).first().waitFor({ timeout: 10000 });

  // Acting from the UI: the row's disconnect button (an icon: its font stays offline)
  // sends _disconnect; the member is let go, and the socket's page (the click also opens
  // it) shows it disconnected.
  const gone = new Promise((resolve) => member.once('disconnect', resolve));
  await page.goto(`${url}/admin-ui/#/sockets/`);
  const row = page.locator('.v-data-table tbody tr', { hasText: id });
  await row.locator('button').click();
  assert.equal(await Promise.race([gone, new Promise((r) => setTimeout(() => r('timeout'), 10000))]), 'io server disconnect');
  // The UI heard it go (socket_disconnected): the socket's page says so.
  await page.waitForFunction(
    () => [...document.querySelectorAll('.v-chip__content')].some((c) => c.textContent.trim() === 'disconnected'),
    null, { timeout: 10000 });
  await screenshot(page, 'admin-ui-disconnected.png');
  await ctx.close();
});
