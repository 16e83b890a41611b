// Measures and values: the history of every create, update and delete (old and new, who, when,
// request id; filters and pages), period locks (county_admin; a push into a locked period is
// 409 saying by whom; partial mode rejects those rows; audited) and population data.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { req, expectStatus, expectError } from './lib/harness.mjs';
import { createClient, clientToken } from './lib/auth.mjs';
import {
  valuesServer, push, expectSummary, errorKeys, getValues, getHistory, M, ALL_AREAS,
} from './lib/values.mjs';

let env, srv, tok, u;
before(async () => {
  env = await valuesServer({
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    motala: { principal: 'motala', role: 'reporter', areas: ALL_AREAS },
    kinda: { principal: 'kinda', role: 'reporter', areas: ALL_AREAS },
  });
  ({ srv, tok, users: u } = env);
});
after(async () => { await env.stop(); });

const st = (principal, week, value, extra = {}) => ({ measure: M.shortTerm, principal, period: `2025-W${String(week).padStart(2, '0')}`, value, ...extra });
const history = async (params) => expectStatus(await getHistory(srv, tok.county, { limit: '1000', ...params }), 200).json.items;
const audit = async (action) => expectStatus(await req(srv, 'GET', `/api/v1/audit?action=${action}&limit=1000`, { token: tok.county }), 200).json.items;

describe('history', () => {
  test('create, update and delete are recorded with old, new, who, when and the push\'s request id', async () => {
    const t0 = Date.now();
    const created = await push(srv, tok.motala, [st('motala', 1, 5, { comment: 'först' })], { headers: { 'x-request-id': 'push-create-1' } });
    expectSummary(created, { created: 1 });
    assert.equal(created.headers.get('x-request-id'), 'push-create-1');
    const updated = await push(srv, tok.motala, [st('motala', 1, 6)]);
    expectSummary(updated, { updated: 1 });
    const deleted = await push(srv, tok.motala, [st('motala', 2, 1)], { query: '?mode=replace&from=2025-W01&to=2025-W02' });
    expectSummary(deleted, { deleted: 1, created: 1 });
    const items = await history({ measure: M.shortTerm, principal: 'motala', period: '2025-W01' });
    assert.deepEqual(items.map((h) => h.operation), ['create', 'update', 'delete']);
    const [c, up, del] = items;
    assert.deepEqual(Object.keys(c).sort(), ['changed_at', 'changed_by', 'changed_by_principal', 'id', 'measure', 'new', 'old', 'operation', 'period', 'principal', 'request_id', 'sex', 'suppressed']);
    assert.deepEqual([c.measure, c.principal, c.period, c.sex], [M.shortTerm, 'motala', '2025-W01', 'T']);
    assert.deepEqual([c.old, c.new], [null, { value: 5, comment: 'först' }]);
    assert.deepEqual([up.old, up.new], [{ value: 5, comment: 'först' }, { value: 6 }]);
    assert.deepEqual([del.old, del.new], [{ value: 6 }, null]);
    for (const h of items) {
      assert.equal(h.changed_by, `user:${u.motala.id}`);
      assert.equal(h.changed_by_principal, 'motala');
      assert.ok(Date.parse(h.changed_at) >= t0 - 5000 && Date.parse(h.changed_at) <= Date.now() + 5000, h.changed_at);
      assert.equal(h.suppressed, false);
    }
    assert.equal(c.request_id, 'push-create-1');
    assert.equal(up.request_id, updated.headers.get('x-request-id'));
    assert.equal(del.request_id, deleted.headers.get('x-request-id'));
    assert.ok(c.id < up.id && up.id < del.id);
  });

  test('a ratio records numerator, denominator and the derived value; a milestone its date', async () => {
    expectSummary(await push(srv, tok.motala, [{ measure: M.selfRated, principal: 'motala', period: '2024', numerator: 7, denominator: 140 },
      { measure: M.grants, principal: 'motala', period: '2024', achieved: true, achieved_on: '2024-03-01', comment: 'ok' }]), { created: 2 });
    assert.deepEqual((await history({ measure: M.selfRated }))[0].new, { value: 5, numerator: 7, denominator: 140 });
    assert.deepEqual((await history({ measure: M.grants }))[0].new, { achieved: true, achieved_on: '2024-03-01', comment: 'ok' });
  });

  test('who wrote: another user, county_admin for a municipality, a machine client', async () => {
    expectSummary(await push(srv, tok.county, [st('kinda', 3, 1)]), { created: 1 });
    const client = await createClient(env.db, { principal: 'kinda', role: 'reporter', areas: ['nara-vard'] });
    const ct = (await clientToken(srv, client.client_id, client.client_secret)).access_token;
    expectSummary(await push(srv, ct, [st('kinda', 3, 2)]), { updated: 1 });
    const items = await history({ principal: '0513', period: '2025-W03' });
    assert.deepEqual(items.map((h) => [h.changed_by, h.changed_by_principal]), [[`user:${u.county.id}`, 'region-ostergotland'], [`client:${client.client_id}`, 'kinda']]);
  });

  test('filters and pages: limit and cursor walk every entry once, in order', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => st('kinda', 10 + i, i));
    expectSummary(await push(srv, tok.kinda, rows), { created: 25 });
    expectSummary(await push(srv, tok.kinda, rows.map((r) => ({ ...r, value: r.value + 100 }))), { updated: 25 });
    const all = await history({ principal: 'kinda' });
    const seen = [];
    let cursor;
    for (let i = 0; i < 20; i++) {
      const res = expectStatus(await getHistory(srv, tok.kinda, { principal: 'kinda', limit: '7', ...(cursor ? { cursor } : {}) }), 200);
      seen.push(...res.json.items);
      cursor = res.json.next_cursor;
      if (!cursor) break;
    }
    assert.deepEqual(seen.map((h) => h.id), all.map((h) => h.id));
    assert.equal(new Set(seen.map((h) => h.id)).size, seen.length);
    assert.equal((await history({ principal: 'kinda', period: '2025-W20' })).length, 2);
    assert.equal((await history({ measure: M.selfRated, principal: 'kinda' })).length, 0);
    expectError(await getHistory(srv, tok.kinda, { limit: '1001' }), 400, 'invalid_query');
    expectError(await getHistory(srv, tok.kinda, { cursor: 'abc' }), 400, 'invalid_query');
    expectError(await getHistory(srv, undefined, {}), 401);
  });
});

describe('locks', () => {
  let lockId;
  test('county_admin locks a measure × period; others may not; bad bodies are 422; a duplicate is 409', async () => {
    const res = expectStatus(await req(srv, 'POST', '/api/v1/locks', { token: tok.county, body: { measure: M.shortTerm, period: '2025-W05', reason: 'Uppföljning T1' } }), 201);
    lockId = res.json.id;
    assert.deepEqual([res.json.measure, res.json.period, res.json.up_to, res.json.locked_by, res.json.reason], [M.shortTerm, '2025-W05', null, `user:${u.county.id}`, 'Uppföljning T1']);
    expectError(await req(srv, 'POST', '/api/v1/locks', { token: tok.motala, body: { measure: M.shortTerm, period: '2025-W06' } }), 403);
    for (const body of [{ measure: M.shortTerm }, { measure: M.shortTerm, period: '2025-06' }, { period: '2025-W06' },
      { measure: 'x.y', period: '2025-W06' }, { measure: M.shortTerm, period: '2025-W06', up_to: '2025-06-30' }, { up_to: '2025-02-30' }, { up_to: '2025-06-30', extra: 1 }]) {
      expectError(await req(srv, 'POST', '/api/v1/locks', { token: tok.county, body }), 422, 'validation_failed');
    }
    expectError(await req(srv, 'POST', '/api/v1/locks', { token: tok.county, body: { measure: M.shortTerm, period: '2025-W05' } }), 409);
    const list = expectStatus(await req(srv, 'GET', '/api/v1/locks', { token: tok.motala }), 200).json.items;
    assert.deepEqual(list.map((l) => l.id), [lockId]);
    const a = (await audit('lock.create')).filter((r) => r.target === `lock:${lockId}`);
    assert.equal(a.length, 1);
    assert.equal(a[0].actor, `user:${u.county.id}`);
  });

  test('a push into a locked period is 409 period_locked naming who locked it; nothing is written; partial rejects those rows', async () => {
    const before = (await history({})).length;
    const res = await push(srv, tok.motala, [st('motala', 4, 1), st('motala', 5, 1)]);
    const err = expectError(res, 409, 'period_locked');
    assert.deepEqual(errorKeys(err.details), ['1 /values/1/period period_locked']);
    assert.match(err.details[0].message, /locked/);
    assert.ok(err.details[0].message.includes(`user:${u.county.id}`), err.details[0].message);
    assert.equal((await history({})).length, before);
    expectError(await push(srv, tok.county, [st('kinda', 5, 1)]), 409, 'period_locked');
    expectError(await push(srv, tok.motala, [st('motala', 5, 1)], { query: '?dry_run=true' }), 409, 'period_locked');
    const s = expectSummary(await push(srv, tok.motala, [st('motala', 4, 1), st('motala', 5, 1)], { query: '?mode=partial' }), { created: 1, rejected: 1 });
    assert.deepEqual(errorKeys(s.errors), ['1 /values/1/period period_locked']);
    // Other measures and periods are open.
    expectSummary(await push(srv, tok.motala, [st('motala', 5, 1, { measure: M.localCare }), st('motala', 6, 1)]), { created: 2 });
  });

  test('replace may not delete inside a locked period', async () => {
    expectStatus(await req(srv, 'DELETE', `/api/v1/locks/${lockId}`, { token: tok.county }), 204);
    expectSummary(await push(srv, tok.motala, [st('motala', 5, 9)]), { created: 1 });
    lockId = expectStatus(await req(srv, 'POST', '/api/v1/locks', { token: tok.county, body: { measure: M.shortTerm, period: '2025-W05' } }), 201).json.id;
    const err = expectError(await push(srv, tok.motala, [st('motala', 4, 1)], { query: '?mode=replace&from=2025-W04&to=2025-W06' }), 409, 'period_locked');
    assert.match(err.message, /2025-W05/);
    assert.equal((await getValues(srv, tok.county, { measure: M.shortTerm, principal: 'motala', from: '2025-W05', to: '2025-W06' })).json.items.length, 2);
  });

  test('up_to locks every period ending on or before the date, for all measures or one', async () => {
    const all = expectStatus(await req(srv, 'POST', '/api/v1/locks', { token: tok.county, body: { up_to: '2024-06-30' } }), 201).json;
    const res = await push(srv, tok.motala, [
      st('motala', 1, 1, { period: '2024-W26' }), st('motala', 1, 1, { period: '2024-W27' }),
      { measure: M.selfRated, principal: 'motala', period: '2023', numerator: 1, denominator: 2 },
      { measure: M.selfRated, principal: 'motala', period: '2024', numerator: 1, denominator: 2 },
      { measure: M.falls, principal: 'motala', period: '2024Q2', value: 1 }, { measure: M.falls, principal: 'motala', period: '2024Q3', value: 1 },
    ], { query: '?mode=partial' });
    const s = expectSummary(res, { rejected: 3 });
    assert.deepEqual(errorKeys(s.errors), ['0 /values/0/period period_locked', '2 /values/2/period period_locked', '4 /values/4/period period_locked']);
    assert.match(s.errors[0].message, /up to 2024-06-30/);
    const one = expectStatus(await req(srv, 'POST', '/api/v1/locks', { token: tok.county, body: { up_to: '2025-03-31', measure: M.falls } }), 201).json;
    const s2 = expectSummary(await push(srv, tok.motala, [{ measure: M.falls, principal: 'motala', period: '2025Q1', value: 2 }, st('motala', 1, 1, { period: '2025-W13' })], { query: '?mode=partial' }), { rejected: 1 });
    assert.deepEqual(errorKeys(s2.errors), ['0 /values/0/period period_locked']);
    for (const id of [all.id, one.id, lockId]) expectStatus(await req(srv, 'DELETE', `/api/v1/locks/${id}`, { token: tok.county }), 204);
    expectSummary(await push(srv, tok.motala, [st('motala', 1, 1, { period: '2024-W26' }), { measure: M.falls, principal: 'motala', period: '2025Q1', value: 2 }]), { created: 2 });
  });

  test('unlocking is county_admin only, 404 for unknown ids, and audited', async () => {
    const l = expectStatus(await req(srv, 'POST', '/api/v1/locks', { token: tok.county, body: { measure: M.sip, period: '2024T1' } }), 201).json;
    expectError(await req(srv, 'DELETE', `/api/v1/locks/${l.id}`, { token: tok.motala }), 403);
    expectStatus(await req(srv, 'DELETE', `/api/v1/locks/${l.id}`, { token: tok.county }), 204);
    expectError(await req(srv, 'DELETE', `/api/v1/locks/${l.id}`, { token: tok.county }), 404);
    expectError(await req(srv, 'DELETE', '/api/v1/locks/abc', { token: tok.county }), 404);
    const d = (await audit('lock.delete')).filter((r) => r.target === `lock:${l.id}`);
    assert.equal(d.length, 1);
    assert.equal(d[0].details.period, '2024T1');
    assert.deepEqual(expectStatus(await req(srv, 'GET', '/api/v1/locks', { token: tok.county }), 200).json.items, []);
  });
});

describe('population', () => {
  const put = (token, rows) => req(srv, 'PUT', '/api/v1/population', { token, body: { rows } });
  test('county_admin puts rows (created, updated, unchanged); anyone reads them with filters', async () => {
    const rows = [
      { principal: 'motala', year: 2024, sex: 'T', age_band: '80+', population: 2500 },
      { principal: '0513', year: 2024, sex: 'K', age_band: '80+', population: 300 },
      { principal: 'region-ostergotland', year: 2024, sex: 'T', age_band: 'all', population: 470000 },
    ];
    assert.deepEqual(expectStatus(await put(tok.county, rows), 200).json, { created: 3, updated: 0, unchanged: 0 });
    assert.deepEqual(expectStatus(await put(tok.county, [{ ...rows[0], population: 2600 }, rows[1]]), 200).json, { created: 0, updated: 1, unchanged: 1 });
    const got = expectStatus(await req(srv, 'GET', '/api/v1/population', { token: tok.motala }), 200).json.items;
    assert.deepEqual(got.map((r) => `${r.principal} ${r.year} ${r.sex} ${r.age_band} ${r.population}`),
      ['region-ostergotland 2024 T all 470000', 'kinda 2024 K 80+ 300', 'motala 2024 T 80+ 2600']);
    assert.equal(expectStatus(await req(srv, 'GET', '/api/v1/population?principal=0583', { token: tok.motala }), 200).json.items.length, 1);
    assert.equal(expectStatus(await req(srv, 'GET', '/api/v1/population?age_band=all&year=2024', { token: tok.motala }), 200).json.items.length, 1);
    assert.equal(expectStatus(await req(srv, 'GET', '/api/v1/population?year=2023', { token: tok.motala }), 200).json.items.length, 0);
    assert.ok((await audit('population.put')).length >= 2);
  });

  test('only county_admin writes; invalid rows are 422 with their paths and nothing is written', async () => {
    expectError(await put(tok.motala, [{ principal: 'motala', year: 2024, sex: 'T', age_band: 'all', population: 1 }]), 403);
    const err = expectError(await put(tok.county, [
      { principal: 'motala', year: 2023, sex: 'T', age_band: 'all', population: 1 },
      { principal: 'nowhere', year: 2024, sex: 'T', age_band: 'all', population: 1 },
      { principal: 'motala', year: '2024', sex: 'T', age_band: 'all', population: 1 },
      { principal: 'motala', year: 2024, sex: 'X', age_band: 'all', population: 1 },
      { principal: 'motala', year: 2024, sex: 'T', age_band: '90+', population: 1 },
      { principal: 'motala', year: 2024, sex: 'T', age_band: 'all', population: -1 },
      { principal: 'motala', year: 2024, sex: 'T', age_band: 'all', population: 1, extra: 1 },
    ]), 422, 'validation_failed');
    assert.deepEqual(err.details.map((d) => d.path), ['/rows/1/principal', '/rows/2/year', '/rows/3/sex', '/rows/4/age_band', '/rows/5/population', '/rows/6']);
    assert.equal(expectStatus(await req(srv, 'GET', '/api/v1/population?year=2023', { token: tok.county }), 200).json.items.length, 0);
    expectError(await req(srv, 'PUT', '/api/v1/population', { token: tok.county, body: { rows: {} } }), 400);
  });

  test('the same key twice in one request is a 422 naming the row, not a server error', async () => {
    const r = { principal: 'kinda', year: 2022, sex: 'T', age_band: 'all', population: 1 };
    const err = expectError(await put(tok.county, [r, { ...r, principal: '0513', population: 2 }]), 422, 'validation_failed');
    assert.deepEqual(err.details.map((d) => d.path), ['/rows/1'], JSON.stringify(err.details));
    assert.match(err.details[0].message, /row 0/);
    assert.equal(expectStatus(await req(srv, 'GET', '/api/v1/population?year=2022', { token: tok.county }), 200).json.items.length, 0);
  });
});
