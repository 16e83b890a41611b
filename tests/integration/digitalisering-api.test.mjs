// Digitalisering: what the plugin is, the measures it defines, who may call each route (one
// table over every route and kind of caller), and its OpenAPI fragment: every route documented
// with its operationId and examples, components prefixed Digitalisering, every example and
// every real answer matching its schema.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { req, expectStatus, SOURCE_DIR } from './lib/harness.mjs';
import { schemaProblems, expectDocumented } from './lib/att-aldras.mjs';
import { digiServer, call, BASE, propose, openRound, pdsaCycle, day } from './lib/digitalisering.mjs';

let env, tok, doc;
before(async () => {
  env = await digiServer({
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    motala: { principal: 'motala', role: 'reporter', areas: ['digitalisering'] },
    motalaAdmin: { principal: 'motala', role: 'org_admin' },
    kindaAldras: { principal: 'kinda', role: 'reporter', areas: ['att-aldras'] },
    reader: { principal: 'ydre', role: 'reader' },
  });
  ({ tok } = env);
  doc = expectStatus(await req(env.srv, 'GET', '/openapi.json'), 200).json;
});
after(async () => { await env.stop(); });

describe('the plugin', () => {
  test('GET /api/v1/digitalisering says what it is; it serves the area', async () => {
    const res = expectStatus(await call(env, 'GET', '', tok.reader), 200).json;
    assert.deepEqual(res, { slug: 'digitalisering', name: 'Digitalisering', version: '1.0.0', area: 'digitalisering',
      description: res.description, abi_version: '1.0' });
    const area = expectStatus(await req(env.srv, 'GET', '/api/v1/areas/digitalisering'), 200).json;
    assert.equal(area.plugin, 'digitalisering');
  });

  test('the five seeded measures keep their slugs and titles; the plugin is their definer', async () => {
    const items = expectStatus(await req(env.srv, 'GET', '/api/v1/measures?area=digitalisering', { token: tok.reader }), 200).json.items;
    assert.deepEqual(items.map((m) => [m.slug, m.title, m.kind, m.unit, m.period_type]).sort(), [
      ['digitalisering.baseline-mapped', 'Baslinjemätning inkl. kartläggning av vad som redan pågår.', 'milestone', 'boolean', 'year'],
      ['digitalisering.initiatives-ongoing', 'Antal pågående digitala initiativ', 'indicator', 'count', 'year'],
      ['digitalisering.test-reflections', 'Reflektion: Vilka insikter ger testet?!', 'text', 'text', 'year'],
      ['digitalisering.tests-run', 'Testa!', 'indicator', 'count', 'year'],
      ['digitalisering.value-compass', 'Utveckla en värdekompas. Välja ut några få mätetal att visualisera - "Vitala få"', 'milestone', 'boolean', 'year'],
    ]);
    const init = items.find((m) => m.slug === 'digitalisering.initiatives-ongoing');
    assert.deepEqual([init.reported_by, init.min, init.direction], [['region', 'municipality'], 0, 'none']);
    assert.equal(env.sql("SELECT string_agg(DISTINCT defined_by, ',') FROM core.measures WHERE slug LIKE 'digitalisering.%'"), 'digitalisering');
  });
});

describe('who may call what', () => {
  // Status per caller: [no token, reader, reporter granted digitalisering (own principal),
  // org_admin (own principal), reporter granted att-aldras only, county_admin]. Bodies are
  // valid, so a status other than 401/403 says the caller passed the rights.
  let need, round, cycle, init, ids;
  before(async () => {
    need = (await propose(env, tok.county)).id;
    ids = [(await propose(env, tok.county)).id, (await propose(env, tok.county)).id];
    round = (await openRound(env, ids)).id;
    cycle = (await pdsaCycle(env)).id;
    expectStatus(await call(env, 'POST', '/initiatives', tok.county, { initiatives: [{ principal: 'motala', name: 'X', area: 'att-aldras', category: 'e-services', status: 'planned' }] }), 200);
    init = env.sql("SELECT id FROM digitalisering.initiatives WHERE name = 'X'");
  });
  const cases = () => [
    ['GET', '', null, [401, 200, 200, 200, 200, 200]],
    ['GET', '/needs', null, [401, 200, 200, 200, 200, 200]],
    ['POST', '/needs', { kind: 'need', title: 'Rätt', areas: ['att-aldras'] }, [401, 403, 201, 403, 201, 201]],
    ['PATCH', `/needs/${need}`, { title: 'Ny' }, [401, 403, 403, 403, 403, 200]],
    ['POST', `/needs/${need}/merge`, { duplicates: [] }, [401, 403, 403, 403, 403, 422]],
    ['GET', `/rounds/${round}`, null, [401, 200, 200, 200, 200, 200]],
    ['POST', '/rounds', { title: 'R', closes_on: day(3), needs: ids }, [401, 403, 403, 403, 403, 201]],
    ['PATCH', `/rounds/${round}`, { title: 'R2' }, [401, 403, 403, 403, 403, 200]],
    ['PUT', `/rounds/${round}/ballots/motala`, { ranking: ids }, [401, 403, 201, 200, 403, 200]],
    ['GET', `/rounds/${round}/ballots/motala`, null, [401, 403, 200, 200, 403, 403]],
    ['GET', `/rounds/${round}/result`, null, [401, 409, 409, 409, 409, 409]],
    ['GET', '/tests', null, [401, 200, 200, 200, 200, 200]],
    ['POST', '/tests', { need, pdsa: cycle }, [401, 403, 403, 403, 403, 409]],
    ['PATCH', '/tests/999999', { note: 'N' }, [401, 403, 403, 403, 403, 404]],
    ['GET', '/initiatives', null, [401, 200, 200, 200, 200, 200]],
    ['POST', '/initiatives', { initiatives: [{ name: 'Y', area: 'att-aldras', category: 'e-services', status: 'planned' }] }, [401, 403, 200, 403, 403, 200]],
    ['DELETE', `/initiatives/${init}`, null, [401, 403, 200, 403, 403, 404]],
    ['GET', '/value-compass', null, [401, 200, 200, 200, 200, 200]],
    ['PUT', '/value-compass', { measures: [] }, [401, 403, 403, 403, 403, 422]],
  ];

  test('every route checks its right and whose data it is', async () => {
    const callers = [undefined, tok.reader, tok.motala, tok.motalaAdmin, tok.kindaAldras, tok.county];
    const seen = [];
    for (const [method, p, body, want] of cases()) {
      const got = [];
      for (const t of callers) got.push((await call(env, method, p, t, body ?? undefined)).status);
      seen.push(`${method} ${p}: ${got.join(' ')}`);
      assert.deepEqual(got, want, `${method} ${p}`);
    }
    assert.equal(seen.length, 19);
  });

  test('row-level security backs the handlers: a principal\'s rows only for approved principals', async () => {
    // As the request role would see it: a transaction allowed to write Motala's rows only.
    const sql = (q) => env.sql(`SET ROLE lgvo; SELECT set_config('lgvo.writable', (SELECT id::text FROM core.principals WHERE slug = 'motala'), false) IS NULL; ${q}`)
      .split('\n').slice(1).join('\n');
    assert.throws(() => sql("INSERT INTO digitalisering.initiatives (principal_id, name, area_id, category, status) SELECT id, 'Smyg', 1, 'e-services', 'planned' FROM core.principals WHERE slug = 'kinda'"), /row-level security/);
    assert.throws(() => sql("INSERT INTO digitalisering.needs (kind, title, areas, raised_by) SELECT 'need', 'Smyg', '{att-aldras}', id FROM core.principals WHERE slug = 'kinda'"), /row-level security/);
    assert.throws(() => sql(`INSERT INTO digitalisering.ballots (round_id, principal_id, ranking) SELECT ${round}, id, '{${ids.join(',')}}' FROM core.principals WHERE slug = 'kinda'`), /row-level security/);
    assert.equal(sql(`UPDATE digitalisering.rounds SET title = 'Smyg' WHERE id = ${round} RETURNING id`), '', 'shared rows are county_admin\'s');
    assert.equal(sql(`UPDATE digitalisering.needs SET title = 'Smyg' WHERE id = ${need} RETURNING id`), '', 'curating is county_admin\'s');
    assert.notEqual(env.sql(`SELECT title FROM digitalisering.needs WHERE id = ${need}`), 'Smyg');
  });
});

describe('the OpenAPI fragment', () => {
  const fragment = JSON.parse(fs.readFileSync(path.join(SOURCE_DIR, 'plugins', 'digitalisering', 'openapi.json'), 'utf8'));
  const routes = [
    ['get', '', 'getDigitaliseringPlugin'],
    ['get', '/needs', 'listDigitaliseringNeeds'], ['post', '/needs', 'createDigitaliseringNeed'],
    ['get', '/needs/{id}', 'getDigitaliseringNeed'], ['patch', '/needs/{id}', 'patchDigitaliseringNeed'],
    ['post', '/needs/{id}/merge', 'mergeDigitaliseringNeeds'],
    ['get', '/rounds', 'listDigitaliseringRounds'], ['post', '/rounds', 'createDigitaliseringRound'],
    ['get', '/rounds/{id}', 'getDigitaliseringRound'], ['patch', '/rounds/{id}', 'patchDigitaliseringRound'],
    ['put', '/rounds/{id}/ballots/{principal}', 'putDigitaliseringBallot'], ['get', '/rounds/{id}/ballots/{principal}', 'getDigitaliseringBallot'],
    ['get', '/rounds/{id}/result', 'getDigitaliseringRoundResult'],
    ['get', '/tests', 'listDigitaliseringTests'], ['post', '/tests', 'createDigitaliseringTest'],
    ['get', '/tests/{id}', 'getDigitaliseringTest'], ['patch', '/tests/{id}', 'patchDigitaliseringTest'],
    ['get', '/initiatives', 'listDigitaliseringInitiatives'], ['post', '/initiatives', 'pushDigitaliseringInitiatives'],
    ['delete', '/initiatives/{id}', 'deleteDigitaliseringInitiative'],
    ['get', '/value-compass', 'getDigitaliseringValueCompass'], ['put', '/value-compass', 'putDigitaliseringValueCompass'],
  ].map(([m, p, id]) => [m, `${BASE}${p}`, id]);

  test('every route is in the served document with its operationId, error responses and examples', () => {
    for (const [method, p, id] of routes) {
      const op = doc.paths[p]?.[method];
      assert.ok(op, `${method} ${p}`);
      assert.equal(op.operationId, id);
      assert.ok(op.responses['401'], `${id} documents 401`);
      if (!['get', 'delete'].includes(method)) for (const status of ['400', '403', '422']) assert.ok(op.responses[status], `${id} documents ${status}`);
      const ok = op.responses['200'] ?? op.responses['201'];
      assert.ok(ok.content['application/json'].example, `${id} has an example`);
      if (op.requestBody) assert.ok(op.requestBody.content['application/json'].example, `${id} has a request example`);
    }
    const documented = Object.entries(fragment.paths).flatMap(([p, item]) => Object.keys(item).filter((k) => k !== 'parameters').map((m) => `${m} ${p}`));
    assert.deepEqual(documented.sort(), routes.map(([m, p]) => `${m} ${p}`).sort());
  });

  test('component names are prefixed Digitalisering (but the plugins\' shared PluginAbout); every $ref resolves', () => {
    for (const [section, entries] of Object.entries(fragment.components)) {
      for (const name of Object.keys(entries)) {
        if (`${section}/${name}` !== 'schemas/PluginAbout') assert.match(name, /^Digitalisering[A-Z]/, `${section}/${name}`);
      }
    }
    const refs = [...JSON.stringify(fragment).matchAll(/"\$ref":"#\/([^"]+)"/g)];
    assert.ok(refs.length > 50, `${refs.length} references`);
    for (const m of refs) assert.ok(m[1].split('/').reduce((o, k) => (o ? o[k] : undefined), doc), `unresolved $ref #/${m[1]}`);
  });

  test('every example matches its schema', () => {
    let checked = 0;
    const check = (content, where) => {
      const c = content?.['application/json'];
      if (!c || c.example === undefined) return;
      assert.deepEqual(schemaProblems(doc, c.schema, c.example), [], where);
      checked++;
    };
    for (const [p, item] of Object.entries(fragment.paths)) {
      for (const [m, op] of Object.entries(item)) {
        if (m === 'parameters') continue;
        check(op.requestBody?.content, `${m} ${p} request`);
        for (const [status, r] of Object.entries(op.responses)) if (!r.$ref) check(r.content, `${m} ${p} ${status}`);
      }
    }
    for (const [name, r] of Object.entries(fragment.components.responses)) check(r.content, name);
    assert.ok(checked > 40, `${checked} examples`);
  });

  test('real answers match the documented schemas', async () => {
    const n = await propose(env, tok.motala, { description: 'Beskrivning' });
    const r = await openRound(env, [n.id, (await propose(env, tok.county)).id]);
    const answers = [
      ['GET', '', null, tok.reader], ['GET', '/needs', null, tok.reader], ['GET', `/needs/${n.id}`, null, tok.reader],
      ['GET', '/rounds', null, tok.reader], ['GET', `/rounds/${r.id}`, null, tok.reader],
      ['PUT', `/rounds/${r.id}/ballots/motala`, { ranking: r.needs.map((x) => x.id) }, tok.motala],
      ['GET', `/rounds/${r.id}/ballots/motala`, null, tok.motala],
      ['PATCH', `/rounds/${r.id}`, { close: true }, tok.county], ['GET', `/rounds/${r.id}/result`, null, tok.reader],
      ['PATCH', `/needs/${n.id}`, { status: 'prioritised' }, tok.county],
      ['POST', '/tests', { need: n.id, pdsa: (await pdsaCycle(env)).id }, tok.county], ['GET', '/tests', null, tok.reader],
      ['POST', '/initiatives', { initiatives: [{ name: 'Dok', area: 'att-aldras', category: 'home-monitoring', status: 'ongoing', started_on: '2024-01-01' }] }, tok.motala],
      ['GET', '/initiatives', null, tok.reader], ['GET', '/value-compass', null, tok.reader],
      ['PUT', '/value-compass', { measures: [{ measure: 'digitalisering.initiatives-ongoing' }, { measure: 'att-aldras.readmissions-30d' }, { measure: 'vaxa-upp.sip-initiated' }] }, tok.county],
      ['GET', '/value-compass', null, tok.reader], ['POST', '/needs', { kind: 'x' }, tok.motala], ['GET', '/needs/0', null, tok.reader],
    ];
    for (const [method, p, body, t] of answers) {
      const res = await call(env, method, p, t, body ?? undefined);
      const template = routes.find(([m, rp]) => m === method.toLowerCase() && new RegExp(`^${rp.replace(/\{[a-z]+\}/g, '[^/]+')}$`).test(`${BASE}${p}`));
      assert.ok(template, `${method} ${p} is a route`);
      expectDocumented(doc, method, template[1], res);
    }
  });
});
