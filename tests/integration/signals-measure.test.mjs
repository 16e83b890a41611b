// Signals: GET /api/v1/measures/{slug}/signals — run, P, U, C and I charts over a principal's
// series or the county's, chart=auto and its reason, baseline (freeze) and phases (part),
// insufficient data, suppression of restricted values for other principals, ETags, errors.
// Expected figures are computed here independently of the server (plain formulas in JS).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { req, expectStatus, expectError, waitFor } from './lib/harness.mjs';
import { valuesServer, push, expectSummary, M, ALL_AREAS } from './lib/values.mjs';

const noPlugins = fs.mkdtempSync(path.join(os.tmpdir(), 'lgvo-signals-no-plugins-'));
const DAYS = 'att-aldras.waiting-days'; // added below: unit days, month, lower_is_better, municipality

let env, srv, tok;
before(async () => {
  env = await valuesServer({
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    region: { principal: 'region-ostergotland', role: 'reporter', areas: ALL_AREAS },
    motala: { principal: 'motala', role: 'reporter', areas: ALL_AREAS },
    kinda: { principal: 'kinda', role: 'reporter', areas: ALL_AREAS },
    reader: { principal: 'finspang', role: 'reader' },
  }, { env: { LGVO_PLUGIN_DIR: noPlugins } });
  ({ srv, tok } = env);
  env.sql(`INSERT INTO core.measures (slug, area_id, title, title_en, kind, unit, period_type, direction, min, reported_by)
           VALUES ('${DAYS}', 1, 'Väntetid', 'Waiting time', 'indicator', 'days', 'month', 'lower_is_better', 0, ARRAY['municipality'])`);
  await waitFor(async () => (await req(srv, 'GET', `/api/v1/measures/${DAYS}`, { token: tok.county })).status === 200,
    { what: 'the new measure reloaded' });
});
after(async () => { await env.stop(); });

const pad = (n) => String(n).padStart(2, '0');
// n months from year-month on: ['2023-01', …]
const months = (year, month, n) => Array.from({ length: n }, (_, i) => {
  const m = month - 1 + i;
  return `${year + Math.floor(m / 12)}-${pad((m % 12) + 1)}`;
});
const quarters = (year, n) => Array.from({ length: n }, (_, i) => `${year + Math.floor(i / 4)}Q${(i % 4) + 1}`);
const tertials = (year, n) => Array.from({ length: n }, (_, i) => `${year + Math.floor(i / 3)}T${(i % 3) + 1}`);
const weeks = (year, n) => Array.from({ length: n }, (_, i) => `${year}-W${pad(i + 1)}`);

const signals = (token, measure, params = {}, headers = {}) => {
  const qs = new URLSearchParams(params).toString();
  return req(srv, 'GET', `/api/v1/measures/${measure}/signals${qs ? `?${qs}` : ''}`, { token, headers });
};
const ok = async (token, measure, params) => expectStatus(await signals(token, measure, params), 200).json;

const close = (a, b, what) => assert.ok(a !== null && Math.abs(a - b) < 1e-9, `${what}: ${a} != ${b}`);

// ---- independent reference computations ----
const longestLimit = (n) => Math.round(Math.log2(n)) + 3;
function crossingsLimit(n) { // smallest k with P(Bin(n-1, 1/2) <= k) >= 0.05, exact with BigInt
  const m = BigInt(n - 1);
  let c = 1n, sum = 0n;
  for (let k = 0n; k <= m; k++) {
    sum += c;
    if (20n * sum >= 1n << m) return Number(k);
    c = (c * (m - k)) / (k + 1n);
  }
  return n - 1;
}
function runs(values, centre) {
  const sides = values.filter((v) => v !== null && v !== centre).map((v) => Math.sign(v - centre));
  let longest = 0, len = 0, crossings = 0;
  sides.forEach((s, i) => {
    if (i && s !== sides[i - 1]) { crossings++; len = 0; }
    len++;
    longest = Math.max(longest, len);
  });
  return { useful: sides.length, longest, crossings };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

describe('charts', () => {
  // Motala, readmissions within 30 days (percent): 24 months around 10 %, then around 25 % in
  // 2024; every third month has 200 discharges instead of 100.
  const pct = [9, 11, 10, 12, 8, 10, 11, 9, 10, 12, 9, 11, 24, 26, 23, 27, 25, 24, 26, 25, 23, 27, 24, 26];
  const readm = months(2023, 1, 24).map((period, i) => {
    const denominator = i % 3 === 0 ? 200 : 100;
    return { measure: M.readm30, principal: 'motala', period, numerator: (pct[i] * denominator) / 100, denominator };
  });
  before(async () => { expectSummary(await push(srv, tok.region, readm), { created: 24 }); });

  test('chart=auto on a percent ratio is a P chart: centre sum(num)/sum(den), limits per point, clipped at 0', async () => {
    const b = await ok(tok.reader, M.readm30, { principal: 'motala' });
    assert.deepEqual(Object.keys(b).sort(), ['chart', 'chart_reason', 'measure', 'pdsa', 'phases', 'points', 'principal',
      'rules', 'sex', 'useful_observations', 'verdict'].sort());
    assert.equal(b.measure, M.readm30);
    assert.equal(b.principal, 'motala');
    assert.equal(b.sex, 'T');
    assert.equal(b.chart, 'p');
    assert.match(b.chart_reason, /percent.*P chart/);
    assert.deepEqual(b.pdsa, []);
    const num = readm.reduce((s, r) => s + r.numerator, 0), den = readm.reduce((s, r) => s + r.denominator, 0);
    const p = num / den;
    assert.equal(b.points.length, 24);
    b.points.forEach((pt, i) => {
      const r = readm[i];
      assert.equal(pt.period, r.period);
      assert.equal(pt.numerator, r.numerator);
      assert.equal(pt.denominator, r.denominator);
      close(pt.value, (r.numerator * 100) / r.denominator, `value ${i}`);
      close(pt.centre, p * 100, `centre ${i}`);
      const s = Math.sqrt((p * (1 - p)) / r.denominator);
      close(pt.lcl, Math.max(0, p - 3 * s) * 100, `lcl ${i}`);
      close(pt.ucl, Math.min(1, p + 3 * s) * 100, `ucl ${i}`);
      assert.equal(pt.suppressed, false);
    });
    // Twelve months below the centre, then twelve above: one crossing, runs of 12 > 8 (n = 24).
    const r = runs(b.points.map((x) => x.value), p * 100);
    assert.deepEqual(r, { useful: 24, longest: 12, crossings: 1 });
    assert.equal(b.useful_observations, 24);
    assert.deepEqual(b.rules.longest_run, { value: 12, limit: 8, signal: true });
    assert.deepEqual(b.rules.crossings, { value: 1, limit: 8, signal: true });
    const outside = b.points.filter((x) => x.value > x.ucl || x.value < x.lcl).length;
    assert.deepEqual(b.rules.outside_limits, { count: outside, signal: outside > 0 });
    assert.equal(b.verdict, 'signal');
    assert.ok(b.points.every((x) => x.signal), 'every point is in an unusually long run');
    assert.equal(b.phases.length, 1);
    assert.deepEqual({ ...b.phases[0], rules: undefined, centre: undefined },
      { from: '2023-01', to: '2024-12', baseline_to: '2024-12', useful_observations: 24, verdict: 'signal', rules: undefined, centre: undefined });
  });

  test('freeze: centre and limits from the baseline, later points judged against them', async () => {
    const b = await ok(tok.county, M.readm30, { principal: 'motala', freeze: '2023-12' });
    const base = readm.slice(0, 12);
    const p = base.reduce((s, r) => s + r.numerator, 0) / base.reduce((s, r) => s + r.denominator, 0);
    b.points.forEach((pt, i) => {
      close(pt.centre, p * 100, `centre ${i}`);
      const s = Math.sqrt((p * (1 - p)) / readm[i].denominator);
      close(pt.ucl, Math.min(1, p + 3 * s) * 100, `ucl ${i}`);
    });
    assert.equal(b.phases[0].baseline_to, '2023-12');
    // The 2024 months are far above the 2023 baseline: all outside its limits.
    assert.ok(b.points.slice(12).every((x) => x.value > x.ucl && x.signal));
    assert.equal(b.rules.outside_limits.count, b.points.filter((x) => x.value > x.ucl || x.value < x.lcl).length);
    assert.equal(b.verdict, 'signal');
    // A coarser period freezes through its end: 2023 = 2023-12.
    const y = await ok(tok.county, M.readm30, { principal: 'motala', freeze: '2023' });
    assert.deepEqual(y.points.map((x) => x.centre), b.points.map((x) => x.centre));
  });

  test('part: each phase has its own centre, limits and run rules; the top-level rules are the last phase\'s', async () => {
    const b = await ok(tok.county, M.readm30, { principal: 'motala', part: '2024-01' });
    assert.equal(b.phases.length, 2);
    const centre = (rows) => (rows.reduce((s, r) => s + r.numerator, 0) / rows.reduce((s, r) => s + r.denominator, 0)) * 100;
    close(b.phases[0].centre, centre(readm.slice(0, 12)), 'phase 1');
    close(b.phases[1].centre, centre(readm.slice(12)), 'phase 2');
    assert.deepEqual([b.phases[0].from, b.phases[0].to, b.phases[1].from, b.phases[1].to], ['2023-01', '2023-12', '2024-01', '2024-12']);
    b.points.forEach((pt, i) => close(pt.centre, b.phases[i < 12 ? 0 : 1].centre, `centre ${i}`));
    const last = b.points.slice(12);
    const r = runs(last.map((x) => x.value), b.phases[1].centre);
    assert.equal(b.useful_observations, r.useful);
    assert.equal(b.rules.longest_run.value, r.longest);
    assert.equal(b.rules.longest_run.limit, longestLimit(r.useful));
    assert.equal(b.rules.crossings.value, r.crossings);
    assert.equal(b.rules.crossings.limit, crossingsLimit(r.useful));
    assert.equal(b.verdict, b.phases[1].verdict);
    // Several parts, unordered, duplicates and one outside the series are accepted.
    const c = await ok(tok.county, M.readm30, { principal: 'motala', part: '2024-07,2023-07,2024-07,2030-01' });
    assert.deepEqual(c.phases.map((x) => [x.from, x.to]), [['2023-01', '2023-06'], ['2023-07', '2024-06'], ['2024-07', '2024-12']]);
    // freeze inside the second phase: that phase's baseline ends there.
    const d = await ok(tok.county, M.readm30, { principal: 'motala', part: '2024-01', freeze: '2024-06' });
    assert.deepEqual(d.phases.map((x) => x.baseline_to), ['2023-12', '2024-06']);
    close(d.phases[1].centre, centre(readm.slice(12, 18)), 'frozen phase 2');
  });

  test('chart=run: median centre, no limits; the worked limits for n = 12, 20, 24 and 30', async () => {
    // Kinda: 30 months of distinct values, so that no point lies on the median and n is the
    // number of months.
    const nums = [31, 7, 22, 14, 40, 3, 27, 18, 35, 11, 25, 9, 38, 16, 5, 29, 20, 33, 12, 24, 2, 37, 15, 30, 8, 26, 19, 36, 6, 23];
    const rows = months(2022, 1, 30).map((period, i) => ({ measure: M.readm30, principal: 'kinda', period, numerator: nums[i], denominator: 50 }));
    expectSummary(await push(srv, tok.region, rows), { created: 30 });
    const worked = { 12: [7, 3], 20: [7, 6], 24: [8, 8], 30: [8, 10] };
    for (const [n, [run, cross]] of Object.entries(worked)) {
      const b = await ok(tok.reader, M.readm30, { principal: 'kinda', chart: 'run', to: months(2022, 1, Number(n))[Number(n) - 1] });
      assert.equal(b.chart, 'run');
      assert.match(b.chart_reason, /chosen by the caller/);
      assert.equal(b.useful_observations, Number(n));
      assert.equal(b.rules.longest_run.limit, run, `n = ${n}`);
      assert.equal(b.rules.crossings.limit, cross, `n = ${n}`);
      const values = b.points.map((x) => x.value);
      const m = median(values);
      assert.ok(b.points.every((x) => x.centre === m && x.lcl === null && x.ucl === null));
      const r = runs(values, m);
      assert.equal(b.rules.longest_run.value, r.longest);
      assert.equal(b.rules.crossings.value, r.crossings);
      assert.equal(b.rules.longest_run.signal, r.longest > run);
      assert.equal(b.rules.crossings.signal, r.crossings < cross);
      assert.deepEqual(b.rules.outside_limits, { count: 0, signal: false });
    }
  });

  test('fewer than 10 useful points: insufficient_data, no limits or signals for the run rules', async () => {
    // Nine months: the middle value is the median itself, so eight are useful.
    const b = await ok(tok.county, M.readm30, { principal: 'kinda', chart: 'run', to: '2022-09' });
    assert.equal(b.points.length, 9);
    assert.equal(b.useful_observations, 8);
    assert.equal(b.verdict, 'insufficient_data');
    assert.equal(b.rules.longest_run.limit, null);
    assert.equal(b.rules.longest_run.signal, null);
    assert.equal(typeof b.rules.longest_run.value, 'number');
    assert.equal(b.rules.crossings.signal, null);
    // No data at all.
    const e = await ok(tok.county, M.readm30, { principal: 'ydre' });
    assert.deepEqual([e.points, e.phases, e.verdict, e.useful_observations], [[], [], 'insufficient_data', 0]);
    assert.deepEqual(e.rules, { longest_run: { value: null, limit: null, signal: null },
      crossings: { value: null, limit: null, signal: null }, outside_limits: { count: 0, signal: false } });
  });

  test('the county: numerators and denominators summed over the municipalities', async () => {
    const b = await ok(tok.reader, M.readm30, { from: '2023-01', to: '2023-06' });
    assert.equal(b.principal, null);
    assert.equal(b.chart, 'p');
    const nums = [38, 16, 5, 29, 20, 33]; // Kinda 2023-01..06: months 13-18 of its series pushed above
    b.points.forEach((pt, i) => {
      assert.equal(pt.numerator, readm[i].numerator + nums[i]);
      assert.equal(pt.denominator, readm[i].denominator + 50);
    });
  });

  test('a rate per 1,000 with a denominator is a U chart', async () => {
    const rows = quarters(2021, 12).map((period, i) => ({ measure: M.avoidable, principal: 'motala', period,
      numerator: [30, 42, 35, 28, 39, 33, 31, 44, 36, 29, 90, 34][i], denominator: 1000 + 100 * (i % 3) }));
    expectSummary(await push(srv, tok.region, rows), { created: 12 });
    const b = await ok(tok.reader, M.avoidable, { principal: 'motala' });
    assert.equal(b.chart, 'u');
    assert.match(b.chart_reason, /rate.*U chart/);
    const u = rows.reduce((s, r) => s + r.numerator, 0) / rows.reduce((s, r) => s + r.denominator, 0);
    b.points.forEach((pt, i) => {
      const s = Math.sqrt(u / rows[i].denominator);
      close(pt.value, (rows[i].numerator * 1000) / rows[i].denominator, `value ${i}`);
      close(pt.centre, u * 1000, `centre ${i}`);
      close(pt.lcl, Math.max(0, u - 3 * s) * 1000, `lcl ${i}`);
      close(pt.ucl, (u + 3 * s) * 1000, `ucl ${i}`);
      assert.equal(pt.signal, pt.value > pt.ucl || pt.value < pt.lcl, `signal ${i}`);
    });
    assert.ok(b.points[10].signal, '90 per 1,000 is above the upper limit');
    assert.equal(b.verdict, 'signal');
  });

  test('a count is a C chart: mean and mean +- 3 sqrt(mean), the lower limit at least 0', async () => {
    const counts = [12, 15, 11, 14, 13, 16, 12, 14, 13, 15, 30, 14];
    const rows = weeks(2024, 12).map((period, i) => ({ measure: M.shortTerm, principal: 'motala', period, value: counts[i] }));
    expectSummary(await push(srv, tok.motala, rows), { created: 12 });
    const b = await ok(tok.reader, M.shortTerm, { principal: 'motala' });
    assert.equal(b.chart, 'c');
    assert.match(b.chart_reason, /count.*C chart/);
    const c = counts.reduce((a, x) => a + x, 0) / counts.length;
    b.points.forEach((pt, i) => {
      assert.equal(pt.value, counts[i]);
      assert.equal(pt.numerator, null);
      close(pt.centre, c, 'centre');
      close(pt.lcl, Math.max(0, c - 3 * Math.sqrt(c)), 'lcl');
      close(pt.ucl, c + 3 * Math.sqrt(c), 'ucl');
    });
    assert.deepEqual(b.points.map((x) => x.signal), counts.map((x) => x === 30));
    assert.deepEqual(b.rules.outside_limits, { count: 1, signal: true });
  });

  test('other values are an I chart: sigma from the screened mean moving range', async () => {
    const days = [20, 22, 21, 23, 22, 40, 22, 21, 23, 22, 21, 22];
    const rows = months(2024, 1, 12).map((period, i) => ({ measure: DAYS, principal: 'motala', period, value: days[i] }));
    expectSummary(await push(srv, tok.motala, rows), { created: 12 });
    const b = await ok(tok.reader, DAYS, { principal: 'motala' });
    assert.equal(b.chart, 'i');
    assert.match(b.chart_reason, /I chart/);
    const mean = days.reduce((a, x) => a + x, 0) / days.length;
    const mr = days.slice(1).map((x, i) => Math.abs(x - days[i]));
    const amr = mr.reduce((a, x) => a + x, 0) / mr.length;
    const kept = mr.filter((x) => x <= 3.267 * amr);
    assert.equal(kept.length, mr.length - 2, 'the two jumps around 40 are screened out');
    const sigma = kept.reduce((a, x) => a + x, 0) / kept.length / 1.128;
    b.points.forEach((pt) => {
      close(pt.centre, mean, 'centre');
      close(pt.lcl, mean - 3 * sigma, 'lcl');
      close(pt.ucl, mean + 3 * sigma, 'ucl');
    });
    assert.deepEqual(b.points.map((x) => x.signal), days.map((x) => x === 40));
    // chart=i is allowed on any measure; chart=c is not on days.
    assert.equal((await ok(tok.reader, M.shortTerm, { principal: 'motala', chart: 'i' })).chart, 'i');
  });
});

describe('suppression', () => {
  // SIP initiated: a restricted count. Motala's tertials include 1 to 4, which only Motala and
  // county_admin may see; for others they are left out of the chart altogether.
  const counts = [12, 3, 15, 14, 2, 13, 16, 11, 4, 14, 12, 15];
  const kinda = [8, 9, 7, 10, 9, 8, 1, 9, 8, 7, 10, 9];
  before(async () => {
    expectSummary(await push(srv, tok.motala, tertials(2021, 12).map((period, i) => ({ measure: M.sip, principal: 'motala', period, value: counts[i] }))), { created: 12 });
    expectSummary(await push(srv, tok.kinda, tertials(2021, 12).map((period, i) => ({ measure: M.sip, principal: 'kinda', period, value: kinda[i] }))), { created: 12 });
  });

  test('another principal: suppressed points have no value and are left out of centre and limits', async () => {
    const b = await ok(tok.reader, M.sip, { principal: 'motala' });
    const hidden = counts.map((x) => x >= 1 && x <= 4);
    b.points.forEach((pt, i) => {
      assert.equal(pt.suppressed, hidden[i], `point ${i}`);
      if (hidden[i]) assert.deepEqual([pt.value, pt.lcl, pt.ucl, pt.signal], [null, null, null, false]);
    });
    const visible = counts.filter((x, i) => !hidden[i]);
    const c = visible.reduce((a, x) => a + x, 0) / visible.length;
    close(b.points[0].centre, c, 'centre without the suppressed counts');
    assert.equal(b.useful_observations, runs(visible, c).useful);
    assert.equal(b.verdict, 'insufficient_data');
    assert.ok(!JSON.stringify(b).includes('"value":3'), 'no suppressed count in the body');
  });

  test('the principal itself and county_admin see and use every value', async () => {
    const c = counts.reduce((a, x) => a + x, 0) / counts.length;
    for (const t of [tok.motala, tok.county]) {
      const b = await ok(t, M.sip, { principal: 'motala' });
      assert.ok(b.points.every((x) => !x.suppressed));
      close(b.points[0].centre, c, 'centre of all counts');
      assert.equal(b.useful_observations, runs(counts, c).useful);
    }
  });

  test('the county: a total with any suppressed contribution is itself suppressed', async () => {
    const b = await ok(tok.reader, M.sip);
    const hidden = counts.map((x, i) => (x >= 1 && x <= 4) || (kinda[i] >= 1 && kinda[i] <= 4));
    assert.deepEqual(b.points.map((x) => x.suppressed), hidden);
    const totals = counts.map((x, i) => x + kinda[i]).filter((x, i) => !hidden[i]);
    close(b.points[0].centre, totals.reduce((a, x) => a + x, 0) / totals.length, 'county centre');
    const all = await ok(tok.county, M.sip);
    assert.deepEqual(all.points.map((x) => x.value), counts.map((x, i) => x + kinda[i]));
    // Kinda sees its own 1 but not Motala's small counts: those county totals stay hidden.
    const k = await ok(tok.kinda, M.sip);
    assert.deepEqual(k.points.map((x) => x.suppressed), counts.map((x) => x >= 1 && x <= 4));
  });
});

describe('requests', () => {
  test('authentication is required', async () => {
    expectError(await signals(undefined, M.readm30), 401);
  });

  test('unknown measure and a measure that is not an indicator: 404', async () => {
    expectError(await signals(tok.reader, 'att-aldras.nothing'), 404, 'not_found');
    const e = expectError(await signals(tok.reader, M.mapping), 404, 'not_found');
    assert.match(e.message, /milestone/);
  });

  test('bad parameters: 400 with every problem in the details', async () => {
    const e = expectError(await signals(tok.reader, M.shortTerm, {
      principal: 'stockholm', sex: 'X', from: '2024-13', chart: 'p', freeze: 'soon', part: '2024-01,,2024-02', colour: 'red',
    }), 400, 'invalid_query');
    assert.deepEqual(e.details.map((d) => d.path).sort(),
      ['query.chart', 'query.colour', 'query.freeze', 'query.from', 'query.part', 'query.principal', 'query.sex']);
    assert.match(e.details.find((d) => d.path === 'query.chart').message, /P chart needs a share/);
    const charts = [['p', M.avoidable], ['u', M.shortTerm], ['c', M.readm30], ['c', DAYS], ['x', M.readm30]];
    for (const [chart, measure] of charts) {
      const f = expectError(await signals(tok.reader, measure, { chart }), 400, 'invalid_query');
      assert.deepEqual(f.details.map((d) => d.path), ['query.chart'], `${chart} on ${measure}`);
    }
    const tooMany = Array.from({ length: 13 }, (_, i) => `2020-${pad(i % 12 + 1)}`).join(',');
    expectError(await signals(tok.reader, M.readm30, { part: tooMany }), 400, 'invalid_query');
    expectError(await signals(tok.reader, M.readm30, { part: '' }), 400, 'invalid_query');
  });

  test('freeze before the first point: 400, there is no baseline', async () => {
    const res = await signals(tok.reader, M.readm30, { principal: 'motala', freeze: '2020-12' });
    const e = expectError(res, 400, 'invalid_query');
    assert.equal(res.headers.get('etag'), null, 'an error carries no ETag');
    assert.deepEqual(e.details.map((d) => d.path), ['query.freeze']);
    assert.match(e.details[0].message, /no point up to and including 2020-12/);
  });

  test('ETag: an unchanged chart is a 304; a write changes it', async () => {
    const first = await signals(tok.reader, M.shortTerm, { principal: 'motala' });
    const etag = first.headers.get('etag');
    assert.match(etag, /^W\/"/);
    assert.equal((await signals(tok.reader, M.shortTerm, { principal: 'motala' }, { 'if-none-match': etag })).status, 304);
    expectSummary(await push(srv, tok.motala, [{ measure: M.shortTerm, principal: 'motala', period: '2024-W13', value: 14 }]), { created: 1 });
    await waitFor(async () => (await signals(tok.reader, M.shortTerm, { principal: 'motala' }, { 'if-none-match': etag })).status === 200,
      { what: 'a new ETag after the write' });
    // Another caller's ETag differs (what it may see differs).
    const other = await signals(tok.county, M.shortTerm, { principal: 'motala' });
    assert.notEqual(other.headers.get('etag'), etag);
  });
});
