'use strict';
// The sample apps as clusters of switchboard-app nodes in one Redis. Chat: a message sent
// on one node reaches the room's members on the other, member lists come from presence,
// the history is the same everywhere, and a dead node's users are announced as gone.
// Ticker: one market for the cluster, passed on when its node dies. Game: one world per
// match on the hosting node, whatever node each player is on (docs/cluster.md, "The
// sample apps as a cluster").
const { describe, it, before, after } = require('node:test');
const { spawn } = require('node:child_process');
const path = require('node:path');
const h = require('./cluster.js');
const { assert } = h;

const APP = process.env.SB_APP || path.join(h.ROOT, 'build', 'apps', 'switchboard-app');
// Both nodes verify tokens with one secret; the test signs them with Node's crypto, as an
// auth service would.
const SECRET = require('node:crypto').randomBytes(32).toString('hex');
function tokenFor(user) {
  const crypto = require('node:crypto');
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const data = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: user, exp: Math.floor(Date.now() / 1000) + 600 })}`;
  return `${data}.${crypto.createHmac('sha256', SECRET).update(data).digest('base64url')}`;
}

async function startApp(redisUrl, app = 'chat', extra = ['--jwt-secret', SECRET]) {
  const child = spawn(APP, ['--app', app, '--port', '0', '--threads', '2', '--redis', redisUrl, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.on('data', () => {});
  const port = await h.withTimeout(new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => { out += d; const m = /listening on http:\/\/[\d.]+:(\d+)/.exec(out); if (m) resolve(Number(m[1])); });
    child.on('exit', (code) => reject(new Error(`switchboard-app exited (${code})`)));
  }), 8000, 'switchboard-app listening');
  return { child, url: `http://127.0.0.1:${port}/${app}`, stop: () => h.stopChild(child) };
}

describe('chat app across two nodes', () => {
  let redis, n1, n2, alice, bob;
  before(async () => {
    redis = await h.startRedis();
    [n1, n2] = await Promise.all([startApp(redis.url), startApp(redis.url)]);
  });
  after(async () => {
    alice?.close();
    bob?.close();
    await Promise.all([n1?.stop(), n2?.stop()]);
    await redis?.stop();
  });

  const join = (url, user) => h.withTimeout(new Promise((resolve, reject) => {
    const s = h.io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: tokenFor(user) } });
    s.received = [];
    s.onAny((event, ...args) => s.received.push({ event, args }));
    s.on('connect', () => resolve(s));
    s.on('connect_error', reject);
  }), 4000, `${user} connects`);

  it('a message on node 1 reaches a member of the room on node 2', async () => {
    [alice, bob] = await Promise.all([join(n1.url, 'alice'), join(n2.url, 'bob')]);
    await h.call(alice, 'join_room', { name: 'cpp' });
    const bobJoined = await h.call(bob, 'join_room', { name: 'cpp' });
    assert.equal(bobJoined.members.alice, 'online', `alice (on node 1) is in bob's member list: ${JSON.stringify(bobJoined.members)}`);
    // Until the two nodes see each other (the subscriber connects asynchronously).
    await h.until(async () => {
      const ack = await h.call(alice, 'send_message', { room: 'room:cpp', text: 'hello bob', client_nonce: `n${Date.now()}` });
      assert.ok(!ack?.error, JSON.stringify(ack));
      return bob.received.some((e) => e.event === 'message' && e.args[0].text === 'hello bob');
    }, 6000, 'bob gets the message');
    const msg = bob.received.find((e) => e.event === 'message').args[0];
    assert.equal(msg.author, 'alice');
    assert.equal(msg.room, 'room:cpp');
    // bob's join on node 2 was told to alice on node 1 too.
    assert.ok(alice.received.some((e) => e.event === 'member' && e.args[0].user === 'bob' && e.args[0].joined));
  });

  it('when node 1 dies, bob on node 2 hears that alice left, within seconds', async () => {
    bob.received.length = 0;
    n1.child.kill('SIGKILL');
    await h.until(() => bob.received.some((e) => e.event === 'member' && e.args[0].user === 'alice' && !e.args[0].joined),
      10000, 'alice left');
    const carol = await join(n2.url, 'carol');
    try {
      const joined = await h.call(carol, 'join_room', { name: 'cpp' });
      assert.equal(joined.members.alice, undefined, JSON.stringify(joined.members));
      assert.equal(joined.members.bob, 'online');
      // The room's history is the same on node 2: alice's message, sent on node 1, is in it.
      assert.ok(joined.history.some((m) => m.author === 'alice' && m.text === 'hello bob'), JSON.stringify(joined.history));
    } finally {
      carol.close();
    }
  });

  it('nobody is a user without a token signed with the secret; there is no token mint', async () => {
    const refusal = (url, auth) => h.withTimeout(new Promise((resolve, reject) => {
      const s = h.io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth });
      s.on('connect', () => { s.close(); reject(new Error('connected')); });
      s.on('connect_error', (e) => { s.close(); resolve(e.message); });
    }), 4000, 'a refusal');
    assert.equal(await refusal(n2.url, { user: 'mallory' }), 'no token');
    const forged = tokenFor('mallory').replace(/\.[^.]+$/, '.' + Buffer.alloc(32).toString('base64url'));
    assert.equal(await refusal(n2.url, { token: forged }), 'bad signature');
    assert.equal(await refusal(n2.url.replace('/chat', '/dev-tokens'), {}), 'Invalid namespace', 'no mint with --jwt-secret');
  });
});

describe('ticker app across two nodes', () => {
  let redis, n1, n2;
  const clients = [];
  before(async () => {
    redis = await h.startRedis();
    [n1, n2] = await Promise.all([startApp(redis.url, 'ticker', ['--interval-ms', '100']),
      startApp(redis.url, 'ticker', ['--interval-ms', '100'])]);
  });
  after(async () => {
    for (const c of clients) c.close();
    await Promise.all([n1?.stop(), n2?.stop()]);
    await redis?.stop();
  });

  const subscriber = async (node) => {
    const s = await h.connect({ url: node.url, name: node.url });
    clients.push(s);
    const ack = await h.call(s, 'subscribe', { symbols: ['AAPL'] });
    assert.deepEqual(ack.accepted, ['AAPL']);
    return s;
  };
  const quotes = (s) => h.events(s, 'quote').map(([q]) => `${q.ts}:${q.bid}:${q.ask}`);

  it('one market for the cluster: users on either node see the same quotes', async () => {
    const a = await subscriber(n1);
    const b = await subscriber(n2);
    await h.until(() => quotes(a).length > 15 && quotes(b).length > 15, 8000, 'quotes on both nodes');
    // Past the first (the subscribe-time snapshot), both see one stream: the same quotes.
    const tailA = quotes(a).slice(-10);
    await h.until(() => tailA.every((q) => quotes(b).includes(q)), 2000, 'node 2 has node 1\'s quotes');
    const ts = h.events(a, 'quote').slice(1).map(([q]) => q.ts);
    for (let i = 1; i < ts.length; i++) assert.ok(ts[i] >= ts[i - 1], 'one market moving forward, not two interleaved');
  });

  it('when the node running the market dies, the other takes over within seconds', async () => {
    const leader = async (n) => Number(/^switchboard_cluster_leader (\d)$/m.exec(await (await fetch(n.url.replace('/ticker', '/metrics'))).text())[1]);
    const flags = [await leader(n1), await leader(n2)];
    assert.equal(flags[0] + flags[1], 1, `exactly one leader: ${flags}`);
    const [dead, alive] = flags[0] ? [n1, n2] : [n2, n1];
    const b = clients[dead === n1 ? 1 : 0];
    dead.child.kill('SIGKILL');
    const before = quotes(b).length;
    await h.sleep(500);
    await h.until(() => quotes(b).length > before + 10, 10000, 'quotes again, from the survivor');
    await h.until(async () => (await leader(alive)) === 1, 5000, 'the survivor leads');
  });
});

describe('game app across three nodes', () => {
  // One world per match for the whole cluster: it lives on the node that leads, the
  // others forward joins and inputs to it, and its snapshots reach every node's players.
  let redis;
  const nodes = [];
  const players = [];
  before(async () => {
    redis = await h.startRedis();
    nodes.push(...await Promise.all([0, 1, 2].map(() => startApp(redis.url, 'game', []))));
  });
  after(async () => {
    for (const p of players) { clearInterval(p.inputs); p.close(); }
    await Promise.all(nodes.map((n) => n.stop()));
    await redis?.stop();
  });

  const leads = async (n) => Number(/^switchboard_cluster_leader (\d)$/m.exec(await (await fetch(n.url.replace('/game', '/metrics'))).text())[1]);
  const player = async (node, user) => {
    const s = await h.connect({ url: node.url.replace('/game', '/arena'), name: user }, { auth: { user } });
    s.user = user;
    s.node = node;
    s.on('ready_check', (_c, ack) => ack({ ready: true }));
    s.on('ping', (p, ack) => ack({ server_time: p.server_time, client_time: Date.now() }));
    players.push(s);
    // A page sends its input every frame; here every 50 ms, moving left.
    let seq = 0;
    s.inputs = setInterval(() => s.connected && s.emit('input', { seq: ++seq, client_tick: seq, actions: [{ kind: 'move', dx: -1, dy: 0 }] }), 50);
    return s;
  };
  const joinMatch = async (s) => {
    for (let i = 0; ; i++) {
      const r = await h.call(s, 'join_match', { match_id: 'CLUS01', nickname: s.user });
      // "unavailable": the nodes are still choosing a host (or do not see each other yet);
      // join_match allows one a second.
      if (r?.error?.code === 'unavailable' && i < 10) { await h.sleep(1100); continue; }
      assert.ok(!r?.error, `${s.user} joins: ${JSON.stringify(r)}`);
      return r;
    }
  };
  const snapshots = (s) => h.events(s, 'snapshot').map(([snap]) => snap);
  const latest = (s) => snapshots(s).at(-1);
  const users = (snap) => (snap?.entities ?? []).map((e) => e.user).sort();

  it('players on three nodes play in one world: teams balanced, the same snapshots, inputs applied', async () => {
    const [ann, bob, carol] = await Promise.all([player(nodes[0], 'ann'), player(nodes[1], 'bob'), player(nodes[2], 'carol')]);
    // A host is chosen within a second or two of the first node asking.
    await h.until(async () => (await Promise.all(nodes.map(leads))).includes(1), 6000, 'a host');
    const teams = [];
    for (const p of [ann, bob, carol]) teams.push((await joinMatch(p)).team);
    // Seated by one world: red, blue, red. Three worlds would have seated all three red.
    assert.deepEqual(teams, ['red', 'blue', 'red']);
    for (const p of [ann, bob, carol])
      await h.until(() => users(latest(p)).join() === 'ann,bob,carol', 6000, `${p.user} sees all three`);
    // The same tick carries the same world on every node.
    const t = latest(ann).tick;
    await h.until(() => [bob, carol].every((p) => snapshots(p).some((s) => s.tick === t)), 3000, 'tick on every node');
    const at = (p) => snapshots(p).find((s) => s.tick === t);
    assert.deepEqual(at(bob).entities, at(ann).entities);
    assert.deepEqual(at(carol).entities, at(ann).entities);
    // The ready check reached every node's player (a round started) and inputs sent on
    // every node are applied: everyone moved left of their spawn, acknowledged by seq.
    await h.until(() => {
      const snap = latest(ann);
      return ['ann', 'bob', 'carol'].every((u) => snap.last_input[u] > 0);
    }, 6000, 'every player\'s inputs applied by the one world');
    const spawn = { red: 96, blue: 864 };
    await h.until(() => latest(carol).entities.every((e) => e.pos.x < spawn[e.team] - 20), 6000, 'everyone moved left');
  });

  it('a dead node\'s player leaves the match; when the host dies, another node hosts and play goes on', async () => {
    const flags = await Promise.all(nodes.map(leads));
    assert.equal(flags.reduce((a, b) => a + b, 0), 1, `one host: ${flags}`);
    const host = nodes[flags.indexOf(1)];
    const others = nodes.filter((n) => n !== host);
    const [victim, survivor] = others;
    const watcher = players.find((p) => p.node === survivor);
    const lostUser = players.find((p) => p.node === victim).user;
    victim.child.kill('SIGKILL');
    // Presence notices the node is gone (5 s) and the host unseats its player.
    await h.until(() => !users(latest(watcher)).includes(lostUser), 15000, `${lostUser} leaves the snapshots`);

    const hostUser = players.find((p) => p.node === host).user;
    host.child.kill('SIGKILL');
    const before = snapshots(watcher).length;
    // The lease passes (about 3 s); the survivor's world seats its player from the
    // inputs that keep coming, runs a ready check, and steps the match again.
    await h.until(() => snapshots(watcher).length > before + 20, 15000, 'snapshots again, from the new host');
    await h.until(async () => (await leads(survivor)) === 1, 5000, 'the survivor hosts');
    const snap = latest(watcher);
    assert.deepEqual(users(snap), [watcher.user], JSON.stringify(snap));
    assert.ok(!users(snap).includes(hostUser));
    await h.until(() => latest(watcher).last_input[watcher.user] > 0, 6000, 'the new host applies inputs');
  });
});
