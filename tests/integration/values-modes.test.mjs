// Measures and values: the modes of a push (atomic, partial, replace with its slice), dry
// runs, re-pushing identical data, and Idempotency-Key (replay, reuse with another request,
// per caller, parallel retries).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { expectError } from './lib/harness.mjs';
import {
  valuesServer, push, expectSummary, errorKeys, getValues, getHistory, M, ALL_AREAS,
} from './lib/values.mjs';

let env, srv, tok;
before(async () => {
  env = await valuesServer({
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    region: { principal: 'region-ostergotland', role: 'reporter', areas: ALL_AREAS },
    motala: { principal: 'motala', role: 'reporter', areas: ALL_AREAS },
    motala2: { principal: 'motala', role: 'reporter', areas: ALL_AREAS },
  });
  ({ srv, tok } = env);
});
after(async () => { await env.stop(); });

const w = (n) => `2025-W${String(n).padStart(2, '0')}`;
const st = (principal, week, value, measure = M.shortTerm) => ({ measure, principal, period: w(week), value });
const read = async (params) => (await getValues(srv, tok.county, { limit: '1000', ...params })).json.items;
const historyCount = async (params = {}) => (await getHistory(srv, tok.county, { limit: '1000', ...params })).json.items.length;
const snapshot = async () => (await read({})).map((v) => `${v.measure} ${v.principal} ${v.period} ${v.sex} ${v.value} ${v.numerator} ${v.updated_at}`);

describe('atomic and partial', () => {
  test('created, updated and unchanged are counted; identical data again writes nothing (history too)', async () => {
    const rows = [st('motala', 1, 10), st('motala', 2, 20), st('motala', 3, 30)];
    expectSummary(await push(srv, tok.motala, rows), { mode: 'atomic', dry_run: false, created: 3, updated: 0, unchanged: 0, deleted: 0, rejected: 0, errors: [] });
    const h = await historyCount();
    const before = await snapshot();
    expectSummary(await push(srv, tok.motala, rows), { created: 0, updated: 0, unchanged: 3, deleted: 0 });
    expectSummary(await push(srv, tok.motala, rows, { query: '?mode=partial' }), { mode: 'partial', unchanged: 3 });
    assert.equal(await historyCount(), h);
    assert.deepEqual(await snapshot(), before, 'updated_at unchanged');
    // The same numbers written differently are the same value.
    expectSummary(await push(srv, tok.motala, `{"values":[{"measure":"${M.shortTerm}","principal":"0583","period":"2025-W01","value":10.0,"sex":"T"}]}`), { unchanged: 1 });
    expectSummary(await push(srv, tok.motala, [st('motala', 1, 10), st('motala', 2, 21), { ...st('motala', 3, 30), comment: 'nu med kommentar' }]),
      { created: 0, updated: 2, unchanged: 1 });
    assert.equal(await historyCount(), h + 2);
  });

  test('partial: the valid rows are written, the others reported; nothing valid is 200 with everything rejected', async () => {
    const s = expectSummary(await push(srv, tok.motala, [st('motala', 10, 1), st('motala', 11, -1), st('kinda', 12, 1), st('motala', 13, 3)], { query: '?mode=partial' }),
      { mode: 'partial', created: 2, rejected: 2 });
    assert.deepEqual(errorKeys(s.errors), ['1 /values/1/value out_of_range', '2 /values/2/principal forbidden']);
    assert.deepEqual((await read({ measure: M.shortTerm, from: w(10), to: w(13) })).map((v) => v.period), [w(10), w(13)]);
    expectSummary(await push(srv, tok.motala, [st('motala', 14, -1)], { query: '?mode=partial' }), { created: 0, rejected: 1 });
  });

  test('atomic: one forbidden row makes it 403 (even with invalid rows too), nothing written', async () => {
    const err = expectError(await push(srv, tok.motala, [st('motala', 20, 1), st('kinda', 20, 1), st('motala', 21, -5)]), 403, 'forbidden');
    assert.deepEqual(errorKeys(err.details), ['1 /values/1/principal forbidden', '2 /values/2/value out_of_range']);
    assert.equal((await read({ measure: M.shortTerm, from: w(20), to: w(21) })).length, 0);
  });
});

describe('dry runs', () => {
  test('?dry_run=true counts as if written, writes nothing, records no history', async () => {
    const h = await historyCount();
    const before = await snapshot();
    const rows = [st('motala', 30, 1), st('motala', 1, 99), st('motala', 2, 21)];
    expectSummary(await push(srv, tok.motala, rows, { query: '?dry_run=true' }), { dry_run: true, created: 1, updated: 1, unchanged: 1, rejected: 0 });
    expectSummary(await push(srv, tok.motala, [...rows, st('motala', 31, -1)], { query: '?dry_run=true&mode=partial' }), { dry_run: true, mode: 'partial', created: 1, updated: 1, rejected: 1 });
    expectError(await push(srv, tok.motala, [...rows, st('motala', 31, -1)], { query: '?dry_run=true' }), 422, 'validation_failed');
    expectSummary(await push(srv, tok.motala, [st('motala', 2, 21)], { query: '?dry_run=true&mode=replace&from=2025-W01&to=2025-W03' }), { dry_run: true, deleted: 2, unchanged: 1 });
    assert.deepEqual(await snapshot(), before);
    assert.equal(await historyCount(), h);
  });
});

describe('replace', () => {
  test('needs from and to (periods, from not after to); from/to are only for replace', async () => {
    for (const q of ['?mode=replace', '?mode=replace&from=2025-W01', '?mode=replace&to=2025-W01', '?mode=replace&from=2025-W05&to=2025-W01',
      '?mode=replace&from=x&to=2025-W01', '?mode=partial&from=2025-W01&to=2025-W02']) {
      expectError(await push(srv, tok.motala, [st('motala', 1, 10)], { query: q }), 400, 'invalid_query');
    }
  });

  test('deletes only within its slice: the measures × principals of the push, periods from..to', async () => {
    const weeks = [40, 41, 42, 43, 44, 45, 46];
    expectSummary(await push(srv, tok.county, [
      ...weeks.map((n) => st('motala', n, n)), ...weeks.map((n) => st('motala', n, n, M.localCare)),
      ...weeks.map((n) => st('kinda', n, n)),
    ]), { created: 21 });
    const s = expectSummary(await push(srv, tok.motala, [st('motala', 42, 42), st('motala', 44, 4400)], { query: '?mode=replace&from=2025-W41&to=2025-W45' }),
      { mode: 'replace', created: 0, updated: 1, unchanged: 1, deleted: 3, rejected: 0 });
    assert.ok(s);
    assert.deepEqual((await read({ measure: M.shortTerm, principal: 'motala', from: w(40), to: w(46) })).map((v) => `${v.period}=${v.value}`),
      ['2025-W40=40', '2025-W42=42', '2025-W44=4400', '2025-W46=46']);
    assert.equal((await read({ measure: M.localCare, principal: 'motala', from: w(40), to: w(46) })).length, 7);
    assert.equal((await read({ measure: M.shortTerm, principal: 'kinda', from: w(40), to: w(46) })).length, 7);
    const deletes = (await getHistory(srv, tok.county, { measure: M.shortTerm, principal: 'motala', limit: '1000' })).json.items.filter((x) => x.operation === 'delete');
    assert.deepEqual(deletes.map((x) => x.period).sort(), [w(41), w(43), w(45)]);
    assert.deepEqual(deletes.find((x) => x.period === w(41)).old, { value: 41 });
    assert.equal(deletes[0].new, null);
  });

  test('a slice in another period type (months over weekly data) and every sex of the key', async () => {
    expectSummary(await push(srv, tok.county, [st('kinda', 47, 1), st('kinda', 48, 2), st('kinda', 49, 3)]), { created: 3 });
    // 2025-11 is 1-30 November: W45-W48 lie inside (W44 starts 27 Oct, W49 ends 7 Dec).
    expectSummary(await push(srv, tok.county, [st('kinda', 46, 46)], { query: '?mode=replace&from=2025-11&to=2025-11' }), { deleted: 3, unchanged: 1 });
    assert.deepEqual((await read({ measure: M.shortTerm, principal: 'kinda', from: w(40), to: w(52) })).map((v) => v.period), [w(40), w(41), w(42), w(43), w(44), w(46), w(49)]);
    const sr = (sex, n) => ({ measure: M.selfRated, principal: 'motala', period: '2024', sex, numerator: n, denominator: 10 });
    expectSummary(await push(srv, tok.motala, [sr('T', 5), sr('K', 3), sr('M', 2)]), { created: 3 });
    expectSummary(await push(srv, tok.motala, [sr('T', 5)], { query: '?mode=replace&from=2024&to=2024' }), { deleted: 2, unchanged: 1 });
    assert.deepEqual((await read({ measure: M.selfRated, principal: 'motala', from: '2024', to: '2024' })).map((v) => v.sex), ['T']);
  });

  test('replace is atomic: an invalid or forbidden row deletes nothing', async () => {
    const before = await snapshot();
    expectError(await push(srv, tok.motala, [st('motala', 42, 42), st('motala', 43, -1)], { query: '?mode=replace&from=2025-W40&to=2025-W46' }), 422);
    expectError(await push(srv, tok.motala, [st('motala', 42, 42), st('kinda', 43, 1)], { query: '?mode=replace&from=2025-W40&to=2025-W46' }), 403);
    assert.deepEqual(await snapshot(), before);
  });

  test('the region replaces its on-behalf data for one municipality without touching the others', async () => {
    const r30 = (principal, month, n) => ({ measure: M.readm30, principal, period: `2025-${String(month).padStart(2, '0')}`, numerator: n, denominator: 100 });
    expectSummary(await push(srv, tok.region, [r30('kinda', 1, 1), r30('kinda', 2, 2), r30('ydre', 1, 3), r30('ydre', 2, 4)]), { created: 4 });
    expectSummary(await push(srv, tok.region, [r30('kinda', 1, 1)], { query: '?mode=replace&from=2025-01&to=2025-06' }), { deleted: 1, unchanged: 1 });
    assert.deepEqual((await read({ measure: M.readm30 })).map((v) => `${v.principal} ${v.period}`), ['kinda 2025-01', 'ydre 2025-01', 'ydre 2025-02']);
  });
});

describe('Idempotency-Key', () => {
  const key = (k) => ({ headers: { 'idempotency-key': k } });

  test('the same key and request get the first answer again, marked Idempotent-Replayed, without writing', async () => {
    const rows = [st('motala', 50, 5), st('motala', 51, 6)];
    const first = await push(srv, tok.motala, rows, key('k-50'));
    expectSummary(first, { created: 2 });
    assert.equal(first.headers.get('idempotent-replayed'), null);
    // Meanwhile the data changes; the replay still answers as the first time and changes nothing.
    expectSummary(await push(srv, tok.motala, [st('motala', 50, 7)]), { updated: 1 });
    const h = await historyCount();
    const again = await push(srv, tok.motala, rows, key('k-50'));
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(again.json, first.json);
    assert.equal(await historyCount(), h);
    assert.equal((await read({ measure: M.shortTerm, principal: 'motala', from: w(50), to: w(50) }))[0].value, 7);
  });

  test('the same key with another body, query or content type is 409 idempotency_key_reused', async () => {
    const rows = [st('motala', 52, 1)];
    expectSummary(await push(srv, tok.motala, rows, key('k-52')), { created: 1 });
    expectError(await push(srv, tok.motala, [st('motala', 52, 2)], key('k-52')), 409, 'idempotency_key_reused');
    expectError(await push(srv, tok.motala, rows, { ...key('k-52'), query: '?mode=partial' }), 409, 'idempotency_key_reused');
    expectError(await push(srv, tok.motala, JSON.stringify({ values: rows }), { ...key('k-52'), contentType: 'application/json; charset=utf-8' }), 409, 'idempotency_key_reused');
    assert.equal((await read({ measure: M.shortTerm, principal: 'motala', from: w(52), to: w(52) }))[0].value, 1);
  });

  test('keys belong to the caller; failed and dry-run pushes do not use up a key; malformed keys are 400', async () => {
    expectSummary(await push(srv, tok.motala2, [st('motala', 52, 1)], key('k-52')), { unchanged: 1 });
    expectError(await push(srv, tok.motala, [st('motala', 40, -1)], key('k-fail')), 422);
    expectSummary(await push(srv, tok.motala, [st('motala', 40, 400)], key('k-fail')), { updated: 1 });
    expectSummary(await push(srv, tok.motala, [st('motala', 39, 1)], { ...key('k-dry'), query: '?dry_run=true' }), { dry_run: true, created: 1 });
    const real = await push(srv, tok.motala, [st('motala', 39, 1)], { ...key('k-dry'), query: '?dry_run=true' });
    expectSummary(real, { dry_run: true, created: 1 });
    assert.equal(real.headers.get('idempotent-replayed'), null);
    for (const k of ['has space', 'x'.repeat(201), 'å']) {
      expectError(await push(srv, tok.motala, [st('motala', 39, 1)], key(k)), 400, 'invalid_idempotency_key');
    }
  });

  test('parallel retries with one key: one write, every answer the same', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => st('motala', i + 1, 1000 + i, M.localCare));
    const h = await historyCount({ measure: M.localCare, principal: 'motala' });
    const answers = await Promise.all(Array.from({ length: 6 }, () => push(srv, tok.motala, rows, key('k-parallel'))));
    for (const a of answers) assert.equal(a.status, 200, a.text);
    for (const a of answers) assert.deepEqual(a.json, answers[0].json);
    assert.equal(answers.filter((a) => a.headers.get('idempotent-replayed') !== 'true').length, 1);
    assert.equal(answers[0].json.created + answers[0].json.updated, 20);
    assert.equal(await historyCount({ measure: M.localCare, principal: 'motala' }), h + 20);
  });
});
