// vaxa-upp, the joint HVB Fyrbylund (13-17): the controlled list of placement reasons, occupancy
// per placing municipality and half-year (every validation rule, who may write), and the
// half-yearly account with its annual occupancy summary.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { req, expectStatus, expectError } from './lib/harness.mjs';
import { nextPeriod } from './lib/values.mjs';
import {
  vaxaServer, vpost, vget, occupancy, report, expectShown, expectHidden, expectRowError, keys,
} from './lib/vaxa-upp.mjs';

let env, srv, tok;
before(async () => { env = await vaxaServer(); ({ srv, tok } = env); });
after(async () => { await env.stop(); });

const push = (token, rows, query = '') => vpost(srv, token, '/hvb/occupancy', { occupancy: rows }, { query });
// The errors of a refused push (422), or of a partial push's summary.
async function errorsOf(rows, token = tok.motala) {
  const res = await push(token, rows);
  return expectError(res, 422, 'validation_failed').details;
}

describe('placement reasons', () => {
  test('the seeded list, in order, to any authenticated caller', async () => {
    const res = expectStatus(await vget(srv, tok.reader, '/hvb/reasons'), 200);
    const codes = res.json.items.map((r) => r.code);
    assert.deepEqual(codes, ['home-environment', 'substance-use', 'criminality', 'other-destructive-behaviour',
      'mental-health', 'family-relations', 'honour-related', 'other']);
    for (const r of res.json.items) {
      assert.deepEqual(Object.keys(r).sort(), ['active', 'code', 'label', 'label_en', 'sort_order']);
      assert.equal(r.active, true);
    }
    assert.equal(res.json.items[0].label, 'Brister i hemmiljön');
    expectError(await vget(srv, undefined, '/hvb/reasons'), 401);
  });

  test('county_admin adds and changes reasons; nobody else may', async () => {
    const body = { label: 'Skolfrånvaro', label_en: 'School absence', sort_order: 80 };
    for (const who of ['motala', 'reader', 'orgAdmin', 'region']) {
      expectError(await vput(tok[who], '/hvb/reasons/school-absence', body), 403);
    }
    const created = expectStatus(await vput(tok.county, '/hvb/reasons/school-absence', body), 201);
    assert.deepEqual(created.json, { code: 'school-absence', label: 'Skolfrånvaro', label_en: 'School absence', active: true, sort_order: 80 });
    const changed = expectStatus(await vput(tok.county, '/hvb/reasons/school-absence', { ...body, label: 'Skolfrånvaro (långvarig)' }), 200);
    assert.equal(changed.json.label, 'Skolfrånvaro (långvarig)');
    const list = (await vget(srv, tok.reader, '/hvb/reasons')).json.items.map((r) => r.code);
    assert.equal(list[list.length - 2], 'school-absence', 'sorted by sort_order');
    // the new reason can be used at once
    expectStatus(await push(tok.kinda, [occupancy('kinda', { period: '2024H2', by_reason: { 'school-absence': 6 } })]), 200);
  });

  test('a reason put is validated; every problem is named', async () => {
    let e = expectError(await vput(tok.county, '/hvb/reasons/Bad_Code', { label: 'x', label_en: 'x' }), 422, 'validation_failed');
    assert.deepEqual(e.details.map((d) => d.path), ['/code']);
    e = expectError(await vput(tok.county, '/hvb/reasons/ok-code', { label: '', label_en: 'x'.repeat(201), active: 'yes', sort_order: -1, colour: 'red' }), 422);
    assert.deepEqual(e.details.map((d) => d.path).sort(), ['/active', '/colour', '/label', '/label_en', '/sort_order']);
    e = expectError(await vput(tok.county, '/hvb/reasons/ok-code', [1, 2]), 422);
    expectError(await vput(tok.county, '/hvb/reasons/ok-code', 'not json', { 'content-type': 'application/json' }), 400);
  });

  test('the list holds at most 64 reasons; existing ones can still be changed', async () => {
    const have = (await vget(srv, tok.reader, '/hvb/reasons')).json.items.length;
    for (let i = have; i < 64; i++) expectStatus(await vput(tok.county, `/hvb/reasons/extra-${i}`, { label: `Extra ${i}`, label_en: `Extra ${i}`, active: false, sort_order: 9000 }), 201);
    expectError(await vput(tok.county, '/hvb/reasons/one-too-many', { label: 'x', label_en: 'x' }), 422, 'too_many_reasons');
    expectStatus(await vput(tok.county, '/hvb/reasons/extra-63', { label: 'Ändrad', label_en: 'Changed', active: false, sort_order: 9000 }), 200);
    assert.equal((await vget(srv, tok.reader, '/hvb/reasons')).json.items.length, 64);
  });

  test('an inactive reason cannot be used in new rows; stored rows keep it', async () => {
    expectStatus(await vput(tok.county, '/hvb/reasons/honour-related', { label: 'Hedersrelaterat våld och förtryck', label_en: 'Honour-related violence and oppression', sort_order: 70 }), 200);
    expectStatus(await push(tok.ydre, [occupancy('ydre', { period: '2023H1', started: 1, ended: 0, ongoing: 1, care_days: 10, by_age: { 14: 1 }, by_reason: { 'honour-related': 1 } })]), 200);
    expectStatus(await vput(tok.county, '/hvb/reasons/honour-related', { label: 'Hedersrelaterat våld och förtryck', label_en: 'Honour-related violence and oppression', active: false }), 200);
    const errs = await errorsOf([occupancy('ydre', { period: '2023H2', started: 1, ended: 0, ongoing: 1, care_days: 10, by_age: { 14: 1 }, by_reason: { 'honour-related': 1 } })], tok.ydre);
    expectRowError(errs, 0, '/occupancy/0/by_reason/honour-related', 'inactive_reason');
    const year = expectStatus(await vget(srv, tok.ydre, '/hvb/occupancy?year=2023'), 200).json;
    assert.ok(year.reasons.some((r) => r.code === 'honour-related' && r.active === false), 'a used inactive reason is still a column');
    expectShown(year.items[0].by_reason['honour-related'], 1);
    expectStatus(await vput(tok.county, '/hvb/reasons/honour-related', { label: 'Hedersrelaterat våld och förtryck', label_en: 'Honour-related violence and oppression', active: true, sort_order: 70 }), 200);
  });
});

function vput(token, path, body, headers = {}) {
  return req(srv, 'PUT', `/api/v1/vaxa-upp${path}`, { token, body, headers });
}

describe('occupancy: validation', () => {
  test('a valid row is stored and read back by its municipality', async () => {
    const res = expectStatus(await push(tok.motala, [occupancy('motala')]), 200);
    assert.deepEqual(res.json, { mode: 'atomic', dry_run: false, created: 0, updated: 0, unchanged: 0, deleted: 0, rejected: 0, errors: [], stored: 1 });
    const got = expectStatus(await vget(srv, tok.motala, '/hvb/occupancy?year=2025'), 200).json;
    const item = got.items.find((i) => i.principal === 'motala' && i.period === '2025H1');
    expectShown(item.started, 6);
    expectShown(item.ended, 3);
    expectShown(item.ongoing, 5);
    expectShown(item.care_days, 700);
    expectShown(item.by_age['15'], 2);
    expectShown(item.by_reason.criminality, 3);
    expectShown(item.by_reason.other, 0);
    assert.deepEqual(item.collaborating_parties, ['BUP', 'Elevhälsan']);
    assert.match(item.updated_by, /^user:/);
  });

  test('ages outside 13-17 are rejected; non-numeric ages too', async () => {
    for (const age of ['12', '18', '0', '99']) {
      const errs = await errorsOf([occupancy('motala', { by_age: { 13: 1, 14: 1, 15: 2, 16: 1, [age]: 1 } })]);
      expectRowError(errs, 0, `/occupancy/0/by_age/${age}`, 'age_out_of_range');
    }
    const errs = await errorsOf([occupancy('motala', { by_age: { 13: 5, fifteen: 1 } })]);
    expectRowError(errs, 0, '/occupancy/0/by_age/fifteen', 'invalid_age');
  });

  test('counts by age add up to the placements started', async () => {
    const errs = await errorsOf([occupancy('motala', { by_age: { 13: 1, 14: 1, 15: 2, 16: 1 } })]);
    const e = expectRowError(errs, 0, '/occupancy/0/by_age', 'sum_mismatch');
    assert.match(e.message, /5.*6/);
    assert.deepEqual(keys(errs), ['0 /occupancy/0/by_age sum_mismatch']);
  });

  test('counts by reason add up to the placements started and use the controlled list', async () => {
    let errs = await errorsOf([occupancy('motala', { by_reason: { 'home-environment': 2, criminality: 3 } })]);
    assert.deepEqual(keys(errs), ['0 /occupancy/0/by_reason sum_mismatch']);
    errs = await errorsOf([occupancy('motala', { by_reason: { 'home-environment': 5, boredom: 1 } })]);
    assert.deepEqual(keys(errs), ['0 /occupancy/0/by_reason/boredom unknown_reason']);
  });

  test('care days: at most the days of the half-year × (ongoing + ended)', async () => {
    // 2025H1 has 181 days; 3 ended + 5 ongoing = 8 placements: 1448 days at most
    expectStatus(await push(tok.motala, [occupancy('motala', { care_days: 1448 })]), 200);
    let errs = await errorsOf([occupancy('motala', { care_days: 1449 })]);
    const e = expectRowError(errs, 0, '/occupancy/0/care_days', 'care_days_exceed_capacity');
    assert.match(e.message, /181/);
    // H2 has 184 days; 2024H1 (a leap year) 182
    expectStatus(await push(tok.motala, [occupancy('motala', { period: '2025H2', care_days: 184 * 8 })]), 200);
    errs = await errorsOf([occupancy('motala', { period: '2025H2', care_days: 184 * 8 + 1 })]);
    expectRowError(errs, 0, '/occupancy/0/care_days', 'care_days_exceed_capacity');
    expectStatus(await push(tok.motala, [occupancy('motala', { period: '2024H1', care_days: 182 * 8 })]), 200);
    errs = await errorsOf([occupancy('motala', { period: '2024H1', care_days: 182 * 8 + 1 })]);
    expectRowError(errs, 0, '/occupancy/0/care_days', 'care_days_exceed_capacity');
    // nobody placed: no care days
    errs = await errorsOf([occupancy('motala', { started: 0, ended: 0, ongoing: 0, care_days: 1, by_age: {}, by_reason: {} })]);
    expectRowError(errs, 0, '/occupancy/0/care_days', 'care_days_exceed_capacity');
    expectStatus(await push(tok.motala, [occupancy('motala', { started: 0, ended: 0, ongoing: 0, care_days: 0, by_age: {}, by_reason: {} })]), 200);
    expectStatus(await push(tok.motala, [occupancy('motala')]), 200);
  });

  test('every placement started either ended or is ongoing at the end of the half-year', async () => {
    const errs = await errorsOf([occupancy('motala', { ended: 1, ongoing: 4, care_days: 100 })]);
    assert.deepEqual(keys(errs), ['0 /occupancy/0/started started_exceeds_outcomes']);
  });

  test('counts are whole numbers from 0; types, members and periods are strict', async () => {
    // 6.0 cannot be written with JSON.stringify: the body is edited as text
    const text = JSON.stringify({ occupancy: [occupancy('motala')] }).replace('"started":6', '"started":6.0');
    const real = expectError(await vpost(srv, tok.motala, '/hvb/occupancy', text, { headers: { 'content-type': 'application/json' } }), 422).details;
    assert.deepEqual(keys(real), ['0 /occupancy/0/started not_whole_number']);
    const errs = await errorsOf([
      occupancy('motala', { started: 6.5 }),
      occupancy('motala', { period: '2025H2', ended: -1 }),
      occupancy('motala', { period: '2024H2', ongoing: '5' }),
      occupancy('motala', { period: '2023H2', colour: 'blue' }),
      occupancy('motala', { period: '2025-H1' }),
      occupancy('motala', { period: '1999H2' }),
      occupancy('motala', { period: nextPeriod('half') }),
      occupancy('motala', { period: undefined, care_days: undefined }),
      occupancy('motala', { period: '2022H1', by_age: [1, 2] }),
      occupancy('motala', { period: '2022H2', collaborating_parties: ['BUP', 'BUP', ''] }),
      occupancy('motala', { period: '2021H1', comment: 'x'.repeat(2001) }),
    ]);
    assert.deepEqual(keys(errs), [
      '0 /occupancy/0/started not_whole_number',
      '1 /occupancy/1/ended out_of_range',
      '10 /occupancy/10/comment too_long',
      '2 /occupancy/2/ongoing wrong_type',
      '3 /occupancy/3/colour unknown_field',
      '4 /occupancy/4/period invalid_period',
      '5 /occupancy/5/period period_too_early',
      '6 /occupancy/6/period future_period',
      '7 /occupancy/7/care_days missing',
      '7 /occupancy/7/period missing',
      '8 /occupancy/8/by_age wrong_type',
      '9 /occupancy/9/collaborating_parties/1 duplicate_item',
      '9 /occupancy/9/collaborating_parties/2 empty',
    ]);
  });

  test('only municipalities place: the region is refused; unknown principals are named', async () => {
    let errs = await errorsOf([occupancy('region-ostergotland')], tok.county);
    assert.deepEqual(keys(errs), ['0 /occupancy/0/principal principal_kind_not_allowed']);
    errs = await errorsOf([occupancy('gotham')], tok.county);
    assert.deepEqual(keys(errs), ['0 /occupancy/0/principal unknown_principal']);
    // official codes work
    expectStatus(await push(tok.motala, [occupancy('0583', { period: '2020H2' })]), 200);
  });

  test('a key given twice in one push is a duplicate', async () => {
    const errs = await errorsOf([occupancy('motala'), occupancy('0583')]);
    assert.deepEqual(keys(errs), ['1 /occupancy/1 duplicate_row']);
  });

  test('partial mode keeps the good rows; atomic keeps none', async () => {
    const rows = [occupancy('motala', { period: '2019H1' }), occupancy('motala', { period: '2019H2', by_age: { 12: 6 } })];
    expectError(await push(tok.motala, rows), 422);
    assert.equal(env.sql("SELECT count(*) FROM vaxa_upp.hvb_occupancy WHERE year = 2019"), '0');
    const res = expectStatus(await push(tok.motala, rows, '?mode=partial'), 200);
    assert.equal(res.json.stored, 1);
    assert.equal(res.json.rejected, 1);
    assert.deepEqual(keys(res.json.errors), ['1 /occupancy/1/by_age/12 age_out_of_range']);
    assert.equal(env.sql("SELECT string_agg(year || 'H' || half, ',') FROM vaxa_upp.hvb_occupancy WHERE year = 2019"), '2019H1');
  });

  test('the database backs the arithmetic up', async () => {
    assert.throws(() => env.sql("SET lgvo.system = 'on'; UPDATE vaxa_upp.hvb_occupancy SET care_days = 100000 WHERE principal_id = 7"), /check constraint/);
    assert.throws(() => env.sql("SET lgvo.system = 'on'; UPDATE vaxa_upp.hvb_occupancy SET age_13 = age_13 + 1 WHERE principal_id = 7"), /check constraint/);
  });
});

describe('occupancy: who may write', () => {
  test('only the placing municipality or county_admin', async () => {
    expectError(await push(tok.kinda, [occupancy('motala', { period: '2018H1' })]), 403);
    expectError(await push(tok.region, [occupancy('motala', { period: '2018H1' })]), 403);
    expectError(await push(tok.reader, [occupancy('norrkoping', { period: '2018H1' })]), 403);
    expectError(await push(tok.motalaReader, [occupancy('motala', { period: '2018H1' })]), 403);
    expectError(await push(tok.otherArea, [occupancy('motala', { period: '2018H1' })]), 403);
    expectError(await push(tok.orgAdmin, [occupancy('motala', { period: '2018H1' })]), 403);
    expectError(await push(undefined, [occupancy('motala', { period: '2018H1' })]), 401);
    // one row of another principal makes the whole push fail, whatever the mode
    expectError(await push(tok.motala, [occupancy('motala', { period: '2018H1' }), occupancy('kinda', { period: '2018H1' })], '?mode=partial'), 403);
    assert.equal(env.sql('SELECT count(*) FROM vaxa_upp.hvb_occupancy WHERE year = 2018'), '0');
    expectStatus(await push(tok.county, [occupancy('motala', { period: '2018H1' }), occupancy('kinda', { period: '2018H1' })]), 200);
    assert.equal(env.sql('SELECT count(*) FROM vaxa_upp.hvb_occupancy WHERE year = 2018'), '2');
  });

  test('row-level security stops a write to another principal even past the handler', () => {
    assert.throws(() => env.sql("BEGIN; SET LOCAL lgvo.writable = '7'; SET LOCAL ROLE lgvo; UPDATE vaxa_upp.hvb_occupancy SET comment = 'x' WHERE principal_id = 4; INSERT INTO vaxa_upp.hvb_occupancy (principal_id, year, half, started, ended, ongoing, care_days, age_13, age_14, age_15, age_16, age_17, by_reason, updated_by) VALUES (4, 2017, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, '{}', 'x'); COMMIT"), /row-level security/);
  });
});

describe('the half-yearly account', () => {
  test('stored, read back, with the annual occupancy summary derived from the occupancy rows', async () => {
    expectStatus(await push(tok.motala, [occupancy('motala', { period: '2016H1' })]), 200);
    expectStatus(await push(tok.kinda, [occupancy('kinda', { period: '2016H2', started: 8, ended: 5, ongoing: 6, care_days: 900,
      by_age: { 13: 1, 14: 2, 15: 2, 16: 2, 17: 1 }, by_reason: { 'home-environment': 5, 'mental-health': 3 }, collaborating_parties: ['Socialtjänsten'] })]), 200);
    const res = expectStatus(await vpost(srv, tok.linkoping, '/hvb/reports', { reports: [report('linkoping', { period: '2016H1', steering_group_meeting: '2016-09-15' })] }), 200);
    assert.equal(res.json.stored, 1);
    assert.equal(res.json.occupancy_summaries.length, 1);
    const s = res.json.occupancy_summaries[0];
    assert.equal(s.year, 2016);
    // Linköping places nobody: it sees Motala's and Kinda's figures suppressed
    const motala = s.by_principal.find((p) => p.principal === 'motala');
    expectShown(motala.started, 6);
    expectHidden(motala.ended);
    const got = expectStatus(await vget(srv, tok.county, '/hvb/reports?year=2016'), 200).json;
    assert.equal(got.items.length, 1);
    assert.deepEqual(Object.keys(got.items[0]).sort(), ['change_needs', 'operations', 'period', 'principal', 'steering_group_meeting', 'updated_at', 'updated_by']);
    assert.equal(got.items[0].principal, 'linkoping');
    assert.equal(got.items[0].period, '2016H1');
    assert.equal(got.items[0].steering_group_meeting, '2016-09-15');
    const county = got.occupancy_summary.county;
    // county_admin sees everything: Motala 6 in H1 + Kinda 8 in H2
    expectShown(county.started, 14);
    expectShown(county.ended, 8);
    expectShown(county.ongoing_at_year_end, 6);
    expectShown(county.care_days, 1600);
    expectShown(county.by_age['14'], 3);
    expectShown(county.by_reason['home-environment'], 7);
    assert.deepEqual(county.halves, ['2016H1', '2016H2']);
    assert.equal(county.principals, 2);
    assert.deepEqual(got.occupancy_summary.collaborating_parties.sort(), ['BUP', 'Elevhälsan', 'Socialtjänsten']);
    // a year without accounts or occupancy
    const empty = expectStatus(await vget(srv, tok.reader, '/hvb/reports?year=2010'), 200).json;
    assert.deepEqual(empty.items, []);
    assert.equal(empty.occupancy_summary.county, null);
  });

  test('one account per half-year: only its principal or county_admin replaces it', async () => {
    const errs = expectError(await vpost(srv, tok.motala, '/hvb/reports', { reports: [report('motala', { period: '2016H1' })] }), 422).details;
    const e = expectRowError(errs, 0, '/reports/0/principal', 'report_given_by_other');
    assert.match(e.message, /linkoping/);
    expectStatus(await vpost(srv, tok.linkoping, '/hvb/reports', { reports: [report('linkoping', { period: '2016H1', change_needs: undefined })] }), 200);
    assert.equal(env.sql('SELECT change_needs IS NULL FROM vaxa_upp.hvb_reports WHERE year = 2016 AND half = 1'), 't');
    expectStatus(await vpost(srv, tok.county, '/hvb/reports', { reports: [report('motala', { period: '2016H1' })] }), 200);
    assert.equal(env.sql('SELECT principal_id FROM vaxa_upp.hvb_reports WHERE year = 2016 AND half = 1'), '7');
    expectStatus(await vpost(srv, tok.motala, '/hvb/reports', { reports: [report('motala', { period: '2016H1', operations: 'Uppdaterad.' })] }), 200);
    expectError(await vpost(srv, tok.kinda, '/hvb/reports', { reports: [report('motala', { period: '2016H2' })] }), 403);
    expectError(await vpost(srv, tok.reader, '/hvb/reports', { reports: [report('norrkoping', { period: '2016H2' })] }), 403);
  });

  test('texts and the steering-group date are checked', async () => {
    const errs = expectError(await vpost(srv, tok.motala, '/hvb/reports', { reports: [
      report('motala', { period: '2024H1', operations: undefined }),
      report('motala', { period: '2024H2', steering_group_meeting: '2024-02-30' }),
      report('motala', { period: '2023H2', steering_group_meeting: '2023-06-30' }),
      report('motala', { period: '2023H1', steering_group_meeting: '2099-01-01' }),
      report('motala', { period: '2022H1', operations: 'a\u0007b' }),
      report('motala', { period: '2022H2', change_needs: 'x'.repeat(4001) }),
    ] }), 422).details;
    assert.deepEqual(keys(errs), [
      '0 /reports/0/operations missing',
      '1 /reports/1/steering_group_meeting invalid_date',
      '2 /reports/2/steering_group_meeting date_before_period',
      '3 /reports/3/steering_group_meeting future_date',
      '4 /reports/4/operations control_character',
      '5 /reports/5/change_needs too_long',
    ]);
  });
});
