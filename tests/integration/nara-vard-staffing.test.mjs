// nara-vard: staffing (kompetensförsörjning) per principal, year and occupation in FTE; the
// county summary per occupation (sums, region and municipalities apart, vacancy rate).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { expectError, expectStatus } from './lib/harness.mjs';
import { naraServer, COUNTY, reporter, reader, expectPushed, expectRefused, staffingRow, periodOf } from './lib/nara-vard.mjs';

const OCCUPATIONS = ['nurse', 'specialist-nurse', 'district-nurse', 'physiotherapist', 'social-worker', 'assistant-nurse', 'physician'];
let env;
before(async () => {
  env = await naraServer({
    county: COUNTY,
    region: reporter('region-ostergotland'),
    motala: reporter('motala'),
    kinda: reporter('kinda'),
    reader: reader('ydre'),
  });
});
after(async () => { await env.stop(); });

const post = (who, reports, opts) => env.post(who, '/staffing', { reports }, opts);

describe('reports and the county summary', () => {
  test('each principal reports its own; the summary sums per occupation, exactly', async () => {
    expectPushed(await post('motala', [
      staffingRow(), // nurse 120.5 / 6 / 40.25
      staffingRow({ occupation: 'assistant-nurse', fte_employed: 410, vacancies: 12.5, recruitment_need_5y: 150 }),
    ]), { created: 0, rejected: 0, stored: { created: 2, updated: 0, unchanged: 0 } });
    expectPushed(await post('kinda', [staffingRow({ principal: 'kinda', fte_employed: 30.25, vacancies: 1.75, recruitment_need_5y: 9 })]),
      { stored: { created: 1, updated: 0, unchanged: 0 } });
    expectPushed(await post('region', [staffingRow({ principal: 'region-ostergotland', fte_employed: 2400, vacancies: 100, recruitment_need_5y: 800 }),
      staffingRow({ principal: 'region-ostergotland', occupation: 'physician', fte_employed: 1500.5, vacancies: 0, recruitment_need_5y: 300 })]),
    { stored: { created: 2, updated: 0, unchanged: 0 } });

    const s = expectStatus(await env.get('reader', '/staffing/county', { year: '2024' }), 200).json;
    assert.equal(s.year, 2024);
    assert.deepEqual(s.items.map((i) => i.occupation), OCCUPATIONS);
    const nurse = s.items[0];
    assert.equal(nurse.title, 'Sjuksköterska');
    // County: 120.5 + 30.25 + 2400 = 2550.75 employed; 6 + 1.75 + 100 = 107.75 vacant;
    // rate 107.75 / 2658.5 = 4.053037 %.
    assert.deepEqual(nurse.county, { principals: 3, fte_employed: 2550.75, vacancies: 107.75, recruitment_need_5y: 849.25, vacancy_rate: 4.053037 });
    assert.deepEqual(nurse.region, { principals: 1, fte_employed: 2400, vacancies: 100, recruitment_need_5y: 800, vacancy_rate: 4 });
    // Municipalities: 150.75 employed, 7.75 vacant: 7.75 / 158.5 = 4.889590 %.
    assert.deepEqual(nurse.municipalities, { principals: 2, fte_employed: 150.75, vacancies: 7.75, recruitment_need_5y: 49.25, vacancy_rate: 4.88959 });
    const physio = s.items.find((i) => i.occupation === 'physiotherapist');
    assert.deepEqual(physio.county, { principals: 0, fte_employed: 0, vacancies: 0, recruitment_need_5y: 0, vacancy_rate: null });
    const doctors = s.items.find((i) => i.occupation === 'physician');
    assert.deepEqual(doctors.county.vacancy_rate, 0);
  });

  test('GET /staffing lists the reports, filtered by principal and year', async () => {
    const res = expectStatus(await env.get('reader', '/staffing', { principal: 'motala', year: '2024' }), 200).json;
    assert.deepEqual(res.items.map((i) => [i.principal, i.year, i.occupation, i.fte_employed, i.vacancies, i.recruitment_need_5y]), [
      ['motala', 2024, 'nurse', 120.5, 6, 40.25], ['motala', 2024, 'assistant-nurse', 410, 12.5, 150]]);
    assert.equal(expectStatus(await env.get('reader', '/staffing'), 200).json.items.length, 5);
    expectError(await env.get('reader', '/staffing/county'), 400, 'invalid_query');
    expectError(await env.get('reader', '/staffing', { principal: 'x' }), 400, 'invalid_query');
  });

  test('a change updates; the same report again changes nothing', async () => {
    expectPushed(await post('motala', [staffingRow()]), { stored: { created: 0, updated: 0, unchanged: 1 } });
    expectPushed(await post('motala', [staffingRow({ vacancies: 7 })]), { stored: { created: 0, updated: 1, unchanged: 0 } });
  });
});

describe('validation and rights', () => {
  test('every rule is a row-precise error', async () => {
    const next = Number(periodOf('year')) + 1;
    const res = await post('motala', [
      staffingRow({ occupation: 'surgeon' }),
      staffingRow({ year: 2023, fte_employed: -1 }),
      staffingRow({ year: 2023, occupation: 'physician', vacancies: 1.255 }),
      staffingRow({ year: 2023, occupation: 'physiotherapist', recruitment_need_5y: '3' }),
      staffingRow({ year: next }),
      staffingRow({ year: 1999 }),
      staffingRow({ year: 2022, fte: 1 }),
      staffingRow({ year: 2021 }),
      staffingRow({ year: 2021 }),
      { principal: 'motala', year: 2020, occupation: 'nurse' },
      staffingRow({ year: '2020' }),
    ]);
    expectRefused(res, [
      '0 /reports/0/occupation invalid_value',
      '1 /reports/1/fte_employed out_of_range',
      '2 /reports/2/vacancies too_many_decimals',
      '3 /reports/3/recruitment_need_5y wrong_type',
      '4 /reports/4/year future_period',
      '5 /reports/5/year period_too_early',
      '6 /reports/6/fte unknown_field',
      '8 /reports/8 duplicate_row',
      '9 /reports/9/fte_employed missing',
      '9 /reports/9/vacancies missing',
      '9 /reports/9/recruitment_need_5y missing',
      '10 /reports/10/year wrong_type',
    ]);
  });

  test('a principal cannot report another\'s staffing; county_admin can', async () => {
    expectError(await post('motala', [staffingRow({ principal: 'kinda' })]), 403);
    expectError(await post('region', [staffingRow()]), 403);
    expectError(await post('reader', [staffingRow()]), 403);
    expectPushed(await post('county', [staffingRow({ principal: 'ydre', occupation: 'social-worker' })]), { stored: { created: 1, updated: 0, unchanged: 0 } });
  });
});
