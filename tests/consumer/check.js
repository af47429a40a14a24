'use strict';
// Drives the consumer's server (argv[2]) with the official socket.io-client: a greet is
// ACKed, the lobby hears it, a name that breaks the contract is refused with its pointer.
// Exits non-zero on any failure; every wait has a deadline.
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const { io } = require(path.join(ROOT, 'node_modules', 'socket.io-client'));

function deadline(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

async function main() {
  const server = spawn(process.argv[2], ['0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await deadline(new Promise((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (d) => {
        out += d;
        const m = /listening (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      server.once('exit', (code) => reject(new Error(`server exited (${code}) before listening`)));
    }), 10000, 'the server to listen');

    const url = `http://127.0.0.1:${port}/greeter`;
    const connect = (transports) => deadline(new Promise((resolve, reject) => {
      const s = io(url, { transports, forceNew: true, reconnection: false });
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    }), 3000, `a ${transports} connection`);

    const listener = await connect(['polling']);
    const speaker = await connect(['websocket']);
    try {
      assert.deepEqual(await listener.timeout(2000).emitWithAck('greet', { name: 'ann' }), { text: 'hello, ann' });
      const heard = deadline(new Promise((resolve) => listener.once('greeted', resolve)), 3000, 'greeted in the lobby');
      assert.deepEqual(await speaker.timeout(2000).emitWithAck('greet', { name: 'bob' }), { text: 'hello, bob' });
      assert.deepEqual(await heard, { text: 'hello, bob' });

      const refused = await speaker.timeout(2000).emitWithAck('greet', { name: '' });
      assert.equal(refused.error.code, 'bad_payload');
      assert.equal(refused.error.pointer, '/name');
    } finally {
      listener.close();
      speaker.close();
    }
    console.log('consumer: greet ACKed over websocket and polling, the lobby heard it, a bad name was refused');
  } finally {
    server.kill('SIGTERM');
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
