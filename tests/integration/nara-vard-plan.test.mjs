// nara-vard: the joint primary-care plan (seeded texts, verbatim) and its status per principal,
// tertial and activity; the principal × activity grid for a tertial (its duration is logged);
// the area's driver diagram.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { expectError, expectStatus } from './lib/harness.mjs';
import { naraServer, COUNTY, reporter, reader, expectPushed, expectRefused, statusRow, nextPeriod, MUNICIPALITIES } from './lib/nara-vard.mjs';

const ACTIVITIES = ['pcp.a1', 'pcp.a2', 'pcp.a3', 'pcp.a4', 'pcp.a5', 'pcp.a6', 'pcp.a7', 'pcp.a8'];
const STATUSES = ['not_started', 'planned', 'ongoing', 'implemented', 'evaluated'];
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

const post = (who, reports, opts) => env.post(who, '/primary-care-plan/status', { reports }, opts);

describe('the plan', () => {
  test('four prioritised areas, eight activities, four simple principles, verbatim', async () => {
    const plan = expectStatus(await env.get('reader', '/primary-care-plan'), 200).json;
    assert.equal(plan.title, 'Gemensam plan för primärvård i Östergötland');
    assert.equal(plan.motto, 'Primärvården ska vara navet');
    assert.equal(plan.motto_en, 'Primary care shall be the hub');
    assert.deepEqual(plan.prioritised_areas.map((a) => a.slug), ['personcentrering', 'akuta-floden', 'narvardsplatser', 'gemensamma-team']);
    assert.deepEqual(plan.prioritised_areas.map((a) => a.title), [
      'Förhållningssätt Nära vård - personcentrering', 'Omställning akuta flöden', 'Närvårdsplatser',
      'Gemensamma team kring patienter med komplexa behov']);
    assert.equal(plan.prioritised_areas[2].need, 'Vi behöver vård nära i tid, rum och relation.');
    assert.deepEqual(plan.prioritised_areas[2].activities, ['pcp.a5']);
    assert.deepEqual(plan.prioritised_areas[3].activities, ['pcp.a2']);
    assert.deepEqual(plan.activities.map((a) => a.id), ACTIVITIES);
    assert.equal(plan.activities[4].title, 'Utreda förutsättningar för tillskapandet av fler närvårdsplatser.');
    assert.equal(plan.activities[4].area, 'narvardsplatser');
    assert.equal(plan.activities[0].area, null);
    for (const a of plan.activities) assert.ok(a.title_en.length > 0);
    assert.deepEqual(plan.simple_principles.items.map((p) => p.title), [
      'Ta reda på Vad är viktigt för dig och hur kan jag bidra?', 'Ha mod att prova nya lösningar',
      'Jag tar ansvar nu och underlättar för nästa steg', 'Jag vill – jag kan, Vi vill – Vi kan']);
    assert.equal(plan.simple_principles.lead_in, 'Jag bidrar till effektivt användande av allas resurser genom att:');
    assert.equal(plan.focus_shifts.length, 4);
    assert.deepEqual(plan.statuses.map((s) => s.status), STATUSES);
  });

  test('the driver diagram: the shared goal, four sub-goals each with its activity, the area\'s measures', async () => {
    const d = expectStatus(await env.get('reader', '/driver-diagram'), 200).json;
    assert.equal(d.goal.target_year, 2030);
    assert.match(d.goal.text, /Primärvården ska vara navet\./);
    assert.match(d.goal.diagram_text, /få \(erbjudas\)/);
    assert.deepEqual(d.sub_goals.map((s) => [s.id, s.activities.map((a) => a.id)]), [
      ['nara-vard.sg1', ['nara-vard.a1']], ['nara-vard.sg2', ['nara-vard.a2']], ['nara-vard.sg3', ['nara-vard.a3']], ['nara-vard.sg4', ['nara-vard.a4']]]);
    assert.equal(d.sub_goals[0].title, 'Arbeta fram en gemensam plan för primärvård');
    const slugs = d.measures.map((m) => m.slug);
    for (const s of ['nara-vard.short-term-places', 'nara-vard.short-term-occupancy', 'nara-vard.fall-injury-rate-80-plus', 'nara-vard.kpp-priority-cost-share']) {
      assert.ok(slugs.includes(s), s);
    }
  });
});

describe('status reports', () => {
  test('each principal reports its own; the grid shows every principal × activity', async () => {
    expectPushed(await post('motala', [
      statusRow({ comment: 'Utbildning i personcentrering för alla chefer' }),
      statusRow({ activity: 'pcp.a5', status: 'planned' }),
    ]), { created: 0, rejected: 0, stored: { created: 2, updated: 0, unchanged: 0 } });
    expectPushed(await post('region', [statusRow({ principal: 'region-ostergotland', activity: 'pcp.a5', status: 'implemented' })]),
      { stored: { created: 1, updated: 0, unchanged: 0 } });
    const grid = expectStatus(await env.get('reader', '/primary-care-plan/status', { tertial: '2025T1' }), 200).json;
    assert.equal(grid.tertial, '2025T1');
    assert.deepEqual(grid.activities.map((a) => a.id), ACTIVITIES);
    assert.deepEqual(grid.statuses.map((s) => s.status), STATUSES);
    assert.equal(grid.principals.length, 14);
    assert.deepEqual(grid.principals.map((p) => p.principal), ['region-ostergotland', ...MUNICIPALITIES]);
    for (const p of grid.principals) assert.deepEqual(p.cells.map((c) => c.activity), ACTIVITIES);
    const motala = grid.principals.find((p) => p.principal === 'motala');
    assert.equal(motala.reported, 2);
    assert.deepEqual(motala.cells[0], { activity: 'pcp.a1', status: 'ongoing', comment: 'Utbildning i personcentrering för alla chefer', updated_at: motala.cells[0].updated_at });
    assert.match(motala.cells[0].updated_at, /Z$/);
    assert.deepEqual(motala.cells[1], { activity: 'pcp.a2', status: null, comment: null, updated_at: null });
    assert.equal(motala.cells[4].status, 'planned');
    assert.equal(grid.principals[0].cells[4].status, 'implemented');
    assert.equal(grid.principals.find((p) => p.principal === 'kinda').reported, 0);
    const a5 = grid.summary.find((s) => s.activity === 'pcp.a5');
    assert.deepEqual(a5, { activity: 'pcp.a5', counts: { not_started: 0, planned: 1, ongoing: 0, implemented: 1, evaluated: 0 }, not_reported: 12 });
    // Another tertial is empty.
    const empty = expectStatus(await env.get('reader', '/primary-care-plan/status', { tertial: '2025T2' }), 200).json;
    assert.ok(empty.principals.every((p) => p.reported === 0));
  });

  test('a status changes; the same status again is unchanged', async () => {
    expectPushed(await post('motala', [statusRow({ comment: 'Utbildning i personcentrering för alla chefer' })]), { stored: { created: 0, updated: 0, unchanged: 1 } });
    expectPushed(await post('motala', [statusRow({ status: 'implemented' })]), { stored: { created: 0, updated: 1, unchanged: 0 } });
    const grid = (await env.get('reader', '/primary-care-plan/status', { tertial: '2025T1' })).json;
    const cell = grid.principals.find((p) => p.principal === 'motala').cells[0];
    assert.deepEqual([cell.status, cell.comment], ['implemented', null]);
  });

  test('every rule is a row-precise error', async () => {
    const res = await post('motala', [
      statusRow({ activity: 'pcp.a9' }),
      statusRow({ status: 'done' }),
      statusRow({ tertial: '2025T4' }),
      statusRow({ tertial: nextPeriod('tertial') }),
      statusRow({ principal: 'nowhere' }),
      statusRow({ activity: 'pcp.a7', comment: 'x'.repeat(2001) }),
      statusRow({ activity: 'pcp.a2', extra: true }),
      statusRow({ activity: 'pcp.a3' }),
      statusRow({ activity: 'pcp.a3' }),
      { principal: 'motala', tertial: '2025T1', activity: 'pcp.a4' },
      statusRow({ tertial: '2025-T1' }),
    ]);
    expectRefused(res, [
      '0 /reports/0/activity invalid_value',
      '1 /reports/1/status invalid_value',
      '2 /reports/2/tertial invalid_period',
      '3 /reports/3/tertial future_period',
      '4 /reports/4/principal unknown_principal',
      '5 /reports/5/comment too_long',
      '6 /reports/6/extra unknown_field',
      '8 /reports/8 duplicate_row',
      '9 /reports/9/status missing',
      '10 /reports/10/tertial invalid_period',
    ]);
  });

  test('a principal cannot report for another; county_admin can; partial keeps the good rows', async () => {
    expectError(await post('motala', [statusRow({ principal: 'kinda' })]), 403);
    expectError(await post('region', [statusRow()]), 403);
    expectError(await post('reader', [statusRow()]), 403);
    expectPushed(await post('county', [statusRow({ principal: 'kinda', status: 'evaluated' })]), { stored: { created: 1, updated: 0, unchanged: 0 } });
    const s = expectPushed(await post('kinda', [statusRow({ principal: 'kinda', activity: 'pcp.a6' }), statusRow({ principal: 'kinda', status: 'x' })], { query: '?mode=partial' }),
      { rejected: 1, stored: { created: 1, updated: 0, unchanged: 0 } });
    assert.deepEqual(s.errors.map((e) => e.path), ['/reports/1/status']);
  });

  test('the grid needs a valid tertial', async () => {
    expectError(await env.get('reader', '/primary-care-plan/status'), 400, 'invalid_query');
    expectError(await env.get('reader', '/primary-care-plan/status', { tertial: '2025T5' }), 400, 'invalid_query');
    expectError(await env.get(null, '/primary-care-plan/status', { tertial: '2025T1' }), 401);
  });

  test('a full tertial for all 14 principals: the grid (duration logged)', async () => {
    const statuses = STATUSES;
    const reports = [];
    ['region-ostergotland', ...MUNICIPALITIES].forEach((principal, p) => ACTIVITIES.forEach((activity, a) => reports.push({
      principal, tertial: '2024T3', activity, status: statuses[(p + a) % 5], comment: `Kommentar ${p}-${a}`,
    })));
    expectPushed(await post('county', reports), { stored: { created: 112, updated: 0, unchanged: 0 } });
    const times = [];
    let grid;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      grid = expectStatus(await env.get('reader', '/primary-care-plan/status', { tertial: '2024T3' }), 200).json;
      times.push(performance.now() - t);
    }
    console.log(`nara-vard timing: GET /primary-care-plan/status, 14 × 8 grid: ${times.map((t) => t.toFixed(1)).join(', ')} ms`);
    assert.ok(grid.principals.every((p) => p.reported === 8));
    for (const s of grid.summary) {
      assert.equal(Object.values(s.counts).reduce((x, y) => x + y, 0), 14);
      assert.equal(s.not_reported, 0);
    }
    assert.equal(grid.principals[1].cells[2].status, statuses[(1 + 2) % 5]);
  });
});
