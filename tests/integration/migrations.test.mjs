// The migration runner, on a temporary copy of schema/ (LGVO_SCHEMA_DIR).
import { test } from 'node:test';
import os from 'node:os';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SOURCE_DIR, WORK, createDatabase, freePort, psql, runCommand, startServer, req, expectStatus } from './lib/harness.mjs';

// These tests are about the core's migrations: load no plugins (they add migrations of their own).
process.env.LGVO_PLUGIN_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'lgvo-no-plugins-'));

const REPO_SCHEMA = path.join(SOURCE_DIR, 'schema');

function schemaCopy() {
  const dir = fs.mkdtempSync(path.join(WORK, 'schema-'));
  fs.cpSync(REPO_SCHEMA, dir, { recursive: true });
  return dir;
}
// The migration files of a schema directory, in order; each test judges against its own copy.
const filesIn = (dir) => fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
const asRows = (files) => files.map((f) => `${Number(f.slice(0, 4))}|${f}`);
const migrate = (db, dir) => runCommand(['migrate'], { db, env: { LGVO_SCHEMA_DIR: dir } });
// `serve` that is expected to stop during start-up.
const serve = async (db, dir) => runCommand(['serve'], {
  db, env: { LGVO_SCHEMA_DIR: dir, LGVO_LISTEN: `127.0.0.1:${await freePort()}` }, timeoutMs: 30000,
});
const appliedLines = (stderr) => stderr.split('\n').filter((l) => l.includes('applied migration'));
const recorded = (db) => psql("SELECT version, name FROM core.migrations WHERE component = 'core' ORDER BY version",
  { db: db.name }).trim().split('\n').filter(Boolean);
const tableExists = (db, name) => psql(`SELECT to_regclass('${name}') IS NOT NULL`, { db: db.name }).trim() === 't';

function expectExit(r, code) {
  assert.ok(!r.timedOut, `the command hung:\n${r.stderr}`);
  assert.equal(r.code, code, `exit ${r.code} (signal ${r.signal}); stderr:\n${r.stderr}`);
}

async function migratedCopy() {
  const db = createDatabase();
  const dir = schemaCopy();
  expectExit(await migrate(db, dir), 0);
  return { db, dir };
}

test('migrate applies every migration and exits 0', async () => {
  const db = createDatabase();
  const dir = schemaCopy();
  const r = await migrate(db, dir);
  expectExit(r, 0);
  assert.equal(appliedLines(r.stderr).length, filesIn(dir).length, r.stderr);
  assert.deepEqual(recorded(db), asRows(filesIn(dir)));
  assert.equal(psql('SELECT count(*) FROM core.principals', { db: db.name }).trim(), '14');
});

test('a second migrate applies nothing and exits 0', async () => {
  const { db, dir } = await migratedCopy();
  const before = psql('SELECT version, sha256, applied_at FROM core.migrations ORDER BY version', { db: db.name });
  const r = await migrate(db, dir);
  expectExit(r, 0);
  assert.deepEqual(appliedLines(r.stderr), []);
  assert.equal(psql('SELECT version, sha256, applied_at FROM core.migrations ORDER BY version', { db: db.name }), before);
});

test('serve refuses to start (exit 1) when an applied migration file has changed, naming it', async () => {
  const { db, dir } = await migratedCopy();
  const file = filesIn(dir)[1];
  fs.appendFileSync(path.join(dir, file), '\n-- edited after it was applied\n');
  const r = await serve(db, dir);
  expectExit(r, 1);
  assert.match(r.stderr, new RegExp(`${file.replace('.', '\\.')}[^\\n]*chang`), r.stderr);
});

test('serve refuses to start (exit 1) when an applied migration file was deleted, naming it', async () => {
  const { db, dir } = await migratedCopy();
  const file = filesIn(dir).at(-1);
  fs.rmSync(path.join(dir, file));
  const r = await serve(db, dir);
  expectExit(r, 1);
  assert.match(r.stderr, new RegExp(`${file.replace('.', '\\.')}[^\\n]*missing`), r.stderr);
});

test('serve applies a newly added migration file and then serves', async () => {
  const { db, dir } = await migratedCopy();
  fs.writeFileSync(path.join(dir, '0999_x.sql'), 'CREATE TABLE core.extra (id int);\n');
  const srv = await startServer({ db, env: { LGVO_SCHEMA_DIR: dir } });
  try {
    assert.equal(appliedLines(srv.logs()).length, 1, srv.logs());
    assert.match(appliedLines(srv.logs())[0], /0999_x\.sql/);
    assert.ok(tableExists(db, 'core.extra'), 'core.extra was not created');
    assert.deepEqual(recorded(db).slice(-1), ['999|0999_x.sql']);
    expectStatus(await req(srv, 'GET', '/health/ready'), 200);
  } finally {
    await srv.stop();
  }
});

test('two migrate processes started together on a fresh database both succeed and apply each migration once', async () => {
  for (let round = 0; round < 3; round++) {
    const db = createDatabase();
    const dir = schemaCopy();
    const [a, b] = await Promise.all([migrate(db, dir), migrate(db, dir)]);
    expectExit(a, 0);
    expectExit(b, 0);
    assert.equal(appliedLines(a.stderr).length + appliedLines(b.stderr).length, filesIn(dir).length,
      `applied lines:\n${a.stderr}\n---\n${b.stderr}`);
    const counts = psql('SELECT version, count(*) FROM core.migrations GROUP BY version ORDER BY version', { db: db.name });
    assert.deepEqual(counts.trim().split('\n'), filesIn(dir).map((f) => `${Number(f.slice(0, 4))}|1`));
    assert.equal(psql('SELECT count(*) FROM core.principals', { db: db.name }).trim(), '14');
  }
});

test('a failing migration exits 1, names the file and leaves nothing of it behind', async () => {
  const db = createDatabase();
  const dir = schemaCopy();
  const bad = '0998_broken.sql';
  const good = filesIn(dir);
  fs.writeFileSync(path.join(dir, bad), 'CREATE TABLE core.half_done (id int);\nSELECT no_such_column FROM core.half_done;\n');
  const r = await migrate(db, dir);
  expectExit(r, 1);
  assert.match(r.stderr, /0998_broken\.sql/);
  assert.ok(!tableExists(db, 'core.half_done'), 'the failed migration left its table behind');
  assert.ok(!recorded(db).some((l) => l.includes(bad)), 'the failed migration was recorded');
  assert.deepEqual(recorded(db), asRows(good), 'the good ones before it are kept');
});
