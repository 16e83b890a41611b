// Reading the work plan: GET /api/v1/areas/{slug}/diagram (the whole driver diagram as one
// nested document), GET /api/v1/subgoals|activities|measure-items/{id or key} (one item with
// its links and history), the periods, and the query parameters and errors of these routes.
import { test, before, after } from 'node:test';
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
    reader: { principal: 'ydre', role: 'reader' },
    client: { principal: 'motala', role: 'reporter', areas: ['nara-vard'] },
  });
  ({ srv, tok } = env);
});
after(async () => { await env.stop(); });

const get = (p, token = tok.reader) => req(srv, 'GET', p, { token });

test('the diagram needs a token; any role may read it', async () => {
  expectError(await req(srv, 'GET', '/api/v1/areas/att-aldras/diagram'), 401);
  expectError(await req(srv, 'GET', '/api/v1/activities/att-aldras.a1'), 401);
  expectStatus(await get('/api/v1/areas/att-aldras/diagram', tok.client), 200);
});

test('one document: area, period, goal → sub-goals → activities → measure items, and what is linked to none', async () => {
  const res = expectStatus(await get('/api/v1/areas/vaxa-upp/diagram'), 200);
  assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
  const d = res.json;
  assert.deepEqual(Object.keys(d), ['area', 'period', 'lang', 'title', 'appendix', 'headings', 'header_points',
    'measures_label', 'link_notes', 'goal', 'unlinked']);
  assert.deepEqual(d.area, { slug: 'vaxa-upp', name: 'Växa upp och mitt i livet' });
  assert.deepEqual(d.period, { slug: '2024-2025', title: 'Arbetsplan 2024-2025', starts_on: '2024-01-01', ends_on: '2025-12-31' });
  assert.equal(d.lang, 'sv');
  assert.equal(d.appendix, 4);
  assert.equal(d.headings.measures, 'Mått och mätning – Hur vet vi om förändring leder till förbättring?! Vad vill vi mäta?! (Koppla mot målet och tänk i termer av värde/kvalitet och resurseffektivitet.)');
  assert.equal(d.link_notes.length, 2);
  assert.deepEqual(Object.keys(d.goal), ['key', 'title', 'paragraphs', 'wording_note', 'target_year', 'adopted_by', 'sub_goals']);
  const sg = d.goal.sub_goals[0];
  assert.deepEqual(Object.keys(sg), ['id', 'key', 'position', 'title', 'parts', 'retired', 'activities', 'measures']);
  const a = sg.activities[0];
  assert.deepEqual(Object.keys(a), ['id', 'key', 'position', 'title', 'sub_goal_id', 'link', 'deadline',
    'related_agreements', 'responsible', 'details', 'retired', 'measures', 'pdsa']);
  assert.equal(a.sub_goal_id, sg.id);
  assert.deepEqual(a.pdsa, []);
  const m = a.measures[0];
  assert.deepEqual(Object.keys(m), ['id', 'key', 'position', 'title', 'link', 'classification_note', 'sub_goal_ids',
    'activity_ids', 'measures', 'retired']);
  assert.deepEqual(m.activity_ids, [a.id]);
  assert.deepEqual(m.sub_goal_ids, [sg.id]);
  assert.deepEqual(m.measures, [{
    slug: 'vaxa-upp.structured-collaboration-decision', defined: true,
    title: 'Beslut är fattat i LGVO angående hur strukturerad samverkan avseende barn och unga ska organiseras i länet.',
    kind: 'milestone', unit: 'boolean', period_type: 'year', reported_by: ['region'],
  }]);
  assert.deepEqual(Object.keys(d.unlinked), ['activities', 'measures']);
  // vaxa-upp.m2 sits under a3 (sub-goal 2) and under the area-level a4 and a5.
  const m2 = d.unlinked.activities.filter((x) => x.measures.some((y) => y.key === 'vaxa-upp.m2')).map((x) => x.key);
  assert.deepEqual(m2, ['vaxa-upp.a4', 'vaxa-upp.a5']);
});

test('?lang=en gives the English text; other languages and unknown parameters are 400', async () => {
  const en = expectStatus(await get('/api/v1/areas/digitalisering/diagram?lang=en'), 200).json;
  assert.equal(en.title, 'Driver diagram: Digitalisation');
  assert.equal(en.goal.sub_goals[1].title, 'Map needs and the current situation');
  assert.equal(en.unlinked.activities[0].title, 'Hold a kick-off for LGVO and SVO on the theme of the digitalisation of welfare');
  const bad = expectError(await get('/api/v1/areas/digitalisering/diagram?lang=de'), 400);
  assert.equal(bad.details[0].path, 'query.lang');
  expectError(await get('/api/v1/areas/digitalisering/diagram?language=en'), 400);
  expectError(await get('/api/v1/areas/digitalisering/diagram?period=2024'), 400);
  expectError(await get('/api/v1/areas/digitalisering/diagram?include_retired=yes'), 400);
});

test('unknown areas and periods are 404', async () => {
  expectError(await get('/api/v1/areas/nowhere/diagram'), 404);
  const err = expectError(await get('/api/v1/areas/att-aldras/diagram?period=2030-2031'), 404);
  assert.match(err.message, /2030-2031/);
  expectStatus(await get('/api/v1/areas/att-aldras/diagram?period=2024-2025'), 200);
  expectError(await get('/api/v1/areas/att-aldras/progress?period=2030-2031'), 404);
});

test('one activity, by id or by key: its sub-goal, measure items, PDSA cycles and history', async () => {
  const d = expectStatus(await get('/api/v1/areas/att-aldras/diagram'), 200).json;
  const a2 = d.goal.sub_goals[0].activities[1];
  const byId = expectStatus(await get(`/api/v1/activities/${a2.id}`), 200).json;
  const byKey = expectStatus(await get('/api/v1/activities/att-aldras.a2'), 200).json;
  assert.deepEqual(byKey, byId);
  assert.equal(byId.key, 'att-aldras.a2');
  assert.equal(byId.area, 'att-aldras');
  assert.equal(byId.period, '2024-2025');
  assert.deepEqual(byId.titles, {
    sv: 'Identifiera viktiga faktorer för att förhindra behov av besök till akutmottagning hos äldre personer. Analysera vilka av dessa som kan vara föremål för strategisk samverkan',
    en: 'Identify important factors for preventing older people\'s need to visit the emergency department. Analyse which of these could be the subject of strategic collaboration',
  });
  assert.deepEqual(byId.sub_goal, { id: d.goal.sub_goals[0].id, key: 'att-aldras.sg1', title: 'Förebyggande vård och omsorg' });
  assert.deepEqual(byId.measures.map((m) => m.key), ['att-aldras.m4']);
  assert.deepEqual(byId.pdsa, []);
  assert.equal(byId.history.length, 1);
  assert.equal(byId.history[0].operation, 'create');
  assert.equal(byId.history[0].by, 'migration');
  assert.equal(byId.created_by, 'migration');
  assert.equal(byId.copied_from, null);
  const en = expectStatus(await get(`/api/v1/activities/${a2.id}?lang=en`), 200).json;
  assert.equal(en.sub_goal.title, 'Preventive health care and social care');
  const a4 = expectStatus(await get('/api/v1/activities/att-aldras.a4'), 200).json;
  assert.deepEqual(a4.details.network_topics.map((t) => t.title), ['palliativ vård för vuxna', 'kognitiv svikt', 'sköra äldre']);
  expectStatus(await get('/api/v1/activities/att-aldras.a2?period=2024-2025'), 200);
  expectError(await get('/api/v1/activities/att-aldras.a2?period=2030-2031'), 404);
  expectError(await get('/api/v1/activities/att-aldras.a99'), 404);
  expectError(await get('/api/v1/activities/999999'), 404);
  expectError(await get('/api/v1/activities/0'), 404);
  expectError(await get('/api/v1/activities/1%27%20OR%201=1'), 404);
});

test('one sub-goal and one measure item', async () => {
  const sg = expectStatus(await get('/api/v1/subgoals/att-aldras.sg1'), 200).json;
  assert.equal(sg.title, 'Förebyggande vård och omsorg');
  assert.deepEqual(sg.activities.map((a) => a.key), ['att-aldras.a1', 'att-aldras.a2', 'att-aldras.a3']);
  assert.deepEqual(sg.measures.map((m) => m.key), ['att-aldras.m4', 'att-aldras.m6']);
  assert.equal(sg.history[0].new.key, 'att-aldras.sg1');
  const m1 = expectStatus(await get('/api/v1/measure-items/att-aldras.m1'), 200).json;
  assert.equal(m1.title, 'Påverkbar slutenvård hos äldre');
  assert.match(m1.classification_note, /^Ambiguous:/);
  assert.equal(m1.proposed_definition.proposed, true);
  assert.equal(m1.proposed_definition.measure_type, 'indicator');
  assert.deepEqual(m1.sub_goal_ids, []);
  assert.deepEqual(m1.activity_ids, []);
  const m2 = expectStatus(await get('/api/v1/measure-items/digitalisering.m2'), 200).json;
  assert.deepEqual(m2.notes, ["'värdekompas' (one s) as in the document; the usual spelling is 'värdekompass'."]);
  expectError(await get('/api/v1/subgoals/att-aldras.sg9'), 404);
  expectError(await get('/api/v1/measure-items/att-aldras.m99'), 404);
});

test('the periods: 2024-2025 is the current one', async () => {
  const p = expectStatus(await get('/api/v1/workplan/periods'), 200).json;
  assert.equal(p.items.length, 1);
  assert.deepEqual(p.items[0].counts, { sub_goals: 11, activities: 24, measure_items: 23 });
  assert.equal(p.items[0].slug, '2024-2025');
  assert.equal(p.items[0].current, true);
  assert.equal(p.items[0].reference, 'RÖ 2024/4256');
  assert.equal(expectStatus(await get('/api/v1/workplan/periods?lang=en'), 200).json.items[0].title, 'Work plan 2024-2025');
});
