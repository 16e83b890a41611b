// PDSA cycles under work-plan activities: recording one and seeing it in the diagram, phases in
// order only (with errors that say which phase is missing what), chains of cycles, joint
// cycles, who may write what (the shared write decision, backed by row-level security), the
// lists, and the area's progress: active activities, deadlines, milestones reached (from
// POST /api/v1/values) and open cycles, per principal and for the county.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { req, expectStatus, expectError, PG_PORT } from './lib/harness.mjs';
import { valuesServer, push, expectSummary } from './lib/values.mjs';

process.env.LGVO_PLUGIN_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'lgvo-no-plugins-'));

let env, srv, tok;
before(async () => {
  env = await valuesServer({
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    kinda: { principal: 'kinda', role: 'reporter', areas: ['att-aldras', 'vaxa-upp'] },
    ydre: { principal: 'ydre', role: 'reporter', areas: ['att-aldras'] },
    region: { principal: 'region-ostergotland', role: 'reporter', areas: ['att-aldras', 'vaxa-upp'] },
    kindaNara: { principal: 'kinda', role: 'reporter', areas: ['nara-vard'] },
    reader: { principal: 'kinda', role: 'reader' },
  });
  ({ srv, tok } = env);
});
after(async () => { await env.stop(); });

const as = (who) => ({
  get: (p) => req(srv, 'GET', p, { token: tok[who] }),
  post: (p, body) => req(srv, 'POST', p, { token: tok[who], body }),
  patch: (p, body) => req(srv, 'PATCH', p, { token: tok[who], body }),
});
const { kinda, ydre, county, reader } = { kinda: as('kinda'), ydre: as('ydre'), county: as('county'), reader: as('reader') };

const PLAN = {
  change: 'Ring upp alla över 80 år dagen efter ett besök på akutmottagningen',
  prediction: 'Färre återbesök på akuten inom en månad',
  measures: ['att-aldras.ed-visits-not-admitted'],
  starts_on: '2025-02-01',
};
const start = (who, activity, body = {}) => who.post(`/api/v1/activities/${activity}/pdsa`,
  { title: 'Uppringning efter akutbesök', plan: PLAN, ...body });
const cycles = () => env.sql('SELECT count(*) FROM core.pdsa_cycles');
// SQL as the service's own (non-superuser) role, so row-level security applies.
const sqlAsService = (sql) => execFileSync('psql', ['-qAtX', '-h', '127.0.0.1', '-p', String(PG_PORT), '-U', 'lgvo',
  '-d', env.db.name, '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

let first, second; // Kinda's first two cycles under att-aldras.a2

describe('recording a cycle', () => {
  test('a reporter starts a cycle with its plan and sees it in the diagram', async () => {
    const res = expectStatus(await start(kinda, 'att-aldras.a2'), 201);
    const c = res.json;
    first = c.id;
    assert.equal(res.headers.get('location'), `/api/v1/pdsa/${c.id}`);
    assert.deepEqual([c.phase, c.status, c.next_phase, c.started_by, c.principals, c.predecessor, c.successor],
      ['plan', 'open', 'do', 'kinda', ['kinda'], null, null]);
    assert.equal(c.activity.key, 'att-aldras.a2');
    assert.equal(c.plan.change, PLAN.change);
    assert.equal(c.plan.prediction, PLAN.prediction);
    assert.deepEqual(c.plan.measures, [{ slug: 'att-aldras.ed-visits-not-admitted', defined: true,
      title: 'Andel besök på akutmottagning som ej lett till inläggning bland äldre (80+)' }]);
    assert.equal(c.plan.starts_on, '2025-02-01');
    assert.match(c.plan.by, /^user:/);
    assert.deepEqual([c.do, c.study, c.act], [null, null, null]);
    assert.deepEqual(c.chain.map((x) => x.id), [c.id]);

    const d = expectStatus(await kinda.get('/api/v1/areas/att-aldras/diagram'), 200).json;
    const a2 = d.goal.sub_goals[0].activities.find((a) => a.key === 'att-aldras.a2');
    assert.deepEqual(a2.pdsa.map((p) => [p.principal, p.cycles, p.open, p.closed]), [['kinda', 1, 1, 0]]);
    assert.deepEqual(a2.pdsa[0].items.map((i) => [i.id, i.title, i.phase, i.status]), [[c.id, 'Uppringning efter akutbesök', 'plan', 'open']]);
    assert.equal(env.sql(`SELECT principal || ' ' || target FROM core.audit WHERE action = 'pdsa.create'`), `kinda pdsa:${c.id}`);
  });

  test('the plan is required, and each missing part is named', async () => {
    let err = expectError(await kinda.post('/api/v1/activities/att-aldras.a2/pdsa', { title: 'x' }), 422, 'validation_failed');
    assert.deepEqual(err.details.map((d) => d.path), ['/plan']);
    assert.match(err.details[0].message, /starts with its plan/);
    err = expectError(await kinda.post('/api/v1/activities/att-aldras.a2/pdsa', { plan: { colour: 'red' } }), 422);
    const by = Object.fromEntries(err.details.map((d) => [d.path, d.message]));
    assert.deepEqual(Object.keys(by).sort(), ['/plan/change', '/plan/colour', '/plan/measures', '/plan/prediction', '/title']);
    assert.match(by['/plan/change'], /^the plan phase needs change/);
    assert.match(by['/plan/prediction'], /^the plan phase needs prediction/);
    assert.match(by['/plan/measures'], /^the plan phase needs measures/);
    err = expectError(await start(kinda, 'att-aldras.a2', { plan: { ...PLAN, measures: [] } }), 422);
    assert.match(err.details[0].message, /at least one measure/);
    err = expectError(await start(kinda, 'att-aldras.a2', { plan: { ...PLAN, measures: ['att-aldras.nothing'] } }), 422);
    assert.deepEqual(err.details, [{ path: '/plan/measures', message: "no measure 'att-aldras.nothing'" }]);
    err = expectError(await start(kinda, 'att-aldras.a2', { plan: { ...PLAN, ends_on: '2025-01-01' } }), 422);
    assert.deepEqual(err.details.map((d) => d.path), ['/plan/ends_on']);
    err = expectError(await start(kinda, 'att-aldras.a2', { do: { what_happened: 'x' } }), 422);
    assert.deepEqual(err.details.map((d) => d.path), ['/do']);
    expectError(await start(kinda, 'att-aldras.a99'), 404);
    assert.equal(cycles(), '1');
  });

  test('phases advance in order only: do, then study, then act', async () => {
    const p = `/api/v1/pdsa/${first}`;
    let err = expectError(await kinda.patch(p, { study: { findings: 'x' } }), 409, 'phase_out_of_order');
    assert.match(err.message, /the next phase is do, not study/);
    assert.deepEqual(err.details, [{ path: '/study', message: 'the next phase is do' }]);
    expectError(await kinda.patch(p, { act: { decision: 'adopt' } }), 409, 'phase_out_of_order');
    expectError(await kinda.patch(p, { plan: PLAN }), 409, 'phase_out_of_order');
    err = expectError(await kinda.patch(p, { do: { what_happened: 'x', started_on: '2025-02-03' }, study: { findings: 'y' } }), 422);
    assert.match(err.details[0].message, /one phase at a time/);
    expectError(await kinda.patch(p, {}), 422);

    err = expectError(await kinda.patch(p, { do: { ended_on: '2025-01-01' } }), 422);
    const by = Object.fromEntries(err.details.map((d) => [d.path, d.message]));
    assert.deepEqual(Object.keys(by).sort(), ['/do/started_on', '/do/what_happened']);
    assert.match(by['/do/what_happened'], /^the do phase needs what_happened/);
    assert.match(by['/do/started_on'], /^the do phase needs started_on/);
    err = expectError(await kinda.patch(p, { do: { what_happened: 'x', started_on: '2025-02-03', ended_on: '2025-02-01' } }), 422);
    assert.deepEqual(err.details.map((d) => d.path), ['/do/ended_on']);

    const done = expectStatus(await kinda.patch(p, { do: { what_happened: 'Vi ringde 41 personer; 3 nåddes inte', started_on: '2025-02-03', ended_on: '2025-03-31' } }), 200).json;
    assert.deepEqual([done.phase, done.next_phase], ['do', 'study']);
    assert.deepEqual([done.do.what_happened, done.do.started_on, done.do.ended_on], ['Vi ringde 41 personer; 3 nåddes inte', '2025-02-03', '2025-03-31']);
    err = expectError(await kinda.patch(p, { do: { what_happened: 'again', started_on: '2025-02-03' } }), 409, 'phase_out_of_order');
    assert.match(err.message, /completed do, so the next phase is study/);
  });

  test('study: what the data showed, linked to measure values', async () => {
    const p = `/api/v1/pdsa/${first}`;
    let err = expectError(await kinda.patch(p, { study: { values: [] } }), 422);
    assert.match(err.details[0].message, /^the study phase needs findings/);
    err = expectError(await kinda.patch(p, { study: { findings: 'x', values: [
      { measure: 'att-aldras.self-rated-health', principal: 'kinda', period: '2025-03' },
      { measure: 'att-aldras.self-rated-health', principal: 'nowhere', period: '2025' },
      'x',
    ] } }), 422);
    assert.deepEqual(err.details.map((d) => d.path), ['/study/values/0/period', '/study/values/1/principal', '/study/values/2']);
    expectSummary(await push(srv, tok.kinda, [{ measure: 'att-aldras.self-rated-health', principal: 'kinda', period: '2025', numerator: 60, denominator: 100 }]), { created: 1 });
    const c = expectStatus(await kinda.patch(p, { study: {
      findings: 'Andelen som inte lades in sjönk, men färre än vi trodde nåddes.',
      values: [{ measure: 'att-aldras.self-rated-health', principal: 'kinda', period: '2025' },
        { measure: 'att-aldras.ed-visits-not-admitted', principal: 'kinda', period: '2025-03' }],
    } }), 200).json;
    assert.equal(c.phase, 'study');
    assert.deepEqual(c.study.values.map((v) => [v.measure, v.period, v.sex, v.found, v.value]), [
      ['att-aldras.self-rated-health', '2025', 'T', true, 60], ['att-aldras.ed-visits-not-admitted', '2025-03', 'T', false, null]]);
  });

  test('act: adopt, adapt or abandon, and the next cycle; then the cycle is closed', async () => {
    const p = `/api/v1/pdsa/${first}`;
    let err = expectError(await kinda.patch(p, { act: {} }), 422);
    assert.match(err.details[0].message, /^the act phase needs decision: adopt, adapt or abandon/);
    err = expectError(await kinda.patch(p, { act: { decision: 'keep' } }), 422);
    assert.deepEqual(err.details.map((d) => d.path), ['/act/decision']);
    err = expectError(await kinda.patch(p, { act: { decision: 'adapt' } }), 422);
    assert.deepEqual(err.details.map((d) => d.path), ['/act/next']);
    assert.match(err.details[0].message, /^the act phase needs next/);
    const c = expectStatus(await kinda.patch(p, { act: { decision: 'adapt', next: 'Ring även anhöriga' } }), 200).json;
    assert.deepEqual([c.phase, c.status, c.next_phase, c.act.decision, c.act.next], ['act', 'closed', null, 'adapt', 'Ring även anhöriga']);
    err = expectError(await kinda.patch(p, { act: { decision: 'adopt' } }), 409, 'phase_out_of_order');
    assert.match(err.message, /closed/);
    const renamed = expectStatus(await kinda.patch(p, { title: 'Uppringning efter akutbesök, omgång 1' }), 200).json;
    assert.equal(renamed.act.next, 'Ring även anhöriga');
    assert.deepEqual(env.sql("SELECT string_agg(action, ',' ORDER BY id) FROM core.audit WHERE action LIKE 'pdsa.%'"),
      'pdsa.create,pdsa.do,pdsa.study,pdsa.act,pdsa.update');
    // The database keeps filled phases as they are, whichever path writes.
    assert.throws(() => sqlAsService(`SELECT set_config('lgvo.writable', '*', false); UPDATE core.pdsa_cycles SET plan_change = 'x' WHERE id = ${first}`), /filled phase/);
    assert.throws(() => sqlAsService(`SELECT set_config('lgvo.writable', '*', false); UPDATE core.pdsa_cycles SET phase = 'do' WHERE id = ${first}`), /cannot follow/);
  });

  test('signals: the measure\'s chart lists the cycle for its participants and the county, with its do start and decision', async () => {
    const pdsa = async (q) => expectStatus(await reader.get(`/api/v1/measures/att-aldras.ed-visits-not-admitted/signals${q}`), 200).json.pdsa;
    const c = (await pdsa('?principal=kinda')).find((x) => x.id === first);
    assert.ok(c, 'Kinda\'s chart marks Kinda\'s cycle');
    assert.deepEqual([c.phase, c.status, c.decision, c.starts_on, c.do_started_on, c.ends_on, c.activity, c.principals],
      ['act', 'closed', 'adapt', '2025-02-01', '2025-02-03', '2025-03-31', 'att-aldras.a2', ['kinda']]);
    assert.equal((await pdsa('?principal=ydre')).filter((x) => x.id === first).length, 0, 'not on Ydre\'s chart');
    assert.ok((await pdsa('')).some((x) => x.id === first), 'on the county\'s chart');
  });
});

describe('chains of cycles', () => {
  test('a cycle follows its closed predecessor; the chain tells the story', async () => {
    const c = expectStatus(await start(kinda, 'att-aldras.a2', { title: 'Uppringning, omgång 2', predecessor: first }), 201).json;
    second = c.id;
    assert.equal(c.predecessor, first);
    assert.deepEqual(c.chain.map((x) => [x.id, x.phase, x.decision]), [[first, 'act', 'adapt'], [second, 'plan', null]]);
    const one = expectStatus(await reader.get(`/api/v1/pdsa/${first}`), 200).json;
    assert.equal(one.successor, second);
    assert.deepEqual(one.chain.map((x) => x.id), [first, second]);
  });

  test('a chain does not fork, does not skip an open cycle, and stays within the activity and its principals', async () => {
    let err = expectError(await start(kinda, 'att-aldras.a2', { predecessor: first }), 409);
    assert.match(err.message, /already has a successor/);
    err = expectError(await start(kinda, 'att-aldras.a2', { predecessor: second }), 409, 'phase_out_of_order');
    assert.match(err.message, /complete it/);
    expectError(await start(kinda, 'att-aldras.a3', { predecessor: second }), 422);
    expectError(await start(kinda, 'att-aldras.a2', { predecessor: 999999 }), 422);
    expectError(await start(ydre, 'att-aldras.a2', { predecessor: first }), 403);
  });
});

describe('who may write', () => {
  let joint;
  test('a reporter of Ydre cannot change Kinda\'s cycles, nor record cycles for Kinda', async () => {
    const err = expectError(await ydre.patch(`/api/v1/pdsa/${second}`, { do: { what_happened: 'x', started_on: '2025-04-01' } }), 403, 'forbidden');
    assert.match(err.message, /only the participants .* \(kinda\) may change it: you may write only your own principal's data/);
    expectError(await ydre.patch(`/api/v1/pdsa/${first}`, { title: 'x' }), 403);
    expectError(await start(ydre, 'att-aldras.a2', { principals: ['kinda'] }), 403);
    expectError(await start(ydre, 'att-aldras.a2', { principals: ['ydre', 'kinda'] }), 403);
    assert.equal(env.sql(`SELECT phase FROM core.pdsa_cycles WHERE id = ${second}`), 'plan');
    const ok = expectStatus(await start(ydre, 'att-aldras.a2', { title: 'Ydres test' }), 201).json;
    assert.deepEqual(ok.principals, ['ydre']);
    // And Kinda cannot change Ydre's.
    expectError(await kinda.patch(`/api/v1/pdsa/${ok.id}`, { do: { what_happened: 'x', started_on: '2025-04-01' } }), 403);
  });

  test('a reader, a reporter without the area, or a municipality for the region: 403', async () => {
    let err = expectError(await start(reader, 'att-aldras.a2'), 403);
    assert.match(err.message, /reporter role/);
    err = expectError(await start(as('kindaNara'), 'att-aldras.a2'), 403);
    assert.match(err.message, /no write grant for this area/);
    expectStatus(await as('kindaNara').post('/api/v1/activities/nara-vard.a2/pdsa', {
      title: 'Sköra först', plan: { change: 'x', prediction: 'y', measures: ['nara-vard.readmissions-30d'] } }), 201);
    expectError(await start(kinda, 'att-aldras.a2', { principals: ['region-ostergotland'] }), 403);
    expectError(await req(srv, 'POST', '/api/v1/activities/att-aldras.a2/pdsa', { body: { title: 'x', plan: PLAN } }), 401);
    let bad = expectError(await start(kinda, 'att-aldras.a2', { principals: ['kinda', 'kinda'] }), 422);
    assert.match(bad.details[0].message, /must not repeat "kinda"/);
    bad = expectError(await start(kinda, 'att-aldras.a2', { principals: ['mars'] }), 422);
    assert.match(bad.details[0].message, /no principal 'mars'/);
  });

  test('a region-municipality pair runs a cycle together; each participant may advance it; others may join', async () => {
    const c = expectStatus(await start(county, 'att-aldras.a3', { title: 'Gemensam utskrivningsplanering', principals: ['region-ostergotland', 'kinda'] }), 201).json;
    joint = c.id;
    assert.deepEqual([c.started_by, c.principals], ['region-ostergotland', ['region-ostergotland', 'kinda']]);
    // Kinda (not the one that started it) fills the do phase.
    expectStatus(await kinda.patch(`/api/v1/pdsa/${joint}`, { do: { what_happened: 'Gemensamma möten varje vecka', started_on: '2025-03-01' } }), 200);
    expectError(await ydre.patch(`/api/v1/pdsa/${joint}`, { study: { findings: 'x' } }), 403);
    const joined = expectStatus(await ydre.post(`/api/v1/pdsa/${joint}/participants`, { principal: 'ydre' }), 200).json;
    assert.deepEqual(joined.principals, ['region-ostergotland', 'kinda', 'ydre']);
    const studied = expectStatus(await ydre.patch(`/api/v1/pdsa/${joint}`, { study: { findings: 'Färre återinskrivningar' } }), 200).json;
    assert.equal(studied.study.by, env.sql(`SELECT 'user:' || id FROM core.users WHERE principal_id = 12`));
    expectError(await ydre.post(`/api/v1/pdsa/${joint}/participants`, { principal: 'ydre' }), 409);
    expectError(await kinda.post(`/api/v1/pdsa/${joint}/participants`, { principal: 'motala' }), 403);
    expectError(await kinda.post(`/api/v1/pdsa/${joint}/participants`, { principal: 'mars' }), 422);
    expectError(await kinda.post(`/api/v1/pdsa/${joint}/participants`, {}), 422);
    expectError(await kinda.post(`/api/v1/pdsa/${first}/participants`, { principal: 'kinda' }), 409);
    assert.equal(env.sql("SELECT principal FROM core.audit WHERE action = 'pdsa.join'"), 'ydre');
    const d = expectStatus(await reader.get('/api/v1/areas/att-aldras/diagram'), 200).json;
    const a3 = d.goal.sub_goals[0].activities.find((a) => a.key === 'att-aldras.a3');
    assert.deepEqual(a3.pdsa.map((p) => p.principal), ['region-ostergotland', 'kinda', 'ydre']);
  });

  test('row-level security backs the decision: a transaction allowed Kinda\'s rows cannot touch Ydre\'s', async () => {
    const ydreCycle = env.sql("SELECT id FROM core.pdsa_cycles WHERE title = 'Ydres test'");
    const kindaId = env.sql("SELECT id FROM core.principals WHERE slug = 'kinda'");
    const updated = sqlAsService(`SELECT set_config('lgvo.writable', '${kindaId}', false);`
      + ` WITH u AS (UPDATE core.pdsa_cycles SET title = 'kapad' WHERE id = ${ydreCycle} RETURNING 1) SELECT count(*) FROM u`);
    assert.equal(updated.split('\n').at(-1), '0');
    assert.throws(() => sqlAsService(`SELECT set_config('lgvo.writable', '${kindaId}', false);`
      + ` INSERT INTO core.pdsa_participants (cycle_id, principal_id) VALUES (${ydreCycle}, 12)`), /row-level security/);
    assert.throws(() => sqlAsService(`SELECT set_config('lgvo.writable', '${kindaId}', false);`
      + ` INSERT INTO core.workplan_subgoals (period_id, area_id, key, position, title, title_en) VALUES (1, 1, 'att-aldras.sg9', 9, 'x', 'x')`), /row-level security/);
    assert.equal(env.sql(`SELECT title FROM core.pdsa_cycles WHERE id = ${ydreCycle}`), 'Ydres test');
  });
});

describe('lists and progress', () => {
  test('an activity\'s cycles, by principal and status', async () => {
    const all = expectStatus(await reader.get('/api/v1/activities/att-aldras.a2/pdsa'), 200).json;
    assert.equal(all.activity.key, 'att-aldras.a2');
    assert.deepEqual(all.items.map((c) => c.title), ['Uppringning efter akutbesök, omgång 1', 'Uppringning, omgång 2', 'Ydres test']);
    const kindaOpen = expectStatus(await reader.get('/api/v1/activities/att-aldras.a2/pdsa?principal=kinda&status=open'), 200).json;
    assert.deepEqual(kindaOpen.items.map((c) => c.title), ['Uppringning, omgång 2']);
    assert.equal(kindaOpen.principal, 'kinda');
    const closed = expectStatus(await reader.get('/api/v1/activities/att-aldras.a2/pdsa?status=closed&lang=en'), 200).json;
    assert.deepEqual(closed.items.map((c) => c.id), [first]);
    assert.match(closed.activity.title, /^Identify important factors/);
    expectError(await reader.get('/api/v1/activities/att-aldras.a2/pdsa?principal=mars'), 400);
    expectError(await reader.get('/api/v1/activities/att-aldras.a2/pdsa?status=done'), 400);
    expectError(await reader.get('/api/v1/activities/999999/pdsa'), 404);
    expectError(await reader.get('/api/v1/pdsa/999999'), 404);
    expectError(await reader.get('/api/v1/pdsa/abc'), 404);
  });

  test('progress: active activities and open cycles per sub-goal, per principal and for the county', async () => {
    const p = expectStatus(await reader.get('/api/v1/areas/att-aldras/progress?as_of=2025-06-01'), 200).json;
    assert.equal(p.as_of, '2025-06-01');
    const sg1 = p.sub_goals[0];
    assert.equal(sg1.key, 'att-aldras.sg1');
    const a2 = sg1.activities.find((a) => a.key === 'att-aldras.a2');
    assert.equal(a2.active, true);
    assert.deepEqual(a2.active_principals, ['kinda', 'ydre']);
    assert.deepEqual(a2.open_cycles.map((c) => [c.title, c.phase, c.next_phase, c.principals]),
      [['Uppringning, omgång 2', 'plan', 'do', ['kinda']], ['Ydres test', 'plan', 'do', ['ydre']]]);
    assert.equal(a2.closed_cycles, 1);
    assert.equal(sg1.activities.find((a) => a.key === 'att-aldras.a1').active, false);
    assert.deepEqual(p.summary.county, { activities: 4, active_activities: 2, open_cycles: 3, closed_cycles: 1, milestones: 1, milestones_reached: 0 });
    assert.equal(p.summary.by_principal.length, 14);
    const kindaSum = p.summary.by_principal.find((x) => x.principal === 'kinda');
    assert.deepEqual(kindaSum, { principal: 'kinda', active_activities: 2, open_cycles: 2, closed_cycles: 1, milestones_reached: 0 });
    const ydreView = expectStatus(await reader.get('/api/v1/areas/att-aldras/progress?principal=ydre'), 200).json;
    assert.equal(ydreView.principal, 'ydre');
    assert.deepEqual(ydreView.sub_goals[0].activities.find((a) => a.key === 'att-aldras.a2').open_cycles.map((c) => c.title), ['Ydres test']);
    assert.deepEqual(ydreView.summary.by_principal.map((x) => x.principal), ['ydre']);
    expectError(await reader.get('/api/v1/areas/att-aldras/progress?as_of=2025-13-01'), 400);
    expectError(await reader.get('/api/v1/areas/att-aldras/progress?principal=mars'), 400);
    expectError(await reader.get('/api/v1/areas/mars/progress'), 404);
  });

  test('progress: where each deadline window stands', async () => {
    const state = async (asOf) => expectStatus(await reader.get(`/api/v1/areas/vaxa-upp/progress?as_of=${asOf}`), 200).json
      .sub_goals[0].activities.find((a) => a.key === 'vaxa-upp.a1').deadline.state;
    assert.equal(await state('2024-12-31'), 'upcoming');
    assert.equal(await state('2025-01-01'), 'current');
    assert.equal(await state('2025-06-30'), 'current');
    assert.equal(await state('2025-07-01'), 'passed');
  });

  test('progress: milestones reached, from the milestone values each principal reports', async () => {
    expectSummary(await push(srv, tok.kinda, [{ measure: 'vaxa-upp.state-grants-handled', principal: 'kinda', period: '2025',
      achieved: true, achieved_on: '2025-05-20', comment: 'Redovisat till LGVO 2025-05-20' }]), { created: 1 });
    const at = async (asOf, q = '') => expectStatus(await reader.get(`/api/v1/areas/vaxa-upp/progress?as_of=${asOf}${q}`), 200).json;
    let p = await at('2025-06-01');
    const grants = p.sub_goals[1].milestones.find((m) => m.measure === 'vaxa-upp.state-grants-handled');
    assert.equal(grants.item.key, 'vaxa-upp.m2');
    assert.deepEqual(grants.reported_by, ['region', 'municipality']);
    assert.equal(grants.principals.length, 1);
    assert.deepEqual([grants.principals[0].principal, grants.principals[0].achieved, grants.principals[0].achieved_on,
      grants.principals[0].period, grants.principals[0].evidence], ['kinda', true, '2025-05-20', '2025', 'Redovisat till LGVO 2025-05-20']);
    assert.match(grants.principals[0].by, /^user:/);
    assert.deepEqual(grants.county, { principals_reached: 1, principals_expected: 14, reached: false });
    // vaxa-upp.m2 is linked to area-level activities too, but shown once, under its sub-goal.
    assert.ok(!p.unlinked.milestones.some((m) => m.measure === 'vaxa-upp.state-grants-handled'));
    // Not yet reached before the date it was achieved.
    p = await at('2025-05-19');
    assert.deepEqual(p.sub_goals[1].milestones.find((m) => m.measure === 'vaxa-upp.state-grants-handled').principals, []);
    // One principal's view.
    p = await at('2025-06-01', '&principal=kinda');
    assert.deepEqual(p.sub_goals[1].milestones.find((m) => m.measure === 'vaxa-upp.state-grants-handled').county,
      { principals_reached: 1, principals_expected: 1, reached: true });
    // A decision taken by the region (reported for LGVO as a whole) is reached for the county.
    expectSummary(await push(srv, tok.region, [{ measure: 'vaxa-upp.structured-collaboration-decision', principal: 'region-ostergotland',
      period: '2025', achieved: true, achieved_on: '2025-06-13', comment: 'Beslut LGVO 13 juni' }]), { created: 1 });
    p = await at('2025-12-31');
    const decision = p.sub_goals[0].milestones.find((m) => m.measure === 'vaxa-upp.structured-collaboration-decision');
    assert.deepEqual(decision.county, { principals_reached: 1, principals_expected: 1, reached: true });
    assert.equal(p.summary.county.milestones, 6);
    assert.equal(p.summary.county.milestones_reached, 1);
    assert.equal(p.summary.by_principal.find((x) => x.principal === 'kinda').milestones_reached, 1);
    // The unlinked activities of the area, with their deadlines, are listed too.
    assert.deepEqual(p.unlinked.activities.map((a) => a.key), ['vaxa-upp.a2', 'vaxa-upp.a4', 'vaxa-upp.a5', 'vaxa-upp.a6', 'vaxa-upp.a7', 'vaxa-upp.a8', 'vaxa-upp.a9']);
    assert.equal(p.unlinked.activities[0].deadline.state, 'passed');
    assert.deepEqual(p.unlinked.milestones.map((m) => m.measure), ['vaxa-upp.legislation-informed', 'vaxa-upp.joint-housing-position',
      'vaxa-upp.fyrbylund-followed-up', 'vaxa-upp.new-routine-decided']);
  });
});
