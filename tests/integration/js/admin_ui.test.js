'use strict';
// The Socket.IO Admin UI's server protocol (@socket.io/admin-ui 0.5, dist/index.js), spoken
// by `switchboard-app --admin-user … --admin-password-hash …` (sb::instrument), checked with
// the official socket.io-client in the UI's place: the login and its session, config,
// all_sockets, server_stats, the live socket/room/event messages, and the join, leave and
// _disconnect commands acting on a real chat client. The page itself runs in Chromium in
// tests/browser/admin_ui.test.js.
const { describe, it, before, after } = require('node:test');
const { spawn } = require('node:child_process');
const path = require('node:path');
const h = require('./harness');
const { assert, io, Inbox } = h;

const ROOT = path.resolve(__dirname, '../../..');
const APP = process.env.SB_APP || path.join(ROOT, 'build/apps/switchboard-app');
const bcrypt = require(path.join(ROOT, 'node_modules', 'bcryptjs'));
const HASH = bcrypt.hashSync('s3cret', 4); // cost 4: the check stays quick in a test

function startApp(args) {
  const proc = spawn(APP, ['--app', 'chat', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const url = h.withTimeout(new Promise((resolve, reject) => {
    proc.stdout.on('data', (d) => {
      const m = /listening on (http:\/\/\S+)/.exec(String(d));
      if (m) resolve(m[1].replace(/\/$/, ''));
    });
    // 'close', not 'exit': stderr has then been read to its end.
    proc.on('close', (code) => reject(new Error(`exited ${code}: ${err}`)));
  }), 10000, 'the app to listen');
  return { proc, url, stderr: () => err };
}

/** Resolves with the CONNECT_ERROR's message, or 'connected'. */
function outcome(socket) {
  return h.withTimeout(new Promise((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (e) => resolve(e.message));
  }), 5000, 'connect or connect_error');
}

describe('Admin UI server protocol', { skip: process.env.SB_SERVER === 'node' ? 'sb only' : false }, () => {
  let app, url;
  const opened = [];
  const client = (nsp, opts) => { const s = io(url + nsp, { forceNew: true, reconnection: false, ...opts }); opened.push(s); return s; };
  before(async () => {
    app = startApp(['--admin-user', 'admin', '--admin-password-hash', HASH]);
    url = await app.url;
  });
  after(() => { for (const s of opened) s.disconnect(); app.proc.kill('SIGKILL'); });

  /** A chat member: a token minted by the app's development namespace, then /chat. */
  async function chatUser(name) {
    const dev = client('/dev-tokens');
    const token = await dev.timeout(3000).emitWithAck('mint', { user: name });
    dev.disconnect();
    const s = client('/chat', { auth: { token }, transports: ['websocket'] });
    assert.equal(await outcome(s), 'connected');
    return s;
  }

  /** An admin socket with an inbox per message the UI listens to. */
  function admin(auth) {
    const s = client('/admin', { auth });
    const box = {};
    for (const e of ['session', 'config', 'all_sockets', 'server_stats', 'socket_connected', 'socket_disconnected',
                     'room_joined', 'room_left', 'event_received', 'event_sent', 'socket_updated']) box[e] = new Inbox(s, e);
    return { s, box };
  }

  it('refuses a wrong password and an unknown user with "invalid credentials", and no auth at all', async () => {
    for (const auth of [{ username: 'admin', password: 'nope' }, { username: 'root', password: 's3cret' }, {},
                        { sessionId: '0123456789abcdef' }]) {
      assert.equal(await outcome(client('/admin', { auth })), 'invalid credentials', JSON.stringify(auth));
    }
  });

  it('logs in, hands out a session id after CONNECT, and says what it supports', async () => {
    const a = admin({ username: 'admin', password: 's3cret' });
    assert.equal(await outcome(a.s), 'connected');
    const [session] = await a.box.session.next();
    assert.match(session, /^[0-9a-f]{16}$/);
    const [config] = await a.box.config.next();
    assert.deepEqual(config.supportedFeatures,
      ['EMIT', 'JOIN', 'LEAVE', 'DISCONNECT', 'MJOIN', 'MLEAVE', 'MDISCONNECT', 'AGGREGATED_EVENTS', 'ALL_EVENTS']);
    const [all] = await a.box.all_sockets.next();
    const me = all.find((x) => x.id === a.s.id);
    assert.ok(me, 'all_sockets lists the admin socket itself');
    assert.equal(me.nsp, '/admin');
    assert.equal(me.clientId, a.s.io.engine.id.slice(0, 12));
    assert.ok(['polling', 'websocket'].includes(me.transport));
    assert.equal(typeof me.handshake.issued, 'number');
    assert.equal(typeof me.handshake.headers, 'object');
    assert.equal(typeof me.handshake.query, 'object');
    assert.equal(me.handshake.auth, undefined, 'the handshake is shown without the credentials');
    assert.ok(me.rooms.includes(a.s.id));
    // A connection that began on polling and upgrades: the UI is told (core's on_upgrade).
    // The admin socket's own upgrade can finish while its login is still hashing, before it
    // is there to be told; all_sockets then already says websocket. So the upgrade that
    // must be told is one that starts after the admin is in: a fresh polling client's.
    const other = client('/dev-tokens');
    assert.equal(await outcome(other), 'connected');
    let upd;
    do [upd] = await a.box.socket_updated.next(); while (upd.id !== other.id);
    assert.deepEqual(upd, { id: other.id, nsp: '/dev-tokens', transport: 'websocket' });
    other.disconnect();

    // The session id logs in again without the password.
    const again = client('/admin', { auth: { sessionId: session } });
    assert.equal(await outcome(again), 'connected');
    again.disconnect();
    a.s.disconnect();
  });

  it('sends the load every interval: counts, namespaces and aggregated events', async () => {
    const a = admin({ username: 'admin', password: 's3cret' });
    const [stats] = await a.box.server_stats.next(4000);
    assert.equal(typeof stats.serverId, 'string');
    assert.equal(typeof stats.pid, 'number');
    assert.ok(stats.uptime > 0);
    assert.ok(stats.clientsCount >= 1);
    assert.equal(typeof stats.pollingClientsCount, 'number');
    const names = stats.namespaces.map((n) => n.name);
    for (const n of ['/chat', '/admin']) assert.ok(names.includes(n), `${n} in ${names}`);
    assert.ok(stats.namespaces.find((n) => n.name === '/admin').socketsCount >= 1);
    assert.ok(Array.isArray(stats.aggregatedEvents));
    await a.box.server_stats.next(4000); // and again, two seconds later
    a.s.disconnect();
  });

  it('tells of a chat client: connect, rooms, events both ways, and acts on it', async () => {
    const a = admin({ username: 'admin', password: 's3cret' });
    assert.equal(await outcome(a.s), 'connected');
    await a.box.all_sockets.next();
    const alice = await chatUser('alice');

    // Every namespace's sockets are told of (the admin's own and the token minter's too).
    let conn, when;
    do [conn, when] = await a.box.socket_connected.next(); while (conn.nsp !== '/chat');
    assert.equal(conn.id, alice.id);
    assert.equal(conn.transport, 'websocket');
    assert.equal(conn.clientId, alice.io.engine.id.slice(0, 12));
    assert.match(when, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const joined = async (room) => {
      for (;;) {
        const [nsp, r, id] = await a.box.room_joined.next();
        if (nsp === '/chat' && r === room && id === alice.id) return;
      }
    };

    // An event in and its reply out; the room it joins.
    const ack = await alice.timeout(3000).emitWithAck('join_room', { name: 'cpp' });
    assert.ok(ack.history, JSON.stringify(ack));
    await joined('room:cpp');
    for (;;) {
      const [nsp, id, args] = await a.box.event_received.next();
      if (nsp === '/chat' && id === alice.id) { assert.deepEqual(args, ['join_room', { name: 'cpp' }]); break; }
    }

    // The UI's commands: join a room, leave it, then disconnect the socket.
    a.s.emit('join', '/chat', 'vip', alice.id);
    await joined('vip');
    a.s.emit('leave', '/chat', 'vip', alice.id);
    for (;;) {
      const [nsp, r, id] = await a.box.room_left.next();
      if (nsp === '/chat' && r === 'vip' && id === alice.id) break;
    }
    const aliceId = alice.id; // the client forgets it on disconnect
    const gone = new Promise((resolve) => alice.once('disconnect', resolve));
    a.s.emit('_disconnect', '/chat', false, aliceId);
    assert.equal(await h.withTimeout(gone, 3000, 'alice disconnected'), 'io server disconnect');
    let nsp, id, reason;
    do [nsp, id, reason] = await a.box.socket_disconnected.next(); while (nsp !== '/chat');
    assert.deepEqual([id, reason], [aliceId, 'server namespace disconnect']);
    // Then each of its rooms is left (the UI drops a room when its last socket goes).
    const left = new Set();
    while (!['room:cpp', 'lobby', aliceId].every((r) => left.has(r))) {
      const [n, r, who] = await a.box.room_left.next();
      if (n === '/chat' && who === aliceId) left.add(r);
    }
    a.s.disconnect();
  });

  it('ignores malformed commands and unknown namespaces, and stays up', async () => {
    const a = admin({ username: 'admin', password: 's3cret' });
    assert.equal(await outcome(a.s), 'connected');
    a.s.emit('join');
    a.s.emit('join', 42, { x: 1 });
    a.s.emit('leave', '/nope', 'r', 'x');
    a.s.emit('_disconnect', '/nope', 'yes');
    a.s.emit('emit', '/chat');
    await a.box.server_stats.next(4000);
    assert.ok(a.s.connected);
    a.s.disconnect();
  });
});

describe('Admin UI options', { skip: process.env.SB_SERVER === 'node' ? 'sb only' : false }, () => {
  it('refuses to start without a login, or with a password instead of its hash', async () => {
    for (const args of [['--admin-production'], ['--admin-user', 'admin', '--admin-password-hash', 's3cret']]) {
      const app = startApp(args);
      await assert.rejects(app.url, /exited 2/);
      assert.match(app.stderr(), /auth|bcrypt/);
    }
  });

  it('production mode sends the load only', async () => {
    const app = startApp(['--admin-anonymous', '--admin-production']);
    const url = await app.url;
    const s = io(url + '/admin', { forceNew: true, reconnection: false });
    const config = new Inbox(s, 'config');
    const all = new Inbox(s, 'all_sockets');
    const stats = new Inbox(s, 'server_stats');
    try {
      const [c] = await config.next();
      assert.deepEqual(c.supportedFeatures,
        ['EMIT', 'JOIN', 'LEAVE', 'DISCONNECT', 'MJOIN', 'MLEAVE', 'MDISCONNECT', 'AGGREGATED_EVENTS']);
      await stats.next(4000);
      assert.equal(all.items.length, 0);
    } finally {
      s.disconnect();
      app.proc.kill('SIGKILL');
    }
  });
});
