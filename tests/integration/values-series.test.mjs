// Measures and values: GET /api/v1/measures/{slug}/series (one principal's points in period
// order and the county total from the municipalities' rows, or the region's own) and the
// suppression of restricted measures: counts 1–4 (and shares built on them) only for the
// owning principal and county_admin; a county total hidden when any contribution is.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { req, expectStatus, expectError, waitFor } from './lib/harness.mjs';
import { valuesServer, push, expectSummary, getValues, getSeries, getHistory, M, ALL_AREAS } from './lib/values.mjs';

const SHARE = 'nara-vard.test-restricted-share'; // a restricted percent ratio, made for this test
let env, srv, tok;
before(async () => {
  env = await valuesServer({
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    region: { principal: 'region-ostergotland', role: 'reporter', areas: ALL_AREAS },
    motala: { principal: 'motala', role: 'reporter', areas: ALL_AREAS },
    kinda: { principal: 'kinda', role: 'reporter', areas: ALL_AREAS },
    ydre: { principal: 'ydre', role: 'reader' },
  });
  ({ srv, tok } = env);
  env.sql(`INSERT INTO core.measures (slug, area_id, title, title_en, kind, unit, period_type, direction, ratio, min, max, reported_by, restricted)
    VALUES ('${SHARE}', 3, 'Testandel', 'Test share', 'indicator', 'percent', 'quarter', 'none', true, 0, 100, ARRAY['municipality'], true)`);
  await waitFor(async () => (await req(srv, 'GET', `/api/v1/measures/${SHARE}`, { token: tok.ydre })).status === 200, { what: 'the new measure' });
  const sip = (principal, period, value) => ({ measure: M.sip, principal, period, value });
  const sr = (principal, period, numerator, denominator) => ({ measure: M.selfRated, principal, period, numerator, denominator });
  const share = (principal, period, numerator, denominator) => ({ measure: SHARE, principal, period, numerator, denominator });
  expectSummary(await push(srv, tok.county, [
    sip('motala', '2024T1', 3), sip('kinda', '2024T1', 0), sip('ydre', '2024T1', 7),
    sip('motala', '2024T2', 3), sip('linkoping', '2024T2', 2), sip('ydre', '2024T2', 7),
    sip('motala', '2024T3', 10), sip('kinda', '2024T3', 5),
    sr('motala', '2023', 7, 140), sr('kinda', '2023', 3, 60), sr('motala', '2024', 1, 2), sr('motala', '2022', 1, 4),
    { ...sr('motala', '2024', 1, 4), sex: 'K' },
    share('motala', '2024Q1', 2, 10), share('kinda', '2024Q1', 6, 10), share('kinda', '2024Q2', 0, 3), share('ydre', '2024Q2', 5, 10),
    { measure: M.kpp, principal: 'region-ostergotland', period: '2024', numerator: 30, denominator: 120 },
    { measure: M.grants, principal: 'motala', period: '2024', achieved: true, achieved_on: '2024-05-01' },
    { measure: M.uptake, principal: 'motala', period: '2024', text: 'Genomslag: god.' },
  ]), { rejected: 0 });
  expectSummary(await push(srv, tok.region, [
    { measure: M.readm30, principal: 'kinda', period: '2024-01', numerator: 5, denominator: 50 },
    { measure: M.readm30, principal: 'ydre', period: '2024-01', numerator: 5, denominator: 150 },
  ]), { created: 2 });
});
after(async () => { await env.stop(); });

const series = async (token, slug, params) => expectStatus(await getSeries(srv, token, slug, params), 200).json;
const brief = (pts) => pts.map((p) => `${p.period} ${p.value} ${p.numerator} ${p.denominator}${p.suppressed ? ' S' : ''}${p.principals ? ` n=${p.principals}` : ''}`);

describe('series', () => {
  test('one principal\'s points in period order and the county total from the municipalities', async () => {
    const s = await series(tok.ydre, M.selfRated, { principal: 'motala' });
    assert.deepEqual(Object.keys(s).sort(), ['county', 'measure', 'period_type', 'points', 'principal', 'sex', 'unit']);
    assert.deepEqual([s.measure, s.principal, s.sex, s.unit, s.period_type], [M.selfRated, 'motala', 'T', 'percent', 'year']);
    assert.deepEqual(brief(s.points), ['2022 25 1 4', '2023 5 7 140', '2024 50 1 2']);
    for (const p of s.points) assert.deepEqual(Object.keys(p).sort(), ['denominator', 'numerator', 'period', 'suppressed', 'value']);
    assert.deepEqual(brief(s.county), ['2022 25 1 4 n=1', '2023 5 10 200 n=2', '2024 50 1 2 n=1']);
    assert.deepEqual(Object.keys(s.county[0]).sort(), ['denominator', 'numerator', 'period', 'principals', 'suppressed', 'value']);
  });

  test('from/to, sex, principal by code; without a principal only the county; errors', async () => {
    assert.deepEqual(brief((await series(tok.ydre, M.selfRated, { principal: '0583', from: '2023', to: '2024' })).points), ['2023 5 7 140', '2024 50 1 2']);
    const k = await series(tok.ydre, M.selfRated, { principal: 'motala', sex: 'K' });
    assert.deepEqual([k.sex, ...brief(k.points), ...brief(k.county)], ['K', '2024 25 1 4', '2024 25 1 4 n=1']);
    const c = await series(tok.ydre, M.selfRated, {});
    assert.deepEqual([c.principal, c.points.length, c.county.length], [null, 0, 3]);
    expectError(await getSeries(srv, tok.ydre, 'att-aldras.nothing', {}), 404);
    expectError(await getSeries(srv, tok.ydre, M.selfRated, { principal: 'nowhere' }), 400, 'invalid_query');
    expectError(await getSeries(srv, tok.ydre, M.selfRated, { sex: 'X' }), 400, 'invalid_query');
    expectError(await getSeries(srv, undefined, M.selfRated, {}), 401);
  });

  test('on-behalf measures total the municipalities; region-only measures use the region\'s rows', async () => {
    assert.deepEqual(brief((await series(tok.ydre, M.readm30, { principal: 'kinda' })).county), ['2024-01 5 10 200 n=2']);
    const kpp = await series(tok.ydre, M.kpp, { principal: 'region-ostergotland' });
    assert.deepEqual([...brief(kpp.points), ...brief(kpp.county)], ['2024 25 30 120', '2024 25 30 120 n=1']);
  });

  test('milestones and text have their own fields and no county total', async () => {
    const g = await series(tok.ydre, M.grants, { principal: 'motala' });
    assert.deepEqual([g.points[0].achieved, g.points[0].achieved_on, g.county], [true, '2024-05-01', []]);
    const t = await series(tok.ydre, M.uptake, { principal: 'motala' });
    assert.deepEqual([t.points[0].text, t.county], ['Genomslag: god.', []]);
  });

  test('series have ETags: 304 while unchanged, a new one after a push', async () => {
    const a = expectStatus(await getSeries(srv, tok.ydre, M.sip, { principal: 'ydre' }), 200);
    assert.equal((await getSeries(srv, tok.ydre, M.sip, { principal: 'ydre' }, { 'if-none-match': a.headers.get('etag') })).status, 304);
    expectSummary(await push(srv, tok.county, [{ measure: M.sip, principal: 'ydre', period: '2023T3', value: 9 }]), { created: 1 });
    const b = expectStatus(await getSeries(srv, tok.ydre, M.sip, { principal: 'ydre' }, { 'if-none-match': a.headers.get('etag') }), 200);
    assert.equal(b.json.points[0].period, '2023T3');
  });
});

describe('suppression of restricted measures', () => {
  test('counts 1–4 are null and suppressed for others; zero and larger counts are shown', async () => {
    const items = (await getValues(srv, tok.kinda, { measure: M.sip, from: '2024T1', to: '2024T1' })).json.items;
    assert.deepEqual(items.map((v) => `${v.principal} ${v.value} ${v.suppressed}`), ['kinda 0 false', 'motala null true', 'ydre 7 false']);
    const csv = (await getValues(srv, tok.kinda, { measure: M.sip, principal: 'motala', from: '2024T1', to: '2024T1' }, { accept: 'text/csv' })).text.split('\r\n')[1];
    assert.match(csv, /^vaxa-upp\.sip-initiated,motala,2024T1,T,,.*,true$/);
  });

  test('the owning principal and county_admin see them; the region reporter and readers do not', async () => {
    const value = async (token) => (await getValues(srv, token, { measure: M.sip, principal: 'motala', from: '2024T1', to: '2024T1' })).json.items[0];
    assert.deepEqual([(await value(tok.motala)).value, (await value(tok.motala)).suppressed], [3, false]);
    assert.equal((await value(tok.county)).value, 3);
    assert.equal((await value(tok.region)).value, null);
    assert.equal((await value(tok.ydre)).value, null);
  });

  test('a share built on a suppressed count is suppressed: numerator, denominator and value', async () => {
    const s = await series(tok.ydre, SHARE, { principal: 'motala' });
    assert.deepEqual(brief(s.points), ['2024Q1 null null null S']);
    assert.deepEqual(brief((await series(tok.ydre, SHARE, { principal: 'kinda' })).points), ['2024Q1 60 6 10', '2024Q2 null null null S']);
    assert.deepEqual(brief((await series(tok.motala, SHARE, { principal: 'motala' })).points), ['2024Q1 20 2 10']);
    assert.deepEqual(brief((await series(tok.kinda, SHARE, { principal: 'kinda' })).points), ['2024Q1 60 6 10', '2024Q2 0 0 3']);
  });

  test('a county total is hidden when any contribution is suppressed (else it, or the sum of the hidden ones, could be recovered)', async () => {
    // 2024T1: motala 3 (hidden from others), kinda 0, ydre 7. 2024T2: motala 3 and linkoping 2 (both hidden), ydre 7.
    assert.deepEqual(brief((await series(tok.ydre, M.sip, {})).county), ['2023T3 9 null null n=1', '2024T1 null null null S n=3', '2024T2 null null null S n=3', '2024T3 15 null null n=2']);
    assert.deepEqual(brief((await series(tok.kinda, M.sip, {})).county)[1], '2024T1 null null null S n=3');
    // Motala knows its own figure: nothing is hidden from it in 2024T1; in 2024T2 linkoping is.
    assert.deepEqual(brief((await series(tok.motala, M.sip, {})).county).slice(1, 3), ['2024T1 10 null null n=3', '2024T2 null null null S n=3']);
    assert.deepEqual(brief((await series(tok.county, M.sip, {})).county).slice(1, 3), ['2024T1 10 null null n=3', '2024T2 12 null null n=3']);
    // The restricted share: 2024Q1 motala 2/10 hidden, kinda 6/10; 2024Q2 kinda 0/3 hidden, ydre 5/10.
    assert.deepEqual(brief((await series(tok.ydre, SHARE, {})).county), ['2024Q1 null null null S n=2', '2024Q2 null null null S n=2']);
    assert.deepEqual(brief((await series(tok.kinda, SHARE, {})).county), ['2024Q1 null null null S n=2', '2024Q2 38.461538 5 13 n=2']);
  });

  test('different callers get different ETags, so a suppressed answer is never validated for another', async () => {
    const a = expectStatus(await getSeries(srv, tok.motala, M.sip, { principal: 'motala' }), 200);
    const b = await getSeries(srv, tok.kinda, M.sip, { principal: 'motala' }, { 'if-none-match': a.headers.get('etag') });
    assert.equal(b.status, 200);
    assert.equal(b.json.points.find((p) => p.period === '2024T1').value, null);
  });

  test('history shows a restricted value to others only when neither side of the change is a count of 1–4', async () => {
    expectSummary(await push(srv, tok.county, [{ measure: M.sip, principal: 'ydre', period: '2024T1', value: 8 }]), { updated: 1 });
    const hist = (await getHistory(srv, tok.kinda, { measure: M.sip, limit: '1000' })).json.items;
    const entry = (principal, period, op) => hist.find((h) => h.principal === principal && h.period === period && h.operation === op);
    const ydre = entry('ydre', '2024T1', 'update');
    assert.deepEqual([ydre.old, ydre.new, ydre.suppressed], [{ value: 7 }, { value: 8 }, false]);
    const motala = entry('motala', '2024T1', 'create');
    assert.deepEqual([motala.old, motala.new, motala.suppressed], [null, null, true]);
    assert.deepEqual(entry('kinda', '2024T1', 'create').new, { value: 0 });
    assert.deepEqual(entry('motala', '2024T3', 'create').new, { value: 10 });
    const own = (await getHistory(srv, tok.motala, { measure: M.sip, principal: 'motala', period: '2024T1' })).json.items[0];
    assert.deepEqual([own.new, own.suppressed], [{ value: 3 }, false]);
  });
});
