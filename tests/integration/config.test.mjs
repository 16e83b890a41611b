// Start-up configuration and the command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SOURCE_DIR, createDatabase, freePort, runCommand } from './lib/harness.mjs';

// Runs `serve` with a valid configuration plus overrides (undefined removes a variable).
async function serveWith(overrides) {
  const env = { LGVO_LISTEN: `127.0.0.1:${await freePort()}`, LGVO_DATABASE_URL: createDatabase().url, ...overrides };
  const r = await runCommand(['serve'], { env, timeoutMs: 30000 });
  assert.ok(!r.timedOut, `serve did not stop at start-up:\n${r.stderr}`);
  return r;
}

function expectConfigError(r, variable) {
  assert.equal(r.code, 1, `exit ${r.code} (signal ${r.signal}); stderr:\n${r.stderr}`);
  assert.match(r.stderr, new RegExp(`\\b${variable}\\b`), `the message should name ${variable}:\n${r.stderr}`);
}

test('LGVO_DB_POOL_SIZE=abc stops start-up with exit 1 naming the variable', async () => {
  expectConfigError(await serveWith({ LGVO_DB_POOL_SIZE: 'abc' }), 'LGVO_DB_POOL_SIZE');
});

test('LGVO_LISTEN=nonsense stops start-up with exit 1 naming the variable', async () => {
  expectConfigError(await serveWith({ LGVO_LISTEN: 'nonsense' }), 'LGVO_LISTEN');
});

test('LGVO_MAX_BODY_BYTES=-5 stops start-up with exit 1 naming the variable', async () => {
  expectConfigError(await serveWith({ LGVO_MAX_BODY_BYTES: '-5' }), 'LGVO_MAX_BODY_BYTES');
});

test('a missing LGVO_DATABASE_URL stops start-up with exit 1 naming the variable', async () => {
  const r = await serveWith({ LGVO_DATABASE_URL: undefined });
  expectConfigError(r, 'LGVO_DATABASE_URL');
  assert.match(r.stderr, /not set/, 'the variable was really absent, so the message should say it is not set');
});

test('a missing LGVO_DATABASE_URL stops migrate too', async () => {
  const r = await runCommand(['migrate'], { env: { LGVO_DATABASE_URL: undefined }, timeoutMs: 30000 });
  expectConfigError(r, 'LGVO_DATABASE_URL');
});

test('`lgvo-api version` prints "lgvo-api <version>" and exits 0', async () => {
  const project = fs.readFileSync(path.join(SOURCE_DIR, 'CMakeLists.txt'), 'utf8').match(/project\(\S+ VERSION (\S+)/);
  assert.ok(project, 'no project VERSION in CMakeLists.txt');
  const r = await runCommand(['version'], { env: { LGVO_DATABASE_URL: undefined } });
  assert.equal(r.code, 0, r.stderr);
  const version = project[1].replaceAll('.', '\\.');
  assert.match(r.stdout, new RegExp(`^lgvo-api ${version}(\\+\\S+)?\\n$`), `project version ${project[1]}`);
});

test('an unknown subcommand exits 2', async () => {
  const r = await runCommand(['frobnicate'], { env: { LGVO_DATABASE_URL: undefined } });
  assert.equal(r.code, 2, `exit ${r.code}; stderr:\n${r.stderr}`);
  assert.match(r.stderr, /frobnicate/);
  assert.equal(r.stdout, '');
});
