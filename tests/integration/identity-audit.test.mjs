// Identity: the audit trail (core.audit, GET /api/v1/audit) — one row per security event with
// actor, principal, target, request id and client address; filters and cursor pagination;
// org_admins see only their principal; and no secret ever reaches the log or the audit table.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer, createDatabase, runCommand, req, psql, expectStatus, expectError } from './lib/harness.mjs';
import {
  FAST_HASH, createUser, createClient, login, tokenRequest, refresh, uniquePassword,
} from './lib/auth.mjs';

let srv, db, county, motalaAdmin, kindaAdmin, cliClient;
const tok = {};
const secrets = []; // every password, client secret and token this file uses
const keep = (...xs) => { for (const x of xs) if (x) secrets.push(x); return xs[0]; };
const rid = (tag) => `audit-${tag}-${crypto.randomBytes(4).toString('hex')}`;
const withId = (id) => ({ 'x-request-id': id });

async function audit(query, token = tok.county) {
  return req(srv, 'GET', `/api/v1/audit${query ? `?${query}` : ''}`, { token });
}
// The one audit row of a request, checked against the answer's X-Request-Id.
async function rowOf(res, action) {
  const id = res.headers.get('x-request-id');
  const items = expectStatus(await audit(`action=${encodeURIComponent(action)}&limit=1000`), 200).json.items;
  const rows = items.filter((r) => r.request_id === id);
  assert.equal(rows.length, 1, `expected one ${action} row for request ${id}: ${JSON.stringify(items.slice(0, 5))}`);
  const row = rows[0];
  assert.deepEqual(Object.keys(row).sort(),
    ['action', 'actor', 'actor_principal', 'at', 'client_ip', 'details', 'id', 'principal', 'request_id', 'target']);
  assert.equal(row.client_ip, '127.0.0.1');
  assert.ok(Math.abs(Date.parse(row.at) - Date.now()) < 120000, row.at);
  return row;
}

before(async () => {
  db = createDatabase();
  county = await createUser(db, { principal: 'region-ostergotland', role: 'county_admin' });
  motalaAdmin = await createUser(db, { principal: 'motala', role: 'org_admin' });
  kindaAdmin = await createUser(db, { principal: 'kinda', role: 'org_admin' });
  cliClient = await createClient(db, { principal: 'motala', role: 'reporter', areas: ['att-aldras'] });
  keep(county.password, motalaAdmin.password, kindaAdmin.password, cliClient.client_secret);
  srv = await startServer({ db, env: { ...FAST_HASH, LGVO_LOG_LEVEL: 'debug' } });
  for (const [k, u] of Object.entries({ county, motalaAdmin, kindaAdmin })) {
    const t = await login(srv, u.username, u.password);
    tok[k] = keep(t.access_token, t.refresh_token);
  }
});
after(async () => { await srv.stop(); });

describe('events', () => {
  test('login success and failure', async () => {
    const ok = await tokenRequest(srv, { grant_type: 'password', username: motalaAdmin.username, password: motalaAdmin.password }, { headers: withId(rid('login')) });
    expectStatus(ok, 200);
    keep(ok.json.access_token, ok.json.refresh_token);
    const row = await rowOf(ok, 'login.success');
    assert.equal(row.actor, `user:${motalaAdmin.id}`);
    assert.equal(row.actor_principal, 'motala');
    assert.equal(row.target, `user:${motalaAdmin.id}`);
    const bad = await tokenRequest(srv, { grant_type: 'password', username: motalaAdmin.username, password: keep(uniquePassword('wrong')) });
    assert.equal(bad.status, 400);
    const fail = await rowOf(bad, 'login.failure');
    assert.equal(fail.actor, motalaAdmin.username);
  });

  test('client_credentials token issue, refresh, refresh reuse and logout', async () => {
    const cc = await tokenRequest(srv, { grant_type: 'client_credentials', client_id: cliClient.client_id, client_secret: cliClient.client_secret });
    expectStatus(cc, 200);
    keep(cc.json.access_token);
    const issued = await rowOf(cc, 'token.issue');
    assert.equal(issued.actor, `client:${cliClient.client_id}`);
    assert.equal(issued.actor_principal, 'motala');

    const t = await login(srv, kindaAdmin.username, kindaAdmin.password);
    keep(t.access_token, t.refresh_token);
    const r1 = await refresh(srv, t.refresh_token);
    expectStatus(r1, 200);
    keep(r1.json.access_token, r1.json.refresh_token);
    const refreshed = await rowOf(r1, 'token.refresh');
    assert.equal(refreshed.actor, `user:${kindaAdmin.id}`);
    assert.equal(refreshed.actor_principal, 'kinda');
    const reuse = await refresh(srv, t.refresh_token);
    assert.equal(reuse.status, 400);
    assert.equal((await rowOf(reuse, 'token.refresh_reuse')).target, `user:${kindaAdmin.id}`);

    const t2 = await login(srv, kindaAdmin.username, kindaAdmin.password);
    keep(t2.access_token, t2.refresh_token);
    const out = await req(srv, 'POST', '/api/v1/auth/logout', { token: t2.access_token });
    expectStatus(out, 204);
    const row = await rowOf(out, 'logout');
    assert.equal(row.actor, `user:${kindaAdmin.id}`);
    assert.equal(row.actor_principal, 'kinda');
  });

  test('user create, update and deactivate', async () => {
    const password = keep(uniquePassword('new'));
    const created = await req(srv, 'POST', '/api/v1/principals/motala/users', {
      token: tok.motalaAdmin, body: { username: `aud${process.pid}`, password, roles: ['reader'] },
    });
    expectStatus(created, 201);
    const target = `user:${created.json.id}`;
    const c = await rowOf(created, 'user.create');
    assert.deepEqual([c.actor, c.actor_principal, c.principal, c.target], [`user:${motalaAdmin.id}`, 'motala', 'motala', target]);
    const path = `/api/v1/principals/motala/users/${created.json.id}`;
    const newPassword = keep(uniquePassword('changed'));
    const updated = await req(srv, 'PATCH', path, { token: tok.county, body: { display_name: 'X', password: newPassword } });
    expectStatus(updated, 200);
    const u = await rowOf(updated, 'user.update');
    assert.deepEqual([u.actor, u.actor_principal, u.principal, u.target], [`user:${county.id}`, 'region-ostergotland', 'motala', target]);
    const deact = await req(srv, 'PATCH', path, { token: tok.county, body: { active: false } });
    expectStatus(deact, 200);
    assert.equal((await rowOf(deact, 'user.deactivate')).target, target);
  });

  test('client create, update, deactivate and secret rotation', async () => {
    const created = await req(srv, 'POST', '/api/v1/principals/motala/clients', { token: tok.motalaAdmin, body: { name: 'Audited', roles: ['reader'] } });
    expectStatus(created, 201);
    keep(created.json.client_secret);
    const id = created.json.client_id;
    assert.equal((await rowOf(created, 'client.create')).target, `client:${id}`);
    const path = `/api/v1/principals/motala/clients/${id}`;
    const rotated = await req(srv, 'POST', `${path}/secret`, { token: tok.motalaAdmin });
    expectStatus(rotated, 200);
    keep(rotated.json.client_secret);
    const rot = await rowOf(rotated, 'client.rotate_secret');
    assert.deepEqual([rot.actor, rot.principal, rot.target], [`user:${motalaAdmin.id}`, 'motala', `client:${id}`]);
    const cc = await tokenRequest(srv, { grant_type: 'client_credentials' }, { basic: [id, rotated.json.client_secret] });
    expectStatus(cc, 200);
    keep(cc.json.access_token);
    const updated = await req(srv, 'PATCH', path, { token: tok.motalaAdmin, body: { name: 'Audited 2' } });
    expectStatus(updated, 200);
    assert.equal((await rowOf(updated, 'client.update')).target, `client:${id}`);
    const deact = await req(srv, 'PATCH', path, { token: tok.motalaAdmin, body: { active: false } });
    expectStatus(deact, 200);
    assert.equal((await rowOf(deact, 'client.deactivate')).target, `client:${id}`);
  });

  test('CLI events: key rotation, user and client creation', async () => {
    const out = await runCommand(['keys', 'rotate'], { db });
    assert.equal(out.code, 0, out.stderr);
    const { kid } = JSON.parse(out.stdout);
    const rows = expectStatus(await audit('actor=cli&limit=100'), 200).json.items;
    assert.ok(rows.some((r) => r.action === 'key.rotate' && r.target === kid), JSON.stringify(rows));
    assert.ok(rows.some((r) => r.action === 'user.create' && r.target === `user:${county.id}` && r.principal === 'region-ostergotland'));
    assert.ok(rows.some((r) => r.action === 'client.create' && r.target === `client:${cliClient.client_id}` && r.principal === 'motala'));
  });
});

describe('GET /api/v1/audit', () => {
  test('newest first; limit and cursor page through every row exactly once', async () => {
    const all = expectStatus(await audit('limit=1000'), 200).json;
    assert.equal(all.next_cursor, null);
    const ids = all.items.map((r) => r.id);
    assert.ok(ids.length >= 10, `only ${ids.length} rows`);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
    const paged = [];
    let cursor = null;
    for (let page = 0; page < 100; page++) {
      const res = expectStatus(await audit(`limit=3${cursor ? `&cursor=${cursor}` : ''}`), 200).json;
      assert.ok(res.items.length <= 3);
      paged.push(...res.items.map((r) => r.id));
      cursor = res.next_cursor;
      if (cursor === null) break;
    }
    assert.deepEqual(paged.filter((id) => id <= ids[0]), ids);
  });

  test('filters: action, actor, principal, from and to', async () => {
    const byAction = expectStatus(await audit('action=login.success'), 200).json.items;
    assert.ok(byAction.length > 0 && byAction.every((r) => r.action === 'login.success'));
    const actor = `user:${county.id}`;
    const byActor = expectStatus(await audit(`actor=${encodeURIComponent(actor)}`), 200).json.items;
    assert.ok(byActor.length > 0 && byActor.every((r) => r.actor === actor));
    const kinda = expectStatus(await audit('principal=kinda'), 200).json.items;
    assert.ok(kinda.length > 0 && kinda.every((r) => r.principal === 'kinda' || r.actor_principal === 'kinda'));
    assert.deepEqual(expectStatus(await audit('from=2999-01-01'), 200).json.items, []);
    assert.deepEqual(expectStatus(await audit('to=2000-01-01T00:00:00Z'), 200).json.items, []);
    const now = expectStatus(await audit(`from=2000-01-01&to=${encodeURIComponent(new Date(Date.now() + 60000).toISOString())}`), 200).json.items;
    assert.ok(now.length > 0);
  });

  test('bad or unknown query parameters are 400', async () => {
    expectError(await audit('from=yesterday'), 400);
    expectError(await audit('limit=0'), 400);
    expectError(await audit('limit=abc'), 400);
    expectError(await audit('cursor=-5'), 400);
    const err = expectError(await audit('actions=logout'), 400);
    assert.deepEqual(err.details.map((d) => d.path), ['query.actions']);
    const odd = expectError(await audit(`%FF=1&${'%C3%A9'.repeat(60)}=2`), 400, 'invalid_query');
    assert.equal(odd.details.length, 2, JSON.stringify(odd.details));
  });

  test('text that is not UTF-8 and impossible dates are 400, not a database error', async () => {
    for (const q of ['actor=%FF', 'action=%C3', 'principal=%FF%FE', 'from=2025-13-01', 'from=2025-02-29', 'to=2025-04-31',
      'from=0000-01-01', 'to=2025-01-01T25:00:00Z', 'to=2025-01-01T12:60:00Z', 'from=2025-01-01T12:00:00+16:00']) {
      const e = expectError(await audit(q), 400, 'invalid_query');
      assert.equal(e.details[0].path, `query.${q.split('=')[0]}`, q);
    }
    for (const [k, v] of [['from', '2024-02-29'], ['to', '2025-01-01T23:59:60Z'], ['from', '2025-01-01T12:00:00.123+01:00'], ['to', '2025-06-30 12:00:00-0530']]) {
      expectStatus(await audit(`${k}=${encodeURIComponent(v)}`), 200);
    }
  });

  test('an org_admin sees only its own principal; asking for another is 403', async () => {
    const items = expectStatus(await audit('limit=1000', tok.motalaAdmin), 200).json.items;
    assert.ok(items.length > 0);
    for (const r of items) assert.ok(r.principal === 'motala' || r.actor_principal === 'motala', JSON.stringify(r));
    expectError(await audit('principal=kinda', tok.motalaAdmin), 403);
    expectStatus(await audit('principal=motala', tok.motalaAdmin), 200);
  });
});

describe('secrets', () => {
  test('no password, client secret, refresh or access token appears in the log or the audit table', async () => {
    assert.ok(secrets.length >= 20, `only ${secrets.length} secrets collected`);
    const log = srv.logs();
    assert.ok(log.length > 0);
    const table = psql('SELECT row_to_json(a)::text FROM core.audit a', { db: db.name });
    for (const s of secrets) {
      assert.ok(!log.includes(s), `a secret (${s.slice(0, 6)}…) appears in the server log`);
      assert.ok(!table.includes(s), `a secret (${s.slice(0, 6)}…) appears in core.audit`);
    }
    const [, payload] = secrets.find((s) => s.split('.').length === 3).split('.');
    assert.ok(!log.includes(payload), 'a token payload appears in the server log');
  });
});
