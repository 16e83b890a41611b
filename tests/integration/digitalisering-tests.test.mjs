// Digitalisering: tests of joint solutions (GET/POST/PATCH /tests): a prioritised need starts a
// test linked to a PDSA chain of the work plan, with the principals taking part; the need's
// status follows the test; who may start and end tests; strict input.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { expectStatus, expectError } from './lib/harness.mjs';
import { digiServer, call, propose, patchNeed, pdsaCycle, closeCycle, day, expectProblems } from './lib/digitalisering.mjs';

let env, tok;
before(async () => {
  env = await digiServer({
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    motala: { principal: 'motala', role: 'reporter', areas: ['digitalisering'] },
    reader: { principal: 'ydre', role: 'reader' },
  });
  ({ tok } = env);
});
after(async () => { await env.stop(); });

async function prioritised(title = 'Digital tillsyn nattetid') {
  const n = await propose(env, tok.motala, { title });
  expectStatus(await patchNeed(env, n.id, { status: 'prioritised' }), 200);
  return n.id;
}
const start = (body, token = tok.county) => call(env, 'POST', '/tests', token, body);
const end = (id, body, token = tok.county) => call(env, 'PATCH', `/tests/${id}`, token, body);
const needOf = async (id) => expectStatus(await call(env, 'GET', `/needs/${id}`, tok.reader), 200).json;

describe('starting a test', () => {
  test('from a prioritised need, linked to its PDSA chain (any cycle names the chain); the need goes into test', async () => {
    const first = await pdsaCycle(env, { principals: ['region-ostergotland', 'motala'] });
    await closeCycle(env, first.id);
    const second = await pdsaCycle(env, { principals: ['motala', 'kinda'], predecessor: first.id, title: 'Omgång 2' });
    const need = await prioritised();
    const t = expectStatus(await start({ need, pdsa: second.id, note: 'Natttillsyn med kamera i tre kommuner' }), 201).json;
    assert.deepEqual(Object.keys(t).sort(), ['created_at', 'ended_on', 'id', 'need', 'note', 'outcome', 'pdsa', 'principals',
      'started_on', 'status', 'title', 'updated_at']);
    assert.equal(t.status, 'running');
    assert.equal(t.outcome, null);
    assert.equal(t.title, 'Digital tillsyn nattetid', 'the need\'s title by default');
    assert.equal(t.started_on, day(0));
    assert.deepEqual(t.need, { id: need, kind: 'need', title: 'Digital tillsyn nattetid', status: 'in_test' });
    assert.deepEqual(t.principals, ['region-ostergotland', 'kinda', 'motala'], 'every participant of the chain by default');
    assert.equal(t.pdsa.first_cycle, first.id);
    assert.equal(t.pdsa.activity.key, 'digitalisering.a5');
    assert.equal(t.pdsa.activity.area, 'digitalisering');
    assert.deepEqual(t.pdsa.cycles.map((c) => [c.id, c.phase, c.status, c.decision]),
      [[first.id, 'act', 'closed', 'adapt'], [second.id, 'plan', 'open', null]]);
    assert.deepEqual(t.pdsa.cycles[1].principals, ['kinda', 'motala']);
    const n = await needOf(need);
    assert.equal(n.status, 'in_test');
    assert.deepEqual(n.tests, [{ id: t.id, title: t.title, status: 'running', outcome: null }]);
    assert.deepEqual(n.history.map((h) => h.to), ['proposed', 'prioritised', 'in_test']);
    // The chain is read as the work plan has it now: a later cycle shows up.
    await closeCycle(env, second.id);
    const now = expectStatus(await call(env, 'GET', `/tests/${t.id}`, tok.reader), 200).json;
    assert.deepEqual(now.pdsa.cycles.map((c) => c.status), ['closed', 'closed']);
  });

  test('the principals taking part and the start may be given', async () => {
    const cycle = await pdsaCycle(env, { activity: 'att-aldras.a2' });
    const t = expectStatus(await start({ need: await prioritised('Videomöten vid utskrivning'), pdsa: cycle.id, principals: ['0583', 'ydre'],
      title: 'Videomöte', started_on: day(-30) }), 201).json;
    assert.deepEqual(t.principals, ['motala', 'ydre']);
    assert.equal(t.started_on, day(-30));
    assert.equal(t.pdsa.activity.area, 'att-aldras', 'a test may run under any area\'s activity');
  });

  test('only a prioritised need (409); one running test per need', async () => {
    const cycle = await pdsaCycle(env);
    const proposed = (await propose(env, tok.motala)).id;
    const err = expectError(await start({ need: proposed, pdsa: cycle.id }), 409, 'need_not_prioritised');
    assert.match(err.message, /is proposed; a test starts from a prioritised need/);
    const need = await prioritised();
    expectStatus(await start({ need, pdsa: cycle.id }), 201);
    expectError(await start({ need, pdsa: cycle.id }), 409, 'need_not_prioritised');
  });

  test('strict input, only county_admin', async () => {
    const cycle = await pdsaCycle(env);
    const need = await prioritised();
    expectProblems(expectError(await start({ need: 999999, pdsa: 999999, principals: [], started_on: day(3), extra: 1 }), 422), [
      '/need unknown_need', '/pdsa unknown_pdsa_cycle', '/principals empty', '/started_on future_date', '/extra unknown_field',
    ]);
    expectProblems(expectError(await start({ need: 'one', title: '' }), 422), ['/need wrong_type', '/pdsa missing', '/title empty']);
    expectError(await start({ need, pdsa: cycle.id }, tok.motala), 403);
    expectError(await start({ need, pdsa: cycle.id }, tok.reader), 403);
    assert.equal((await needOf(need)).status, 'prioritised');
  });
});

describe('ending a test', () => {
  test('solved: the need is solved; the test is final', async () => {
    const need = await prioritised();
    const t = expectStatus(await start({ need, pdsa: (await pdsaCycle(env)).id, started_on: day(-10) }), 201).json;
    const done = expectStatus(await end(t.id, { outcome: 'solved', ended_on: day(-1), note: 'Införs i hela länet' }), 200).json;
    assert.deepEqual([done.status, done.outcome, done.ended_on, done.note, done.need.status], ['ended', 'solved', day(-1), 'Införs i hela länet', 'solved']);
    expectError(await end(t.id, { note: 'Igen' }), 409, 'test_ended');
    assert.deepEqual((await needOf(need)).history.map((h) => h.to), ['proposed', 'prioritised', 'in_test', 'solved']);
  });

  test('not solved: the need is prioritised again and may be tested another way or dropped', async () => {
    const need = await prioritised();
    const cycle = await pdsaCycle(env);
    const t = expectStatus(await start({ need, pdsa: cycle.id }), 201).json;
    const done = expectStatus(await end(t.id, { outcome: 'not_solved' }), 200).json;
    assert.equal(done.ended_on, day(0));
    assert.equal(done.need.status, 'prioritised');
    const again = expectStatus(await start({ need, pdsa: cycle.id }), 201).json;
    assert.deepEqual((await needOf(need)).tests.map((x) => [x.id, x.status, x.outcome]), [[t.id, 'ended', 'not_solved'], [again.id, 'running', null]]);
  });

  test('changes while running; strict input; only county_admin', async () => {
    const t = expectStatus(await start({ need: await prioritised(), pdsa: (await pdsaCycle(env)).id, started_on: day(-5) }), 201).json;
    const changed = expectStatus(await end(t.id, { title: 'Nytt namn', principals: ['kinda'], note: 'Halvvägs' }), 200).json;
    assert.deepEqual([changed.title, changed.principals, changed.status, changed.note], ['Nytt namn', ['kinda'], 'running', 'Halvvägs']);
    expectProblems(expectError(await end(t.id, { outcome: 'maybe', ended_on: day(-20), status: 'ended' }), 422),
      ['/outcome invalid_value', '/ended_on before_start', '/status unknown_field']);
    expectProblems(expectError(await end(t.id, { ended_on: day(-1) }), 422), ['/ended_on needs_outcome']);
    expectProblems(expectError(await end(t.id, { outcome: 'solved', ended_on: day(2) }), 422), ['/ended_on future_date']);
    expectError(await end(t.id, { outcome: 'solved' }, tok.motala), 403);
    expectError(await end(999999, { outcome: 'solved' }), 404);
  });
});

describe('reading tests', () => {
  test('lists filtered by status and need; a bad filter is 400; a token is needed', async () => {
    const need = await prioritised();
    const t = expectStatus(await start({ need, pdsa: (await pdsaCycle(env)).id }), 201).json;
    const list = async (q) => expectStatus(await call(env, 'GET', `/tests${q}`, tok.reader), 200).json.items.map((x) => x.id);
    assert.deepEqual(await list(`?need=${need}`), [t.id]);
    assert.ok((await list('?status=running')).includes(t.id));
    assert.ok(!(await list('?status=ended')).includes(t.id));
    const err = expectError(await call(env, 'GET', '/tests?status=done&need=x', tok.reader), 400, 'invalid_query');
    assert.deepEqual(err.details.map((d) => d.path).sort(), ['query.need', 'query.status']);
    expectError(await call(env, 'GET', '/tests/999999', tok.reader), 404);
    expectError(await call(env, 'GET', '/tests'), 401);
  });
});
