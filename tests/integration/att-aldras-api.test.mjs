// Att åldras: the measures the plugin defines, its validate hook on POST /api/v1/values, and its
// OpenAPI fragment: every route documented, every component prefixed, every example and every
// real answer matching its schema.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { req, expectStatus, expectError, SOURCE_DIR } from './lib/harness.mjs';
import {
  aldrasServer, pushHospital, pushCare, report, setPopulation, schemaProblems, expectDocumented, BASE,
} from './lib/att-aldras.mjs';

let env, srv, tok, doc;
before(async () => {
  env = await aldrasServer({
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    region: { principal: 'region-ostergotland', role: 'reporter', areas: ['att-aldras'] },
    motala: { principal: 'motala', role: 'reporter', areas: ['att-aldras'] },
    motalaAdmin: { principal: 'motala', role: 'org_admin' },
    reader: { principal: 'ydre', role: 'reader' },
  });
  ({ srv, tok } = env);
  doc = expectStatus(await req(srv, 'GET', '/openapi.json'), 200).json;
});
after(async () => { await env.stop(); });

const measure = async (slug) => expectStatus(await req(srv, 'GET', `/api/v1/measures/${slug}`, { token: tok.reader }), 200).json;

describe('measures', () => {
  test('the plugin defines the seeded measures again and the care-level ones; it is their definer', async () => {
    const items = expectStatus(await req(srv, 'GET', '/api/v1/measures?area=att-aldras', { token: tok.reader }), 200).json.items;
    const slugs = items.map((m) => m.slug).sort();
    const levels = ['primary', 'specialist', 'municipal'].flatMap((l) => ['80', 'all', 'ratio'].map((g) => `att-aldras.care-${l}-${g}`));
    assert.deepEqual(slugs, [
      'att-aldras.avoidable-inpatient-care', 'att-aldras.care-seeking-mapping', 'att-aldras.ed-visits-not-admitted',
      'att-aldras.readmissions-30d', 'att-aldras.readmissions-48h', 'att-aldras.recommendation-uptake', 'att-aldras.self-rated-health',
      ...levels,
    ].sort());
    assert.equal(env.sql("SELECT string_agg(DISTINCT defined_by, ',') FROM core.measures m JOIN core.areas a ON a.id = m.area_id WHERE a.slug = 'att-aldras'"), 'att-aldras');
  });

  test('titles are the work plan\'s Swedish text, with English beside', async () => {
    const want = {
      'att-aldras.readmissions-48h': ['Andel återinläggningar inom 48h', 'Share of readmissions within 48 hours'],
      'att-aldras.readmissions-30d': ['Andel återinläggningar inom 30 dagar', 'Share of readmissions within 30 days'],
      'att-aldras.ed-visits-not-admitted': ['Andel besök på akutmottagning som ej lett till inläggning bland äldre (80+)', 'Share of emergency-department visits by older people (80+) that did not lead to admission'],
      'att-aldras.avoidable-inpatient-care': ['Påverkbar slutenvård hos äldre', 'Influenceable (avoidable) inpatient care among older people'],
      'att-aldras.self-rated-health': ['Egen upplevd hälsa bland äldre', 'Self-rated health among older people'],
      'att-aldras.care-seeking-mapping': ['Kartläggning av äldres sökmönster till vården', "Survey of older people's care-seeking patterns"],
    };
    for (const [slug, [sv, en]] of Object.entries(want)) {
      const m = await measure(slug);
      assert.equal(m.title, sv, slug);
      assert.equal(m.title_en, en, slug);
    }
    const care = await measure('att-aldras.care-primary-80');
    assert.ok(care.title.startsWith('Hälso- och sjukvårdsinsatser som ges till äldre (80+) jämfört med hela befolkningen per vårdnivå.'), care.title);
    assert.match(care.title, /Primärvård/);
  });

  test('definitions as the issue asks', async () => {
    const expect = {
      'att-aldras.readmissions-30d': { unit: 'percent', ratio: true, period_type: 'month', reported_by: ['region'], on_behalf: true, direction: 'lower_is_better', age_band: '80+', sex_split: true },
      'att-aldras.ed-visits-not-admitted': { unit: 'percent', ratio: true, period_type: 'month', reported_by: ['region'], on_behalf: true },
      'att-aldras.avoidable-inpatient-care': { unit: 'per_1000', ratio: true, period_type: 'quarter', reported_by: ['region'], on_behalf: true, age_band: '80+' },
      'att-aldras.self-rated-health': { unit: 'percent', period_type: 'year', reported_by: ['municipality'], on_behalf: false },
      'att-aldras.care-seeking-mapping': { kind: 'milestone', period_type: 'year' },
      'att-aldras.care-primary-80': { unit: 'per_1000', ratio: true, period_type: 'year', reported_by: ['region'], on_behalf: true, age_band: '80+' },
      'att-aldras.care-specialist-all': { unit: 'per_1000', ratio: true, period_type: 'year', reported_by: ['region'], on_behalf: true, age_band: null },
      'att-aldras.care-municipal-ratio': { unit: 'ratio', ratio: false, period_type: 'year', reported_by: ['municipality'], on_behalf: false },
    };
    for (const [slug, fields] of Object.entries(expect)) {
      const m = await measure(slug);
      for (const [k, v] of Object.entries(fields)) assert.deepEqual(m[k], v, `${slug}.${k}`);
    }
  });

  test('the validate hook: the derived shares and rates take whole numerators and denominators, also through POST /api/v1/values', async () => {
    const row = (numerator, denominator, principal = 'motala') => ({ measure: 'att-aldras.readmissions-30d', principal, period: '2024-06', numerator, denominator });
    const err = expectError(await req(srv, 'POST', '/api/v1/values', { token: tok.region, body: { values: [row(2.5, 140), row(7, 140.5, 'kinda')] } }), 422);
    assert.deepEqual(err.details.map((e) => `${e.index} ${e.path} ${e.code}`).sort(), ['0 /values/0/numerator not_a_count', '1 /values/1/denominator not_a_count']);
    expectStatus(await req(srv, 'POST', '/api/v1/values', { token: tok.region, body: { values: [row(7, 140)] } }), 200);
    const care = { measure: 'att-aldras.care-primary-80', principal: 'motala', period: '2023', numerator: 10, denominator: 2500.5 };
    expectError(await req(srv, 'POST', '/api/v1/values', { token: tok.region, body: { values: [care] } }), 422);
    // Self-rated health may be a weighted survey estimate: not checked.
    const survey = { measure: 'att-aldras.self-rated-health', principal: 'motala', period: '2023', numerator: 61.5, denominator: 100.25 };
    expectStatus(await req(srv, 'POST', '/api/v1/values', { token: tok.motala, body: { values: [survey] } }), 200);
  });
});

describe('the OpenAPI fragment', () => {
  const fragment = JSON.parse(fs.readFileSync(path.join(SOURCE_DIR, 'plugins', 'att-aldras', 'openapi.json'), 'utf8'));
  const routes = [
    ['get', '/api/v1/att-aldras', 'getAttAldrasPlugin'],
    ['post', '/api/v1/att-aldras/hospital-reports', 'pushAttAldrasHospitalReports'],
    ['get', '/api/v1/att-aldras/hospital-reports', 'listAttAldrasHospitalReports'],
    ['post', '/api/v1/att-aldras/care-levels', 'pushAttAldrasCareLevels'],
    ['get', '/api/v1/att-aldras/care-levels', 'listAttAldrasCareLevels'],
    ['get', '/api/v1/att-aldras/networks', 'listAttAldrasNetworks'],
    ['post', '/api/v1/att-aldras/networks', 'createAttAldrasNetwork'],
    ['get', '/api/v1/att-aldras/networks/{network}', 'getAttAldrasNetwork'],
    ['patch', '/api/v1/att-aldras/networks/{network}', 'patchAttAldrasNetwork'],
    ['get', '/api/v1/att-aldras/overview', 'getAttAldrasOverview'],
  ];

  test('every route is in the served document with its operationId, error responses and examples', () => {
    for (const [method, p, id] of routes) {
      const op = doc.paths[p]?.[method];
      assert.ok(op, `${method} ${p}`);
      assert.equal(op.operationId, id);
      assert.ok(op.responses['401'], `${id} documents 401`);
      if (method !== 'get') for (const status of ['400', '403', '422']) assert.ok(op.responses[status], `${id} documents ${status}`);
      const ok = op.responses['200'] ?? op.responses['201'];
      const content = ok.content['application/json'];
      assert.ok(content.example || content.examples, `${id} has an example`);
      if (op.requestBody) {
        const body = op.requestBody.content['application/json'];
        assert.ok(body.example || body.examples, `${id} has a request example`);
      }
    }
    // Nothing documented that is not served.
    const documented = Object.entries(fragment.paths).flatMap(([p, item]) => Object.keys(item).filter((k) => k !== 'parameters').map((m) => `${m} ${p}`));
    assert.deepEqual(documented.sort(), routes.map(([m, p]) => `${m} ${p}`).sort());
  });

  test('component names are prefixed AttAldras; every $ref resolves', () => {
    for (const [section, entries] of Object.entries(fragment.components)) {
      for (const name of Object.keys(entries)) assert.match(name, /^AttAldras[A-Z]/, `${section}/${name}`);
    }
    const refs = [...JSON.stringify(fragment).matchAll(/"\$ref":"#\/([^"]+)"/g)];
    assert.ok(refs.length > 20, `${refs.length} references`);
    for (const m of refs) {
      const target = m[1].split('/').reduce((o, k) => (o ? o[k] : undefined), doc);
      assert.ok(target, `unresolved $ref #/${m[1]}`);
    }
  });

  test('every example matches its schema', () => {
    let checked = 0;
    const check = (content, where) => {
      const c = content?.['application/json'];
      if (!c) return;
      const examples = c.example !== undefined ? [c.example] : Object.values(c.examples ?? {}).map((e) => e.value);
      for (const ex of examples) {
        assert.deepEqual(schemaProblems(doc, c.schema, ex), [], where);
        checked++;
      }
    };
    for (const [p, item] of Object.entries(fragment.paths)) {
      for (const [m, op] of Object.entries(item)) {
        if (m === 'parameters') continue;
        check(op.requestBody?.content, `${m} ${p} request`);
        for (const [status, r] of Object.entries(op.responses)) check((r.$ref ? doc.components.responses[r.$ref.split('/').pop()] : r).content, `${m} ${p} ${status}`);
      }
    }
    assert.ok(checked >= 25, `${checked} examples checked`);
  });

  test('real answers match the documented schemas', async () => {
    const check = async (method, p, res) => { expectDocumented(doc, method, p, await res); };
    await check('GET', '/api/v1/att-aldras', req(srv, 'GET', BASE, { token: tok.reader }));
    await check('POST', '/api/v1/att-aldras/hospital-reports', pushHospital(srv, tok.region, [report('motala', '2024-03'), report('motala', '2025-03')]));
    await check('POST', '/api/v1/att-aldras/hospital-reports', pushHospital(srv, tok.region, [{ ...report('motala', '2024-04'), discharges: 1 }], { query: '?mode=partial' }));
    await check('POST', '/api/v1/att-aldras/hospital-reports', pushHospital(srv, tok.region, [{ ...report('motala', '2024-04'), discharges: 1 }]));
    await check('POST', '/api/v1/att-aldras/hospital-reports', pushHospital(srv, tok.motala, [report('motala', '2024-04')]));
    await check('POST', '/api/v1/att-aldras/hospital-reports', pushHospital(srv, tok.region, null, { raw: '[]' }));
    await check('GET', '/api/v1/att-aldras/hospital-reports', req(srv, 'GET', `${BASE}/hospital-reports`, { token: tok.reader }));
    await check('GET', '/api/v1/att-aldras/hospital-reports', req(srv, 'GET', `${BASE}/hospital-reports?from=x`, { token: tok.reader }));
    expectStatus(await setPopulation(srv, tok.county, [{ principal: 'motala', year: 2024, sex: 'T', age_band: '80+', population: 2500 }, { principal: 'motala', year: 2024, sex: 'T', age_band: 'all', population: 43000 }]), 200);
    await check('POST', '/api/v1/att-aldras/care-levels', pushCare(srv, tok.region, [{ year: 2024, municipality: 'motala', care_level: 'primary', contacts_80: 10000, contacts_all: 86000 }]));
    await check('POST', '/api/v1/att-aldras/care-levels', pushCare(srv, tok.region, [{ year: 2023, municipality: 'motala', care_level: 'primary', contacts_80: 1, contacts_all: 2 }]));
    await check('GET', '/api/v1/att-aldras/care-levels', req(srv, 'GET', `${BASE}/care-levels`, { token: tok.reader }));
    await check('GET', '/api/v1/att-aldras/networks', req(srv, 'GET', `${BASE}/networks`, { token: tok.reader }));
    await check('GET', '/api/v1/att-aldras/networks/{network}', req(srv, 'GET', `${BASE}/networks/nope`, { token: tok.reader }));
    await check('POST', '/api/v1/att-aldras/networks', req(srv, 'POST', `${BASE}/networks`, { token: tok.county, body: { slug: 'api-test', title: 'T', title_en: 'T', assignment: 'A', meetings: ['2025-01-01'] } }));
    await check('POST', '/api/v1/att-aldras/networks', req(srv, 'POST', `${BASE}/networks`, { token: tok.county, body: { slug: 'api-test', title: 'T', title_en: 'T', assignment: 'A' } }));
    await check('PATCH', '/api/v1/att-aldras/networks/{network}', req(srv, 'PATCH', `${BASE}/networks/api-test`, { token: tok.county, body: { recommendations: [{ title: 'R', issued_on: '2025-01-02' }] } }));
    const rec = expectStatus(await req(srv, 'GET', `${BASE}/networks/api-test`, { token: tok.reader }), 200).json.recommendations[0];
    await check('PATCH', '/api/v1/att-aldras/networks/{network}', req(srv, 'PATCH', `${BASE}/networks/api-test`, { token: tok.motalaAdmin, body: { representatives: { motala: [{ role: 'MAS' }] }, follow_up: [{ recommendation: rec.id, principal: 'motala', status: 'partly', date: '2025-02-01' }] } }));
    await check('PATCH', '/api/v1/att-aldras/networks/{network}', req(srv, 'PATCH', `${BASE}/networks/api-test`, { token: tok.motalaAdmin, body: { title: 'x' } }));
    await check('PATCH', '/api/v1/att-aldras/networks/{network}', req(srv, 'PATCH', `${BASE}/networks/api-test`, { token: tok.motalaAdmin, body: { representatives: { motala: [{ role: '' }] } } }));
    await check('GET', '/api/v1/att-aldras/overview', req(srv, 'GET', `${BASE}/overview?period=2025-03`, { token: tok.reader }));
    await check('GET', '/api/v1/att-aldras/overview', req(srv, 'GET', `${BASE}/overview?period=03-2025`, { token: tok.reader }));
    await check('GET', '/api/v1/att-aldras/overview', req(srv, 'GET', `${BASE}/overview`));
  });
});
