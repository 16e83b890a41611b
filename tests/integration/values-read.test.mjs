// Measures and values: GET /api/v1/values — fields, filters, keyset pagination (every page
// walked: no duplicates, no gaps; X-Next-Cursor), CSV (Accept: text/csv), and ETags (304
// without a body while nothing changed; a new ETag after a push; one per representation and
// per caller).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { expectStatus, expectError } from './lib/harness.mjs';
import { valuesServer, push, expectSummary, getValues, readAll, M, ALL_AREAS } from './lib/values.mjs';

let env, srv, tok;
const W = (n) => `2025-W${String(n).padStart(2, '0')}`;
const MUNICIPALITIES = ['motala', 'kinda', 'ydre', 'linkoping', 'boxholm'];
before(async () => {
  env = await valuesServer({
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    region: { principal: 'region-ostergotland', role: 'reporter', areas: ALL_AREAS },
    reader: { principal: 'ydre', role: 'reader' },
  });
  ({ srv, tok } = env);
  // 5 municipalities × 30 weeks × 2 measures, self-rated health by sex, readmissions for two.
  const rows = [];
  for (const p of MUNICIPALITIES) {
    for (let w = 1; w <= 30; w++) {
      rows.push({ measure: M.shortTerm, principal: p, period: W(w), value: w });
      rows.push({ measure: M.localCare, principal: p, period: W(w), value: 100 + w, comment: `${p}, vecka ${w}` });
    }
    for (const sex of ['T', 'K', 'M']) rows.push({ measure: M.selfRated, principal: p, period: '2024', sex, numerator: 1, denominator: 4 });
  }
  expectSummary(await push(srv, tok.county, rows), { created: 315 });
  expectSummary(await push(srv, tok.region, [{ measure: M.readm30, principal: 'kinda', period: '2025-01', numerator: 2, denominator: 50 },
    { measure: M.readm30, principal: 'ydre', period: '2025-02', numerator: 1, denominator: 3 }]), { created: 2 });
});
after(async () => { await env.stop(); });

const list = async (params, token = tok.reader) => expectStatus(await getValues(srv, token, { limit: '1000', ...params }), 200).json.items;

describe('listing values', () => {
  test('items have exactly the documented fields', async () => {
    const [v] = await list({ measure: M.localCare, principal: 'kinda', from: W(3), to: W(3) });
    assert.deepEqual(Object.keys(v).sort(), ['achieved', 'achieved_on', 'comment', 'denominator', 'measure', 'numerator', 'period', 'principal',
      'sex', 'suppressed', 'text', 'updated_at', 'updated_by', 'value']);
    assert.deepEqual([v.measure, v.principal, v.period, v.sex, v.value, v.numerator, v.comment, v.suppressed], [M.localCare, 'kinda', W(3), 'T', 103, null, 'kinda, vecka 3', false]);
    assert.equal(v.updated_by, `user:${env.users.county.id}`);
    assert.match(v.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const [r] = await list({ measure: M.readm30, principal: 'ydre' });
    assert.deepEqual([r.value, r.numerator, r.denominator], [33.333333, 1, 3]);
  });

  test('filters: measure, principal (slug or code), area, from/to (any period form), sex, updated_since', async () => {
    assert.equal((await list({ measure: M.shortTerm })).length, 150);
    assert.equal((await list({ principal: '0513' })).length, 64);
    assert.equal((await list({ principal: 'kinda', area: 'att-aldras' })).length, 4);
    assert.equal((await list({ area: 'nara-vard' })).length, 300);
    assert.equal((await list({ measure: M.shortTerm, from: W(10), to: W(12) })).length, 15);
    assert.equal((await list({ measure: M.shortTerm, principal: 'motala', from: '2025-03', to: '2025-03' })).length, 4); // W10-W13 lie in March
    assert.equal((await list({ measure: M.shortTerm, principal: 'motala', from: '2025Q1' })).length, 29); // W01 starts 2024-12-30
    assert.deepEqual((await list({ measure: M.selfRated, principal: 'ydre', sex: 'K' })).map((v) => v.sex), ['K']);
    assert.equal((await list({ measure: 'att-aldras.nothing' })).length, 0);
    const since = new Date(Date.now() + 60000).toISOString();
    assert.equal((await list({ updated_since: since })).length, 0);
    assert.equal((await list({ updated_since: '2020-01-01' })).length, 317);
    for (const bad of [{ from: '2025-13' }, { sex: 'X' }, { updated_since: 'yesterday' }, { limit: '1001' }, { limit: '0' }, { cursor: '!!' }, { cursor: 'bm9wZQ' }, { colour: 'red' }]) {
      expectError(await getValues(srv, tok.reader, bad), 400, 'invalid_query');
    }
    expectError(await getValues(srv, undefined, {}), 401);
  });

  test('a cursor this endpoint did not make is 400, also when it is well-formed but out of range', async () => {
    const forged = ['999999999999999,1,2025-01-01,T', '1,99999,2025-01-01,T', '1,1,2025-99-99,T', '1,1,-,T', '1,1,2025-01-01,T,x'];
    for (const c of forged) {
      const err = expectError(await getValues(srv, tok.reader, { cursor: Buffer.from(c).toString('base64url') }), 400, 'invalid_query');
      assert.equal(err.details[0].path, 'query.cursor', c);
    }
  });

  test('pages: keyset pagination walks every row once, in key order, with X-Next-Cursor', async () => {
    const all = await list({});
    assert.equal(all.length, 317);
    const key = (v) => `${v.measure}|${v.principal}|${v.period}|${v.sex}`;
    for (const limit of [1, 7, 100, 316, 317, 1000]) {
      const walked = await readAll(srv, tok.reader, {}, limit);
      assert.deepEqual(walked.map(key), all.map(key), `limit ${limit}`);
    }
    const filtered = await readAll(srv, tok.reader, { measure: M.localCare, principal: 'ydre' }, 4);
    assert.deepEqual(filtered.map((v) => v.period), Array.from({ length: 30 }, (_, i) => W(i + 1)));
    // The default page is 100.
    const first = expectStatus(await getValues(srv, tok.reader, {}), 200);
    assert.equal(first.json.items.length, 100);
    assert.ok(first.json.next_cursor);
  });

  test('the same page read twice carries its cursor both times (also when answered from a cache)', async () => {
    for (let i = 0; i < 3; i++) {
      const res = expectStatus(await getValues(srv, tok.reader, { limit: '10' }), 200);
      assert.ok(res.json.next_cursor);
      assert.equal(res.headers.get('x-next-cursor'), res.json.next_cursor, `read ${i}`);
      const csv = expectStatus(await getValues(srv, tok.reader, { limit: '10' }, { accept: 'text/csv' }), 200);
      assert.equal(csv.headers.get('x-next-cursor'), res.json.next_cursor, `csv read ${i}`);
    }
  });

  test('a page survives writes between requests: rows after the cursor appear, none repeat', async () => {
    const page1 = expectStatus(await getValues(srv, tok.reader, { measure: M.shortTerm, principal: 'boxholm', limit: '10' }), 200).json;
    expectSummary(await push(srv, tok.county, [{ measure: M.shortTerm, principal: 'boxholm', period: W(31), value: 31 },
      { measure: M.shortTerm, principal: 'boxholm', period: W(5), value: 555 }]), { created: 1, updated: 1 });
    const rest = await readAll(srv, tok.reader, { measure: M.shortTerm, principal: 'boxholm', cursor: page1.next_cursor }, 10);
    assert.deepEqual([...page1.items, ...rest].map((v) => v.period), Array.from({ length: 31 }, (_, i) => W(i + 1)));
  });
});

describe('CSV', () => {
  test('Accept: text/csv gives a header row and one line per item, quoted where needed', async () => {
    const res = expectStatus(await getValues(srv, tok.reader, { measure: M.localCare, principal: 'kinda', from: W(1), to: W(2) }, { accept: 'text/csv' }), 200);
    assert.match(res.headers.get('content-type'), /^text\/csv/);
    const lines = res.text.split('\r\n');
    assert.equal(lines[0], 'measure,principal,period,sex,value,numerator,denominator,achieved,achieved_on,text,comment,updated_at,updated_by,suppressed');
    assert.equal(lines.length, 4);
    assert.equal(lines[3], '');
    assert.match(lines[1], new RegExp(`^${M.localCare.replace('.', '\\.')},kinda,2025-W01,T,101,,,,,,"kinda, vecka 1",\\d{4}-[^,]+,user:[^,]+,false$`));
    const json = expectStatus(await getValues(srv, tok.reader, { measure: M.localCare }, { accept: 'application/json' }), 200);
    assert.match(json.headers.get('content-type'), /^application\/json/);
  });
});

describe('ETags', () => {
  test('If-None-Match with the ETag is 304 without a body; after a push the ETag changes', async () => {
    const params = { measure: M.shortTerm, principal: 'motala' };
    const a = expectStatus(await getValues(srv, tok.reader, params), 200);
    const etag = a.headers.get('etag');
    assert.ok(etag);
    const b = await getValues(srv, tok.reader, params, { 'if-none-match': etag });
    assert.equal(b.status, 304);
    assert.equal(b.text, '');
    assert.equal(b.headers.get('etag'), etag);
    expectSummary(await push(srv, tok.county, [{ measure: M.shortTerm, principal: 'motala', period: W(1), value: 1000 }]), { updated: 1 });
    const c = expectStatus(await getValues(srv, tok.reader, params, { 'if-none-match': etag }), 200);
    assert.notEqual(c.headers.get('etag'), etag);
    assert.equal(c.json.items[0].value, 1000);
    assert.equal((await getValues(srv, tok.reader, params, { 'if-none-match': c.headers.get('etag') })).status, 304);
  });

  test('JSON and CSV of the same URL have different ETags', async () => {
    const json = expectStatus(await getValues(srv, tok.reader, { measure: M.shortTerm }), 200);
    const csv = expectStatus(await getValues(srv, tok.reader, { measure: M.shortTerm }, { accept: 'text/csv' }), 200);
    assert.notEqual(json.headers.get('etag'), csv.headers.get('etag'));
    const cross = await getValues(srv, tok.reader, { measure: M.shortTerm }, { accept: 'text/csv', 'if-none-match': json.headers.get('etag') });
    assert.equal(cross.status, 200, 'a JSON ETag does not validate the CSV representation');
    assert.match(cross.text, /^measure,principal/);
  });

  test('callers who may see different things get different ETags', async () => {
    const byCounty = expectStatus(await getValues(srv, tok.county, { measure: M.shortTerm }), 200).headers.get('etag');
    const byReader = await getValues(srv, tok.reader, { measure: M.shortTerm }, { 'if-none-match': byCounty });
    assert.equal(byReader.status, 200);
  });
});
