// Identity: signing-key configuration — HS256 only when configured explicitly with a secret of
// at least 32 bytes, RSA key files, and start-up refusing unsafe combinations (exit 1 naming
// the variable). Database keys and rotation: identity-keys.test.mjs.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer, createDatabase, runCommand, req, expectStatus } from './lib/harness.mjs';
import {
  createClient, clientToken, decodeJwt, verifyWithJwk, signJwt, claims, generateKeyFile, expectInvalidToken,
} from './lib/auth.mjs';

const jwks = async (srv) => expectStatus(await req(srv, 'GET', '/.well-known/jwks.json'), 200).json;
const me = (srv, token) => req(srv, 'GET', '/api/v1/auth/me', { token });

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
