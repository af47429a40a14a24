// Shared by the apps' browser tests: start `switchboard-app --app <name>` on a free
// loopback port, and launch Debian's Chromium through playwright-core (never a
// downloaded browser). Each launch gets a fresh, empty user-data-dir from playwright.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const root = path.resolve(__dirname, '../..');
const artifacts = path.join(root, 'tests/artifacts');

function startApp(name, extra = []) {
  const bin = process.env.SB_APP || path.join(root, 'build/apps/switchboard-app');
  const proc = spawn(bin, ['--app', name, '--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the app did not start')), 10000);
    proc.stdout.on('data', (d) => {
      const m = /listening on (https?:\/\/\S+)/.exec(String(d));
      if (m) { clearTimeout(timer); resolve(m[1].replace(/\/$/, '')); }
    });
    proc.on('exit', (code) => reject(new Error(`the app exited with ${code}`)));
  });
  return { proc, url };
}

function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

async function screenshot(page, name) {
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, name) });
}

module.exports = { startApp, launch, screenshot };
