// nara-vard: weekly beds (POST/GET /api/v1/nara-vard/beds, GET …/beds/county): every
// validation rule, the derived shared values (places and occupancy) with exact arithmetic,
// county totals, who may write, the push modes, and a year of reports for the whole county
// (its duration is logged, not asserted; bench/ owns the numbers).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { expectError, expectStatus, req } from './lib/harness.mjs';
import {
  naraServer, COUNTY, reporter, reader, MUNICIPALITIES, expectPushed, expectRefused, coreValues,
  bedRow, places, periodOf, nextPeriod, weeksOf,
} from './lib/nara-vard.mjs';

let env;
before(async () => {
  env = await naraServer({
    county: COUNTY,
    motala: reporter('motala'),
    kinda: reporter('kinda'),
    region: reporter('region-ostergotland'),
    motalaOtherArea: reporter('motala', ['att-aldras']),
    reader: reader('ydre'),
  });
});
after(async () => { await env.stop(); });

const post = (who, reports, opts) => env.post(who, '/beds', { reports }, opts);

describe('validation', () => {
  test('a valid report is stored with its derived values', async () => {
    const s = expectPushed(await post('motala', [bedRow({ week: '2025-W02' })]),
      { mode: 'atomic', dry_run: false, created: 4, rejected: 0, errors: [], stored: { created: 1, updated: 0, unchanged: 0 } });
    assert.equal(s.updated, 0);
    assert.equal(env.sql("SELECT count(*) FROM nara_vard.beds WHERE week = '2025-W02'"), '2');
  });

  test('missing, wrongly typed and unknown fields are row-precise errors', async () => {
    const { week, ...noWeek } = bedRow();
    void week;
    const res = await post('motala', [
      noWeek,
      bedRow({ week: '2025-W03', short_term: undefined }),
      bedRow({ week: '2025-W04', local_care: places('4', 3) }),
      bedRow({ week: '2025-W05', extra: 1 }),
      bedRow({ week: '2025-W06', short_term: places(20, 18, 1, { colour: 'red' }) }),
      bedRow({ week: '2025-W07', short_term: places(20.5, 18) }),
      bedRow({ week: '2025-W08', local_care: { available: 4, waiting: 0 } }),
      'not an object',
      bedRow({ week: '2025-W09', short_term: places(20, 18, 1.5) }),
      bedRow({ week: '2025-W11', short_term: places(20, 18, 1, { overcrowded: 'yes' }) }),
      bedRow({ week: '2025-W12', short_term: places(20, 18, 1, { comment: '' }) }),
      bedRow({ week: '2025-W13', short_term: places(20, 18, 1, { comment: 'x'.repeat(2001) }) }),
      bedRow({ week: '2025-W14', municipality: 7 }),
    ]);
    expectRefused(res, [
      '0 /reports/0/week missing',
      '1 /reports/1/short_term missing',
      '2 /reports/2/local_care/available wrong_type',
      '3 /reports/3/extra unknown_field',
      '4 /reports/4/short_term/colour unknown_field',
      '5 /reports/5/short_term/available wrong_type',
      '6 /reports/6/local_care/occupied missing',
      '7 /reports/7 wrong_type',
      '8 /reports/8/short_term/waiting wrong_type',
      '9 /reports/9/short_term/overcrowded wrong_type',
      '10 /reports/10/short_term/comment empty',
      '11 /reports/11/short_term/comment too_long',
      '12 /reports/12/municipality wrong_type',
    ]);
    assert.equal(env.sql("SELECT count(*) FROM nara_vard.beds WHERE week BETWEEN '2025-W03' AND '2025-W14'"), '0');
  });

  test('a long non-ASCII unknown member is reported, cut at a character', async () => {
    const name = `x${'å'.repeat(40)}`;
    const d = expectRefused(await post('motala', [bedRow({ week: '2025-W22', [name]: 1 })]), [`0 /reports/0/x${'å'.repeat(29)} unknown_field`]);
    assert.match(d[0].message, /unknown field/);
  });

  test('numbers must not be negative', async () => {
    const res = await post('motala', [
      bedRow({ week: '2025-W15', short_term: places(-1, 0) }),
      bedRow({ week: '2025-W16', short_term: places(10, -0.5) }),
      bedRow({ week: '2025-W17', local_care: places(4, 2, -3) }),
    ]);
    const d = expectRefused(res, [
      '0 /reports/0/short_term/available out_of_range',
      '1 /reports/1/short_term/occupied out_of_range',
      '2 /reports/2/local_care/waiting out_of_range',
    ]);
    assert.match(d[0].message, /between 0 and/);
  });

  test('occupied above available needs overcrowded: true and a comment', async () => {
    const res = await post('motala', [
      bedRow({ week: '2025-W18', short_term: places(20, 21) }),
      bedRow({ week: '2025-W19', short_term: places(20, 21, 0, { overcrowded: true }) }),
      bedRow({ week: '2025-W20', short_term: places(20, 21, 0, { overcrowded: false, comment: 'vinterkräksjuka' }) }),
    ]);
    const d = expectRefused(res, [
      '0 /reports/0/short_term/occupied occupied_exceeds_available',
      '1 /reports/1/short_term/comment missing',
      '2 /reports/2/short_term/occupied occupied_exceeds_available',
    ]);
    assert.match(d.find((e) => e.index === 0).message, /occupied \(21\) exceeds available \(20\)/);
    const ok = await post('motala', [bedRow({
      week: '2025-W21', short_term: places(20, 21.5, 7, { overcrowded: true, comment: 'Överbeläggning under influensatoppen' }),
    })]);
    expectPushed(ok, { created: 4, rejected: 0 });
    assert.deepEqual(coreValues(env, 'nara-vard.short-term-occupancy', "v.period = '2025-W21'"), ['motala 2025-W21 T 1.075 21.5 20']);
    assert.equal(env.sql("SELECT comment FROM core.values v JOIN core.measures m ON m.id = v.measure_id WHERE m.slug = 'nara-vard.short-term-occupancy' AND v.period = '2025-W21'"),
      'Överbeläggning under influensatoppen');
  });

  test('weeks: canonical form, real ISO weeks, from 2000, not in the future', async () => {
    const next = nextPeriod('week');
    const res = await post('motala', [
      bedRow({ week: '2025W10' }), bedRow({ week: '2025-W54' }), bedRow({ week: '2025-W53' }),
      bedRow({ week: '2025-10' }), bedRow({ week: '1999-W10' }), bedRow({ week: next }),
      bedRow({ week: '2025-w10' }), bedRow({ week: 202510 }),
    ]);
    const d = expectRefused(res, [
      '0 /reports/0/week invalid_period', '1 /reports/1/week invalid_period', '2 /reports/2/week invalid_period',
      '3 /reports/3/week invalid_period', '4 /reports/4/week period_too_early', '5 /reports/5/week future_period',
      '6 /reports/6/week invalid_period', '7 /reports/7/week wrong_type',
    ]);
    assert.match(d.find((e) => e.index === 0).message, /2025-W09/);
    assert.ok(d.find((e) => e.index === 5).message.includes(next));
    // The current week has started, and week 53 exists in long years.
    expectPushed(await post('motala', [bedRow({ week: periodOf('week') }), bedRow({ week: '2020-W53' })]), { rejected: 0 });
  });

  test('municipality: known, by slug or code, and a municipality (not the region)', async () => {
    const res = await post('county', [
      bedRow({ week: '2024-W01', municipality: 'gotham' }),
      bedRow({ week: '2024-W02', municipality: 'region-ostergotland' }),
      bedRow({ week: '2024-W03', municipality: '05' }),
    ]);
    expectRefused(res, [
      '0 /reports/0/municipality unknown_principal',
      '1 /reports/1/municipality principal_kind_not_allowed',
      '2 /reports/2/municipality principal_kind_not_allowed',
    ]);
    expectPushed(await post('motala', [bedRow({ week: '2024-W04', municipality: '0583' })]), { rejected: 0 });
    assert.equal(env.sql("SELECT principal_id FROM nara_vard.beds WHERE week = '2024-W04' LIMIT 1"), '7');
  });

  test('the same municipality and week twice in one request is duplicate_row', async () => {
    const res = await post('motala', [bedRow({ week: '2024-W05' }), bedRow({ week: '2024-W06' }), bedRow({ week: '2024-W05', municipality: '0583' })]);
    const d = expectRefused(res, ['2 /reports/2 duplicate_row']);
    assert.match(d[0].message, /row 0/);
  });

  test('the body must be {"reports": […]}', async () => {
    expectError(await env.post('motala', '/beds', { values: [] }), 400, 'invalid_json');
    expectError(await env.post('motala', '/beds', { reports: {} }), 400, 'invalid_json');
    expectError(await env.post('motala', '/beds', { reports: [], more: 1 }), 400, 'invalid_json');
    expectError(await env.post('motala', '/beds', '{"reports": [', { headers: { 'content-type': 'application/json' } }), 400);
    expectError(await env.post('motala', '/beds', 'reports', { headers: { 'content-type': 'text/plain' } }), 415);
    expectPushed(await post('motala', []), { created: 0, stored: { created: 0, updated: 0, unchanged: 0 } });
  });
});

describe('derived values', () => {
  test('places and occupancy per kind, exactly', async () => {
    expectPushed(await post('motala', [bedRow({
      week: '2025-W30', short_term: places(24, 21, 2), local_care: places(8, 6.5, 1),
    })]), { created: 4 });
    assert.deepEqual(coreValues(env, 'nara-vard.short-term-places', "v.period = '2025-W30'"), ['motala 2025-W30 T 24 - -']);
    assert.deepEqual(coreValues(env, 'nara-vard.local-care-places', "v.period = '2025-W30'"), ['motala 2025-W30 T 8 - -']);
    assert.deepEqual(coreValues(env, 'nara-vard.short-term-occupancy', "v.period = '2025-W30'"), ['motala 2025-W30 T 0.875 21 24']);
    assert.deepEqual(coreValues(env, 'nara-vard.local-care-occupancy', "v.period = '2025-W30'"), ['motala 2025-W30 T 0.8125 6.5 8']);
    const res = expectStatus(await env.get('reader', '/beds', { municipality: 'motala', from: '2025-W30', to: '2025-W30' }), 200);
    assert.equal(res.json.items.length, 1);
    const item = res.json.items[0];
    assert.equal(item.municipality, 'motala');
    assert.equal(item.week, '2025-W30');
    assert.deepEqual(item.short_term, { available: 24, occupied: 21, waiting: 2, occupancy: 0.875, overcrowded: false, comment: null });
    assert.deepEqual(item.local_care, { available: 8, occupied: 6.5, waiting: 1, occupancy: 0.8125, overcrowded: false, comment: null });
    assert.match(item.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  test('no occupancy without places; zero places are still counted', async () => {
    expectPushed(await post('kinda', [bedRow({ municipality: 'kinda', week: '2025-W30', local_care: places(0, 0, 0) })]), { created: 3 });
    assert.deepEqual(coreValues(env, 'nara-vard.local-care-occupancy', "v.period = '2025-W30' AND p.slug = 'kinda'"), []);
    assert.deepEqual(coreValues(env, 'nara-vard.local-care-places', "v.period = '2025-W30' AND p.slug = 'kinda'"), ['kinda 2025-W30 T 0 - -']);
    const item = (await env.get('reader', '/beds', { municipality: 'kinda', from: '2025-W30' })).json.items[0];
    assert.equal(item.local_care.occupancy, null);
  });

  test('county totals per week: sums, and occupancy as sum occupied / sum available', async () => {
    // Motala 24 / 21 and 8 / 6.5 (above), Kinda 20 / 18.5 and 0 / 0.
    const res = expectStatus(await env.get('reader', '/beds/county', { from: '2025-W30', to: '2025-W30' }), 200);
    assert.deepEqual(res.json.items, [{
      week: '2025-W30',
      short_term: { municipalities: 2, available: 44, occupied: 39.5, waiting: 5, overcrowded: 0, occupancy: 0.897727 },
      local_care: { municipalities: 2, available: 8, occupied: 6.5, waiting: 1, overcrowded: 0, occupancy: 0.8125 },
    }]);
    // The core's series of the shared measure gives the same county figure.
    const series = expectStatus(await req(env.srv, 'GET', '/api/v1/measures/nara-vard.short-term-occupancy/series?principal=motala&from=2025-W30&to=2025-W30',
      { token: env.tok.reader }), 200).json;
    assert.equal(series.county[0].numerator, 39.5);
    assert.equal(series.county[0].denominator, 44);
    assert.equal(series.county[0].value, 0.897727);
    const placesSeries = expectStatus(await req(env.srv, 'GET', '/api/v1/measures/nara-vard.short-term-places/series?principal=motala&from=2025-W30&to=2025-W30',
      { token: env.tok.reader }), 200).json;
    assert.equal(placesSeries.county[0].value, 44);
  });

  test('a changed report updates its values; the same report again changes nothing', async () => {
    const again = bedRow({ week: '2025-W30', short_term: places(24, 21, 2), local_care: places(8, 6.5, 1) });
    expectPushed(await post('motala', [again]), { created: 0, updated: 0, unchanged: 4, stored: { created: 0, updated: 0, unchanged: 1 } });
    const changed = { ...again, short_term: places(24, 12, 0) };
    expectPushed(await post('motala', [changed]), { created: 0, updated: 1, unchanged: 3, stored: { created: 0, updated: 1, unchanged: 0 } });
    assert.deepEqual(coreValues(env, 'nara-vard.short-term-occupancy', "v.period = '2025-W30' AND p.slug = 'motala'"), ['motala 2025-W30 T 0.5 12 24']);
  });
});

describe('who may write', () => {
  test('the region cannot write a municipality\'s beds', async () => {
    const res = await post('region', [bedRow({ week: '2025-W31' })]);
    expectError(res, 403);
    assert.equal(env.sql("SELECT count(*) FROM nara_vard.beds WHERE week = '2025-W31'"), '0');
  });

  test('a municipality cannot write another\'s; one forbidden row fails the request', async () => {
    expectError(await post('kinda', [bedRow({ week: '2025-W31' })]), 403);
    expectError(await post('motala', [bedRow({ week: '2025-W31' }), bedRow({ week: '2025-W31', municipality: 'kinda' })]), 403);
    assert.equal(env.sql("SELECT count(*) FROM nara_vard.beds WHERE week = '2025-W31'"), '0');
  });

  test('county_admin writes any municipality; readers and other areas\' reporters may not post', async () => {
    expectPushed(await post('county', [bedRow({ week: '2025-W31', municipality: 'ydre' })]), { created: 4 });
    expectError(await post('reader', [bedRow({ week: '2025-W32' })]), 403);
    expectError(await post('motalaOtherArea', [bedRow({ week: '2025-W32' })]), 403);
    expectError(await post(null, [bedRow({ week: '2025-W32' })]), 401);
    expectError(await env.get(null, '/beds'), 401);
  });
});

describe('push modes', () => {
  test('?mode=partial keeps the valid reports', async () => {
    const s = expectPushed(await post('motala', [bedRow({ week: '2025-W33' }), bedRow({ week: '2025-W34', short_term: places(1, 2) })], { query: '?mode=partial' }),
      { mode: 'partial', created: 4, rejected: 1, stored: { created: 1, updated: 0, unchanged: 0 } });
    assert.deepEqual(s.errors.map((e) => `${e.index} ${e.path} ${e.code}`), ['1 /reports/1/short_term/occupied occupied_exceeds_available']);
    assert.equal(env.sql("SELECT string_agg(DISTINCT week, ',') FROM nara_vard.beds WHERE week IN ('2025-W33', '2025-W34')"), '2025-W33');
  });

  test('?dry_run=true checks and counts but keeps nothing', async () => {
    expectPushed(await post('motala', [bedRow({ week: '2025-W35' })], { query: '?dry_run=true' }),
      { dry_run: true, created: 4, stored: { created: 1, updated: 0, unchanged: 0 } });
    assert.equal(env.sql("SELECT count(*) FROM nara_vard.beds WHERE week = '2025-W35'"), '0');
    assert.deepEqual(coreValues(env, 'nara-vard.short-term-places', "v.period = '2025-W35'"), []);
  });

  test('an Idempotency-Key replays the first answer; another body with it is 409', async () => {
    const headers = { 'idempotency-key': 'beds-w36' };
    const first = expectPushed(await post('motala', [bedRow({ week: '2025-W36' })], { headers }), { created: 4 });
    const second = expectPushed(await post('motala', [bedRow({ week: '2025-W36' })], { headers }), { created: 4 });
    assert.deepEqual(second, first);
    expectError(await post('motala', [bedRow({ week: '2025-W37' })], { headers }), 409, 'idempotency_key_reused');
  });

  test('?mode=replace&from=&to= deletes the weeks of the slice the push leaves out, reports and values alike', async () => {
    const weeks = ['2024-W40', '2024-W41', '2024-W42'];
    expectPushed(await post('motala', weeks.map((week) => bedRow({ week }))), { created: 12 });
    expectPushed(await post('kinda', [bedRow({ municipality: 'kinda', week: '2024-W41' })]), { created: 4 });
    const s = expectPushed(await post('motala', [bedRow({ week: '2024-W40' }), bedRow({ week: '2024-W42', short_term: places(20, 10, 0) })],
      { query: '?mode=replace&from=2024-W40&to=2024-W42' }),
    { mode: 'replace', updated: 1, unchanged: 7, deleted: 4, stored: { created: 0, updated: 1, unchanged: 1, deleted: 1 } });
    assert.equal(s.rejected, 0);
    assert.equal(env.sql("SELECT string_agg(DISTINCT p.slug || ' ' || b.week, ', ' ORDER BY p.slug || ' ' || b.week) FROM nara_vard.beds b JOIN core.principals p ON p.id = b.principal_id WHERE b.week BETWEEN '2024-W40' AND '2024-W42'"),
      'kinda 2024-W41, motala 2024-W40, motala 2024-W42');
    assert.deepEqual(coreValues(env, 'nara-vard.short-term-places', "v.period BETWEEN '2024-W40' AND '2024-W42'"),
      ['kinda 2024-W41 T 20 - -', 'motala 2024-W40 T 20 - -', 'motala 2024-W42 T 20 - -']);
    // The bounds are required, and checked by the core's push.
    expectError(await post('motala', [bedRow({ week: '2024-W40' })], { query: '?mode=replace' }), 400, 'invalid_query');
  });
});

describe('a year for the whole county', () => {
  test('676 weekly reports in one request (duration logged)', async () => {
    const weeks = weeksOf(2023).slice(0, 52);
    const reports = [];
    for (const municipality of MUNICIPALITIES) {
      weeks.forEach((week, w) => reports.push({
        municipality, week,
        short_term: places(20 + (w % 5), 15 + (w % 7) / 2, w % 4),
        local_care: places(6, (w % 6) + 0.25, w % 2),
      }));
    }
    assert.equal(reports.length, 676);
    const t0 = performance.now();
    const res = await post('county', reports);
    const ms = performance.now() - t0;
    expectPushed(res, { created: 676 * 4, rejected: 0, stored: { created: 676, updated: 0, unchanged: 0 } });
    console.log(`nara-vard timing: POST /beds with 676 reports (2704 derived values): ${ms.toFixed(1)} ms`);
    const t1 = performance.now();
    const again = await post('county', reports);
    console.log(`nara-vard timing: the same 676 reports again (all unchanged): ${(performance.now() - t1).toFixed(1)} ms`);
    expectPushed(again, { unchanged: 676 * 4, stored: { created: 0, updated: 0, unchanged: 676 } });
    const t2 = performance.now();
    const county = expectStatus(await env.get('reader', '/beds/county', { from: '2023-W01', to: '2023-W52' }), 200);
    console.log(`nara-vard timing: GET /beds/county for 52 weeks: ${(performance.now() - t2).toFixed(1)} ms`);
    assert.equal(county.json.items.length, 52);
    // Week 1: w = 0 for every municipality: 13 × 20 places, 13 × 15 occupied.
    assert.deepEqual(county.json.items[0].short_term, { municipalities: 13, available: 260, occupied: 195, waiting: 0, overcrowded: 0, occupancy: 0.75 });
    assert.deepEqual(county.json.items[0].local_care, { municipalities: 13, available: 78, occupied: 3.25, waiting: 0, overcrowded: 0, occupancy: 0.041667 });
  });
});
