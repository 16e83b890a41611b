// Identity: the management API for users (/api/v1/principals/{slug}/users) — creation,
// strict bodies, duplicates, who may manage whom, grant limits, updates and deactivation.
// Machine clients: identity-clients.test.mjs.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createDatabase, req, psql, expectStatus, expectError, waitFor } from './lib/harness.mjs';
import {
  FAST_HASH, createUser, login, refresh, tokenRequest, expectOAuthError, expectInvalidToken, uniquePassword,
} from './lib/auth.mjs';

let srv, db, county, motalaAdmin, motalaCounty, reporter;
const tok = {};
let n = 0;
const uname = (p = 'api') => `${p}${process.pid}n${n++}`;
const me = (token) => req(srv, 'GET', '/api/v1/auth/me', { token });
const users = (slug, id = '') => `/api/v1/principals/${slug}/users${id ? `/${id}` : ''}`;

function newUser(token, slug, body) {
  return req(srv, 'POST', users(slug), { token, body: { username: uname(), password: uniquePassword(), roles: ['reader'], ...body } });
}

before(async () => {
  db = createDatabase();
  county = await createUser(db, { principal: 'region-ostergotland', role: 'county_admin' });
  motalaAdmin = await createUser(db, { principal: 'motala', role: 'org_admin' });
  motalaCounty = await createUser(db, { principal: 'motala', role: 'county_admin' });
  reporter = await createUser(db, { principal: 'motala', role: 'reporter', areas: ['att-aldras'] });
  srv = await startServer({ db, env: FAST_HASH });
  for (const [k, u] of Object.entries({ county, motalaAdmin, reporter })) tok[k] = (await login(srv, u.username, u.password)).access_token;
});
after(async () => { await srv.stop(); });

describe('creating users', () => {
  test('POST creates a user: 201, Location, the user without any password; GET and the list show it', async () => {
    const password = uniquePassword();
    const username = uname('new');
    const res = await req(srv, 'POST', users('motala'), {
      token: tok.county, body: { username, display_name: 'Åsa Öberg', password, roles: ['reporter'], areas: ['att-aldras', 'vaxa-upp'] },
    });
    expectStatus(res, 201);
    const u = res.json;
    assert.equal(res.headers.get('location'), `/api/v1/principals/motala/users/${u.id}`);
    assert.equal(u.username, username);
    assert.equal(u.display_name, 'Åsa Öberg');
    assert.equal(u.principal, 'motala');
    assert.deepEqual(u.roles, ['reporter']);
    assert.deepEqual(u.areas, ['att-aldras', 'vaxa-upp']);
    assert.equal(u.active, true);
    assert.ok(!res.text.includes(password) && !/password|argon2/i.test(res.text), res.text);
    const one = expectStatus(await req(srv, 'GET', res.headers.get('location'), { token: tok.county }), 200);
    assert.deepEqual(one.json, u);
    const list = expectStatus(await req(srv, 'GET', users('motala'), { token: tok.county }), 200);
    assert.ok(list.json.items.some((x) => x.id === u.id));
    assert.ok(!/argon2|password/i.test(list.text));
    const t = await login(srv, username, password);
    assert.equal((await me(t.access_token)).json.display_name, 'Åsa Öberg');
  });

  test('a taken username is 409, whatever its case', async () => {
    const username = uname('dup');
    expectStatus(await newUser(tok.county, 'motala', { username }), 201);
    expectError(await newUser(tok.county, 'kinda', { username }), 409, 'conflict');
    expectError(await newUser(tok.county, 'motala', { username: username.toUpperCase() }), 409);
    expectError(await newUser(tok.county, 'motala', { username: reporter.username }), 409);
  });

  test('an unknown field is 422 validation_failed with the path of the field', async () => {
    const err = expectError(await newUser(tok.county, 'motala', { admin: true }), 422, 'validation_failed');
    assert.ok(err.details.some((d) => d.path === '/admin'), JSON.stringify(err.details));
    // Paths are JSON pointers, and long non-ASCII names still get their problem reported.
    const odd = expectError(await newUser(tok.county, 'motala', { 'a/b~c': 1, [`x${'é'.repeat(200)}`]: 2 }), 422);
    assert.ok(odd.details.some((d) => d.path === '/a~1b~0c'), JSON.stringify(odd.details));
    assert.equal(odd.details.length, 2, JSON.stringify(odd.details));
    const dup = expectError(await newUser(tok.county, 'motala', { roles: ['reporter', 'reporter'], areas: [`${'å'.repeat(300)}x`, `${'å'.repeat(300)}x`] }), 422);
    assert.ok(dup.details.some((d) => d.path === '/areas'), JSON.stringify(dup.details));
  });

  test('a short password, a bad username or a missing field is 422 naming the field', async () => {
    const short = expectError(await newUser(tok.county, 'motala', { password: 'elevenchars' }), 422, 'validation_failed');
    assert.ok(short.details.some((d) => d.path === '/password'), JSON.stringify(short.details));
    const twelve = await newUser(tok.county, 'motala', { password: 'åäöåäöåäöåäö' });
    expectStatus(twelve, 201); // 12 characters (24 bytes) is enough
    const bad = expectError(await newUser(tok.county, 'motala', { username: '-x y' }), 422);
    assert.ok(bad.details.some((d) => d.path === '/username'));
    const missing = expectError(await req(srv, 'POST', users('motala'), { token: tok.county, body: { username: uname(), password: uniquePassword() } }), 422);
    assert.ok(missing.details.some((d) => d.path === '/roles'));
    expectError(await newUser(tok.county, 'motala', { roles: 'reader' }), 422);
  });

  test('an unknown role or area is 422', async () => {
    expectError(await newUser(tok.county, 'motala', { roles: ['superuser'] }), 422, 'validation_failed');
    expectError(await newUser(tok.motalaAdmin, 'motala', { roles: ['superuser'] }), 422, 'validation_failed');
    expectError(await newUser(tok.county, 'motala', { roles: ['reporter'], areas: ['nowhere'] }), 422, 'validation_failed');
    expectError(await newUser(tok.county, 'motala', { roles: ['reader'], areas: ['att-aldras'] }), 422, 'validation_failed');
    const long = expectError(await newUser(tok.county, 'motala', { roles: [`xy${'é'.repeat(300)}`] }), 422, 'validation_failed');
    assert.deepEqual(long.details.map((d) => d.path), ['/roles']);
  });

  test('no one grants an area the principal itself may not write in', async () => {
    psql("DELETE FROM core.principal_areas WHERE principal_id = 12 AND area_id = 4", { db: db.name });
    const err = expectError(await newUser(tok.county, 'ydre', { roles: ['reporter'], areas: ['digitalisering'] }), 422);
    assert.match(err.message, /digitalisering/);
    expectStatus(await newUser(tok.county, 'ydre', { roles: ['reporter'], areas: ['nara-vard'] }), 201);
  });

  test('an unknown principal is 404', async () => {
    expectError(await newUser(tok.county, 'atlantis', {}), 404);
  });
});

describe('who manages whom', () => {
  test('an org_admin manages its own principal and gets 403 for another', async () => {
    expectStatus(await req(srv, 'GET', users('motala'), { token: tok.motalaAdmin }), 200);
    expectError(await req(srv, 'GET', users('kinda'), { token: tok.motalaAdmin }), 403);
    expectError(await newUser(tok.motalaAdmin, 'kinda', {}), 403);
    const kindaUser = expectStatus(await newUser(tok.county, 'kinda', {}), 201).json;
    expectError(await req(srv, 'GET', users('kinda', kindaUser.id), { token: tok.motalaAdmin }), 403);
    expectError(await req(srv, 'PATCH', users('kinda', kindaUser.id), { token: tok.motalaAdmin, body: { active: false } }), 403);
    // Nor through its own principal's path.
    expectError(await req(srv, 'PATCH', users('motala', kindaUser.id), { token: tok.motalaAdmin, body: { active: false } }), 404);
    assert.equal((await req(srv, 'GET', users('kinda', kindaUser.id), { token: tok.county })).json.active, true);
  });

  test('an org_admin can grant org_admin and reporter but not county_admin (403)', async () => {
    expectStatus(await newUser(tok.motalaAdmin, 'motala', { roles: ['org_admin'] }), 201);
    expectStatus(await newUser(tok.motalaAdmin, 'motala', { roles: ['reporter'], areas: ['nara-vard'] }), 201);
    expectError(await newUser(tok.motalaAdmin, 'motala', { roles: ['county_admin'] }), 403);
    const u = expectStatus(await newUser(tok.motalaAdmin, 'motala', {}), 201).json;
    expectError(await req(srv, 'PATCH', users('motala', u.id), { token: tok.motalaAdmin, body: { roles: ['county_admin'] } }), 403);
    assert.deepEqual((await req(srv, 'GET', users('motala', u.id), { token: tok.county })).json.roles, ['reader']);
  });

  test("an org_admin cannot change a county_admin's account", async () => {
    for (const body of [{ active: false }, { display_name: 'x' }, { password: uniquePassword() }, { roles: ['reader'] }]) {
      expectError(await req(srv, 'PATCH', users('motala', motalaCounty.id), { token: tok.motalaAdmin, body }), 403);
    }
    await login(srv, motalaCounty.username, motalaCounty.password);
  });

  test('a county_admin manages every principal', async () => {
    for (const slug of ['region-ostergotland', 'kinda', 'odeshog']) {
      expectStatus(await req(srv, 'GET', users(slug), { token: tok.county }), 200);
    }
    const u = expectStatus(await newUser(tok.county, 'odeshog', { roles: ['county_admin'] }), 201).json;
    expectStatus(await req(srv, 'PATCH', users('odeshog', u.id), { token: tok.county, body: { roles: ['org_admin'] } }), 200);
  });

  test('a reporter cannot use the management API (403)', async () => {
    expectError(await req(srv, 'GET', users('motala'), { token: tok.reporter }), 403);
    expectError(await newUser(tok.reporter, 'motala', {}), 403);
    expectError(await req(srv, 'PATCH', users('motala', reporter.id), { token: tok.reporter, body: { roles: ['org_admin'] } }), 403);
  });
});

describe('updating users', () => {
  test('PATCH changes the display name, roles and areas; unknown fields are 422', async () => {
    const u = expectStatus(await newUser(tok.county, 'motala', {}), 201).json;
    const res = await req(srv, 'PATCH', users('motala', u.id), {
      token: tok.motalaAdmin, body: { display_name: 'Ny Namn', roles: ['reporter'], areas: ['digitalisering'] },
    });
    expectStatus(res, 200);
    assert.equal(res.json.display_name, 'Ny Namn');
    assert.deepEqual(res.json.roles, ['reporter']);
    assert.deepEqual(res.json.areas, ['digitalisering']);
    const err = expectError(await req(srv, 'PATCH', users('motala', u.id), { token: tok.county, body: { username: 'other' } }), 422);
    assert.ok(err.details.some((d) => d.path === '/username'));
    expectError(await req(srv, 'PATCH', users('motala', '00000000-0000-4000-8000-000000000000'), { token: tok.county, body: { display_name: 'x' } }), 404);
  });

  test('PATCH password: the new one logs in, the old one no longer; short ones are 422', async () => {
    const oldPw = uniquePassword();
    const newPw = uniquePassword();
    const body = { username: uname(), password: oldPw, roles: ['reader'] };
    const u = expectStatus(await req(srv, 'POST', users('motala'), { token: tok.county, body }), 201).json;
    expectError(await req(srv, 'PATCH', users('motala', u.id), { token: tok.county, body: { password: 'short' } }), 422);
    const res = expectStatus(await req(srv, 'PATCH', users('motala', u.id), { token: tok.county, body: { password: newPw } }), 200);
    assert.ok(!res.text.includes(newPw));
    await login(srv, body.username, newPw);
    expectOAuthError(await tokenRequest(srv, { grant_type: 'password', username: body.username, password: oldPw }), 400, 'invalid_grant');
  });

  test('deactivation: the token is refused within 1 s, the refresh token and a new login too', async () => {
    const password = uniquePassword();
    const u = expectStatus(await newUser(tok.county, 'motala', { password }), 201).json;
    const t = await login(srv, u.username, password);
    expectStatus(await me(t.access_token), 200);
    const res = expectStatus(await req(srv, 'PATCH', users('motala', u.id), { token: tok.motalaAdmin, body: { active: false } }), 200);
    assert.equal(res.json.active, false);
    await waitFor(async () => (await me(t.access_token)).status === 401, { timeoutMs: 1000, what: 'token of a deactivated user refused' });
    expectInvalidToken(await me(t.access_token));
    expectOAuthError(await refresh(srv, t.refresh_token), 400, 'invalid_grant');
    expectOAuthError(await tokenRequest(srv, { grant_type: 'password', username: u.username, password }), 400, 'invalid_grant');
  });

  test('a grant change revokes the tokens issued before it', async () => {
    const password = uniquePassword();
    const u = expectStatus(await newUser(tok.county, 'motala', { password, roles: ['org_admin'] }), 201).json;
    // Log in early in a second, change the grants in the same second.
    await waitFor(() => Date.now() % 1000 < 30, { timeoutMs: 2000, intervalMs: 1 });
    const t = await login(srv, u.username, password);
    expectStatus(await req(srv, 'PATCH', users('motala', u.id), { token: tok.county, body: { roles: ['reader'] } }), 200);
    await waitFor(async () => (await req(srv, 'GET', users('motala'), { token: t.access_token })).status === 401,
      { timeoutMs: 1000, what: 'the org_admin token issued before the change refused' });
  });
});
