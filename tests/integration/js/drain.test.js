'use strict';
// Graceful drain on SIGTERM (sb only: timeout_options::drain). The server refuses new
// sessions at once (503, /healthz too), lets the handlers already running finish (their
// acks still arrive, on every transport), then closes
// every session with "server shutting down": clients see "transport close", the reason on
// which Socket.IO clients reconnect (to another node behind a balancer). A handler that
// outlives the drain deadline does not hold the process.
const { describe, it, afterEach } = require('node:test');
const h = require('./harness');
const { assert } = h;

/** A server of its own per case (each case stops it), and a context for h.connectTo. */
async function serverFor(flags) {
  const server = await h.startServer(flags);
  const tracked = [];
  const ctx = { url: server.url, port: server.port, track: (s) => (tracked.push(s), s) };
  return { server, ctx, tracked };
}

describe('graceful drain', h.sbOnly(), () => {
  let running = [];
  afterEach(async () => {
    for (const { server, tracked } of running.splice(0)) {
      for (const s of tracked) s.close?.();
      if (server.alive()) server.proc.kill('SIGKILL');
    }
  });

  it('SIGTERM: no new sessions, running handlers answer, then every transport hears "transport close"', async () => {
    const run = await serverFor(['--drain-timeout', 3000]);
    running.push(run);
    const { server, ctx } = run;
    const clients = await Promise.all(h.MODES.map((m) => h.connectTo(ctx, m)));
    const reasons = clients.map((s) => h.once(s, 'disconnect', 6000));
    const acks = clients.map((s, i) => s.timeout(6000).emitWithAck('slow', { ms: 800 + 50 * i }));
    await new Promise((r) => setTimeout(r, 100)); // the handlers are running
    const t0 = Date.now();
    server.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    // New sessions belong elsewhere now; polling and sse sessions still send on new
    // connections, so connections are still accepted.
    const refused = await h.request(server.port, { path: '/socket.io/?EIO=4&transport=polling' });
    assert.equal(refused.status, 503);
    assert.deepEqual(JSON.parse(refused.body), { code: 4, message: 'Server shutting down' });
    assert.equal((await h.request(server.port, { path: '/healthz' })).status, 503, '/healthz says draining');
    const stream = await h.request(server.port, { path: '/ticker/sse?symbols=X' });
    assert.equal(stream.status, 503, 'no new EventSource stream either');
    assert.deepEqual(JSON.parse(stream.body), { code: 'shutting_down', message: 'Server shutting down' });
    assert.deepEqual(await Promise.all(acks), clients.map(() => 'done'), 'every running handler answered');
    for (const [i, r] of (await Promise.all(reasons)).entries()) {
      assert.equal(r[0], 'transport close', `${h.MODES[i].name} client was told to reconnect`);
    }
    const exit = await h.withTimeout(server.exited, 5000, 'the server to exit');
    assert.equal(exit.code, 0);
    assert.ok(Date.now() - t0 < 3000, `exited soon after the handlers finished (${Date.now() - t0} ms)`);
  });

  it('a polling session with no GET parked hears the close packet on its next GET, not a reset', async () => {
    // Between two polls (the answer written, the next GET not yet sent) the close packet
    // can only wait for the next GET: the server must not stop before it comes.
    const run = await serverFor(['--drain-timeout', 3000]);
    running.push(run);
    const { server } = run;
    const { sid } = await h.pollingHandshake(server.port);
    const join = await h.request(server.port, { method: 'POST', path: h.pollPath(sid), body: '40' });
    assert.equal(join.body, 'ok');
    assert.match((await h.request(server.port, { path: h.pollPath(sid) })).body, /^40/);
    server.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300)); // no GET parked while the server closes
    const last = await h.request(server.port, { path: h.pollPath(sid) });
    assert.equal(last.status, 200);
    assert.match(last.body, /1$/, `the answer ends with the close packet: ${JSON.stringify(last.body)}`);
    const exit = await h.withTimeout(server.exited, 3000, 'the server to exit');
    assert.equal(exit.code, 0);
  });

  it('a handler that outlives the drain deadline does not hold the process', async () => {
    const run = await serverFor(['--drain-timeout', 500]);
    running.push(run);
    const { server, ctx } = run;
    const s = await h.connectTo(ctx, h.MODES[0]);
    const reason = h.once(s, 'disconnect', 5000);
    s.timeout(10000).emitWithAck('slow', { ms: 8000 }).catch(() => {});
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    server.proc.kill('SIGTERM');
    const exit = await h.withTimeout(server.exited, 4000, 'the server to exit');
    assert.equal(exit.code, 0);
    assert.ok(Date.now() - t0 < 2500, `exited ${Date.now() - t0} ms after SIGTERM (drain 500 ms)`);
    assert.equal((await reason)[0], 'transport close');
    assert.match(server.stderr(), /still running at the drain deadline/);
  });
});
