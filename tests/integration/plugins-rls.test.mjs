// Row-level security on a plugin's per-principal table (core.protect_principal_rows), with a
// deliberately careless plugin (tests/plugins/careless/plugin.c) whose POST /notes inserts a
// row for whatever principal the body names without asking host->can_write. The database
// must refuse what the handler forgot to check; host->can_write's approval opens exactly the
// approved principal's rows for that request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDatabase, startServer, req, expectStatus, expectError, psql } from './lib/harness.mjs';
import { FAST_HASH, createUser, login } from './lib/auth.mjs';
import { caseDir } from './lib/plugins.mjs';

let srv, db;
const tok = {};

before(async () => {
  db = createDatabase();
  srv = await startServer({ db, env: { ...FAST_HASH, LGVO_PLUGIN_DIR: caseDir('careless') } });
  const users = {
    motala: { principal: 'motala', role: 'reporter', areas: ['careless'] },
    region: { principal: 'region-ostergotland', role: 'reporter', areas: ['careless'] },
    county: { principal: 'region-ostergotland', role: 'county_admin' },
  };
  for (const [name, u] of Object.entries(users)) {
    const created = await createUser(db, u);
    tok[name] = (await login(srv, created.username, created.password)).access_token;
  }
});

after(() => srv?.stop());

const stored = (note) => Number(psql(`SELECT count(*) FROM careless.notes WHERE note = '${note}'`, { db: db.name }).trim());
const post = (route, who, body) => req(srv, 'POST', `/api/v1/careless/${route}`, { token: tok[who], body });

test('the table is protected: row-level security is enabled and forced, with the four policies', () => {
  const flags = psql("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'careless.notes'::regclass", { db: db.name }).trim();
  assert.equal(flags, 't|t');
  const policies = psql("SELECT string_agg(policyname, ',' ORDER BY policyname) FROM pg_policies WHERE schemaname = 'careless' AND tablename = 'notes'", { db: db.name }).trim();
  assert.equal(policies, 'principal_delete,principal_insert,principal_read,principal_update');
});

test('a Motala reporter writes Motala\'s row', async () => {
  expectStatus(await post('notes', 'motala', { principal: 'motala', note: 'motala-own' }), 201);
  assert.equal(stored('motala-own'), 1);
});

test('a Motala reporter writing Kinda\'s row through the careless route: the database refuses (403), nothing stored', async () => {
  const err = expectError(await post('notes', 'motala', { principal: 'kinda', note: 'motala-for-kinda' }), 403);
  assert.match(err.message, /may not write this principal's data/);
  assert.equal(stored('motala-for-kinda'), 0);
  // the region's reporter is not the region's county admin: without approval, refused as well
  expectError(await post('notes', 'region', { principal: 'kinda', note: 'region-for-kinda' }), 403);
  assert.equal(stored('region-for-kinda'), 0);
});

test('update and delete: rows of principals not approved are invisible to the write', async () => {
  expectStatus(await post('notes', 'county', { principal: 'kinda', note: 'kinda-to-keep' }), 201);
  const r = expectStatus(await req(srv, 'DELETE', '/api/v1/careless/notes/kinda', { token: tok.motala }), 200).json;
  assert.equal(r.deleted, 0);
  assert.equal(stored('kinda-to-keep'), 1);
  // the owner of a principal's rows may delete them
  expectStatus(await post('notes', 'motala', { principal: 'motala', note: 'motala-to-delete' }), 201);
  assert.ok(expectStatus(await req(srv, 'DELETE', '/api/v1/careless/notes/motala', { token: tok.motala }), 200).json.deleted >= 1);
  assert.equal(stored('motala-to-delete'), 0);
});

test('after can_write approval: the approved principal\'s rows, and only those', async () => {
  // can_write refuses the Motala reporter before the database is asked
  let err = expectError(await post('approved-notes', 'motala', { principal: 'kinda', note: 'approved-motala-for-kinda' }), 403);
  assert.match(err.message, /own principal/);
  assert.equal(stored('approved-motala-for-kinda'), 0);
  // the region, for data it reports on behalf of every municipality: approved, and row-level
  // security lets exactly that row through
  expectStatus(await post('approved-notes', 'region', { principal: 'kinda', note: 'region-on-behalf-of-kinda', on_behalf: true }), 201);
  assert.equal(stored('region-on-behalf-of-kinda'), 1);
  // a county_admin may write any principal's rows
  for (const p of ['ydre', 'kinda', 'region-ostergotland']) {
    expectStatus(await post('approved-notes', 'county', { principal: p, note: `county-for-${p}` }), 201);
    assert.equal(stored(`county-for-${p}`), 1);
  }
  // (and through the careless route too: a county_admin's transaction may write every row)
  expectStatus(await post('notes', 'county', { principal: 'odeshog', note: 'county-careless' }), 201);
});

test('everyone reads every principal\'s rows', async () => {
  expectStatus(await post('notes', 'motala', { principal: 'motala', note: 'motala-again' }), 201);
  const items = expectStatus(await req(srv, 'GET', '/api/v1/careless/notes', { token: tok.motala }), 200).json.items;
  const principals = new Set(items.map((i) => i.principal));
  for (const p of ['motala', 'kinda', 'ydre', 'region-ostergotland']) assert.ok(principals.has(p), p);
});

test('outside a request (no lgvo.writable), even the table\'s owner is refused', () => {
  assert.throws(() => psql("SET ROLE lgvo; INSERT INTO careless.notes (principal_id, note) VALUES (1, 'psql')", { db: db.name }),
    /row-level security/);
  assert.equal(stored('psql'), 0);
});
