// Digitalisering: the gross list of needs and obstacles (GET/POST/PATCH /needs, POST
// /needs/{id}/merge): who may propose, strict input, the status flow and its history, merging
// duplicates with both origins kept, filters.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { expectStatus, expectError } from './lib/harness.mjs';
import { digiServer, call, propose, patchNeed, openRound, expectProblems } from './lib/digitalisering.mjs';

let env, tok;
before(async () => {
  env = await digiServer({
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    motala: { principal: 'motala', role: 'reporter', areas: ['digitalisering'] },
    kindaAldras: { principal: 'kinda', role: 'reporter', areas: ['att-aldras'] },
    motalaAdmin: { principal: 'motala', role: 'org_admin' },
    reader: { principal: 'ydre', role: 'reader' },
  });
  ({ tok } = env);
});
after(async () => { await env.stop(); });

const get = async (id, token = tok.reader) => expectStatus(await call(env, 'GET', `/needs/${id}`, token), 200).json;

describe('proposing', () => {
  test('a reporter proposes for its principal: 201 with origin, history and defaults', async () => {
    const res = expectStatus(await call(env, 'POST', '/needs', tok.motala, {
      kind: 'obstacle', title: 'Journalsystemen talar inte med varandra', description: 'Region och kommun dokumenterar i olika system.',
      areas: ['nara-vard', 'att-aldras'],
    }), 201);
    const n = res.json;
    assert.deepEqual(Object.keys(n).sort(), ['areas', 'created_at', 'description', 'history', 'id', 'kind', 'merged', 'merged_into',
      'origins', 'principals', 'raised_by', 'rounds', 'status', 'tests', 'title', 'updated_at']);
    assert.equal(n.kind, 'obstacle');
    assert.equal(n.status, 'proposed');
    assert.deepEqual(n.areas, ['nara-vard', 'att-aldras']);
    assert.equal(n.raised_by, 'motala');
    assert.deepEqual(n.principals, ['motala'], 'the raising principal by default');
    assert.deepEqual(n.origins.map((o) => [o.need, o.principal, o.title]), [[n.id, 'motala', 'Journalsystemen talar inte med varandra']]);
    assert.deepEqual(n.history.map((h) => [h.from, h.to, h.principal]), [[null, 'proposed', 'motala']]);
    assert.match(n.history[0].by, /^user:/);
  });

  test('a reporter of an age-based area proposes a need concerning its area, not others', async () => {
    const n = await propose(env, tok.kindaAldras, { areas: ['att-aldras'], principals: ['kinda', '0583'] });
    assert.equal(n.raised_by, 'kinda');
    assert.deepEqual(n.principals, ['kinda', 'motala']);
    const err = expectError(await call(env, 'POST', '/needs', tok.kindaAldras, { kind: 'need', title: 'X', areas: ['vaxa-upp'] }), 403, 'forbidden');
    assert.match(err.message, /digitalisering or for an area the need concerns/);
  });

  test('only for its own principal; county_admin names any', async () => {
    const err = expectError(await call(env, 'POST', '/needs', tok.motala, { kind: 'need', title: 'X', areas: ['att-aldras'], raised_by: 'kinda' }), 403);
    assert.match(err.message, /own principal/);
    const n = await propose(env, tok.county, { raised_by: 'ydre' });
    assert.equal(n.raised_by, 'ydre');
    assert.equal(env.sql(`SELECT principal_id FROM digitalisering.need_origins WHERE origin_id = ${n.id}`),
      env.sql("SELECT id FROM core.principals WHERE slug = 'ydre'"));
  });

  test('readers and org_admins do not propose; a token is needed', async () => {
    expectError(await call(env, 'POST', '/needs', tok.reader, { kind: 'need', title: 'X', areas: ['att-aldras'] }), 403);
    expectError(await call(env, 'POST', '/needs', tok.motalaAdmin, { kind: 'need', title: 'X', areas: ['att-aldras'] }), 403);
    expectError(await call(env, 'POST', '/needs', undefined, { kind: 'need', title: 'X', areas: ['att-aldras'] }), 401);
  });

  test('strict input: every problem with its JSON pointer, nothing stored', async () => {
    const before = env.sql('SELECT count(*) FROM digitalisering.needs');
    const err = expectError(await call(env, 'POST', '/needs', tok.motala, {
      kind: 'wish', title: '   ', description: 'Ring 19121212-1212', areas: ['att-aldras', 'nowhere', 'att-aldras'],
      principals: ['motala', 'motala', 'atlantis'], 'a/b~c': 1, status: 'solved',
    }), 422, 'validation_failed');
    expectProblems(err, [
      '/kind invalid_value', '/title empty', '/description personal_identity_number', '/areas/2 duplicate',
      '/principals/1 duplicate', '/principals/2 unknown_principal', '/a~1b~0c unknown_field', '/status unknown_field',
    ]);
    const err2 = expectError(await call(env, 'POST', '/needs', tok.motala, { kind: 'need', title: 'x'.repeat(201), areas: ['nowhere'] }), 422);
    expectProblems(err2, ['/title too_long', '/areas/0 unknown_area']);
    expectProblems(expectError(await call(env, 'POST', '/needs', tok.motala, {}), 422), ['/kind missing', '/title missing', '/areas missing']);
    expectError(await call(env, 'POST', '/needs', tok.motala, [1]), 400, 'invalid_json');
    assert.equal(env.sql('SELECT count(*) FROM digitalisering.needs'), before);
  });
});

describe('curating: the status flow', () => {
  test('proposed -> prioritised -> proposed -> dropped -> proposed, each step in the history', async () => {
    const n = await propose(env, tok.motala);
    for (const status of ['prioritised', 'proposed', 'dropped', 'proposed', 'prioritised']) {
      assert.equal(expectStatus(await patchNeed(env, n.id, { status }), 200).json.status, status);
    }
    const h = (await get(n.id)).history;
    assert.deepEqual(h.map((x) => `${x.from}>${x.to}`), ['null>proposed', 'proposed>prioritised', 'prioritised>proposed',
      'proposed>dropped', 'dropped>proposed', 'proposed>prioritised']);
    assert.equal(h[1].principal, 'region-ostergotland');
  });

  test('moves that belong to tests and merges, and from final states, are 409 invalid_transition', async () => {
    const n = await propose(env, tok.motala);
    const cases = [
      ['in_test', /when a test of it starts/], ['solved', /ends with the outcome solved/], ['merged', /merge/],
    ];
    for (const [status, why] of cases) {
      const err = expectError(await patchNeed(env, n.id, { status }), 409, 'invalid_transition');
      assert.match(err.message, why);
      assert.deepEqual(err.details.map((d) => d.path), ['/status']);
    }
    expectStatus(await patchNeed(env, n.id, { status: 'dropped' }), 200);
    expectError(await patchNeed(env, n.id, { status: 'prioritised' }), 409, 'invalid_transition');
    // A need in test or solved: through the database, as a test would leave it.
    env.sql(`UPDATE digitalisering.needs SET status = 'proposed' WHERE id = ${n.id}`);
    env.sql(`UPDATE digitalisering.needs SET status = 'prioritised' WHERE id = ${n.id}`);
    env.sql(`UPDATE digitalisering.needs SET status = 'in_test' WHERE id = ${n.id}`);
    assert.match(expectError(await patchNeed(env, n.id, { status: 'dropped' }), 409).message, /follows the test/);
    env.sql(`UPDATE digitalisering.needs SET status = 'solved' WHERE id = ${n.id}`);
    assert.match(expectError(await patchNeed(env, n.id, { status: 'proposed' }), 409).message, /stays solved/);
  });

  test('the database refuses a status out of the flow, whichever path writes', async () => {
    const n = await propose(env, tok.motala);
    assert.throws(() => env.sql(`UPDATE digitalisering.needs SET status = 'solved' WHERE id = ${n.id}`), /cannot follow/);
  });

  test('texts, areas and principals change; description null clears it; only county_admin', async () => {
    const n = await propose(env, tok.motala, { description: 'Först' });
    const res = expectStatus(await patchNeed(env, n.id, { title: 'Ny rubrik', kind: 'obstacle', areas: ['vaxa-upp'], principals: ['odeshog', 'boxholm'], description: null }), 200).json;
    assert.deepEqual([res.title, res.kind, res.areas, res.principals, res.description], ['Ny rubrik', 'obstacle', ['vaxa-upp'], ['boxholm', 'odeshog'], null]);
    assert.equal(res.origins[0].title, 'Gemensam e-tjänst för ansökan om hemtjänst', 'the origin keeps the proposal as made');
    expectError(await patchNeed(env, n.id, { title: 'X' }, tok.motala), 403);
    expectProblems(expectError(await patchNeed(env, n.id, { status: 'done', areas: [], extra: true }), 422),
      ['/status invalid_value', '/areas wrong_type', '/extra unknown_field']);
    expectError(await patchNeed(env, 999999, { title: 'X' }), 404);
    expectError(await patchNeed(env, 'abc', { title: 'X' }), 404);
  });
});

describe('merging duplicates', () => {
  test('the duplicates become merged into the item, which keeps every origin, area and principal', async () => {
    const a = await propose(env, tok.motala, { title: 'E-tjänst för hemtjänst', areas: ['att-aldras'] });
    const b = await propose(env, tok.kindaAldras, { title: 'Digital ansökan om hemtjänst', areas: ['att-aldras'], principals: ['kinda', 'ydre'] });
    const c = await propose(env, tok.county, { title: 'Ansök om hemtjänst digitalt', areas: ['nara-vard'], raised_by: 'odeshog' });
    const res = expectStatus(await call(env, 'POST', `/needs/${a.id}/merge`, tok.county, { duplicates: [b.id, c.id] }), 200).json;
    assert.deepEqual(res.origins.map((o) => [o.need, o.principal]), [[a.id, 'motala'], [b.id, 'kinda'], [c.id, 'odeshog']]);
    assert.deepEqual(res.areas, ['att-aldras', 'nara-vard']);
    assert.deepEqual(res.principals, ['kinda', 'motala', 'ydre', 'odeshog']);
    assert.deepEqual(res.merged, [b.id, c.id]);
    const merged = await get(b.id);
    assert.equal(merged.status, 'merged');
    assert.equal(merged.merged_into, a.id);
    assert.deepEqual(merged.origins, []);
    assert.deepEqual(merged.history.map((h) => `${h.to}:${h.merged_into}`), ['proposed:null', `merged:${a.id}`]);
    // A merged item does not change and is not merged into.
    expectError(await patchNeed(env, b.id, { title: 'X' }), 409, 'need_merged');
    expectError(await call(env, 'POST', `/needs/${b.id}/merge`, tok.county, { duplicates: [a.id] }), 409, 'need_merged');
    // Lists leave merged items out unless asked.
    const list = expectStatus(await call(env, 'GET', '/needs', tok.reader), 200).json.items.map((n) => n.id);
    assert.ok(list.includes(a.id) && !list.includes(b.id));
    const all = expectStatus(await call(env, 'GET', '/needs?status=merged', tok.reader), 200).json.items.map((n) => n.id);
    assert.deepEqual(all.filter((id) => [a.id, b.id, c.id].includes(id)), [b.id, c.id]);
  });

  test('refused duplicates: itself, twice, unknown, already merged, in test, solved, in an open round', async () => {
    const t = await propose(env, tok.motala);
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push((await propose(env, tok.motala, { title: `Dubblett ${i}` })).id);
    expectStatus(await call(env, 'POST', `/needs/${ids[1]}/merge`, tok.county, { duplicates: [ids[0]] }), 200);
    env.sql(`UPDATE digitalisering.needs SET status = 'prioritised' WHERE id IN (${ids[2]}, ${ids[3]})`);
    env.sql(`UPDATE digitalisering.needs SET status = 'in_test' WHERE id IN (${ids[2]}, ${ids[3]})`);
    env.sql(`UPDATE digitalisering.needs SET status = 'solved' WHERE id = ${ids[3]}`);
    await openRound(env, [ids[4], ids[5]]);
    const err = expectError(await call(env, 'POST', `/needs/${t.id}/merge`, tok.county, {
      duplicates: [t.id, ids[0], ids[2], ids[3], ids[4], 999999, ids[0], 'x'],
    }), 422);
    expectProblems(err, ['/duplicates/0 same_need', '/duplicates/1 already_merged', '/duplicates/2 need_in_test',
      '/duplicates/3 need_solved', '/duplicates/4 in_open_round', '/duplicates/5 unknown_need', '/duplicates/6 duplicate',
      '/duplicates/7 wrong_type']);
    expectProblems(expectError(await call(env, 'POST', `/needs/${t.id}/merge`, tok.county, { duplicates: [] }), 422), ['/duplicates wrong_type']);
    expectError(await call(env, 'POST', `/needs/${t.id}/merge`, tok.motala, { duplicates: [ids[5]] }), 403);
    expectError(await call(env, 'POST', '/needs/999999/merge', tok.county, { duplicates: [ids[5]] }), 404);
  });
});

describe('reading', () => {
  test('filters by status, kind, area and principal; bad filters are 400 invalid_query', async () => {
    const o = await propose(env, tok.county, { kind: 'obstacle', title: 'Filterhinder', areas: ['vaxa-upp'], raised_by: 'vadstena', principals: ['valdemarsvik'] });
    const q = async (query) => expectStatus(await call(env, 'GET', `/needs?${query}`, tok.reader), 200).json.items.map((n) => n.id);
    assert.ok((await q('kind=obstacle&area=vaxa-upp')).includes(o.id));
    assert.ok(!(await q('kind=need')).includes(o.id));
    assert.ok((await q('principal=vadstena')).includes(o.id), 'raised by');
    assert.ok((await q('principal=0563')).includes(o.id), 'concerned (by code)');
    assert.ok(!(await q('principal=ydre')).includes(o.id));
    assert.ok((await q('status=proposed')).includes(o.id));
    assert.ok((await q('status=all')).includes(o.id));
    const err = expectError(await call(env, 'GET', '/needs?status=open&kind=x&area=Ä&principal=nowhere', tok.reader), 400, 'invalid_query');
    assert.deepEqual(err.details.map((d) => d.path).sort(), ['query.area', 'query.kind', 'query.principal', 'query.status']);
    expectError(await call(env, 'GET', '/needs'), 401);
  });
});
