// nara-vard: costs per patient (KPP) per year, ICD-10 chapter and age band; cost per patient;
// the share of cost spent on the prioritised age bands (65-79, 80+) and its shift year over
// year; a year replaced as a whole; only the region writes.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { expectError, expectStatus } from './lib/harness.mjs';
import { naraServer, COUNTY, reporter, reader, expectPushed, expectRefused, coreValues, periodOf } from './lib/nara-vard.mjs';

const SHARE = 'nara-vard.kpp-priority-cost-share';
let env;
before(async () => {
  env = await naraServer({
    county: COUNTY,
    region: reporter('region-ostergotland'),
    motala: reporter('motala'),
    reader: reader('ydre'),
  });
});
after(async () => { await env.stop(); });

const group = (icd10_chapter, age_band, patients, total_cost_sek) => ({ icd10_chapter, age_band, patients, total_cost_sek });
// 2024: total 124 000 000, prioritised (65-79, 80+) 75 000 000 → 60.483871 %.
const Y2024 = {
  year: 2024,
  groups: [group('IX', '80+', 1000, 60000000), group('IX', '18-64', 2000, 40000000), group('V', '65-79', 500, 15000000), group('II', '0-17', 300, 9000000)],
};
// 2025: total 145 000 000, prioritised 98 000 000 → 67.586207 %; shift +7.102336 points.
const Y2025 = {
  year: 2025,
  groups: [group('IX', '80+', 1100, 77000000), group('IX', '18-64', 1900, 38000000), group('V', '65-79', 600, 21000000), group('II', '0-17', 300, 9000000)],
};
const post = (who, years, opts) => env.post(who, '/kpp', { years }, opts);

describe('derived values', () => {
  test('the priority cost share of a year, exactly', async () => {
    const s = expectPushed(await post('region', [Y2024]), { created: 1, rejected: 0, stored: { created: 4, updated: 0, unchanged: 0, deleted: 0 } });
    assert.deepEqual(coreValues(env, SHARE), ['region-ostergotland 2024 T 60.483871 75000000 124000000']);
    assert.deepEqual(s.years, [{ year: 2024, total_cost_sek: 124000000, priority_cost_sek: 75000000, priority_cost_share: 60.483871, previous_share: null, shift_pp: null }]);
  });

  test('the shift year over year, in percentage points', async () => {
    const s = expectPushed(await post('region', [Y2025]), { created: 1 });
    assert.deepEqual(s.years, [{ year: 2025, total_cost_sek: 145000000, priority_cost_sek: 98000000, priority_cost_share: 67.586207, previous_share: 60.483871, shift_pp: 7.102336 }]);
    assert.deepEqual(coreValues(env, SHARE), ['region-ostergotland 2024 T 60.483871 75000000 124000000', 'region-ostergotland 2025 T 67.586207 98000000 145000000']);
  });

  test('GET /kpp: groups with cost per patient and chapter titles, shares and shifts', async () => {
    const res = expectStatus(await env.get('reader', '/kpp', { year: '2025' }), 200);
    assert.deepEqual(res.json.priority_age_bands.map((b) => b.age_band), ['65-79', '80+']);
    assert.equal(res.json.years.length, 1);
    const y = res.json.years[0];
    assert.deepEqual([y.year, y.patients, y.total_cost_sek, y.priority_cost_sek, y.priority_cost_share, y.previous_share, y.shift_pp],
      [2025, 3900, 145000000, 98000000, 67.586207, 60.483871, 7.102336]);
    assert.deepEqual(y.groups.map((g) => [g.icd10_chapter, g.age_band, g.prioritised, g.patients, g.total_cost_sek, g.cost_per_patient_sek]), [
      ['II', '0-17', false, 300, 9000000, 30000],
      ['V', '65-79', true, 600, 21000000, 35000],
      ['IX', '18-64', false, 1900, 38000000, 20000],
      ['IX', '80+', true, 1100, 77000000, 70000],
    ]);
    const ix = y.groups.find((g) => g.icd10_chapter === 'IX');
    assert.equal(ix.chapter_title, 'Cirkulationsorganens sjukdomar');
    assert.equal(ix.chapter_title_en, 'Diseases of the circulatory system');
    assert.equal(ix.codes, 'I00-I99');
    const all = expectStatus(await env.get('reader', '/kpp'), 200).json.years;
    assert.deepEqual(all.map((x) => x.year), [2024, 2025]);
    assert.equal(all[0].shift_pp, null);
  });

  test('cost per patient is rounded to öre', async () => {
    expectPushed(await post('region', [{ year: 2023, groups: [group('X', '80+', 3, 1000), group('X', '65-79', 0, 0)] }]), { created: 1 });
    const y = expectStatus(await env.get('reader', '/kpp', { year: '2023' }), 200).json.years[0];
    assert.deepEqual(y.groups.map((g) => g.cost_per_patient_sek), [null, 333.33]);
    assert.equal(y.priority_cost_share, 100);
  });

  test('a year is replaced as a whole: groups left out are deleted and the share follows', async () => {
    const fewer = { year: 2024, groups: Y2024.groups.filter((g) => g.icd10_chapter !== 'II') };
    // 75 / 115 = 65.217391 %; 2025's shift follows: 67.586207 - 65.217391.
    const s = expectPushed(await post('region', [fewer]), { updated: 1, stored: { created: 0, updated: 0, unchanged: 3, deleted: 1 } });
    assert.equal(s.years[0].priority_cost_share, 65.217391);
    const y25 = expectStatus(await env.get('reader', '/kpp', { year: '2025' }), 200).json.years[0];
    assert.equal(y25.previous_share, 65.217391);
    assert.equal(y25.shift_pp, 2.368816);
  });
});

describe('validation and rights', () => {
  test('every rule is a row-precise error', async () => {
    const next = Number(periodOf('year')) + 1;
    const res = await post('region', [
      { year: 2022, groups: [group('XXIII', '80+', 1, 1), group('ix', '65+', 1, 1)] },
      { year: 2021, groups: [group('I', '80+', -1, 1), group('I', '0-17', 1, 1.5), group('II', '18-64', 0, 10)] },
      { year: 2020, groups: [group('I', '80+', 1, 1), group('I', '80+', 2, 2)] },
      { year: 2020, groups: [group('I', '80+', 1, 1)] },
      { year: next, groups: [group('I', '80+', 1, 1)] },
      { year: 1999, groups: [group('I', '80+', 1, 1)] },
      { year: 2019, groups: [] },
      { year: 2018 },
      { year: '2017', groups: [{ ...group('I', '80+', 1, 1), drg: 'x' }], region: 'x' },
    ]);
    expectRefused(res, [
      '0 /years/0/groups/0/icd10_chapter invalid_value',
      '0 /years/0/groups/1/icd10_chapter invalid_value',
      '0 /years/0/groups/1/age_band invalid_value',
      '1 /years/1/groups/0/patients out_of_range',
      '1 /years/1/groups/1/total_cost_sek wrong_type',
      '1 /years/1/groups/2/total_cost_sek cost_without_patients',
      '2 /years/2/groups/1 duplicate_group',
      '3 /years/3 duplicate_row',
      '4 /years/4/year future_period',
      '5 /years/5/year period_too_early',
      '6 /years/6/groups out_of_range',
      '7 /years/7/groups missing',
      '8 /years/8/year wrong_type',
      '8 /years/8/groups/0/drg unknown_field',
      '8 /years/8/region unknown_field',
    ]);
    expectError(await env.post('region', '/kpp', { reports: [] }), 400, 'invalid_json');
  });

  test('only the region (or county_admin) writes KPP', async () => {
    expectError(await post('motala', [{ ...Y2024, year: 2022 }]), 403);
    expectError(await post('reader', [{ ...Y2024, year: 2022 }]), 403);
    expectPushed(await post('county', [{ ...Y2024, year: 2022 }]), { created: 1 });
    expectError(await env.get('reader', '/kpp', { year: '20x4' }), 400, 'invalid_query');
    // A year entry already replaces its year; ?mode=replace is not offered.
    expectError(await env.post('region', '/kpp', { years: [Y2024] }, { query: '?mode=replace&from=2024&to=2024' }), 400, 'invalid_query');
  });
});
