'use strict';
// The `sse` transport on the wire (docs/protocol.md "The `sse` transport"): raw streams and POSTs,
// bad input, and the sse→websocket upgrade step by step. The behaviours a handler can see
// run over sse in every other file (harness MODES); this one pins the bytes. Switchboard only:
// the Node reference has no sse transport.
const { describe, it, before, afterEach } = require('node:test');
const h = require('./harness');
const { assert } = h;

const MAX = 100000; // --max-payload

describe('sse transport', h.sbOnly(), () => {
  if (h.IS_NODE) return;
  const ctx = h.useServer(['--max-payload', MAX]);
  let bystanders = [];
  let watcher;
  before(async () => {
    watcher = await ctx.connect(h.MODES[0]);
    await h.ask(watcher, 'join', 'watchers');
    bystanders = await Promise.all(h.MODES.filter((m) => m.start === 'sse').map((m) => ctx.connect(m)));
  });
  afterEach(async () => {
    for (const b of bystanders) await h.assertServed(b, 'sse bystander');
    await h.assertServed(watcher, 'the watcher');
  });

  const json = (r) => ({ status: r.status, type: r.headers['content-type'], body: JSON.parse(r.body) });
  const engineError = (code, message) => ({ status: 400, type: 'application/json', body: { code, message } });
  const post = async (sid, body, expect = [200, 'ok']) => {
    const r = await h.request(ctx.port, { method: 'POST', path: h.ssePath(sid), body });
    if (expect) assert.deepEqual([r.status, r.body], expect, `POST ${JSON.stringify(body).slice(0, 60)}`);
    return r;
  };

  /** A raw sse session connected to '/'. Resolves {stream, sid, id} (id: the socket id). */
  async function sseSocketIo() {
    const { stream, sid } = await h.rawSse(ctx);
    await post(sid, '40');
    const reply = await stream.next();
    assert.match(reply, /^40\{"sid":"[^"]+"\}$/);
    return { stream, sid, id: JSON.parse(reply.slice(2)).sid };
  }

  it('handshake: 200 text/event-stream, no-store, X-Accel-Buffering: no; first event the open packet', async () => {
    const stream = ctx.track(new h.RawSse(ctx.port));
    const r = await stream.opened;
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/event-stream');
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.equal(r.headers['x-accel-buffering'], 'no');
    const first = await stream.next();
    assert.ok(stream.raw.startsWith(`data: ${first}\n\n`), `exact framing: ${JSON.stringify(stream.raw)}`);
    const open = JSON.parse(first.slice(1));
    assert.equal(first[0], '0');
    assert.equal(typeof open.sid, 'string');
    assert.deepEqual(
      { upgrades: open.upgrades, pingInterval: open.pingInterval, pingTimeout: open.pingTimeout, maxPayload: open.maxPayload },
      { upgrades: ['websocket'], pingInterval: 1000, pingTimeout: 500, maxPayload: MAX },
    );
  });

  it('a session over POSTs and one stream: connect, echo, heartbeat', async () => {
    const { stream, sid } = await sseSocketIo();
    await post(sid, '42["echo","a\\nb",1]');
    assert.equal(await stream.next(), '42["echo","a\\nb",1]');
    // The server pings on the stream; a POSTed pong keeps the session.
    assert.equal(await stream.next(2000), '2');
    await post(sid, '3');
    await post(sid, '42["echo","still"]');
    assert.equal(await stream.next(), '42["echo","still"]');
  });

  it('binary goes down as b<base64>, one packet per event', async () => {
    const { stream, sid } = await sseSocketIo();
    await post(sid, '451-7["binary_echo",{"_placeholder":true,"num":0}]\x1ebAQID/w==');
    assert.equal(await stream.next(), '461-7[{"_placeholder":true,"num":0}]');
    assert.equal(await stream.next(), 'bAQID/w==');
  });

  it('POST without a session → 400 code 1; a POST handshake → 400 code 2', async () => {
    assert.deepEqual(json(await post('nope', '40', null)), engineError(1, 'Session ID unknown'));
    assert.deepEqual(json(await post('', '40', null)), engineError(2, 'Bad handshake method'));
    assert.deepEqual(
      json(await h.request(ctx.port, { path: h.ssePath('nope') })),
      engineError(1, 'Session ID unknown'),
    );
  });

  it('a second stream for one sid → 400; the first gets "1" and ends; the session is gone', async () => {
    const { stream, sid, id } = await sseSocketIo();
    const recorded = h.disconnectedEvent(watcher, id);
    const second = ctx.track(new h.RawSse(ctx.port, h.ssePath(sid)));
    const r = await second.opened;
    assert.equal(r.status, 400);
    assert.deepEqual(await stream.expectEnd(), ['1']);
    assert.equal((await recorded).reason, 'transport error');
    assert.deepEqual(json(await post(sid, '3', null)), engineError(1, 'Session ID unknown'));
  });

  it('a POST of exactly maxPayload bytes is accepted; one byte more → 413; the session stays', async () => {
    const { stream, sid } = await sseSocketIo();
    const text = 'a'.repeat(MAX - '42["echo",""]'.length);
    await post(sid, `42["echo","${text}"]`);
    assert.equal(await stream.next(), `42["echo","${text}"]`);
    const over = await post(sid, `42["echo","${text}a"]`, null);
    assert.equal(over.status, 413);
    await post(sid, '42["echo","after"]');
    assert.equal(await stream.next(), '42["echo","after"]');
  });

  it('a malformed packet in a POST → 200 ok, "1" on the stream, session gone', async () => {
    const { stream, sid } = await sseSocketIo();
    await post(sid, 'x');
    assert.deepEqual(await stream.expectEnd(), ['1']);
    assert.deepEqual(json(await post(sid, '3', null)), engineError(1, 'Session ID unknown'));
  });

  it('the client dropping the stream → "transport close"', async () => {
    const { stream, id } = await sseSocketIo();
    const recorded = h.disconnectedEvent(watcher, id);
    stream.close();
    assert.equal((await recorded).reason, 'transport close');
  });

  it('upgrade: "3probe" on the websocket, "6" on the stream; a POST while upgrading is served; after "5" the stream ends and sse requests get 400', async () => {
    const { stream, sid } = await sseSocketIo();
    const ws = ctx.track(new h.RawWs(`ws://127.0.0.1:${ctx.port}/socket.io/?EIO=4&transport=websocket&sid=${sid}`));
    await ws.opened;
    ws.send('2probe');
    assert.equal(await ws.nextText(), '3probe');
    assert.equal(await stream.next(), '6');
    // While upgrading the client may still flush a POST; what it causes waits for the websocket.
    await post(sid, '42["echo","during"]');
    ws.send('5');
    assert.equal(await ws.nextText(), '42["echo","during"]');
    assert.deepEqual(await stream.expectEnd(), [], 'nothing after the noop on the stream');
    assert.deepEqual(json(await post(sid, '3', null)), engineError(3, 'Bad request'));
    assert.deepEqual(json(await h.request(ctx.port, { path: h.ssePath(sid) })), engineError(3, 'Bad request'));
    ws.send('42["echo","on ws"]');
    assert.equal(await ws.nextText(), '42["echo","on ws"]');
  });

  it('upgrade: a probe that dies after "3probe" → the stream resumes with what was queued', async () => {
    const { stream, sid } = await sseSocketIo();
    const ws = ctx.track(new h.RawWs(`ws://127.0.0.1:${ctx.port}/socket.io/?EIO=4&transport=websocket&sid=${sid}`));
    await ws.opened;
    ws.send('2probe');
    assert.equal(await ws.nextText(), '3probe');
    assert.equal(await stream.next(), '6');
    await post(sid, '42["echo","held"]');
    ws.terminate();
    let e;
    do e = await stream.next(); while (e === '2' && (await post(sid, '3')));
    assert.equal(e, '42["echo","held"]');
    await post(sid, '42["echo","again"]');
    do e = await stream.next(); while (e === '2' && (await post(sid, '3')));
    assert.equal(e, '42["echo","again"]');
  });

  it('upgrade: the client may drop the stream after the noop; "5" completes the upgrade', async () => {
    const { stream, sid, id } = await sseSocketIo();
    const ws = ctx.track(new h.RawWs(`ws://127.0.0.1:${ctx.port}/socket.io/?EIO=4&transport=websocket&sid=${sid}`));
    await ws.opened;
    ws.send('2probe');
    assert.equal(await ws.nextText(), '3probe');
    assert.equal(await stream.next(), '6');
    stream.close();
    await stream.ended;
    await post(sid, '42["echo","queued"]');
    ws.send('5');
    assert.equal(await ws.nextText(), '42["echo","queued"]');
    ws.send('42["rooms"]'); // no ack id: ignored, but it must not close anything
    ws.send('421["whoami"]');
    assert.match(await ws.nextText(), new RegExp(`^431\\[\\{"nsp":"/","id":"${id}"`));
  });

  it('CR: a raw CR in a POSTed packet (JSON whitespace) is read; no raw CR goes down the stream', async () => {
    const { stream, sid } = await sseSocketIo();
    await post(sid, '42["echo",\r"a\\rb\\r\\nc"]');
    assert.equal(await stream.next(), '42["echo","a\\rb\\r\\nc"]');
    assert.ok(!stream.raw.includes('\r'), 'a raw CR on the stream');
  });

  it('CR and LF in event arguments survive the round trip with the client transport', async () => {
    const s = await ctx.connect(h.MODES.find((m) => m.name === 'sse'));
    const tricky = ['a\rb', 'c\r\nd', 'e\nf', '\r', '\n\n', 'data: x\n\nid: 1\r'];
    assert.deepEqual(await h.ask(s, 'echo', ...tricky), tricky);
    const inbox = new h.Inbox(s, 'echo');
    s.emit('echo', ...tricky);
    assert.deepEqual(await inbox.next(), tricky);
  });
});

describe('sse slow consumer', h.sbOnly(), () => {
  if (h.IS_NODE) return;
  // A separate server: a small send buffer, and a heartbeat too slow to interfere.
  const slow = h.useServer(['--send-buffer', 262144, '--max-payload', 1000000, '--ping-interval', 10000, '--ping-timeout', 10000]);

  it('a stream that is not read is closed with "send buffer full", others unaffected', async () => {
    const room = `flood-${h.crypto.randomBytes(4).toString('hex')}`;
    const watcher = await slow.connect(h.MODES[0]);
    await h.ask(watcher, 'join', 'watchers');
    const reader = await slow.connect(h.MODES.find((m) => m.name === 'sse'));
    await h.ask(reader, 'join', room);
    const sender = await slow.connect(h.MODES[0]);

    const { stream, sid: engineSid } = await h.rawSse(slow);
    const postTo = (body) => h.request(slow.port, { method: 'POST', path: h.ssePath(engineSid), body });
    assert.equal((await postTo('40')).status, 200);
    const sid = JSON.parse((await stream.next()).slice(2)).sid;
    assert.equal((await postTo(`421["join",${JSON.stringify(room)}]`)).status, 200);
    assert.equal(await stream.next(), `431[${JSON.stringify([sid, room].sort())}]`);
    stream.pause();

    const gone = h.disconnectedEvent(watcher, sid, 10000);
    const inbox = new h.Inbox(reader, 'big');
    const chunk = 'z'.repeat(200000);
    const rounds = 60;
    for (let i = 0; i < rounds; i++) {
      assert.deepEqual(await h.ask(sender, 'server_to_room', { rooms: room, event: 'big', args: [i, chunk] }), ['ok']);
      await inbox.waitCount(i + 1);
    }
    assert.deepEqual(await gone, { id: sid, nsp: '/', reason: 'send buffer full' });
    assert.deepEqual(inbox.items.map(([i, c]) => [i, c.length]), Array.from({ length: rounds }, (_, i) => [i, 200000]));
    stream.resume();
    await h.withTimeout(stream.ended, 8000, 'the server to end the slow stream');
    await h.assertServed(sender, 'sender');
    await h.assertServed(reader, 'reader');
  });
});
