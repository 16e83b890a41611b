// nara-vard: the plugin as a whole — what it is, its OpenAPI fragment in the served document,
// the measures it defines, its validate hook on values pushed through POST /api/v1/values,
// and the right every route declares.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { expectError, expectStatus, req } from './lib/harness.mjs';
import { naraServer, COUNTY, reporter, reader, BASE } from './lib/nara-vard.mjs';

// Every route: [method, path (OpenAPI form), operationId, who may call it].
const ROUTES = [
  ['get', '', 'getNaraVardPlugin', 'authenticated'],
  ['post', '/beds', 'postNaraVardBeds', 'write'],
  ['get', '/beds', 'listNaraVardBeds', 'authenticated'],
  ['get', '/beds/county', 'getNaraVardBedsCounty', 'authenticated'],
  ['post', '/discharge-delays', 'postNaraVardDischargeDelays', 'write'],
  ['get', '/discharge-delays', 'listNaraVardDischargeDelays', 'authenticated'],
  ['put', '/discharge-delays/{municipality}/{month}/comment', 'putNaraVardDischargeComment', 'write'],
  ['delete', '/discharge-delays/{municipality}/{month}/comment', 'deleteNaraVardDischargeComment', 'write'],
  ['post', '/falls', 'postNaraVardFalls', 'write'],
  ['get', '/falls', 'listNaraVardFalls', 'authenticated'],
  ['post', '/kpp', 'postNaraVardKpp', 'write'],
  ['get', '/kpp', 'getNaraVardKpp', 'authenticated'],
  ['get', '/primary-care-plan', 'getNaraVardPrimaryCarePlan', 'authenticated'],
  ['post', '/primary-care-plan/status', 'postNaraVardPrimaryCarePlanStatus', 'write'],
  ['get', '/primary-care-plan/status', 'getNaraVardPrimaryCarePlanStatus', 'authenticated'],
  ['post', '/staffing', 'postNaraVardStaffing', 'write'],
  ['get', '/staffing', 'listNaraVardStaffing', 'authenticated'],
  ['get', '/staffing/county', 'getNaraVardStaffingCounty', 'authenticated'],
  ['get', '/driver-diagram', 'getNaraVardDriverDiagram', 'authenticated'],
];
const concrete = (p) => p.replace('{municipality}', 'motala').replace('{month}', '2025-03');

let env;
before(async () => {
  env = await naraServer({
    county: COUNTY,
    motala: reporter('motala'),
    region: reporter('region-ostergotland'),
    reader: reader('ydre'),
  });
});
after(async () => { await env.stop(); });

const pushValues = (who, values) => req(env.srv, 'POST', '/api/v1/values', { token: env.tok[who], body: { values } });

describe('the plugin', () => {
  test('GET /api/v1/nara-vard says what it is; /api/v1/plugins lists it', async () => {
    const res = expectStatus(await env.get('reader', ''), 200);
    assert.deepEqual(res.json, {
      slug: 'nara-vard', name: 'Nära vård och kompetensförsörjning', version: '1.0.0', area: 'nara-vard',
      description: 'Local care and staffing: short-term and local-care beds, discharge delays, falls, costs per patient, the joint primary-care plan and staffing.',
      abi_version: '1.0',
    });
    const plugins = expectStatus(await req(env.srv, 'GET', '/api/v1/plugins', { token: env.tok.reader }), 200).json.items;
    assert.ok(plugins.some((p) => p.slug === 'nara-vard'), JSON.stringify(plugins));
  });

  test('the OpenAPI fragment: every route with its operationId, components prefixed NaraVard, examples, no dangling refs', async () => {
    const doc = expectStatus(await req(env.srv, 'GET', '/openapi.json'), 200).json;
    const fragment = JSON.parse(fs.readFileSync(new URL('../../plugins/nara-vard/openapi.json', import.meta.url), 'utf8'));
    for (const [method, p, op] of ROUTES) {
      const item = doc.paths[`${BASE}${p}`]?.[method];
      assert.ok(item, `${method} ${p} is not in /openapi.json`);
      assert.equal(item.operationId, op);
      assert.ok(item.responses['200'], `${op}: no 200 response`);
      const c = item.responses['200'].content?.['application/json'];
      assert.ok(c && (c.example || c.examples), `${op}: no example`);
      if (method === 'post' || method === 'put') assert.ok(item.requestBody.content['application/json'].example, `${op}: no request example`);
    }
    assert.equal(Object.keys(fragment.paths).length, new Set(ROUTES.map((r) => r[1])).size);
    for (const p of Object.keys(fragment.paths)) assert.ok(p === BASE || p.startsWith(`${BASE}/`), p);
    for (const section of Object.values(fragment.components)) {
      for (const name of Object.keys(section)) assert.match(name, /^NaraVard/);
    }
    const text = JSON.stringify(doc);
    for (const [, kind, name] of text.matchAll(/"#\/components\/(\w+)\/(\w+)"/g)) {
      if (name.startsWith('NaraVard')) assert.ok(doc.components[kind]?.[name], `dangling $ref ${kind}/${name}`);
    }
    assert.ok(doc.components.schemas.Error, 'the core\'s Error schema the fragment refers to');
  });

  test('the measures it defines are served by the core', async () => {
    const items = expectStatus(await req(env.srv, 'GET', '/api/v1/measures?area=nara-vard', { token: env.tok.reader }), 200).json.items;
    const by = Object.fromEntries(items.map((m) => [m.slug, m]));
    assert.deepEqual(
      ['unit', 'period_type', 'ratio', 'reported_by', 'on_behalf', 'restricted', 'sex_split', 'age_band'].map((k) => by['nara-vard.short-term-occupancy'][k]),
      ['ratio', 'week', true, ['municipality'], false, false, false, null]);
    assert.deepEqual(
      ['unit', 'period_type', 'ratio', 'reported_by', 'on_behalf', 'direction'].map((k) => by['nara-vard.discharge-delay-mean-days'][k]),
      ['days', 'month', true, ['region'], true, 'lower_is_better']);
    for (const [slug, band] of [['nara-vard.fall-injury-rate-65-79', '65-79'], ['nara-vard.fall-injury-rate-80-plus', '80+'], ['nara-vard.fall-injury-rate-65-plus', '65+']]) {
      assert.deepEqual(['unit', 'period_type', 'ratio', 'sex_split', 'restricted', 'age_band'].map((k) => by[slug][k]),
        ['per_1000', 'quarter', true, true, true, band], slug);
    }
    assert.ok(by['nara-vard.local-care-occupancy'].title === 'Beläggningsgrad närvårdsplatser');
    // The seeded measures the plugin derives are unchanged.
    assert.equal(by['nara-vard.short-term-places'].title, 'Antal korttidsplatser');
    assert.equal(by['nara-vard.kpp-priority-cost-share'].title, 'Förflyttning i KPP per diagnosgrupp och åldersgrupp till de med störst vårdbehov');
  });
});

describe('the validate hook (values pushed through POST /api/v1/values)', () => {
  const occ = (extra) => ({ measure: 'nara-vard.short-term-occupancy', principal: 'motala', period: '2025-W40', numerator: 19, denominator: 20, ...extra });

  test('occupancy above 1 needs a comment; places are whole', async () => {
    const res = await pushValues('motala', [occ({ numerator: 21 }), occ({ period: '2025-W41', denominator: 20.5 }), occ({ period: '2025-W42', numerator: 21, comment: 'Överbeläggning' })]);
    const e = expectError(res, 422, 'validation_failed');
    assert.deepEqual(e.details.map((d) => `${d.index} ${d.path} ${d.code}`).sort(),
      ['0 /values/0/numerator overcrowded_unexplained', '1 /values/1/denominator not_whole']);
    const ok = expectStatus(await pushValues('motala', [occ(), occ({ period: '2025-W42', numerator: 21, comment: 'Överbeläggning' })]), 200).json;
    assert.equal(ok.created, 2);
  });

  test('fall rates and discharge means take whole numbers; the discharge mean is the region\'s', async () => {
    const rate = { measure: 'nara-vard.fall-injury-rate-80-plus', principal: 'motala', period: '2025Q3', sex: 'K', numerator: 1.5, denominator: 1000 };
    let e = expectError(await pushValues('motala', [rate]), 422);
    assert.deepEqual(e.details.map((d) => `${d.path} ${d.code}`), ['/values/0/numerator not_whole']);
    const mean = { measure: 'nara-vard.discharge-delay-mean-days', principal: 'motala', period: '2025-07', numerator: 10, denominator: 2.5 };
    e = expectError(await pushValues('region', [mean]), 422);
    assert.deepEqual(e.details.map((d) => `${d.path} ${d.code}`), ['/values/0/denominator not_whole']);
    expectError(await pushValues('motala', [{ ...mean, denominator: 4 }]), 403);
    expectStatus(await pushValues('region', [{ ...mean, denominator: 4 }]), 200);
  });

  test('other areas\' measures and the seeded ones are left alone', async () => {
    expectStatus(await pushValues('motala', [{ measure: 'nara-vard.short-term-places', principal: 'motala', period: '2025-W40', value: 2.5 }]), 200);
  });
});

describe('every route declares its right', () => {
  test('without a token: 401 everywhere', async () => {
    for (const [method, p] of ROUTES) {
      const res = await req(env.srv, method.toUpperCase(), `${BASE}${concrete(p)}`, { body: method === 'get' || method === 'delete' ? undefined : {} });
      expectError(res, 401);
    }
  });

  test('a reader may read but not write: 403 on every write route', async () => {
    for (const [method, p, op, who] of ROUTES) {
      const body = method === 'get' || method === 'delete' ? undefined : {};
      const res = await req(env.srv, method.toUpperCase(), `${BASE}${concrete(p)}`, { token: env.tok.reader, body });
      if (who === 'write') expectError(res, 403);
      else assert.ok(res.status === 200 || res.status === 400, `${op}: ${res.status} ${res.text}`);
    }
  });
});
