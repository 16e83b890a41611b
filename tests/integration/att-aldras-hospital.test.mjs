// Att åldras: the region's monthly hospital reports (POST/GET /api/v1/att-aldras/hospital-reports).
// Who may push, every validation rule with its row-precise error, the derived shares (exact),
// the core push's behaviour (history, summary, modes, dry run, Idempotency-Key, locks), months
// without discharges, and a year of reports for every municipality and sex in one request.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { req, expectStatus, expectError } from './lib/harness.mjs';
import {
  aldrasServer, pushHospital, report, sexRows, expectPushSummary, expectRowError, assertRowError,
  valuesOf, monthsAgo, nextMonth, MUNICIPALITIES, BASE,
} from './lib/att-aldras.mjs';

const R48 = 'att-aldras.readmissions-48h';
const R30 = 'att-aldras.readmissions-30d';
const ED = 'att-aldras.ed-visits-not-admitted';

let env, srv, tok;
before(async () => {
  env = await aldrasServer({
    region: { principal: 'region-ostergotland', role: 'reporter', areas: ['att-aldras'] },
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    motala: { principal: 'motala', role: 'reporter', areas: ['att-aldras'] },
    regionOther: { principal: 'region-ostergotland', role: 'reporter', areas: ['vaxa-upp'] },
    reader: { principal: 'region-ostergotland', role: 'reader' },
  });
  ({ srv, tok } = env);
});
after(async () => { await env.stop(); });

const reportCount = (where = 'true') => env.sql(`SELECT count(*) FROM att_aldras.hospital_reports WHERE ${where}`);
const historyCount = () => env.sql('SELECT count(*) FROM core.value_history');

describe('who may push', () => {
  test('a municipality reporter gets 403 (the region reports on behalf of every municipality); nothing is written', async () => {
    const err = expectError(await pushHospital(srv, tok.motala, [report('motala', '2024-01')]), 403, 'forbidden');
    assert.match(err.message, /region/);
    assert.equal(reportCount(), '0');
    assert.equal(valuesOf(env, R30), '');
  });

  test('a reader, and a region reporter without a grant for the area, get 403', async () => {
    expectError(await pushHospital(srv, tok.reader, [report('motala', '2024-01')]), 403);
    expectError(await pushHospital(srv, tok.regionOther, [report('motala', '2024-01')]), 403);
    expectError(await pushHospital(srv, undefined, [report('motala', '2024-01')]), 401);
    assert.equal(reportCount(), '0');
  });

  test('the 403 comes before any look at the body', async () => {
    expectError(await pushHospital(srv, tok.motala, null, { raw: '{"nonsense": true}' }), 403);
  });

  test('county_admin may push too', async () => {
    expectPushSummary(await pushHospital(srv, tok.county, [report('kinda', '2024-01')]), { created: 3 }, { created: 1 });
    assert.equal(env.sql("SELECT updated_by LIKE 'user:%' FROM att_aldras.hospital_reports WHERE principal_id = 4"), 't');
  });
});

describe('derived shares', () => {
  test('7 of 140 is 5%, 2 of 140 is 1.428571%, 30 of 50 visits not admitted is 60%', async () => {
    const res = await pushHospital(srv, tok.region, [report('motala', '2024-02')]);
    const s = expectPushSummary(res, { mode: 'atomic', dry_run: false, created: 3, updated: 0, unchanged: 0, deleted: 0, rejected: 0, errors: [] },
      { created: 1 });
    assert.equal(s.rejected, 0);
    assert.equal(valuesOf(env, R30, "v.period = '2024-02'"), 'motala 2024-02 T 5 7 140');
    assert.equal(valuesOf(env, R48, "v.period = '2024-02'"), 'motala 2024-02 T 1.428571 2 140');
    assert.equal(valuesOf(env, ED, "v.period = '2024-02'"), 'motala 2024-02 T 60 30 50');
    // The region wrote them on behalf of Motala: the history says who.
    assert.equal(env.sql("SELECT count(*) FROM core.value_history h JOIN core.measures m ON m.id = h.measure_id WHERE h.period = '2024-02' AND h.operation = 'create' AND h.changed_by_principal = 'region-ostergotland' AND m.slug LIKE 'att-aldras.%'"), '3');
  });

  test('the shares read back through the core (GET /api/v1/values) and the reports through GET', async () => {
    const v = expectStatus(await req(srv, 'GET', `/api/v1/values?measure=${R30}&principal=motala&from=2024-02&to=2024-02`, { token: tok.reader }), 200);
    assert.equal(v.json.items.length, 1);
    assert.equal(v.json.items[0].value, 5);
    const list = expectStatus(await req(srv, 'GET', `${BASE}/hospital-reports?municipality=0583&from=2024-02&to=2024-02`, { token: tok.reader }), 200);
    assert.equal(list.json.items.length, 1);
    const { updated_at: updatedAt, ...row } = list.json.items[0];
    assert.ok(updatedAt);
    assert.deepEqual(row, { month: '2024-02', municipality: 'motala', sex: 'T', discharges: 140, readmissions_48h: 2, readmissions_30d: 7, ed_visits: 50, ed_admitted: 20 });
  });

  test('re-pushing the same report changes nothing: all unchanged, no history', async () => {
    const before = historyCount();
    expectPushSummary(await pushHospital(srv, tok.region, [report('motala', '2024-02')]),
      { created: 0, updated: 0, unchanged: 3, rejected: 0 }, { unchanged: 1 });
    assert.equal(historyCount(), before);
  });

  test('a corrected count updates its share only, with an update in the history', async () => {
    const before = Number(historyCount());
    expectPushSummary(await pushHospital(srv, tok.region, [report('motala', '2024-02', { readmissions_30d: 14 })]),
      { created: 0, updated: 1, unchanged: 2 }, { updated: 1 });
    assert.equal(valuesOf(env, R30, "v.period = '2024-02'"), 'motala 2024-02 T 10 14 140');
    assert.equal(Number(historyCount()), before + 1);
    assert.equal(env.sql("SELECT readmissions_30d FROM att_aldras.hospital_reports WHERE principal_id = 7 AND month = '2024-02-01'"), '14');
  });

  test('K and M rows derive their own shares; kommunkod is accepted for the municipality', async () => {
    const rows = sexRows('0580', '2024-03',
      { discharges: 60, readmissions_48h: 1, readmissions_30d: 3, ed_visits: 40, ed_admitted: 10 },
      { discharges: 40, readmissions_48h: 0, readmissions_30d: 4, ed_visits: 10, ed_admitted: 10 });
    expectPushSummary(await pushHospital(srv, tok.region, rows), { created: 9, rejected: 0 }, { created: 3 });
    assert.equal(valuesOf(env, R30, "v.period = '2024-03'"), ['linkoping 2024-03 K 5 3 60', 'linkoping 2024-03 M 10 4 40', 'linkoping 2024-03 T 7 7 100'].join('\n'));
    assert.equal(valuesOf(env, ED, "v.period = '2024-03'"), ['linkoping 2024-03 K 75 30 40', 'linkoping 2024-03 M 0 0 10', 'linkoping 2024-03 T 60 30 50'].join('\n'));
  });

  test('a month without discharges stores its counts but derives no readmission share; without visits no visit share', async () => {
    const rows = [
      report('ydre', '2024-04', { discharges: 0, readmissions_48h: 0, readmissions_30d: 0, ed_visits: 8, ed_admitted: 2 }),
      report('ydre', '2024-05', { discharges: 10, readmissions_48h: 1, readmissions_30d: 1, ed_visits: 0, ed_admitted: 0 }),
    ];
    expectPushSummary(await pushHospital(srv, tok.region, rows), { created: 3, rejected: 0 }, { created: 2 });
    assert.equal(valuesOf(env, R30, "p.slug = 'ydre'"), 'ydre 2024-05 T 10 1 10');
    assert.equal(valuesOf(env, R48, "p.slug = 'ydre'"), 'ydre 2024-05 T 10 1 10');
    assert.equal(valuesOf(env, ED, "p.slug = 'ydre'"), 'ydre 2024-04 T 75 6 8');
    assert.equal(reportCount('principal_id = 12'), '2');
  });
});

describe('validation: every rule, row-precise', () => {
  const good = (month = '2023-06') => report('motala', month);
  const cases = [
    // [row, expected error {path, code}]
    [{ ...good(), discharges: -1 }, 'discharges', 'out_of_range'],
    [{ ...good(), readmissions_30d: 2.5 }, 'readmissions_30d', 'wrong_type'],
    [{ ...good(), ed_visits: '50' }, 'ed_visits', 'wrong_type'],
    [{ ...good(), readmissions_48h: 8, readmissions_30d: 7 }, 'readmissions_48h', 'exceeds_readmissions_30d'],
    [{ ...good(), readmissions_30d: 141 }, 'readmissions_30d', 'exceeds_discharges'],
    [{ ...good(), ed_admitted: 51 }, 'ed_admitted', 'exceeds_ed_visits'],
    [{ ...good(), month: nextMonth() }, 'month', 'future_period'],
    [{ ...good(), month: '2023-13' }, 'month', 'invalid_month'],
    [{ ...good(), month: '2023-6' }, 'month', 'invalid_month'],
    [{ ...good(), month: '1999-12' }, 'month', 'period_too_early'],
    [{ ...good(), municipality: 'region-ostergotland' }, 'municipality', 'not_a_municipality'],
    [{ ...good(), municipality: '05' }, 'municipality', 'not_a_municipality'],
    [{ ...good(), municipality: 'stockholm' }, 'municipality', 'not_a_municipality'],
    [{ ...good(), sex: 'X' }, 'sex', 'invalid_sex'],
    [(({ discharges, ...rest }) => rest)(good()), 'discharges', 'missing'],
    [(({ month, ...rest }) => rest)(good()), 'month', 'missing'],
    [{ ...good(), comment: 'x' }, 'comment', 'unknown_field'],
    [{ ...good(), 'a/b~c': 1 }, 'a~1b~0c', 'unknown_field'],
    [{ ...good(), discharges: 1e12 }, 'discharges', 'out_of_range'],
    ['not an object', null, 'wrong_type'],
  ];

  test('each broken row gets its error at /reports/<index>/<field>; the push is refused with 422 and nothing is written', async () => {
    const rows = cases.map(([row]) => row);
    const before = historyCount();
    const err = expectError(await pushHospital(srv, tok.region, rows), 422, 'validation_failed');
    cases.forEach(([, field, code], i) => {
      expectRowError(err.details, { index: i, path: field ? `/reports/${i}/${field}` : `/reports/${i}`, code });
    });
    for (const e of err.details) assertRowError(e);
    assert.match(err.message, new RegExp(`${cases.length} of ${cases.length}`));
    assert.equal(reportCount("month = '2023-06-01'"), '0');
    assert.equal(historyCount(), before);
  });

  test('the messages say what is wrong with the numbers', async () => {
    const err = expectError(await pushHospital(srv, tok.region, [{ ...good(), readmissions_30d: 141 }, { ...good('2023-07'), ed_admitted: 51 }]), 422);
    assert.match(expectRowError(err.details, { index: 0, code: 'exceeds_discharges' }).message, /141.*140/);
    assert.match(expectRowError(err.details, { index: 1, code: 'exceeds_ed_visits' }).message, /51.*50/);
  });

  test('K + M must equal T when all three are given: each of the three rows is rejected, per count that differs', async () => {
    const rows = [
      report('motala', '2023-08', { discharges: 140 }, 'T'),
      report('motala', '2023-08', { discharges: 70, readmissions_48h: 1, readmissions_30d: 3, ed_visits: 25, ed_admitted: 10 }, 'K'),
      report('motala', '2023-08', { discharges: 80, readmissions_48h: 1, readmissions_30d: 4, ed_visits: 25, ed_admitted: 10 }, 'M'),
    ];
    const err = expectError(await pushHospital(srv, tok.region, rows), 422, 'validation_failed');
    assert.deepEqual(err.details.map((e) => `${e.path} ${e.code}`).sort(),
      ['/reports/0/discharges sex_sum_mismatch', '/reports/1/discharges sex_sum_mismatch', '/reports/2/discharges sex_sum_mismatch']);
    assert.match(err.details[0].message, /70.*80.*150.*140/);
    // Only two of the three, or all three adding up: accepted.
    expectPushSummary(await pushHospital(srv, tok.region, rows.slice(1)), { created: 6 });
    rows[0].discharges = 150;
    expectPushSummary(await pushHospital(srv, tok.region, rows), { created: 3, unchanged: 6 });
  });

  test('a repeated municipality, month and sex is a duplicate_row', async () => {
    const err = expectError(await pushHospital(srv, tok.region, [good('2023-09'), report('0583', '2023-09')]), 422);
    assert.deepEqual(err.details.map((e) => `${e.index} ${e.path} ${e.code}`), ['1 /reports/1 duplicate_row']);
    assert.match(err.details[0].message, /row 0/);
  });

  test('?mode=partial keeps the valid rows and reports the others', async () => {
    const rows = [good('2023-10'), { ...good('2023-11'), readmissions_30d: 141 }, report('kinda', '2023-10')];
    const s = expectPushSummary(await pushHospital(srv, tok.region, rows, { query: '?mode=partial' }),
      { mode: 'partial', created: 6, rejected: 1 }, { created: 2 });
    assert.deepEqual(s.errors.map((e) => `${e.index} ${e.path} ${e.code}`), ['1 /reports/1/readmissions_30d exceeds_discharges']);
    assert.equal(reportCount("month IN ('2023-10-01', '2023-11-01')"), '2');
    assert.equal(valuesOf(env, R30, "v.period = '2023-11'"), '');
  });

  test('the body must be {"reports":[…]} as JSON', async () => {
    expectError(await pushHospital(srv, tok.region, null, { raw: '{"values": []}' }), 400, 'invalid_json');
    expectError(await pushHospital(srv, tok.region, null, { raw: '{"reports": [], "more": 1}' }), 400, 'invalid_json');
    expectError(await pushHospital(srv, tok.region, null, { raw: '{"reports": [' }), 400);
    expectError(await pushHospital(srv, tok.region, null, { raw: 'month,municipality', headers: { 'content-type': 'text/csv' } }), 415);
    expectPushSummary(await pushHospital(srv, tok.region, []), { created: 0, rejected: 0 }, {});
    const many = JSON.stringify({ reports: Array.from({ length: 20001 }, () => ({})) });
    expectError(await pushHospital(srv, tok.region, null, { raw: many }), 413, 'too_many_rows');
  });

  test('GET checks its query', async () => {
    const err = expectError(await req(srv, 'GET', `${BASE}/hospital-reports?municipality=05&from=2025-13&to=x&sex=Q`, { token: tok.reader }), 400, 'invalid_query');
    assert.deepEqual(err.details.map((d) => d.path).sort(), ['query.from', 'query.municipality', 'query.sex', 'query.to']);
  });
});

describe('the core push behaviour', () => {
  test('?dry_run=true answers as if written and writes nothing', async () => {
    const before = historyCount();
    const s = expectPushSummary(await pushHospital(srv, tok.region, [report('mjolby', '2023-01')], { query: '?dry_run=true' }),
      { dry_run: true, created: 3 }, { created: 1 });
    assert.equal(s.dry_run, true);
    assert.equal(reportCount('principal_id = 6'), '0');
    assert.equal(valuesOf(env, R30, "p.slug = 'mjolby'"), '');
    assert.equal(historyCount(), before);
  });

  test('an Idempotency-Key replays the first answer; the same key with another body is 409', async () => {
    const headers = { 'idempotency-key': `aldras-${process.pid}` };
    const first = expectPushSummary(await pushHospital(srv, tok.region, [report('mjolby', '2023-02')], { headers }), { created: 3 }, { created: 1 });
    const before = historyCount();
    const again = await pushHospital(srv, tok.region, [report('mjolby', '2023-02')], { headers });
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(again.json, first);
    assert.equal(historyCount(), before);
    expectError(await pushHospital(srv, tok.region, [report('mjolby', '2023-03')], { headers }), 409, 'idempotency_key_reused');
    assert.equal(reportCount("principal_id = 6 AND month = '2023-03-01'"), '0');
  });

  test('?mode=replace&from=&to= deletes the months of the slice the push does not mention, in both places', async () => {
    const months = ['2022-01', '2022-02', '2022-03'];
    expectPushSummary(await pushHospital(srv, tok.region, months.map((m) => report('vadstena', m))), { created: 9 }, { created: 3 });
    const res = await pushHospital(srv, tok.region, [report('vadstena', '2022-01')], { query: '?mode=replace&from=2022-01&to=2022-03' });
    expectPushSummary(res, { mode: 'replace', unchanged: 3, deleted: 6 }, { unchanged: 1, deleted: 2 });
    assert.equal(reportCount('principal_id = 10'), '1');
    assert.equal(valuesOf(env, R30, "p.slug = 'vadstena'"), 'vadstena 2022-01 T 5 7 140');
    expectError(await pushHospital(srv, tok.region, [report('vadstena', '2022-01')], { query: '?mode=replace' }), 400);
  });

  test('a month corrected to 0 discharges loses its earlier share with ?mode=replace over it', async () => {
    const months = ['2022-04', '2022-05'];
    expectPushSummary(await pushHospital(srv, tok.region, months.map((m) => report('soderkoping', m))), { created: 6 });
    const zero = report('soderkoping', '2022-05', { discharges: 0, readmissions_48h: 0, readmissions_30d: 0 });
    // A plain push keeps the earlier shares (no share of nothing is derived to replace them).
    expectPushSummary(await pushHospital(srv, tok.region, [zero]), { deleted: 0 }, { updated: 1 });
    assert.equal(valuesOf(env, R30, "p.slug = 'soderkoping'"), 'soderkoping 2022-04 T 5 7 140\nsoderkoping 2022-05 T 5 7 140');
    const res = await pushHospital(srv, tok.region, [report('soderkoping', '2022-04'), zero], { query: '?mode=replace&from=2022-04&to=2022-05' });
    expectPushSummary(res, { deleted: 2 }, { unchanged: 2 });
    assert.equal(valuesOf(env, R30, "p.slug = 'soderkoping'"), 'soderkoping 2022-04 T 5 7 140');
    assert.equal(valuesOf(env, R48, "p.slug = 'soderkoping'"), 'soderkoping 2022-04 T 1.428571 2 140');
    assert.equal(reportCount('principal_id = 9'), '2');
  });

  test('a locked period refuses the push with 409 and writes nothing', async () => {
    expectStatus(await req(srv, 'POST', '/api/v1/locks', { token: tok.county, body: { measure: R30, period: '2021-06' } }), 201);
    const err = expectError(await pushHospital(srv, tok.region, [report('boxholm', '2021-06')]), 409, 'period_locked');
    expectRowError(err.details, { index: 0, code: 'period_locked' });
    assert.equal(reportCount('principal_id = 2'), '0');
    // Partial: the locked row is rejected (its report is not stored), the rest is kept. (The
    // host writes the rejected row's shares of unlocked measures all the same; see README.)
    const s = expectPushSummary(await pushHospital(srv, tok.region, [report('boxholm', '2021-06'), report('boxholm', '2021-07')], { query: '?mode=partial' }),
      { rejected: 1 }, { created: 1 });
    expectRowError(s.errors, { index: 0, code: 'period_locked' });
    assert.equal(env.sql("SELECT string_agg(to_char(month, 'YYYY-MM'), ',') FROM att_aldras.hospital_reports WHERE principal_id = 2"), '2021-07');
    assert.equal(valuesOf(env, R30, "p.slug = 'boxholm'"), 'boxholm 2021-07 T 5 7 140');
  });
});

describe('performance', () => {
  test('a year for all 13 municipalities × T/K/M (468 rows) in one request', async () => {
    const rows = [];
    for (let m = 1; m <= 12; m++) {
      const month = `2020-${String(m).padStart(2, '0')}`;
      for (const [slug] of MUNICIPALITIES) {
        rows.push(...sexRows(slug, month,
          { discharges: 60 + m, readmissions_48h: 1, readmissions_30d: 5, ed_visits: 40, ed_admitted: 12 },
          { discharges: 50 + m, readmissions_48h: 2, readmissions_30d: 4, ed_visits: 30, ed_admitted: 9 }));
      }
    }
    assert.equal(rows.length, 468);
    const body = JSON.stringify({ reports: rows });
    const timings = [];
    for (let run = 0; run < 3; run++) {
      const started = process.hrtime.bigint();
      const res = await pushHospital(srv, tok.region, null, { raw: body });
      timings.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (run === 0) expectPushSummary(res, { created: 1404, rejected: 0 }, { created: 468 });
      else expectPushSummary(res, { created: 0, unchanged: 1404 }, { unchanged: 468 });
    }
    // A measurement, not an assertion (see plugins/att-aldras/README.md).
    console.log(`att-aldras: 468-row hospital push: first ${timings[0].toFixed(1)} ms, re-push ${timings.slice(1).map((t) => t.toFixed(1)).join(' / ')} ms (sanitized debug build)`);
    assert.equal(reportCount("month BETWEEN '2020-01-01' AND '2020-12-01'"), '468');
  });
});

test('a month in the past relative to today is accepted; the current month too', async () => {
  expectPushSummary(await pushHospital(srv, tok.region, [report('odeshog', monthsAgo(0)), report('odeshog', monthsAgo(1))]), { created: 6 });
});
