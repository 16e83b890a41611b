// Helpers for the measures-and-values tests (tests/integration/values-*.test.mjs): a server
// with a set of logged-in users, pushes (JSON and CSV), reads, direct SQL on the test's
// database, and the current/future periods of every type (the tests must not depend on
// today's date).
//
//   const env = await valuesServer({ county: { principal: 'region-ostergotland', role: 'county_admin' },
//                                    motala: { principal: 'motala', role: 'reporter', areas: ['att-aldras'] } });
//   const res = await push(env.srv, env.tok.motala, [row(...)]);
//   env.sql('SELECT count(*) FROM core.values');
//   await env.stop();
import assert from 'node:assert/strict';
import { startServer, createDatabase, req, psql } from './harness.mjs';
import { FAST_HASH, createUser, login } from './auth.mjs';

export const ALL_AREAS = ['att-aldras', 'vaxa-upp', 'nara-vard', 'digitalisering'];

// Seeded measures used throughout (schema/0007).
export const M = {
  selfRated: 'att-aldras.self-rated-health',        // percent ratio, year, municipality, sex_split
  readm30: 'att-aldras.readmissions-30d',           // percent ratio, month, region on_behalf
  avoidable: 'att-aldras.avoidable-inpatient-care', // per_1000 ratio, quarter, region on_behalf
  mapping: 'att-aldras.care-seeking-mapping',       // milestone, year, region
  uptake: 'att-aldras.recommendation-uptake',       // text, year, both
  sip: 'vaxa-upp.sip-initiated',                    // count, tertial, municipality, restricted
  grants: 'vaxa-upp.state-grants-handled',          // milestone, year, both
  shortTerm: 'nara-vard.short-term-places',         // count, week, municipality
  localCare: 'nara-vard.local-care-places',         // count, week, municipality
  falls: 'nara-vard.fall-injuries',                 // count, quarter, municipality, restricted, sex_split
  kpp: 'nara-vard.kpp-priority-cost-share',         // percent ratio, year, region only
  initiatives: 'digitalisering.initiatives-ongoing', // count, year, both
  testsRun: 'digitalisering.tests-run',             // count, year, both
  reflections: 'digitalisering.test-reflections',   // text, year, both
};

// Starts a server on a new database with the given users logged in. users: {name: {principal,
// role, areas}}. Returns {srv, db, tok, users, sql, stop, restart}.
export async function valuesServer(users = {}, { env = {} } = {}) {
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

// A second server on the same database (e.g. with other limits); tokens stay valid.
export async function extraServer(db, env = {}) {
  return startServer({ db, env: { ...FAST_HASH, ...env } });
}

// POST /api/v1/values. values: an array of rows (sent as {"values": values}), or a string /
// Buffer body (then give contentType). query: e.g. '?mode=partial'.
export function push(srv, token, values, { query = '', headers = {}, contentType } = {}) {
  const h = { ...headers };
  let body;
  if (Array.isArray(values)) {
    body = JSON.stringify({ values });
    h['content-type'] = contentType ?? 'application/json';
  } else {
    body = values;
    h['content-type'] = contentType ?? 'application/json';
  }
  return req(srv, 'POST', `/api/v1/values${query}`, { token, body, headers: h });
}

export function pushCsv(srv, token, text, opts = {}) {
  return push(srv, token, text, { ...opts, contentType: 'text/csv' });
}

// Asserts a 200 import summary with exactly the documented members; counts: the expected
// numbers (any subset). Returns the summary.
export function expectSummary(res, counts = {}) {
  assert.equal(res.status, 200, `expected 200, got ${res.status}: ${res.text}`);
  const s = res.json;
  assert.deepEqual(Object.keys(s).sort(), ['created', 'deleted', 'dry_run', 'errors', 'mode', 'rejected', 'unchanged', 'updated'], res.text);
  for (const [k, v] of Object.entries(counts)) assert.deepEqual(s[k], v, `${k} in ${res.text}`);
  assert.ok(Array.isArray(s.errors));
  for (const e of s.errors) {
    assert.equal(typeof e.index, 'number', res.text);
    assert.equal(typeof e.path, 'string', res.text);
    assert.equal(typeof e.code, 'string', res.text);
    assert.equal(typeof e.message, 'string', res.text);
  }
  return s;
}

// The errors (of a summary or an error's details) as "index path code" strings, sorted.
export function errorKeys(list) {
  return list.map((e) => `${e.index} ${e.path} ${e.code}`).sort();
}

export function findError(list, { index, path, code }) {
  return list.find((e) => (index === undefined || e.index === index) && (path === undefined || e.path === path) &&
    (code === undefined || e.code === code));
}

export function expectRowError(list, want) {
  const e = findError(list, want);
  assert.ok(e, `no error ${JSON.stringify(want)} in ${JSON.stringify(list)}`);
  assert.ok(e.message.length > 0);
  return e;
}

// GET /api/v1/values with query parameters (an object); returns the response.
export function getValues(srv, token, params = {}, headers = {}) {
  const qs = new URLSearchParams(params).toString();
  return req(srv, 'GET', `/api/v1/values${qs ? `?${qs}` : ''}`, { token, headers });
}

export function getSeries(srv, token, measure, params = {}, headers = {}) {
  const qs = new URLSearchParams(params).toString();
  return req(srv, 'GET', `/api/v1/measures/${measure}/series${qs ? `?${qs}` : ''}`, { token, headers });
}

export function getHistory(srv, token, params = {}) {
  const qs = new URLSearchParams(params).toString();
  return req(srv, 'GET', `/api/v1/values/history${qs ? `?${qs}` : ''}`, { token });
}

// Every item of GET /api/v1/values, following next_cursor; checks the pages' invariants.
export async function readAll(srv, token, params = {}, limit = 1000) {
  const items = [];
  let cursor;
  for (let pages = 0; pages < 10000; pages++) {
    const res = await getValues(srv, token, { ...params, limit: String(limit), ...(cursor ? { cursor } : {}) });
    assert.equal(res.status, 200, res.text);
    assert.ok(res.json.items.length <= limit);
    items.push(...res.json.items);
    cursor = res.json.next_cursor;
    assert.equal(res.headers.get('x-next-cursor'), cursor ?? null);
    if (!cursor) return items;
    assert.equal(res.json.items.length, limit, 'a page before the last is full');
  }
  throw new Error('too many pages');
}

// ---- periods (UTC, like the server) ----

function isoWeek(d) {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day); // the Thursday of this week decides the year
  const year = t.getUTCFullYear();
  const week = Math.ceil(((t - Date.UTC(year, 0, 1)) / 86400000 + 1) / 7);
  return { year, week };
}

const pad = (n) => String(n).padStart(2, '0');

// The period of type containing date d (a Date; default now).
export function periodOf(type, d = new Date()) {
  const y = d.getUTCFullYear(), m = d.getUTCMonth() + 1;
  switch (type) {
    case 'year': return String(y);
    case 'half': return `${y}H${m <= 6 ? 1 : 2}`;
    case 'tertial': return `${y}T${Math.floor((m - 1) / 4) + 1}`;
    case 'quarter': return `${y}Q${Math.floor((m - 1) / 3) + 1}`;
    case 'month': return `${y}-${pad(m)}`;
    case 'week': { const w = isoWeek(d); return `${w.year}-W${pad(w.week)}`; }
    default: throw new Error(type);
  }
}

// The next period of the type after the current one (it has not started: a future period).
export function nextPeriod(type, d = new Date()) {
  const later = {
    year: 366, half: 184, tertial: 123, quarter: 92, month: 31, week: 7,
  }[type];
  let p = periodOf(type, d);
  for (let days = 1; days <= later + 1; days++) {
    const q = periodOf(type, new Date(d.getTime() + days * 86400000));
    if (q !== p) return q;
  }
  throw new Error(`no next ${type}`);
}

export const today = () => new Date().toISOString().slice(0, 10);
export const tomorrow = () => new Date(Date.now() + 86400000).toISOString().slice(0, 10);
