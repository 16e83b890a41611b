// nara-vard: fall injuries per municipality and quarter by age band and sex; rates per 1,000
// inhabitants from the core's population data (host->population); missing populations;
// small counts hidden from other principals.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { expectError, expectStatus } from './lib/harness.mjs';
import {
  naraServer, COUNTY, reporter, reader, expectPushed, expectRefused, coreValues, fallRow, putPopulation, nextPeriod,
} from './lib/nara-vard.mjs';

let env;
before(async () => {
  env = await naraServer({
    county: COUNTY,
    motala: reporter('motala'),
    kinda: reporter('kinda'),
    region: reporter('region-ostergotland'),
    reader: reader('ydre'),
  });
  // Motala 2025: 65-79 K 3000, M 2000 (T 5000); 80+ K 1500, M 1000 (T 2500).
  const pop = [['65-79', 'K', 3000], ['65-79', 'M', 2000], ['65-79', 'T', 5000], ['80+', 'K', 1500], ['80+', 'M', 1000], ['80+', 'T', 2500]];
  await putPopulation(env, 'county', pop.map(([age_band, sex, population]) => ({ principal: 'motala', year: 2025, sex, age_band, population })));
  // Kinda 2025: only totals (K and M missing).
  await putPopulation(env, 'county', [
    { principal: 'kinda', year: 2025, sex: 'T', age_band: '65-79', population: 1200 },
    { principal: 'kinda', year: 2025, sex: 'T', age_band: '80+', population: 400 },
  ]);
});
after(async () => { await env.stop(); });

const post = (who, reports, opts) => env.post(who, '/falls', { reports }, opts);

describe('derived values', () => {
  test('counts per sex and rates per 1,000 per band and for 65+, exactly', async () => {
    // 65-79: K 6, M 4 (T 10); 80+: K 12, M 9 (T 21).
    const s = expectPushed(await post('motala', [fallRow()]), { rejected: 0, stored: { created: 1, updated: 0, unchanged: 0 } });
    assert.deepEqual(s.warnings, []);
    assert.equal(s.created, 12); // 3 counts + 3 sexes × 3 rates
    assert.deepEqual(coreValues(env, 'nara-vard.fall-injuries'), ['motala 2025Q1 K 18 - -', 'motala 2025Q1 M 13 - -', 'motala 2025Q1 T 31 - -']);
    assert.deepEqual(coreValues(env, 'nara-vard.fall-injury-rate-65-79'), ['motala 2025Q1 K 2 6 3000', 'motala 2025Q1 M 2 4 2000', 'motala 2025Q1 T 2 10 5000']);
    assert.deepEqual(coreValues(env, 'nara-vard.fall-injury-rate-80-plus'), ['motala 2025Q1 K 8 12 1500', 'motala 2025Q1 M 9 9 1000', 'motala 2025Q1 T 8.4 21 2500']);
    assert.deepEqual(coreValues(env, 'nara-vard.fall-injury-rate-65-plus'), ['motala 2025Q1 K 4 18 4500', 'motala 2025Q1 M 4.333333 13 3000', 'motala 2025Q1 T 4.133333 31 7500']);
  });

  test('the plugin\'s read shows counts, populations and rates per band, sex and 65+', async () => {
    const res = expectStatus(await env.get('motala', '/falls', { municipality: 'motala' }), 200);
    assert.equal(res.json.items.length, 1);
    const item = res.json.items[0];
    assert.equal(item.quarter, '2025Q1');
    assert.deepEqual(item.injuries['65-79'], {
      K: { injuries: 6, population: 3000, rate_per_1000: 2, suppressed: false },
      M: { injuries: 4, population: 2000, rate_per_1000: 2, suppressed: false },
      T: { injuries: 10, population: 5000, rate_per_1000: 2, suppressed: false },
    });
    assert.deepEqual(item.injuries['80+'].T, { injuries: 21, population: 2500, rate_per_1000: 8.4, suppressed: false });
    assert.deepEqual(item.injuries['65+'].M, { injuries: 13, population: 3000, rate_per_1000: 4.333333, suppressed: false });
  });

  test('a missing population: the counts are kept, that rate is not derived, and a warning says so', async () => {
    const row = fallRow({ municipality: 'kinda', injuries: { '65-79': { K: 2, M: 1 }, '80+': { K: 5, M: 3 } } });
    const s = expectPushed(await post('kinda', [row]), { rejected: 0 });
    // T has populations (1200, 400); K and M do not.
    assert.deepEqual(s.warnings.map((w) => `${w.index} ${w.path} ${w.code}`).sort(), [
      '0 /reports/0/injuries/65-79/K population_missing', '0 /reports/0/injuries/65-79/M population_missing',
      '0 /reports/0/injuries/80+/K population_missing', '0 /reports/0/injuries/80+/M population_missing',
    ]);
    assert.match(s.warnings[0].message, /kinda 2025/);
    assert.deepEqual(coreValues(env, 'nara-vard.fall-injuries', "p.slug = 'kinda'"), ['kinda 2025Q1 K 7 - -', 'kinda 2025Q1 M 4 - -', 'kinda 2025Q1 T 11 - -']);
    assert.deepEqual(coreValues(env, 'nara-vard.fall-injury-rate-65-79', "p.slug = 'kinda'"), ['kinda 2025Q1 T 2.5 3 1200']);
    assert.deepEqual(coreValues(env, 'nara-vard.fall-injury-rate-65-plus', "p.slug = 'kinda'"), ['kinda 2025Q1 T 6.875 11 1600']);
    // Another year has no population at all: counts only.
    const s2 = expectPushed(await post('kinda', [{ ...row, quarter: '2024Q4' }]), { created: 3 });
    assert.equal(s2.warnings.length, 6);
  });

  test('counts of 1-4 are hidden from other principals, not from the municipality or county_admin', async () => {
    // Kinda 2025Q1: 65-79 K 2, M 1, T 3; 80+ K 5, M 3, T 8.
    const other = (await env.get('reader', '/falls', { municipality: 'kinda', from: '2025Q1', to: '2025Q1' })).json.items[0];
    assert.deepEqual(other.injuries['65-79'].K, { injuries: null, population: null, rate_per_1000: null, suppressed: true });
    assert.deepEqual(other.injuries['65-79'].T, { injuries: null, population: 1200, rate_per_1000: null, suppressed: true });
    assert.deepEqual(other.injuries['80+'].K, { injuries: 5, population: null, rate_per_1000: null, suppressed: false });
    const own = (await env.get('kinda', '/falls', { municipality: 'kinda', from: '2025Q1', to: '2025Q1' })).json.items[0];
    assert.deepEqual(own.injuries['65-79'].T, { injuries: 3, population: 1200, rate_per_1000: 2.5, suppressed: false });
    const admin = (await env.get('county', '/falls', { municipality: 'kinda', from: '2025Q1', to: '2025Q1' })).json.items[0];
    assert.equal(admin.injuries['65-79'].M.injuries, 1);
  });

  test('a changed report updates; the same report again changes nothing', async () => {
    expectPushed(await post('motala', [fallRow()]), { created: 0, updated: 0, unchanged: 12, stored: { created: 0, updated: 0, unchanged: 1 } });
    const changed = fallRow({ injuries: { '65-79': { K: 6, M: 4 }, '80+': { K: 15, M: 9 } } });
    const s = expectPushed(await post('motala', [changed]), { stored: { created: 0, updated: 1, unchanged: 0 } });
    assert.equal(s.updated, 6); // K and T of the count, of 80+ and of 65+
  });
});

describe('replace', () => {
  test('?mode=replace deletes the quarters of the slice the push leaves out', async () => {
    expectPushed(await post('motala', [fallRow({ quarter: '2024Q2' }), fallRow({ quarter: '2024Q3' })]), { rejected: 0 });
    const s = expectPushed(await post('motala', [fallRow({ quarter: '2024Q2' })], { query: '?mode=replace&from=2024Q2&to=2024Q3' }),
      { mode: 'replace', deleted: 3, stored: { created: 0, updated: 0, unchanged: 1, deleted: 1 } });
    assert.equal(s.rejected, 0);
    assert.equal(env.sql("SELECT string_agg(DISTINCT quarter, ',') FROM nara_vard.fall_injuries WHERE principal_id = 7 AND quarter IN ('2024Q2', '2024Q3')"), '2024Q2');
  });
});

describe('validation and rights', () => {
  test('every rule is a row-precise error', async () => {
    const res = await post('motala', [
      fallRow({ quarter: '2025Q2', injuries: { '65-79': { K: 1, M: 1 } } }),
      fallRow({ quarter: '2025Q3', injuries: { '65-79': { K: 1, M: 1 }, '80+': { K: 1, M: 1, T: 2 } } }),
      fallRow({ quarter: '2025Q4', injuries: { '65-79': { K: -1, M: 1 }, '80+': { K: 1.5, M: 1 } } }),
      fallRow({ quarter: '2025Q5' }),
      fallRow({ quarter: nextPeriod('quarter') }),
      fallRow({ quarter: '2025Q2', injuries: { '65-79': { K: 1, M: 1 }, '80+': { K: 1, M: 1 }, '0-17': { K: 0, M: 0 } } }),
      fallRow({ quarter: '2024Q1', injuries: { '65-79': { K: 1 }, '80+': 'many' } }),
      fallRow({ quarter: '2024Q2', injuries: undefined }),
      fallRow({ quarter: '2024Q3', municipality: 'region-ostergotland' }),
      fallRow({ quarter: '2024Q3', sex: 'K' }),
    ]);
    expectRefused(res, [
      '0 /reports/0/injuries/80+ missing',
      '1 /reports/1/injuries/80+/T unknown_field',
      '2 /reports/2/injuries/65-79/K out_of_range',
      '2 /reports/2/injuries/80+/K wrong_type',
      '3 /reports/3/quarter invalid_period',
      '4 /reports/4/quarter future_period',
      '5 /reports/5/injuries/0-17 unknown_field',
      '5 /reports/5 duplicate_row',
      '6 /reports/6/injuries/65-79/M missing',
      '6 /reports/6/injuries/80+ wrong_type',
      '7 /reports/7/injuries missing',
      '8 /reports/8/municipality principal_kind_not_allowed',
      '9 /reports/9/sex unknown_field',
    ]);
  });

  test('only the municipality itself or county_admin; the region may not', async () => {
    expectError(await post('region', [fallRow({ quarter: '2024Q1' })]), 403);
    expectError(await post('kinda', [fallRow({ quarter: '2024Q1' })]), 403);
    expectPushed(await post('county', [fallRow({ quarter: '2024Q1' })]), { rejected: 0 });
    expectError(await post('reader', [fallRow({ quarter: '2024Q2' })]), 403);
  });

  test('reads: filters are checked', async () => {
    expectError(await env.get('reader', '/falls', { from: '2025-01' }), 400, 'invalid_query');
    expectError(await env.get('reader', '/falls', { municipality: 'nowhere' }), 400, 'invalid_query');
  });
});
