// Agreements (överenskommelser och avtal): the current end date through automatic renewals,
// the next notice date, the next follow-up; what needs action before a date; follow-up
// reports closing scheduled follow-ups; new agreements (an end date of 29 February renewed
// several times) and notice given. Every date is asked for "as of" a fixed day.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { req, expectStatus, expectError } from './lib/harness.mjs';
import { valuesServer } from './lib/values.mjs';

process.env.LGVO_PLUGIN_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'lgvo-no-plugins-'));

let env, srv, tok;
before(async () => {
  env = await valuesServer({
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    reporter: { principal: 'kinda', role: 'reporter', areas: ['vaxa-upp'] },
  });
  ({ srv, tok } = env);
});
after(async () => { await env.stop(); });

const get = async (p, token = tok.reporter) => expectStatus(await req(srv, 'GET', p, { token }), 200).json;
const post = (p, body, token = tok.county) => req(srv, 'POST', p, { token, body });
const patch = (p, body, token = tok.county) => req(srv, 'PATCH', p, { token, body });
const list = async (q) => Object.fromEntries((await get(`/api/v1/agreements?${q}`)).items.map((a) => [a.key, a]));
const dates = (a) => [a.status.state, a.status.current_end, a.status.next_notice_date, a.status.notice_ends];

describe('end dates, notice dates and follow-ups of the seeded agreements', () => {
  test('as of 2025-01-15: terms through the automatic renewals', async () => {
    const by = await list('as_of=2025-01-15');
    // Ended 2022-12-31 as printed; renewed two years at a time: to 2024-12-31, then 2026-12-31.
    assert.deepEqual(dates(by['ok-barn-unga-utanfor-hemmet']), ['in_force', '2026-12-31', '2025-12-31', '2026-12-31']);
    assert.deepEqual(by['ok-barn-unga-utanfor-hemmet'].status.term, { from: '2025-01-01', to: '2026-12-31', renewals: 2 });
    // Notice for the term ending 2025-12-31 was due by 2024-12-31: the next chance ends 2027.
    assert.deepEqual(dates(by['ok-samverkan-barn-och-unga']), ['in_force', '2025-12-31', '2026-12-31', '2027-12-31']);
    assert.deepEqual(by['ok-samverkan-barn-och-unga'].status.term, { from: '2024-01-01', to: '2025-12-31', renewals: 1 });
    // "Uppsägningstid 1 år" without saying before what: read as before the end of a term, and said so.
    assert.deepEqual(dates(by['ok-psykisk-funktionsnedsattning-missbruk']), ['in_force', '2025-12-31', '2026-12-31', '2027-12-31']);
    assert.equal(by['ok-psykisk-funktionsnedsattning-missbruk'].status.notice_assumed, true);
    assert.equal(by['ok-samverkan-barn-och-unga'].status.notice_assumed, false);
    // The 30th of December stays the 30th.
    assert.deepEqual(dates(by['ramavtal-ungdomshalsa']), ['in_force', '2026-12-30', '2025-12-30', '2026-12-30']);
    // Until further notice, one year from the notice date: no end, the earliest end a year away.
    assert.deepEqual(dates(by['avtal-lakarmedverkan']), ['in_force', null, null, null]);
    assert.equal(by['avtal-lakarmedverkan'].status.earliest_end, '2026-01-15');
    assert.deepEqual(dates(by['avtal-hemsjukvard-ordinart-boende']), ['in_force', null, null, null]);
    assert.equal(by['avtal-hemsjukvard-ordinart-boende'].status.earliest_end, null);
    assert.equal(by['ok-gemensamt-hvb'].status.notice_assumed, true);
  });

  test('as of other days: on the notice deadline, the day after, and years later', async () => {
    assert.deepEqual(dates((await list('as_of=2024-12-31'))['ok-samverkan-barn-och-unga']), ['in_force', '2025-12-31', '2024-12-31', '2025-12-31']);
    assert.deepEqual(dates((await list('as_of=2025-01-01'))['ok-samverkan-barn-och-unga']), ['in_force', '2025-12-31', '2026-12-31', '2027-12-31']);
    const later = (await list('as_of=2028-06-01'))['ok-samverkan-barn-och-unga'];
    assert.deepEqual(dates(later), ['in_force', '2029-12-31', '2028-12-31', '2029-12-31']);
    assert.deepEqual(later.status.term, { from: '2028-01-01', to: '2029-12-31', renewals: 3 });
    const first = (await list('as_of=2021-06-01'))['ok-samverkan-barn-och-unga'];
    assert.deepEqual(first.status.term, { from: '2020-04-01', to: '2023-12-31', renewals: 0 });
    assert.equal((await list('as_of=2020-01-01'))['ok-samverkan-barn-och-unga'].status.state, 'upcoming');
  });

  test('the next follow-up, from the cadence, tracked from the start of the plan period', async () => {
    const by = await list('as_of=2025-01-15');
    const next = (k) => by[k].next_follow_up && [by[k].next_follow_up.due_on, by[k].next_follow_up.cadence, by[k].next_follow_up.overdue];
    assert.deepEqual(next('ok-samrad-vard-och-omsorg'), ['2026-10-14', 'end_of_term', false]);
    assert.deepEqual(next('ok-samverkan-barn-och-unga'), ['2024-03-31', 'yearly', true]);
    assert.deepEqual(next('ok-gemensamt-hvb'), ['2024-06-30', 'half_yearly', true]);
    assert.deepEqual(next('ramavtal-ungdomshalsa'), ['2024-12-31', 'yearly', true]);
    assert.deepEqual(next('avtal-lakarmedverkan'), ['2024-12-31', 'every_n_years', true]);
    assert.equal(by['ok-utskrivning-sluten-vard'].next_follow_up, null); // on demand
    assert.equal(by['ok-psykisk-funktionsnedsattning-missbruk'].next_follow_up, null); // once, in 2022
    assert.equal(by['regelverk-hjalpmedelsforskrivning'].next_follow_up, null);
    assert.equal(by['ok-samrad-vard-och-omsorg'].next_follow_up.what, 'Formerna och strukturerna för samrådet ska utvärderas i slutet av varje mandatperiod');
  });

  test('?due_before lists the follow-ups due (overdue ones too) and the notice dates coming up', async () => {
    const d = await get('/api/v1/agreements?as_of=2026-12-02&due_before=2027-01-31');
    assert.equal(d.as_of, '2026-12-02');
    assert.equal(d.due_before, '2027-01-31');
    assert.deepEqual(d.items.map((a) => a.key), ['ok-samrad-vard-och-omsorg', 'avtal-lakarmedverkan', 'ok-psykisk-funktionsnedsattning-missbruk',
      'ok-gemensamt-hvb', 'ok-samverkan-barn-och-unga', 'ramavtal-ungdomshalsa']);
    assert.deepEqual(d.notices_due.map((n) => [n.agreement, n.next_notice_date, n.current_end, n.notice_ends]), [
      ['ok-psykisk-funktionsnedsattning-missbruk', '2026-12-31', '2027-12-31', '2027-12-31'],
      ['ok-samverkan-barn-och-unga', '2026-12-31', '2027-12-31', '2027-12-31']]);
    assert.equal(d.follow_ups_due.length, 23);
    const ung = d.follow_ups_due.filter((f) => f.agreement === 'ramavtal-ungdomshalsa').map((f) => [f.due_on, f.overdue]);
    assert.deepEqual(ung, [['2024-12-31', true], ['2025-12-31', true], ['2026-12-31', false]]);
    assert.equal(d.follow_ups_due.filter((f) => f.agreement === 'ok-gemensamt-hvb').length, 12);
    const psyk = d.items.find((a) => a.key === 'ok-psykisk-funktionsnedsattning-missbruk');
    assert.deepEqual([psyk.notice_due, psyk.follow_ups_due], [true, []]);
    const quiet = await get('/api/v1/agreements?as_of=2026-12-02&due_before=2026-12-02');
    assert.ok(!quiet.items.some((a) => a.key === 'ok-psykisk-funktionsnedsattning-missbruk'));
    expectError(await req(srv, 'GET', '/api/v1/agreements?due_before=2027-02-30', { token: tok.reporter }), 400);
    expectError(await req(srv, 'GET', '/api/v1/agreements?as_of=tomorrow', { token: tok.reporter }), 400);
    expectError(await req(srv, 'GET', '/api/v1/agreements?sort=key', { token: tok.reporter }), 400);
    expectError(await req(srv, 'GET', '/api/v1/agreements'), 401);
  });
});

describe('follow-up reports', () => {
  test('a report closes the first open follow-up; the next one is a year later', async () => {
    const res = expectStatus(await post('/api/v1/agreements/ramavtal-ungdomshalsa/follow-ups', {
      reported_on: '2025-01-20', summary: 'Uppgifter inlämnade från samtliga ungdomsmottagningar.', reported_by: 'Länsamordnare vård och omsorg',
    }), 201);
    const r = res.json;
    assert.deepEqual([r.agreement, r.due_on, r.reported_on, r.next_due], ['ramavtal-ungdomshalsa', '2024-12-31', '2025-01-20', '2025-12-31']);
    assert.match(r.recorded_by, /^user:/);
    const a = (await list('as_of=2025-01-21'))['ramavtal-ungdomshalsa'];
    assert.deepEqual([a.next_follow_up.due_on, a.next_follow_up.overdue], ['2025-12-31', false]);
    const one = await get('/api/v1/agreements/ramavtal-ungdomshalsa?as_of=2026-02-01');
    assert.deepEqual(one.follow_up_reports.map((x) => [x.due_on, x.summary, x.reported_by]),
      [['2024-12-31', 'Uppgifter inlämnade från samtliga ungdomsmottagningar.', 'Länsamordnare vård och omsorg']]);
    assert.deepEqual(one.schedule.map((s) => s.next_due), ['2025-12-31']);
    assert.deepEqual(one.overdue_follow_ups.map((f) => f.due_on), ['2025-12-31']);
    assert.equal(env.sql("SELECT details->>'due_on' FROM core.audit WHERE action = 'agreement.follow_up'"), '2024-12-31');
  });

  test('a follow-up is closed once; a report names a date the schedule has', async () => {
    let err = expectError(await post('/api/v1/agreements/ramavtal-ungdomshalsa/follow-ups', {
      due_on: '2024-12-31', reported_on: '2025-01-21', summary: 'igen', reported_by: 'x' }), 409);
    assert.match(err.message, /reported already/);
    err = expectError(await post('/api/v1/agreements/ramavtal-ungdomshalsa/follow-ups', {
      due_on: '2025-06-30', reported_on: '2025-07-01', summary: 'x', reported_by: 'x' }), 422);
    assert.deepEqual(err.details.map((d) => d.path), ['/due_on']);
    err = expectError(await post('/api/v1/agreements/avtal-lakarmedverkan/follow-ups', {
      reported_on: '2025-01-20', summary: 'x', reported_by: 'x' }), 422);
    assert.deepEqual(err.details.map((d) => d.path), ['/schedule']);
    const hvb = await get('/api/v1/agreements/ok-gemensamt-hvb');
    const half = hvb.schedule.find((s) => s.cadence === 'half_yearly');
    const r = expectStatus(await post('/api/v1/agreements/ok-gemensamt-hvb/follow-ups', {
      schedule: half.id, due_on: '2025-06-30', reported_on: '2025-06-25', summary: 'Redovisat för styrgruppen', reported_by: 'Fyrbylund' }), 201).json;
    assert.equal(r.due_on, '2025-06-30');
    assert.equal(r.next_due, '2024-06-30'); // the earlier ones are still open
    // On demand: no due date.
    const od = expectStatus(await post('/api/v1/agreements/ok-utskrivning-sluten-vard/follow-ups', {
      reported_on: '2025-03-01', summary: 'Uppföljning på begäran av Motala', reported_by: 'LGVO au' }), 201).json;
    assert.deepEqual([od.due_on, od.next_due], [null, null]);
    expectError(await post('/api/v1/agreements/ok-utskrivning-sluten-vard/follow-ups', {
      due_on: '2025-03-01', reported_on: '2025-03-01', summary: 'x', reported_by: 'x' }), 422);
    expectError(await post('/api/v1/agreements/ok-samrad-vard-och-omsorg/follow-ups', {
      reported_on: '2099-01-01', summary: 'x', reported_by: 'x' }), 422);
    expectError(await post('/api/v1/agreements/ok-samrad-vard-och-omsorg/follow-ups', {
      reported_on: '2025-01-01', summary: 'x', reported_by: 'x', signed: true }), 422);
    expectError(await post('/api/v1/agreements/avtal-hemsjukvard-ordinart-boende/follow-ups', {
      reported_on: '2025-01-01', summary: 'x', reported_by: 'x' }), 422);
    expectError(await post('/api/v1/agreements/finns-inte/follow-ups', { reported_on: '2025-01-01', summary: 'x', reported_by: 'x' }), 404);
    expectError(await post('/api/v1/agreements/ok-samrad-vard-och-omsorg/follow-ups', {
      reported_on: '2025-01-01', summary: 'x', reported_by: 'x' }, tok.reporter), 403);
    assert.equal(env.sql('SELECT count(*) FROM core.agreement_follow_ups'), '3');
  });
});

describe('new agreements and notice', () => {
  const LEAP = {
    key: 'avtal-skottdag', title: 'Avtal som löper ut på skottdagen', title_en: 'Contract ending on a leap day', kind: 'avtal',
    parties: ['region-ostergotland', 'kinda'], valid_from: '2022-03-01', valid_to: '2024-02-29', renewal_years: 2,
    notice_months: 12, notice_rule: 'before_end_of_term', follow_up_from: '2024-01-01', responsible_area: 'att-aldras',
    schedule: [{ cadence: 'yearly', what: 'Årlig uppföljning', what_en: 'Yearly follow-up', by: ['LGVO au'] }],
  };

  test('an end date of 29 February, renewed several times, ends on the last day of February', async () => {
    const res = expectStatus(await post('/api/v1/agreements', LEAP), 201);
    assert.equal(res.headers.get('location'), '/api/v1/agreements/avtal-skottdag');
    const a = res.json;
    assert.deepEqual(a.parties, ['region-ostergotland', 'kinda']);
    assert.equal(a.responsible.area, 'att-aldras');
    assert.deepEqual(a.schedule.map((s) => [s.cadence, s.every_months, s.anchor]), [['yearly', 12, '2022-03-01']]);
    const at = async (d) => get(`/api/v1/agreements/avtal-skottdag?as_of=${d}`);
    let s = (await at('2024-02-29')).status;
    // On the last day of the first term; notice for it was due by 2023-02-28, so the next
    // chance is for the term ending 2026-02-28.
    assert.deepEqual([s.current_end, s.next_notice_date, s.term.renewals], ['2024-02-29', '2025-02-28', 0]);
    s = (await at('2023-02-28')).status;
    assert.deepEqual([s.current_end, s.next_notice_date, s.notice_ends], ['2024-02-29', '2023-02-28', '2024-02-29']);
    s = (await at('2024-03-01')).status;
    assert.deepEqual([s.term.from, s.current_end, s.next_notice_date, s.notice_ends, s.term.renewals], ['2024-03-01', '2026-02-28', '2025-02-28', '2026-02-28', 1]);
    s = (await at('2025-03-01')).status;
    assert.deepEqual([s.current_end, s.next_notice_date, s.notice_ends], ['2026-02-28', '2027-02-28', '2028-02-29']);
    s = (await at('2026-03-01')).status;
    assert.deepEqual([s.term.from, s.current_end, s.next_notice_date, s.term.renewals], ['2026-03-01', '2028-02-29', '2027-02-28', 2]);
    s = (await at('2030-03-01')).status;
    assert.deepEqual([s.term.from, s.current_end, s.next_notice_date, s.term.renewals], ['2030-03-01', '2032-02-29', '2031-02-28', 4]);
    // Yearly follow-ups from 1 March: due on the last day of February, the 29th in leap years.
    const one = await at('2024-01-15');
    assert.equal(one.next_follow_up.due_on, '2024-02-29');
    const due = await get('/api/v1/agreements?as_of=2024-01-15&due_before=2028-12-31');
    assert.deepEqual(due.follow_ups_due.filter((f) => f.agreement === 'avtal-skottdag').map((f) => f.due_on),
      ['2024-02-29', '2025-02-28', '2026-02-28', '2027-02-28', '2028-02-29']);
    assert.equal(env.sql("SELECT count(*) FROM core.audit WHERE action = 'agreement.create'"), '1');
  });

  test('notice given: the agreement ends with the term the notice reaches, then has ended', async () => {
    let a = expectStatus(await patch('/api/v1/agreements/avtal-skottdag', { notice_given_on: '2027-02-20' }), 200).json;
    assert.equal(a.notice.given_on, '2027-02-20');
    assert.equal(env.sql("SELECT details->>'notice_given_on' FROM core.audit WHERE action = 'agreement.notice'"), '2027-02-20');
    let s = (await get('/api/v1/agreements/avtal-skottdag?as_of=2027-06-01')).status;
    assert.deepEqual([s.state, s.final_end, s.current_end, s.next_notice_date], ['in_force', '2028-02-29', '2028-02-29', null]);
    s = (await get('/api/v1/agreements/avtal-skottdag?as_of=2028-03-01')).status;
    assert.deepEqual([s.state, s.current_end], ['ended', '2028-02-29']);
    // Too late for that term: it runs one more.
    expectStatus(await patch('/api/v1/agreements/avtal-skottdag', { notice_given_on: '2027-03-01' }), 200);
    s = (await get('/api/v1/agreements/avtal-skottdag?as_of=2028-03-01')).status;
    assert.deepEqual([s.state, s.final_end], ['in_force', '2030-02-28']);
    // Withdrawn.
    a = expectStatus(await patch('/api/v1/agreements/avtal-skottdag', { notice_given_on: null }), 200).json;
    assert.equal(a.notice.given_on, null);
    assert.equal(a.status.final_end, null);
    // Notice from the notice date: a year later.
    expectStatus(await patch('/api/v1/agreements/avtal-lakarmedverkan', { notice_given_on: '2025-03-15' }), 200);
    s = (await get('/api/v1/agreements/avtal-lakarmedverkan?as_of=2025-04-01')).status;
    assert.deepEqual([s.state, s.current_end], ['in_force', '2026-03-15']);
    s = (await get('/api/v1/agreements/avtal-lakarmedverkan?as_of=2026-03-16')).status;
    assert.equal(s.state, 'ended');
  });

  test('strict, consistent input; county_admin only', async () => {
    const problems = async (body, p = '/api/v1/agreements', m = post) => expectError(await m(p, body), 422).details.map((d) => d.path).sort();
    const base = { key: 'avtal-test', title: 'x', title_en: 'x', kind: 'avtal' };
    assert.deepEqual(await problems({ ...base, renewal_years: 2 }), ['/renewal_years']);
    assert.deepEqual(await problems({ ...base, notice_months: 6 }), ['/notice_rule']);
    assert.deepEqual(await problems({ ...base, valid_from: '2025-01-01', valid_to: '2024-12-31' }), ['/valid_to']);
    assert.deepEqual(await problems({ ...base, kind: 'kontrakt', notice_rule: 'whenever' }), ['/kind', '/notice_rule']);
    assert.deepEqual(await problems({ ...base, key: 'Avtal Test' }), ['/key']);
    assert.deepEqual(await problems({ key: 'avtal-test' }), ['/kind', '/title', '/title_en']);
    assert.deepEqual(await problems({ ...base, parties: ['mars'], responsible_area: 'mars', colour: 'red' }), ['/colour', '/parties', '/responsible_area']);
    assert.deepEqual(await problems({ ...base, schedule: [{ cadence: 'every_n_years', what: 'x', what_en: 'x' },
      { cadence: 'once', what: 'x', what_en: 'x' }, { cadence: 'weekly', what: 'x' }] }),
    ['/schedule/0/every_n_years', '/schedule/1/due_on', '/schedule/2/cadence', '/schedule/2/what_en']);
    assert.deepEqual(await problems({ valid_to: '2010-01-01' }, '/api/v1/agreements/ok-samverkan-barn-och-unga', patch), ['/valid_to']);
    assert.deepEqual(await problems({ renewal_years: 2, valid_to: null }, '/api/v1/agreements/ok-samverkan-barn-och-unga', patch), ['/renewal_years']);
    expectError(await post('/api/v1/agreements', LEAP), 409);
    expectError(await post('/api/v1/agreements', { ...base }, tok.reporter), 403);
    expectError(await patch('/api/v1/agreements/avtal-skottdag', { title: 'x' }, tok.reporter), 403);
    expectError(await patch('/api/v1/agreements/finns-inte', { title: 'x' }), 404);
    expectError(await patch('/api/v1/agreements/avtal-skottdag', {}), 422);
    assert.equal(env.sql("SELECT count(*) FROM core.agreements WHERE key = 'avtal-test'"), '0');
  });

  test('retired agreements leave the list but stay readable', async () => {
    const a = expectStatus(await patch('/api/v1/agreements/avtal-skottdag', { retired: true, reason: 'Ersatt' }), 200).json;
    assert.equal(a.retired.reason, 'Ersatt');
    assert.ok(!(await get('/api/v1/agreements')).items.some((x) => x.key === 'avtal-skottdag'));
    assert.ok((await get('/api/v1/agreements?include_retired=true')).items.some((x) => x.key === 'avtal-skottdag'));
    expectError(await patch('/api/v1/agreements/avtal-skottdag', { title: 'x' }), 409);
    expectError(await post('/api/v1/agreements/avtal-skottdag/follow-ups', { reported_on: '2025-01-01', summary: 'x', reported_by: 'x' }), 409);
    assert.equal(expectStatus(await patch('/api/v1/agreements/avtal-skottdag', { retired: false }), 200).json.retired, null);
    assert.equal(env.sql("SELECT string_agg(action, ',' ORDER BY id) FROM core.audit WHERE target = 'agreement:avtal-skottdag'"),
      'agreement.create,agreement.notice,agreement.notice,agreement.notice,agreement.retire,agreement.restore');
  });
});
