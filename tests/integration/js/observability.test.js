'use strict';
// The logging hook and protected metrics (sb only: server_options::log, metrics_token).
// A handler that throws: the client gets "internal error" and nothing of the exception;
// the operator gets a record with level, component, socket id and namespace. /metrics
// with a token answers 401 without it.
const { describe, it, before, afterEach } = require('node:test');
const h = require('./harness');
const { assert } = h;

describe('logging hook and protected metrics', h.sbOnly(), () => {
  const ctx = h.useServer(['--log-json', 1, '--metrics-token', 's3cret']);
  let bystanders = [];
  before(async () => {
    bystanders = await Promise.all(h.MODES.map((m) => ctx.connect(m)));
  });
  afterEach(async () => {
    for (let i = 0; i < bystanders.length; i++) await h.assertServed(bystanders[i], `${h.MODES[i].name} bystander`);
  });

  const records = () => ctx.server.stderr().split('\n').filter((l) => l.startsWith('LOG ')).map((l) => JSON.parse(l.slice(4)));

  it('a handler that throws: the client sees "internal error", the log hook sees who and why', async () => {
    for (const [i, mode] of h.MODES.entries()) {
      const s = bystanders[i];
      const [reply] = await h.ask(s, 'fail');
      assert.deepEqual(reply, { error: { code: 'internal', message: 'internal error' } }, mode.name);
      assert.ok(!JSON.stringify(reply).includes('on purpose'), 'the exception text stays on the server');
      const deadline = Date.now() + h.WAIT;
      let rec;
      while (!(rec = records().find((r) => r.socket_id === s.id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.ok(rec, `a log record for ${s.id}`);
      assert.deepEqual({ level: rec.level, component: rec.component, nsp: rec.nsp }, { level: 'error', component: 'handler', nsp: '/' });
      assert.match(rec.message, /the handler failed on purpose/);
    }
  });

  it('/metrics needs the bearer token', async () => {
    const none = await h.request(ctx.port, { path: '/metrics' });
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer');
    assert.ok(!none.body.includes('switchboard_'), 'no metric leaks in the refusal');
    const wrong = await h.request(ctx.port, { path: '/metrics', headers: { authorization: 'Bearer s3cre' } });
    assert.equal(wrong.status, 401);
    const ok = await h.request(ctx.port, { path: '/metrics', headers: { authorization: 'Bearer s3cret' } });
    assert.equal(ok.status, 200);
    assert.match(ok.body, /^switchboard_sessions_opened_total \d+$/m);
  });
});
