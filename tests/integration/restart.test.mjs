// Data survives a server restart; reference data changed in the database shows through the
// running service (LISTEN/NOTIFY); a restart re-applies no migration.
import { test } from 'node:test';
import os from 'node:os';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SOURCE_DIR, WORK, startServer, createDatabase, req, expectStatus, psql, waitFor } from './lib/harness.mjs';

// These tests are about the core's migrations: load no plugins (they add migrations of their own).
process.env.LGVO_PLUGIN_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'lgvo-no-plugins-'));

const migrationRows = (db) => psql(
  'SELECT component, version, name, sha256, applied_at FROM core.migrations ORDER BY component, version',
  { db: db.name });
const nameEn = async (srv) => expectStatus(await req(srv, 'GET', '/api/v1/areas/att-aldras'), 200).json.name_en;

test('a reference change made in the database shows through the running service within 2 s', async () => {
  const srv = await startServer();
  try {
    assert.equal(await nameEn(srv), 'Ageing');
    psql("UPDATE core.areas SET name_en = 'Ageing (edited)' WHERE slug = 'att-aldras'", { db: srv.db.name });
    await waitFor(async () => (await nameEn(srv)) === 'Ageing (edited)', { timeoutMs: 2000, what: 'edited area in the API' });
    const list = expectStatus(await req(srv, 'GET', '/api/v1/areas'), 200).json.items;
    assert.equal(list.find((a) => a.slug === 'att-aldras').name_en, 'Ageing (edited)');
  } finally {
    await srv.stop();
  }
});

test('after a reference change, the previous ETag no longer yields 304', async () => {
  const srv = await startServer();
  try {
    const etag = expectStatus(await req(srv, 'GET', '/api/v1/areas'), 200).headers.get('etag');
    psql("UPDATE core.areas SET name_en = 'Digitalization' WHERE slug = 'digitalisering'", { db: srv.db.name });
    const res = await waitFor(async () => {
      const r = await req(srv, 'GET', '/api/v1/areas', { headers: { 'if-none-match': etag } });
      return r.status !== 304 && r;
    }, { timeoutMs: 2000, what: 'a fresh answer to the old ETag' });
    expectStatus(res, 200);
    assert.notEqual(res.headers.get('etag'), etag);
    assert.equal(res.json.items.find((a) => a.slug === 'digitalisering').name_en, 'Digitalization');
  } finally {
    await srv.stop();
  }
});

test('data and migrations are kept across a restart, and nothing is re-applied', async () => {
  const db = createDatabase();
  // A private copy of schema/, so that both starts see exactly the same migration files.
  const schema = fs.mkdtempSync(path.join(WORK, 'schema-'));
  fs.cpSync(path.join(SOURCE_DIR, 'schema'), schema, { recursive: true });
  const env = { LGVO_SCHEMA_DIR: schema };
  const first = await startServer({ db, env });
  let rowsBefore;
  try {
    assert.match(first.logs(), /applied migration/, 'the first start applies the migrations');
    psql("UPDATE core.areas SET name_en = 'Ageing (edited)' WHERE slug = 'att-aldras'", { db: db.name });
    await waitFor(async () => (await nameEn(first)) === 'Ageing (edited)', { timeoutMs: 2000, what: 'edited area in the API' });
    rowsBefore = migrationRows(db);
  } finally {
    await first.stop();
  }
  const files = fs.readdirSync(schema).filter((f) => f.endsWith('.sql'));
  assert.equal(rowsBefore.trim().split('\n').length, files.length, `core.migrations rows:\n${rowsBefore}`);

  const second = await startServer({ db, env });
  try {
    assert.equal(await nameEn(second), 'Ageing (edited)');
    assert.equal(migrationRows(db), rowsBefore, 'core.migrations changed on restart');
    assert.doesNotMatch(second.logs(), /applied migration/);
  } finally {
    await second.stop();
  }
});
