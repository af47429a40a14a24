'use strict';
// sb::jwt against tokens made by an implementation nobody here wrote: Node's crypto signs
// HS256, RS256 and ES256 (raw r||s, "ieee-p1363"), the server's /jwt namespace verifies them
// in sb::jwt::middleware (sb only: CONTRACT.md). Every refusal is a CONNECT_ERROR with a
// reason and {code: "unauthenticated"}; a bystander on "/" is still served after each case.
const { describe, it, before, afterEach } = require('node:test');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('./harness');
const { assert } = h;

const SECRET = crypto.randomBytes(32).toString('hex');
const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherEc = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-jwt-'));
const rsaPem = path.join(dir, 'rsa.pem');
const ecPem = path.join(dir, 'ec.pem');
fs.writeFileSync(rsaPem, rsa.publicKey.export({ type: 'spki', format: 'pem' }));
fs.writeFileSync(ecPem, ec.publicKey.export({ type: 'spki', format: 'pem' }));

const b64 = (o) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');
function token(alg, claims, key, header = {}) {
  const data = `${b64({ alg, typ: 'JWT', ...header })}.${b64(claims)}`;
  let sig = Buffer.alloc(0);
  if (alg === 'HS256') sig = crypto.createHmac('sha256', key).update(data).digest();
  if (alg === 'RS256') sig = crypto.sign('sha256', Buffer.from(data), key);
  if (alg === 'ES256') sig = crypto.sign('sha256', Buffer.from(data), { key, dsaEncoding: 'ieee-p1363' });
  return `${data}.${sig.toString('base64url')}`;
}
const now = () => Math.floor(Date.now() / 1000);
const good = (extra = {}) => ({ sub: 'alice', iss: 'switchboard-tests', aud: 'sb', exp: now() + 300, role: 'moderator', ...extra });

describe('JWT connect middleware', h.sbOnly(), () => {
  const ctx = h.useServer(['--jwt-secret', SECRET, '--jwt-rs256-pem', rsaPem, '--jwt-es256-pem', ecPem]);
  let bystander;
  before(async () => {
    bystander = await ctx.connect(h.MODES[0]);
  });
  afterEach(async () => h.assertServed(bystander));

  async function refused(tok, reason) {
    const err = await ctx.connectError(h.MODES[0], { nsp: '/jwt', auth: tok === undefined ? {} : { token: tok } });
    assert.equal(err.message, reason);
    assert.deepEqual(err.data, { code: 'unauthenticated' });
  }

  it('HS256, RS256 and ES256 tokens signed by Node connect, on every transport; the claims reach handlers', async () => {
    const tokens = { HS256: token('HS256', good(), SECRET), RS256: token('RS256', good(), rsa.privateKey), ES256: token('ES256', good(), ec.privateKey) };
    for (const [alg, tok] of Object.entries(tokens)) {
      for (const mode of h.MODES) {
        const s = ctx.track(await ctx.connect(mode, { nsp: '/jwt', auth: { token: tok } }));
        const claims = await h.ask1(s, 'claims');
        assert.equal(claims.sub, 'alice', `${alg} on ${mode.name}`);
        assert.equal(claims.role, 'moderator');
        s.close();
      }
    }
  });

  it('expired, not yet valid, or without exp → refused with the reason', async () => {
    await refused(token('HS256', good({ exp: now() - 120 }), SECRET), 'token expired');
    await refused(token('HS256', good({ nbf: now() + 600 }), SECRET), 'token not yet valid');
    const noExp = good();
    delete noExp.exp;
    await refused(token('HS256', noExp, SECRET), 'token has no expiry');
    // Within the 30 s leeway: accepted.
    const s = ctx.track(await ctx.connect(h.MODES[0], { nsp: '/jwt', auth: { token: token('HS256', good({ exp: now() - 5 }), SECRET) } }));
    assert.equal(s.connected, true);
  });

  it('forged: another secret, another key, a tampered payload, alg none, alg confusion → refused', async () => {
    await refused(token('HS256', good(), 'not-the-secret'), 'bad signature');
    await refused(token('ES256', good(), otherEc.privateKey), 'bad signature');
    const [hd, , sig] = token('RS256', good(), rsa.privateKey).split('.');
    await refused(`${hd}.${b64(good({ sub: 'mallory' }))}.${sig}`, 'bad signature');
    await refused(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(good())}.`, 'unsupported algorithm');
    // The RSA public key used as an HMAC secret: the HS256 key is the server's own secret.
    await refused(token('HS256', good(), rsa.publicKey.export({ type: 'spki', format: 'pem' })), 'bad signature');
    await refused(token('PS256', good(), SECRET), 'unsupported algorithm');
  });

  it('wrong issuer or audience, garbage, no token → refused with the reason', async () => {
    await refused(token('HS256', good({ iss: 'someone-else' }), SECRET), 'wrong issuer');
    await refused(token('HS256', good({ aud: ['x', 'y'] }), SECRET), 'wrong audience');
    const s = ctx.track(await ctx.connect(h.MODES[0], { nsp: '/jwt', auth: { token: token('HS256', good({ aud: ['x', 'sb'] }), SECRET) } }));
    assert.equal(s.connected, true, 'aud may be an array holding ours');
    await refused('not.a.jwt!', 'malformed token');
    await refused('onlyonepart', 'malformed token');
    await refused('x'.repeat(9000), 'token too large');
    await refused(undefined, 'no token');
  });
});
