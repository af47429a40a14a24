'use strict';
// Plain Engine.IO (CONTRACT.md, "/engine.io/") with the official engine.io-client: no
// Socket.IO on top. Text and binary messages both ways, on websocket, polling and
// polling→websocket, a server-side close, and the Socket.IO path still served meanwhile.
const { describe, it } = require('node:test');
const { Socket } = require('engine.io-client');
const h = require('./harness');
const { assert } = h;

const MODES = [
  { name: 'websocket', opts: { transports: ['websocket'] }, final: 'websocket' },
  { name: 'polling', opts: { transports: ['polling'] }, final: 'polling' },
  { name: 'upgrade', opts: { transports: ['polling', 'websocket'] }, final: 'websocket' },
];

describe('plain Engine.IO', () => {
  const ctx = h.useServer();

  function open(mode) {
    const s = new Socket(`ws://127.0.0.1:${ctx.port}`, { path: '/engine.io/', ...mode.opts });
    ctx.track(s);
    const inbox = [];
    const waiters = [];
    s.on('message', (m) => { inbox.push(m); while (waiters.length) waiters.shift()(); });
    s.next = async () => {
      while (!inbox.length) await h.withTimeout(new Promise((r) => waiters.push(r)), h.WAIT, 'an Engine.IO message');
      return inbox.shift();
    };
    return s;
  }

  for (const mode of MODES) {
    describe(`[${mode.name}]`, () => {
      it('opens, says hello, echoes text and binary, reports its transport', async () => {
        const s = open(mode);
        const upgraded = mode.name === 'upgrade' ? h.once(s, 'upgrade') : null;
        await h.once(s, 'open');
        assert.equal(typeof s.id, 'string');
        assert.equal(await s.next(), 'hello');
        if (upgraded) await upgraded;
        s.send('héllo wörld');
        assert.equal(await s.next(), 'héllo wörld');
        s.send(Uint8Array.from([0, 1, 2, 255]));
        const bin = await s.next();
        assert.ok(typeof bin !== 'string', 'a binary message comes back binary');
        assert.deepEqual([...new Uint8Array(bin)], [0, 1, 2, 255]);
        s.send('transport');
        assert.equal(await s.next(), mode.final);
      });

      it('a server-side close reaches the client, and Socket.IO is served meanwhile', async () => {
        const s = open(mode);
        await h.once(s, 'open');
        assert.equal(await s.next(), 'hello');
        const closed = h.once(s, 'close');
        s.send('close-me');
        await closed;
        const sio = await ctx.connect(h.MODES[0]);
        await h.assertServed(sio);
      });
    });
  }

  it('a Socket.IO client on /engine.io/ gets no Socket.IO connection', async () => {
    const s = h.io(ctx.url, { path: '/engine.io/', transports: ['websocket'], reconnection: false });
    ctx.track(s);
    // The Engine.IO session opens, but nobody answers its CONNECT packet.
    let connected = false;
    s.on('connect', () => { connected = true; });
    await h.once(s.io.engine, 'open');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(connected, false);
  });
});
