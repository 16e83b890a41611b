// Measures and values: the identity write matrix run end to end through POST /api/v1/values.
// Reporters of a few municipalities and the region with different area grants, a reader, an
// org_admin, a machine client and county_admin, each pushing each measure kind for its own
// principal, another municipality and the region. The expectation is computed from the rule
// (reporter of its own principal in granted areas; on-behalf measures region-only; county_admin
// anything), then every write is checked in the database.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { expectError } from './lib/harness.mjs';
import { createClient, clientToken } from './lib/auth.mjs';
import { valuesServer, push, expectSummary, getValues, M, ALL_AREAS } from './lib/values.mjs';

const USERS = {
  county: { principal: 'region-ostergotland', role: 'county_admin' },
  region: { principal: 'region-ostergotland', role: 'reporter', areas: ['att-aldras', 'nara-vard'] },
  motala: { principal: 'motala', role: 'reporter', areas: ['att-aldras', 'nara-vard'] },
  kinda: { principal: 'kinda', role: 'reporter', areas: ['vaxa-upp', 'digitalisering'] },
  linkoping: { principal: 'linkoping', role: 'reporter', areas: ALL_AREAS },
  reader: { principal: 'motala', role: 'reader' },
  orgAdmin: { principal: 'motala', role: 'org_admin' },
};

// Measures of every area, with how they are reported.
const MEASURES = [
  { slug: M.selfRated, area: 'att-aldras', by: ['municipality'], onBehalf: false, row: { period: '2024', numerator: 3, denominator: 4 } },
  { slug: M.readm30, area: 'att-aldras', by: ['region'], onBehalf: true, row: { period: '2024-05', numerator: 1, denominator: 9 } },
  { slug: M.sip, area: 'vaxa-upp', by: ['municipality'], onBehalf: false, row: { period: '2024T2', value: 12 } },
  { slug: M.grants, area: 'vaxa-upp', by: ['region', 'municipality'], onBehalf: false, row: { period: '2024', achieved: false } },
  { slug: M.shortTerm, area: 'nara-vard', by: ['municipality'], onBehalf: false, row: { period: '2024-W19', value: 7 } },
  { slug: 'nara-vard.readmissions-30d', area: 'nara-vard', by: ['region'], onBehalf: true, row: { period: '2024-05', numerator: 2, denominator: 30 } },
  { slug: M.initiatives, area: 'digitalisering', by: ['region', 'municipality'], onBehalf: false, row: { period: '2024', value: 4 } },
  { slug: M.kpp, area: 'nara-vard', by: ['region'], onBehalf: false, row: { period: '2024', numerator: 1, denominator: 3 } },
];
const PRINCIPALS = ['region-ostergotland', 'motala', 'kinda', 'ydre'];
const isRegion = (p) => p === 'region-ostergotland';

// The rule, written independently of the server.
function expected(user, m, principal) {
  const kindOk = m.onBehalf || m.by.includes(isRegion(principal) ? 'region' : 'municipality');
  if (user.role === 'county_admin') return kindOk ? 200 : 422;
  if (user.role !== 'reporter') return 403;
  if (!(user.areas ?? []).includes(m.area)) return 403;
  if (m.onBehalf) return isRegion(user.principal) ? (kindOk ? 200 : 422) : 403;
  if (user.principal !== principal) return 403;
  return kindOk ? 200 : 422;
}

let env, srv, tok;
const users = { ...USERS };
before(async () => {
  env = await valuesServer(USERS);
  ({ srv, tok } = env);
  const client = await createClient(env.db, { principal: 'ydre', role: 'reporter', areas: ['digitalisering', 'nara-vard'] });
  tok.client = (await clientToken(srv, client.client_id, client.client_secret)).access_token;
  users.client = { principal: 'ydre', role: 'reporter', areas: ['digitalisering', 'nara-vard'] };
});
after(async () => { await env.stop(); });

describe('the write matrix', () => {
  test('every caller × measure × principal answers as the rule says, and exactly the allowed writes are stored', async () => {
    const outcomes = [];
    let seq = 0;
    await Promise.all(Object.entries(users).map(async ([name, user]) => {
      for (const m of MEASURES) {
        for (const principal of PRINCIPALS) {
          // A distinct comment per attempt tells whose write is stored.
          const comment = `${name} ${principal} ${seq++}`;
          const res = await push(srv, tok[name], [{ measure: m.slug, principal, ...m.row, comment }]);
          const want = expected(user, m, principal);
          outcomes.push({ name, slug: m.slug, principal, want, got: res.status, res, comment });
        }
      }
    }));
    const wrong = outcomes.filter((o) => o.want !== o.got).map((o) => `${o.name} ${o.slug} ${o.principal}: expected ${o.want}, got ${o.got} ${o.res.text}`);
    assert.deepEqual(wrong, []);
    for (const o of outcomes) {
      if (o.got === 200) expectSummary(o.res, { rejected: 0 });
      if (o.got === 403) {
        const err = expectError(o.res, 403, 'forbidden');
        assert.equal(err.details.length >= 1, true);
        assert.equal(err.details.find((d) => d.code === 'forbidden').path, '/values/0/principal');
      }
      if (o.got === 422) assert.equal(o.res.json.error.details.find((d) => d.code === 'principal_kind_not_allowed')?.path, '/values/0/principal');
    }
    // What is stored: for each key, the comment of one of the allowed writes; no key without one.
    const stored = (await getValues(srv, tok.county, { limit: '1000' })).json.items;
    const allowedByKey = new Map();
    for (const o of outcomes.filter((x) => x.got === 200)) {
      const k = `${o.slug} ${o.principal}`;
      allowedByKey.set(k, [...(allowedByKey.get(k) ?? []), o.comment]);
    }
    assert.equal(stored.length, allowedByKey.size, JSON.stringify(stored.map((v) => `${v.measure} ${v.principal}`)));
    for (const v of stored) {
      const allowed = allowedByKey.get(`${v.measure} ${v.principal}`);
      assert.ok(allowed && allowed.includes(v.comment), `${v.measure} ${v.principal}: ${v.comment}`);
    }
    // Some cells of the matrix, spelled out.
    const cell = (name, slug, principal) => outcomes.find((o) => o.name === name && o.slug === slug && o.principal === principal).got;
    assert.equal(cell('motala', M.selfRated, 'motala'), 200);
    assert.equal(cell('motala', M.selfRated, 'kinda'), 403);
    assert.equal(cell('motala', M.sip, 'motala'), 403);
    assert.equal(cell('kinda', M.sip, 'kinda'), 200);
    assert.equal(cell('region', M.readm30, 'ydre'), 200);
    assert.equal(cell('motala', M.readm30, 'motala'), 403);
    assert.equal(cell('linkoping', M.readm30, 'motala'), 403);
    assert.equal(cell('region', M.shortTerm, 'motala'), 403);
    assert.equal(cell('region', M.kpp, 'region-ostergotland'), 200);
    assert.equal(cell('county', M.sip, 'ydre'), 200);
    assert.equal(cell('county', M.kpp, 'motala'), 422);
    assert.equal(cell('reader', M.selfRated, 'motala'), 403);
    assert.equal(cell('orgAdmin', M.selfRated, 'motala'), 403);
    assert.equal(cell('client', M.shortTerm, 'ydre'), 200);
    assert.equal(cell('client', M.initiatives, 'motala'), 403);
  });

  test('the refusal says why', async () => {
    const why = async (token, row) => expectError(await push(srv, token, [row]), 403, 'forbidden').details.find((d) => d.code === 'forbidden').message;
    assert.match(await why(tok.motala, { measure: M.selfRated, principal: 'kinda', period: '2023', numerator: 1, denominator: 2 }), /only your own principal/);
    assert.match(await why(tok.motala, { measure: M.sip, principal: 'motala', period: '2023T1', value: 1 }), /no write grant for this area/);
    assert.match(await why(tok.motala, { measure: M.readm30, principal: 'motala', period: '2023-01', numerator: 1, denominator: 2 }), /only the region/);
    assert.match(await why(tok.reader, { measure: M.selfRated, principal: 'motala', period: '2023', numerator: 1, denominator: 2 }), /reporter role/);
  });

  test('one forbidden row refuses the whole atomic push; partial keeps the allowed rows', async () => {
    const rows = [
      { measure: M.shortTerm, principal: 'linkoping', period: '2023-W10', value: 1 },
      { measure: M.shortTerm, principal: 'motala', period: '2023-W10', value: 1 },
    ];
    expectError(await push(srv, tok.linkoping, rows), 403, 'forbidden');
    assert.equal((await getValues(srv, tok.county, { measure: M.shortTerm, from: '2023-W10', to: '2023-W10' })).json.items.length, 0);
    expectSummary(await push(srv, tok.linkoping, rows, { query: '?mode=partial' }), { created: 1, rejected: 1 });
    const items = (await getValues(srv, tok.county, { measure: M.shortTerm, from: '2023-W10', to: '2023-W10' })).json.items;
    assert.deepEqual(items.map((v) => v.principal), ['linkoping']);
  });
});
