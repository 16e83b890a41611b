// Identity: the account CLI — `lgvo-api user add … --password-stdin`, its JSON output, and
// exit 1 with a clear message for every refused input. `client add`: identity-cli-clients.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createDatabase, runCommand, psql } from './lib/harness.mjs';
import { FAST_HASH, login, decodeJwt, uniquePassword } from './lib/auth.mjs';

let db;
const userAdd = (args, password) => runCommand(['user', 'add', ...args, '--password-stdin'], { db, input: password === undefined ? '' : `${password}\n`, env: FAST_HASH });
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

describe('user add', () => {
  test('creates the user and prints {id, username, principal, role, areas}; the user logs in', async () => {
    const password = uniquePassword();
    const out = await userAdd(['--principal', 'motala', '--username', `Cli${process.pid}`, '--role', 'reporter', '--area', 'att-aldras', '--area', 'digitalisering'], password);
    assert.equal(out.code, 0, out.stderr);
    const u = JSON.parse(out.stdout);
    assert.deepEqual(Object.keys(u).sort(), ['areas', 'id', 'principal', 'role', 'username']);
    assert.match(u.id, /^[0-9a-f-]{36}$/);
    assert.equal(u.username, `cli${process.pid}`);
    assert.equal(u.principal, 'motala');
    assert.equal(u.role, 'reporter');
    assert.deepEqual(u.areas, ['att-aldras', 'digitalisering']);
    assert.ok(!out.stdout.includes(password) && !out.stderr.includes(password), 'the password is never printed');
    const hash = psql(`SELECT password_hash FROM core.users WHERE id = '${u.id}'`, { db: db.name });
    assert.match(hash, /^\$argon2id\$/);
    // The principal may be given by its official code; a CRLF line ending is not part of the password.
    const byCode = await runCommand(['user', 'add', '--principal', '0513', '--username', `code${process.pid}`, '--role', 'org_admin', '--password-stdin'],
      { db, input: 'twelve chars!\r\n', env: FAST_HASH });
    assert.equal(byCode.code, 0, byCode.stderr);
    assert.equal(JSON.parse(byCode.stdout).principal, 'kinda');
    const srv = await startServer({ db, env: FAST_HASH });
    try {
      const t = await login(srv, u.username, password);
      assert.deepEqual(decodeJwt(t.access_token).payload.areas, ['att-aldras', 'digitalisering']);
      const k = await login(srv, `code${process.pid}`, 'twelve chars!');
      assert.equal(decodeJwt(k.access_token).payload.principal, 'kinda');
    } finally {
      await srv.stop();
    }
  });

  test('refuses an unknown principal, role or area', async () => {
    const before = count('users');
    refused(await userAdd(['--principal', 'atlantis', '--username', 'nobody1', '--role', 'reader'], uniquePassword()), /principal.*atlantis/);
    refused(await userAdd(['--principal', 'motala', '--username', 'nobody2', '--role', 'emperor'], uniquePassword()), /role.*emperor/);
    refused(await userAdd(['--principal', 'motala', '--username', 'nobody3', '--role', 'reporter', '--area', 'moon'], uniquePassword()), /area.*moon/);
    refused(await userAdd(['--principal', 'motala', '--username', 'nobody4', '--role', 'reader', '--area', 'att-aldras'], uniquePassword()), /reporter/);
    assert.equal(count('users'), before);
  });

  test('refuses a password shorter than 12 characters, or none', async () => {
    refused(await userAdd(['--principal', 'motala', '--username', 'shortpw', '--role', 'reader'], 'elevenchars'), /12/);
    refused(await userAdd(['--principal', 'motala', '--username', 'nopw', '--role', 'reader']), /password/);
    refused(await runCommand(['user', 'add', '--principal', 'motala', '--username', 'nostdin', '--role', 'reader'], { db, input: 'long enough password\n' }), /--password-stdin/);
    assert.equal(psql("SELECT count(*) FROM core.users WHERE username IN ('shortpw', 'nopw', 'nostdin')", { db: db.name }).trim(), '0');
  });

  test('refuses a duplicate username (any case) and a malformed one', async () => {
    const name = `dup${process.pid}`;
    assert.equal((await userAdd(['--principal', 'motala', '--username', name, '--role', 'reader'], uniquePassword())).code, 0);
    refused(await userAdd(['--principal', 'kinda', '--username', name.toUpperCase(), '--role', 'reader'], uniquePassword()), /already taken/);
    refused(await userAdd(['--principal', 'kinda', '--username', 'x y', '--role', 'reader'], uniquePassword()), /username/);
  });

  test('refuses missing or unknown options', async () => {
    refused(await userAdd(['--username', 'a1b2c3', '--role', 'reader'], uniquePassword()), /--principal/);
    refused(await userAdd(['--principal', 'motala', '--role', 'reader'], uniquePassword()), /--username/);
    refused(await userAdd(['--principal', 'motala', '--username', 'a1b2c3'], uniquePassword()), /--role/);
    refused(await userAdd(['--principal', 'motala', '--username', 'a1b2c3', '--role', 'reader', '--colour', 'red'], uniquePassword()), /--colour/);
    refused(await runCommand(['user', 'remove'], { db }), /usage/);
  });
});
