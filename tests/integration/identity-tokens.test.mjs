// Identity: the token endpoint (RFC 6749 password, client_credentials and refresh_token
// grants), refresh rotation and reuse detection, logout, /auth/me and the issued JWTs.
// Forged and malformed tokens: identity-attacks.test.mjs; keys: identity-keys.test.mjs.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer, createDatabase, req, psql, expectStatus, expectError, waitFor } from './lib/harness.mjs';
import {
  FAST_HASH, createUser, createClient, tokenRequest, login, clientToken, refresh, expectOAuthError,
  expectInvalidToken, decodeJwt, verifyWithJwk,
} from './lib/auth.mjs';

const FORM = 'application/x-www-form-urlencoded';
let srv, db, alice, robot;

before(async () => {
  db = createDatabase();
  alice = await createUser(db, { principal: 'motala', role: 'reporter', areas: ['att-aldras', 'nara-vard'] });
  robot = await createClient(db, { principal: 'kinda', role: 'reporter', areas: ['vaxa-upp'], name: 'Kinda robot' });
  srv = await startServer({ db, env: FAST_HASH });
});
after(async () => { await srv.stop(); });

const me = (token) => req(srv, 'GET', '/api/v1/auth/me', { token });
const sha256 = (s) => crypto.createHash('sha256').update(s).digest('hex');

describe('password grant', () => {
  test('a form-encoded login returns a Bearer access token, a refresh token and the scope, not cached', async () => {
    const res = await tokenRequest(srv, { grant_type: 'password', username: alice.username, password: alice.password });
    expectStatus(res, 200);
    assert.deepEqual(Object.keys(res.json).sort(), ['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
    assert.equal(res.json.token_type, 'Bearer');
    assert.equal(res.json.expires_in, 900);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.json.access_token.split('.').length, 3);
    assert.doesNotMatch(res.json.refresh_token, /\./, 'the refresh token is opaque, not a JWT');
    assert.ok(res.json.refresh_token.length >= 32);
    assert.deepEqual(res.json.scope.split(' ').sort(), ['reporter', 'write:att-aldras', 'write:nara-vard']);
  });

  test('a JSON login works the same, and the username is case-insensitive', async () => {
    const res = await tokenRequest(srv, { grant_type: 'password', username: alice.username.toUpperCase(), password: alice.password }, { as: 'json' });
    expectStatus(res, 200);
    assert.equal(res.json.token_type, 'Bearer');
    expectStatus(await me(res.json.access_token), 200);
  });

  test('the access token is an ES256 JWT with kid and every claim, verifiable with the JWKS', async () => {
    const { access_token } = await login(srv, alice.username, alice.password);
    const { header, payload } = decodeJwt(access_token);
    assert.equal(header.alg, 'ES256');
    assert.equal(typeof header.kid, 'string');
    for (const c of ['iss', 'aud', 'sub', 'iat', 'nbf', 'exp', 'jti', 'principal', 'roles', 'areas', 'sid']) {
      assert.ok(c in payload, `claim ${c} missing: ${JSON.stringify(payload)}`);
    }
    assert.equal(payload.iss, 'lgvo-api');
    assert.equal(payload.aud, 'lgvo-api');
    assert.equal(payload.sub, `user:${alice.id}`);
    assert.equal(payload.principal, 'motala');
    assert.deepEqual(payload.roles, ['reporter']);
    assert.deepEqual([...payload.areas].sort(), ['att-aldras', 'nara-vard']);
    assert.equal(payload.exp - payload.iat, 900);
    assert.ok(Math.abs(payload.iat - Date.now() / 1000) < 60);
    const jwks = expectStatus(await req(srv, 'GET', '/.well-known/jwks.json'), 200).json;
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    assert.ok(jwk, `kid ${header.kid} not in the JWKS: ${JSON.stringify(jwks)}`);
    assert.ok(!('d' in jwk), 'the JWKS must not publish the private key');
    assert.ok(verifyWithJwk(access_token, jwk), 'signature does not verify with the published key');
    const tampered = access_token.slice(0, -4) + (access_token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    assert.ok(!verifyWithJwk(tampered, jwk));
  });

  test('each login has its own jti and sid', async () => {
    const a = decodeJwt((await login(srv, alice.username, alice.password)).access_token).payload;
    const b = decodeJwt((await login(srv, alice.username, alice.password)).access_token).payload;
    assert.notEqual(a.jti, b.jti);
    assert.notEqual(a.sid, b.sid);
  });

  test('a wrong password is invalid_grant (400) with the RFC 6749 error shape', async () => {
    const res = await tokenRequest(srv, { grant_type: 'password', username: alice.username, password: `${alice.password}x` });
    expectOAuthError(res, 400, 'invalid_grant');
    assert.ok(!res.json.access_token);
  });

  test('a missing password or username is invalid_request', async () => {
    expectOAuthError(await tokenRequest(srv, { grant_type: 'password', username: alice.username }), 400, 'invalid_request');
    expectOAuthError(await tokenRequest(srv, { grant_type: 'password', password: 'whatever-long-enough' }), 400, 'invalid_request');
  });
});

describe('malformed token requests', () => {
  test('no grant_type is invalid_request; an unknown one unsupported_grant_type', async () => {
    expectOAuthError(await tokenRequest(srv, { username: 'x' }), 400, 'invalid_request');
    expectOAuthError(await tokenRequest(srv, { grant_type: 'implicit' }), 400, 'unsupported_grant_type');
    expectOAuthError(await tokenRequest(srv, { grant_type: 'authorization_code', code: 'x' }, { as: 'json' }), 400, 'unsupported_grant_type');
  });

  test('a repeated parameter, a bad escape or a non-string JSON value is invalid_request', async () => {
    const post = (body, type = FORM) => req(srv, 'POST', '/api/v1/auth/token', { body, headers: { 'content-type': type } });
    expectOAuthError(await post(`grant_type=password&username=${alice.username}&username=other&password=x`), 400, 'invalid_request');
    expectOAuthError(await post('grant_type=pass%ZZword'), 400, 'invalid_request');
    expectOAuthError(await post(JSON.stringify({ grant_type: 'password', username: alice.username, password: 12 }), 'application/json'), 400, 'invalid_request');
    expectOAuthError(await post('[1,2]', 'application/json'), 400, 'invalid_request');
    expectOAuthError(await post('{"grant_type":', 'application/json'), 400, 'invalid_request');
  });

  test('another media type is invalid_request', async () => {
    const res = await req(srv, 'POST', '/api/v1/auth/token', { body: 'grant_type=password', headers: { 'content-type': 'text/plain' } });
    expectOAuthError(res, 400, 'invalid_request');
  });

  test('a charset parameter on the form media type is accepted', async () => {
    const body = new URLSearchParams({ grant_type: 'password', username: alice.username, password: alice.password }).toString();
    const res = await req(srv, 'POST', '/api/v1/auth/token', { body, headers: { 'content-type': `${FORM}; charset=UTF-8` } });
    expectStatus(res, 200);
  });
});

describe('client_credentials grant', () => {
  test('credentials in the body give an access token without a refresh token', async () => {
    const res = await tokenRequest(srv, { grant_type: 'client_credentials', client_id: robot.client_id, client_secret: robot.client_secret });
    expectStatus(res, 200);
    assert.deepEqual(Object.keys(res.json).sort(), ['access_token', 'expires_in', 'scope', 'token_type']);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(res.json.scope.split(' ').sort(), ['reporter', 'write:vaxa-upp']);
    const { payload } = decodeJwt(res.json.access_token);
    assert.equal(payload.sub, `client:${robot.client_id}`);
    assert.equal(payload.principal, 'kinda');
    assert.deepEqual(payload.roles, ['reporter']);
    assert.deepEqual(payload.areas, ['vaxa-upp']);
    assert.ok(!('sid' in payload), 'a client token has no login family');
  });

  test('HTTP Basic works too (JSON body)', async () => {
    const res = await tokenRequest(srv, { grant_type: 'client_credentials' }, { as: 'json', basic: [robot.client_id, robot.client_secret] });
    expectStatus(res, 200);
    expectStatus(await me(res.json.access_token), 200);
  });

  test('Basic and body credentials at once are invalid_request', async () => {
    const res = await tokenRequest(srv, { grant_type: 'client_credentials', client_id: robot.client_id, client_secret: robot.client_secret },
      { basic: [robot.client_id, robot.client_secret] });
    expectOAuthError(res, 400, 'invalid_request');
  });

  test('a wrong secret is 401 invalid_client, with WWW-Authenticate: Basic only when Basic was used', async () => {
    const viaBasic = await tokenRequest(srv, { grant_type: 'client_credentials' }, { basic: [robot.client_id, `${robot.client_secret}x`] });
    expectOAuthError(viaBasic, 401, 'invalid_client');
    assert.match(viaBasic.headers.get('www-authenticate') ?? '', /^Basic /);
    const viaBody = await tokenRequest(srv, { grant_type: 'client_credentials', client_id: robot.client_id, client_secret: 'cs_wrong' });
    expectOAuthError(viaBody, 401, 'invalid_client');
    const unknown = await tokenRequest(srv, { grant_type: 'client_credentials', client_id: 'kinda-00000000', client_secret: robot.client_secret });
    expectOAuthError(unknown, 401, 'invalid_client');
  });

  test('a client_id that cannot exist (not UTF-8, too long) is still 401 invalid_client', async () => {
    const raw = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(':secret')]).toString('base64');
    const basic = await tokenRequest(srv, { grant_type: 'client_credentials' }, { headers: { authorization: `Basic ${raw}` } });
    expectOAuthError(basic, 401, 'invalid_client');
    const long = await tokenRequest(srv, { grant_type: 'client_credentials', client_id: `a${'é'.repeat(60)}`, client_secret: 'x' });
    expectOAuthError(long, 401, 'invalid_client');
    expectOAuthError(await tokenRequest(srv, { grant_type: 'client_credentials', client_id: 'x'.repeat(5000), client_secret: 'x' }), 401, 'invalid_client');
  });

  test('a missing secret is invalid_request', async () => {
    expectOAuthError(await tokenRequest(srv, { grant_type: 'client_credentials', client_id: robot.client_id }), 400, 'invalid_request');
  });

  test('the client secret is stored as its SHA-256 only', async () => {
    const stored = psql(`SELECT secret_sha256 FROM core.clients WHERE client_id = '${robot.client_id}'`, { db: db.name }).trim();
    assert.equal(stored, sha256(robot.client_secret));
  });
});

describe('refresh tokens', () => {
  test('a refresh token is single use and rotated; the new pair works', async () => {
    const first = await login(srv, alice.username, alice.password);
    const res = await refresh(srv, first.refresh_token);
    expectStatus(res, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.notEqual(res.json.refresh_token, first.refresh_token);
    assert.notEqual(res.json.access_token, first.access_token);
    assert.equal(decodeJwt(res.json.access_token).payload.sid, decodeJwt(first.access_token).payload.sid);
    expectStatus(await me(res.json.access_token), 200);
    expectStatus(await refresh(srv, res.json.refresh_token), 200);
  });

  test('refresh tokens are stored as SHA-256, never in clear', async () => {
    const { refresh_token } = await login(srv, alice.username, alice.password);
    const rows = psql('SELECT token_sha256 FROM core.refresh_tokens', { db: db.name });
    assert.ok(!rows.includes(refresh_token));
    assert.ok(rows.split('\n').includes(sha256(refresh_token)));
  });

  test('reusing a used refresh token is invalid_grant and revokes the whole login', async () => {
    const first = await login(srv, alice.username, alice.password);
    const second = expectStatus(await refresh(srv, first.refresh_token), 200).json;
    expectStatus(await me(second.access_token), 200);
    expectOAuthError(await refresh(srv, first.refresh_token), 400, 'invalid_grant');
    await waitFor(async () => (await me(second.access_token)).status === 401, { timeoutMs: 1000, what: 'the family access token refused' });
    expectInvalidToken(await me(first.access_token));
    expectOAuthError(await refresh(srv, second.refresh_token), 400, 'invalid_grant');
    // Another login of the same user is unaffected.
    const other = await login(srv, alice.username, alice.password);
    expectStatus(await me(other.access_token), 200);
  });

  test('an unknown, expired or empty refresh token is refused', async () => {
    expectOAuthError(await refresh(srv, 'not-a-refresh-token'), 400, 'invalid_grant');
    expectOAuthError(await tokenRequest(srv, { grant_type: 'refresh_token' }), 400, 'invalid_request');
    const { refresh_token } = await login(srv, alice.username, alice.password);
    psql(`UPDATE core.refresh_tokens SET expires_at = now() - interval '1 second' WHERE token_sha256 = '${sha256(refresh_token)}'`, { db: db.name });
    expectOAuthError(await refresh(srv, refresh_token), 400, 'invalid_grant');
  });
});

describe('logout and me', () => {
  test('logout answers 204 and revokes the access token and its refresh token', async () => {
    const t = await login(srv, alice.username, alice.password);
    const keep = await login(srv, alice.username, alice.password);
    const res = await req(srv, 'POST', '/api/v1/auth/logout', { token: t.access_token });
    expectStatus(res, 204);
    assert.equal(res.text, '');
    await waitFor(async () => (await me(t.access_token)).status === 401, { timeoutMs: 1000, what: 'logged-out token refused' });
    expectInvalidToken(await me(t.access_token));
    expectOAuthError(await refresh(srv, t.refresh_token), 400, 'invalid_grant');
    expectStatus(await me(keep.access_token), 200);
  });

  test('logout without a token is 401', async () => {
    const res = await req(srv, 'POST', '/api/v1/auth/logout');
    expectError(res, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer realm=/);
  });

  test('a client can log out its token', async () => {
    const { access_token } = await clientToken(srv, robot.client_id, robot.client_secret);
    expectStatus(await req(srv, 'POST', '/api/v1/auth/logout', { token: access_token }), 204);
    await waitFor(async () => (await me(access_token)).status === 401, { timeoutMs: 1000, what: 'client token refused' });
  });

  test('GET /auth/me describes a user', async () => {
    const { access_token } = await login(srv, alice.username, alice.password);
    const res = expectStatus(await me(access_token), 200);
    assert.equal(res.json.kind, 'user');
    assert.equal(res.json.id, alice.id);
    assert.equal(res.json.username, alice.username);
    assert.equal(typeof res.json.display_name, 'string');
    assert.deepEqual(res.json.principal, { slug: 'motala', name: 'Motala kommun', kind: 'municipality', code: '0583' });
    assert.deepEqual(res.json.roles, ['reporter']);
    assert.deepEqual([...res.json.areas].sort(), ['att-aldras', 'nara-vard']);
    assert.ok(!('password' in res.json) && !('password_hash' in res.json));
  });

  test('GET /auth/me describes a client', async () => {
    const { access_token } = await clientToken(srv, robot.client_id, robot.client_secret);
    const res = expectStatus(await me(access_token), 200);
    assert.equal(res.json.kind, 'client');
    assert.equal(res.json.id, robot.client_id);
    assert.equal(res.json.client_id, robot.client_id);
    assert.equal(res.json.name, 'Kinda robot');
    assert.deepEqual(res.json.principal, { slug: 'kinda', name: 'Kinda kommun', kind: 'municipality', code: '0513' });
    assert.deepEqual(res.json.roles, ['reporter']);
    assert.deepEqual(res.json.areas, ['vaxa-upp']);
    assert.ok(!('client_secret' in res.json));
  });
});
