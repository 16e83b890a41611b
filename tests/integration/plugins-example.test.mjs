// docs/example-plugin (psykisk-halsa, a fifth area) as docs/plugins.md describes it: built by
// the test CMake with lgvo_add_plugin and loaded next to the four real plugins; built again
// with the document's plain compiler command and installed as the document says; and every
// code block the document quotes from the example is verbatim in the example.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SOURCE_DIR, WORK, createDatabase, startServer, req, expectStatus, expectError, psql } from './lib/harness.mjs';
import { FAST_HASH, createUser, login } from './lib/auth.mjs';
import { REAL_SLUGS, danglingRefs, exportedSymbols, neededLibraries, pluginDir, realPlugins, testPlugin } from './lib/plugins.mjs';

const DOC = fs.readFileSync(path.join(SOURCE_DIR, 'docs', 'plugins.md'), 'utf8');
const EXAMPLE = path.join(SOURCE_DIR, 'docs', 'example-plugin');
const BASE = '/api/v1/psykisk-halsa';

// The fenced block that follows each `<!-- marker -->` line: [{marker, lang, body}].
function markedBlocks(doc) {
  const out = [];
  const re = /<!-- ([^>]+?) -->\n```(\w*)\n([\s\S]*?)\n```/g;
  for (let m; (m = re.exec(doc));) out.push({ marker: m[1], lang: m[2], body: m[3] });
  return out;
}

describe('docs/plugins.md', () => {
  test('every quoted block is verbatim in the example', () => {
    const quotes = markedBlocks(DOC).filter((b) => b.marker.startsWith('quote: '));
    assert.ok(quotes.length >= 8, `only ${quotes.length} quotes`);
    for (const q of quotes) {
      const file = q.marker.slice('quote: '.length);
      assert.ok(file.startsWith('docs/example-plugin/'), file);
      const text = fs.readFileSync(path.join(SOURCE_DIR, file), 'utf8');
      assert.ok(text.includes(q.body), `docs/plugins.md quotes from ${file} what it does not hold:\n${q.body}`);
    }
  });

  test('its links to files in the repository resolve', () => {
    for (const [, target] of DOC.matchAll(/\]\(((?:\.\.\/|example-plugin)[^)#]*)\)/g)) {
      assert.ok(fs.existsSync(path.join(SOURCE_DIR, 'docs', target)), target);
    }
    for (const [, anchor] of DOC.matchAll(/\]\(#([^)]+)\)/g)) {
      const headings = [...DOC.matchAll(/^#+ (.+)$/gm)].map((h) => h[1].toLowerCase().replace(/[^\w\s-]/g, '').replace(/\s/g, '-'));
      assert.ok(headings.includes(anchor), `#${anchor}`);
    }
  });
});

describe('loaded next to the four real plugins', () => {
  let srv, db;
  const tok = {};

  before(async () => {
    db = createDatabase();
    srv = await startServer({ db, env: { ...FAST_HASH, LGVO_PLUGIN_DIR: pluginDir(...realPlugins(), testPlugin('example', 'psykisk-halsa')) } });
    for (const [name, u] of Object.entries({
      motala: { principal: 'motala', role: 'reporter', areas: ['psykisk-halsa'] },
      region: { principal: 'region-ostergotland', role: 'reporter', areas: ['psykisk-halsa'] },
      reader: { principal: 'kinda', role: 'reader' },
    })) {
      const created = await createUser(db, u);
      tok[name] = (await login(srv, created.username, created.password)).access_token;
    }
  });

  after(() => srv?.stop());

  test('a fifth plugin serving a fifth area', async () => {
    const { items } = expectStatus(await req(srv, 'GET', '/api/v1/plugins', { token: tok.reader }), 200).json;
    assert.deepEqual(items.map((p) => p.slug).sort(), [...REAL_SLUGS, 'psykisk-halsa'].sort());
    const mine = items.find((p) => p.slug === 'psykisk-halsa');
    assert.equal(mine.name, 'Psykisk hälsa');
    assert.equal(mine.area, 'psykisk-halsa');
    const area = expectStatus(await req(srv, 'GET', '/api/v1/areas/psykisk-halsa'), 200).json;
    assert.equal(area.plugin, 'psykisk-halsa');
    assert.equal(area.name, 'Psykisk hälsa');
    assert.equal(psql("SELECT id FROM core.areas WHERE slug = 'psykisk-halsa'", { db: db.name }).trim(), '5');
    const about = expectStatus(await req(srv, 'GET', BASE, { token: tok.reader }), 200).json;
    assert.deepEqual(about, { slug: 'psykisk-halsa', name: 'Psykisk hälsa', version: '1.0.0', area: 'psykisk-halsa', description: mine.description });
    expectError(await req(srv, 'GET', BASE), 401);
  });

  test('its measures', async () => {
    const wait = expectStatus(await req(srv, 'GET', '/api/v1/measures/psykisk-halsa.bup-wait-days', { token: tok.reader }), 200).json;
    assert.equal(wait.area, 'psykisk-halsa');
    assert.equal(wait.unit, 'days');
    assert.equal(wait.on_behalf, true);
    expectStatus(await req(srv, 'GET', '/api/v1/measures/psykisk-halsa.suicide-prevention-plan', { token: tok.reader }), 200);
  });

  test('PUT a plan: can_write and row-level security', async () => {
    const put = (who, principal, year, body) => req(srv, 'PUT', `${BASE}/plans/${principal}/${year}`, { token: tok[who], body });
    const plan = expectStatus(await put('motala', 'motala', 2025, { status: 'draft' }), 200).json;
    assert.equal(plan.principal, 'motala');
    assert.equal(plan.year, 2025);
    assert.equal(plan.status, 'draft');
    expectStatus(await put('motala', '0583', 2025, { status: 'adopted' }), 200); // by code, an update
    expectError(await put('motala', 'kinda', 2025, { status: 'adopted' }), 403);
    expectError(await put('motala', 'atlantis', 2025, { status: 'adopted' }), 404);
    expectError(await put('reader', 'kinda', 2025, { status: 'adopted' }), 403);
    expectError(await req(srv, 'PUT', `${BASE}/plans/motala/2025`, { body: { status: 'adopted' } }), 401);
    const bad = expectError(await put('motala', 'motala', 2025, { status: 'finished' }), 422, 'validation_failed');
    assert.deepEqual(bad.details, [{ path: '/status', message: 'must be none, draft or adopted' }]);
    expectError(await put('motala', 'motala', 1999, { status: 'draft' }), 422); // the table's CHECK
    expectError(await put('motala', 'motala', 'soon', { status: 'draft' }), 422);
    const stored = psql("SELECT p.slug || ':' || x.year || ':' || x.status || ':' || (x.updated_by LIKE 'user:%') FROM psykisk_halsa.plans x JOIN core.principals p ON p.id = x.principal_id ORDER BY 1", { db: db.name }).trim();
    assert.equal(stored, 'motala:2025:adopted:true');
    const list = expectStatus(await req(srv, 'GET', `${BASE}/plans?year=2025`, { token: tok.reader }), 200).json.items;
    assert.deepEqual(list.map((p) => [p.principal, p.year, p.status]), [['motala', 2025, 'adopted']]);
    assert.deepEqual(expectStatus(await req(srv, 'GET', `${BASE}/plans?year=2024`, { token: tok.reader }), 200).json.items, []);
    expectError(await req(srv, 'GET', `${BASE}/plans?year=soon`, { token: tok.reader }), 400, 'invalid_query');
  });

  test('pushing its measures: the validate hook refuses an implausible wait', async () => {
    const push = (values, q = '') => req(srv, 'POST', `/api/v1/values${q}`, { token: tok.region, body: { values } });
    const err = expectError(await push([
      { measure: 'psykisk-halsa.bup-wait-days', principal: 'motala', period: '2025-03', value: 30 },
      { measure: 'psykisk-halsa.bup-wait-days', principal: 'kinda', period: '2025-03', value: 400 },
    ]), 422, 'validation_failed');
    assert.deepEqual(err.details.map((d) => [d.index, d.path, d.code]), [[1, '/values/1/value', 'implausible']]);
    const ok = expectStatus(await push([
      { measure: 'psykisk-halsa.bup-wait-days', principal: 'motala', period: '2025-03', value: 30 },
      { measure: 'psykisk-halsa.bup-wait-days', principal: 'kinda', period: '2025-03', value: 41 },
    ]), 200).json;
    assert.equal(ok.created, 2);
  });

  test('its OpenAPI fragment is merged', async () => {
    const doc = expectStatus(await req(srv, 'GET', '/openapi.json'), 200).json;
    assert.ok(doc.paths[BASE].get);
    assert.ok(doc.paths[`${BASE}/plans`].get);
    assert.ok(doc.paths[`${BASE}/plans/{principal}/{year}`].put);
    const paths = Object.fromEntries(Object.entries(doc.paths).filter(([p]) => p.startsWith(BASE)));
    assert.deepEqual(danglingRefs({ paths, components: doc.components }), []);
  });
});

test('built with the document\'s compiler command and installed as it says', async () => {
  const block = markedBlocks(DOC).find((b) => b.marker === 'build-command');
  assert.ok(block, 'no <!-- build-command --> block in docs/plugins.md');
  const work = fs.mkdtempSync(path.join(WORK, 'example-build-'));
  fs.cpSync(EXAMPLE, work, { recursive: true });
  execFileSync('bash', ['-euo', 'pipefail', '-c', block.body], { cwd: work, env: { ...process.env, LGVO_SRC: SOURCE_DIR }, stdio: 'pipe' });
  const so = path.join(work, 'psykisk-halsa.so');
  assert.deepEqual(exportedSymbols(so), ['lgvo_plugin']);
  assert.deepEqual(neededLibraries(so).map((l) => l.replace(/\.so\..*/, '')).sort(), ['libc', 'libjansson']);

  // install: the .so and a folder of the same name with the migrations and the fragment
  const dir = fs.mkdtempSync(path.join(WORK, 'installed-'));
  fs.copyFileSync(so, path.join(dir, 'psykisk-halsa.so'));
  fs.mkdirSync(path.join(dir, 'psykisk-halsa'));
  fs.cpSync(path.join(work, 'migrations'), path.join(dir, 'psykisk-halsa', 'migrations'), { recursive: true });
  fs.copyFileSync(path.join(work, 'openapi.json'), path.join(dir, 'psykisk-halsa', 'openapi.json'));

  const db = createDatabase();
  const srv = await startServer({ db, env: { ...FAST_HASH, LGVO_PLUGIN_DIR: dir } });
  try {
    assert.ok(srv.logLines().some((l) => l.msg.startsWith(`plugin psykisk-halsa 1.0.0 loaded from ${path.join(dir, 'psykisk-halsa.so')}`)));
    const u = await createUser(db, { principal: 'ydre', role: 'reporter', areas: ['psykisk-halsa'] });
    const { access_token: token } = await login(srv, u.username, u.password);
    expectStatus(await req(srv, 'PUT', `${BASE}/plans/ydre/2025`, { token, body: { status: 'adopted' } }), 200);
    expectError(await req(srv, 'PUT', `${BASE}/plans/kinda/2025`, { token, body: { status: 'adopted' } }), 403);
    assert.ok(expectStatus(await req(srv, 'GET', '/openapi.json'), 200).json.paths[`${BASE}/plans`]);
  } finally {
    await srv.stop();
  }
});
