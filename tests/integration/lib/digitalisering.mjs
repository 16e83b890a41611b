// Helpers for the Digitalisering plugin tests (tests/integration/digitalisering-*.test.mjs): a
// server with logged-in users, the plugin's routes, direct SQL on the test's database.
//
//   const env = await digiServer();                      // the usual cast (USERS)
//   const need = await propose(env, env.tok.motala, { title: 'Digitala signaturer' });
//   env.sql('SELECT count(*) FROM digitalisering.needs');
//   await env.stop();
import assert from 'node:assert/strict';
import { startServer, createDatabase, req, psql, expectStatus } from './harness.mjs';
import { FAST_HASH, createUser, login } from './auth.mjs';

export const BASE = '/api/v1/digitalisering';

// The 14 principals in their order.
export const PRINCIPALS = [
  'region-ostergotland', 'boxholm', 'finspang', 'kinda', 'linkoping', 'mjolby', 'motala', 'norrkoping',
  'soderkoping', 'vadstena', 'valdemarsvik', 'ydre', 'atvidaberg', 'odeshog',
];

// The usual cast. Tests pass the subset they need.
export const USERS = {
  county: { principal: 'region-ostergotland', role: 'county_admin' },
  region: { principal: 'region-ostergotland', role: 'reporter', areas: ['digitalisering'] },
  motala: { principal: 'motala', role: 'reporter', areas: ['digitalisering'] },
  motalaAdmin: { principal: 'motala', role: 'org_admin' },
  kindaAldras: { principal: 'kinda', role: 'reporter', areas: ['att-aldras'] },
  reader: { principal: 'ydre', role: 'reader' },
};

// Starts a server on a new database with the given users logged in. Returns {srv, db, tok, sql, stop}.
export async function digiServer(users = USERS, { env = {} } = {}) {
  const db = createDatabase();
  const names = Object.keys(users);
  const created = {};
  // The CLI runs migrations on first use; create the first user alone, then the rest at once.
  if (names.length) created[names[0]] = await createUser(db, users[names[0]]);
  await Promise.all(names.slice(1).map(async (n) => { created[n] = await createUser(db, users[n]); }));
  const srv = await startServer({ db, env: { ...FAST_HASH, ...env } });
  const tok = {};
  await Promise.all(names.map(async (n) => { tok[n] = (await login(srv, created[n].username, created[n].password)).access_token; }));
  return {
    srv, db, tok, users: created,
    sql: (q) => psql(q, { db: db.name }).trim(),
    stop: () => srv.stop(),
  };
}

export const call = (env, method, path, token, body) => req(env.srv, method, `${BASE}${path}`, { token, body });

// POST /needs with defaults; returns the need (asserts 201).
export async function propose(env, token, fields = {}) {
  const body = { kind: 'need', title: 'Gemensam e-tjänst för ansökan om hemtjänst', areas: ['att-aldras'], ...fields };
  return expectStatus(await call(env, 'POST', '/needs', token, body), 201).json;
}

// PATCH /needs/{id} as county_admin; returns the response.
export const patchNeed = (env, id, body, token = env.tok.county) => call(env, 'PATCH', `/needs/${id}`, token, body);

// Proposes n needs (by county_admin) and prioritises none; returns their ids.
export async function needs(env, n, prefix = 'Behov') {
  const ids = [];
  for (let i = 0; i < n; i++) ids.push((await propose(env, env.tok.county, { title: `${prefix} ${i + 1}` })).id);
  return ids;
}

// A day n days from today, "YYYY-MM-DD" (UTC; tests keep a margin of a day).
export function day(n = 0) {
  return new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
}

// Opens a round (county_admin) over the need ids; returns the round.
export async function openRound(env, needIds, fields = {}) {
  const body = { title: 'Prioritering', closes_on: day(7), needs: needIds, ...fields };
  return expectStatus(await call(env, 'POST', '/rounds', env.tok.county, body), 201).json;
}

export const ballot = (env, round, principal, ranking, token = env.tok.county) =>
  call(env, 'PUT', `/rounds/${round}/ballots/${principal}`, token, { ranking });

export async function closeRound(env, round) {
  return expectStatus(await call(env, 'PATCH', `/rounds/${round}`, env.tok.county, { close: true }), 200).json;
}

// Starts a PDSA cycle under a work-plan activity through the work-plan API (county_admin).
export async function pdsaCycle(env, { activity = 'digitalisering.a5', principals = ['region-ostergotland', 'motala'], predecessor, title = 'Test av gemensam lösning' } = {}) {
  const body = {
    title, principals,
    plan: { change: 'Införa en gemensam lösning', prediction: 'Kortare handläggning', measures: ['digitalisering.tests-run'] },
  };
  if (predecessor) body.predecessor = predecessor;
  return expectStatus(await req(env.srv, 'POST', `/api/v1/activities/${activity}/pdsa`, { token: env.tok.county, body }), 201).json;
}

// Advances a PDSA cycle through do, study and act (adopt) so that it is closed.
export async function closeCycle(env, id) {
  const steps = [
    { do: { what_happened: 'Genomfört', started_on: day(-20), ended_on: day(-10) } },
    { study: { findings: 'Det fungerade' } },
    { act: { decision: 'adapt', next: 'Fler kommuner' } },
  ];
  for (const body of steps) expectStatus(await req(env.srv, 'PATCH', `/api/v1/pdsa/${id}`, { token: env.tok.county, body }), 200);
}

// Values of a measure as "principal period value" lines.
export function valuesOf(env, measure) {
  return env.sql(`SELECT coalesce(string_agg(concat_ws(' ', p.slug, v.period, v.value), E'\\n' ORDER BY p.sort_order, v.period), '')
    FROM core.values v JOIN core.measures m ON m.id = v.measure_id JOIN core.principals p ON p.id = v.principal_id
    WHERE m.slug = '${measure}'`);
}

// Asserts a 422 whose details are exactly these "path code" pairs (sorted).
export function expectProblems(error, pairs) {
  assert.deepEqual(error.details.map((d) => `${d.path} ${d.code}`).sort(), [...pairs].sort(), JSON.stringify(error.details, null, 1));
  for (const d of error.details) assert.ok(d.message.length > 0);
}
