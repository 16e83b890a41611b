// Identity: the account CLI — `lgvo-api client add`, its JSON output (the secret shown once),
// and exit 1 with a clear message for every refused input. `user add`: identity-cli.test.mjs.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createDatabase, runCommand, psql } from './lib/harness.mjs';
import { FAST_HASH, clientToken, decodeJwt } from './lib/auth.mjs';

let db;
const clientAdd = (args) => runCommand(['client', 'add', ...args], { db });
const count = (table) => Number(psql(`SELECT count(*) FROM core.${table}`, { db: db.name }));

function refused(out, pattern) {
  assert.equal(out.code, 1, `expected exit 1, got ${out.code}; stdout ${out.stdout}; stderr ${out.stderr}`);
  assert.equal(out.stdout, '', 'nothing on stdout when refused');
  assert.match(out.stderr, pattern);
}

before(async () => {
  db = createDatabase();
  const out = await runCommand(['migrate'], { db });
  assert.equal(out.code, 0, out.stderr);
});

describe('client add', () => {
  test('creates the client and prints {client_id, client_secret, principal, name, role, areas}; the secret works', async () => {
    const out = await clientAdd(['--principal', 'linkoping', '--name', 'Linköping ETL', '--role', 'reporter', '--area', 'vaxa-upp']);
    assert.equal(out.code, 0, out.stderr);
    const c = JSON.parse(out.stdout);
    assert.deepEqual(Object.keys(c).sort(), ['areas', 'client_id', 'client_secret', 'name', 'principal', 'role']);
    assert.deepEqual([c.principal, c.name, c.role, c.areas], ['linkoping', 'Linköping ETL', 'reporter', ['vaxa-upp']]);
    assert.ok(c.client_secret.length >= 32);
    const stored = psql(`SELECT secret_sha256 FROM core.clients WHERE client_id = '${c.client_id}'`, { db: db.name });
    assert.ok(!stored.includes(c.client_secret));
    const srv = await startServer({ db, env: FAST_HASH });
    try {
      const t = await clientToken(srv, c.client_id, c.client_secret);
      assert.equal(decodeJwt(t.access_token).payload.sub, `client:${c.client_id}`);
    } finally {
      await srv.stop();
    }
  });

  test('two clients get different ids and secrets', async () => {
    const a = JSON.parse((await clientAdd(['--principal', 'ydre', '--name', 'A', '--role', 'reader'])).stdout);
    const b = JSON.parse((await clientAdd(['--principal', 'ydre', '--name', 'A', '--role', 'reader'])).stdout);
    assert.notEqual(a.client_id, b.client_id);
    assert.notEqual(a.client_secret, b.client_secret);
  });

  test('refuses admin roles, unknown principals, roles and areas', async () => {
    const before = count('clients');
    refused(await clientAdd(['--principal', 'motala', '--name', 'X', '--role', 'org_admin']), /reader or reporter/);
    refused(await clientAdd(['--principal', 'motala', '--name', 'X', '--role', 'county_admin']), /reader or reporter/);
    refused(await clientAdd(['--principal', 'atlantis', '--name', 'X', '--role', 'reader']), /principal.*atlantis/);
    refused(await clientAdd(['--principal', 'motala', '--name', 'X', '--role', 'reporter', '--area', 'moon']), /area.*moon/);
    refused(await clientAdd(['--principal', 'motala', '--role', 'reader']), /--name/);
    refused(await clientAdd(['--principal', 'motala', '--name', 'X', '--role', 'reader', '--password-stdin']), /--password-stdin/);
    assert.equal(count('clients'), before);
  });
});
