// How plugins are built (lgvo_add_plugin: hidden visibility, -z defs, Jansson only): each real
// plugin, and the documented example, exports exactly one dynamic symbol, lgvo_plugin, and
// needs nothing of the server at load time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REAL_PLUGIN_DIR, REAL_SLUGS, exportedSymbols, neededLibraries, testPlugin } from './lib/plugins.mjs';

// Jansson and the C library; in sanitizer builds (scripts/test) also their runtimes.
const ALLOWED = [/^libjansson\.so\.\d+$/, /^libc\.so\.\d+$/, /^libasan\.so\.\d+$/, /^libubsan\.so\.\d+$/];

test('the build holds the four real plugins', () => {
  const found = fs.readdirSync(REAL_PLUGIN_DIR).filter((f) => f.endsWith('.so')).sort();
  assert.deepEqual(found, REAL_SLUGS.map((s) => `${s}.so`));
});

for (const [name, so] of [...REAL_SLUGS.map((s) => [s, path.join(REAL_PLUGIN_DIR, `${s}.so`)]),
  ['docs/example-plugin (psykisk-halsa)', testPlugin('example', 'psykisk-halsa')]]) {
  test(`${name}: exports exactly lgvo_plugin`, () => {
    assert.deepEqual(exportedSymbols(so), ['lgvo_plugin']);
  });

  test(`${name}: needs only Jansson and the C library (nothing of the server)`, () => {
    const needed = neededLibraries(so);
    assert.ok(needed.some((l) => l.startsWith('libjansson.so')), `no Jansson in ${needed}`);
    for (const lib of needed) assert.ok(ALLOWED.some((re) => re.test(lib)), `${path.basename(so)} needs ${lib}`);
    // and no run path that could pull in another library
    assert.doesNotMatch(execFileSync('readelf', ['-d', so], { encoding: 'utf8' }), /\((RPATH|RUNPATH)\)/);
  });
}
