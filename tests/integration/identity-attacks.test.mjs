// Identity: token verification on protected routes. The server signs with a key file whose
// private key the test holds, so it can forge validly signed tokens with any claims; every
// refusal is paired with an accepted control token, so a test fails if verification breaks
// either way.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer, createDatabase, req, expectStatus, expectError, sleep } from './lib/harness.mjs';
import {
  FAST_HASH, createUser, login, expectInvalidToken, decodeJwt, signJwt, generateKeyFile, claims, b64url,
} from './lib/auth.mjs';

let srv, key, admin, reporter, adminToken;
const now = () => Math.floor(Date.now() / 1000);
const me = (token) => req(srv, 'GET', '/api/v1/auth/me', { token });
const withAuth = (authorization) => req(srv, 'GET', '/api/v1/auth/me', { headers: { authorization } });

// A validly signed token for the real org_admin, with claims overridden.
function forge(extra = {}, header = {}) {
  return signJwt({ alg: 'ES256', typ: 'JWT', kid: key.kid, ...header },
    claims({ sub: `user:${admin.id}`, principal: 'motala', roles: ['org_admin'], ...extra }), key.privateKey);
}

before(async () => {
  key = generateKeyFile('ec');
  const db = createDatabase();
  admin = await createUser(db, { principal: 'motala', role: 'org_admin' });
  reporter = await createUser(db, { principal: 'motala', role: 'reporter', areas: ['att-aldras'] });
  srv = await startServer({ db, env: { ...FAST_HASH, LGVO_JWT_KEY_FILE: key.file } });
  adminToken = (await login(srv, admin.username, admin.password)).access_token;
});
after(async () => { await srv.stop(); });

describe('the key file', () => {
  test('tokens are signed with the key from LGVO_JWT_KEY_FILE and its kid is published', async () => {
    const { header } = decodeJwt(adminToken);
    assert.equal(header.kid, key.kid);
    const jwks = expectStatus(await req(srv, 'GET', '/.well-known/jwks.json'), 200).json;
    assert.deepEqual(jwks.keys.map((k) => k.kid), [key.kid]);
    assert.equal(jwks.keys[0].x, key.jwk.x);
    assert.equal(jwks.keys[0].y, key.jwk.y);
  });

  test('control: a token forged with the key and valid claims is accepted', async () => {
    const res = expectStatus(await me(forge()), 200);
    assert.equal(res.json.username, admin.username);
    expectStatus(await req(srv, 'GET', '/api/v1/audit', { token: forge() }), 200);
  });
});

describe('missing or malformed Authorization', () => {
  test('no Authorization header: 401 with a Bearer challenge and the error shape', async () => {
    const res = await req(srv, 'GET', '/api/v1/auth/me');
    expectError(res, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer realm="[^"]+"/);
  });

  for (const h of ['Basic eDp5', 'Bearer', 'Bearer ', 'Bearer a b', 'Token abc', 'bearer']) {
    test(`"${h}" is refused as invalid_token`, async () => {
      const err = expectInvalidToken(await withAuth(h));
      assert.equal(err.code, 'invalid_token');
    });
  }

  test('a well-formed header with garbage is invalid_token', async () => {
    expectInvalidToken(await withAuth('Bearer abc.def.ghi'));
    expectInvalidToken(await withAuth('Bearer abcdef'));
    expectInvalidToken(await withAuth(`Bearer ${'a'.repeat(9000)}.b.c`));
    expectInvalidToken(await withAuth(`Bearer ${adminToken}.x`));
  });

  test('the scheme name is case-insensitive', async () => {
    expectStatus(await withAuth(`bearer ${adminToken}`), 200);
  });
});

describe('forged signatures and algorithms', () => {
  test('alg "none" is refused (with or without a known kid)', async () => {
    const payload = claims({ sub: `user:${admin.id}`, roles: ['county_admin'] });
    expectInvalidToken(await me(signJwt({ alg: 'none', typ: 'JWT', kid: key.kid }, payload)));
    expectInvalidToken(await me(signJwt({ alg: 'none', typ: 'JWT' }, payload)));
    const unsignedCopy = adminToken.split('.').slice(0, 2).join('.') + '.';
    expectInvalidToken(await me(unsignedCopy));
  });

  test('HS256 signed with the public key PEM as the HMAC secret is refused', async () => {
    const pem = key.publicKey.export({ type: 'spki', format: 'pem' });
    const payload = claims({ sub: `user:${admin.id}`, roles: ['county_admin'], principal: 'region-ostergotland' });
    expectInvalidToken(await me(signJwt({ alg: 'HS256', typ: 'JWT', kid: key.kid }, payload, pem)));
    expectInvalidToken(await me(signJwt({ alg: 'HS256', typ: 'JWT', kid: key.kid }, payload, pem.trim())));
    const jwk = JSON.stringify(key.jwk);
    expectInvalidToken(await me(signJwt({ alg: 'HS256', typ: 'JWT', kid: key.kid }, payload, jwk)));
  });

  test('an unknown kid, or the real kid with another key, is refused', async () => {
    const other = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const payload = claims({ sub: `user:${admin.id}`, roles: ['org_admin'] });
    expectInvalidToken(await me(signJwt({ alg: 'ES256', kid: 'no-such-kid' }, payload, other.privateKey)));
    expectInvalidToken(await me(signJwt({ alg: 'ES256', kid: key.kid }, payload, other.privateKey)));
    expectInvalidToken(await me(signJwt({ alg: 'ES256' }, payload, key.privateKey)));
  });

  test('a tampered payload (roles raised to county_admin) is refused', async () => {
    const { header, payload } = decodeJwt(adminToken);
    const [h, , s] = adminToken.split('.');
    const raised = `${h}.${b64url({ ...payload, roles: ['county_admin'] })}.${s}`;
    expectInvalidToken(await req(srv, 'GET', '/api/v1/audit', { token: raised }));
    expectInvalidToken(await me(raised));
    assert.equal(header.alg, 'ES256');
    expectStatus(await me(adminToken), 200); // control: the original still works
  });

  test('RS256 claimed for an EC key is refused', async () => {
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    expectInvalidToken(await me(signJwt({ alg: 'RS256', kid: key.kid }, claims({ sub: `user:${admin.id}` }), rsa.privateKey)));
  });
});

describe('claims', () => {
  test('expired beyond the 30 s leeway is refused; within it accepted', async () => {
    expectInvalidToken(await me(forge({ iat: now() - 1000, nbf: now() - 1000, exp: now() - 45 })));
    expectStatus(await me(forge({ iat: now() - 1000, nbf: now() - 1000, exp: now() - 10 })), 200);
  });

  test('extreme exp and nbf values neither crash the server nor pass when they should not', async () => {
    const base = claims({ sub: `user:${admin.id}`, principal: 'motala', roles: ['org_admin'] });
    const text = (over) => JSON.stringify(base).replace(/"exp":\d+/, `"exp":${over.exp ?? base.exp}`).replace(/"nbf":\d+/, `"nbf":${over.nbf ?? base.nbf}`);
    const signed = (over) => signJwt({ alg: 'ES256', typ: 'JWT', kid: key.kid }, text(over), key.privateKey);
    expectStatus(await me(signed({ exp: '9223372036854775807' })), 200);
    expectInvalidToken(await me(signed({ exp: '-9223372036854775808' })));
    expectInvalidToken(await me(signed({ nbf: '9223372036854775807' })));
    expectStatus(await me(signed({ nbf: '-9223372036854775808' })), 200);
    expectStatus(await me(adminToken), 200);
  });

  test('a cached token is refused once it expires', async () => {
    const token = forge({ iat: now() - 1000, nbf: now() - 1000, exp: now() - 28 });
    expectStatus(await me(token), 200);
    await sleep(3500);
    expectInvalidToken(await me(token));
  });

  test('nbf in the future beyond the leeway is refused; within it accepted', async () => {
    expectInvalidToken(await me(forge({ nbf: now() + 120 })));
    expectStatus(await me(forge({ nbf: now() + 10 })), 200);
  });

  test('a wrong issuer or audience is refused', async () => {
    expectInvalidToken(await me(forge({ iss: 'someone-else' })));
    expectInvalidToken(await me(forge({ aud: 'another-api' })));
    const noIss = claims({ sub: `user:${admin.id}`, roles: ['org_admin'] });
    delete noIss.iss;
    expectInvalidToken(await me(signJwt({ alg: 'ES256', kid: key.kid }, noIss, key.privateKey)));
  });

  test('missing or non-numeric exp is refused', async () => {
    const noExp = claims({ sub: `user:${admin.id}` });
    delete noExp.exp;
    expectInvalidToken(await me(signJwt({ alg: 'ES256', kid: key.kid }, noExp, key.privateKey)));
    expectInvalidToken(await me(forge({ exp: String(now() + 600) })));
  });

  test('an unknown principal is refused', async () => {
    expectInvalidToken(await me(forge({ principal: 'atlantis' })));
  });

  test('a machine client with an admin role is refused', async () => {
    for (const role of ['county_admin', 'org_admin']) {
      const token = forge({ sub: 'client:motala-0badc0de', roles: [role], sid: undefined });
      expectInvalidToken(await req(srv, 'GET', '/api/v1/audit', { token }));
    }
  });

  test('a subject that is neither user nor client, unknown roles or areas are refused', async () => {
    expectInvalidToken(await me(forge({ sub: `admin:${admin.id}` })));
    expectInvalidToken(await me(forge({ roles: ['superuser'] })));
    expectInvalidToken(await me(forge({ roles: 'org_admin' })));
    expectInvalidToken(await me(forge({ roles: ['reporter'], areas: ['nowhere'] })));
  });
});

describe('rights', () => {
  test('a valid token without the right gets 403 insufficient_scope', async () => {
    const { access_token } = await login(srv, reporter.username, reporter.password);
    const res = await req(srv, 'GET', '/api/v1/audit', { token: access_token });
    expectError(res, 403, 'forbidden');
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer .*error="insufficient_scope"/);
    const mgmt = await req(srv, 'GET', '/api/v1/principals/motala/users', { token: access_token });
    expectError(mgmt, 403);
    expectStatus(await req(srv, 'GET', '/api/v1/principals/motala/users', { token: adminToken }), 200);
  });

  test('an invalid token on a public route is still refused', async () => {
    expectInvalidToken(await req(srv, 'GET', '/api/v1/principals', { token: forge({ iss: 'x' }) }));
    expectStatus(await req(srv, 'GET', '/api/v1/principals'), 200);
  });
});
