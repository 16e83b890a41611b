// Att åldras: yearly care contacts per care level (POST/GET /api/v1/att-aldras/care-levels):
// rates per 1,000 from the core's population figures and the 80+/all ratio, exact; a year
// without population figures is refused with a message saying so; who reports which level.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { req, expectStatus, expectError } from './lib/harness.mjs';
import {
  aldrasServer, pushCare, expectPushSummary, expectRowError, valuesOf, setPopulation, BASE,
} from './lib/att-aldras.mjs';

let env, srv, tok;
before(async () => {
  env = await aldrasServer({
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    region: { principal: 'region-ostergotland', role: 'reporter', areas: ['att-aldras'] },
    motala: { principal: 'motala', role: 'reporter', areas: ['att-aldras'] },
    reader: { principal: 'kinda', role: 'reader' },
  });
  ({ srv, tok } = env);
  const pop = (principal, year, band, population) => ({ principal, year, sex: 'T', age_band: band, population });
  expectStatus(await setPopulation(srv, tok.county, [
    pop('motala', 2024, '80+', 2500), pop('motala', 2024, 'all', 43000),
    pop('kinda', 2024, '80+', 3000), pop('kinda', 2024, 'all', 9000),
    pop('ydre', 2024, '80+', 400), // no 'all' figure for Ydre
  ]), 200);
});
after(async () => { await env.stop(); });

const row = (municipality, careLevel, c80, call, year = 2024) => ({ year, municipality, care_level: careLevel, contacts_80: c80, contacts_all: call });

describe('rates and ratio', () => {
  test('10,000 contacts among 2,500 people 80+ is 4,000 per 1,000; 86,000 among 43,000 is 2,000; the ratio is 2', async () => {
    const res = await pushCare(srv, tok.region, [row('motala', 'primary', 10000, 86000)]);
    expectPushSummary(res, { created: 3, rejected: 0 }, { created: 1 });
    assert.equal(valuesOf(env, 'att-aldras.care-primary-80'), 'motala 2024 T 4000 10000 2500');
    assert.equal(valuesOf(env, 'att-aldras.care-primary-all'), 'motala 2024 T 2000 86000 43000');
    assert.equal(valuesOf(env, 'att-aldras.care-primary-ratio'), 'motala 2024 T 2');
  });

  test('a third is rounded to 6 decimals, exactly as the rates', async () => {
    expectPushSummary(await pushCare(srv, tok.region, [row('kinda', 'specialist', 1000, 9000)]), { created: 3 });
    assert.equal(valuesOf(env, 'att-aldras.care-specialist-80'), 'kinda 2024 T 333.333333 1000 3000');
    assert.equal(valuesOf(env, 'att-aldras.care-specialist-all'), 'kinda 2024 T 1000 9000 9000');
    assert.equal(valuesOf(env, 'att-aldras.care-specialist-ratio'), 'kinda 2024 T 0.333333');
  });

  test('re-pushing changes nothing; the stored row shows population and rates', async () => {
    expectPushSummary(await pushCare(srv, tok.region, [row('motala', 'primary', 10000, 86000)]), { created: 0, updated: 0, unchanged: 3 }, { unchanged: 1 });
    const list = expectStatus(await req(srv, 'GET', `${BASE}/care-levels?municipality=motala&year=2024`, { token: tok.reader }), 200);
    assert.equal(list.json.items.length, 1);
    const { updated_at: at, ...item } = list.json.items[0];
    assert.ok(at);
    assert.deepEqual(item, {
      year: 2024, municipality: 'motala', care_level: 'primary', contacts_80: 10000, contacts_all: 86000,
      population_80: 2500, population_all: 43000, per_1000_80: 4000, per_1000_all: 2000, ratio: 2,
    });
  });

  test('no contacts at all: rates of 0 and no ratio', async () => {
    expectPushSummary(await pushCare(srv, tok.region, [row('kinda', 'primary', 0, 0)]), { created: 2 });
    assert.equal(valuesOf(env, 'att-aldras.care-primary-80', "p.slug = 'kinda'"), 'kinda 2024 T 0 0 3000');
    assert.equal(valuesOf(env, 'att-aldras.care-primary-ratio', "p.slug = 'kinda'"), '');
  });
});

describe('population figures', () => {
  test('a year without population figures is refused with a message saying so', async () => {
    const err = expectError(await pushCare(srv, tok.region, [row('motala', 'primary', 10, 20, 2023)]), 422, 'validation_failed');
    const e = expectRowError(err.details, { index: 0, path: '/reports/0/year', code: 'population_missing' });
    assert.match(e.message, /no population figures for Motala kommun in 2023/);
    assert.match(e.message, /80\+ and all/);
    assert.match(e.message, /PUT \/api\/v1\/population/);
  });

  test('one band missing is named', async () => {
    const err = expectError(await pushCare(srv, tok.region, [row('ydre', 'primary', 10, 20)]), 422);
    assert.match(expectRowError(err.details, { index: 0, code: 'population_missing' }).message, /age band all/);
  });

  test('once the county secretariat adds the figures, the same report goes through', async () => {
    expectStatus(await setPopulation(srv, tok.county, [{ principal: 'ydre', year: 2024, sex: 'T', age_band: 'all', population: 3600 }]), 200);
    expectPushSummary(await pushCare(srv, tok.region, [row('ydre', 'primary', 10, 20)]), { created: 3 });
    assert.equal(valuesOf(env, 'att-aldras.care-primary-ratio', "p.slug = 'ydre'"), 'ydre 2024 T 4.5');
  });
});

describe('who reports which level', () => {
  test('a municipality reports its own municipal health care', async () => {
    expectPushSummary(await pushCare(srv, tok.motala, [row('motala', 'municipal', 5000, 9000)]), { created: 3 }, { created: 1 });
    assert.equal(valuesOf(env, 'att-aldras.care-municipal-80'), 'motala 2024 T 2000 5000 2500');
  });

  test('a municipality may not report primary care (the region reports it on behalf of everyone): 403', async () => {
    const err = expectError(await pushCare(srv, tok.motala, [row('motala', 'primary', 1, 2)]), 403, 'forbidden');
    expectRowError(err.details, { index: 0, code: 'forbidden' });
  });

  test("the region may not report a municipality's municipal health care: 403, nothing written", async () => {
    const err = expectError(await pushCare(srv, tok.region, [row('kinda', 'municipal', 1, 2)]), 403, 'forbidden');
    expectRowError(err.details, { index: 0, path: '/reports/0', code: 'forbidden' });
    assert.equal(env.sql("SELECT count(*) FROM att_aldras.care_contacts WHERE care_level = 'municipal' AND principal_id = 4"), '0');
  });

  test('a reader may only read', async () => {
    expectError(await pushCare(srv, tok.reader, [row('kinda', 'municipal', 1, 2)]), 403);
    expectStatus(await req(srv, 'GET', `${BASE}/care-levels`, { token: tok.reader }), 200);
  });
});

describe('validation', () => {
  const cases = [
    [row('motala', 'primary', 30, 20), 'contacts_80', 'exceeds_contacts_all'],
    [row('motala', 'hospital', 1, 2), 'care_level', 'invalid_care_level'],
    [row('motala', 'primary', 1, 2, new Date().getUTCFullYear() + 1), 'year', 'future_period'],
    [row('motala', 'primary', 1, 2, 1999), 'year', 'period_too_early'],
    [row('motala', 'primary', 1, 2, '2024'), 'year', 'invalid_year'],
    [row('region-ostergotland', 'primary', 1, 2), 'municipality', 'not_a_municipality'],
    [row('motala', 'primary', -1, 2), 'contacts_80', 'out_of_range'],
    [row('motala', 'primary', 1, 2.5), 'contacts_all', 'wrong_type'],
    [{ ...row('motala', 'primary', 1, 2), sex: 'K' }, 'sex', 'unknown_field'],
    [(({ care_level, ...r }) => r)(row('motala', 'primary', 1, 2)), 'care_level', 'missing'],
  ];

  test('each broken row gets its error at /reports/<index>/<field>', async () => {
    const err = expectError(await pushCare(srv, tok.region, cases.map(([r]) => r)), 422, 'validation_failed');
    cases.forEach(([, field, code], i) => expectRowError(err.details, { index: i, path: `/reports/${i}/${field}`, code }));
  });

  test('a repeated municipality, year and care level is a duplicate_row', async () => {
    const err = expectError(await pushCare(srv, tok.region, [row('motala', 'specialist', 1, 2), row('0583', 'specialist', 1, 3)]), 422);
    assert.deepEqual(err.details.map((e) => `${e.path} ${e.code}`), ['/reports/1 duplicate_row']);
  });

  test('GET checks its query', async () => {
    const err = expectError(await req(srv, 'GET', `${BASE}/care-levels?care_level=x&year=20x4&municipality=nowhere`, { token: tok.reader }), 400, 'invalid_query');
    assert.deepEqual(err.details.map((d) => d.path).sort(), ['query.care_level', 'query.municipality', 'query.year']);
  });
});
