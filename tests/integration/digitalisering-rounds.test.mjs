// Digitalisering: prioritisation rounds (POST/GET/PATCH /rounds), ballots (PUT/GET
// /rounds/{id}/ballots/{principal}) and the result (GET /rounds/{id}/result): who votes for
// whom, one replaceable ballot per principal until the round closes, ballots with unknown,
// repeated or missing needs refused, the Borda count on a worked example with ties and their
// explanations, the consensus flag, and the ballots published only after closing.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { expectStatus, expectError } from './lib/harness.mjs';
import {
  digiServer, call, needs, openRound, ballot, closeRound, day, expectProblems, PRINCIPALS,
} from './lib/digitalisering.mjs';

let env, tok;
before(async () => {
  env = await digiServer({
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    motala: { principal: 'motala', role: 'reporter', areas: ['digitalisering'] },
    motalaAdmin: { principal: 'motala', role: 'org_admin' },
    kindaAdmin: { principal: 'kinda', role: 'org_admin' },
    kindaAldras: { principal: 'kinda', role: 'reporter', areas: ['att-aldras'] },
    reader: { principal: 'ydre', role: 'reader' },
  });
  ({ tok } = env);
});
after(async () => { await env.stop(); });

const round = async (id, token = tok.reader) => expectStatus(await call(env, 'GET', `/rounds/${id}`, token), 200).json;
const result = (id, token = tok.reader) => call(env, 'GET', `/rounds/${id}/result`, token);

describe('opening a round', () => {
  test('county_admin opens a round over proposed or prioritised needs with a closing date', async () => {
    const ids = await needs(env, 3, 'Öppna');
    const r = await openRound(env, ids, { title: 'Prioritering hösten', description: 'Bruttolistan från ansvarsområdena', closes_on: day(14) });
    assert.deepEqual(Object.keys(r).sort(), ['ballots', 'closed_early', 'closes_at', 'closes_on', 'description', 'id', 'needs',
      'opened_at', 'status', 'title', 'updated_at']);
    assert.equal(r.status, 'open');
    assert.equal(r.closes_on, day(14));
    assert.deepEqual(r.needs.map((n) => n.id), ids);
    assert.equal(r.ballots.submitted, 0);
    assert.equal(r.ballots.expected, 14);
    assert.deepEqual(r.ballots.principals.map((p) => [p.principal, p.voted]), PRINCIPALS.map((p) => [p, false]));
    // The round is listed on each need.
    const need = expectStatus(await call(env, 'GET', `/needs/${ids[0]}`, tok.reader), 200).json;
    assert.deepEqual(need.rounds, [{ id: r.id, title: 'Prioritering hösten', status: 'open' }]);
    const open = expectStatus(await call(env, 'GET', '/rounds?status=open', tok.reader), 200).json.items.map((x) => x.id);
    assert.ok(open.includes(r.id));
  });

  test('strict input; other callers are 403', async () => {
    const [a, b] = await needs(env, 2, 'Fel');
    const solved = (await needs(env, 1, 'Löst'))[0];
    env.sql(`UPDATE digitalisering.needs SET status = 'dropped' WHERE id = ${solved}`);
    const err = expectError(await call(env, 'POST', '/rounds', tok.county, {
      title: '', closes_on: day(-2), needs: [a, a, 999999, solved, 'x'], extra: 1,
    }), 422, 'validation_failed');
    expectProblems(err, ['/title empty', '/closes_on closing_in_past', '/needs/1 duplicate', '/needs/2 unknown_need',
      '/needs/3 need_not_open', '/needs/4 wrong_type', '/extra unknown_field']);
    expectProblems(expectError(await call(env, 'POST', '/rounds', tok.county, { title: 'T', closes_on: '2025-02-30', needs: [a] }), 422),
      ['/closes_on invalid_date', '/needs wrong_type']);
    expectProblems(expectError(await call(env, 'POST', '/rounds', tok.county, {}), 422), ['/title missing', '/closes_on missing', '/needs missing']);
    for (const t of [tok.motala, tok.motalaAdmin, tok.reader]) {
      expectError(await call(env, 'POST', '/rounds', t, { title: 'T', closes_on: day(3), needs: [a, b] }), 403);
    }
  });

  test('county_admin moves the closing date while the round is open; a closed round does not change', async () => {
    const r = await openRound(env, await needs(env, 2, 'Datum'));
    const moved = expectStatus(await call(env, 'PATCH', `/rounds/${r.id}`, tok.county, { closes_on: day(30), title: 'Ny titel' }), 200).json;
    assert.equal(moved.closes_on, day(30));
    assert.equal(moved.title, 'Ny titel');
    expectProblems(expectError(await call(env, 'PATCH', `/rounds/${r.id}`, tok.county, { closes_on: day(-1), close: false, x: 1 }), 422),
      ['/closes_on closing_in_past', '/close invalid_value', '/x unknown_field']);
    expectError(await call(env, 'PATCH', `/rounds/${r.id}`, tok.motalaAdmin, { close: true }), 403);
    const closed = await closeRound(env, r.id);
    assert.equal(closed.status, 'closed');
    assert.equal(closed.closed_early, true);
    expectError(await call(env, 'PATCH', `/rounds/${r.id}`, tok.county, { title: 'Igen' }), 409, 'round_closed');
    expectError(await call(env, 'PATCH', '/rounds/999999', tok.county, { close: true }), 404);
    expectError(await call(env, 'GET', '/rounds/999999', tok.reader), 404);
  });
});

describe('ballots', () => {
  let r, ids;
  before(async () => {
    ids = await needs(env, 3, 'Röst');
    r = await openRound(env, ids);
  });

  test('a reporter granted digitalisering votes for its principal (201), replaces it until closing (200)', async () => {
    const first = expectStatus(await ballot(env, r.id, 'motala', [ids[2], ids[0], ids[1]], tok.motala), 201).json;
    assert.deepEqual(first.ranking, [ids[2], ids[0], ids[1]]);
    assert.equal(first.replaced, 0);
    assert.equal(first.principal, 'motala');
    const second = expectStatus(await ballot(env, r.id, '0583', [ids[0], ids[1], ids[2]], tok.motala), 200).json;
    assert.deepEqual(second.ranking, [ids[0], ids[1], ids[2]]);
    assert.equal(second.replaced, 1);
    assert.equal(second.first_submitted_at, first.first_submitted_at);
    assert.equal(env.sql(`SELECT count(*) FROM digitalisering.ballots WHERE round_id = ${r.id}`), '1', 'one ballot per principal');
  });

  test("the principal's org_admin votes for it, not for others; others are refused", async () => {
    expectStatus(await ballot(env, r.id, 'kinda', ids, tok.kindaAdmin), 201);
    expectStatus(await ballot(env, r.id, 'kinda', [...ids].reverse(), tok.kindaAdmin), 200);
    assert.match(expectError(await ballot(env, r.id, 'motala', ids, tok.kindaAdmin), 403).message, /own principal/);
    assert.match(expectError(await ballot(env, r.id, 'kinda', ids, tok.kindaAldras), 403).message, /grant/);
    expectError(await ballot(env, r.id, 'kinda', ids, tok.motala), 403);
    expectError(await ballot(env, r.id, 'ydre', ids, tok.reader), 403);
    expectError(await ballot(env, r.id, 'atlantis', ids, tok.county), 404);
    expectError(await ballot(env, 999999, 'motala', ids, tok.motala), 404);
    expectStatus(await ballot(env, r.id, 'ydre', ids), 201); // county_admin enters any principal's ballot
  });

  test('a ballot ranks every need of the round once: unknown, repeated and missing needs are 422', async () => {
    const other = (await needs(env, 1, 'Utanför'))[0];
    expectProblems(expectError(await ballot(env, r.id, 'motala', [ids[0], ids[0], other, ids[1]], tok.motala), 422),
      ['/ranking/1 duplicate_need', '/ranking/2 unknown_need']);
    expectProblems(expectError(await ballot(env, r.id, 'motala', [ids[0], ids[1]], tok.motala), 422), ['/ranking missing_need']);
    expectProblems(expectError(await ballot(env, r.id, 'motala', [ids[0], ids[1], ids[2], ids[2]], tok.motala), 422),
      ['/ranking/3 duplicate_need']);
    expectProblems(expectError(await ballot(env, r.id, 'motala', [ids[0], '2', 1.5], tok.motala), 422),
      ['/ranking/1 wrong_type', '/ranking/2 wrong_type']);
    expectProblems(expectError(await call(env, 'PUT', `/rounds/${r.id}/ballots/motala`, tok.motala, { order: ids }), 422),
      ['/order unknown_field', '/ranking missing']);
    // The ballot stored before is untouched.
    assert.equal(env.sql(`SELECT ranking FROM digitalisering.ballots b JOIN core.principals p ON p.id = b.principal_id WHERE round_id = ${r.id} AND p.slug = 'motala'`),
      `{${ids.join(',')}}`);
    // The database holds the rule too.
    assert.throws(() => env.sql(`UPDATE digitalisering.ballots SET ranking = '{${ids[0]},${ids[1]}}' WHERE round_id = ${r.id}`), /every need/);
  });

  test('until the round closes only the principal sees its ballot; everyone sees who voted; no result yet', async () => {
    assert.deepEqual(expectStatus(await call(env, 'GET', `/rounds/${r.id}/ballots/motala`, tok.motalaAdmin), 200).json.ranking, ids);
    expectError(await call(env, 'GET', `/rounds/${r.id}/ballots/motala`, tok.county), 403);
    expectError(await call(env, 'GET', `/rounds/${r.id}/ballots/motala`, tok.reader), 403);
    const voted = (await round(r.id)).ballots.principals.filter((p) => p.voted).map((p) => p.principal);
    assert.deepEqual(voted, ['kinda', 'motala', 'ydre']);
    assert.match(expectError(await result(r.id), 409, 'round_open').message, /published when it closes/);
  });

  test('after closing: no more ballots (409, also in the database); every ballot is public', async () => {
    await closeRound(env, r.id);
    expectError(await ballot(env, r.id, 'motala', ids, tok.motala), 409, 'round_closed');
    assert.throws(() => env.sql(`UPDATE digitalisering.ballots SET replaced = 5 WHERE round_id = ${r.id}`), /closed/);
    assert.deepEqual(expectStatus(await call(env, 'GET', `/rounds/${r.id}/ballots/kinda`, tok.reader), 200).json.ranking, [...ids].reverse());
    expectError(await call(env, 'GET', `/rounds/${r.id}/ballots/boxholm`, tok.reader), 404);
  });
});

describe('the result', () => {
  // The worked example (README): five needs A-E (in the order proposed, so A has the lowest id)
  // and six ballots. With 5 needs a ballot gives 4, 3, 2, 1 and 0 points.
  //   region       D C A B E        boxholm    E B C A D        finspang   C B D A E
  //   kinda        A D B E C        linkoping  A E C D B        mjolby     C A E B D
  // Points: A 2+1+1+4+4+3 = 15, C 3+2+4+0+2+4 = 15, B 10, D 10, E 10.
  // C and A: equal first (2) and second places (1); C has two third places, A one: C first.
  // D, E, B at 10: E and D have one first place each, B none: B last. D and E have equal
  // counts in every place: D has the lower id.
  let r, A, B, C, D, E;
  before(async () => {
    [A, B, C, D, E] = await needs(env, 5, 'Exempel');
    r = await openRound(env, [A, B, C, D, E], { title: 'Arbetat exempel' });
    const cast = {
      'region-ostergotland': [D, C, A, B, E], boxholm: [E, B, C, A, D], finspang: [C, B, D, A, E],
      kinda: [A, D, B, E, C], linkoping: [A, E, C, D, B], mjolby: [C, A, E, B, D],
    };
    for (const [p, ranking] of Object.entries(cast)) expectStatus(await ballot(env, r.id, p, ranking), 201);
    await closeRound(env, r.id);
  });

  test('the joint order by Borda count, with points and places per need', async () => {
    const res = expectStatus(await result(r.id), 200).json;
    assert.deepEqual(Object.keys(res).sort(), ['ballots', 'consensus', 'method', 'order', 'round']);
    assert.equal(res.method.name, 'borda');
    assert.equal(res.method.needs, 5);
    assert.equal(res.method.ballots, 6);
    assert.match(res.method.points, /n-1 points/);
    assert.match(res.method.ties, /lower id/);
    assert.deepEqual(res.order.map((o) => [o.rank, o.need.id, o.points]), [[1, C, 15], [2, A, 15], [3, D, 10], [4, E, 10], [5, B, 10]]);
    assert.deepEqual(res.order.find((o) => o.need.id === A).places, [2, 1, 1, 2, 0]);
    assert.deepEqual(res.order.find((o) => o.need.id === C).places, [2, 1, 2, 0, 1]);
    assert.equal(res.order[0].need.title, 'Exempel 3');
  });

  test('each tie says what decided it', async () => {
    const res = expectStatus(await result(r.id), 200).json;
    const tie = Object.fromEntries(res.order.map((o) => [o.need.id, o.tie]));
    assert.deepEqual(tie[C], { points: 15, with: [A], decided_by: 'place_3',
      explanation: `tied on 15 points; before need ${A} because more ballots ranked it third (2 against 1), the counts of the places above being equal` });
    assert.equal(tie[A].decided_by, 'place_3');
    assert.match(tie[A].explanation, new RegExp(`after need ${C} because fewer ballots ranked it third \\(1 against 2\\)`));
    assert.deepEqual([tie[D].decided_by, tie[D].with], ['need_id', [E, B]]);
    assert.match(tie[D].explanation, new RegExp(`equal counts in every place; before need ${E} because it has the lower id`));
    assert.deepEqual([tie[E].decided_by, tie[E].with], ['place_1', [D, B]]);
    assert.match(tie[E].explanation, new RegExp(`before need ${B} because more ballots ranked it first \\(1 against 0\\)$`));
    assert.equal(tie[B].decided_by, 'place_1');
    assert.match(tie[B].explanation, /fewer ballots ranked it first \(0 against 1\)/);
    // The same every time.
    assert.deepEqual(expectStatus(await result(r.id), 200).json.order, res.order);
  });

  test('consensus needs all 14: the missing ballots are listed, every ballot is shown', async () => {
    const res = expectStatus(await result(r.id), 200).json;
    assert.equal(res.consensus.all_voted, false);
    assert.equal(res.consensus.voted, 6);
    assert.equal(res.consensus.expected, 14);
    assert.deepEqual(res.consensus.missing.map((m) => m.principal), PRINCIPALS.slice(6));
    assert.match(res.consensus.note, /8 of 14 principals have not voted/);
    assert.deepEqual(res.ballots.map((b) => [b.principal, b.voted]), PRINCIPALS.map((p, i) => [p, i < 6]));
    assert.deepEqual(res.ballots[0].ranking, [D, C, A, B, E]);
    assert.equal(res.ballots[13].ranking, null);
  });

  test('all 14 principals voted: consensus', async () => {
    const ids = await needs(env, 2, 'Alla');
    const r2 = await openRound(env, ids);
    for (const p of PRINCIPALS) expectStatus(await ballot(env, r2.id, p, p === 'ydre' ? [ids[1], ids[0]] : ids), 201);
    await closeRound(env, r2.id);
    const res = expectStatus(await result(r2.id), 200).json;
    assert.deepEqual(res.consensus, { all_voted: true, voted: 14, expected: 14, missing: [], note: 'all 14 principals voted' });
    assert.deepEqual(res.order.map((o) => [o.need.id, o.points, o.tie]), [[ids[0], 13, null], [ids[1], 1, null]]);
  });

  test('a closed round without ballots: all tied, in id order', async () => {
    const ids = await needs(env, 2, 'Tom');
    const r3 = await openRound(env, ids);
    await closeRound(env, r3.id);
    const res = expectStatus(await result(r3.id), 200).json;
    assert.deepEqual(res.order.map((o) => [o.need.id, o.points, o.tie.decided_by]), [[ids[0], 0, 'need_id'], [ids[1], 0, 'need_id']]);
    assert.equal(res.consensus.voted, 0);
    expectError(await result(999999), 404);
    expectError(await call(env, 'GET', `/rounds/${r3.id}/result`), 401);
  });
});
