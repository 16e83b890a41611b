// Helpers for the Att åldras plugin tests (tests/integration/att-aldras-*.test.mjs): a server
// with logged-in users, the plugin's pushes, direct SQL on the test's database, and months
// that do not depend on today's date.
//
//   const env = await aldrasServer({ region: { principal: 'region-ostergotland', role: 'reporter', areas: ['att-aldras'] } });
//   const res = await pushHospital(env.srv, env.tok.region, [report('motala', '2025-03')]);
//   env.sql('SELECT count(*) FROM att_aldras.hospital_reports');
//   await env.stop();
import assert from 'node:assert/strict';
import { startServer, createDatabase, req, psql } from './harness.mjs';
import { FAST_HASH, createUser, login } from './auth.mjs';

export const BASE = '/api/v1/att-aldras';

// The 13 municipalities (slug, kommunkod), in the principals' order.
export const MUNICIPALITIES = [
  ['boxholm', '0560'], ['finspang', '0562'], ['kinda', '0513'], ['linkoping', '0580'], ['mjolby', '0586'],
  ['motala', '0583'], ['norrkoping', '0581'], ['soderkoping', '0582'], ['vadstena', '0584'],
  ['valdemarsvik', '0563'], ['ydre', '0512'], ['atvidaberg', '0561'], ['odeshog', '0509'],
];

// The usual cast. Tests pass the subset they need.
export const USERS = {
  county: { principal: 'region-ostergotland', role: 'county_admin' },
  region: { principal: 'region-ostergotland', role: 'reporter', areas: ['att-aldras'] },
  motala: { principal: 'motala', role: 'reporter', areas: ['att-aldras'] },
  motalaAdmin: { principal: 'motala', role: 'org_admin' },
  kindaAdmin: { principal: 'kinda', role: 'org_admin' },
  reader: { principal: 'ydre', role: 'reader' },
};

// Starts a server on a new database with the given users logged in. Returns {srv, db, tok, sql, stop}.
export async function aldrasServer(users = USERS, { env = {} } = {}) {
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

function post(srv, token, path, rows, { query = '', headers = {}, raw } = {}) {
  const body = raw ?? JSON.stringify({ reports: rows });
  return req(srv, 'POST', `${BASE}${path}${query}`, { token, body, headers: { 'content-type': 'application/json', ...headers } });
}

export const pushHospital = (srv, token, rows, opts) => post(srv, token, '/hospital-reports', rows, opts);
export const pushCare = (srv, token, rows, opts) => post(srv, token, '/care-levels', rows, opts);

// One hospital report; counts default to a consistent set.
export function report(municipality, month, counts = {}, sex = 'T') {
  return {
    month, municipality, sex,
    discharges: 140, readmissions_48h: 2, readmissions_30d: 7, ed_visits: 50, ed_admitted: 20,
    ...counts,
  };
}

// T, K and M rows whose K + M equal T.
export function sexRows(municipality, month, k, m) {
  const t = {};
  for (const key of Object.keys(k)) t[key] = k[key] + m[key];
  return [report(municipality, month, t, 'T'), report(municipality, month, k, 'K'), report(municipality, month, m, 'M')];
}

// Asserts a 200 push answer: the core's import summary plus "reports". counts: expected
// numbers of the summary (any subset); reports: expected counts of the plugin's rows.
export function expectPushSummary(res, counts = {}, reports) {
  assert.equal(res.status, 200, `expected 200, got ${res.status}: ${res.text}`);
  const s = res.json;
  assert.deepEqual(Object.keys(s).sort(),
    ['created', 'deleted', 'dry_run', 'errors', 'mode', 'rejected', 'reports', 'unchanged', 'updated'], res.text);
  for (const [k, v] of Object.entries(counts)) assert.deepEqual(s[k], v, `${k} in ${res.text}`);
  if (reports) assert.deepEqual(s.reports, { created: 0, updated: 0, unchanged: 0, deleted: 0, ...reports }, res.text);
  for (const e of s.errors) assertRowError(e);
  return s;
}

export function assertRowError(e) {
  assert.deepEqual(Object.keys(e).sort(), ['code', 'index', 'message', 'path'], JSON.stringify(e));
  assert.equal(typeof e.index, 'number');
  assert.match(e.path, /^\/[a-z_]+\/\d+(\/[^/]+)?$/, e.path);
  assert.ok(e.message.length > 0);
}

// Finds the error {index, path, code} in a list; fails with the list when absent.
export function expectRowError(list, want) {
  const e = list.find((x) => Object.entries(want).every(([k, v]) => x[k] === v));
  assert.ok(e, `no error ${JSON.stringify(want)} in ${JSON.stringify(list, null, 1)}`);
  assert.ok(e.message.length > 0);
  return e;
}

// The shared values of a measure as "principal period sex value numerator denominator" lines.
export function valuesOf(env, measure, where = 'true') {
  return env.sql(`SELECT string_agg(concat_ws(' ', p.slug, v.period, v.sex, v.value, v.numerator, v.denominator), E'\\n' ORDER BY p.sort_order, v.period, v.sex)
    FROM core.values v JOIN core.measures m ON m.id = v.measure_id JOIN core.principals p ON p.id = v.principal_id
    WHERE m.slug = '${measure}' AND ${where}`);
}

// The month n months before the current one (n >= 1 is always in the past), "YYYY-MM".
export function monthsAgo(n, d = new Date()) {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - n, 1));
  return `${t.getUTCFullYear()}-${String(t.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function nextMonth(d = new Date()) {
  return monthsAgo(-1, d);
}

export function setPopulation(srv, token, rows) {
  return req(srv, 'PUT', '/api/v1/population', { token, body: { rows } });
}

// ---- OpenAPI: a small JSON Schema checker for the subset the plugin's fragment uses ($ref,
// type (one or a list), properties, required, additionalProperties, items, enum, const,
// minimum, maximum, minLength, maxLength, maxItems, pattern). Returns the problems found.
export function schemaProblems(doc, schema, value, at = '') {
  const out = [];
  const resolve = (s) => {
    while (s && s.$ref) {
      const parts = s.$ref.replace(/^#\//, '').split('/');
      s = parts.reduce((o, k) => (o ? o[k] : undefined), doc);
      if (!s) return null;
    }
    return s;
  };
  const typeOf = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);
  const walk = (sRaw, v, p) => {
    const s = resolve(sRaw);
    if (!s) { out.push(`${p}: unresolvable ${sRaw.$ref}`); return; }
    if (s.type) {
      const types = [].concat(s.type);
      const t = typeOf(v);
      if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) { out.push(`${p}: ${t} is not ${types.join('|')}`); return; }
    }
    if (s.enum && !s.enum.includes(v)) out.push(`${p}: ${JSON.stringify(v)} not in enum`);
    if ('const' in s && s.const !== v) out.push(`${p}: not ${JSON.stringify(s.const)}`);
    if (typeof v === 'number') {
      if (s.minimum !== undefined && v < s.minimum) out.push(`${p}: below ${s.minimum}`);
      if (s.maximum !== undefined && v > s.maximum) out.push(`${p}: above ${s.maximum}`);
    }
    if (typeof v === 'string') {
      if (s.minLength !== undefined && [...v].length < s.minLength) out.push(`${p}: shorter than ${s.minLength}`);
      if (s.maxLength !== undefined && [...v].length > s.maxLength) out.push(`${p}: longer than ${s.maxLength}`);
      if (s.pattern && !new RegExp(s.pattern).test(v)) out.push(`${p}: does not match ${s.pattern}`);
    }
    if (Array.isArray(v)) {
      if (s.maxItems !== undefined && v.length > s.maxItems) out.push(`${p}: more than ${s.maxItems} items`);
      if (s.items) v.forEach((x, i) => walk(s.items, x, `${p}/${i}`));
    }
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const r of s.required ?? []) if (!(r in v)) out.push(`${p}: missing ${r}`);
      for (const [k, x] of Object.entries(v)) {
        if (s.properties && k in s.properties) walk(s.properties[k], x, `${p}/${k}`);
        else if (s.additionalProperties === false) out.push(`${p}: unexpected member ${k}`);
        else if (s.additionalProperties && typeof s.additionalProperties === 'object') walk(s.additionalProperties, x, `${p}/${k}`);
      }
    }
  };
  walk(schema, value, at);
  return out;
}

// Asserts that res (a response) matches the documented response of method path in doc.
export function expectDocumented(doc, method, path, res) {
  const op = doc.paths[path]?.[method.toLowerCase()];
  assert.ok(op, `${method} ${path} is not in the OpenAPI document`);
  let r = op.responses[String(res.status)];
  assert.ok(r, `${method} ${path}: status ${res.status} is not documented`);
  while (r.$ref) r = r.$ref.replace(/^#\//, '').split('/').reduce((o, k) => o[k], doc);
  const schema = r.content?.['application/json']?.schema;
  assert.ok(schema, `${method} ${path} ${res.status}: no JSON schema`);
  const problems = schemaProblems(doc, schema, res.json);
  assert.deepEqual(problems, [], `${method} ${path} ${res.status}: ${res.text.slice(0, 500)}`);
}
