// Every documented operation was exercised: ctest runs this after every other integration test
// (tests/integration/CMakeLists.txt), and it reads what lib/contract.mjs recorded for each
// response the suite received. Only a run of the whole suite can judge: scripts/test sets
// LGVO_TEST_WHOLE_SUITE=1 when it runs every test (no ctest arguments); a filtered run
// (scripts/test -R …) skips the check and says so.
// Operations of the test-fixture plugins are not in the served document of production and
// are left out; so are the plugins' own operations when their plugin was not loaded anywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDatabase, startServer, req, expectStatus } from './lib/harness.mjs';
import { FAST_HASH } from './lib/auth.mjs';
import { pluginDir, realPlugins } from './lib/plugins.mjs';
import { METHODS, recorded } from './lib/contract.mjs';

test('every operation of the served document (core and the four plugins) was called at least once', async (t) => {
  if (process.env.LGVO_TEST_WHOLE_SUITE !== '1') {
    t.skip('not a whole-suite run (scripts/test with ctest arguments): coverage cannot be judged');
    return;
  }
  const rec = recorded();
  const srv = await startServer({ db: createDatabase(), env: { ...FAST_HASH, LGVO_PLUGIN_DIR: pluginDir(...realPlugins()) } });
  try {
    const doc = expectStatus(await req(srv, 'GET', '/openapi.json'), 200).json;
    const exercised = new Set(rec.filter((r) => r.operation).map((r) => r.operation));
    const never = Object.entries(doc.paths).flatMap(([p, item]) => METHODS.filter((m) => item[m])
      .map((m) => item[m].operationId ?? `${m} ${p}`)).filter((id) => !exercised.has(id));
    assert.deepEqual(never, [], 'documented operations no test called');
  } finally {
    await srv.stop();
  }
});
