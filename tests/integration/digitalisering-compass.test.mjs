// Digitalisering: the value compass (GET/PUT /value-compass): county_admin chooses the vital few
// (3 to 7 indicators from any area, validated); one call returns each with its baseline (chosen
// or the first period recorded), the latest value per principal and for the county, the change
// and whether it is an improvement — checked here against hand-computed figures, with small
// counts of restricted measures hidden as the core hides them.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { req, expectStatus, expectError } from './lib/harness.mjs';
import { digiServer, call, expectProblems } from './lib/digitalisering.mjs';

const YEAR = new Date().getUTCFullYear();
const R30 = 'att-aldras.readmissions-30d', INIT = 'digitalisering.initiatives-ongoing', FALLS = 'nara-vard.fall-injuries';
const KPP = 'nara-vard.kpp-priority-cost-share', CARE = 'att-aldras.care-municipal-ratio';

let env, tok;
before(async () => {
  env = await digiServer({
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    motala: { principal: 'motala', role: 'reporter', areas: ['digitalisering', 'nara-vard'] },
    reader: { principal: 'ydre', role: 'reader' },
  });
  ({ tok } = env);
  const v = (measure, principal, period, x) => ({ measure, principal, period, ...(Array.isArray(x) ? { numerator: x[0], denominator: x[1] } : { value: x }) });
  const values = [
    v(R30, 'motala', '2025-01', [7, 140]), v(R30, 'motala', '2025-06', [6, 150]),
    v(R30, 'kinda', '2024-12', [3, 60]), v(R30, 'kinda', '2025-01', [4, 50]), v(R30, 'kinda', '2025-06', [3, 60]),
    v(INIT, 'motala', '2023', 3), v(INIT, 'motala', '2024', 5), v(INIT, 'motala', String(YEAR), 6),
    v(INIT, 'kinda', '2024', 2), v(INIT, 'kinda', '2025', 4), v(INIT, 'region-ostergotland', '2024', 10),
    v(FALLS, 'motala', '2025Q1', 3), v(FALLS, 'motala', '2025Q2', 10), v(FALLS, 'kinda', '2025Q1', 12), v(FALLS, 'kinda', '2025Q2', 9),
    v(KPP, 'region-ostergotland', '2024', [30, 200]), v(KPP, 'region-ostergotland', '2025', [45, 200]),
    v(CARE, 'motala', '2024', 2.5),
  ];
  expectStatus(await req(env.srv, 'POST', '/api/v1/values', { token: tok.county, body: { values } }), 200);
});
after(async () => { await env.stop(); });

const compass = async (token = tok.reader) => expectStatus(await call(env, 'GET', '/value-compass', token), 200).json;
const put = (measures, token = tok.county) => call(env, 'PUT', '/value-compass', token, { measures });
const entry = (c, slug) => c.measures.find((m) => m.measure === slug);
const of = (m, p) => m.principals.find((x) => x.principal === p);

describe('choosing the vital few', () => {
  test('nothing chosen yet: an empty compass', async () => {
    assert.deepEqual(await compass(), { chosen_at: null, chosen_by: null, measures: [] });
  });

  test('3 to 7 known indicators, each once, baselines of the measure\'s period type', async () => {
    const bad = (measures) => put(measures);
    expectProblems(expectError(await bad([{ measure: R30 }, { measure: INIT }]), 422), ['/measures wrong_count']);
    expectProblems(expectError(await bad(Array(8).fill({ measure: R30 })), 422), ['/measures wrong_count']);
    expectProblems(expectError(await call(env, 'PUT', '/value-compass', tok.county, {}), 422), ['/measures missing']);
    const err = expectError(await bad([
      { measure: 'nowhere.nothing' }, { measure: 'digitalisering.value-compass' }, { measure: R30, baseline: '2025' },
      { measure: R30 }, { measure: INIT, baseline: '2024-13', colour: 'red' }, { measure: FALLS, baseline: `${YEAR + 1}Q1` },
      { measure: KPP, baseline: '1999' },
    ]), 422, 'validation_failed');
    expectProblems(err, [
      '/measures/0/measure unknown_measure', '/measures/1/measure not_an_indicator', '/measures/2/baseline wrong_period_type',
      '/measures/3/measure duplicate', '/measures/4/baseline invalid_period', '/measures/4/colour unknown_field',
      '/measures/5/baseline future_period', '/measures/6/baseline period_too_early',
    ]);
    assert.match(err.details.find((d) => d.code === 'wrong_period_type').message, /reported per month/);
    expectProblems(expectError(await bad([{ measure: R30 }, 'x', { measure: INIT, baseline: 2024 }]), 422),
      ['/measures/1 wrong_type', '/measures/2/baseline wrong_type']);
    expectError(await put([{ measure: R30 }, { measure: INIT }, { measure: FALLS }], tok.motala), 403);
    assert.deepEqual((await compass()).measures, []);
  });

  test('county_admin chooses; the compass lists them in order', async () => {
    const res = expectStatus(await put([{ measure: R30, baseline: '2025-01' }, { measure: INIT }, { measure: FALLS },
      { measure: KPP }, { measure: CARE }]), 200).json;
    assert.deepEqual(res.measures.map((m) => [m.position, m.measure]), [[1, R30], [2, INIT], [3, FALLS], [4, KPP], [5, CARE]]);
    assert.match(res.chosen_by, /^user:/);
    const m = res.measures[0];
    assert.deepEqual([m.title, m.area, m.unit, m.period_type, m.direction], ['Andel återinläggningar inom 30 dagar', 'att-aldras', 'percent', 'month', 'lower_is_better']);
    assert.deepEqual(m.baseline, { period: '2025-01', chosen: true });
    assert.deepEqual(res.measures[1].baseline, { period: null, chosen: false });
  });
});

describe('the arithmetic', () => {
  test('a ratio measure with a chosen baseline: per principal and the county (sums over sums)', async () => {
    const m = entry(await compass(), R30);
    assert.equal(m.principals.length, 13, 'reported by the region on behalf of the 13 municipalities');
    // Motala: 7/140 = 5 % in January, 6/150 = 4 % in June: 1 point lower, an improvement.
    assert.deepEqual(of(m, 'motala'), { principal: 'motala', name: of(m, 'motala').name,
      baseline: { period: '2025-01', value: 5, suppressed: false }, latest: { period: '2025-06', value: 4, suppressed: false },
      change: -1, trend: 'improved' });
    // Kinda: the chosen baseline, not its first period (2024-12): 4/50 = 8 % -> 3/60 = 5 %.
    assert.deepEqual([of(m, 'kinda').baseline.value, of(m, 'kinda').latest.value, of(m, 'kinda').change], [8, 5, -3]);
    // Without data: nulls.
    assert.deepEqual([of(m, 'ydre').baseline, of(m, 'ydre').latest, of(m, 'ydre').change, of(m, 'ydre').trend], [null, null, null, null]);
    // County: (7+4)/(140+50) = 5.789474 %, (6+3)/(150+60) = 4.285714 %.
    assert.deepEqual(m.county, {
      baseline: { period: '2025-01', value: 5.789474, suppressed: false },
      latest: { period: '2025-06', value: 4.285714, suppressed: false, principals_reporting: 2 },
      change: -1.50376, trend: 'improved',
    });
  });

  test('a count without a chosen baseline: each from its first period; the county sums the municipalities', async () => {
    const m = entry(await compass(), INIT);
    assert.equal(m.principals.length, 14);
    assert.deepEqual([of(m, 'motala').baseline, of(m, 'motala').latest, of(m, 'motala').change, of(m, 'motala').trend],
      [{ period: '2023', value: 3, suppressed: false }, { period: String(YEAR), value: 6, suppressed: false }, 3, null]);
    assert.deepEqual([of(m, 'region-ostergotland').baseline.period, of(m, 'region-ostergotland').change], ['2024', 0]);
    // County = municipalities: 2023: 3; 2024: 5 + 2 = 7; 2025: 4; this year: 6 (Motala alone).
    assert.deepEqual(m.county, {
      baseline: { period: '2023', value: 3, suppressed: false },
      latest: { period: String(YEAR), value: 6, suppressed: false, principals_reporting: 1 },
      change: 3, trend: null,
    });
  });

  test('the region\'s own measure: the county is the region', async () => {
    const m = entry(await compass(), KPP);
    assert.deepEqual(m.principals.map((p) => p.principal), ['region-ostergotland']);
    assert.deepEqual([m.county.baseline.value, m.county.latest.value, m.county.change, m.county.trend], [15, 22.5, 7.5, 'improved']);
    assert.deepEqual([of(m, 'region-ostergotland').change, of(m, 'region-ostergotland').trend], [7.5, 'improved']);
  });

  test('a measure the core does not total has no county value', async () => {
    const m = entry(await compass(), CARE);
    assert.equal(m.county, null);
    assert.deepEqual(of(m, 'motala').latest, { period: '2024', value: 2.5, suppressed: false });
  });

  test('restricted small counts are hidden from other principals, shown to their own and to county_admin', async () => {
    const seen = async (token) => entry(await compass(token), FALLS);
    const reader = await seen(tok.reader);
    assert.deepEqual(of(reader, 'motala').baseline, { period: '2025Q1', value: null, suppressed: true });
    assert.deepEqual([of(reader, 'motala').latest.value, of(reader, 'motala').change, of(reader, 'motala').trend], [10, null, null]);
    assert.deepEqual(reader.county.baseline, { period: '2025Q1', value: null, suppressed: true }, 'one hidden row hides the total');
    assert.deepEqual([reader.county.latest.value, reader.county.change], [19, null]);
    const own = await seen(tok.motala);
    assert.deepEqual([of(own, 'motala').baseline.value, of(own, 'motala').change, of(own, 'motala').trend], [3, 7, 'worsened']);
    const county = await seen(tok.county);
    assert.deepEqual([county.county.baseline.value, county.county.latest.value, county.county.change, county.county.trend], [15, 19, 4, 'worsened']);
    assert.deepEqual([of(county, 'kinda').change, of(county, 'kinda').trend], [-3, 'improved']);
  });

  test('values pushed later show up at once; a token is needed', async () => {
    expectStatus(await req(env.srv, 'POST', '/api/v1/values', { token: tok.county,
      body: { values: [{ measure: R30, principal: 'ydre', period: '2025-07', numerator: 1, denominator: 20 }] } }), 200);
    const m = entry(await compass(), R30);
    assert.deepEqual([of(m, 'ydre').baseline, of(m, 'ydre').latest.value], [null, 5], 'no value in the chosen baseline period');
    assert.deepEqual([m.county.latest.period, m.county.latest.value, m.county.latest.principals_reporting], ['2025-07', 5, 1]);
    expectError(await call(env, 'GET', '/value-compass'), 401);
  });
});

describe('choosing again', () => {
  test('a new choice replaces the old one', async () => {
    const res = expectStatus(await put([{ measure: KPP, baseline: '2025' }, { measure: FALLS }, { measure: R30 }]), 200).json;
    assert.deepEqual(res.measures.map((m) => [m.position, m.measure, m.baseline.period]), [[1, KPP, '2025'], [2, FALLS, null], [3, R30, null]]);
    const kpp = entry(await compass(), KPP);
    assert.deepEqual([kpp.county.baseline.value, kpp.county.change, kpp.county.trend], [22.5, 0, 'unchanged']);
    assert.equal(env.sql('SELECT count(*) FROM digitalisering.compass_measures'), '3');
  });
});
