// Measures and values: pushing text/csv (a header row with the JSON field names; RFC 4180
// quoting; errors name the line and the column), and the size limits of a push
// (LGVO_MAX_PUSH_ROWS → 413 too_many_rows, LGVO_MAX_BODY_BYTES → 413), JSON and CSV.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { expectError } from './lib/harness.mjs';
import {
  valuesServer, extraServer, push, pushCsv, expectSummary, errorKeys, getValues, M, ALL_AREAS,
} from './lib/values.mjs';

let env, srv, tok;
before(async () => {
  env = await valuesServer({
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    motala: { principal: 'motala', role: 'reporter', areas: ALL_AREAS },
  });
  ({ srv, tok } = env);
});
after(async () => { await env.stop(); });

const read = async (params) => (await getValues(srv, tok.county, params)).json.items;
const csvLines = (header, ...rows) => [header, ...rows].join('\r\n') + '\r\n';

describe('CSV pushes', () => {
  test('a header row and records; CRLF or LF; a byte-order mark; quoted fields with commas, quotes and newlines', async () => {
    const body = '\ufeff' + csvLines('measure,principal,period,value,comment',
      `${M.shortTerm},motala,2025-W01,12,plain`,
      `${M.shortTerm},0583,2025-W02,13,"with, comma"`,
      `${M.shortTerm},motala,2025-W03,14,"she said ""hi""\nand left"`,
      '',
      `${M.shortTerm},motala,2025-W04,15,`);
    expectSummary(await pushCsv(srv, tok.motala, body), { created: 4, rejected: 0, errors: [] });
    const items = await read({ measure: M.shortTerm, from: '2025-W01', to: '2025-W04' });
    assert.deepEqual(items.map((v) => [v.period, v.value, v.comment]), [
      ['2025-W01', 12, 'plain'], ['2025-W02', 13, 'with, comma'], ['2025-W03', 14, 'she said "hi"\nand left'], ['2025-W04', 15, null]]);
    const lf = `measure,principal,period,value\n${M.shortTerm},motala,2025-W05,1\n${M.shortTerm},motala,2025-W06,2`;
    expectSummary(await pushCsv(srv, tok.motala, lf), { created: 2 });
    expectSummary(await pushCsv(srv, tok.motala, lf, { contentType: 'text/csv; charset=utf-8' }), { unchanged: 2 });
  });

  test('columns in any order, only those needed; every kind of measure', async () => {
    const body = csvLines('comment,achieved_on,achieved,text,denominator,numerator,sex,period,principal,measure,value',
      `,,,,140,7,K,2024,motala,${M.selfRated},`,
      `klart,2024-10-01,true,,,,,2024,motala,${M.grants},`,
      `,,false,,,,,2023,motala,${M.grants},`,
      `,,,"Text, med komma",,,,2024,motala,${M.uptake},`,
      `,,,,,,T,2024Q2,motala,${M.falls},3`);
    expectSummary(await pushCsv(srv, tok.motala, body), { created: 5, rejected: 0 });
    const [sr] = await read({ measure: M.selfRated, principal: 'motala', from: '2024', to: '2024' });
    assert.deepEqual([sr.sex, sr.value, sr.numerator, sr.denominator], ['K', 5, 7, 140]);
    const [g] = await read({ measure: M.grants, from: '2024', to: '2024' });
    assert.deepEqual([g.achieved, g.achieved_on, g.comment], [true, '2024-10-01', 'klart']);
    assert.equal((await read({ measure: M.grants, from: '2023', to: '2023' }))[0].achieved, false);
    assert.equal((await read({ measure: M.uptake }))[0].text, 'Text, med komma');
    assert.equal((await read({ measure: M.falls }))[0].value, 3);
  });

  test('row errors carry the line (header = line 1, quoted newlines counted) and the column name as path', async () => {
    const body = csvLines('measure,principal,period,value,comment',
      `${M.shortTerm},motala,2025-W10,-1,`,
      `${M.shortTerm},motala,2025-W11,1,"two\nlines"`,
      `${M.shortTerm},nowhere,2025-W12,1,`,
      `${M.shortTerm},motala,2025-W13,1`,
      `${M.shortTerm},motala,2025-W14,1,x,extra`,
      `${M.shortTerm},motala,2025-W99,1,`,
      `${M.shortTerm},motala,2025-W11,2,dup`);
    const err = expectError(await pushCsv(srv, tok.motala, body), 422, 'validation_failed');
    const lines = err.details.map((d) => `${d.line} ${d.index} ${d.path} ${d.code}`).sort();
    assert.deepEqual(lines, ['2 0 value out_of_range', '5 2 principal unknown_principal', '6 3  wrong_field_count',
      '7 4  wrong_field_count', '8 5 period invalid_period', '9 6  duplicate_row']);
    const s = expectSummary(await pushCsv(srv, tok.motala, body, { query: '?mode=partial' }), { created: 1, rejected: 6 });
    assert.ok(s.errors.every((e) => Number.isInteger(e.line) && e.line >= 2), JSON.stringify(s.errors));
    assert.equal((await read({ measure: M.shortTerm, from: '2025-W11', to: '2025-W11' }))[0].comment, 'two\nlines');
  });

  test('numbers and booleans in CSV must read completely', async () => {
    const bad = ['1,5', ' 12', '12 ', '0x10', 'inf', 'nan', '1e', '--1', '12kr', '١٢'];
    const rows = bad.map((v, i) => `${M.shortTerm},motala,2025-W${String(20 + i).padStart(2, '0')},"${v}"`);
    const err = expectError(await pushCsv(srv, tok.motala, csvLines('measure,principal,period,value', ...rows)), 422);
    assert.deepEqual(err.details.map((d) => `${d.index} ${d.path} ${d.code}`), bad.map((_, i) => `${i} value wrong_type`));
    const ok = expectSummary(await pushCsv(srv, tok.motala, csvLines('measure,principal,period,value',
      `${M.shortTerm},motala,2025-W30,1e3`, `${M.shortTerm},motala,2025-W31,+7`, `${M.shortTerm},motala,2025-W32,0.5`)), { created: 3 });
    assert.ok(ok);
    assert.deepEqual((await read({ measure: M.shortTerm, from: '2025-W30', to: '2025-W32' })).map((v) => v.value), [1000, 7, 0.5]);
    const b = expectError(await pushCsv(srv, tok.motala, csvLines('measure,principal,period,achieved',
      `${M.grants},motala,2020,yes`, `${M.grants},motala,2019,TRUE`, `${M.grants},motala,2018,1`)), 422);
    assert.deepEqual(errorKeys(b.details), ['0 achieved wrong_type', '1 achieved wrong_type', '2 achieved wrong_type']);
  });

  test('NUL bytes and invalid UTF-8 in a cell are errors for that column; U+FFFD itself is fine', async () => {
    const body = Buffer.concat([
      Buffer.from(`measure,principal,period,value,comment\r\n${M.shortTerm},motala,2025-W40,1,a`), Buffer.from([0]), Buffer.from('b\r\n'),
      Buffer.from(`${M.shortTerm},motala,2025-W41,1`), Buffer.from([0]), Buffer.from(',c\r\n'),
      Buffer.from(`${M.shortTerm},motala,2025-W42,1,bad `), Buffer.from([0xc3, 0x28]), Buffer.from('\r\n'),
      Buffer.from(`${M.shortTerm},motala,2025-W43,1,ok \ufffd\r\n`),
    ]);
    const s = expectSummary(await pushCsv(srv, tok.motala, body, { query: '?mode=partial' }), { created: 1, rejected: 3 });
    assert.deepEqual(s.errors.map((e) => `${e.line} ${e.path} ${e.code}`).sort(), ['2 comment nul_character', '3 value nul_character', '4 comment invalid_utf8']);
    assert.equal((await read({ measure: M.shortTerm, from: '2025-W43', to: '2025-W43' }))[0].comment, 'ok \ufffd');
    const header = Buffer.concat([Buffer.from('measure,principal,period,value\0x\r\n'), Buffer.from(`${M.shortTerm},motala,2025-W44,1\r\n`)]);
    expectError(await pushCsv(srv, tok.motala, header), 400, 'invalid_csv');
  });

  test('the header must name known columns once: else 400 invalid_csv naming line 1', async () => {
    for (const [body, re] of [
      ['', /header/],
      ['measure,principal,period,valu\r\n', /valu/],
      ['measure,principal,period,value,value\r\n', /twice/],
      ['Measure,principal,period,value\r\n', /Measure/],
      ['measure, principal,period,value\r\n', / principal/],
    ]) {
      const err = expectError(await pushCsv(srv, tok.motala, body), 400, 'invalid_csv');
      assert.match(err.message, /line 1/);
      assert.match(err.message, re);
    }
    const unclosed = expectError(await pushCsv(srv, tok.motala, `measure,principal,period,value,comment\r\n${M.shortTerm},motala,2025-W45,1,ok\r\n${M.shortTerm},motala,2025-W46,1,"open\r\n`), 400, 'invalid_csv');
    assert.match(unclosed.message, /line 3/);
    expectError(await pushCsv(srv, tok.motala, `measure,principal,period,value\r\n${M.shortTerm},motala,2025-W47,"1"x\r\n`), 400, 'invalid_csv');
    assert.equal((await read({ measure: M.shortTerm, from: '2025-W45', to: '2025-W47' })).length, 0);
  });

  test('a record with very many fields is wrong_field_count, cheaply; a header of too many columns is 400', async () => {
    const wide = `${M.shortTerm},motala,2025-W48,1${','.repeat(200000)}`;
    const err = expectError(await pushCsv(srv, tok.motala, csvLines('measure,principal,period,value', wide)), 422);
    assert.deepEqual(errorKeys(err.details), ['0  wrong_field_count']);
    assert.match(err.details[0].message, /200004 fields; the header has 4/);
    const many = expectError(await pushCsv(srv, tok.motala, `${'measure,'.repeat(40)}value\r\n`), 400, 'invalid_csv');
    assert.match(many.message, /too many columns/);
  });

  test('a header without records is an empty push', async () => {
    expectSummary(await pushCsv(srv, tok.motala, 'measure,principal,period,value\r\n'), { created: 0, rejected: 0 });
  });
});

describe('limits', () => {
  test('LGVO_MAX_PUSH_ROWS: one row more is 413 too_many_rows (JSON and CSV), nothing written; blank CSV lines do not count', async () => {
    const small = await extraServer(env.db, { LGVO_MAX_PUSH_ROWS: '5' });
    try {
      const rows = (n, w0) => Array.from({ length: n }, (_, i) => ({ measure: M.localCare, principal: 'motala', period: `2025-W${String(w0 + i).padStart(2, '0')}`, value: i }));
      const big = expectError(await push(small, tok.motala, rows(6, 1)), 413, 'too_many_rows');
      assert.match(big.message, /5/);
      expectSummary(await push(small, tok.motala, rows(5, 1)), { created: 5 });
      const csv = (n, w0) => csvLines('measure,principal,period,value', ...rows(n, w0).map((r) => `${r.measure},${r.principal},${r.period},${r.value}`));
      expectError(await pushCsv(small, tok.motala, csv(6, 10)), 413, 'too_many_rows');
      expectSummary(await pushCsv(small, tok.motala, csv(5, 10).replaceAll('\r\n', '\r\n\r\n')), { created: 5 });
      assert.equal((await read({ measure: M.localCare })).length, 10);
    } finally {
      await small.stop();
    }
  });

  test('LGVO_MAX_BODY_BYTES: a larger body is 413 before any row is read', async () => {
    const small = await extraServer(env.db, { LGVO_MAX_BODY_BYTES: '2048' });
    try {
      const rows = Array.from({ length: 40 }, (_, i) => ({ measure: M.localCare, principal: 'motala', period: `2024-W${String(i + 1).padStart(2, '0')}`, value: i }));
      const res = await push(small, tok.motala, rows);
      expectError(res, 413);
      assert.match(res.json.error.message, /2048/);
      expectSummary(await push(small, tok.motala, rows.slice(0, 5)), { created: 5 });
      assert.equal((await read({ measure: M.localCare, from: '2024-W06', to: '2024-W40' })).length, 0);
    } finally {
      await small.stop();
    }
  });

  test('the default row limit is 100000 (JSON and CSV)', async () => {
    // The smallest rows that count: one column, or empty objects.
    const csv = expectError(await pushCsv(srv, tok.motala, `comment\n${'x\n'.repeat(100001)}`), 413, 'too_many_rows');
    assert.match(csv.message, /100000/);
    const json = expectError(await push(srv, tok.motala, `{"values":[${Array(100001).fill('{}').join(',')}]}`), 413, 'too_many_rows');
    assert.match(json.message, /100000/);
  });
});
