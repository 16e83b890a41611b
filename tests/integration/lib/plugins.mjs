// Helpers for the plugin tests (plugins-*.test.mjs).
//
// The test plugins are built by tests/plugins/ into $LGVO_TEST_PLUGINS_DIR/<case>/ (one
// folder per case: <name>.so plus the link <name> → its sources, for migrations/ and
// openapi.json); the four real ones into $LGVO_BUILD_DIR/plugins/. pluginDir() makes a
// folder holding exactly the plugins a test wants, for LGVO_PLUGIN_DIR.
//
//   const dir = pluginDir(testPlugin('conformance'), ...realPlugins());
//   const srv = await startServer({ env: { LGVO_PLUGIN_DIR: dir } });
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BUILD_DIR, SOURCE_DIR, WORK, createDatabase, freePort, runCommand } from './harness.mjs';
import { FAST_HASH } from './auth.mjs';

export const TEST_PLUGINS = process.env.LGVO_TEST_PLUGINS_DIR;
export const REAL_PLUGIN_DIR = path.join(BUILD_DIR, 'plugins');
export const REAL_SLUGS = ['att-aldras', 'digitalisering', 'nara-vard', 'vaxa-upp'];

if (!TEST_PLUGINS) throw new Error('LGVO_TEST_PLUGINS_DIR is not set (run through scripts/test)');

// The host's plugin ABI version, from lgvo/plugin.h: {major, minor, text: "1.0"}.
export const ABI = (() => {
  const h = fs.readFileSync(path.join(SOURCE_DIR, 'api', 'include', 'lgvo', 'plugin.h'), 'utf8');
  const major = Number(/#define LGVO_PLUGIN_ABI_MAJOR (\d+)/.exec(h)[1]);
  const minor = Number(/#define LGVO_PLUGIN_ABI_MINOR (\d+)/.exec(h)[1]);
  return { major, minor, text: `${major}.${minor}` };
})();

// The folder of a test plugin case, and the path of one of its .so files.
export const caseDir = (name) => path.join(TEST_PLUGINS, name);
export const testPlugin = (name, file = name) => path.join(TEST_PLUGINS, name, `${file}.so`);
export const realPlugins = (slugs = REAL_SLUGS) => slugs.map((s) => path.join(REAL_PLUGIN_DIR, `${s}.so`));

let dirCounter = 0;
// A new folder with links to the given .so files and, for each, the folder of the same name
// beside it (its migrations and OpenAPI fragment), if there is one.
export function pluginDir(...soFiles) {
  const dir = path.join(WORK, `plugins-${process.pid}-${dirCounter++}`);
  fs.mkdirSync(dir, { recursive: true });
  for (const so of soFiles) {
    assert.ok(fs.existsSync(so), `no plugin ${so} (is the build up to date?)`);
    const base = path.basename(so, '.so');
    fs.symlinkSync(so, path.join(dir, `${base}.so`));
    const folder = path.join(path.dirname(so), base);
    if (fs.existsSync(folder)) fs.symlinkSync(fs.realpathSync(folder), path.join(dir, base));
  }
  return dir;
}

// `lgvo-api serve` that is expected to stop during start-up. Returns {code, stderr, errors}
// with errors the messages of the error-level log lines.
export async function serveFails(env, { db } = {}) {
  db = db ?? createDatabase();
  const r = await runCommand(['serve'], {
    db, env: { ...FAST_HASH, LGVO_LISTEN: `127.0.0.1:${await freePort()}`, ...env }, timeoutMs: 120000,
  });
  assert.ok(!r.timedOut, `the server did not stop:\n${r.stderr}`);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l))
    .filter((l) => l.level === 'error').map((l) => l.msg);
  return { ...r, db, errors };
}

// All `"$ref": "#/…"` pointers of a JSON document that do not resolve within it.
export function danglingRefs(doc) {
  const missing = [];
  const resolve = (ref) => ref.slice(2).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((node, key) => (node && typeof node === 'object' ? node[key] : undefined), doc);
  const walk = (node) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string' && v.startsWith('#/') && resolve(v) === undefined) missing.push(v);
        else walk(v);
      }
    }
  };
  walk(doc);
  return [...new Set(missing)];
}

// Defined dynamic symbols. AddressSanitizer (scripts/test builds with it) adds one
// `__odr_asan.<global>` symbol per instrumented global, for its one-definition-rule check;
// they do not exist in ordinary builds and are ignored here.
export function exportedSymbols(so) {
  return execFileSync('nm', ['-D', '--defined-only', so], { encoding: 'utf8' })
    .split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/).pop())
    .filter((s) => !s.startsWith('__odr_asan.'));
}

// DT_NEEDED entries.
export function neededLibraries(so) {
  return [...execFileSync('readelf', ['-d', so], { encoding: 'utf8' }).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
}

