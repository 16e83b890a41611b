// Helpers for the tests of the vaxa-upp plugin (tests/integration/vaxa-upp-*.test.mjs): a server
// that loads only this plugin, with logged-in users; the plugin's routes; valid input rows to
// start from; and assertions on the small-number cells {"value", "suppressed"}.
//
//   const env = await vaxaServer({ motala: { principal: 'motala', role: 'reporter', areas: ['vaxa-upp'] } });
//   const res = await vpost(env.srv, env.tok.motala, '/hvb/occupancy', { occupancy: [occupancy('motala')] });
//   expectShown(res.json.items[0].started, 3);
import assert from 'node:assert/strict';
import { req } from './harness.mjs';
import { valuesServer } from './values.mjs';

export const BASE = '/api/v1/vaxa-upp';

// The usual cast: the county secretariat, reporters of three municipalities and the region,
// readers, and an org_admin without the reporter role.
export const USERS = {
  county: { principal: 'region-ostergotland', role: 'county_admin' },
  region: { principal: 'region-ostergotland', role: 'reporter', areas: ['vaxa-upp'] },
  motala: { principal: 'motala', role: 'reporter', areas: ['vaxa-upp'] },
  kinda: { principal: 'kinda', role: 'reporter', areas: ['vaxa-upp'] },
  ydre: { principal: 'ydre', role: 'reporter', areas: ['vaxa-upp'] },
  linkoping: { principal: 'linkoping', role: 'reporter', areas: ['vaxa-upp'] },
  motalaReader: { principal: 'motala', role: 'reader' },
  reader: { principal: 'norrkoping', role: 'reader' },
  otherArea: { principal: 'motala', role: 'reporter', areas: ['att-aldras'] },
  orgAdmin: { principal: 'motala', role: 'org_admin' },
};

// A server on a new database with only this plugin loaded (other areas' plugins are other
// tests' business). Returns the valuesServer environment {srv, db, tok, users, sql, stop}.
export function vaxaServer(users = USERS, env = {}) {
  return valuesServer(users, { env: { LGVO_PLUGINS: 'vaxa-upp', ...env } });
}

export function vpost(srv, token, path, body, { query = '', headers = {} } = {}) {
  return req(srv, 'POST', `${BASE}${path}${query}`, { token, body, headers });
}

export function vget(srv, token, path) {
  return req(srv, 'GET', `${BASE}${path}`, { token });
}

// ---- valid rows (override any member; a member set to undefined is left out) ----

function clean(o) {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

export function occupancy(principal, extra = {}) {
  return clean({
    principal, period: '2025H1', started: 6, ended: 3, ongoing: 5, care_days: 700,
    by_age: { 13: 1, 14: 1, 15: 2, 16: 1, 17: 1 },
    by_reason: { 'home-environment': 2, 'substance-use': 1, criminality: 3 },
    collaborating_parties: ['BUP', 'Elevhälsan'], ...extra,
  });
}

export function report(principal, extra = {}) {
  return clean({ principal, period: '2025H1', operations: 'Verksamheten fungerar väl; två nya medarbetare.',
    change_needs: 'Behov av fler platser för flickor.', steering_group_meeting: '2025-09-15', ...extra });
}

export function check(principal, extra = {}) {
  return clean({ principal, year: 2025, placed: 20, health_examined: 15, dental_assessed: 12, ...extra });
}

export function youth(principal, extra = {}) {
  return clean({ principal, year: 2025,
    visits: { '13-17': { K: 300, M: 120 }, '18-21': { K: 210, M: 90 }, '22-25': { K: 40, M: 15 } },
    staffing_fte: 4.5, ...extra });
}

export function sip(principal, extra = {}) {
  return clean({ principal, period: '2025T1', initiated: 12,
    by_initiator: { social_services: 5, health_care: 4, school: 2, person_or_relatives: 1 },
    by_age_band: { '0-17': 8, '18+': 4 }, ...extra });
}

export function concern(principal, extra = {}) {
  return clean({ principal, period: '2025Q1', reports: 57, ...extra });
}

export function grant(principal, extra = {}) {
  return clean({ principal, year: 2025, granted: 1200000, used: 950000, carried_over: 100000,
    focus_areas: ['co-morbidity', 'suicide-prevention'], account: 'Samverkansteam för samsjuklighet startat.', ...extra });
}

// ---- assertions ----

// A cell shown with value v.
export function expectShown(cell, v, what = '') {
  assert.deepEqual(cell, { value: v, suppressed: false }, `${what}: ${JSON.stringify(cell)}`);
}

// A cell hidden by the small-number rule.
export function expectHidden(cell, what = '') {
  assert.deepEqual(cell, { value: null, suppressed: true }, `${what}: ${JSON.stringify(cell)}`);
}

// Every cell ({value, suppressed}) inside a JSON value, with its path.
export function cells(x, path = '') {
  if (x && typeof x === 'object' && !Array.isArray(x) && 'suppressed' in x && 'value' in x) return [[path, x]];
  if (Array.isArray(x)) return x.flatMap((v, i) => cells(v, `${path}/${i}`));
  if (x && typeof x === 'object') return Object.entries(x).flatMap(([k, v]) => cells(v, `${path}/${k}`));
  return [];
}

// No shown count from 1 to 4 anywhere in x (for another principal's caller).
export function expectNoSmallShown(x, allow = () => false) {
  for (const [p, c] of cells(x)) {
    if (allow(p)) continue;
    if (c.suppressed) continue;
    if (/share$/.test(p)) continue;
    assert.ok(!(Number.isInteger(c.value) && c.value >= 1 && c.value <= 4), `small number shown at ${p}: ${JSON.stringify(c)}`);
  }
}

// The errors of a 422 or a summary as "index path code" strings, sorted.
export function keys(list) {
  return list.map((e) => `${e.index} ${e.path} ${e.code}`).sort();
}

export function expectRowError(list, index, path, code) {
  const e = list.find((x) => x.index === index && x.path === path && x.code === code);
  assert.ok(e, `no error ${index} ${path} ${code} in ${JSON.stringify(list)}`);
  assert.deepEqual(Object.keys(e).sort(), ['code', 'index', 'message', 'path']);
  assert.ok(e.message.length > 0);
  return e;
}
