// What the core says about its plugins, with the four real ones (and the conformance test
// plugin for a write route): GET /api/v1/plugins, the areas' "plugin", GET /api/v1/<slug>,
// the merged GET /openapi.json, and the declared rights of plugin routes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDatabase, startServer, req, expectStatus, expectError } from './lib/harness.mjs';
import { FAST_HASH, createUser, login } from './lib/auth.mjs';
import { ABI, REAL_SLUGS, danglingRefs, pluginDir, realPlugins, testPlugin } from './lib/plugins.mjs';

let srv, db;
const tok = {};

before(async () => {
  db = createDatabase();
  srv = await startServer({ db, env: { ...FAST_HASH, LGVO_PLUGIN_DIR: pluginDir(...realPlugins(), testPlugin('conformance')) } });
  for (const [name, u] of Object.entries({
    reader: { principal: 'kinda', role: 'reader' },
    reporterOtherArea: { principal: 'kinda', role: 'reporter', areas: ['att-aldras'] },
    reporter: { principal: 'kinda', role: 'reporter', areas: ['conformance'] },
  })) {
    const created = await createUser(db, u);
    tok[name] = (await login(srv, created.username, created.password)).access_token;
  }
});

after(() => srv?.stop());

const ALL = [...REAL_SLUGS, 'conformance'].sort();

test('GET /api/v1/plugins lists the loaded plugins (authenticated)', async () => {
  expectError(await req(srv, 'GET', '/api/v1/plugins'), 401);
  const { items } = expectStatus(await req(srv, 'GET', '/api/v1/plugins', { token: tok.reader }), 200).json;
  assert.deepEqual(items.map((p) => p.slug).sort(), ALL);
  for (const p of items) {
    assert.deepEqual(Object.keys(p).sort(), ['abi_version', 'area', 'description', 'name', 'slug', 'version'], JSON.stringify(p));
    assert.equal(p.abi_version, ABI.text);
    assert.match(p.version, /^\d+\.\d+\.\d+/);
    assert.ok(p.name.length > 0 && p.description.length > 0);
  }
  for (const slug of REAL_SLUGS) assert.equal(items.find((p) => p.slug === slug).area, slug);
});

test('GET /api/v1/areas names each area\'s plugin', async () => {
  const { items } = expectStatus(await req(srv, 'GET', '/api/v1/areas'), 200).json;
  const byArea = Object.fromEntries(items.map((a) => [a.slug, a.plugin]));
  for (const slug of REAL_SLUGS) assert.equal(byArea[slug], slug);
  assert.equal(byArea.conformance, 'conformance');
  assert.equal(expectStatus(await req(srv, 'GET', '/api/v1/areas/nara-vard'), 200).json.plugin, 'nara-vard');
});

test('GET /api/v1/<slug> answers the plugin\'s description (authenticated)', async () => {
  const { items } = expectStatus(await req(srv, 'GET', '/api/v1/plugins', { token: tok.reader }), 200).json;
  for (const slug of REAL_SLUGS) {
    expectError(await req(srv, 'GET', `/api/v1/${slug}`), 401);
    const about = expectStatus(await req(srv, 'GET', `/api/v1/${slug}`, { token: tok.reader }), 200).json;
    const listed = items.find((p) => p.slug === slug);
    for (const k of ['slug', 'name', 'version', 'area', 'description']) assert.equal(about[k], listed[k], `${slug}.${k}`);
    // a trailing slash is the same resource
    expectStatus(await req(srv, 'GET', `/api/v1/${slug}/`, { token: tok.reader }), 200);
  }
});

test('GET /openapi.json contains the plugins\' paths', async () => {
  const doc = expectStatus(await req(srv, 'GET', '/openapi.json'), 200).json;
  for (const slug of ALL) {
    assert.ok(doc.paths[`/api/v1/${slug}`]?.get, `no GET /api/v1/${slug}`);
    for (const p of Object.keys(doc.paths).filter((x) => x.startsWith(`/api/v1/${slug}/`))) assert.ok(p.startsWith(`/api/v1/${slug}/`));
  }
  assert.equal(doc.paths['/api/v1/att-aldras'].get.operationId, 'getAttAldrasPlugin');
  assert.ok(doc.components.schemas.PluginAbout, 'the plugins\' shared component');
});

test('every $ref of the merged OpenAPI document resolves', async () => {
  const doc = expectStatus(await req(srv, 'GET', '/openapi.json'), 200).json;
  assert.deepEqual(danglingRefs(doc), []);
});

test('a plugin route requires its declared right', async () => {
  // authenticated routes
  expectError(await req(srv, 'GET', '/api/v1/att-aldras'), 401);
  expectError(await req(srv, 'GET', '/api/v1/att-aldras', { token: 'not-a-token' }), 401);
  // a write route (write:conformance): 401 without a token, 403 for a reporter without the
  // area, and for a reader
  expectError(await req(srv, 'GET', '/api/v1/conformance/write'), 401);
  const denied = expectError(await req(srv, 'GET', '/api/v1/conformance/write', { token: tok.reporterOtherArea }), 403);
  assert.match(denied.message, /write:<area> for conformance/);
  expectError(await req(srv, 'POST', '/api/v1/conformance/items', { token: tok.reporterOtherArea, body: { principal: 'kinda', label: 'x' } }), 403);
  expectError(await req(srv, 'GET', '/api/v1/conformance/write', { token: tok.reader }), 403);
  expectStatus(await req(srv, 'GET', '/api/v1/conformance/write', { token: tok.reporter }), 200);
  // unknown plugin paths and methods
  expectError(await req(srv, 'GET', '/api/v1/att-aldras/nothing-here', { token: tok.reader }), 404);
  const wrong = await req(srv, 'DELETE', '/api/v1/att-aldras', { token: tok.reader });
  expectError(wrong, 405);
  assert.match(wrong.headers.get('allow'), /GET/);
});
