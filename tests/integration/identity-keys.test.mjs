// Identity: signing keys — ES256 by default with RFC 7638 kids and a JWKS, rotation through
// `lgvo-api keys rotate` picked up by a running server, `keys list`, RS256 and the
// access-token lifetime. HS256, key files and refused configurations: identity-keys-config.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createDatabase, runCommand, req, expectStatus, waitFor } from './lib/harness.mjs';
import {
  createClient, clientToken, decodeJwt, verifyWithJwk, thumbprint,
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
