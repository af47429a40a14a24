'use strict';
// Namespaces: /admin auth middleware, multiplexing on one Manager, dynamic /dyn-*, unknown namespaces.
const { describe, it } = require('node:test');
const h = require('./harness');
const { assert } = h;

describe('namespaces', () => {
  const ctx = h.useServer();

  h.forEachMode((mode) => {
    it('/admin refuses a client without a token, with message and data', async () => {
      const err = await ctx.connectError(mode, { nsp: '/admin' });
      assert.equal(err.message, 'not authorized');
      assert.deepEqual(err.data, { code: 'E_AUTH' });
    });

    it('/admin refuses a wrong token', async () => {
      const err = await ctx.connectError(mode, { nsp: '/admin', auth: { token: 'Secret' } });
      assert.equal(err.message, 'not authorized');
      assert.deepEqual(err.data, { code: 'E_AUTH' });
    });

    it('/admin accepts token "secret"', async () => {
      const s = await ctx.connect(mode, { nsp: '/admin', auth: { token: 'secret' } });
      assert.deepEqual(await h.ask1(s, 'whoami'), { nsp: '/admin', id: s.id, auth: { token: 'secret' } });
    });

    it('multiplexes /, /admin and a dynamic namespace on one Manager', async () => {
      const manager = ctx.manager(mode);
      const root = await ctx.connect(mode, { manager, nsp: '/' });
      const admin = await ctx.connect(mode, { manager, nsp: '/admin', auth: { token: 'secret' } });
      const dyn = await ctx.connect(mode, { manager, nsp: '/dyn-7' });
      if (mode.upgrade) await h.waitUpgraded(root);
      for (const s of [root, admin, dyn]) assert.equal(s.io, manager);
      const engineId = manager.engine.id;
      const ids = [root.id, admin.id, dyn.id];
      assert.equal(new Set(ids).size, 3, `socket ids must differ: ${ids}`);
      assert.ok(!ids.includes(engineId));
      const [w1, w2, w3] = await Promise.all([h.ask1(root, 'whoami'), h.ask1(admin, 'whoami'), h.ask1(dyn, 'whoami')]);
      assert.deepEqual(w1, { nsp: '/', id: root.id, auth: {} });
      assert.deepEqual(w2, { nsp: '/admin', id: admin.id, auth: { token: 'secret' } });
      assert.deepEqual(w3, { nsp: '/dyn-7', id: dyn.id, auth: {} });
      assert.equal(manager.engine.id, engineId, 'all three must share one engine session');
    });

    it('a refused namespace does not disturb the others on the same connection', async () => {
      const manager = ctx.manager(mode);
      const root = await ctx.connect(mode, { manager, nsp: '/' });
      const admin = manager.socket('/admin'); // no token; autoConnect opens it
      const [err] = await h.once(admin, 'connect_error');
      assert.equal(err.message, 'not authorized');
      const nope = manager.socket('/nope');
      const [err2] = await h.once(nope, 'connect_error');
      assert.equal(err2.message, 'Invalid namespace');
      await h.assertServed(root, 'the / socket on the same Manager');
    });

    it('connects to a dynamic namespace matching /^\\/dyn-\\w+$/', async () => {
      const s = await ctx.connect(mode, { nsp: '/dyn-abc_42', auth: { k: 'v' } });
      assert.deepEqual(await h.ask1(s, 'whoami'), { nsp: '/dyn-abc_42', id: s.id, auth: { k: 'v' } });
    });

    for (const nsp of ['/nope', '/dyn-', '/dyn-a-b', '/admin/x']) {
      it(`refuses unknown namespace ${nsp} with "Invalid namespace"`, async () => {
        const err = await ctx.connectError(mode, { nsp });
        assert.equal(err.message, 'Invalid namespace');
        assert.equal(err.data, undefined);
      });
    }
  });

  describe('sb: dynamic namespaces are bounded (--max-dynamic-namespaces 3)', h.sbOnly(), () => {
    const small = h.useServer(['--max-dynamic-namespaces', '3']);
    it('past the bound a new name gets "Invalid namespace" with code namespace_limit; existing ones work', async () => {
      const mode = h.MODES[0];
      const made = [];
      for (const n of ['/dyn-1', '/dyn-2', '/dyn-3']) made.push(await small.connect(mode, { nsp: n }));
      const err = await small.connectError(mode, { nsp: '/dyn-4' });
      assert.equal(err.message, 'Invalid namespace');
      assert.deepEqual(err.data, { code: 'namespace_limit' });
      // A namespace that exists is not new: more sockets join it, on every transport.
      for (const m of h.MODES) {
        const s = await small.connect(m, { nsp: '/dyn-2' });
        assert.equal((await h.ask1(s, 'whoami')).nsp, '/dyn-2');
      }
      const root = await small.connect(mode);
      await h.assertServed(root);
    });
  });
});
