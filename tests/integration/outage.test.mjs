// A database outage and recovery while the server keeps running. The tests run in order
// against one server on a private cluster (so the shared cluster is never stopped).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startPrivateCluster, createDatabase, req, expectStatus, expectError, waitFor } from './lib/harness.mjs';

let cluster, srv, dbStopped = false;
const readyLatencies = []; // ms of every /health/ready request made while the database is down

before(async () => {
  cluster = await startPrivateCluster();
  srv = await startServer({ db: createDatabase({ port: cluster.port }) });
});
after(async () => {
  if (dbStopped) cluster.start();
  if (srv && srv.child.exitCode === null && srv.child.signalCode === null) srv.child.kill('SIGKILL');
  cluster?.destroy();
});

// One request and its latency; a request that hangs for 5 s gives {res: null} instead.
async function timed(method, p) {
  const t0 = performance.now();
  const res = await Promise.race([req(srv, method, p), new Promise((r) => setTimeout(() => r(null), 5000))]);
  return { res, ms: performance.now() - t0 };
}
async function ready() {
  const t = await timed('GET', '/health/ready');
  if (dbStopped) readyLatencies.push(t.ms);
  return t.res;
}

test('readiness answers 200 before the outage', async () => {
  assert.deepEqual(expectStatus(await ready(), 200).json, { status: 'ready' });
});

test('within 2 s of the database stopping, readiness answers 503 not_ready with Retry-After and a reason', async () => {
  cluster.stop();
  dbStopped = true;
  const t0 = Date.now();
  const res = await waitFor(async () => { const r = await ready(); return r?.status === 503 && r; },
    { timeoutMs: 2000, what: '/health/ready → 503' });
  assert.ok(Date.now() - t0 < 2500, `took ${Date.now() - t0} ms`);
  const err = expectError(res, 503, 'not_ready');
  assert.match(res.headers.get('retry-after') ?? '', /^[1-9]\d*$/, 'Retry-After');
  assert.match(err.message, /database/i, `the message should say why: ${err.message}`);
});

test('during the outage every readiness request answers 503 in under 2 s', async () => {
  for (let i = 0; i < 5; i++) expectError(await ready(), 503, 'not_ready');
  assert.ok(readyLatencies.length >= 5);
  for (const ms of readyLatencies) assert.ok(ms < 2000, `a /health/ready request took ${ms.toFixed(0)} ms`);
});

test('during the outage liveness stays 200', async () => {
  for (let i = 0; i < 3; i++) {
    const { res, ms } = await timed('GET', '/health/live');
    assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms`);
    assert.deepEqual(expectStatus(res, 200).json, { status: 'ok' });
  }
});

test('during the outage principals and areas keep answering 200 from memory', async () => {
  const principals = await timed('GET', '/api/v1/principals');
  assert.equal(expectStatus(principals.res, 200).json.items.length, 14);
  const area = await timed('GET', '/api/v1/areas/digitalisering');
  assert.equal(expectStatus(area.res, 200).json.slug, 'digitalisering');
  assert.ok(principals.ms < 2000 && area.ms < 2000);
});

test('readiness returns to 200 within 10 s of the database starting again, without a restart', async () => {
  cluster.start();
  dbStopped = false;
  const res = await waitFor(async () => { const r = await ready(); return r?.status === 200 && r; },
    { timeoutMs: 10000, intervalMs: 100, what: '/health/ready → 200 after the database is back' });
  assert.deepEqual(res.json, { status: 'ready' });
  assert.equal(srv.child.exitCode, null, 'the server process is still the same one');
});

test('after the outage the server stops cleanly', async () => {
  await srv.stop();
  assert.match(srv.logs(), /"msg":"stopped"/);
});
