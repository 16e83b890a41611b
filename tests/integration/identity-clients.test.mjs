// Identity: machine clients through the management API (/api/v1/principals/{slug}/clients):
// the secret shown once, never again, rotation, roles limited to reader/reporter,
// deactivation and who may manage them. Users: identity-accounts.test.mjs.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createDatabase, req, psql, expectStatus, expectError, waitFor } from './lib/harness.mjs';
import {
  FAST_HASH, createUser, login, clientToken, tokenRequest, expectOAuthError, expectInvalidToken, decodeJwt,
} from './lib/auth.mjs';

let srv, db;
const tok = {};
const me = (token) => req(srv, 'GET', '/api/v1/auth/me', { token });
const clients = (slug, id = '') => `/api/v1/principals/${slug}/clients${id ? `/${id}` : ''}`;
const newClient = (token, slug, body) => req(srv, 'POST', clients(slug), { token, body: { name: 'Integration', roles: ['reader'], ...body } });
const credentials = (id, secret) => tokenRequest(srv, { grant_type: 'client_credentials', client_id: id, client_secret: secret });

before(async () => {
  db = createDatabase();
  const county = await createUser(db, { principal: 'region-ostergotland', role: 'county_admin' });
  const motalaAdmin = await createUser(db, { principal: 'motala', role: 'org_admin' });
  const reporter = await createUser(db, { principal: 'motala', role: 'reporter', areas: ['att-aldras'] });
  srv = await startServer({ db, env: FAST_HASH });
  for (const [k, u] of Object.entries({ county, motalaAdmin, reporter })) tok[k] = (await login(srv, u.username, u.password)).access_token;
});
after(async () => { await srv.stop(); });

describe('creating clients', () => {
  test('POST creates a client: 201, Location, the secret once; the secret works', async () => {
    const res = await newClient(tok.motalaAdmin, 'motala', { name: 'Motala ETL', roles: ['reporter'], areas: ['nara-vard'] });
    expectStatus(res, 201);
    const c = res.json;
    assert.match(c.client_id, /^[a-z0-9-]{3,80}$/);
    assert.equal(res.headers.get('location'), `/api/v1/principals/motala/clients/${c.client_id}`);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(c.name, 'Motala ETL');
    assert.equal(c.principal, 'motala');
    assert.deepEqual(c.roles, ['reporter']);
    assert.deepEqual(c.areas, ['nara-vard']);
    assert.equal(c.active, true);
    assert.equal(typeof c.client_secret, 'string');
    assert.ok(c.client_secret.length >= 32);
    const t = await clientToken(srv, c.client_id, c.client_secret);
    const { payload } = decodeJwt(t.access_token);
    assert.deepEqual([payload.sub, payload.principal, payload.roles, payload.areas],
      [`client:${c.client_id}`, 'motala', ['reporter'], ['nara-vard']]);
  });

  test('GET and the list never show the secret or its hash', async () => {
    const c = expectStatus(await newClient(tok.county, 'kinda', {}), 201).json;
    const one = expectStatus(await req(srv, 'GET', clients('kinda', c.client_id), { token: tok.county }), 200);
    assert.ok(!('client_secret' in one.json) && !one.text.includes(c.client_secret) && !/secret/.test(one.text), one.text);
    const { client_secret, ...rest } = c;
    assert.deepEqual(one.json, rest);
    const list = expectStatus(await req(srv, 'GET', clients('kinda'), { token: tok.county }), 200);
    assert.ok(list.json.items.some((x) => x.client_id === c.client_id));
    assert.ok(!list.text.includes(client_secret) && !/secret/.test(list.text));
    expectError(await req(srv, 'GET', clients('kinda', 'kinda-ffffffff'), { token: tok.county }), 404);
  });

  test('a client may only be reader or reporter (422)', async () => {
    for (const roles of [['org_admin'], ['county_admin'], ['reader', 'org_admin']]) {
      expectError(await newClient(tok.county, 'motala', { roles }), 422, 'validation_failed');
    }
    expectStatus(await newClient(tok.county, 'motala', { roles: ['reader', 'reporter'], areas: ['vaxa-upp'] }), 201);
  });

  test('strict bodies: an unknown field or a missing name is 422 with its path', async () => {
    const unknown = expectError(await newClient(tok.county, 'motala', { secret: 'mine' }), 422, 'validation_failed');
    assert.ok(unknown.details.some((d) => d.path === '/secret'), JSON.stringify(unknown.details));
    const missing = expectError(await req(srv, 'POST', clients('motala'), { token: tok.county, body: { roles: ['reader'] } }), 422);
    assert.ok(missing.details.some((d) => d.path === '/name'));
    expectError(await newClient(tok.county, 'motala', { roles: ['reporter'], areas: ['nowhere'] }), 422);
    expectError(await req(srv, 'POST', clients('motala'), { token: tok.county, body: '[]', headers: { 'content-type': 'application/json' } }), 400);
  });

  test('an org_admin manages only its own principal; a reporter none', async () => {
    expectError(await newClient(tok.motalaAdmin, 'kinda', {}), 403);
    expectError(await req(srv, 'GET', clients('kinda'), { token: tok.motalaAdmin }), 403);
    expectStatus(await req(srv, 'GET', clients('motala'), { token: tok.motalaAdmin }), 200);
    expectError(await newClient(tok.reporter, 'motala', {}), 403);
    expectError(await req(srv, 'GET', clients('motala'), { token: tok.reporter }), 403);
  });
});

describe('secrets', () => {
  test('rotating the secret: the old one is refused, the new one accepted; it is stored hashed', async () => {
    const c = expectStatus(await newClient(tok.motalaAdmin, 'motala', {}), 201).json;
    const res = await req(srv, 'POST', `${clients('motala', c.client_id)}/secret`, { token: tok.motalaAdmin });
    expectStatus(res, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.json.client_id, c.client_id);
    assert.notEqual(res.json.client_secret, c.client_secret);
    expectOAuthError(await credentials(c.client_id, c.client_secret), 401, 'invalid_client');
    await clientToken(srv, c.client_id, res.json.client_secret);
    const stored = psql(`SELECT secret_sha256 FROM core.clients WHERE client_id = '${c.client_id}'`, { db: db.name });
    assert.ok(!stored.includes(res.json.client_secret));
    expectError(await req(srv, 'POST', `${clients('motala', 'motala-ffffffff')}/secret`, { token: tok.motalaAdmin }), 404);
    expectError(await req(srv, 'POST', `${clients('motala', c.client_id)}/secret`, { token: tok.reporter }), 403);
  });

  test("an org_admin cannot rotate another principal's client secret", async () => {
    const c = expectStatus(await newClient(tok.county, 'kinda', {}), 201).json;
    expectError(await req(srv, 'POST', `${clients('kinda', c.client_id)}/secret`, { token: tok.motalaAdmin }), 403);
    expectError(await req(srv, 'POST', `${clients('motala', c.client_id)}/secret`, { token: tok.motalaAdmin }), 404);
    await clientToken(srv, c.client_id, c.client_secret);
  });
});

describe('updating clients', () => {
  test('PATCH changes name, roles and areas; unknown fields are 422', async () => {
    const c = expectStatus(await newClient(tok.county, 'motala', {}), 201).json;
    const res = expectStatus(await req(srv, 'PATCH', clients('motala', c.client_id), {
      token: tok.motalaAdmin, body: { name: 'Renamed', roles: ['reporter'], areas: ['att-aldras'] },
    }), 200);
    assert.equal(res.json.name, 'Renamed');
    assert.deepEqual(res.json.roles, ['reporter']);
    assert.deepEqual(res.json.areas, ['att-aldras']);
    expectError(await req(srv, 'PATCH', clients('motala', c.client_id), { token: tok.county, body: { client_secret: 'x' } }), 422);
    expectError(await req(srv, 'PATCH', clients('motala', c.client_id), { token: tok.county, body: { roles: ['org_admin'] } }), 422);
    expectError(await req(srv, 'PATCH', clients('motala', 'motala-ffffffff'), { token: tok.county, body: { name: 'x' } }), 404);
  });

  test('deactivation: the token is refused within 1 s, and client_credentials too', async () => {
    const c = expectStatus(await newClient(tok.county, 'motala', {}), 201).json;
    const { access_token } = await clientToken(srv, c.client_id, c.client_secret);
    expectStatus(await me(access_token), 200);
    const res = expectStatus(await req(srv, 'PATCH', clients('motala', c.client_id), { token: tok.motalaAdmin, body: { active: false } }), 200);
    assert.equal(res.json.active, false);
    await waitFor(async () => (await me(access_token)).status === 401, { timeoutMs: 1000, what: 'token of a deactivated client refused' });
    expectInvalidToken(await me(access_token));
    expectOAuthError(await credentials(c.client_id, c.client_secret), 401, 'invalid_client');
  });
});
