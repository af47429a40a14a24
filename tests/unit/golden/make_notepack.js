'use strict';
// Writes notepack.txt: values encoded by npm notepack.io (the msgpack of the Node Redis
// adapter), one per line as `<hex>\t<JSON>`. A Buffer is written in the JSON as
// {"$bin":"<hex>"}. test_msgpack.cpp checks that our codec writes the same bytes and
// reads the same values; cluster/js/golden.test.js checks that this file is up to date.
const path = require('node:path');
const fs = require('node:fs');
const notepack = require(path.join(__dirname, '..', '..', '..', 'node_modules', 'notepack.io'));

const values = [
  null, true, false, 0, 1, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, 2 ** 53 - 1,
  -1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649, -(2 ** 53 - 1),
  // (not 1e300 or -2.5e100: notepack writes integral doubles past 2^63 as a garbage integer; we write float64)
  0.5, -1.25, 3.141592653589793, 1.5e-7, -2.5e-3,
  '', 'a', 'x'.repeat(31), 'y'.repeat(32), 'z'.repeat(255), 'w'.repeat(256), 'é€😀',
  [], [1, 'two', [3]], new Array(15).fill(0), new Array(16).fill(1),
  {}, { a: 1 }, Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, i])),
  Buffer.from([]), Buffer.from([1, 2, 3]), Buffer.alloc(256, 7),
  ['socket.io', { type: 2, data: ['event', 'arg', { n: 1.5 }], nsp: '/' }, { rooms: ['r'], except: [], flags: {} }],
  { uid: 'abc123', requestId: 'def456', type: 7, packet: { type: 2, data: ['ev', Buffer.from([255])], nsp: '/chat' }, opts: { rooms: [], except: ['x'], flags: { timeout: 1000 } } },
];

const toJson = (v) => JSON.stringify(v, (k, x) => (x && x.type === 'Buffer' && Array.isArray(x.data) ? { $bin: Buffer.from(x.data).toString('hex') } : x));
const lines = values.map((v) => `${notepack.encode(v).toString('hex')}\t${toJson(v)}`);
const out = lines.join('\n') + '\n';
if (process.argv[2] === '--check') {
  const have = fs.readFileSync(path.join(__dirname, 'notepack.txt'), 'utf8');
  if (have !== out) { console.error('notepack.txt is stale: run node tests/unit/golden/make_notepack.js'); process.exit(1); }
} else {
  fs.writeFileSync(path.join(__dirname, 'notepack.txt'), out);
}
