// Digitalisering: the baseline mapping (GET/POST /initiatives, DELETE /initiatives/{id}): each
// principal's digital initiatives by area and welfare-technology category, and the yearly count
// of ongoing initiatives (digitalisering.initiatives-ongoing) derived from it through the core's
// push: summary, dry run, Idempotency-Key, period locks; who maps what; strict rows; the
// validate hook on the area's counts.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { req, expectStatus, expectError } from './lib/harness.mjs';
import { digiServer, call, valuesOf, day, expectProblems } from './lib/digitalisering.mjs';

const M = 'digitalisering.initiatives-ongoing';
const YEAR = new Date().getUTCFullYear();
const years = (from, to, value) => Array.from({ length: to - from + 1 }, (_, i) => `${from + i} ${typeof value === 'function' ? value(from + i) : value}`);

let env, tok;
before(async () => {
  env = await digiServer({
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    motala: { principal: 'motala', role: 'reporter', areas: ['digitalisering'] },
    kinda: { principal: 'kinda', role: 'reporter', areas: ['digitalisering'] },
    kindaAldras: { principal: 'kinda', role: 'reporter', areas: ['att-aldras'] },
    reader: { principal: 'ydre', role: 'reader' },
  });
  ({ tok } = env);
});
after(async () => { await env.stop(); });

const push = (rows, token = tok.motala, query = '', headers = {}) =>
  req(env.srv, 'POST', `/api/v1/digitalisering/initiatives${query}`, { token, body: { initiatives: rows }, headers });
const list = async (query = '') => expectStatus(await call(env, 'GET', `/initiatives${query}`, tok.reader), 200).json;
const motalaValues = () => valuesOf(env, M).split('\n').filter((l) => l.startsWith('motala ')).map((l) => l.slice(7));

const MAPPING = [
  { name: 'Digitala trygghetslarm', area: 'att-aldras', category: 'digital-safety-alarms', status: 'ongoing', started_on: '2022-03-01' },
  { name: 'Videomöten vid vårdplanering', area: 'nara-vard', category: 'video-communication', status: 'ongoing', started_on: '2024-05-01',
    description: 'Samordnad individuell plan via video' },
  { name: 'Nattillsyn med kamera', area: 'att-aldras', category: 'home-monitoring', status: 'ended', started_on: '2021-01-10', ended_on: '2023-06-30' },
  { name: 'E-tjänst för ansökan om bistånd', area: 'att-aldras', category: 'e-services', status: 'planned' },
];

describe('mapping and the derived counts', () => {
  test('a push stores the initiatives and derives the ongoing count per year, from the first start to this year', async () => {
    const res = expectStatus(await push(MAPPING), 200).json;
    assert.deepEqual(Object.keys(res).sort(), ['created', 'deleted', 'dry_run', 'errors', 'initiatives', 'mode', 'rejected', 'unchanged', 'updated']);
    assert.deepEqual(res.initiatives, { created: 4, updated: 0, unchanged: 0, deleted: 0 });
    assert.equal(res.created, YEAR - 2021 + 1);
    // 2021: the camera; 2022: alarms and camera; 2023: alarms (the camera ended on 30 June);
    // from 2024: alarms and video. The planned e-service does not count.
    assert.deepEqual(motalaValues(), ['2021 1', '2022 2', '2023 1', ...years(2024, YEAR, 2)]);
    const mine = (await list('?principal=motala')).items;
    assert.deepEqual(mine.map((i) => [i.name, i.principal, i.area, i.category, i.status, i.started_on, i.ended_on]), [
      ['Digitala trygghetslarm', 'motala', 'att-aldras', 'digital-safety-alarms', 'ongoing', '2022-03-01', null],
      ['E-tjänst för ansökan om bistånd', 'motala', 'att-aldras', 'e-services', 'planned', null, null],
      ['Nattillsyn med kamera', 'motala', 'att-aldras', 'home-monitoring', 'ended', '2021-01-10', '2023-06-30'],
      ['Videomöten vid vårdplanering', 'motala', 'nara-vard', 'video-communication', 'ongoing', '2024-05-01', null],
    ]);
    assert.equal(mine[3].description, 'Samordnad individuell plan via video');
  });

  test('the same push again changes nothing: no values pushed, rows unchanged', async () => {
    const res = expectStatus(await push(MAPPING), 200).json;
    assert.deepEqual([res.created, res.updated, res.unchanged], [0, 0, 0]);
    assert.deepEqual(res.initiatives, { created: 0, updated: 0, unchanged: 4, deleted: 0 });
  });

  test('a changed initiative (by name, case aside) updates the counts it changes', async () => {
    const res = expectStatus(await push([{ ...MAPPING[1], name: 'VIDEOMÖTEN VID VÅRDPLANERING', status: 'ended', ended_on: '2024-12-31' }]), 200).json;
    assert.deepEqual(res.initiatives, { created: 0, updated: 1, unchanged: 0, deleted: 0 });
    assert.equal(res.updated, YEAR - 2024 + 1);
    assert.deepEqual(motalaValues(), ['2021 1', '2022 2', '2023 1', ...years(2024, YEAR, 1)]);
    assert.equal(env.sql("SELECT name FROM digitalisering.initiatives WHERE lower(name) LIKE 'videom%'"), 'VIDEOMÖTEN VID VÅRDPLANERING');
    // The value history names the push.
    assert.equal(env.sql(`SELECT count(*) FROM core.value_history h JOIN core.measures m ON m.id = h.measure_id WHERE m.slug = '${M}' AND h.operation = 'update'`),
      String(YEAR - 2024 + 1));
  });

  test('dry run: the answer, nothing kept', async () => {
    const before = motalaValues();
    const res = expectStatus(await push([{ name: 'Läkemedelsrobot', area: 'att-aldras', category: 'home-monitoring', status: 'ongoing', started_on: '2020-01-01' }], tok.motala, '?dry_run=true'), 200).json;
    assert.equal(res.dry_run, true);
    assert.equal(res.initiatives.created, 1);
    assert.equal(res.created, 1, '2020 is new');
    assert.deepEqual(motalaValues(), before);
    assert.equal(env.sql("SELECT count(*) FROM digitalisering.initiatives WHERE name = 'Läkemedelsrobot'"), '0');
  });

  test('removing an initiative lowers the counts it made (DELETE answers like a push)', async () => {
    const id = (await list('?principal=motala&category=digital-safety-alarms')).items[0].id;
    const res = expectStatus(await call(env, 'DELETE', `/initiatives/${id}`, tok.motala), 200).json;
    assert.deepEqual(res.initiatives, { created: 0, updated: 0, unchanged: 0, deleted: 1 });
    assert.deepEqual(motalaValues(), ['2021 1', '2022 1', '2023 0', ...years(2024, YEAR, 0)]);
    expectError(await call(env, 'DELETE', `/initiatives/${id}`, tok.motala), 404);
  });

  test('Idempotency-Key: the same request replays its first answer', async () => {
    const rows = [{ name: 'Digital nyckelhantering', area: 'att-aldras', category: 'mobile-working', status: 'ongoing', started_on: '2025-01-15' }];
    const headers = { 'Idempotency-Key': 'digi-key-1' };
    const first = expectStatus(await push(rows, tok.kinda, '', headers), 200);
    const again = expectStatus(await push(rows, tok.kinda, '', headers), 200);
    assert.equal(again.text, first.text);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(env.sql("SELECT count(*) FROM digitalisering.initiatives WHERE name = 'Digital nyckelhantering'"), '1');
  });

  test('a locked year refuses a push that would change it (409), not one that leaves it be', async () => {
    expectStatus(await req(env.srv, 'POST', '/api/v1/locks', { token: tok.county, body: { measure: M, period: '2022' } }), 201);
    const err = expectError(await push([{ name: 'Tidigt larm', area: 'att-aldras', category: 'digital-safety-alarms', status: 'ended', started_on: '2022-02-01', ended_on: '2023-02-01' }]), 409, 'period_locked');
    assert.match(err.details[0].message, /derived value digitalisering.initiatives-ongoing: the period 2022/);
    assert.equal(err.details[0].path, '/initiatives/0');
    assert.equal(env.sql("SELECT count(*) FROM digitalisering.initiatives WHERE name = 'Tidigt larm'"), '0');
    expectStatus(await push([{ name: 'Sent larm', area: 'att-aldras', category: 'digital-safety-alarms', status: 'ongoing', started_on: `${YEAR}-01-02` }]), 200);
  });
});

describe('who maps what', () => {
  test('a reporter maps its own principal; county_admin any; others are 403', async () => {
    const row = { principal: 'kinda', name: 'Kindas e-tjänst', area: 'vaxa-upp', category: 'e-services', status: 'ongoing', started_on: '2024-09-01' };
    assert.match(expectError(await push([row], tok.motala), 403).message, /own principal/);
    expectError(await push([row], tok.kindaAldras), 403);
    expectError(await push([row], tok.reader), 403);
    expectError(await req(env.srv, 'POST', '/api/v1/digitalisering/initiatives', { body: { initiatives: [row] } }), 401);
    expectStatus(await push([row], tok.kinda), 200);
    const res = expectStatus(await push([{ ...row, principal: 'odeshog' }, { ...row, principal: '0509', name: 'Till' }], tok.county), 200).json;
    assert.equal(res.initiatives.created, 2);
    assert.deepEqual(valuesOf(env, M).split('\n').filter((l) => l.startsWith('odeshog')), years(2024, YEAR, 2).map((l) => `odeshog ${l}`));
    const id = (await list('?principal=kinda&area=vaxa-upp')).items[0].id;
    expectError(await call(env, 'DELETE', `/initiatives/${id}`, tok.motala), 403);
  });

  test('only mode=atomic: the mapping is stored all or nothing', async () => {
    const err = expectError(await push([], tok.motala, '?mode=partial'), 400, 'invalid_query');
    assert.equal(err.details[0].path, 'query.mode');
  });
});

describe('strict rows', () => {
  test('every problem at its row and member, nothing stored', async () => {
    const before = env.sql('SELECT count(*) FROM digitalisering.initiatives');
    const err = expectError(await push([
      { name: 'A', area: 'nowhere', category: 'robots', status: 'ongoing', started_on: day(5), extra: 1 },
      { name: 'B', area: 'att-aldras', category: 'e-services', status: 'ended', started_on: '2024-05-01', ended_on: '2024-04-01' },
      { name: 'C', area: 'att-aldras', category: 'e-services', status: 'ongoing', ended_on: '2024-04-01' },
      { name: 'D', area: 'att-aldras', category: 'e-services', status: 'running', started_on: '1999-12-31' },
      { name: 'c', area: 'att-aldras', category: 'e-services', status: 'planned' },
      { name: 'E', area: 'att-aldras', category: 'e-services', status: 'planned', principal: 'atlantis', description: '19121212-1212' },
      'not an object',
      { area: 'att-aldras', category: 'e-services', status: 'ended', started_on: '2024-01-01' },
      { name: 'C', area: 'att-aldras', category: 'e-services', status: 'planned', started_on: '2030-01-01' },
    ]), 422, 'validation_failed');
    expectProblems(err, [
      '/initiatives/0/extra unknown_field', '/initiatives/0/category invalid_value', '/initiatives/0/started_on future_date',
      '/initiatives/1/ended_on before_start', '/initiatives/2/started_on missing', '/initiatives/2/ended_on not_ended',
      '/initiatives/3/status invalid_value', '/initiatives/3/started_on too_early',
      '/initiatives/5/principal unknown_principal', '/initiatives/5/description personal_identity_number',
      '/initiatives/6 wrong_type', '/initiatives/7/name missing', '/initiatives/7/ended_on missing',
      '/initiatives/8/name duplicate_row',
    ]);
    assert.ok(err.details.every((d) => typeof d.index === 'number'));
    assert.equal(env.sql('SELECT count(*) FROM digitalisering.initiatives'), before);
    // The area of an otherwise valid row is checked against the areas.
    expectProblems(expectError(await push([{ name: 'F', area: 'nowhere', category: 'e-services', status: 'planned' }]), 422),
      ['/initiatives/0/area unknown_area']);
    expectError(await req(env.srv, 'POST', '/api/v1/digitalisering/initiatives', { token: tok.motala, body: { initiatives: [], more: 1 } }), 400, 'invalid_json');
    expectError(await req(env.srv, 'POST', '/api/v1/digitalisering/initiatives', { token: tok.motala, body: { initiatives: Array(2001).fill({}) } }), 413);
  });
});

describe('reading the mapping', () => {
  test('categories as the SVO plan names them, items, a summary; filters; bad filters are 400', async () => {
    const res = await list();
    assert.deepEqual(res.categories.map((c) => [c.slug, c.name]), [
      ['digital-safety-alarms', 'Digitala trygghetslarm'], ['video-communication', 'Videokommunikation'],
      ['home-monitoring', 'Hemmonitorering'], ['mobile-working', 'Mobila arbetssätt'], ['e-services', 'E-tjänster'],
    ]);
    assert.equal(res.categories[2].name_en, 'Remote monitoring at home');
    assert.deepEqual(Object.keys(res.summary.ongoing_by_category), res.categories.map((c) => c.slug));
    assert.equal(res.summary.principals_mapped, 3);
    assert.ok((await list('?status=planned')).items.every((i) => i.status === 'planned'));
    const err = expectError(await call(env, 'GET', '/initiatives?principal=x&category=robots&status=done&area=A%20B', tok.reader), 400, 'invalid_query');
    assert.deepEqual(err.details.map((d) => d.path).sort(), ['query.area', 'query.category', 'query.principal', 'query.status']);
  });
});

describe('the validate hook', () => {
  test('the counts of the area are whole numbers, also through POST /api/v1/values', async () => {
    const row = (measure, value) => ({ measure, principal: 'kinda', period: '2023', value });
    const err = expectError(await req(env.srv, 'POST', '/api/v1/values', { token: tok.kinda,
      body: { values: [row(M, 2.5), row('digitalisering.tests-run', 1.25)] } }), 422);
    assert.deepEqual(err.details.map((d) => `${d.path} ${d.code}`).sort(), ['/values/0/value not_a_count', '/values/1/value not_a_count']);
    expectStatus(await req(env.srv, 'POST', '/api/v1/values', { token: tok.kinda, body: { values: [row('digitalisering.tests-run', 2)] } }), 200);
  });
});
