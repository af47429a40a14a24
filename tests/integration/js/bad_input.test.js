'use strict';
// Bad input: every case asserts the documented answer AND that well-behaved clients connected
// meanwhile (one per transport mode) keep being served. Wire strings are from docs/protocol.md.
const { describe, it, before, afterEach } = require('node:test');
const h = require('./harness');
const { assert } = h;

const MAX = 100000; // --max-payload
const ph = (n) => `{"_placeholder":true,"num":${n}}`;

describe('bad input', () => {
  const ctx = h.useServer(['--max-payload', MAX]);
  let bystanders = [];
  before(async () => {
    bystanders = await Promise.all(h.MODES.map((m) => ctx.connect(m)));
  });
  // After every case: the bystanders still get echo acks (and the server is alive: useServer).
  afterEach(async () => {
    for (let i = 0; i < bystanders.length; i++) await h.assertServed(bystanders[i], `${h.MODES[i].name} bystander`);
  });

  const json = (r) => ({ status: r.status, type: r.headers['content-type'], body: JSON.parse(r.body) });
  const engineError = (code, message) => ({ status: 400, type: 'application/json', body: { code, message } });

  /** Sends frames on a fresh raw websocket already connected to '/', expects the server to close it
      without answering anything. */
  async function expectWsClosed(frames) {
    const { ws } = await h.rawSocketIo(ctx);
    for (const f of frames) ws.send(f);
    const closed = await ws.expectClose();
    assert.deepEqual(closed.unread, [], 'no answer before the close');
    return closed;
  }

  /** A polling session connected to '/' (CONNECT reply consumed). */
  async function pollingSession() {
    const { sid } = await h.pollingHandshake(ctx.port);
    const post = await h.request(ctx.port, { method: 'POST', path: h.pollPath(sid), body: '40' });
    assert.deepEqual([post.status, post.body], [200, 'ok']);
    const get = await h.request(ctx.port, { path: h.pollPath(sid) });
    assert.match(get.body, /^40\{"sid":"[^"]+"\}$/);
    return sid;
  }

  /** Starts a GET that the server will hold, then POSTs an (ignored) pong on the same session:
      on an unloaded machine the GET is parked by the time that is answered, but not surely
      (see closesPendingGet). */
  async function pendingGet(sid) {
    const get = h.request(ctx.port, { path: h.pollPath(sid), timeout: 5000 });
    const fence = await h.request(ctx.port, { method: 'POST', path: h.pollPath(sid), body: '3' });
    assert.deepEqual([fence.status, fence.body], [200, 'ok']);
    return { get }; // wrapped: returning the promise itself would make the caller await it
  }

  async function expectSessionGone(sid) {
    assert.deepEqual(json(await h.request(ctx.port, { path: h.pollPath(sid) })), engineError(1, 'Session ID unknown'));
  }

  describe('handshake and query errors', () => {
    it('unknown sid → 400 {"code":1,"message":"Session ID unknown"} (GET and POST)', async () => {
      assert.deepEqual(json(await h.request(ctx.port, { path: h.pollPath('nope') })), engineError(1, 'Session ID unknown'));
      assert.deepEqual(
        json(await h.request(ctx.port, { method: 'POST', path: h.pollPath('nope'), body: '40' })),
        engineError(1, 'Session ID unknown'),
      );
    });

    it('unknown sid on a websocket upgrade → HTTP 400', async () => {
      const ws = ctx.track(new h.RawWs(`ws://127.0.0.1:${ctx.port}/socket.io/?EIO=4&transport=websocket&sid=nope`));
      await assert.rejects(ws.opened, /HTTP 400/);
    });

    for (const [label, query] of [
      ['EIO=3', 'EIO=3&transport=polling'],
      ['EIO=5', 'EIO=5&transport=polling'],
      ['missing EIO', 'transport=polling'],
    ]) {
      it(`${label} → 400 {"code":5,"message":"Unsupported protocol version"}`, async () => {
        assert.deepEqual(
          json(await h.request(ctx.port, { path: `/socket.io/?${query}` })),
          engineError(5, 'Unsupported protocol version'),
        );
      });
    }

    it('unknown or missing transport → 400 {"code":0,"message":"Transport unknown"}', async () => {
      for (const q of ['EIO=4&transport=carrier-pigeon', 'EIO=4']) {
        assert.deepEqual(json(await h.request(ctx.port, { path: `/socket.io/?${q}` })), engineError(0, 'Transport unknown'));
      }
    });

    it('POST handshake → 400 {"code":2,"message":"Bad handshake method"}', async () => {
      assert.deepEqual(
        json(await h.request(ctx.port, { method: 'POST', path: '/socket.io/?EIO=4&transport=polling', body: '40' })),
        engineError(2, 'Bad handshake method'),
      );
    });

    it('a websocket upgrade with a wrong EIO version gets no session', async () => {
      for (const q of ['EIO=3&transport=websocket', 'transport=websocket']) {
        const ws = ctx.track(new h.RawWs(`ws://127.0.0.1:${ctx.port}/socket.io/?${q}`));
        // Node answers 101 and then writes a raw 400 onto the socket; either way no packet arrives.
        const opened = await ws.opened.then(() => true, () => false);
        if (opened) assert.deepEqual((await ws.expectClose()).unread, []);
      }
    });

    it('sb: a websocket upgrade with a wrong EIO version → HTTP 400', h.sbOnly(), async () => {
      for (const q of ['EIO=3&transport=websocket', 'EIO=5&transport=websocket', 'transport=websocket']) {
        const ws = ctx.track(new h.RawWs(`ws://127.0.0.1:${ctx.port}/socket.io/?${q}`));
        await assert.rejects(ws.opened, /HTTP 400/, q);
      }
    });
  });

  describe('polling', () => {
    /** POSTs `body` beside a pending GET: the POST is answered ok, the session closes, and the
        GET ends with "1". The GET and the fence in pendingGet travel on connections of their
        own, so on a loaded machine the server may read the fence and this POST before the GET;
        that GET then reaches a closed session and is answered 400 "Session ID unknown". Such a
        try proves nothing either way and is made again, on a new session, up to 3 times. */
    async function closesPendingGet(body) {
      for (let attempt = 1; ; attempt++) {
        const sid = await pollingSession();
        const { get } = await pendingGet(sid);
        const post = await h.request(ctx.port, { method: 'POST', path: h.pollPath(sid), body });
        assert.deepEqual([post.status, post.body], [200, 'ok']);
        const g = await get;
        if (attempt < 3 && g.status === 400 && /Session ID unknown/.test(g.body)) continue;
        assert.deepEqual([g.status, g.body], [200, '1']);
        await expectSessionGone(sid);
        return;
      }
    }

    it('malformed Engine.IO packet (POST "x") → session closed, the pending GET gets "1"', async () => {
      await closesPendingGet('x');
    });

    it('malformed Socket.IO packet (POST "42x") → session closed', async () => {
      await closesPendingGet('42x');
    });

    it('a POST of exactly maxPayload bytes is accepted; one byte more → 413', async () => {
      const sid = await pollingSession();
      const text = 'a'.repeat(MAX - '42["echo",""]'.length);
      const exact = `42["echo","${text}"]`;
      assert.equal(exact.length, MAX);
      const ok = await h.request(ctx.port, { method: 'POST', path: h.pollPath(sid), body: exact });
      assert.deepEqual([ok.status, ok.body], [200, 'ok']);
      const echoed = await h.request(ctx.port, { path: h.pollPath(sid) });
      assert.equal(echoed.body, `42["echo","${text}"]`);
      const over = await h.request(ctx.port, { method: 'POST', path: h.pollPath(sid), body: `42["echo","${text}a"]` });
      assert.equal(over.status, 413);
    });

    it('overlapping polls (two GETs in flight) → 400, the pending GET gets "1", session closed', async () => {
      const sid = await pollingSession();
      const { get: first } = await pendingGet(sid);
      const second = h.request(ctx.port, { path: h.pollPath(sid) });
      // Each GET is its own TCP connection and may be handed to the session's shard, so the
      // second can reach the session first: one of them is refused, the other gets the close.
      const answers = (await Promise.all([first, second])).map((r) => [r.status, r.status === 200 ? r.body : '']);
      answers.sort();
      assert.deepEqual(answers, [[200, '1'], [400, '']]);
      await expectSessionGone(sid);
    });

    it('a binary (application/octet-stream) POST → 400, session closed', async () => {
      const sid = await pollingSession();
      const post = await h.request(ctx.port, {
        method: 'POST',
        path: h.pollPath(sid),
        body: '42["echo"]',
        headers: { 'content-type': 'application/octet-stream' },
      });
      assert.equal(post.status, 400);
      await expectSessionGone(sid);
    });

    it('polling requests after the upgrade → 400 {"code":3,"message":"Bad request"}', async () => {
      const s = await ctx.connect(h.MODES[2]);
      const sid = s.io.engine.id;
      assert.deepEqual(json(await h.request(ctx.port, { path: h.pollPath(sid) })), engineError(3, 'Bad request'));
      assert.deepEqual(
        json(await h.request(ctx.port, { method: 'POST', path: h.pollPath(sid), body: '3' })),
        engineError(3, 'Bad request'),
      );
      await h.assertServed(s, 'the upgraded client');
    });

    it('a second websocket for an upgraded session is closed, the first keeps working', async () => {
      const s = await ctx.connect(h.MODES[2]);
      const sid = s.io.engine.id;
      const ws = ctx.track(new h.RawWs(`ws://127.0.0.1:${ctx.port}/socket.io/?EIO=4&transport=websocket&sid=${sid}`));
      const opened = await ws.opened.then(() => true, () => false);
      if (opened) {
        ws.send('2probe');
        assert.deepEqual((await ws.expectClose()).unread, [], 'no 3probe for an upgraded session');
      }
      await h.assertServed(s, 'the upgraded client');
    });
  });

  describe('websocket', () => {
    it('malformed Engine.IO packet (text frame "9") → closed', async () => {
      const { ws } = await h.rawEngine(ctx);
      ws.send('9');
      assert.deepEqual((await ws.expectClose()).unread, []);
    });

    it('empty text frame → closed', async () => {
      const { ws } = await h.rawEngine(ctx);
      ws.send('');
      assert.deepEqual((await ws.expectClose()).unread, []);
    });

    it('a ping from the client ("2", wrong heartbeat direction in v4) → closed', async () => {
      const { ws } = await h.rawEngine(ctx);
      ws.send('2');
      assert.deepEqual((await ws.expectClose()).unread, []);
    });

    it('malformed Socket.IO packet ("4" + "2x") → closed', async () => {
      await expectWsClosed(['42x']);
    });

    it('unknown Socket.IO packet type ("47[]") → closed', async () => {
      await expectWsClosed(['47[]']);
    });

    it('non-array event args (42{"a":1}) → closed', async () => {
      await expectWsClosed(['42{"a":1}']);
    });

    it('empty event array (42[]) → closed', async () => {
      await expectWsClosed(['42[]']);
    });

    it('reserved event names (42["connect"], 42["disconnecting"]) → closed', async () => {
      await expectWsClosed(['42["connect"]']);
      await expectWsClosed(['421["disconnecting"]']);
    });

    it('args nested 64 deep reach the handler whole (one nesting limit, not two)', async () => {
      // The event array is one level: 1 + 63 = 64 in all, the decoder's max_json_depth.
      const deep = JSON.parse('['.repeat(63) + '"x"' + ']'.repeat(63));
      const { ws } = await h.rawSocketIo(ctx);
      ws.send(`421${JSON.stringify(['echo', deep])}`);
      assert.equal(await ws.nextText(), `431${JSON.stringify([deep])}`);
    });

    it('args nested past 64 → "parse error": the connection is closed, nothing is dropped silently', h.sbOnly(), async () => {
      // Node's JSON.parse has no bound but the stack's; Switchboard refuses the packet.
      await expectWsClosed([`421["echo",${'['.repeat(64)}"x"${']'.repeat(64)}]`]);
    });

    it('ack with an unknown id (43999[]) → ignored, the connection stays usable', async () => {
      const { ws } = await h.rawSocketIo(ctx);
      ws.send('43999[]');
      ws.send('421["echo","x"]');
      assert.equal(await ws.nextText(), '431["x"]');
      assert.equal(ws.isOpen, true);
    });

    it('a message arriving in pieces, with pauses, fragmented around a ping, is answered whole', async () => {
      // The reader waits for the socket between the pieces: a partial frame and a begun
      // message must survive those waits (Switchboard drops an idle connection's parser).
      const { ws } = await h.rawSocketIo(ctx);
      const key = Buffer.from([1, 2, 3, 4]);
      const frame = (fin, op, text) => {
        const payload = Buffer.from(text);
        const masked = Buffer.from(payload.map((b, i) => b ^ key[i % 4]));
        return Buffer.concat([Buffer.from([(fin ? 0x80 : 0) | op, 0x80 | payload.length]), key, masked]);
      };
      const bytes = Buffer.concat([
        frame(false, 1, '421["ec'),  // text, not final
        frame(true, 9, 'p'),         // a ping between the fragments
        frame(true, 0, 'ho","whole"]'),
      ]);
      const sock = ws.ws._socket;
      // A heartbeat pong sent by the ws library now would land inside our frame: owed
      // pongs go out after the last piece (the server waits 500 ms for one).
      ws.autoPong = false;
      const pings = ws.pings;
      const cuts = [0, 1, 3, 9, 15, 17, 22, bytes.length];  // inside headers, keys, payloads
      for (let i = 1; i < cuts.length; ++i) {
        sock.write(bytes.subarray(cuts[i - 1], cuts[i]));
        await new Promise((r) => setTimeout(r, 30));
      }
      for (let i = pings; i < ws.pings; ++i) ws.send('3');
      ws.autoPong = true;
      let reply;
      do reply = await ws.nextText(); while (reply === '2');  // pings queued meanwhile
      assert.equal(reply, '431["whole"]');
      assert.equal(ws.isOpen, true);
    });

    it('ack with a non-array payload (431{}) → closed', async () => {
      await expectWsClosed(['431{}']);
    });

    it('too many attachments (4511-[...], 11 > 10) → closed', async () => {
      await expectWsClosed([`4511-["echo",${ph(0)}]`]);
    });

    it('zero attachments (450-[...]) → closed', async () => {
      await expectWsClosed(['450-1["echo"]']);
    });

    it('a binary frame nobody waits for → closed', async () => {
      await expectWsClosed([Buffer.from([1, 2, 3])]);
    });

    it('a text frame while attachments are awaited → closed', async () => {
      await expectWsClosed([`451-1["binary_echo",${ph(0)}]`, '421["echo","x"]']);
    });

    it('a placeholder number out of range → closed', async () => {
      await expectWsClosed([`451-1["binary_echo",${ph(5)}]`, Buffer.from([1])]);
    });

    it('binary event with the right attachments is answered (control case)', async () => {
      const { ws } = await h.rawSocketIo(ctx);
      ws.send(`451-7["binary_echo",${ph(0)}]`);
      ws.send(Buffer.from([0xde, 0xad]));
      assert.equal(await ws.nextText(), `461-7[${ph(0)}]`);
      const m = await ws.next();
      assert.deepEqual(m.binary, Buffer.from([0xde, 0xad]));
    });

    it('unknown namespace (40/nope,) → CONNECT_ERROR "Invalid namespace", connection stays usable', async () => {
      const { ws } = await h.rawEngine(ctx);
      ws.send('40/nope,');
      assert.equal(await ws.nextText(), '44/nope,{"message":"Invalid namespace"}');
      ws.send('40');
      assert.match(await ws.nextText(), /^40\{"sid":"[^"]+"\}$/);
      ws.send('421["echo","still"]');
      assert.equal(await ws.nextText(), '431["still"]');
    });

    it('a non-object CONNECT payload (40"str") → closed', async () => {
      const { ws } = await h.rawEngine(ctx);
      ws.send('40"str"');
      assert.deepEqual((await ws.expectClose()).unread, []);
    });

    it('a second CONNECT to the same namespace → closed', async () => {
      await expectWsClosed(['40']);
    });

    it('an event for a namespace that is not connected → closed', async () => {
      await expectWsClosed(['42/admin,1["whoami"]']);
    });

    it('a message of exactly maxPayload bytes is accepted; one byte more → close code 1009', async () => {
      const { ws } = await h.rawSocketIo(ctx);
      const text = 'b'.repeat(MAX - '42["echo",""]'.length);
      ws.send(`42["echo","${text}"]`);
      assert.equal(await ws.nextText(), `42["echo","${text}"]`);
      ws.send(`42["echo","${text}b"]`);
      const closed = await ws.expectClose();
      assert.equal(closed.code, 1009);
      assert.deepEqual(closed.unread, []);
    });
  });

  describe('slow consumer', () => {
    // A separate server: a small send buffer, and a heartbeat too slow to interfere.
    const slow = h.useServer(['--send-buffer', 262144, '--max-payload', 1000000, '--ping-interval', 10000, '--ping-timeout', 10000]);

    it('sb: a client that never reads is disconnected with "send buffer full", others unaffected', h.sbOnly(), async () => {
      const room = `flood-${h.crypto.randomBytes(4).toString('hex')}`;
      const watcher = await slow.connect(h.MODES[0]);
      await h.ask(watcher, 'join', 'watchers');
      const reader = await slow.connect(h.MODES[0]);
      await h.ask(reader, 'join', room);
      const sender = await slow.connect(h.MODES[0]);

      const raw = slow.track(new h.RawTcpWs(slow.port));
      assert.match(await raw.next(), /^0\{/);
      raw.send('40');
      const sid = JSON.parse((await raw.next()).slice(2)).sid;
      raw.send(`421["join",${JSON.stringify(room)}]`);
      assert.equal(await raw.next(), `431[${JSON.stringify([sid, room].sort())}]`);
      raw.pause(); // from now on the kernel buffers fill up, then the server's queue

      const gone = h.disconnectedEvent(watcher, sid, 10000);
      const inbox = new h.Inbox(reader, 'big');
      const chunk = 'z'.repeat(200000);
      const rounds = 60; // 12 MB to the slow client: far past kernel buffers + 256 kB
      for (let i = 0; i < rounds; i++) {
        assert.deepEqual(await h.ask(sender, 'server_to_room', { rooms: room, event: 'big', args: [i, chunk] }), ['ok']);
        await inbox.waitCount(i + 1); // the well-behaved reader keeps up, so its own queue stays small
      }
      assert.deepEqual(await gone, { id: sid, nsp: '/', reason: 'send buffer full' });
      assert.deepEqual(inbox.items.map(([i, c]) => [i, c.length]), Array.from({ length: rounds }, (_, i) => [i, 200000]));
      raw.resume();
      await h.withTimeout(raw.ended, 5000, 'the server to drop the slow connection');
      await h.assertServed(sender, 'sender');
      await h.assertServed(reader, 'reader');
    });
  });
});
