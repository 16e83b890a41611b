// Helpers for the nara-vard plugin tests (tests/integration/nara-vard-*.test.mjs): a server
// with the plugin loaded and a set of logged-in users, calls to the plugin's routes, direct SQL
// on the test's database, population figures, and periods relative to today (the tests must
// not depend on the date they run).
//
//   const env = await naraServer({ county: COUNTY, motala: reporter('motala') });
//   const res = await env.post('motala', '/beds', { reports: [bedRow()] });
//   env.sql('SELECT count(*) FROM nara_vard.beds');
//   await env.stop();
import assert from 'node:assert/strict';
import { startServer, createDatabase, req, psql, expectStatus } from './harness.mjs';
import { FAST_HASH, createUser, login } from './auth.mjs';

export const BASE = '/api/v1/nara-vard';
export const AREA = 'nara-vard';

export const COUNTY = { principal: 'region-ostergotland', role: 'county_admin' };
export const reporter = (principal, areas = [AREA]) => ({ principal, role: 'reporter', areas });
export const reader = (principal) => ({ principal, role: 'reader' });

// The 13 municipalities (slug, official code), in the core's order.
export const MUNICIPALITIES = ['boxholm', 'finspang', 'kinda', 'linkoping', 'mjolby', 'motala', 'norrkoping',
  'soderkoping', 'vadstena', 'valdemarsvik', 'ydre', 'atvidaberg', 'odeshog'];

// Starts a server on a new database (only the nara-vard plugin loaded) with the given users
// logged in. users: {name: {principal, role, areas}}. Returns {srv, db, tok, sql, post, get,
// put, del, stop}.
export async function naraServer(users = {}, { env = {} } = {}) {
  const db = createDatabase({ prefix: 'nv' });
  const names = Object.keys(users);
  const created = {};
  // The CLI runs migrations on first use; create the first user alone, then the rest at once.
  if (names.length) created[names[0]] = await createUser(db, users[names[0]]);
  await Promise.all(names.slice(1).map(async (n) => { created[n] = await createUser(db, users[n]); }));
  const srv = await startServer({ db, env: { ...FAST_HASH, LGVO_PLUGINS: 'nara-vard', ...env } });
  const tok = {};
  await Promise.all(names.map(async (n) => { tok[n] = (await login(srv, created[n].username, created[n].password)).access_token; }));
  const call = (method) => (who, path, body, { query = '', headers = {} } = {}) =>
    req(srv, method, `${BASE}${path}${query}`, { token: who ? tok[who] : undefined, body, headers });
  return {
    srv, db, tok, users: created,
    sql: (q) => psql(q, { db: db.name }).trim(),
    post: call('POST'),
    put: call('PUT'),
    del: call('DELETE'),
    get: (who, path, params = {}) => {
      const qs = new URLSearchParams(params).toString();
      return req(srv, 'GET', `${BASE}${path}${qs ? `?${qs}` : ''}`, { token: who ? tok[who] : undefined });
    },
    stop: () => srv.stop(),
  };
}

// PUT /api/v1/population as county_admin. rows: [{principal, year, sex, age_band, population}].
export async function putPopulation(env, who, rows) {
  const res = await req(env.srv, 'PUT', '/api/v1/population', { token: env.tok[who], body: { rows } });
  expectStatus(res, 200);
  return res.json;
}

// The stored core values of a measure, as "principal period sex value numerator denominator".
export function coreValues(env, measure, where = 'true') {
  const out = env.sql(`SELECT p.slug || ' ' || v.period || ' ' || v.sex || ' ' || coalesce(v.value::text, '-') || ' '
    || coalesce(v.numerator::text, '-') || ' ' || coalesce(v.denominator::text, '-')
    FROM core.values v JOIN core.measures m ON m.id = v.measure_id JOIN core.principals p ON p.id = v.principal_id
    WHERE m.slug = '${measure}' AND ${where} ORDER BY p.sort_order, v.period_start, v.sex`);
  return out ? out.split('\n') : [];
}

// Asserts the import summary of a plugin push: 200 with the host's members plus `stored`;
// counts: expected numbers (any subset; stored as an object). Returns the body.
export function expectPushed(res, counts = {}) {
  assert.equal(res.status, 200, `expected 200, got ${res.status}: ${res.text}`);
  const s = res.json;
  for (const k of ['mode', 'dry_run', 'created', 'updated', 'unchanged', 'deleted', 'rejected', 'errors', 'stored']) {
    assert.ok(k in s, `no ${k} in ${res.text}`);
  }
  for (const [k, v] of Object.entries(counts)) assert.deepEqual(s[k], v, `${k} in ${res.text}`);
  for (const e of s.errors) assertRowError(e);
  return s;
}

export function assertRowError(e) {
  assert.deepEqual(Object.keys(e).filter((k) => k !== 'line').sort(), ['code', 'index', 'message', 'path'], JSON.stringify(e));
  assert.equal(typeof e.index, 'number');
  assert.equal(typeof e.path, 'string');
  assert.equal(typeof e.code, 'string');
  assert.ok(e.message.length > 0);
}

// Asserts a refused push (default 422 validation_failed) in the standard error shape whose
// details are exactly `want` ("index path code" strings, any order). Returns the details.
export function expectRefused(res, want, { status = 422, code = 'validation_failed' } = {}) {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`);
  assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(res.json.error.status, status, res.text);
  assert.equal(res.json.error.code, code, res.text);
  assert.equal(res.json.request_id, res.headers.get('x-request-id'));
  const details = res.json.error.details;
  for (const e of details) assertRowError(e);
  if (want) assert.deepEqual(errorKeys(details), [...want].sort(), res.text);
  return details;
}

export const errorKeys = (list) => list.map((e) => `${e.index} ${e.path} ${e.code}`).sort();

// ---- periods (UTC, like the server) ----

const pad = (n) => String(n).padStart(2, '0');

function isoWeek(d) {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const year = t.getUTCFullYear();
  const week = Math.ceil(((t - Date.UTC(year, 0, 1)) / 86400000 + 1) / 7);
  return { year, week };
}

export function periodOf(type, d = new Date()) {
  const y = d.getUTCFullYear(), m = d.getUTCMonth() + 1;
  switch (type) {
    case 'year': return String(y);
    case 'tertial': return `${y}T${Math.floor((m - 1) / 4) + 1}`;
    case 'quarter': return `${y}Q${Math.floor((m - 1) / 3) + 1}`;
    case 'month': return `${y}-${pad(m)}`;
    case 'week': { const w = isoWeek(d); return `${w.year}-W${pad(w.week)}`; }
    default: throw new Error(type);
  }
}

// The period of the type after the current one (not started yet).
export function nextPeriod(type, d = new Date()) {
  const p = periodOf(type, d);
  for (let days = 1; days <= 370; days++) {
    const q = periodOf(type, new Date(d.getTime() + days * 86400000));
    if (q !== p) return q;
  }
  throw new Error(`no next ${type}`);
}

// Every ISO week of a (past) year: 52 or 53 of them.
export function weeksOf(year) {
  const out = [];
  for (let w = 1; w <= 53; w++) {
    const p = `${year}-W${pad(w)}`;
    // 28 December is always in the last ISO week of its year.
    if (w === 53 && isoWeek(new Date(Date.UTC(year, 11, 28))).week !== 53) break;
    out.push(p);
  }
  return out;
}

// ---- rows ----

export const places = (available, occupied, waiting = 0, extra = {}) => ({ available, occupied, waiting, ...extra });

export function bedRow(extra = {}) {
  return {
    municipality: 'motala', week: '2025-W10',
    short_term: places(20, 18.5, 3), local_care: places(4, 3, 0), ...extra,
  };
}

export function fallRow(extra = {}) {
  return {
    municipality: 'motala', quarter: '2025Q1',
    injuries: { '65-79': { K: 6, M: 4 }, '80+': { K: 12, M: 9 } }, ...extra,
  };
}

export function delayRow(extra = {}) {
  return { municipality: 'motala', month: '2025-03', patients_ready: 40, days_beyond: 23, ...extra };
}

export function staffingRow(extra = {}) {
  return {
    principal: 'motala', year: 2024, occupation: 'nurse', fte_employed: 120.5, vacancies: 6,
    recruitment_need_5y: 40.25, ...extra,
  };
}

export function statusRow(extra = {}) {
  return { principal: 'motala', tertial: '2025T1', activity: 'pcp.a1', status: 'ongoing', ...extra };
}
