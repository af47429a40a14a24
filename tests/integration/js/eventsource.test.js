'use strict';
// Plain EventSource endpoints and room histories (sb only: Socket.IO has neither).
// The server's /ticker namespace (CONTRACT.md): GET /ticker/sse?symbols=A,B joins
// sym:A, sym:B and market; GET /ticker/history?room=..&after=<id> answers at once.
// Clients: the npm `eventsource` package (what a browser's EventSource does, in Node), a
// raw HTTP reader for the exact bytes, and socket.io-client to publish.
const { describe, it, before } = require('node:test');
const http = require('node:http');
const path = require('node:path');
const h = require('./harness');
const { assert } = h;

const { EventSource } = require(path.join(__dirname, '..', '..', '..', 'node_modules', 'eventsource'));

const uniq = (p) => `${p}${h.crypto.randomBytes(3).toString('hex').toUpperCase()}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ID = /^[0-9a-z]+:\d+$/;

/** A raw SSE reader: exact headers, `retry`, comments and events as the server framed them. */
function openStream(port, p, headers = {}) {
  const s = { events: [], comments: 0, retry: null, raw: '', waiters: [], ended: false };
  const wake = () => {
    for (const w of s.waiters.splice(0)) w();
  };
  s.response = h.withTimeout(
    new Promise((resolve, reject) => {
      s.req = http.get({ host: '127.0.0.1', port, path: p, headers, agent: false }, (res) => {
        s.status = res.statusCode;
        s.headers = res.headers;
        res.setEncoding('utf8');
        let buf = '';
        let cur = {};
        res.on('data', (d) => {
          s.raw += d;
          buf += d;
          let nl;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            if (line === '') {
              if (cur.data !== undefined) s.events.push({ event: cur.event || 'message', id: cur.id, data: cur.data });
              cur = {};
            } else if (line[0] === ':') s.comments++;
            else {
              const c = line.indexOf(':');
              const field = line.slice(0, c);
              const value = line.slice(c + 2);
              if (field === 'data') cur.data = cur.data === undefined ? value : `${cur.data}\n${value}`;
              else if (field === 'retry') s.retry = Number(value);
              else cur[field] = value;
            }
          }
          wake();
        });
        res.on('end', () => {
          s.ended = true;
          wake();
        });
        res.on('error', () => {});
        resolve(res);
      });
      s.req.on('error', reject);
    }),
    h.WAIT,
    `GET ${p}`,
  );
  s.until = (cond, ms = h.WAIT, what = 'stream condition') =>
    h.withTimeout(
      new Promise((resolve) => {
        const check = () => (cond() ? resolve() : s.waiters.push(check));
        check();
      }),
      ms,
      what,
    );
  s.waitEvents = (n, ms) => s.until(() => s.events.length >= n, ms, `${n} events (have ${s.events.length})`);
  s.close = () => s.req.destroy();
  return s;
}

function getJson(port, p) {
  return h.request(port, { path: p }).then((r) => ({ ...r, json: r.body ? JSON.parse(r.body) : undefined }));
}

describe('EventSource endpoints and room history', { skip: h.IS_NODE && 'sb only: no EventSource endpoint in Socket.IO' }, () => {
  const ctx = h.useServer();
  let pub;
  const publish = (spec) => h.ask(pub, 'publish', spec);
  const track = (es) => {
    ctx.track({ close: () => es.close() });
    return es;
  };
  const opened = (es) =>
    h.withTimeout(new Promise((resolve) => es.addEventListener('open', resolve, { once: true })), h.WAIT, 'open');

  before(async () => {
    pub = await ctx.connect(h.MODES[0], { nsp: '/ticker' }); // closed after the file
  });

  it('answers with an event stream: headers, retry, heartbeats', async () => {
    const s = ctx.track(openStream(ctx.port, '/ticker/sse?symbols=AAPL'));
    await s.response;
    assert.equal(s.status, 200);
    assert.equal(s.headers['content-type'], 'text/event-stream');
    assert.equal(s.headers['cache-control'], 'no-store');
    assert.equal(s.headers['x-accel-buffering'], 'no');
    await s.until(() => s.retry !== null);
    assert.equal(s.retry, 300);
    assert.ok(s.raw.startsWith('retry: 300\n\n'), JSON.stringify(s.raw));
    await s.until(() => s.comments >= 1, 2500, 'a heartbeat comment (ping interval 1 s)');
  });

  it('a bare EventSource receives its rooms\' events: event, id (resumable), data', async () => {
    const sym = uniq('S');
    const es = track(new EventSource(`${ctx.url}/ticker/sse?symbols=${sym}`));
    const got = [];
    for (const name of ['quote', 'note']) es.addEventListener(name, (e) => got.push({ name, id: e.lastEventId, data: JSON.parse(e.data) }));
    await opened(es);
    await publish({ event: 'quote', rooms: [`sym:${sym}`], data: { symbol: sym, bid: 1 }, resumable: true });
    await publish({ event: 'quote', rooms: ['sym:OTHER'], data: { symbol: 'OTHER' }, resumable: true });
    await publish({ event: 'note', rooms: [`sym:${sym}`], data: 'plain' });
    await h.withTimeout((async () => { while (got.length < 2) await sleep(5); })(), h.WAIT, 'two events');
    assert.equal(got[0].name, 'quote');
    assert.match(got[0].id, ID);
    assert.deepEqual(got[0].data, { symbol: sym, bid: 1 });
    assert.equal(got[1].name, 'note');
    assert.ok(got[1].id === '' || got[1].id === got[0].id, 'a non-resumable event carries no id of its own');
    assert.equal(got[1].data, 'plain');
  });

  it('Last-Event-ID replays what came after it, in order, conflated newest per key', async () => {
    const sym = uniq('R');
    const room = `sym:${sym}`;
    await publish({ event: 'trade', rooms: [room], data: { n: 0 }, resumable: true });
    const first = (await getJson(ctx.port, `/ticker/history?room=${room}`)).json;
    assert.equal(first.events.length, 1);
    const from = first.events[0].id;
    await publish({ event: 'quote', rooms: [room], data: { q: 1 }, resumable: true, conflate: sym });
    await publish({ event: 'trade', rooms: [room], data: { n: 1 }, resumable: true });
    await publish({ event: 'quote', rooms: [room], data: { q: 2 }, resumable: true, conflate: sym });
    await publish({ event: 'trade', rooms: [room], data: { n: 2 }, resumable: true });
    await publish({ event: 'quote', rooms: [room], data: { q: 3 }, resumable: true, conflate: sym });
    await publish({ event: 'status', rooms: ['market'], data: { s: sym }, resumable: true, conflate: 'status' });
    const s = ctx.track(openStream(ctx.port, `/ticker/sse?symbols=${sym}`, { 'Last-Event-ID': from }));
    await s.waitEvents(4);
    await sleep(100);
    const mine = s.events.filter((e) => e.event !== 'status');
    assert.deepEqual(
      mine.map((e) => [e.event, JSON.parse(e.data)]),
      [['trade', { n: 1 }], ['trade', { n: 2 }], ['quote', { q: 3 }]],
    );
    const ids = s.events.map((e) => Number(e.id.split(':')[1]));
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'ids increase');
    assert.ok(s.events.every((e) => ID.test(e.id)));
    assert.ok(s.events.some((e) => e.event === 'status' && JSON.parse(e.data).s === sym), 'market history too');
  });

  it('a forced drop mid-stream: the EventSource resumes with no gap and no duplicate', async () => {
    const sym = uniq('D');
    const room = `sym:${sym}`;
    const es = track(new EventSource(`${ctx.url}/ticker/sse?symbols=${sym}`));
    const got = [];
    let opens = 0;
    es.addEventListener('open', () => opens++);
    es.addEventListener('tick', (e) => got.push(JSON.parse(e.data)));
    await opened(es);
    const N = 60;
    for (let i = 0; i < N; i++) {
      await publish({ event: 'tick', rooms: [room], data: i, resumable: true });
      if (i === 40) {
        await h.withTimeout((async () => { while (opens < 2) await sleep(10); })(), h.WAIT, 'the first reconnection');
      }
      if (i === 20 || i === 40) {
        // The server ends the stream; the EventSource reconnects with Last-Event-ID
        // (retry 300 ms) while the publisher carries on.
        await h.ask(pub, 'kick', { room });
      }
      if (i % 5 === 0) await sleep(10);
    }
    await h.withTimeout((async () => { while (got.length < N) await sleep(10); })(), 8000, `${N} ticks (have ${got.length})`);
    await sleep(200);
    assert.deepEqual(got, Array.from({ length: N }, (_, i) => i));
    assert.ok(opens >= 3, `reconnected twice (opens: ${opens})`);
  });

  it('an id from another epoch, or older than the history keeps, gets a resync event', async () => {
    const s1 = ctx.track(openStream(ctx.port, '/ticker/sse?symbols=AAPL', { 'Last-Event-ID': 'zzzz:5' }));
    await s1.waitEvents(1);
    assert.equal(s1.events[0].event, 'resync');
    assert.match(s1.events[0].id, ID);
    assert.deepEqual(JSON.parse(s1.events[0].data), { reason: 'unknown epoch' });

    const tiny = uniq('t');
    for (let i = 0; i < 6; i++) await publish({ event: 'tick', rooms: [`tiny:${tiny}`], data: i, resumable: true });
    const hist = (await getJson(ctx.port, `/ticker/history?room=tiny:${tiny}`)).json;
    assert.deepEqual(hist.events.map((e) => e.data), [3, 4, 5], 'capacity 3');
    const epoch = hist.last_id.split(':')[0];
    const old = `${epoch}:${Number(hist.events[0].id.split(':')[1]) - 2}`;
    const s2 = ctx.track(openStream(ctx.port, `/ticker/sse?tiny=${tiny}`, { 'Last-Event-ID': old }));
    await s2.waitEvents(1);
    assert.equal(s2.events[0].event, 'resync');
    assert.deepEqual(JSON.parse(s2.events[0].data), { reason: 'too old' });
    const s3 = ctx.track(openStream(ctx.port, '/ticker/sse', { 'Last-Event-ID': `${epoch}:99999999` }));
    await s3.waitEvents(1);
    assert.equal(s3.events[0].event, 'resync', 'an id from the future');
  });

  it('a replay bigger than the send bound is a resync ("too far behind"), and the stream goes live', h.sbOnly(), async () => {
    // 300 events of ~5 KB in a room that keeps 1024: 1.5 MB to replay, past the test
    // server's 1 MB send bound. One request must not pin that much.
    const sym = `BIG${Date.now() % 100000}`;
    const first = ctx.track(openStream(ctx.port, `/ticker/sse?symbols=${sym}`));
    await first.response;
    await publish({ event: 'tick', rooms: [`sym:${sym}`], data: { n: -1 }, resumable: true });
    await first.waitEvents(1);
    const from = first.events[0].id;
    await publish({ event: 'tick', rooms: [`sym:${sym}`], data: { pad: 'x'.repeat(5000) }, resumable: true, repeat: 300 });
    const s = ctx.track(openStream(ctx.port, `/ticker/sse?symbols=${sym}`, { 'Last-Event-ID': from }));
    await s.waitEvents(1);
    assert.equal(s.events[0].event, 'resync');
    assert.deepEqual(JSON.parse(s.events[0].data), { reason: 'too far behind' });
    await publish({ event: 'tick', rooms: [`sym:${sym}`], data: { live: true }, resumable: true });
    await s.waitEvents(2);
    assert.deepEqual(JSON.parse(s.events[1].data), { live: true }, 'live events follow the resync');
    // A small gap is still replayed event by event.
    const s2 = ctx.track(openStream(ctx.port, `/ticker/sse?symbols=${sym}`, { 'Last-Event-ID': s.events[1].id }));
    await publish({ event: 'tick', rooms: [`sym:${sym}`], data: { after: 1 }, resumable: true });
    await s2.waitEvents(1);
    assert.notEqual(s2.events[0].event, 'resync');
  });

  it('bad input: garbage Last-Event-ID 400, bad handshake 400, middleware 403, unknown namespace 404', async () => {
    for (const bad of ['garbage', ':', 'abc:', 'ABC:1', 'a:1x', 'a:-1']) {
      const r = await h.request(ctx.port, { path: '/ticker/sse?symbols=AAPL', headers: { 'Last-Event-ID': bad } });
      assert.equal(r.status, 400, bad);
      assert.equal(JSON.parse(r.body).code, 'bad_last_event_id');
    }
    const hs = await h.request(ctx.port, { path: '/ticker/sse?symbols=aapl' });
    assert.equal(hs.status, 400);
    assert.deepEqual(JSON.parse(hs.body), { code: 'bad_handshake', message: 'bad symbol', data: { symbol: 'aapl' } });
    const mw = await h.request(ctx.port, { path: '/ticker/sse?deny=1' });
    assert.equal(mw.status, 403);
    assert.deepEqual(JSON.parse(mw.body), { code: 'forbidden', message: 'denied', data: { code: 'E_DENIED' } });
    assert.equal((await h.request(ctx.port, { path: '/nope/sse' })).status, 404);
    assert.equal((await h.request(ctx.port, { path: '/sse' })).status, 404, '/ has no EventSource endpoint');
    assert.equal((await h.request(ctx.port, { path: '/nope/history?room=x' })).status, 404);
    // The server is fine afterwards.
    assert.deepEqual(await h.ask(pub, 'rooms'), [[pub.id, 'market'].sort()]);
  });

  it('short polling: GET /<ns>/history?room=..&after=<id> answers at once', async () => {
    const room = `sym:${uniq('H')}`;
    const empty = await getJson(ctx.port, `/ticker/history?room=${room}`);
    assert.equal(empty.status, 200);
    assert.equal(empty.headers['content-type'], 'application/json');
    assert.equal(empty.headers['cache-control'], 'no-store');
    assert.deepEqual(empty.json.events, []);
    assert.equal(empty.json.resync, false);
    for (let i = 0; i < 4; i++) await publish({ event: 'tick', rooms: [room], data: { i }, resumable: true });
    await publish({ event: 'tick', rooms: [room], data: { i: 'not kept' } }); // not resumable
    const all = (await getJson(ctx.port, `/ticker/history?room=${encodeURIComponent(room)}`)).json;
    assert.deepEqual(all.events.map((e) => e.data), [{ i: 0 }, { i: 1 }, { i: 2 }, { i: 3 }]);
    assert.ok(all.events.every((e) => e.event === 'tick' && ID.test(e.id)));
    assert.equal(all.last_id, all.events[3].id);
    const after = (await getJson(ctx.port, `/ticker/history?room=${room}&after=${all.events[1].id}`)).json;
    assert.deepEqual(after.events.map((e) => e.data), [{ i: 2 }, { i: 3 }]);
    const none = (await getJson(ctx.port, `/ticker/history?room=${room}&after=${all.last_id}`)).json;
    assert.deepEqual(none.events, []);
    const other = (await getJson(ctx.port, `/ticker/history?room=${room}&after=zzzz:1`)).json;
    assert.equal(other.resync, true);
    assert.equal(other.events.length, 4, 'a resync answer carries what is kept');

    const bad = await getJson(ctx.port, `/ticker/history?room=${room}&after=nonsense`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.code, 'bad_after');
    assert.equal((await getJson(ctx.port, '/ticker/history')).status, 400, 'room is required');
    assert.equal((await getJson(ctx.port, '/ticker/history?room=nohistory')).status, 404);
  });

  it('conflation: a slow EventSource gets only the newest queued copy per key', async () => {
    // A subscriber that does not read: its queued frames for one key are replaced.
    const sym = uniq('C');
    const s = openStream(ctx.port, `/ticker/sse?symbols=${sym}`);
    ctx.track(s);
    await s.response;
    await s.until(() => s.retry !== null);
    for (let i = 0; i < 200; i++) {
      await publish({ event: 'quote', rooms: [`sym:${sym}`], data: { i, pad: 'x'.repeat(200) }, conflate: sym });
    }
    await sleep(200);
    const quotes = s.events.filter((e) => e.event === 'quote').map((e) => JSON.parse(e.data).i);
    assert.equal(quotes[quotes.length - 1], 199, 'the newest arrives');
    assert.deepEqual(quotes, [...quotes].sort((a, b) => a - b), 'in order');
  });
});
