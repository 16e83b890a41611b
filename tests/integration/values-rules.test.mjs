// Measures and values: the row checks of POST /api/v1/values — measure and principal exist
// (slug or official code), the principal's kind may report the measure, numbers in range,
// ratios (derived value, numerator ≤ denominator for percent), milestones, text, comment
// lengths, sex breakdown, duplicate keys within one push.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { expectError } from './lib/harness.mjs';
import {
  valuesServer, push, expectSummary, expectRowError, errorKeys, getValues, M, ALL_AREAS, today, tomorrow,
} from './lib/values.mjs';

let env, srv, tok;
before(async () => {
  env = await valuesServer({
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    region: { principal: 'region-ostergotland', role: 'reporter', areas: ALL_AREAS },
    motala: { principal: 'motala', role: 'reporter', areas: ALL_AREAS },
  });
  ({ srv, tok } = env);
});
after(async () => { await env.stop(); });

const one = async (params) => {
  const items = (await getValues(srv, tok.county, params)).json.items;
  assert.equal(items.length, 1, JSON.stringify(items));
  return items[0];
};
// Pushes rows expected to fail; returns the errors as "index path code".
const refused = async (token, rows) => errorKeys(expectError(await push(srv, token, rows), 422, 'validation_failed').details);

describe('measure and principal', () => {
  test('unknown measure and unknown principal', async () => {
    const e = await refused(tok.county, [
      { measure: 'att-aldras.nothing', principal: 'motala', period: '2025', value: 1 },
      { measure: M.shortTerm, principal: 'stockholm', period: '2025-W01', value: 1 },
      { measure: M.shortTerm, principal: '0180', period: '2025-W01', value: 1 },
      { measure: 'Att-Aldras.Self-Rated-Health', principal: 'motala', period: '2025', value: 1 },
    ]);
    assert.deepEqual(e, ['0 /values/0/measure unknown_measure', '1 /values/1/principal unknown_principal',
      '2 /values/2/principal unknown_principal', '3 /values/3/measure unknown_measure']);
  });

  test('a principal is named by slug or official code; both are the same key', async () => {
    expectSummary(await push(srv, tok.motala, [{ measure: M.shortTerm, principal: '0583', period: '2025-W02', value: 4 }]), { created: 1 });
    assert.equal((await one({ measure: M.shortTerm, principal: 'motala', from: '2025-W02', to: '2025-W02' })).principal, 'motala');
    expectSummary(await push(srv, tok.motala, [{ measure: M.shortTerm, principal: 'motala', period: '2025-W02', value: 4 }]), { unchanged: 1 });
    const e = await refused(tok.motala, [
      { measure: M.shortTerm, principal: 'motala', period: '2025-W03', value: 4 },
      { measure: M.shortTerm, principal: '0583', period: '2025-W03', value: 5 },
    ]);
    assert.deepEqual(e, ['1 /values/1 duplicate_row']);
  });

  test('the principal\'s kind must report the measure (principal_kind_not_allowed), even for county_admin', async () => {
    const e = await refused(tok.county, [
      { measure: M.selfRated, principal: 'region-ostergotland', period: '2025', numerator: 1, denominator: 2 },
      { measure: M.mapping, principal: 'motala', period: '2025', achieved: false },
      { measure: M.kpp, principal: 'kinda', period: '2025', numerator: 1, denominator: 2 },
      { measure: M.shortTerm, principal: '05', period: '2025-W01', value: 1 },
    ]);
    assert.deepEqual(e, ['0 /values/0/principal principal_kind_not_allowed', '1 /values/1/principal principal_kind_not_allowed',
      '2 /values/2/principal principal_kind_not_allowed', '3 /values/3/principal principal_kind_not_allowed']);
    // Measures reported by both kinds, and on_behalf measures the region reports for municipalities.
    expectSummary(await push(srv, tok.county, [
      { measure: M.uptake, principal: 'region-ostergotland', period: '2025', text: 'Regionen: genomslag i PO.' },
      { measure: M.uptake, principal: 'kinda', period: '2025', text: 'Kinda: rutin införd.' },
      { measure: M.readm30, principal: 'kinda', period: '2025-01', numerator: 3, denominator: 40 },
      { measure: M.mapping, principal: 'region-ostergotland', period: '2025', achieved: false },
    ]), { created: 4, rejected: 0 });
  });
});

describe('numbers', () => {
  test('ratios: the value is derived (7 of 140 = 5 percent), kept with numerator and denominator', async () => {
    expectSummary(await push(srv, tok.motala, [
      { measure: M.selfRated, principal: 'motala', period: '2024', numerator: 7, denominator: 140 },
      { measure: M.selfRated, principal: 'motala', period: '2023', numerator: 1, denominator: 3 },
      { measure: M.selfRated, principal: 'motala', period: '2022', numerator: 0, denominator: 12.5 },
      { measure: M.selfRated, principal: 'motala', period: '2021', numerator: 50, denominator: 50 },
    ]), { created: 4 });
    const a = await one({ measure: M.selfRated, principal: 'motala', from: '2024', to: '2024' });
    assert.deepEqual([a.value, a.numerator, a.denominator], [5, 7, 140]);
    assert.equal((await one({ measure: M.selfRated, principal: 'motala', from: '2023', to: '2023' })).value, 33.333333);
    assert.equal((await one({ measure: M.selfRated, principal: 'motala', from: '2022', to: '2022' })).value, 0);
    assert.equal((await one({ measure: M.selfRated, principal: 'motala', from: '2021', to: '2021' })).value, 100);
    // per 1,000: numerator may exceed the denominator.
    expectSummary(await push(srv, tok.region, [{ measure: M.avoidable, principal: 'motala', period: '2025Q1', numerator: 30, denominator: 12 }]), { created: 1 });
    assert.equal((await one({ measure: M.avoidable, principal: 'motala' })).value, 2500);
  });

  test('ratio rules: numerator and denominator required, no value, percent numerator ≤ denominator, positive denominator', async () => {
    const r = (x) => ({ measure: M.selfRated, principal: 'motala', period: '2020', ...x });
    const e = await refused(tok.motala, [
      r({ numerator: 8, denominator: 7 }),
      r({ numerator: 1 }),
      r({ denominator: 1 }),
      r({ value: 50, numerator: 1, denominator: 2 }),
      r({ numerator: -1, denominator: 2 }),
      r({ numerator: 0, denominator: 0 }),
      r({ numerator: 1, denominator: -4 }),
    ].map((x, i) => ({ ...x, period: String(2010 + i) })));
    assert.deepEqual(e, ['0 /values/0/numerator numerator_exceeds_denominator', '1 /values/1/denominator missing',
      '2 /values/2/numerator missing', '3 /values/3/value derived_value', '4 /values/4/numerator out_of_range',
      '5 /values/5/denominator out_of_range', '6 /values/6/denominator out_of_range']);
  });

  test('plain indicators: value required, no numerator/denominator, within min/max', async () => {
    const r = (x, w) => ({ measure: M.shortTerm, principal: 'motala', period: `2024-W${String(w).padStart(2, '0')}`, ...x });
    const e = await refused(tok.motala, [r({ value: -1 }, 1), r({ numerator: 1, denominator: 2 }, 2), r({}, 3),
      r({ value: -0.001 }, 4), r({ value: 1, achieved: true }, 5), r({ value: 1, text: 'x' }, 6)]);
    assert.deepEqual(e, ['0 /values/0/value out_of_range', '1 /values/1/numerator not_allowed', '1 /values/1/value missing',
      '2 /values/2/value missing', '3 /values/3/value out_of_range', '4 /values/4/achieved not_allowed', '5 /values/5/text not_allowed']);
    expectSummary(await push(srv, tok.motala, [r({ value: 0 }, 10), r({ value: 1e9 }, 11), r({ value: 2.5 }, 12)]), { created: 3 });
    assert.equal((await one({ measure: M.shortTerm, principal: 'motala', from: '2024-W11', to: '2024-W11' })).value, 1e9);
    assert.equal((await one({ measure: M.shortTerm, principal: 'motala', from: '2024-W12', to: '2024-W12' })).value, 2.5);
  });

  test('out_of_range names the value and the allowed range', async () => {
    const err = expectError(await push(srv, tok.motala, [{ measure: M.shortTerm, principal: 'motala', period: '2024-W20', value: -3 }]), 422);
    const e = expectRowError(err.details, { path: '/values/0/value', code: 'out_of_range' });
    assert.match(e.message, /-3/);
    assert.match(e.message, /0 to inf/);
  });

  test('a number that does not fit is refused, not a server error', async () => {
    for (const n of ['1e400', '-1e400', '123456789012345678901234567890']) {
      const body = `{"values":[{"measure":"${M.shortTerm}","principal":"motala","period":"2024-W30","value":${n}}]}`;
      const res = await push(srv, tok.motala, body);
      assert.ok([400, 422].includes(res.status), `${n}: ${res.status} ${res.text}`);
    }
  });
});

describe('milestones, text and comments', () => {
  const ms = (x) => ({ measure: M.grants, principal: 'motala', ...x });
  test('a milestone takes achieved, achieved_on (not in the future) and a comment', async () => {
    expectSummary(await push(srv, tok.motala, [
      ms({ period: '2024', achieved: true, achieved_on: '2024-11-30', comment: 'Redovisat till LGVO.' }),
      ms({ period: '2023', achieved: false, comment: 'Ej klart.' }),
      ms({ period: '2022', achieved: true, achieved_on: today() }),
    ]), { created: 3 });
    const v = await one({ measure: M.grants, principal: 'motala', from: '2024', to: '2024' });
    assert.deepEqual([v.achieved, v.achieved_on, v.comment, v.value], [true, '2024-11-30', 'Redovisat till LGVO.', null]);
    assert.equal((await one({ measure: M.grants, principal: 'motala', from: '2023', to: '2023' })).achieved, false);
  });

  test('milestone errors', async () => {
    const e = await refused(tok.motala, [
      ms({ period: '2010' }),
      ms({ period: '2011', achieved: true }),
      ms({ period: '2012', achieved: true, achieved_on: tomorrow() }),
      ms({ period: '2013', achieved: true, achieved_on: '2025-02-30' }),
      ms({ period: '2014', achieved: false, achieved_on: '2014-05-01' }),
      ms({ period: '2015', achieved: true, achieved_on: '2015-05-01', value: 1 }),
      ms({ period: '2016', achieved: true, achieved_on: '2016-05-01', numerator: 1 }),
      ms({ period: '2017', achieved: true, achieved_on: '2017-5-1' }),
    ]);
    assert.deepEqual(e, ['0 /values/0/achieved missing', '1 /values/1/achieved_on missing', '2 /values/2/achieved_on future_date',
      '3 /values/3/achieved_on invalid_date', '4 /values/4/achieved_on not_allowed', '5 /values/5/value not_allowed',
      '6 /values/6/numerator not_allowed', '7 /values/7/achieved_on invalid_date']);
  });

  test('text measures take text of up to 4000 characters; comments up to 2000', async () => {
    const tx = (x) => ({ measure: M.uptake, principal: 'motala', ...x });
    const long = 'å'.repeat(3999) + '📈';
    expectSummary(await push(srv, tok.motala, [tx({ period: '2024', text: long, comment: 'ö'.repeat(2000) })]), { created: 1 });
    const v = await one({ measure: M.uptake, principal: 'motala', from: '2024', to: '2024' });
    assert.equal(v.text, long);
    assert.equal(v.comment.length, 2000);
    const e = await refused(tok.motala, [
      tx({ period: '2010', text: 'x'.repeat(4001) }),
      tx({ period: '2011', text: 'ok', comment: 'x'.repeat(2001) }),
      tx({ period: '2012' }),
      tx({ period: '2013', text: 'ok', value: 3 }),
      tx({ period: '2014', text: 'ok', achieved: true }),
      { measure: M.shortTerm, principal: 'motala', period: '2024-W40', value: 1, comment: 'x'.repeat(2001) },
    ]);
    assert.deepEqual(e, ['0 /values/0/text too_long', '1 /values/1/comment too_long', '2 /values/2/text missing',
      '3 /values/3/value not_allowed', '4 /values/4/achieved not_allowed', '5 /values/5/comment too_long']);
  });
});

describe('sex and duplicates', () => {
  test('K and M only for measures split by sex; T is the default; anything else is invalid_sex', async () => {
    expectSummary(await push(srv, tok.motala, [
      { measure: M.selfRated, principal: 'motala', period: '2019', sex: 'K', numerator: 1, denominator: 2 },
      { measure: M.selfRated, principal: 'motala', period: '2019', sex: 'M', numerator: 1, denominator: 4 },
      { measure: M.selfRated, principal: 'motala', period: '2019', numerator: 2, denominator: 6 },
    ]), { created: 3 });
    const all = (await getValues(srv, tok.county, { measure: M.selfRated, from: '2019', to: '2019' })).json.items;
    assert.deepEqual(all.map((v) => `${v.sex} ${v.value}`), ['K 50', 'M 25', 'T 33.333333']);
    const e = await refused(tok.motala, [
      { measure: M.shortTerm, principal: 'motala', period: '2024-W41', sex: 'K', value: 1 },
      { measure: M.selfRated, principal: 'motala', period: '2018', sex: 'X', numerator: 1, denominator: 2 },
      { measure: M.selfRated, principal: 'motala', period: '2018', sex: 'k', numerator: 1, denominator: 2 },
      { measure: M.selfRated, principal: 'motala', period: '2018', sex: '', numerator: 1, denominator: 2 },
    ]);
    assert.deepEqual(e, ['0 /values/0/sex sex_not_allowed', '1 /values/1/sex invalid_sex', '2 /values/2/sex invalid_sex', '3 /values/3/sex invalid_sex']);
  });

  test('two rows with the same key are duplicate_row (every repeat, naming the earlier row); another sex is another key', async () => {
    const r = { measure: M.selfRated, principal: 'motala', period: '2017', numerator: 1, denominator: 2 };
    const err = expectError(await push(srv, tok.motala, [r, { ...r, sex: 'K' }, { ...r, numerator: 2 }, { ...r, sex: 'T' }]), 422);
    assert.deepEqual(errorKeys(err.details), ['2 /values/2 duplicate_row', '3 /values/3 duplicate_row']);
    assert.match(expectRowError(err.details, { index: 2 }).message, /row 0/);
    const s = expectSummary(await push(srv, tok.motala, [r, { ...r, numerator: 2 }], { query: '?mode=partial' }), { created: 1, rejected: 1 });
    assert.deepEqual(errorKeys(s.errors), ['1 /values/1 duplicate_row']);
    assert.equal((await one({ measure: M.selfRated, principal: 'motala', from: '2017', to: '2017', sex: 'T' })).numerator, 1);
  });
});
