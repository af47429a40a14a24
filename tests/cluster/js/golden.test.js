'use strict';
// tests/unit/golden/notepack.txt is what npm notepack.io writes today: regenerated and
// compared, so a notepack upgrade that changes bytes fails here, not in a cluster.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

test('the msgpack golden vectors match the installed notepack.io', () => {
  const r = spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'unit', 'golden', 'make_notepack.js'), '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
