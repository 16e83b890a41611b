// nara-vard: discharge delays (the agreement on safe and effective discharge from inpatient
// care): the region pushes per municipality and month; the mean is derived and checked against
// the totals; a municipality comments on its own row only; a municipality cannot push them.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { expectError, expectStatus, req } from './lib/harness.mjs';
import {
  naraServer, COUNTY, reporter, reader, expectPushed, expectRefused, coreValues, delayRow, nextPeriod,
} from './lib/nara-vard.mjs';

const MEAN = 'nara-vard.discharge-delay-mean-days';
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

const post = (who, reports, opts) => env.post(who, '/discharge-delays', { reports }, opts);
const comment = (who, municipality, month, body) => env.put(who, `/discharge-delays/${municipality}/${month}/comment`, body);

describe('the region pushes', () => {
  test('totals are stored and the mean is derived exactly (23 / 40 = 0.575)', async () => {
    expectPushed(await post('region', [delayRow(), delayRow({ municipality: 'kinda', patients_ready: 7, days_beyond: 10 })]),
      { created: 2, rejected: 0, stored: { created: 2, updated: 0, unchanged: 0 } });
    assert.deepEqual(coreValues(env, MEAN, "v.period = '2025-03'"), ['kinda 2025-03 T 1.428571 10 7', 'motala 2025-03 T 0.575 23 40']);
    const res = expectStatus(await env.get('reader', '/discharge-delays', { from: '2025-03', to: '2025-03' }), 200);
    assert.equal(res.json.agreement.id, 'ok-utskrivning-sluten-vard');
    assert.match(res.json.agreement.title, /^Överenskommelse mellan Region Östergötland och kommunerna i Östergötland om samverkan för trygg, säker och effektiv utskrivning från slutet hälso- och sjukvård$/);
    assert.deepEqual(res.json.items.map((i) => [i.municipality, i.month, i.patients_ready, i.days_beyond, i.mean_days, i.reported_mean_days, i.comment]),
      [['kinda', '2025-03', 7, 10, 1.428571, null, null], ['motala', '2025-03', 40, 23, 0.575, null, null]]);
    // County: the core's series of the shared measure, (23 + 10) / (40 + 7).
    const series = expectStatus(await req(env.srv, 'GET', `/api/v1/measures/${MEAN}/series?principal=motala&from=2025-03&to=2025-03`, { token: env.tok.reader }), 200).json;
    assert.deepEqual([series.county[0].numerator, series.county[0].denominator, series.county[0].value], [33, 47, 0.702128]);
  });

  test('a mean sent along must agree with the totals to within 0.05', async () => {
    const res = await post('region', [
      delayRow({ month: '2025-04', mean_days: 0.6 }),
      delayRow({ month: '2025-05', mean_days: 0.7 }),
      delayRow({ month: '2025-06', patients_ready: 3, days_beyond: 1, mean_days: 0.33 }),
      delayRow({ month: '2025-07', patients_ready: 0, days_beyond: 0, mean_days: 0.5 }),
    ]);
    const d = expectRefused(res, ['1 /reports/1/mean_days mean_mismatch', '3 /reports/3/mean_days mean_mismatch']);
    assert.match(d[0].message, /0\.7.*23 \/ 40 = 0\.575/);
    expectPushed(await post('region', [delayRow({ month: '2025-04', mean_days: 0.6 }), delayRow({ month: '2025-06', patients_ready: 3, days_beyond: 1, mean_days: 0.33 })]),
      { created: 2 });
    const items = (await env.get('reader', '/discharge-delays', { municipality: 'motala', from: '2025-04', to: '2025-06' })).json.items;
    assert.deepEqual(items.map((i) => [i.month, i.mean_days, i.reported_mean_days]), [['2025-04', 0.575, 0.6], ['2025-06', 0.333333, 0.33]]);
  });

  test('every rule: types, non-negative whole numbers, days need patients, months, duplicates', async () => {
    const res = await post('region', [
      delayRow({ month: '2025-08', patients_ready: -1 }),
      delayRow({ month: '2025-08', municipality: 'kinda', days_beyond: 2.5 }),
      delayRow({ month: '2025-09', patients_ready: 0, days_beyond: 4 }),
      delayRow({ month: '2025-13' }),
      delayRow({ month: nextPeriod('month') }),
      delayRow({ month: '2025-10', municipality: 'region-ostergotland' }),
      delayRow({ month: '2025-10', mean_days: 'half' }),
      delayRow({ month: '2025-11', note: 'x' }),
      delayRow({ month: '2025-08' }),
      { month: '2025-12', municipality: 'motala' },
      delayRow({ month: '1999-12' }),
    ]);
    expectRefused(res, [
      '0 /reports/0/patients_ready out_of_range',
      '1 /reports/1/days_beyond wrong_type',
      '2 /reports/2/days_beyond days_without_patients',
      '3 /reports/3/month invalid_period',
      '4 /reports/4/month future_period',
      '5 /reports/5/municipality principal_kind_not_allowed',
      '6 /reports/6/mean_days wrong_type',
      '7 /reports/7/note unknown_field',
      '8 /reports/8 duplicate_row',
      '9 /reports/9/patients_ready missing',
      '9 /reports/9/days_beyond missing',
      '10 /reports/10/month period_too_early',
    ]);
  });

  test('a month with no patients is stored without a mean', async () => {
    expectPushed(await post('region', [delayRow({ month: '2025-09', patients_ready: 0, days_beyond: 0 })]), { created: 0, stored: { created: 1, updated: 0, unchanged: 0 } });
    const [item] = (await env.get('reader', '/discharge-delays', { municipality: 'motala', from: '2025-09', to: '2025-09' })).json.items;
    assert.equal(item.mean_days, null);
  });
});

describe('who may write', () => {
  test('a municipality cannot push discharge delays, not even its own', async () => {
    expectError(await post('motala', [delayRow({ month: '2025-10' })]), 403);
    expectError(await post('kinda', [delayRow({ month: '2025-10' })]), 403);
    assert.equal(env.sql("SELECT count(*) FROM nara_vard.discharge_delays WHERE month = '2025-10'"), '0');
    expectPushed(await post('county', [delayRow({ month: '2025-10' })]), { created: 1 });
  });

  test('the municipality comments on its own row; the region and other municipalities may not', async () => {
    const res = expectStatus(await comment('motala', 'motala', '2025-03', { comment: 'Brist på korttidsplatser under mars.' }), 200);
    assert.equal(res.json.municipality, 'motala');
    assert.equal(res.json.month, '2025-03');
    assert.equal(res.json.comment, 'Brist på korttidsplatser under mars.');
    expectError(await comment('region', 'motala', '2025-03', { comment: 'x' }), 403);
    expectError(await comment('kinda', 'motala', '2025-03', { comment: 'x' }), 403);
    expectError(await comment('reader', 'motala', '2025-03', { comment: 'x' }), 403);
    expectStatus(await comment('motala', '0583', '2025-03', { comment: 'Uppdaterad kommentar' }), 200);
    expectStatus(await comment('county', 'kinda', '2025-03', { comment: 'Sekretariatet' }), 200);
    // The region's next push keeps the comment.
    expectPushed(await post('region', [delayRow({ days_beyond: 40 })]), { updated: 1 });
    const items = (await env.get('reader', '/discharge-delays', { from: '2025-03', to: '2025-03' })).json.items;
    assert.deepEqual(items.map((i) => [i.municipality, i.comment, i.mean_days]), [['kinda', 'Sekretariatet', 1.428571], ['motala', 'Uppdaterad kommentar', 1]]);
  });

  test('comment rules: a row must exist, the body is {"comment"}, 1-2000 characters', async () => {
    expectError(await comment('motala', 'motala', '2024-01', { comment: 'x' }), 404);
    expectError(await comment('motala', 'gotham', '2025-03', { comment: 'x' }), 404);
    expectError(await comment('motala', 'region-ostergotland', '2025-03', { comment: 'x' }), 404);
    expectError(await comment('motala', 'motala', '2025-3', { comment: 'x' }), 400, 'invalid_period');
    const cases = [[{ comment: '' }, '/comment empty'], [{ comment: 5 }, '/comment wrong_type'],
      [{ comment: 'x'.repeat(2001) }, '/comment too_long'], [{ comment: 'x', more: 1 }, ' invalid_body'], [{ text: 'x' }, ' invalid_body']];
    for (const [body, want] of cases) {
      const e = expectError(await comment('motala', 'motala', '2025-03', body), 422, 'validation_failed');
      assert.deepEqual(e.details.map((d) => `${d.path} ${d.code}`), [want], JSON.stringify(body));
    }
    expectStatus(await comment('motala', 'motala', '2025-03', { comment: 'å'.repeat(2000) }), 200);
  });

  test('DELETE removes the comment (own municipality only)', async () => {
    expectError(await env.del('region', '/discharge-delays/motala/2025-03/comment'), 403);
    expectStatus(await env.del('motala', '/discharge-delays/motala/2025-03/comment'), 200);
    expectError(await env.del('motala', '/discharge-delays/motala/2025-03/comment'), 404);
    const [item] = (await env.get('reader', '/discharge-delays', { municipality: 'motala', from: '2025-03', to: '2025-03' })).json.items;
    assert.equal(item.comment, null);
  });

  test('?mode=replace removes the months of the slice the region leaves out, with their comments', async () => {
    expectPushed(await post('region', [delayRow({ month: '2024-05' }), delayRow({ month: '2024-06' })]), { created: 2 });
    expectStatus(await comment('motala', 'motala', '2024-06', { comment: 'Sommarstängning' }), 200);
    const s = expectPushed(await post('region', [delayRow({ month: '2024-05' })], { query: '?mode=replace&from=2024-05&to=2024-06' }),
      { mode: 'replace', deleted: 1, stored: { created: 0, updated: 0, unchanged: 1, deleted: 1 } });
    assert.equal(s.rejected, 0);
    assert.equal(env.sql("SELECT count(*) FROM nara_vard.discharge_comments WHERE month_start = '2024-06-01'"), '0');
    assert.deepEqual(coreValues(env, MEAN, "v.period IN ('2024-05', '2024-06')"), ['motala 2024-05 T 0.575 23 40']);
  });

  test('reads: filters are checked', async () => {
    expectError(await env.get('reader', '/discharge-delays', { from: '2025-W01' }), 400, 'invalid_query');
    expectError(await env.get('reader', '/discharge-delays', { municipality: 'region-ostergotland' }), 400, 'invalid_query');
    expectError(await env.get(null, '/discharge-delays'), 401);
  });
});
