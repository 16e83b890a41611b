// Measures and values: the measure definitions (GET /api/v1/measures[/{slug}], filters), the
// indicators every area lets municipalities report for themselves, and the period rules of a
// push (every period form, the measure's period type, no future periods, none before 2000,
// ISO week 53).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { req, expectStatus, expectError } from './lib/harness.mjs';
import {
  valuesServer, push, expectSummary, expectRowError, M, ALL_AREAS, periodOf, nextPeriod,
} from './lib/values.mjs';

let env, srv, tok;
const FIELDS = ['activity', 'age_band', 'area', 'description', 'direction', 'kind', 'max', 'min', 'on_behalf',
  'period_type', 'ratio', 'reported_by', 'restricted', 'sex_split', 'slug', 'subgoal', 'title', 'title_en', 'unit'];

before(async () => {
  env = await valuesServer({
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    region: { principal: 'region-ostergotland', role: 'reporter', areas: ALL_AREAS },
    motala: { principal: 'motala', role: 'reporter', areas: ALL_AREAS },
    kinda: { principal: 'kinda', role: 'reporter', areas: ALL_AREAS },
    reader: { principal: 'ydre', role: 'reader' },
  });
  ({ srv, tok } = env);
});
after(async () => { await env.stop(); });

const measure = async (slug) => expectStatus(await req(srv, 'GET', `/api/v1/measures/${slug}`, { token: tok.reader }), 200).json;

describe('measure definitions', () => {
  test('the list has every seeded measure with exactly the documented fields', async () => {
    const res = expectStatus(await req(srv, 'GET', '/api/v1/measures', { token: tok.reader }), 200);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    const items = res.json.items;
    assert.ok(items.length >= 25, `${items.length} measures`);
    for (const m of items) assert.deepEqual(Object.keys(m).sort(), FIELDS, JSON.stringify(m));
    const slugs = items.map((m) => m.slug);
    for (const s of Object.values(M)) assert.ok(slugs.includes(s), s);
    assert.equal(new Set(slugs).size, slugs.length, 'no slug twice');
    for (const m of items) {
      assert.ok(m.slug.startsWith(`${m.area}.`), m.slug);
      assert.ok(['indicator', 'milestone', 'text'].includes(m.kind));
      assert.ok(['year', 'half', 'tertial', 'quarter', 'month', 'week'].includes(m.period_type));
      assert.ok(m.reported_by.length >= 1 && m.reported_by.every((r) => ['region', 'municipality'].includes(r)));
      assert.equal(typeof m.ratio, 'boolean');
      assert.ok(m.title.length > 0 && m.title_en.length > 0);
    }
  });

  test('seeded definitions as specified', async () => {
    const want = {
      [M.selfRated]: { area: 'att-aldras', kind: 'indicator', unit: 'percent', period_type: 'year', ratio: true, min: 0, max: 100, sex_split: true, reported_by: ['municipality'], on_behalf: false, restricted: false },
      [M.readm30]: { kind: 'indicator', unit: 'percent', period_type: 'month', ratio: true, reported_by: ['region'], on_behalf: true, age_band: '80+', subgoal: 'att-aldras.sg1', activity: 'att-aldras.a3' },
      [M.sip]: { area: 'vaxa-upp', kind: 'indicator', unit: 'count', period_type: 'tertial', ratio: false, min: 0, max: null, reported_by: ['municipality'], restricted: true },
      [M.shortTerm]: { area: 'nara-vard', kind: 'indicator', unit: 'count', period_type: 'week', reported_by: ['municipality'], restricted: false },
      [M.mapping]: { kind: 'milestone', period_type: 'year', reported_by: ['region'], ratio: false },
      [M.uptake]: { kind: 'text', period_type: 'year', reported_by: ['region', 'municipality'] },
      [M.avoidable]: { unit: 'per_1000', period_type: 'quarter', ratio: true, on_behalf: true },
    };
    for (const [slug, fields] of Object.entries(want)) {
      const m = await measure(slug);
      assert.equal(m.slug, slug);
      for (const [k, v] of Object.entries(fields)) assert.deepEqual(m[k], v, `${slug}.${k}`);
    }
    const sr = await measure(M.selfRated);
    assert.equal(sr.title, 'Egen upplevd hälsa bland äldre');
    assert.equal(sr.title_en, 'Self-rated health among older people');
    assert.equal(sr.direction, 'higher_is_better');
    assert.equal(sr.subgoal, null);
    assert.ok(sr.description.length > 0);
  });

  test('?area= and ?kind= filter; an unknown kind is 400; an unknown area gives an empty list', async () => {
    const all = (await req(srv, 'GET', '/api/v1/measures', { token: tok.reader })).json.items;
    for (const area of ALL_AREAS) {
      const res = expectStatus(await req(srv, 'GET', `/api/v1/measures?area=${area}`, { token: tok.reader }), 200);
      assert.ok(res.json.items.length > 0);
      assert.ok(res.json.items.every((m) => m.area === area));
      assert.equal(res.json.items.length, all.filter((m) => m.area === area).length);
    }
    for (const kind of ['indicator', 'milestone', 'text']) {
      const res = expectStatus(await req(srv, 'GET', `/api/v1/measures?kind=${kind}`, { token: tok.reader }), 200);
      assert.ok(res.json.items.length > 0 && res.json.items.every((m) => m.kind === kind));
    }
    const both = expectStatus(await req(srv, 'GET', '/api/v1/measures?area=vaxa-upp&kind=milestone', { token: tok.reader }), 200);
    assert.ok(both.json.items.length >= 5 && both.json.items.every((m) => m.area === 'vaxa-upp' && m.kind === 'milestone'));
    expectError(await req(srv, 'GET', '/api/v1/measures?kind=graph', { token: tok.reader }), 400, 'invalid_query');
    assert.deepEqual(expectStatus(await req(srv, 'GET', '/api/v1/measures?area=nowhere', { token: tok.reader }), 200).json.items, []);
  });

  test('an unknown slug is 404; the endpoints need a token', async () => {
    expectError(await req(srv, 'GET', '/api/v1/measures/att-aldras.nothing', { token: tok.reader }), 404);
    expectError(await req(srv, 'GET', '/api/v1/measures'), 401);
    expectError(await req(srv, 'GET', `/api/v1/measures/${M.selfRated}`), 401);
  });
});

describe('what municipalities report', () => {
  test('every area has an indicator municipalities report for themselves, and Motala can push it', async () => {
    const all = (await req(srv, 'GET', '/api/v1/measures?kind=indicator', { token: tok.reader })).json.items;
    for (const area of ALL_AREAS) {
      const own = all.filter((m) => m.area === area && m.reported_by.includes('municipality') && !m.on_behalf);
      assert.ok(own.length > 0, `no self-reported indicator in ${area}`);
      const m = own[0];
      const row = { measure: m.slug, principal: 'motala', period: periodOf(m.period_type, new Date(Date.UTC(2025, 5, 15))) };
      if (m.ratio) Object.assign(row, { numerator: 3, denominator: 4 }); else row.value = 3;
      expectSummary(await push(srv, tok.motala, [row]), { created: 1, rejected: 0 });
      const got = env.sql(`SELECT count(*) FROM core.values v JOIN core.measures m ON m.id = v.measure_id WHERE m.slug = '${m.slug}' AND v.principal_id = 7`);
      assert.equal(got, '1', m.slug);
    }
  });
});

describe('periods in a push', () => {
  const mid2025 = new Date(Date.UTC(2025, 5, 15));
  const rowFor = (measureSlug, period, principal = 'motala') => {
    const base = { measure: measureSlug, principal, period };
    if (measureSlug === M.readm30) return { ...base, principal: 'kinda', numerator: 1, denominator: 10 };
    if (measureSlug === M.selfRated) return { ...base, numerator: 1, denominator: 10 };
    return { ...base, value: 5 };
  };
  const byType = { year: M.selfRated, tertial: M.sip, quarter: M.falls, month: M.readm30, week: M.shortTerm };
  const tokenFor = (slug) => (slug === M.readm30 ? tok.region : tok.motala);

  test('each form is accepted for a measure of its type and stored in canonical form', async () => {
    const cases = { year: '2024', tertial: '2024T3', quarter: '2024Q4', month: '2024-02', week: '2024-W09' };
    for (const [type, period] of Object.entries(cases)) {
      const res = await push(srv, tokenFor(byType[type]), [rowFor(byType[type], period)]);
      expectSummary(res, { created: 1, rejected: 0 });
      assert.equal(env.sql(`SELECT period || ' ' || period_start || ' ' || period_end FROM core.values v JOIN core.measures m ON m.id = v.measure_id WHERE m.slug = '${byType[type]}' AND v.period = '${period}'`),
        { year: '2024 2024-01-01 2024-12-31', tertial: '2024T3 2024-09-01 2024-12-31', quarter: '2024Q4 2024-10-01 2024-12-31', month: '2024-02 2024-02-01 2024-02-29', week: '2024-W09 2024-02-26 2024-03-03' }[type]);
    }
  });

  test('a period of another type is wrong_period_type, and the message names the expected type', async () => {
    const forms = ['2025', '2025H1', '2025T1', '2025Q1', '2025-03', '2025-W09'];
    const example = { year: '2025', tertial: '2025T1', quarter: '2025Q1', month: '2025-03', week: '2025-W09' };
    for (const [type, slug] of Object.entries(byType)) {
      const rows = forms.filter((f) => f !== example[type]).map((f) => rowFor(slug, f));
      const err = expectError(await push(srv, tokenFor(slug), rows), 422, 'validation_failed');
      assert.equal(err.details.length, rows.length, JSON.stringify(err.details));
      rows.forEach((r, i) => {
        const e = expectRowError(err.details, { index: i, path: `/values/${i}/period`, code: 'wrong_period_type' });
        assert.ok(e.message.includes(type) && e.message.includes(example[type]), e.message);
        assert.ok(e.message.includes(r.period), e.message);
      });
    }
  });

  test('malformed periods are invalid_period', async () => {
    const bad = ['2025-13', '2025-00', '2025Q5', '2025T4', '2025H3', '2025-W54', '2025-W00', '25', '2025-3', '2025-03-01', 'Q1 2025', '', '２０２５'];
    const err = expectError(await push(srv, tok.motala, bad.map((p) => ({ ...rowFor(M.selfRated, '2025'), period: p }))), 422);
    bad.forEach((p, i) => expectRowError(err.details, { index: i, path: `/values/${i}/period`, code: 'invalid_period' }));
  });

  test('week 53 exists only in long ISO years', async () => {
    expectSummary(await push(srv, tok.motala, [rowFor(M.shortTerm, '2020-W53'), rowFor(M.shortTerm, '2015-W53')]), { created: 2 });
    const err = expectError(await push(srv, tok.motala, [rowFor(M.shortTerm, '2025-W53'), rowFor(M.shortTerm, '2021-W53')]), 422);
    assert.deepEqual(err.details.map((d) => d.code), ['invalid_period', 'invalid_period']);
    assert.equal(env.sql("SELECT period_start || ' ' || period_end FROM core.values WHERE period = '2020-W53'"), '2020-12-28 2021-01-03');
  });

  test('the current period is accepted; the next one is future_period; before 2000 is period_too_early', async () => {
    for (const [type, slug] of Object.entries(byType)) {
      const now = periodOf(type);
      expectSummary(await push(srv, tokenFor(slug), [rowFor(slug, now)]), { rejected: 0 });
      const next = nextPeriod(type);
      const err = expectError(await push(srv, tokenFor(slug), [rowFor(slug, next)]), 422);
      const e = expectRowError(err.details, { index: 0, path: '/values/0/period', code: 'future_period' });
      assert.ok(e.message.includes(next), e.message);
      const early = periodOf(type, new Date(Date.UTC(1999, 11, 1)));
      const err2 = expectError(await push(srv, tokenFor(slug), [rowFor(slug, early)]), 422);
      const e2 = expectRowError(err2.details, { index: 0, path: '/values/0/period', code: 'period_too_early' });
      assert.match(e2.message, /2000/);
      const first = periodOf(type, new Date(Date.UTC(2000, 0, 10)));
      expectSummary(await push(srv, tokenFor(slug), [rowFor(slug, first)]), { rejected: 0 });
    }
    void mid2025;
  });

  test('a missing period is "missing"', async () => {
    const { period, ...row } = rowFor(M.selfRated, '2025');
    void period;
    const err = expectError(await push(srv, tok.motala, [row]), 422);
    expectRowError(err.details, { index: 0, path: '/values/0/period', code: 'missing' });
  });
});
