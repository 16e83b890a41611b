// The work plan's seed (schema/0010-0016) against the 2024-2025 plan: counts per area, the
// links (and the deliberate absence of links where the source is ambiguous), the measure
// definitions each "Mått och mätning" item links to, deadline windows, the goal and its
// wording variant, the primary-care plan and the agreements, with texts compared byte for byte
// (å, ä, ö, typos and all). The expected values are literals copied from the source; the
// product never reads it. Also: running the seed again changes nothing, and never undoes an
// edit made through the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { req, expectStatus, psql, runCommand, SOURCE_DIR } from './lib/harness.mjs';
import { valuesServer } from './lib/values.mjs';

process.env.LGVO_PLUGIN_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'lgvo-no-plugins-'));

let env, srv, tok;
before(async () => {
  env = await valuesServer({
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    reader: { principal: 'motala', role: 'reader' },
  });
  ({ srv, tok } = env);
});
after(async () => { await env.stop(); });

const get = async (p) => expectStatus(await req(srv, 'GET', p, { token: tok.reader }), 200).json;
const diagram = (area, q = '') => get(`/api/v1/areas/${area}/diagram${q}`);

// Every activity and measure item of a diagram, wherever it sits, by key.
function itemsOf(d) {
  const activities = new Map(), measures = new Map();
  const addMeasures = (list) => list.forEach((m) => measures.set(m.key, m));
  for (const s of d.goal.sub_goals) {
    addMeasures(s.measures);
    for (const a of s.activities) { activities.set(a.key, { ...a, under: s.key }); addMeasures(a.measures); }
  }
  for (const a of d.unlinked.activities) { activities.set(a.key, { ...a, under: null }); addMeasures(a.measures); }
  addMeasures(d.unlinked.measures);
  return { activities, measures };
}

const COUNTS = {
  // area: [sub-goals, activities, measure items]
  'digitalisering': [3, 7, 5],
  'nara-vard': [4, 4, 4],
  'vaxa-upp': [2, 9, 6],
  'att-aldras': [2, 4, 8],
};

test('each area has its sub-goals, activities and measure items, in the source order', async () => {
  for (const [area, [sg, act, ms]] of Object.entries(COUNTS)) {
    const d = await diagram(area);
    const { activities, measures } = itemsOf(d);
    assert.equal(d.goal.sub_goals.length, sg, area);
    assert.deepEqual(d.goal.sub_goals.map((s) => s.key), Array.from({ length: sg }, (_, i) => `${area}.sg${i + 1}`));
    assert.equal(activities.size, act, area);
    assert.equal(measures.size, ms, area);
    for (let i = 1; i <= act; i++) assert.ok(activities.has(`${area}.a${i}`), `${area}.a${i}`);
    for (let i = 1; i <= ms; i++) assert.ok(measures.has(`${area}.m${i}`), `${area}.m${i}`);
  }
  assert.equal(env.sql('SELECT count(*) FROM core.workplan_subgoals'), '11');
  assert.equal(env.sql('SELECT count(*) FROM core.workplan_activities'), '24');
  assert.equal(env.sql('SELECT count(*) FROM core.workplan_measure_items'), '23');
});

test('activities are linked to a sub-goal only where the source makes it clear', async () => {
  const under = async (area) => {
    const { activities } = itemsOf(await diagram(area));
    return Object.fromEntries([...activities.values()].map((a) => [a.key, a.under]));
  };
  assert.deepEqual(await under('nara-vard'), {
    'nara-vard.a1': 'nara-vard.sg1', 'nara-vard.a2': 'nara-vard.sg2', 'nara-vard.a3': 'nara-vard.sg3', 'nara-vard.a4': 'nara-vard.sg4',
  });
  assert.deepEqual(await under('att-aldras'), {
    'att-aldras.a1': 'att-aldras.sg1', 'att-aldras.a2': 'att-aldras.sg1', 'att-aldras.a3': 'att-aldras.sg1', 'att-aldras.a4': 'att-aldras.sg2',
  });
  const vaxa = await under('vaxa-upp');
  assert.equal(vaxa['vaxa-upp.a1'], 'vaxa-upp.sg1');
  assert.equal(vaxa['vaxa-upp.a3'], 'vaxa-upp.sg2');
  for (const k of ['a2', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9']) assert.equal(vaxa[`vaxa-upp.${k}`], null, k);
  const digi = await under('digitalisering');
  assert.deepEqual(Object.values(digi), Array(7).fill(null));
  // The link's basis and note come along; an unlinked activity keeps the note saying why.
  const d = await diagram('vaxa-upp');
  const a1 = d.goal.sub_goals[0].activities[0];
  assert.equal(a1.link.basis, 'order_and_wording');
  const a2 = d.unlinked.activities.find((a) => a.key === 'vaxa-upp.a2');
  assert.equal(a2.link.basis, null);
  assert.equal(a2.link.note, 'Could belong to sub-goal 1 (early support) or 2 b (children and young people); the layout does not show which.');
});

test('measure items: linked where the source links them, else listed at area level', async () => {
  const aldras = await diagram('att-aldras');
  assert.deepEqual(aldras.unlinked.measures.map((m) => m.key),
    ['att-aldras.m1', 'att-aldras.m2', 'att-aldras.m3', 'att-aldras.m5', 'att-aldras.m7', 'att-aldras.m8']);
  const sg1 = aldras.goal.sub_goals[0];
  assert.deepEqual(sg1.measures.map((m) => m.key), ['att-aldras.m4', 'att-aldras.m6']);
  assert.deepEqual(sg1.activities.map((a) => [a.key, a.measures.map((m) => m.key)]),
    [['att-aldras.a1', []], ['att-aldras.a2', ['att-aldras.m4']], ['att-aldras.a3', ['att-aldras.m6']]]);

  const vaxa = await diagram('vaxa-upp');
  assert.deepEqual(vaxa.unlinked.measures, []);
  const { activities } = itemsOf(vaxa);
  const linked = Object.fromEntries([...activities.values()].map((a) => [a.key, a.measures.map((m) => m.key)]));
  assert.deepEqual(linked, {
    'vaxa-upp.a1': ['vaxa-upp.m1'], 'vaxa-upp.a2': [], 'vaxa-upp.a3': ['vaxa-upp.m2'], 'vaxa-upp.a4': ['vaxa-upp.m2'],
    'vaxa-upp.a5': ['vaxa-upp.m2'], 'vaxa-upp.a6': ['vaxa-upp.m3'], 'vaxa-upp.a7': ['vaxa-upp.m4'], 'vaxa-upp.a8': ['vaxa-upp.m5'],
    'vaxa-upp.a9': ['vaxa-upp.m6'],
  });
  assert.deepEqual(vaxa.goal.sub_goals.map((s) => s.measures.map((m) => m.key)), [['vaxa-upp.m1'], ['vaxa-upp.m2']]);

  for (const area of ['nara-vard', 'digitalisering']) {
    const d = await diagram(area);
    assert.equal(d.unlinked.measures.length, COUNTS[area][2], area);
    assert.ok(d.goal.sub_goals.every((s) => s.measures.length === 0 && s.activities.every((a) => a.measures.length === 0)));
  }
});

test('each measure item links to the measure definitions that quantify it (or none)', async () => {
  const want = {
    'att-aldras.m1': ['att-aldras.avoidable-inpatient-care'], 'att-aldras.m2': [],
    'att-aldras.m3': ['att-aldras.self-rated-health'], 'att-aldras.m4': ['att-aldras.ed-visits-not-admitted'],
    'att-aldras.m5': ['att-aldras.care-seeking-mapping'],
    'att-aldras.m6': ['att-aldras.readmissions-48h', 'att-aldras.readmissions-30d'],
    'att-aldras.m7': ['att-aldras.recommendation-uptake'], 'att-aldras.m8': [],
    'nara-vard.m1': ['nara-vard.readmissions-48h', 'nara-vard.readmissions-30d'],
    'nara-vard.m2': ['nara-vard.short-term-places', 'nara-vard.local-care-places'],
    'nara-vard.m3': ['nara-vard.kpp-priority-cost-share'], 'nara-vard.m4': ['nara-vard.fall-injuries'],
    'vaxa-upp.m1': ['vaxa-upp.structured-collaboration-decision'], 'vaxa-upp.m2': ['vaxa-upp.state-grants-handled'],
    'vaxa-upp.m3': ['vaxa-upp.legislation-informed'], 'vaxa-upp.m4': ['vaxa-upp.joint-housing-position'],
    'vaxa-upp.m5': ['vaxa-upp.fyrbylund-followed-up'], 'vaxa-upp.m6': ['vaxa-upp.new-routine-decided'],
    'digitalisering.m1': ['digitalisering.baseline-mapped', 'digitalisering.initiatives-ongoing'],
    'digitalisering.m2': ['digitalisering.value-compass'], 'digitalisering.m3': ['digitalisering.tests-run'],
    'digitalisering.m4': ['digitalisering.test-reflections'], 'digitalisering.m5': [],
  };
  const got = {};
  for (const area of Object.keys(COUNTS)) {
    for (const m of itemsOf(await diagram(area)).measures.values()) {
      got[m.key] = m.measures.map((d) => d.slug);
      for (const d of m.measures) assert.equal(d.defined, true, d.slug);
    }
  }
  assert.deepEqual(got, want);
  const m6 = itemsOf(await diagram('att-aldras')).measures.get('att-aldras.m6');
  assert.deepEqual(m6.measures.map((d) => [d.kind, d.unit, d.period_type]), [['indicator', 'percent', 'month'], ['indicator', 'percent', 'month']]);
});

test('texts are the work plan\'s, byte for byte, with English beside them', async () => {
  const aldras = await diagram('att-aldras');
  assert.equal(aldras.title, 'Driverdiagram att åldras');
  assert.equal(aldras.goal.sub_goals[0].title, 'Förebyggande vård och omsorg');
  assert.equal(aldras.goal.sub_goals[1].title, 'God och jämlik vård och omsorg');
  const { measures } = itemsOf(aldras);
  assert.equal(measures.get('att-aldras.m6').title, 'Andel återinläggningar inom 48h respektive 30dagar');
  assert.equal(measures.get('att-aldras.m4').title, 'Andel besök på akutmottagning som ej lett till inläggning bland äldre (80+)');
  const en = await diagram('att-aldras', '?lang=en');
  assert.equal(en.lang, 'en');
  assert.equal(en.title, 'Driver diagram: Ageing');
  assert.equal(en.area.name, 'Ageing');
  assert.equal(en.goal.sub_goals[0].title, 'Preventive health care and social care');
  assert.equal(itemsOf(en).measures.get('att-aldras.m6').title, 'Share of readmissions within 48 hours and within 30 days, respectively');

  const digi = itemsOf(await diagram('digitalisering'));
  assert.equal(digi.measures.get('digitalisering.m2').title, 'Utveckla en värdekompas. Välja ut några få mätetal att visualisera - "Vitala få"');
  assert.equal(digi.measures.get('digitalisering.m5').title, '"Tillräckligt bra duger"');
  assert.equal(digi.activities.get('digitalisering.a6').title, 'Alla åldersindelade ansvarsområden identifierar behov och hinder - bruttolista skapas.');

  const nara = await diagram('nara-vard');
  assert.equal(nara.goal.sub_goals[2].title,
    'Förflyttning av resurser och kompetens så att fler patienter kan vårdas på rätt vårdnivå med primärvården som nav');

  const vaxa = await diagram('vaxa-upp');
  const sg2 = vaxa.goal.sub_goals[1];
  assert.equal(sg2.title, 'Ökad samordning för a) personer med samsjuklighet i enlighet med "Samsjuklighetsutredningens" förslag och nationell överenskommelse psykisk hälsa och suicidprevention b) barn och unga');
  assert.deepEqual(sg2.parts.map((p) => [p.key, p.title]), [
    ['a', 'personer med samsjuklighet i enlighet med "Samsjuklighetsutredningens" förslag och nationell överenskommelse psykisk hälsa och suicidprevention'],
    ['b', 'barn och unga']]);
  const a7 = itemsOf(vaxa).activities.get('vaxa-upp.a7');
  assert.equal(a7.title, 'Utreda gemensamt boende/HVB. Påbörjas vt 2025');
  assert.deepEqual(a7.related_agreements, ['ok-gemensamt-hvb']);
  const a8 = itemsOf(vaxa).activities.get('vaxa-upp.a8');
  assert.deepEqual(a8.responsible, ['styrgrupp-hvb']);
});

test('deadlines: the text as written and, where it can be derived, the window ("vt 2025" = January-June 2025)', async () => {
  const { activities } = itemsOf(await diagram('vaxa-upp'));
  assert.deepEqual(activities.get('vaxa-upp.a1').deadline, {
    text: 'Info och beslut vt 2025', kind: 'info_and_decision', term: 'vt', year: 2025, from: '2025-01-01',
    to: '2025-06-30', derived: true, note: 'vt = vårtermin (spring term), roughly January-June',
  });
  assert.equal(activities.get('vaxa-upp.a7').deadline.kind, 'start');
  assert.equal(activities.get('vaxa-upp.a7').deadline.to, '2025-06-30');
  const a9 = activities.get('vaxa-upp.a9').deadline;
  assert.equal(a9.text, 'Info och beslut årsskiftet');
  assert.equal(a9.term, 'årsskiftet');
  assert.equal(a9.from, null);
  assert.equal(a9.to, null);
  assert.equal(activities.get('vaxa-upp.a3').deadline, null);
  assert.equal(env.sql('SELECT count(*) FROM core.workplan_activities WHERE window_from IS NOT NULL'), '3');
});

test('the goal is the shared 2030 goal; the Nära vård diagram keeps its own wording', async () => {
  const canonical = [
    'Senast år 2030 ska alla invånare erbjudas en god, nära, jämlik och samordnad hälso- och sjukvård, omsorg och socialtjänst som förebygger ohälsa och stärker hälsan.',
    'Hälso- och sjukvård, omsorg och socialtjänst ska vara lättillgängliga och invånaren ska vara delaktig utifrån sina förutsättningar och behov. Primärvården ska vara navet.',
    'En effektivare användning av kommunernas, regionens och invånarens egna resurser ska uppnås.',
  ];
  for (const area of ['att-aldras', 'vaxa-upp', 'digitalisering']) {
    const d = await diagram(area);
    assert.equal(d.goal.key, 'nara-vard-2030');
    assert.equal(d.goal.title, 'Länsgemensamt mål för nära vård');
    assert.equal(d.goal.target_year, 2030);
    assert.deepEqual(d.goal.paragraphs, canonical, area);
  }
  const nara = await diagram('nara-vard');
  assert.equal(nara.goal.paragraphs[0], 'Senast år 2030 ska alla invånare få (erbjudas) en god, nära, jämlik och samordnad hälso- och sjukvård, omsorg och socialtjänst som förebygger ohälsa och stärker hälsan.');
  assert.equal(nara.goal.paragraphs[2], 'En effektivare användning av kommunernas, regionens och invånarnas egna resurser ska uppnås.');
  assert.match(nara.goal.wording_note, /lättillgänglig/);
  const en = await diagram('nara-vard', '?lang=en');
  assert.equal(en.goal.paragraphs[1], 'Health care, social care and social services shall be easily accessible and the resident shall be involved according to his or her circumstances and needs. Primary care shall be the hub.');
});

test('the primary-care plan: four prioritised areas, eight activities, four simple principles', async () => {
  const p = await get('/api/v1/primary-care-plan');
  assert.equal(p.period, '2024-2025');
  assert.equal(p.title, 'Gemensam plan för primärvård i Östergötland');
  assert.equal(p.motto, 'Primärvården ska vara navet');
  assert.deepEqual(p.prioritised_areas.map((a) => a.slug), ['personcentrering', 'akuta-floden', 'narvardsplatser', 'gemensamma-team']);
  assert.equal(p.prioritised_areas[2].need, 'Vi behöver vård nära i tid, rum och relation.');
  assert.deepEqual(p.prioritised_areas.map((a) => a.activities), [[], [], ['pcp.a5'], ['pcp.a2']]);
  assert.equal(p.activities.items.length, 8);
  assert.deepEqual(p.activities.items.map((a) => a.prioritised_area), [null, 'gemensamma-team', null, null, 'narvardsplatser', null, null, null]);
  assert.equal(p.activities.items[6].title, 'Äldrevårdsmottagningarna ska utvecklas i samverkan.');
  assert.deepEqual(p.simple_principles.items.map((i) => i.title), [
    'Ta reda på Vad är viktigt för dig och hur kan jag bidra?', 'Ha mod att prova nya lösningar',
    'Jag tar ansvar nu och underlättar för nästa steg', 'Jag vill – jag kan, Vi vill – Vi kan']);
  assert.equal(p.simple_principles.lead_in, 'Jag bidrar till effektivt användande av allas resurser genom att:');
  assert.deepEqual(p.related, ['nara-vard.sg1', 'nara-vard.a1', 'nara-vard.a3']);
  assert.equal(p.introduction.length, 3);
  const en = await get('/api/v1/primary-care-plan?lang=en');
  assert.equal(en.motto, 'Primary care shall be the hub');
  assert.equal(en.prioritised_areas[3].title, 'Joint teams around patients with complex needs');
});

test('the agreements table: ten rows with validity, renewal, notice, follow-up and responsibility', async () => {
  const list = await get('/api/v1/agreements?as_of=2025-01-15');
  assert.deepEqual(list.items.map((a) => a.key), [
    'ok-samrad-vard-och-omsorg', 'ok-barn-unga-utanfor-hemmet', 'avtal-lakarmedverkan', 'ok-utskrivning-sluten-vard',
    'ok-psykisk-funktionsnedsattning-missbruk', 'ok-gemensamt-hvb', 'ok-samverkan-barn-och-unga', 'ramavtal-ungdomshalsa',
    'avtal-hemsjukvard-ordinart-boende', 'regelverk-hjalpmedelsforskrivning']);
  const by = Object.fromEntries(list.items.map((a) => [a.key, a]));
  const hvb = by['ok-gemensamt-hvb'];
  assert.equal(hvb.title, 'Uppföljning av Överenskommelse om samverkansavtal gemensamt HVB, barn och unga 13-17 år');
  assert.equal(hvb.responsible.text, 'Styrgrupp med åiterrapport till LGVO');
  assert.deepEqual(hvb.responsible.refs, ['styrgrupp-hvb']);
  assert.deepEqual([hvb.notice.months, hvb.notice.rule, hvb.notice.written], [12, 'before_end_of_term', true]);
  assert.equal(hvb.valid_to, null);
  assert.deepEqual(hvb.related_activities, ['vaxa-upp.a7', 'vaxa-upp.a8']);
  const ung = by['ramavtal-ungdomshalsa'];
  assert.deepEqual([ung.kind, ung.valid_from, ung.valid_to], ['ramavtal', '2021-01-01', '2022-12-30']);
  assert.deepEqual(ung.renewal, { automatic: true, years: 2, text: 'Sker inte detta förlängs avtalet med två år i taget.' });
  assert.equal(ung.responsible.area, 'vaxa-upp');
  assert.match(ung.follow_up.text, /till LGVO området ”Att växa upp”$/);
  const psyk = by['ok-psykisk-funktionsnedsattning-missbruk'];
  assert.equal(psyk.validity_text, '2018-01-01 till 2021-12-31, därefter förlängd till 2023-12-31. Förlängs med två år om ingen part säger upp. Uppsägningstid 1 år. Kan revideras under giltighetstiden.');
  assert.equal(psyk.original_end_date, '2021-12-31');
  assert.equal(psyk.follow_up.questions.length, 4);
  assert.equal(by['avtal-lakarmedverkan'].notice.rule, 'from_notice_date');
  assert.equal(by['avtal-hemsjukvard-ordinart-boende'].notice, null);
  assert.equal(by['regelverk-hjalpmedelsforskrivning'].end_text, 'Hjälpmedel-avtal löper ut våren 2025.');
  assert.equal(by['ok-samrad-vard-och-omsorg'].end_condition, 'tills någon huvudman påkallar omförhandling');
  assert.equal(by['ok-samrad-vard-och-omsorg'].parties.length, 14);
  assert.equal(env.sql('SELECT count(*) FROM core.agreement_schedules'), '11');
  const en = await get('/api/v1/agreements/ok-gemensamt-hvb?lang=en');
  assert.equal(en.title, 'Follow-up of the agreement on the collaboration contract for a joint residential care home (HVB) for children and young people aged 13-17');
  assert.equal(en.kind_en, 'agreement');
  assert.deepEqual(en.schedule.map((s) => s.cadence), ['yearly', 'half_yearly', 'yearly']);
});

test('seeding is a migration: running it again changes nothing and keeps edits made through the API', async () => {
  // An edit through the API, and a retired link.
  const sg = (await diagram('att-aldras')).goal.sub_goals[0];
  expectStatus(await req(srv, 'PATCH', `/api/v1/subgoals/${sg.id}`, { token: tok.county, body: { title: 'Förebyggande vård och omsorg (reviderad)' } }), 200);
  const m4 = sg.measures[0];
  expectStatus(await req(srv, 'PATCH', `/api/v1/measure-items/${m4.id}`, { token: tok.county, body: { activities: [], sub_goals: [] } }), 200);
  const snapshot = () => env.sql(
    "SELECT (SELECT count(*) FROM core.workplan_subgoals) || '/' || (SELECT count(*) FROM core.workplan_activities) || '/' ||"
    + " (SELECT count(*) FROM core.workplan_measure_items) || '/' || (SELECT count(*) FROM core.workplan_item_activities) || '/' ||"
    + " (SELECT count(*) FROM core.workplan_item_subgoals WHERE retired_at IS NULL) || '/' || (SELECT count(*) FROM core.workplan_item_measures) || '/' ||"
    + " (SELECT count(*) FROM core.workplan_history) || '/' || (SELECT count(*) FROM core.agreements) || '/' ||"
    + " (SELECT count(*) FROM core.agreement_schedules) || '/' || (SELECT count(*) FROM core.primary_care_activities)");
  const before = snapshot();
  // The migration runner applies nothing.
  const r = await runCommand(['migrate'], { db: env.db });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!/applied migration/.test(r.stderr), r.stderr);
  // The seed files run again by hand change nothing either.
  for (const f of ['0014_seed_workplan_2024_2025.sql', '0015_seed_primary_care_plan.sql', '0016_seed_agreements.sql']) {
    psql(fs.readFileSync(path.join(SOURCE_DIR, 'schema', f), 'utf8'), { db: env.db.name });
  }
  assert.equal(snapshot(), before);
  const revised = (await diagram('att-aldras')).goal.sub_goals[0];
  assert.equal(revised.title, 'Förebyggande vård och omsorg (reviderad)');
  assert.deepEqual(revised.measures.map((m) => m.key), ['att-aldras.m6']);
  assert.ok((await diagram('att-aldras')).unlinked.measures.some((m) => m.key === 'att-aldras.m4'));
});
