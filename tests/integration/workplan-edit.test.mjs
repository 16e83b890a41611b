// Editing the driver diagrams (county_admin only): sub-goals, activities and measure items
// created, changed, linked, retired and restored; every change audited and kept in the item's
// history; retired items stay readable. Work-plan periods: a new period starts as a copy.
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
    reporter: { principal: 'kinda', role: 'reporter', areas: ['att-aldras', 'vaxa-upp', 'nara-vard', 'digitalisering'] },
    orgadmin: { principal: 'kinda', role: 'org_admin' },
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
const county = as('county');
const diagram = async (area, q = '') => expectStatus(await county.get(`/api/v1/areas/${area}/diagram${q}`), 200).json;
const audit = (action) => env.sql(`SELECT count(*) FROM core.audit WHERE action = '${action}'`);

describe('only county_admin edits the diagram', () => {
  for (const who of ['reporter', 'orgadmin', 'reader']) {
    test(`${who}: 403 on every edit, nothing changes`, async () => {
      const u = as(who);
      expectError(await u.post('/api/v1/subgoals', { area: 'att-aldras', title: 'x', title_en: 'x' }), 403);
      expectError(await u.patch('/api/v1/subgoals/att-aldras.sg1', { title: 'x' }), 403);
      expectError(await u.post('/api/v1/activities', { area: 'att-aldras', title: 'x', title_en: 'x' }), 403);
      expectError(await u.patch('/api/v1/activities/att-aldras.a1', { retired: true }), 403);
      expectError(await u.post('/api/v1/measure-items', { area: 'att-aldras', title: 'x', title_en: 'x' }), 403);
      expectError(await u.patch('/api/v1/measure-items/att-aldras.m1', { activities: [] }), 403);
      expectError(await u.post('/api/v1/workplan/periods', { slug: '2026-2027' }), 403);
      assert.equal(env.sql("SELECT title FROM core.workplan_subgoals WHERE key = 'att-aldras.sg1'"), 'Förebyggande vård och omsorg');
    });
  }
  test('without a token: 401', async () => {
    expectError(await req(srv, 'POST', '/api/v1/subgoals', { body: { area: 'att-aldras', title: 'x', title_en: 'x' } }), 401);
  });
});

describe('sub-goals', () => {
  let id;
  test('created with the next key and position, audited, shown in the diagram', async () => {
    const res = expectStatus(await county.post('/api/v1/subgoals', {
      area: 'vaxa-upp', title: 'Stärkt föräldraskapsstöd', title_en: 'Stronger parenting support',
    }), 201);
    const sg = res.json;
    id = sg.id;
    assert.equal(res.headers.get('location'), `/api/v1/subgoals/${id}`);
    assert.equal(sg.key, 'vaxa-upp.sg3');
    assert.equal(sg.position, 3);
    assert.equal(sg.period, '2024-2025');
    assert.deepEqual(sg.titles, { sv: 'Stärkt föräldraskapsstöd', en: 'Stronger parenting support' });
    assert.match(sg.created_by, /^user:/);
    assert.equal(sg.history[0].operation, 'create');
    assert.deepEqual((await diagram('vaxa-upp')).goal.sub_goals.map((s) => s.key), ['vaxa-upp.sg1', 'vaxa-upp.sg2', 'vaxa-upp.sg3']);
    assert.equal(audit('workplan.subgoal.create'), '1');
    assert.equal(env.sql(`SELECT details->>'key' FROM core.audit WHERE action = 'workplan.subgoal.create'`), 'vaxa-upp.sg3');
  });

  test('strict bodies: unknown fields, missing texts, unknown area or period are 422', async () => {
    let err = expectError(await county.post('/api/v1/subgoals', { area: 'vaxa-upp', title: 'x', title_en: 'x', colour: 'red' }), 422);
    assert.deepEqual(err.details, [{ path: '/colour', message: 'is not a known field' }]);
    err = expectError(await county.post('/api/v1/subgoals', { area: 'vaxa-upp', title: 'x' }), 422);
    assert.deepEqual(err.details.map((d) => d.path), ['/title_en']);
    err = expectError(await county.post('/api/v1/subgoals', { area: 'mars', title: 'x', title_en: 'x' }), 422);
    assert.deepEqual(err.details.map((d) => d.path), ['/area']);
    err = expectError(await county.post('/api/v1/subgoals', { area: 'vaxa-upp', period: '2030-2031', title: 'x', title_en: 'x' }), 422);
    assert.deepEqual(err.details.map((d) => d.path), ['/period']);
    expectError(await county.post('/api/v1/subgoals', { area: 'vaxa-upp', title: '', title_en: 'x', position: 0 }), 422);
    expectError(await county.patch(`/api/v1/subgoals/${id}`, {}), 422);
    expectError(await county.patch('/api/v1/subgoals/999999', { title: 'x' }), 404);
    // a write takes no query: ?period= does not pick another period's item, it is refused
    const q = expectError(await county.patch('/api/v1/subgoals/vaxa-upp.sg1?period=2026-2027', { title: 'x' }), 400, 'invalid_query');
    assert.deepEqual(q.details, [{ path: 'query.period', message: 'unknown query parameter' }]);
    expectError(await county.post('/api/v1/subgoals?dry_run=true', { area: 'vaxa-upp', title: 'x', title_en: 'x' }), 400, 'invalid_query');
    assert.equal(env.sql("SELECT count(*) FROM core.workplan_subgoals WHERE area_id = 2"), '3');
  });

  test('updated: texts and position, each change in the history with old and new values', async () => {
    const sg = expectStatus(await county.patch(`/api/v1/subgoals/${id}`, { title: 'Stärkt stöd till föräldrar', position: 5 }), 200).json;
    assert.equal(sg.title, 'Stärkt stöd till föräldrar');
    assert.equal(sg.position, 5);
    const h = sg.history.at(-1);
    assert.equal(h.operation, 'update');
    assert.deepEqual(h.old, { title: 'Stärkt föräldraskapsstöd', position: 3 });
    assert.deepEqual(h.new, { title: 'Stärkt stöd till föräldrar', position: 5 });
    assert.match(h.by, /^user:/);
    assert.equal(h.principal, 'region-ostergotland');
    assert.match(h.request_id, /./);
    assert.equal(audit('workplan.subgoal.update'), '1');
  });

  test('a sub-goal with live activities is not retired (409); retired, it stays readable and is restored', async () => {
    const act = expectStatus(await county.post('/api/v1/activities', {
      area: 'vaxa-upp', sub_goal: id, title: 'Kartlägga föräldrastöd', title_en: 'Map parenting support',
    }), 201).json;
    const err = expectError(await county.patch(`/api/v1/subgoals/${id}`, { retired: true, reason: 'Ingår i sg1' }), 409);
    assert.match(err.message, new RegExp(act.key.replace('.', '\\.')));
    expectStatus(await county.patch(`/api/v1/activities/${act.id}`, { retired: true, reason: 'Flyttas' }), 200);
    const sg = expectStatus(await county.patch(`/api/v1/subgoals/${id}`, { retired: true, reason: 'Ingår i sg1' }), 200).json;
    assert.equal(sg.retired.reason, 'Ingår i sg1');
    assert.match(sg.retired.by, /^user:/);
    assert.equal(sg.history.at(-1).operation, 'retire');
    assert.equal(audit('workplan.subgoal.retire'), '1');
    // Gone from the diagram, there with include_retired, readable on its own.
    assert.ok(!(await diagram('vaxa-upp')).goal.sub_goals.some((s) => s.id === id));
    const all = await diagram('vaxa-upp', '?include_retired=true');
    const shown = all.goal.sub_goals.find((s) => s.id === id);
    assert.equal(shown.retired.reason, 'Ingår i sg1');
    assert.equal(shown.activities[0].retired.reason, 'Flyttas');
    assert.equal(expectStatus(await county.get(`/api/v1/subgoals/${id}`), 200).json.retired.reason, 'Ingår i sg1');
    // A retired item changes only by being restored.
    expectError(await county.patch(`/api/v1/subgoals/${id}`, { title: 'x' }), 409);
    expectError(await county.patch(`/api/v1/subgoals/${id}`, { reason: 'x' }), 422);
    const back = expectStatus(await county.patch(`/api/v1/subgoals/${id}`, { retired: false }), 200).json;
    assert.equal(back.retired, null);
    assert.equal(back.history.at(-1).operation, 'restore');
    assert.equal(audit('workplan.subgoal.restore'), '1');
  });
});

describe('activities', () => {
  test('created with a deadline: the window is derived from "ht 2025"; given dates are kept as given', async () => {
    const a = expectStatus(await county.post('/api/v1/activities', {
      area: 'nara-vard', sub_goal: 'nara-vard.sg2', title: 'Testa mobila team för sköra äldre',
      title_en: 'Test mobile teams for frail older people', deadline: { text: 'Beslut ht 2025', kind: 'decision' },
      related_agreements: ['ok-utskrivning-sluten-vard'],
    }), 201).json;
    assert.equal(a.key, 'nara-vard.a5');
    assert.equal(a.sub_goal.key, 'nara-vard.sg2');
    assert.deepEqual(a.link, { basis: 'decided', note: null });
    assert.deepEqual(a.deadline, { text: 'Beslut ht 2025', kind: 'decision', term: 'ht', year: 2025, from: '2025-08-01',
      to: '2025-12-31', derived: true, note: null });
    assert.deepEqual(a.related_agreements, ['ok-utskrivning-sluten-vard']);
    const b = expectStatus(await county.post('/api/v1/activities', {
      area: 'nara-vard', title: 'Utvärdera', title_en: 'Evaluate', deadline: { text: 'Senast 15 mars', from: '2025-03-01', to: '2025-03-15' },
    }), 201).json;
    assert.deepEqual([b.deadline.from, b.deadline.to, b.deadline.derived, b.sub_goal], ['2025-03-01', '2025-03-15', false, null]);
    assert.ok((await diagram('nara-vard')).unlinked.activities.some((x) => x.id === b.id));
    let err = expectError(await county.post('/api/v1/activities', {
      area: 'nara-vard', title: 'x', title_en: 'x', deadline: { from: '2025-03-15', to: '2025-03-01', when: 'x' },
    }), 422);
    assert.deepEqual(err.details.map((d) => d.path).sort(), ['/deadline/text', '/deadline/to', '/deadline/when']);
    err = expectError(await county.post('/api/v1/activities', {
      area: 'nara-vard', sub_goal: 'att-aldras.sg1', title: 'x', title_en: 'x', related_agreements: ['ok-finns-inte'],
    }), 422);
    assert.deepEqual(err.details.map((d) => d.path), ['/sub_goal']);
    err = expectError(await county.post('/api/v1/activities', {
      area: 'nara-vard', title: 'x', title_en: 'x', related_agreements: ['ok-finns-inte'],
    }), 422);
    assert.deepEqual(err.details.map((d) => d.path), ['/related_agreements']);
  });

  test('an unlinked activity linked to a sub-goal moves there; the link is "decided"; null unlinks it', async () => {
    const before = await diagram('vaxa-upp');
    assert.ok(before.unlinked.activities.some((a) => a.key === 'vaxa-upp.a2'));
    const a2 = expectStatus(await county.patch('/api/v1/activities/vaxa-upp.a2', { sub_goal: 'vaxa-upp.sg1', link_note: 'Beslut i LGVO' }), 200).json;
    assert.deepEqual(a2.link, { basis: 'decided', note: 'Beslut i LGVO' });
    const h = a2.history.at(-1);
    assert.deepEqual(Object.keys(h.new).sort(), ['link_basis', 'link_note', 'subgoal_id']);
    assert.equal(h.old.subgoal_id, null);
    const now = await diagram('vaxa-upp');
    assert.deepEqual(now.goal.sub_goals[0].activities.map((a) => a.key), ['vaxa-upp.a1', 'vaxa-upp.a2']);
    assert.ok(!now.unlinked.activities.some((a) => a.key === 'vaxa-upp.a2'));
    // Its measure items follow it; it keeps its deadline.
    assert.equal(now.goal.sub_goals[0].activities[1].deadline.text, 'Info och beslut vt 2025');
    const back = expectStatus(await county.patch('/api/v1/activities/vaxa-upp.a2', { sub_goal: null }), 200).json;
    assert.equal(back.sub_goal, null);
    assert.equal(back.link.basis, null);
    // A seeded link stays as it was when the same sub-goal is sent again.
    const a1 = expectStatus(await county.patch('/api/v1/activities/vaxa-upp.a1', { sub_goal: 'vaxa-upp.sg1' }), 200).json;
    assert.equal(a1.link.basis, 'order_and_wording');
    // The deadline can be cleared.
    const cleared = expectStatus(await county.patch('/api/v1/activities/vaxa-upp.a7', { deadline: null }), 200).json;
    assert.equal(cleared.deadline, null);
    assert.equal(cleared.history.at(-1).old.deadline_text, 'Påbörjas vt 2025');
  });
});

describe('measure items and their links', () => {
  test('a link may name a measure defined later: resolved when the definition appears', async () => {
    const m2 = expectStatus(await county.patch('/api/v1/measure-items/att-aldras.m2', {
      measures: ['att-aldras.care-primary-80', 'att-aldras.care-primary-all'],
    }), 200).json;
    assert.deepEqual(m2.measures.map((m) => [m.slug, m.defined, m.title]),
      [['att-aldras.care-primary-80', false, null], ['att-aldras.care-primary-all', false, null]]);
    env.sql("INSERT INTO core.measures (slug, area_id, title, title_en, kind, unit, period_type, direction, ratio, reported_by)"
      + " VALUES ('att-aldras.care-primary-80', 1, 'Primärvård 80+', 'Primary care 80+', 'indicator', 'per_1000', 'year', 'none', true, ARRAY['region'])");
    const d = await diagram('att-aldras');
    const shown = d.unlinked.measures.find((m) => m.key === 'att-aldras.m2');
    assert.deepEqual(shown.measures.map((m) => [m.slug, m.defined, m.title]),
      [['att-aldras.care-primary-80', true, 'Primärvård 80+'], ['att-aldras.care-primary-all', false, null]]);
    const err = expectError(await county.patch('/api/v1/measure-items/att-aldras.m2', { measures: ['Not A Slug'] }), 422);
    assert.deepEqual(err.details.map((x) => x.path), ['/measures']);
  });

  test('linking to activities and sub-goals moves the item; unlinking retires the link, kept in the history', async () => {
    let m = expectStatus(await county.patch('/api/v1/measure-items/att-aldras.m7', { activities: ['att-aldras.a4'] }), 200).json;
    assert.equal(m.link.basis, 'decided');
    let d = await diagram('att-aldras');
    assert.deepEqual(d.goal.sub_goals[1].activities[0].measures.map((x) => x.key), ['att-aldras.m7']);
    assert.ok(!d.unlinked.measures.some((x) => x.key === 'att-aldras.m7'));
    m = expectStatus(await county.patch('/api/v1/measure-items/att-aldras.m7', { activities: [], sub_goals: ['att-aldras.sg2'] }), 200).json;
    assert.deepEqual(m.activity_ids, []);
    assert.equal(m.sub_goal_ids.length, 1);
    d = await diagram('att-aldras');
    assert.deepEqual(d.goal.sub_goals[1].activities[0].measures, []);
    assert.deepEqual(d.goal.sub_goals[1].measures.map((x) => x.key), ['att-aldras.m7']);
    m = expectStatus(await county.patch('/api/v1/measure-items/att-aldras.m7', { sub_goals: [] }), 200).json;
    assert.equal(m.link.basis, null);
    assert.deepEqual(m.history.filter((h) => (h.operation === 'link' || h.operation === 'unlink') && !(h.new ?? h.old).measure).map((h) => [h.operation, h.new?.activity ?? h.old?.activity ?? h.new?.sub_goal ?? h.old?.sub_goal]),
      [['link', 'att-aldras.a4'], ['unlink', 'att-aldras.a4'], ['link', 'att-aldras.sg2'], ['unlink', 'att-aldras.sg2']]);
    assert.equal(env.sql("SELECT count(*) FROM core.workplan_item_activities l JOIN core.workplan_measure_items m ON m.id = l.measure_item_id WHERE m.key = 'att-aldras.m7' AND l.retired_at IS NOT NULL"), '1');
    assert.ok((await diagram('att-aldras')).unlinked.measures.some((x) => x.key === 'att-aldras.m7'));
    assert.equal(audit('workplan.measure_item.update'), '4');
  });

  test('links stay within the diagram: other areas, unknown, retired or repeated items are 422', async () => {
    let err = expectError(await county.patch('/api/v1/measure-items/att-aldras.m7', { activities: ['vaxa-upp.a1'] }), 422);
    assert.match(err.details[0].message, /no activity 'vaxa-upp\.a1' in the att-aldras diagram of 2024-2025/);
    err = expectError(await county.patch('/api/v1/measure-items/att-aldras.m7', { activities: ['att-aldras.a1', 'att-aldras.a1'] }), 422);
    assert.match(err.details[0].message, /twice/);
    err = expectError(await county.patch('/api/v1/measure-items/att-aldras.m7', { activities: [true] }), 422);
    assert.equal(err.details[0].path, '/activities');
    const a = expectStatus(await county.post('/api/v1/activities', { area: 'att-aldras', title: 'Tillfällig', title_en: 'Temporary' }), 201).json;
    expectStatus(await county.patch(`/api/v1/activities/${a.id}`, { retired: true }), 200);
    err = expectError(await county.patch('/api/v1/measure-items/att-aldras.m7', { activities: [a.id] }), 422);
    assert.match(err.details[0].message, /retired/);
  });

  test('a new measure item with its links in one request', async () => {
    const res = expectStatus(await county.post('/api/v1/measure-items', {
      area: 'digitalisering', title: 'Antal testade lösningar', title_en: 'Solutions tested',
      activities: ['digitalisering.a5', 'digitalisering.a7'], measures: ['digitalisering.tests-run'],
    }), 201);
    const m = res.json;
    assert.equal(m.key, 'digitalisering.m6');
    assert.equal(m.activity_ids.length, 2);
    assert.deepEqual(m.measures.map((x) => x.slug), ['digitalisering.tests-run']);
    const d = await diagram('digitalisering');
    assert.deepEqual(d.unlinked.activities.filter((x) => x.measures.some((y) => y.key === 'digitalisering.m6')).map((x) => x.key),
      ['digitalisering.a5', 'digitalisering.a7']);
    assert.equal(env.sql("SELECT details->'activities' FROM core.audit WHERE action = 'workplan.measure_item.create'"), '["digitalisering.a5", "digitalisering.a7"]');
  });
});

describe('periods', () => {
  test('a new period starts as a copy of the previous one; edits to it leave the old one alone', async () => {
    const live = (p) => env.sql(`SELECT (SELECT count(*) FROM core.workplan_subgoals s JOIN core.workplan_periods p ON p.id = s.period_id WHERE p.slug = '${p}' AND s.retired_at IS NULL)`
      + ` || '/' || (SELECT count(*) FROM core.workplan_activities s JOIN core.workplan_periods p ON p.id = s.period_id WHERE p.slug = '${p}' AND s.retired_at IS NULL)`
      + ` || '/' || (SELECT count(*) FROM core.workplan_measure_items s JOIN core.workplan_periods p ON p.id = s.period_id WHERE p.slug = '${p}' AND s.retired_at IS NULL)`);
    const old = live('2024-2025');
    const res = expectStatus(await county.post('/api/v1/workplan/periods', { slug: '2026-2027' }), 201);
    const p = res.json;
    assert.deepEqual([p.slug, p.title, p.starts_on, p.ends_on, p.copied_from], ['2026-2027', 'Arbetsplan 2026-2027', '2026-01-01', '2027-12-31', '2024-2025']);
    assert.equal(live('2026-2027'), old);
    assert.equal(audit('workplan.period.create'), '1');
    for (const area of ['att-aldras', 'vaxa-upp', 'nara-vard', 'digitalisering']) {
      const a = await diagram(area, '?period=2024-2025');
      const b = await diagram(area, '?period=2026-2027');
      const shape = (d) => JSON.stringify({
        goal: d.goal.paragraphs,
        sg: d.goal.sub_goals.map((s) => [s.key, s.title, s.activities.map((x) => [x.key, x.measures.map((y) => [y.key, y.measures.map((z) => z.slug)])]), s.measures.map((y) => y.key)]),
        un: [d.unlinked.activities.map((x) => [x.key, x.measures.map((y) => y.key)]), d.unlinked.measures.map((y) => [y.key, y.measures.map((z) => z.slug)])],
      });
      assert.equal(shape(b), shape(a), area);
      assert.equal(b.period.slug, '2026-2027');
    }
    const copy = expectStatus(await county.get('/api/v1/activities/att-aldras.a2?period=2026-2027'), 200).json;
    const orig = expectStatus(await county.get('/api/v1/activities/att-aldras.a2?period=2024-2025'), 200).json;
    assert.equal(copy.copied_from, orig.id);
    expectStatus(await county.patch(`/api/v1/activities/${copy.id}`, { title: 'Ny lydelse 2026' }), 200);
    assert.equal(expectStatus(await county.get(`/api/v1/activities/${orig.id}`), 200).json.title, orig.title);
    const pcp = expectStatus(await county.get('/api/v1/primary-care-plan?period=2026-2027'), 200).json;
    assert.equal(pcp.activities.items.length, 8);
    // Periods do not overlap; slugs are years.
    expectError(await county.post('/api/v1/workplan/periods', { slug: '2027-2028' }), 409);
    expectError(await county.post('/api/v1/workplan/periods', { slug: '2028' }), 422);
    expectError(await county.post('/api/v1/workplan/periods', { slug: '2028-2029', copy_from: '1999-2000' }), 422);
    const empty = expectStatus(await county.post('/api/v1/workplan/periods', { slug: '2028-2029', copy_from: null }), 201).json;
    assert.deepEqual(empty.counts, { sub_goals: 0, activities: 0, measure_items: 0 });
    assert.equal(empty.copied_from, null);
    const list = expectStatus(await county.get('/api/v1/workplan/periods'), 200).json.items;
    assert.deepEqual(list.map((x) => x.slug), ['2024-2025', '2026-2027', '2028-2029']);
  });
});
