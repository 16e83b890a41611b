// The plugin loader's refusals: each case is a purpose-built bad plugin
// (tests/plugins/refusals/), alone in its folder. Start-up must stop with exit code 1 and an
// error that names the file and says what was expected and what was found. Also: LGVO_PLUGINS
// selects a subset of the folder.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { WORK, createDatabase, runCommand, startServer, req, expectStatus, expectError, psql } from './lib/harness.mjs';
import { FAST_HASH, createUser, login } from './lib/auth.mjs';
import { ABI, REAL_PLUGIN_DIR, REAL_SLUGS, caseDir, pluginDir, realPlugins, serveFails, testPlugin } from './lib/plugins.mjs';

const SANITIZER_REPORT = /(ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer)/;
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// One database for the refusals, migrated once: they stop before they would change it.
let shared;
before(async () => {
  shared = createDatabase();
  const r = await runCommand(['migrate'], { db: shared, env: { LGVO_PLUGIN_DIR: path.join(WORK, 'no-plugins-here') } });
  assert.equal(r.code, 0, r.stderr);
});

// Starts the server on the plugin folder `dir` and expects a refusal whose message (one error
// line) matches every pattern. Returns that message and the run.
async function refused(dir, patterns, env = {}, { db = shared } = {}) {
  const run = await serveFails({ LGVO_PLUGIN_DIR: dir, ...env }, { db });
  assert.equal(run.code, 1, `exit code ${run.code}; log:\n${run.stderr}`);
  assert.ok(!SANITIZER_REPORT.test(run.stderr), run.stderr);
  const msg = run.errors.find((m) => patterns.every((p) => p.test(m)));
  assert.ok(msg, `no error line matches ${patterns.join(' and ')}; errors:\n${run.errors.join('\n')}`);
  assert.ok(!/listening on/.test(run.stderr), 'the server started listening');
  return { msg, run };
}

// The case's plugin file, named in the message.
const so = (kase, file = kase) => new RegExp(`^${esc(path.join(caseDir(kase), `${file}.so`))}: `);

describe('refusals', { concurrency: 6 }, () => {
  test('missing entry symbol', () => refused(caseDir('refuse-no-symbol'), [
    so('refuse-no-symbol'),
    /missing entry symbol "lgvo_plugin" \(expected a const lgvo_plugin_descriptor exported with LGVO_PLUGIN_EXPORT\)/,
  ]));

  test('wrong magic number', () => refused(caseDir('refuse-magic'), [
    so('refuse-magic'), /wrong magic number \(expected 0x4c47564f504c5547, found 0x0123456789abcdef\)/,
  ]));

  test('ABI major version mismatch', () => refused(caseDir('refuse-abi-major'), [
    so('refuse-abi-major'),
    new RegExp(`the host provides ${esc(ABI.text)}, the plugin was built for ${ABI.major + 1}\\.${ABI.minor} \\(major versions differ\\)`),
  ]));

  test('a newer minor version than the host', () => refused(caseDir('refuse-abi-minor'), [
    so('refuse-abi-minor'),
    new RegExp(`needs ABI ${ABI.major}\\.${ABI.minor + 1} but the host provides only ${esc(ABI.text)}`),
  ]));

  test('descriptor smaller than ABI 1.0\'s', () => refused(caseDir('refuse-size'), [
    so('refuse-size'), /descriptor too small \(expected at least \d+ bytes, found 16\)/,
  ]));

  test('invalid slug', () => refused(caseDir('refuse-slug'), [
    so('refuse-slug'), /invalid slug "Not_Valid" \(expected 2-32 of a-z, 0-9 and '-', starting with a letter\)/,
  ]));

  test('reserved slug (the core\'s schema and migration component)', () => refused(caseDir('refuse-reserved-slug'), [
    so('refuse-reserved-slug'), /the slug "core" is reserved \(expected a slug other than core, public/,
  ]));

  test('a slug that names a core resource: its routes would clash with the core\'s', () => refused(caseDir('refuse-core-route'), [
    so('refuse-core-route'), /the slug "values" names a core resource \(POST \/api\/v1\/values\)/, /expected a slug the core does not use/,
  ]));

  test('no init function', () => refused(caseDir('refuse-no-init'), [
    so('refuse-no-init'), /the descriptor has no init function/,
  ]));

  test('a reserved descriptor field that is not NULL', () => refused(caseDir('refuse-reserved-field'), [
    so('refuse-reserved-field'), /descriptor field reserved\[2\] must be NULL \(found 0x[0-9a-f]+\)/,
  ]));

  test('duplicate slug: two files, one slug', () => refused(caseDir('refuse-twin'), [
    so('refuse-twin', 'refuse-twin-2'),
    new RegExp(`duplicate plugin slug "twin" \\(already loaded from ${esc(path.join(caseDir('refuse-twin'), 'refuse-twin-1.so'))}\\)`),
  ]));

  test('an area that does not exist', () => refused(caseDir('refuse-area-missing'), [
    so('refuse-area-missing'), /serves the area "no-such-area", which does not exist/,
  ]));

  test('an area served twice', () => refused(caseDir('refuse-area-twice'), [
    so('refuse-area-twice', 'refuse-area-second'),
    new RegExp(`the area "att-aldras" is already served by ${esc(path.join(caseDir('refuse-area-twice'), 'refuse-area-first.so'))}`),
  ]));

  test('the same route registered twice', () => refused(caseDir('refuse-route-twice'), [
    so('refuse-route-twice'),
    /plugin init failed: route GET \/api\/v1\/refuse-route-twice\/things\/:name \(refuse-route-twice\) clashes with GET \/api\/v1\/refuse-route-twice\/things\/:id \(refuse-route-twice\)/,
  ]));

  test('a route without a required right (access 0)', () => refused(caseDir('refuse-no-right'), [
    so('refuse-no-right'),
    /plugin init failed: route GET \/api\/v1\/refuse-no-right\/open has no required right: every route must declare one \(public, authenticated, write:<area>, org_admin, county_admin\)/,
  ]));

  test('a write route without its area', () => refused(caseDir('refuse-write-no-area'), [
    so('refuse-write-no-area'), /plugin init failed: route POST \/api\/v1\/refuse-write-no-area\/things: write access needs an area/,
  ]));

  test('init fails (after logging why)', async () => {
    const { run } = await refused(caseDir('refuse-init'), [
      so('refuse-init'), /plugin init failed: init returned an error \(see the log above\)/,
    ]);
    const i = run.errors.findIndex((m) => m.includes('refuse-init: the frobnicator is not configured'));
    assert.ok(i >= 0 && i < run.errors.length - 1, 'the plugin\'s own reason comes before the refusal');
  });

  test('a measure of another area', () => refused(caseDir('refuse-measure'), [
    so('refuse-measure'), /plugin init failed: measure "vaxa-upp\.stolen": the slug must start with "att-aldras\."/,
  ]));

  test('a migration fails: start-up stops and the migration leaves nothing behind', async () => {
    const { run } = await refused(caseDir('refuse-migration'), [
      so('refuse-migration'), /plugin migration failed: .*0001_broken\.sql.*syntax error at or near "TABEL"/s,
    ], {}, { db: createDatabase() });
    const q = (sql) => psql(sql, { db: run.db.name }).trim();
    assert.equal(q("SELECT to_regclass('refuse_migration.fine') IS NULL"), 't', 'the failed file\'s first statement was kept');
    assert.equal(q("SELECT count(*) FROM core.migrations WHERE component = 'refuse-migration'"), '0');
    assert.ok(Number(q("SELECT count(*) FROM core.migrations WHERE component = 'core'")) > 0);
  });

  test('an OpenAPI fragment with a path outside the plugin\'s prefix', () => refused(caseDir('refuse-openapi'), [
    new RegExp(`^${esc(path.join(caseDir('refuse-openapi'), 'refuse-openapi', 'outside-prefix.openapi.json'))}: `),
    /path \/api\/v1\/values\/mine is outside the plugin's prefix \/api\/v1\/refuse-openapi\//,
  ]));

  test('an OpenAPI fragment reusing another plugin\'s operationId', async () => {
    const dir = pluginDir(testPlugin('conformance'), testPlugin('refuse-operation-id'));
    await refused(dir, [
      new RegExp(`^${esc(path.join(dir, 'refuse-operation-id', 'operation-id.openapi.json'))}: `),
      /operationId "getConformancePlugin" of GET \/api\/v1\/refuse-operation-id is already used by GET \/api\/v1\/conformance \(expected operationIds unique in the OpenAPI document\)/,
    ], {}, { db: createDatabase() });
  });

  test('a file that is not a shared object', async () => {
    const dir = fs.mkdtempSync(path.join(WORK, 'junk-plugins-'));
    fs.writeFileSync(path.join(dir, 'junk.so'), 'not an ELF file\n');
    await refused(dir, [new RegExp(`^${esc(path.join(dir, 'junk.so'))}: cannot load: `)]);
  });

  test('LGVO_PLUGINS naming an unknown slug', () => refused(REAL_PLUGIN_DIR, [
    new RegExp(`^LGVO_PLUGINS names "nope" but no such plugin is in ${esc(REAL_PLUGIN_DIR)}$`),
  ], { LGVO_PLUGINS: 'att-aldras,nope' }));

  test('LGVO_PLUGINS with a plugin folder that does not exist', () => refused(path.join(WORK, 'no-such-folder'), [
    /^LGVO_PLUGIN_DIR: cannot read .*no-such-folder: No such file or directory$/,
  ], { LGVO_PLUGINS: 'att-aldras' }));

  test('a bad plugin is refused even when LGVO_PLUGINS does not enable it (every file in the folder is checked)', async () => {
    const dir = pluginDir(testPlugin('refuse-magic'), ...realPlugins(['att-aldras']));
    await refused(dir, [new RegExp(`^${esc(path.join(dir, 'refuse-magic.so'))}: `), /wrong magic number/], { LGVO_PLUGINS: 'att-aldras' });
  });
});

test('LGVO_PLUGINS selects a subset of the folder', async () => {
  const db = createDatabase();
  const srv = await startServer({ db, env: { ...FAST_HASH, LGVO_PLUGIN_DIR: REAL_PLUGIN_DIR, LGVO_PLUGINS: 'nara-vard, att-aldras' } });
  try {
    const u = await createUser(db, { principal: 'motala', role: 'reader' });
    const { access_token: token } = await login(srv, u.username, u.password);
    const list = expectStatus(await req(srv, 'GET', '/api/v1/plugins', { token }), 200).json.items;
    assert.deepEqual(list.map((p) => p.slug).sort(), ['att-aldras', 'nara-vard']);
    const areas = expectStatus(await req(srv, 'GET', '/api/v1/areas'), 200).json.items;
    const plugin = Object.fromEntries(areas.map((a) => [a.slug, a.plugin]));
    assert.deepEqual(plugin, { 'att-aldras': 'att-aldras', 'vaxa-upp': null, 'nara-vard': 'nara-vard', digitalisering: null });
    expectStatus(await req(srv, 'GET', '/api/v1/att-aldras', { token }), 200);
    expectError(await req(srv, 'GET', '/api/v1/vaxa-upp', { token }), 404);
    for (const slug of REAL_SLUGS.filter((s) => !['att-aldras', 'nara-vard'].includes(s))) {
      assert.ok(srv.logLines().some((l) => l.msg.startsWith(`plugin ${slug} (`) && l.msg.endsWith('not enabled by LGVO_PLUGINS; skipped')), slug);
    }
    // the skipped plugins' migrations did not run
    assert.equal(psql("SELECT count(*) FROM core.migrations WHERE component IN ('vaxa-upp', 'digitalisering')", { db: db.name }).trim(), '0');
  } finally {
    await srv.stop();
  }
});

test('plugin migrations follow LGVO_AUTO_MIGRATE: `migrate` applies them, `serve` with false refuses pending ones', {
  todo: 'main.c: `lgvo-api migrate` applies only the core\'s migrations, and start_plugins applies plugin migrations even with LGVO_AUTO_MIGRATE=false',
}, async () => {
  const db = createDatabase();
  const env = { LGVO_PLUGIN_DIR: caseDir('conformance') };
  const migrated = await runCommand(['migrate'], { db, env });
  assert.equal(migrated.code, 0, migrated.stderr);
  const applied = () => psql("SELECT count(*) FROM core.migrations WHERE component = 'conformance'", { db: db.name }).trim();
  const afterMigrate = applied();
  // serve must not apply what is pending when told not to migrate: a database migrated
  // without the plugin, then served with it
  const db2 = createDatabase();
  const none = fs.mkdtempSync(path.join(WORK, 'no-plugins-'));
  assert.equal((await runCommand(['migrate'], { db: db2, env: { LGVO_PLUGIN_DIR: none } })).code, 0);
  let srv = null;
  let refusal = '';
  try {
    srv = await startServer({ db: db2, env: { ...env, LGVO_AUTO_MIGRATE: 'false' } });
  } catch (e) {
    refusal = e.message;
  }
  if (srv) await srv.stop();
  assert.equal(afterMigrate, '1', '`lgvo-api migrate` did not apply the plugin\'s migration');
  assert.equal(srv, null, 'serve with LGVO_AUTO_MIGRATE=false started, applying the plugin\'s pending migration');
  assert.match(refusal, /conformance/);
});
