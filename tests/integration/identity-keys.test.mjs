// Identity: signing keys — ES256 by default with RFC 7638 kids and a JWKS, rotation through
// `lgvo-api keys rotate` picked up by a running server, `keys list`, RS256, HS256 only when
// configured explicitly, key files, and the access-token lifetime.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer, createDatabase, runCommand, req, expectStatus, waitFor } from './lib/harness.mjs';
import {
  createClient, clientToken, decodeJwt, verifyWithJwk, thumbprint, signJwt, claims, generateKeyFile, expectInvalidToken,
} from './lib/auth.mjs';

const jwks = async (srv) => expectStatus(await req(srv, 'GET', '/.well-known/jwks.json'), 200).json;
const me = (srv, token) => req(srv, 'GET', '/api/v1/auth/me', { token });

describe('ES256 (default) and rotation', () => {
  let srv, db, client;
  before(async () => {
    db = createDatabase();
    client = await createClient(db, { principal: 'boxholm', role: 'reader' });
    srv = await startServer({ db });
  });
  after(async () => { await srv.stop(); });

  test('the JWKS publishes one P-256 key whose kid is its RFC 7638 thumbprint, and tokens verify with it', async () => {
    const doc = await jwks(srv);
    assert.equal(doc.keys.length, 1);
    const [k] = doc.keys;
    assert.deepEqual([k.kty, k.crv, k.alg, k.use], ['EC', 'P-256', 'ES256', 'sig']);
    assert.ok(!('d' in k));
    assert.equal(k.kid, thumbprint(k));
    const { access_token } = await clientToken(srv, client.client_id, client.client_secret);
    assert.equal(decodeJwt(access_token).header.kid, k.kid);
    assert.equal(decodeJwt(access_token).header.alg, 'ES256');
    assert.ok(verifyWithJwk(access_token, k));
  });

  test('keys rotate: new tokens carry the new kid within 5 s, old tokens stay valid; keys list shows both', async () => {
    const oldToken = (await clientToken(srv, client.client_id, client.client_secret)).access_token;
    const oldKid = decodeJwt(oldToken).header.kid;
    const out = await runCommand(['keys', 'rotate'], { db });
    assert.equal(out.code, 0, out.stderr);
    const rotated = JSON.parse(out.stdout);
    assert.equal(rotated.algorithm, 'ES256');
    assert.notEqual(rotated.kid, oldKid);
    const newToken = await waitFor(async () => {
      const t = (await clientToken(srv, client.client_id, client.client_secret)).access_token;
      return decodeJwt(t).header.kid === rotated.kid && t;
    }, { timeoutMs: 5000, intervalMs: 100, what: 'tokens signed with the new key' });
    const doc = await jwks(srv);
    const kids = doc.keys.map((k) => k.kid);
    assert.ok(kids.includes(oldKid) && kids.includes(rotated.kid), JSON.stringify(kids));
    assert.ok(verifyWithJwk(newToken, doc.keys.find((k) => k.kid === rotated.kid)));
    expectStatus(await me(srv, oldToken), 200);
    expectStatus(await me(srv, newToken), 200);

    const list = await runCommand(['keys', 'list'], { db });
    assert.equal(list.code, 0, list.stderr);
    const keys = JSON.parse(list.stdout);
    assert.deepEqual(keys.map((k) => k.kid).sort(), [oldKid, rotated.kid].sort());
    for (const k of keys) {
      assert.deepEqual(Object.keys(k).sort(), ['active', 'algorithm', 'created', 'kid']);
      assert.equal(k.algorithm, 'ES256');
      assert.equal(k.active, true);
      assert.ok(!Number.isNaN(Date.parse(k.created)), k.created);
    }
    assert.ok(!/PRIVATE|BEGIN/.test(list.stdout), 'keys list must not print key material');
  });

  test('keys with a wrong subcommand exits non-zero with usage', async () => {
    const out = await runCommand(['keys', 'shuffle'], { db });
    assert.notEqual(out.code, 0);
    assert.match(out.stderr, /usage/);
  });
});

describe('RS256 and the token lifetime', () => {
  let srv, db, client;
  before(async () => {
    db = createDatabase();
    client = await createClient(db, { principal: 'ydre', role: 'reader' });
    srv = await startServer({ db, env: { LGVO_JWT_ALG: 'RS256', LGVO_ACCESS_TOKEN_TTL: '120' } });
  });
  after(async () => { await srv.stop(); });

  test('LGVO_JWT_ALG=RS256 signs RS256 tokens that verify with the published RSA key', async () => {
    const t = await clientToken(srv, client.client_id, client.client_secret);
    const { header } = decodeJwt(t.access_token);
    assert.equal(header.alg, 'RS256');
    const k = (await jwks(srv)).keys.find((x) => x.kid === header.kid);
    assert.ok(k, 'kid not in JWKS');
    assert.deepEqual([k.kty, k.alg], ['RSA', 'RS256']);
    assert.equal(k.kid, thumbprint(k));
    assert.ok(verifyWithJwk(t.access_token, k));
  });

  test('LGVO_ACCESS_TOKEN_TTL sets expires_in and exp', async () => {
    const t = await clientToken(srv, client.client_id, client.client_secret);
    assert.equal(t.expires_in, 120);
    const { payload } = decodeJwt(t.access_token);
    assert.equal(payload.exp - payload.iat, 120);
  });

  test('keys rotate makes another RS256 key', async () => {
    const out = await runCommand(['keys', 'rotate'], { db, env: { LGVO_JWT_ALG: 'RS256' } });
    assert.equal(out.code, 0, out.stderr);
    assert.equal(JSON.parse(out.stdout).algorithm, 'RS256');
  });
});

describe('HS256', () => {
  const secret = crypto.randomBytes(24).toString('base64'); // 32 characters
  let srv, db, client;
  before(async () => {
    db = createDatabase();
    client = await createClient(db, { principal: 'vadstena', role: 'reader' });
    srv = await startServer({ db, env: { LGVO_JWT_ALG: 'HS256', LGVO_JWT_HS256_SECRET: secret } });
  });
  after(async () => { await srv.stop(); });

  test('with LGVO_JWT_ALG=HS256 and a 32-byte secret, tokens are HMAC-SHA256 with that secret', async () => {
    const { access_token } = await clientToken(srv, client.client_id, client.client_secret);
    const { header, signature, signingInput } = decodeJwt(access_token);
    assert.equal(header.alg, 'HS256');
    assert.deepEqual(signature, crypto.createHmac('sha256', secret).update(signingInput).digest());
    expectStatus(await me(srv, access_token), 200);
    const doc = await jwks(srv);
    assert.ok(!JSON.stringify(doc).includes(secret) && !doc.keys.some((k) => 'k' in k), 'the secret must not be published');
    const forged = signJwt(header, claims({ sub: `client:${client.client_id}`, principal: 'vadstena', sid: undefined }), 'x'.repeat(32));
    expectInvalidToken(await me(srv, forged));
    const good = signJwt(header, claims({ sub: `client:${client.client_id}`, principal: 'vadstena', sid: undefined }), secret);
    expectStatus(await me(srv, good), 200);
  });

  test('keys rotate is refused with HS256', async () => {
    const out = await runCommand(['keys', 'rotate'], { db, env: { LGVO_JWT_ALG: 'HS256', LGVO_JWT_HS256_SECRET: secret } });
    assert.equal(out.code, 1);
    assert.match(out.stderr, /HS256/);
  });
});

describe('start-up refuses unsafe key configuration', () => {
  const refuse = async (env, variable) => {
    const db = createDatabase();
    const out = await runCommand(['serve'], { db, env: { LGVO_LISTEN: '127.0.0.1:1', ...env }, timeoutMs: 30000 });
    assert.equal(out.code, 1, `expected exit 1, got ${out.code}: ${out.stderr}`);
    assert.ok(out.stderr.includes(variable), `the message should name ${variable}: ${out.stderr}`);
  };

  test('HS256 with a secret shorter than 32 bytes', async () => {
    await refuse({ LGVO_JWT_ALG: 'HS256', LGVO_JWT_HS256_SECRET: 'a'.repeat(31) }, 'LGVO_JWT_HS256_SECRET');
  });

  test('HS256 without a secret', async () => {
    await refuse({ LGVO_JWT_ALG: 'HS256', LGVO_JWT_HS256_SECRET: undefined }, 'LGVO_JWT_HS256_SECRET');
  });

  test('an HS256 secret without LGVO_JWT_ALG=HS256', async () => {
    await refuse({ LGVO_JWT_ALG: undefined, LGVO_JWT_HS256_SECRET: 'b'.repeat(40) }, 'LGVO_JWT_HS256_SECRET');
  });

  test('a missing key file, or a key file of another algorithm', async () => {
    await refuse({ LGVO_JWT_KEY_FILE: '/nonexistent/key.pem' }, 'LGVO_JWT_KEY_FILE');
    const rsa = generateKeyFile('rsa');
    await refuse({ LGVO_JWT_KEY_FILE: rsa.file }, 'LGVO_JWT_KEY_FILE');
  });

  test('an RSA key file with LGVO_JWT_ALG=RS256 is used, and keys rotate is refused', async () => {
    const rsa = generateKeyFile('rsa');
    const db = createDatabase();
    const client = await createClient(db, { principal: 'mjolby', role: 'reader' });
    const srv = await startServer({ db, env: { LGVO_JWT_ALG: 'RS256', LGVO_JWT_KEY_FILE: rsa.file } });
    try {
      const { access_token } = await clientToken(srv, client.client_id, client.client_secret);
      assert.equal(decodeJwt(access_token).header.kid, rsa.kid);
      assert.ok(verifyWithJwk(access_token, rsa.jwk));
      const out = await runCommand(['keys', 'rotate'], { db, env: { LGVO_JWT_ALG: 'RS256', LGVO_JWT_KEY_FILE: rsa.file } });
      assert.equal(out.code, 1);
      assert.match(out.stderr, /LGVO_JWT_KEY_FILE/);
    } finally {
      await srv.stop();
    }
  });
});
