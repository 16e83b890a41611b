// vaxa-upp: health and dental checks of placed children, youth health, SIP, reports of concern
// and state grants: every validation rule, who may write, and the values derived into shared
// measures through host->push_values (read back from the core's GET /api/v1/values).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { req, expectStatus, expectError } from './lib/harness.mjs';
import { getValues, push as pushValues, nextPeriod } from './lib/values.mjs';
import {
  vaxaServer, vpost, vget, check, youth, sip, concern, grant, expectShown, expectRowError, keys,
} from './lib/vaxa-upp.mjs';

let env, srv, tok;
before(async () => { env = await vaxaServer(); ({ srv, tok } = env); });
after(async () => { await env.stop(); });

const post = (token, path, body, query = '') => vpost(srv, token, path, body, { query });
async function refused(token, path, body) {
  return expectError(await post(token, path, body), 422, 'validation_failed').details;
}
// The core's values of a measure for a principal, as {period: value row}.
async function coreValues(measure, principal, token = tok.county) {
  const res = expectStatus(await getValues(srv, token, { measure, principal }), 200);
  return Object.fromEntries(res.json.items.map((v) => [`${v.period}${v.sex === 'T' ? '' : v.sex}`, v]));
}

describe('shared measures', () => {
  test('defined by the plugin, restricted, with the documented shape', async () => {
    const res = expectStatus(await req(srv, 'GET', '/api/v1/measures?area=vaxa-upp', { token: tok.reader }), 200);
    const by = Object.fromEntries(res.json.items.map((m) => [m.slug, m]));
    const want = {
      'vaxa-upp.placed-health-exam-share': { unit: 'percent', ratio: true, period_type: 'year', reported_by: ['municipality'], age_band: '0-20' },
      'vaxa-upp.placed-dental-assessment-share': { unit: 'percent', ratio: true, period_type: 'year', reported_by: ['municipality'] },
      'vaxa-upp.youth-health-visits-13-17': { unit: 'count', period_type: 'year', sex_split: false, age_band: '13-17' },
      'vaxa-upp.youth-health-visits-18-21': { unit: 'count', age_band: '18-21' },
      'vaxa-upp.youth-health-visits-22-25': { unit: 'count', age_band: '22-25' },
      'vaxa-upp.youth-health-fte': { unit: 'fte', period_type: 'year' },
      'vaxa-upp.concern-reports': { unit: 'count', period_type: 'quarter', reported_by: ['municipality'] },
      'vaxa-upp.state-grant-granted': { unit: 'sek', reported_by: ['region', 'municipality'] },
      'vaxa-upp.state-grant-used': { unit: 'sek' },
      'vaxa-upp.state-grant-use-share': { unit: 'percent', ratio: true },
    };
    for (const [slug, fields] of Object.entries(want)) {
      const m = by[slug];
      assert.ok(m, `no measure ${slug}`);
      assert.equal(m.restricted, true, slug);
      assert.equal(m.area, 'vaxa-upp');
      assert.ok(m.title.length > 0 && m.title_en.length > 0 && m.description.length > 0, slug);
      for (const [k, v] of Object.entries(fields)) assert.deepEqual(m[k], v, `${slug}.${k}`);
    }
    // the seeded SIP measure is left as the core defined it
    assert.deepEqual([by['vaxa-upp.sip-initiated'].unit, by['vaxa-upp.sip-initiated'].period_type, by['vaxa-upp.sip-initiated'].restricted],
      ['count', 'tertial', true]);
  });
});

describe('health and dental checks of placed children', () => {
  test('stored, and the shares derived into the shared measures', async () => {
    const res = expectStatus(await post(tok.motala, '/placed-children/checks', { checks: [check('motala')] }), 200);
    assert.equal(res.json.created, 2);
    assert.equal(res.json.stored, 1);
    const health = await coreValues('vaxa-upp.placed-health-exam-share', 'motala');
    assert.deepEqual([health['2025'].numerator, health['2025'].denominator, health['2025'].value], [15, 20, 75]);
    const dental = await coreValues('vaxa-upp.placed-dental-assessment-share', 'motala');
    assert.deepEqual([dental['2025'].numerator, dental['2025'].denominator, dental['2025'].value], [12, 20, 60]);
    const got = expectStatus(await vget(srv, tok.motala, '/placed-children/checks?year=2025'), 200).json;
    const m = got.items.find((i) => i.principal === 'motala');
    expectShown(m.placed, 20);
    expectShown(m.health_exam_share, 75);
    expectShown(m.dental_assessment_share, 60);
    // a correction updates both
    const again = expectStatus(await post(tok.motala, '/placed-children/checks', { checks: [check('motala', { health_examined: 16 })] }), 200);
    assert.deepEqual([again.json.updated, again.json.unchanged], [1, 1]);
  });

  test('done <= placed; no share without placed children', async () => {
    const errs = await refused(tok.motala, '/placed-children/checks', { checks: [
      check('motala', { year: 2024, health_examined: 21 }),
      check('motala', { year: 2023, dental_assessed: 21 }),
      check('motala', { year: 2022, placed: -1 }),
      check('motala', { year: 2021, placed: 3.5 }),
      check('motala', { year: Number(nextPeriod('year')) }),
      check('motala', { year: '2020' }),
      check('region-ostergotland', { year: 2020 }),
      check('motala', { year: 2019, placed: undefined, health_examined: undefined }),
    ] });
    assert.deepEqual(keys(errs), [
      '0 /checks/0/health_examined exceeds_placed',
      '1 /checks/1/dental_assessed exceeds_placed',
      '2 /checks/2/placed out_of_range',
      '3 /checks/3/placed not_whole_number',
      '4 /checks/4/year future_period',
      '5 /checks/5/year wrong_type',
      '6 /checks/6/principal principal_kind_not_allowed',
      '7 /checks/7/health_examined missing',
      '7 /checks/7/placed missing',
    ]);
    const none = expectStatus(await post(tok.kinda, '/placed-children/checks', { checks: [check('kinda', { placed: 0, health_examined: 0, dental_assessed: 0 })] }), 200);
    assert.deepEqual([none.json.created, none.json.stored], [0, 1]);
    const got = (await vget(srv, tok.kinda, '/placed-children/checks?year=2025')).json.items.find((i) => i.principal === 'kinda');
    assert.deepEqual(got.health_exam_share, { value: null, suppressed: false });
  });

  test('only the municipality itself or county_admin writes', async () => {
    expectError(await post(tok.kinda, '/placed-children/checks', { checks: [check('motala', { year: 2018 })] }), 403);
    expectError(await post(tok.region, '/placed-children/checks', { checks: [check('motala', { year: 2018 })] }), 403);
    expectError(await post(tok.reader, '/placed-children/checks', { checks: [check('norrkoping', { year: 2018 })] }), 403);
    expectStatus(await post(tok.county, '/placed-children/checks', { checks: [check('motala', { year: 2018 })] }), 200);
  });
});

describe('youth health', () => {
  test('visits by band and sex, staffing; totals derived, 22-25 apart', async () => {
    const res = expectStatus(await post(tok.motala, '/youth-health', { youth_health: [youth('motala')] }), 200);
    assert.equal(res.json.created, 4);
    const v1317 = await coreValues('vaxa-upp.youth-health-visits-13-17', 'motala');
    assert.equal(v1317['2025'].value, 420);
    assert.equal(Object.keys(v1317).length, 1, 'totals only: no K/M rows in the core');
    assert.equal((await coreValues('vaxa-upp.youth-health-visits-18-21', 'motala'))['2025'].value, 300);
    assert.equal((await coreValues('vaxa-upp.youth-health-visits-22-25', 'motala'))['2025'].value, 55);
    assert.equal((await coreValues('vaxa-upp.youth-health-fte', 'motala'))['2025'].value, 4.5);
    const got = expectStatus(await vget(srv, tok.motala, '/youth-health?year=2025'), 200).json.items[0];
    expectShown(got.visits['13-21'].T, 720, '13-21 total excludes 22-25');
    expectShown(got.visits['13-21'].K, 510);
    expectShown(got.young_adult_visits_22_25.M, 15);
    assert.equal(got.visits['22-25'], undefined);
    assert.equal(got.staffing_fte, 4.5);
  });

  test('every band and both sexes are required; FTE has at most two decimals', async () => {
    const errs = await refused(tok.motala, '/youth-health', { youth_health: [
      youth('motala', { year: 2024, visits: { '13-17': { K: 1, M: 2 }, '18-21': { K: 1 }, '22-25': { K: 1, M: 1, X: 3 } } }),
      youth('motala', { year: 2023, visits: { '13-17': { K: 1, M: 2 }, '18-21': { K: 1, M: 1 }, '26-30': { K: 1, M: 1 } } }),
      youth('motala', { year: 2022, staffing_fte: 1.255 }),
      youth('motala', { year: 2021, staffing_fte: -1 }),
      youth('motala', { year: 2020, staffing_fte: undefined, visits: 'many' }),
      youth('motala', { year: 2019, visits: { '13-17': { K: 1.5, M: 2 }, '18-21': [], '22-25': { K: 1, M: 1 } } }),
    ] });
    assert.deepEqual(keys(errs), [
      '0 /youth_health/0/visits/18-21/M missing',
      '0 /youth_health/0/visits/22-25/X unknown_sex',
      '1 /youth_health/1/visits/22-25 missing',
      '1 /youth_health/1/visits/26-30 unknown_age_band',
      '2 /youth_health/2/staffing_fte too_precise',
      '3 /youth_health/3/staffing_fte out_of_range',
      '4 /youth_health/4/staffing_fte missing',
      '4 /youth_health/4/visits wrong_type',
      '5 /youth_health/5/visits/13-17/K not_whole_number',
      '5 /youth_health/5/visits/18-21 wrong_type',
    ]);
    expectStatus(await post(tok.motala, '/youth-health', { youth_health: [youth('motala', { year: 2022, staffing_fte: 12.25 })] }), 200);
  });
});

describe('SIP', () => {
  test('by initiator and by age band; the total derived into vaxa-upp.sip-initiated', async () => {
    const res = expectStatus(await post(tok.motala, '/sip', { sip: [sip('motala'), sip('motala', { period: '2025T2', initiated: 0, by_initiator: {}, by_age_band: {} })] }), 200);
    assert.deepEqual([res.json.created, res.json.stored], [2, 2]);
    const core = await coreValues('vaxa-upp.sip-initiated', 'motala');
    assert.deepEqual([core['2025T1'].value, core['2025T2'].value], [12, 0]);
    const got = expectStatus(await vget(srv, tok.motala, '/sip?year=2025'), 200).json;
    const t1 = got.items.find((i) => i.period === '2025T1');
    expectShown(t1.initiated, 12);
    expectShown(t1.by_initiator.school, 2);
    expectShown(t1.by_age_band['18+'], 4);
  });

  test('each breakdown adds up to the plans initiated; keys are the documented ones', async () => {
    const errs = await refused(tok.motala, '/sip', { sip: [
      sip('motala', { period: '2024T1', by_initiator: { social_services: 5, health_care: 4, school: 2 } }),
      sip('motala', { period: '2024T2', by_age_band: { '0-17': 8, '18+': 5 } }),
      sip('motala', { period: '2024T3', by_initiator: { social_services: 11, police: 1 } }),
      sip('motala', { period: '2024Q1' }),
      sip('motala', { period: '2024T4' }),
      sip('motala', { period: nextPeriod('tertial') }),
      sip('region-ostergotland', { period: '2023T1' }),
      sip('motala', { period: '2023T2', by_age_band: { '0-17': 8, '18+': '4' } }),
    ] });
    assert.deepEqual(keys(errs), [
      '0 /sip/0/by_initiator sum_mismatch',
      '1 /sip/1/by_age_band sum_mismatch',
      '2 /sip/2/by_initiator/police unknown_key',
      '3 /sip/3/period invalid_period',
      '4 /sip/4/period invalid_period',
      '5 /sip/5/period future_period',
      '6 /sip/6/principal principal_kind_not_allowed',
      '7 /sip/7/by_age_band/18+ wrong_type',
    ]);
  });

  test('only the municipality itself or county_admin writes', async () => {
    expectError(await post(tok.kinda, '/sip', { sip: [sip('motala', { period: '2022T1' })] }), 403);
    expectStatus(await post(tok.kinda, '/sip', { sip: [sip('kinda', { period: '2022T1' })] }), 200);
  });
});

describe('reports of concern', () => {
  test('per quarter; derived into vaxa-upp.concern-reports', async () => {
    const rows = [1, 2, 3, 4].map((q) => concern('motala', { period: `2025Q${q}`, reports: 50 + q }));
    expectStatus(await post(tok.motala, '/concern-reports', { concern_reports: rows }), 200);
    const core = await coreValues('vaxa-upp.concern-reports', 'motala');
    assert.deepEqual(['2025Q1', '2025Q2', '2025Q3', '2025Q4'].map((p) => core[p].value), [51, 52, 53, 54]);
    const got = expectStatus(await vget(srv, tok.motala, '/concern-reports?year=2025'), 200).json;
    assert.equal(got.items.length, 4);
    expectShown(got.county.find((c) => c.period === '2025').reports, 210);
  });

  test('checked', async () => {
    const errs = await refused(tok.motala, '/concern-reports', { concern_reports: [
      concern('motala', { period: '2024Q5' }), concern('motala', { period: '2024Q1', reports: -3 }),
      concern('motala', { period: '2024Q2', reports: null }), concern('motala', { period: '2024Q3', note: 'x' }),
    ] });
    assert.deepEqual(keys(errs), ['0 /concern_reports/0/period invalid_period', '1 /concern_reports/1/reports out_of_range',
      '2 /concern_reports/2/reports missing', '3 /concern_reports/3/note unknown_field']);
  });
});

describe('state grants', () => {
  test('whole kronor; used <= granted + carried over; derived amounts and use share', async () => {
    const res = expectStatus(await post(tok.region, '/grants', { grants: [grant('region-ostergotland')] }), 200);
    assert.equal(res.json.created, 3);
    const share = await coreValues('vaxa-upp.state-grant-use-share', 'region-ostergotland');
    assert.deepEqual([share['2025'].numerator, share['2025'].denominator], [950000, 1300000]);
    assert.equal((await coreValues('vaxa-upp.state-grant-granted', 'region-ostergotland'))['2025'].value, 1200000);
    const got = expectStatus(await vget(srv, tok.reader, '/grants?year=2025'), 200).json;
    const r = got.items.find((i) => i.principal === 'region-ostergotland');
    assert.deepEqual([r.granted, r.used, r.carried_over, r.available, r.unused, r.use_share], [1200000, 950000, 100000, 1300000, 350000, 73.1]);
    assert.deepEqual(r.focus_areas, ['co-morbidity', 'suicide-prevention']);
    // exactly what is available may be used
    expectStatus(await post(tok.region, '/grants', { grants: [grant('region-ostergotland', { used: 1300000 })] }), 200);
  });

  test('every rule', async () => {
    const text = JSON.stringify({ grants: [grant('motala', { year: 2024 })] }).replace('"granted":1200000', '"granted":1200000.0');
    const real = expectError(await vpost(srv, tok.motala, '/grants', text, { headers: { 'content-type': 'application/json' } }), 422).details;
    assert.deepEqual(keys(real), ['0 /grants/0/granted not_whole_sek']);
    const errs = await refused(tok.motala, '/grants', { grants: [
      grant('motala', { year: 2024, used: 1300001 }),
      grant('motala', { year: 2023, granted: 100.5 }),
      grant('motala', { year: 2022, focus_areas: ['co-morbidity', 'parking'] }),
      grant('motala', { year: 2021, focus_areas: ['co-morbidity', 'co-morbidity'] }),
      grant('motala', { year: 2020, focus_areas: [] }),
      grant('motala', { year: 2019, account: '' }),
      grant('motala', { year: 2018, account: 'x'.repeat(2001), carried_over: -5 }),
      grant('motala', { year: 2017, focus_areas: undefined }),
    ] });
    assert.deepEqual(keys(errs), [
      '0 /grants/0/used exceeds_available',
      '1 /grants/1/granted not_whole_sek',
      '2 /grants/2/focus_areas/1 unknown_item',
      '3 /grants/3/focus_areas/1 duplicate_item',
      '4 /grants/4/focus_areas focus_areas_required',
      '5 /grants/5/account empty',
      '6 /grants/6/account too_long',
      '6 /grants/6/carried_over out_of_range',
      '7 /grants/7/focus_areas missing',
    ]);
    // nothing used: no focus area needed
    expectStatus(await post(tok.motala, '/grants', { grants: [grant('motala', { year: 2020, used: 0, focus_areas: [] })] }), 200);
  });

  test('carried over cannot exceed what the year before left unused', async () => {
    // 2014 leaves 1200000 + 0 - 1000000 = 200000 unused
    expectStatus(await post(tok.kinda, '/grants', { grants: [grant('kinda', { year: 2014, granted: 1200000, used: 1000000, carried_over: 0 })] }), 200);
    let errs = await refused(tok.kinda, '/grants', { grants: [grant('kinda', { year: 2015, carried_over: 200001, used: 10 })] });
    const e = expectRowError(errs, 0, '/grants/0/carried_over', 'exceeds_previous_remainder');
    assert.match(e.message, /200000/);
    expectStatus(await post(tok.kinda, '/grants', { grants: [grant('kinda', { year: 2015, carried_over: 200000, used: 10 })] }), 200);
    // the year before in the same push counts, in any order
    errs = await refused(tok.kinda, '/grants', { grants: [
      grant('kinda', { year: 2013, carried_over: 50001, used: 10 }),
      grant('kinda', { year: 2012, granted: 100000, used: 50000, carried_over: 0 }),
    ] });
    assert.deepEqual(keys(errs), ['0 /grants/0/carried_over exceeds_previous_remainder']);
    // without the year before, no check
    expectStatus(await post(tok.kinda, '/grants', { grants: [grant('kinda', { year: 2010, carried_over: 999999, used: 0, focus_areas: [] })] }), 200);
  });

  test('the region and municipalities write their own', async () => {
    expectError(await post(tok.region, '/grants', { grants: [grant('motala', { year: 2016 })] }), 403);
    expectError(await post(tok.motala, '/grants', { grants: [grant('region-ostergotland', { year: 2016 })] }), 403);
    expectStatus(await post(tok.county, '/grants', { grants: [grant('motala', { year: 2016 }), grant('05', { year: 2016 })] }), 200);
  });
});

describe('direct pushes of the plugin\'s measures (the validate hook)', () => {
  test('counts and kronor must be whole numbers', async () => {
    const res = expectError(await pushValues(srv, tok.motala, [
      { measure: 'vaxa-upp.concern-reports', principal: 'motala', period: '2016Q1', value: 2.5 },
      { measure: 'vaxa-upp.sip-initiated', principal: 'motala', period: '2016T1', value: 1.25 },
      { measure: 'vaxa-upp.placed-health-exam-share', principal: 'motala', period: '2016', numerator: 1.5, denominator: 4 },
      { measure: 'vaxa-upp.youth-health-visits-13-17', principal: 'motala', period: '2016', value: 3, sex: 'K' },
    ]), 422);
    assert.deepEqual(keys(res.details), [
      '0 /values/0/value not_whole_number',
      '1 /values/1/value not_whole_number',
      '2 /values/2/numerator not_whole_number',
      '3 /values/3/sex sex_not_allowed',
    ]);
    expectStatus(await pushValues(srv, tok.motala, [{ measure: 'vaxa-upp.concern-reports', principal: 'motala', period: '2016Q1', value: 3 },
      { measure: 'vaxa-upp.youth-health-fte', principal: 'motala', period: '2016', value: 2.75 }]), 200);
  });
});
