// Plugin handlers run concurrently on the server's threads (built with AddressSanitizer and
// UndefinedBehaviorSanitizer by scripts/test): 32 parallel requests to the conformance
// plugin's routes, each with its own answer, no sanitizer report at shutdown.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createDatabase, startServer, req, expectStatus, psql } from './lib/harness.mjs';
import { FAST_HASH, createUser, login } from './lib/auth.mjs';
import { caseDir } from './lib/plugins.mjs';

const N = 32;
let db;
let bursts = 0;
const tok = {};

before(async () => {
  db = createDatabase();
  // a first start applies the plugin's migration, which adds its area; then the accounts
  const first = await startServer({ db, env: { ...FAST_HASH, LGVO_PLUGIN_DIR: caseDir('conformance') } });
  for (const [name, u] of Object.entries({
    motala: { principal: 'motala', role: 'reporter', areas: ['conformance'] },
    kinda: { principal: 'kinda', role: 'reporter', areas: ['conformance'] },
    county: { principal: 'region-ostergotland', role: 'county_admin' },
  })) {
    const created = await createUser(db, u);
    tok[name] = (await login(first, created.username, created.password)).access_token;
  }
  await first.stop();
});

async function burst(env) {
  const srv = await startServer({ db, env: { ...FAST_HASH, LGVO_PLUGIN_DIR: caseDir('conformance'), ...env } });
  try {
    const before = expectStatus(await req(srv, 'GET', '/api/v1/conformance/stats', { token: tok.motala }), 200).json.computed;
    // reads through the database, each with its own number and request id
    const answers = await Promise.all(Array.from({ length: N }, (_, i) => req(srv, 'GET', `/api/v1/conformance/compute/${i + 1000}`, {
      token: tok.motala, headers: { 'X-Request-Id': `burst-${i}` },
    })));
    answers.forEach((res, i) => {
      expectStatus(res, 200);
      assert.equal(res.json.n, String(i + 1000));
      assert.equal(res.json.square, String((i + 1000) ** 2));
      assert.equal(res.json.request_id, `burst-${i}`);
      assert.equal(res.headers.get('x-request-id'), `burst-${i}`);
    });
    const backends = new Set(answers.map((r) => r.json.backend));
    // the plugin's own state, an atomic counter, missed no call
    const after = expectStatus(await req(srv, 'GET', '/api/v1/conformance/stats', { token: tok.motala }), 200).json.computed;
    assert.equal(after - before, N);

    // writes: allowed, refused by can_write, and failing after the insert, all at once
    const tag = `burst${bursts++}`;
    const kinds = Array.from({ length: N }, (_, i) => ['ok', 'forbidden', 'abort', 'county'][i % 4]);
    const writes = await Promise.all(kinds.map((kind, i) => {
      const who = kind === 'county' ? 'county' : i % 8 < 4 ? 'motala' : 'kinda';
      const own = who === 'kinda' ? 'kinda' : 'motala';
      const body = { principal: kind === 'forbidden' ? (own === 'motala' ? 'kinda' : 'motala') : own, label: `${tag}-${i}-${kind}` };
      if (kind === 'county') body.principal = 'ydre';
      if (kind === 'abort') body.then = 'reply-error';
      return req(srv, 'POST', '/api/v1/conformance/items', { token: tok[who], body });
    }));
    writes.forEach((res, i) => {
      const expected = { ok: 201, forbidden: 403, abort: 409, county: 201 }[kinds[i]];
      expectStatus(res, expected);
      if (expected === 201) assert.equal(res.json.label, `${tag}-${i}-${kinds[i]}`);
    });
    const ids = writes.filter((r) => r.status === 201).map((r) => r.json.id);
    assert.equal(new Set(ids).size, N / 2);
    const stored = psql(`SELECT label FROM conformance.items WHERE label LIKE '${tag}-%' ORDER BY label`, { db: db.name })
      .trim().split('\n').filter(Boolean);
    const expectedLabels = kinds.map((k, i) => `${tag}-${i}-${k}`).filter((l) => /-(ok|county)$/.test(l)).sort();
    assert.deepEqual(stored, expectedLabels);
    return { srv, backends };
  } catch (e) {
    await srv.stop().catch(() => {});
    throw e;
  }
}

test(`${N} parallel requests, ${N} HTTP threads and database connections`, async () => {
  const { srv, backends } = await burst({ LGVO_HTTP_THREADS: '32', LGVO_DB_POOL_SIZE: '32' });
  assert.ok(backends.size > 1, 'the requests did not overlap');
  await srv.stop(); // asserts a clean exit and no sanitizer report
});

test(`${N} parallel requests, a connection per thread (LGVO_HTTP_THREADS=0)`, async () => {
  const { srv } = await burst({ LGVO_HTTP_THREADS: '0', LGVO_DB_POOL_SIZE: '16', LGVO_DB_ACQUIRE_TIMEOUT_MS: '20000' });
  await srv.stop();
});

test(`${N} parallel requests on the default settings (requests wait for threads and connections)`, async () => {
  const { srv } = await burst({ LGVO_DB_ACQUIRE_TIMEOUT_MS: '20000' });
  await srv.stop();
});
