// `lgvo-api demo-data`: on a fresh database it fills every indicator for every principal that
// reports it and every complete period of the last five years, with plausible figures; the
// documented shift (att-aldras.readmissions-30d, linkoping, with its PDSA cycle) shows in
// GET /api/v1/measures/{slug}/signals; a second run replaces the demo data (the same as-of date
// changes nothing); once a real push is stored the command refuses and writes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createDatabase, runCommand, req, expectStatus, psql, waitFor } from './lib/harness.mjs';
import { FAST_HASH, createUser, login } from './lib/auth.mjs';
import { push, expectSummary, getSeries, periodOf } from './lib/values.mjs';

const SHIFT = { measure: 'att-aldras.readmissions-30d', principal: 'linkoping' };
const SUMMARY_KEYS = ['as_of', 'created', 'deleted', 'locked', 'measures', 'planted', 'population_added',
  'principals', 'unchanged', 'updated', 'values'];

let db, srv, token, first;
const sql = (q) => psql(q, { db: db.name }).trim();
const demo = (args = []) => runCommand(['demo-data', ...args], { db, timeoutMs: 180000 });

// What a run must leave alone or change: values, their history, the data version, PDSA cycles.
function snapshot() {
  return {
    values: sql(`SELECT md5(coalesce(string_agg(concat_ws('|', measure_id, principal_id, period, sex, value,
      numerator, denominator, updated_by, request_id), ',' ORDER BY measure_id, principal_id, period_start, sex), ''))
      FROM core.values`),
    history: sql('SELECT count(*) FROM core.value_history'),
    version: sql('SELECT version FROM core.values_state'),
    pdsa: sql(`SELECT coalesce(string_agg(id::text || ':' || do_started_on, ',' ORDER BY id), '') FROM core.pdsa_cycles`),
    population: sql('SELECT count(*) FROM core.population'),
  };
}

function parseSummary(out) {
  assert.equal(out.code, 0, `exit ${out.code}; stderr:\n${out.stderr}`);
  const lines = out.stdout.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `one JSON line on stdout: ${out.stdout}`);
  const s = JSON.parse(lines[0]);
  assert.deepEqual(Object.keys(s).sort(), SUMMARY_KEYS, lines[0]);
  return s;
}

// The complete periods of the type whose first day lies within five years before the end of
// the last complete one (computed day by day with the helpers the values tests use).
function expectedPeriods(type, asOf) {
  const day = (d, n) => new Date(d.getTime() + n * 86400000);
  const at = new Date(`${asOf}T12:00:00Z`);
  const current = periodOf(type, at);
  let end = at;
  while (periodOf(type, end) === current) end = day(end, -1);
  const limit = new Date(end);
  limit.setUTCFullYear(end.getUTCFullYear() - 5);
  if (limit.getUTCMonth() !== end.getUTCMonth()) limit.setUTCDate(0); // 29 February
  const out = [];
  for (let d = end; d > limit; d = day(d, -1)) {
    const p = periodOf(type, d);
    if (out[out.length - 1] !== p) out.push(p);
  }
  if (periodOf(type, limit) === out[out.length - 1]) out.pop(); // began on or before the limit
  return out.reverse();
}

const monthsBefore = (month, n) => {
  const [y, m] = month.split('-').map(Number);
  const i = y * 12 + (m - 1) - n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
};

before(async () => {
  db = createDatabase();
  const admin = await createUser(db, { principal: 'region-ostergotland', role: 'county_admin' });
  // The server registers the plugins' measures at start-up; demo-data fills those too.
  srv = await startServer({ db, env: FAST_HASH });
  token = (await login(srv, admin.username, admin.password)).access_token;
});
after(async () => { await srv.stop(); });

test('--help says what the command plants and how a second run behaves; an unknown option writes nothing', async () => {
  const help = await demo(['--help']);
  assert.equal(help.code, 0, help.stderr);
  for (const words of [SHIFT.measure, SHIFT.principal, 'PDSA', 'replaces', 'refuse', '--as-of']) {
    assert.ok(help.stdout.includes(words), `--help mentions ${words}:\n${help.stdout}`);
  }
  const bad = await demo(['--colour', 'red']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--colour/);
  assert.equal(bad.stdout, '');
  for (const date of ['2025-02-30', '2199-01-01']) {
    const badDate = await demo(['--as-of', date]);
    assert.equal(badDate.code, 1, date);
    assert.match(badDate.stderr, /--as-of/);
  }
  assert.equal(sql('SELECT count(*) FROM core.values'), '0');
});

test('a first run fills every indicator for every principal reporting it, every period of five years', async (t) => {
  const started = Date.now();
  first = parseSummary(await demo());
  const seconds = (Date.now() - started) / 1000;
  t.diagnostic(`demo-data wrote ${first.values} values in ${seconds} s (sanitizer build)`);
  // Well under a minute even with the sanitizers on a loaded machine.
  assert.ok(seconds < 60, `demo-data took ${seconds} s`);
  assert.equal(first.as_of, new Date().toISOString().slice(0, 10));
  assert.equal(first.measures, Number(sql("SELECT count(*) FROM core.measures WHERE kind = 'indicator'")));
  assert.ok(first.measures > 30, 'the plugins\' measures are there too');
  assert.equal(first.principals, 14);
  assert.equal(first.values, Number(sql('SELECT count(*) FROM core.values')));
  assert.deepEqual([first.created, first.updated, first.deleted, first.unchanged, first.locked], [first.values, 0, 0, 0, 0]);
  assert.ok(first.population_added > 0, 'population figures were added for rates per 1,000');

  // Every indicator: exactly the principals that report it (the county is derived from the
  // municipalities, or is the region's own row when the region alone reports the measure),
  // each with every period; and nothing else.
  const measures = sql(`SELECT slug, period_type, 'region' = ANY (reported_by), 'municipality' = ANY (reported_by), on_behalf
    FROM core.measures WHERE kind = 'indicator'`).split('\n').map((l) => l.split('|'));
  const written = new Map();
  for (const line of sql(`SELECT m.slug, p.slug, string_agg(v.period, ',' ORDER BY v.period_start)
      FROM core.values v JOIN core.measures m ON m.id = v.measure_id JOIN core.principals p ON p.id = v.principal_id
      WHERE v.sex = 'T' GROUP BY m.slug, p.slug`).split('\n')) {
    const [slug, principal, periods] = line.split('|');
    if (!written.has(slug)) written.set(slug, new Map());
    written.get(slug).set(principal, periods);
  }
  const municipalities = sql("SELECT string_agg(slug, ',' ORDER BY slug) FROM core.principals WHERE kind = 'municipality'").split(',');
  const types = new Set();
  for (const [slug, type, region, municipality, onBehalf] of measures) {
    const fromRegion = region === 't' && municipality === 'f' && onBehalf === 'f';
    const both = region === 't' && municipality === 't' && onBehalf === 'f';
    const want = fromRegion ? ['region-ostergotland'] : [...municipalities, ...(both ? ['region-ostergotland'] : [])];
    const got = written.get(slug) ?? new Map();
    assert.deepEqual([...got.keys()].sort(), want.sort(), `principals of ${slug}`);
    const periods = expectedPeriods(type, first.as_of).join(',');
    for (const [principal, list] of got) assert.equal(list, periods, `${slug}: ${principal}`);
    types.add(type);
  }
  assert.equal(written.size, measures.length, 'values of indicators only');
  assert.ok(['month', 'quarter', 'tertial', 'year', 'week'].every((type) => types.has(type)), [...types].join());
  assert.equal(expectedPeriods('month', first.as_of).length, 60);
  assert.equal(expectedPeriods('quarter', first.as_of).length, 20);
  assert.equal(expectedPeriods('year', first.as_of).length, 5);
});

test('the figures are plausible for their units, marked as demo data and readable through the API', async () => {
  const count = (where) => Number(sql(`SELECT count(*) FROM core.values v JOIN core.measures m ON m.id = v.measure_id WHERE ${where}`));
  assert.equal(count("m.unit = 'percent' AND (v.numerator > v.denominator OR v.value < 0 OR v.value > 100)"), 0, 'shares');
  assert.equal(count('m.ratio AND (v.numerator IS NULL OR v.denominator <= 0 OR v.numerator < 0'
    + ' OR abs(v.value - round(v.numerator * CASE m.unit WHEN \'percent\' THEN 100 WHEN \'per_1000\' THEN 1000 ELSE 1 END'
    + ' / v.denominator, 6)) > 0.000001)'), 0, 'ratios: value = numerator / denominator in the unit');
  assert.equal(count("NOT m.ratio AND (v.value IS NULL OR v.numerator IS NOT NULL OR v.denominator IS NOT NULL)"), 0, 'values');
  assert.equal(count("m.unit IN ('count', 'sek') AND v.value <> trunc(v.value)"), 0, 'counts and kronor are whole');
  assert.equal(count("m.ratio AND m.unit <> 'ratio' AND (v.numerator <> trunc(v.numerator) OR v.denominator <> trunc(v.denominator))"),
    0, 'numerators and denominators that count are whole');
  assert.equal(count('(m.min IS NOT NULL AND v.value < m.min) OR (m.max IS NOT NULL AND v.value > m.max)'), 0, 'within min..max');
  assert.equal(count("m.sex_split AND v.sex = 'T' AND NOT EXISTS (SELECT 1 FROM core.values k, core.values w"
    + " WHERE k.measure_id = v.measure_id AND k.principal_id = v.principal_id AND k.period_start = v.period_start AND k.sex = 'K'"
    + " AND w.measure_id = v.measure_id AND w.principal_id = v.principal_id AND w.period_start = v.period_start AND w.sex = 'M'"
    + ' AND (CASE WHEN m.ratio THEN (k.numerator + w.numerator, k.denominator + w.denominator) = (v.numerator, v.denominator)'
    + '  ELSE k.value + w.value = v.value END))'), 0, 'a total is women plus men');
  assert.equal(count("NOT m.sex_split AND v.sex <> 'T'"), 0, 'no breakdown where the measure has none');
  // Counts follow the population: Linköping (about 167,000) against Ydre (about 3,700).
  const sip = sql(`SELECT string_agg(s::text, ',' ORDER BY slug) FROM (SELECT p.slug, sum(v.value) AS s FROM core.values v
    JOIN core.measures m ON m.id = v.measure_id JOIN core.principals p ON p.id = v.principal_id
    WHERE m.slug = 'vaxa-upp.sip-initiated' AND p.slug IN ('linkoping', 'ydre') GROUP BY p.slug) x`).split(',').map(Number);
  assert.ok(sip[0] > 10 * sip[1], `SIP: Linköping ${sip[0]}, Ydre ${sip[1]}`);
  // Marked, in history, and the data version moved (running servers were told).
  assert.equal(count("v.updated_by <> 'demo-data' OR v.request_id IS DISTINCT FROM 'demo-data'"), 0);
  assert.equal(sql("SELECT count(*) FROM core.value_history WHERE operation = 'create' AND changed_by = 'demo-data'"), String(first.values));
  assert.ok(Number(sql('SELECT version FROM core.values_state')) > 0);
  // The series endpoint: Linköping's 60 months and the county total derived from the municipalities.
  const series = await waitFor(async () => {
    const res = expectStatus(await getSeries(srv, token, SHIFT.measure, { principal: SHIFT.principal }), 200);
    return res.json.points.length ? res.json : null;
  }, { what: 'the server sees the demo data' });
  assert.equal(series.points.length, 60);
  assert.equal(series.county.length, 60);
  assert.ok(series.county.every((p) => p.principals === 13), 'the county sums the 13 municipalities');
});

test('the documented shift: signals for linkoping from the PDSA cycle\'s start on, noise before it', async (t) => {
  const lastMonth = monthsBefore(first.as_of.slice(0, 7), 1);
  const from = monthsBefore(lastMonth, 11);
  const planted = first.planted.find((p) => p.measure === SHIFT.measure);
  assert.deepEqual({ ...planted, pdsa: undefined },
    { ...SHIFT, kind: 'shift', direction: 'better', from, to: lastMonth, pdsa: undefined });
  assert.ok(Number.isInteger(planted.pdsa), JSON.stringify(planted));
  assert.ok(first.planted.length >= 2, 'a few more signals are planted');
  for (const p of first.planted) assert.match(p.kind, /^(shift|outlier)$/);

  const res = expectStatus(await req(srv, 'GET', `/api/v1/measures/${SHIFT.measure}/signals?principal=${SHIFT.principal}`, { token }), 200);
  const sig = res.json;
  assert.equal(sig.verdict, 'signal');
  assert.equal(sig.points.length, 60);
  const after = sig.points.filter((p) => p.period >= from);
  assert.equal(after.length, 12);
  assert.ok(after.every((p) => p.signal), `signals from ${from}: ${JSON.stringify(after)}`);
  assert.ok(sig.points.filter((p) => p.period < from).every((p) => !p.signal), 'noise only before the change');
  // Clearly better (lower) than the median of the series, month after month.
  const values = sig.points.map((p) => p.value).sort((a, b) => a - b);
  const median = (values[29] + values[30]) / 2;
  assert.ok(after.every((p) => p.value < median), `below the median ${median}`);

  // The PDSA cycle behind it.
  const row = sql(`SELECT c.id, c.do_started_on, c.phase, array_to_string(c.plan_measures, ','), c.activity_id,
      (SELECT string_agg(p.slug, ',') FROM core.pdsa_participants pp JOIN core.principals p ON p.id = pp.principal_id WHERE pp.cycle_id = c.id)
    FROM core.pdsa_cycles c WHERE c.plan_by = 'demo-data'`).split('|');
  assert.deepEqual(row.slice(0, 4), [String(planted.pdsa), `${from}-01`, 'act', SHIFT.measure]);
  assert.equal(row[5], SHIFT.principal);
  const cycle = expectStatus(await req(srv, 'GET', `/api/v1/pdsa/${planted.pdsa}`, { token }), 200).json;
  assert.equal(cycle.do.started_on, `${from}-01`);
  assert.deepEqual(cycle.principals, [SHIFT.principal]);
  assert.deepEqual(cycle.plan.measures.map((m) => m.slug), [SHIFT.measure]);
  const listed = expectStatus(await req(srv, 'GET', `/api/v1/activities/${row[4]}/pdsa`, { token }), 200).text;
  assert.ok(listed.includes(`"id":${planted.pdsa}`), listed);
  if (sig.pdsa.length === 0) {
    t.diagnostic('the signals response lists no PDSA annotations yet (not wired); the cycle was checked above');
  } else {
    const note = sig.pdsa.find((a) => a.id === planted.pdsa);
    assert.ok(note, JSON.stringify(sig.pdsa));
    assert.equal(note.starts_on, `${from}-01`);
  }

  // Elsewhere in the area, only planted series signal (the county may show a plant too).
  const area = expectStatus(await req(srv, 'GET', '/api/v1/areas/att-aldras/signals', { token }), 200).json;
  const plantedHere = new Set(first.planted.map((p) => p.measure));
  const signalling = area.items.filter((i) => i.verdict === 'signal');
  assert.ok(signalling.some((i) => i.measure === SHIFT.measure && i.principal === SHIFT.principal));
  for (const i of signalling) assert.ok(plantedHere.has(i.measure), `unplanned signal: ${JSON.stringify(i)}`);
});

test('a second run replaces the demo data: the same as-of date changes nothing, another one moves it', async () => {
  const before = snapshot();
  const again = parseSummary(await demo());
  assert.deepEqual([again.created, again.updated, again.deleted, again.unchanged, again.population_added],
    [0, 0, 0, first.values, 0]);
  assert.deepEqual(again.planted, first.planted, 'the same PDSA cycle is kept');
  assert.deepEqual(snapshot(), before, 'no value, history row, data version or cycle changed');

  // A month earlier: the window and the shift move with it; the old cycle goes.
  const earlier = new Date(`${first.as_of}T12:00:00Z`);
  earlier.setUTCDate(1);
  earlier.setUTCDate(0);
  const asOf = earlier.toISOString().slice(0, 10);
  const moved = parseSummary(await demo(['--as-of', asOf]));
  assert.equal(moved.as_of, asOf);
  assert.ok(moved.created > 0 && moved.deleted > 0 && moved.updated > 0, JSON.stringify(moved));
  assert.equal(moved.values, Number(sql('SELECT count(*) FROM core.values')));
  const shift = moved.planted.find((p) => p.measure === SHIFT.measure);
  assert.equal(shift.from, monthsBefore(first.planted[0].from, 1));
  assert.equal(sql("SELECT count(*) FROM core.pdsa_cycles WHERE plan_by = 'demo-data'"), '1');
  assert.equal(sql(`SELECT do_started_on FROM core.pdsa_cycles WHERE id = ${shift.pdsa}`), `${shift.from}-01`);

  // Back to today: the same data as the first run (a fixed seed), under a new cycle id.
  const back = parseSummary(await demo());
  assert.equal(back.values, first.values);
  const now = snapshot();
  assert.equal(now.values, before.values, 'the same figures as the first run');
  assert.ok(Number(now.version) > Number(before.version));
});

test('after one real push through POST /api/v1/values the command refuses and writes nothing', async () => {
  const res = await push(srv, token, [{ measure: 'digitalisering.tests-run', principal: 'motala', period: '2019', value: 3 }]);
  expectSummary(res, { created: 1 });
  const before = snapshot();
  const out = await demo();
  assert.equal(out.code, 1, `exit ${out.code}; stdout ${out.stdout}; stderr ${out.stderr}`);
  assert.equal(out.stdout, '');
  assert.match(out.stderr, /1 value\(s\) not written by demo-data \(real pushes\)/);
  assert.match(out.stderr, /nothing was written/);
  assert.deepEqual(snapshot(), before);
  assert.equal(sql("SELECT value FROM core.values v JOIN core.measures m ON m.id = v.measure_id WHERE m.slug = 'digitalisering.tests-run' AND v.period = '2019'"), '3');
});
