// Att åldras: GET /api/v1/att-aldras/overview — every municipality against the county in one
// call: the month's shares, the county value for the same month, the change against the same
// month a year earlier, better or worse than the county; a municipality without data.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { req, expectStatus, expectError } from './lib/harness.mjs';
import { aldrasServer, pushHospital, report, sexRows, expectPushSummary, nextMonth, BASE, MUNICIPALITIES } from './lib/att-aldras.mjs';

let env, srv, tok;
before(async () => {
  env = await aldrasServer({
    region: { principal: 'region-ostergotland', role: 'reporter', areas: ['att-aldras'] },
    reader: { principal: 'ydre', role: 'reader' },
  });
  ({ srv, tok } = env);
  const r = (muni, month, d, r48, r30, ed, adm) => report(muni, month, { discharges: d, readmissions_48h: r48, readmissions_30d: r30, ed_visits: ed, ed_admitted: adm });
  expectPushSummary(await pushHospital(srv, tok.region, [
    // 2025-03: Motala 7/140 = 5 %, Kinda 3/100 = 3 %, Linköping 30/300 = 10 %.
    r('motala', '2025-03', 140, 2, 7, 50, 20),
    r('kinda', '2025-03', 100, 1, 3, 20, 5),
    r('linkoping', '2025-03', 300, 12, 30, 130, 65),
    // 2024-03: Motala 14/140 = 10 %, Linköping 20/400 = 5 %; Kinda none.
    r('motala', '2024-03', 140, 4, 14, 40, 10),
    r('linkoping', '2024-03', 400, 8, 20, 100, 50),
    // An earlier month that is not the latest.
    r('motala', '2025-01', 100, 1, 1, 10, 1),
    // K and M for Motala 2025-03 (sum to the T row above).
    ...sexRows('motala', '2025-03', { discharges: 70, readmissions_48h: 1, readmissions_30d: 3, ed_visits: 25, ed_admitted: 10 },
      { discharges: 70, readmissions_48h: 1, readmissions_30d: 4, ed_visits: 25, ed_admitted: 10 }).slice(1),
  ]), { rejected: 0 });
});
after(async () => { await env.stop(); });

const overview = (qs = '') => req(srv, 'GET', `${BASE}/overview${qs}`, { token: tok.reader });
const byMuni = (o, slug) => o.municipalities.find((m) => m.principal === slug);

describe('the overview of a month', () => {
  let o;
  before(async () => { o = expectStatus(await overview('?period=2025-03'), 200).json; });

  test('the period, the month compared with, the measures', () => {
    assert.equal(o.period, '2025-03');
    assert.equal(o.compared_with, '2024-03');
    assert.equal(o.sex, 'T');
    assert.deepEqual(o.measures.map((m) => [m.key, m.measure, m.unit, m.direction]), [
      ['readmissions_48h', 'att-aldras.readmissions-48h', 'percent', 'lower_is_better'],
      ['readmissions_30d', 'att-aldras.readmissions-30d', 'percent', 'lower_is_better'],
      ['ed_visits_not_admitted', 'att-aldras.ed-visits-not-admitted', 'percent', 'lower_is_better'],
    ]);
    assert.equal(o.measures[1].title, 'Andel återinläggningar inom 30 dagar');
  });

  test('the county value sums the municipalities: 40 readmissions of 540 discharges = 7.407407 %, 34 of 540 a year earlier', () => {
    assert.deepEqual(o.county.readmissions_30d, {
      value: 7.407407, numerator: 40, denominator: 540, municipalities_reporting: 3, previous_value: 6.296296, change: 1.111111,
    });
    // Visits not admitted: (30 + 15 + 65) / (50 + 20 + 130) = 110 / 200 = 55 %; a year earlier (30 + 50) / 140.
    assert.deepEqual(o.county.ed_visits_not_admitted, {
      value: 55, numerator: 110, denominator: 200, municipalities_reporting: 3, previous_value: 57.142857, change: -2.142857,
    });
  });

  test('each municipality: value, a year earlier, change, county value, difference, better or worse', () => {
    assert.equal(o.municipalities.length, 13);
    assert.deepEqual(o.municipalities.map((m) => m.principal), MUNICIPALITIES.map(([s]) => s));
    assert.deepEqual(byMuni(o, 'motala').shares.readmissions_30d, {
      value: 5, numerator: 7, denominator: 140, previous_value: 10, change: -5, county_value: 7.407407, difference: -2.407407, vs_county: 'better',
    });
    assert.deepEqual(byMuni(o, 'linkoping').shares.readmissions_30d, {
      value: 10, numerator: 30, denominator: 300, previous_value: 5, change: 5, county_value: 7.407407, difference: 2.592593, vs_county: 'worse',
    });
    // Kinda has no value a year earlier: no change.
    assert.deepEqual(byMuni(o, 'kinda').shares.readmissions_30d, {
      value: 3, numerator: 3, denominator: 100, previous_value: null, change: null, county_value: 7.407407, difference: -4.407407, vs_county: 'better',
    });
    // Lower is better for visits not admitted too: Linköping's 50 % beats the county's 55 %.
    assert.equal(byMuni(o, 'linkoping').shares.ed_visits_not_admitted.vs_county, 'better');
    assert.equal(byMuni(o, 'motala').shares.ed_visits_not_admitted.vs_county, 'worse');
  });

  test('a municipality without data has nulls, and the county value to compare with later', () => {
    const ydre = byMuni(o, 'ydre');
    assert.deepEqual(Object.keys(ydre).sort(), ['code', 'name', 'principal', 'shares']);
    assert.equal(ydre.code, '0512');
    assert.equal(ydre.name, 'Ydre kommun');
    for (const key of ['readmissions_48h', 'readmissions_30d', 'ed_visits_not_admitted']) {
      const s = ydre.shares[key];
      assert.deepEqual({ ...s, county_value: undefined }, {
        value: null, numerator: null, denominator: null, previous_value: null, change: null, county_value: undefined, difference: null, vs_county: null,
      }, key);
      assert.equal(s.county_value, o.county[key].value);
    }
  });
});

describe('choosing the period', () => {
  test('without ?period the latest month with data', async () => {
    assert.equal(expectStatus(await overview(), 200).json.period, '2025-03');
  });

  test('a month without any data: everything null, the county included', async () => {
    const o = expectStatus(await overview('?period=2023-05'), 200).json;
    assert.deepEqual(o.county.readmissions_48h, { value: null, numerator: null, denominator: null, municipalities_reporting: 0, previous_value: null, change: null });
    assert.ok(o.municipalities.every((m) => m.shares.readmissions_48h.value === null));
  });

  test('?sex=K reads the women\'s rows', async () => {
    const o = expectStatus(await overview('?period=2025-03&sex=K'), 200).json;
    assert.equal(o.sex, 'K');
    assert.equal(byMuni(o, 'motala').shares.readmissions_30d.value, 4.285714);
    assert.equal(o.county.readmissions_30d.value, 4.285714);
    assert.equal(byMuni(o, 'motala').shares.readmissions_30d.vs_county, 'same');
  });

  test('a malformed or future period, or an unknown sex, is 400 invalid_query', async () => {
    for (const qs of ['?period=2025-13', '?period=2025', `?period=${nextMonth()}`, '?period=1999-12', '?sex=X']) {
      const err = expectError(await overview(qs), 400, 'invalid_query');
      assert.equal(err.details.length, 1, qs);
      assert.match(err.details[0].path, /^query\.(period|sex)$/);
    }
  });

  test('a token is needed', async () => {
    expectError(await req(srv, 'GET', `${BASE}/overview`), 401);
  });
});
