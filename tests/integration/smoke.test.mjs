import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, req, expectStatus } from './lib/harness.mjs';

test('the server starts, answers /health/live and stops cleanly', async () => {
  const srv = await startServer();
  try {
    const res = expectStatus(await req(srv, 'GET', '/health/live'), 200);
    assert.deepEqual(res.json, { status: 'ok' });
  } finally {
    await srv.stop();
  }
});
