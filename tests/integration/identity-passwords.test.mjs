// Identity: Argon2id password hashes — rehashing when the parameters change, the default
// parameters, and (with real-cost hashes) parallel guesses that must not get around the
// lockout. The lockout itself: identity-lockout.test.mjs.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createDatabase, psql, expectStatus } from './lib/harness.mjs';
import { createUser, tokenRequest, expectOAuthError, login } from './lib/auth.mjs';

const attempt = (srv, username, password) => tokenRequest(srv, { grant_type: 'password', username, password });
const hashOf = (db, u) => psql(`SELECT password_hash FROM core.users WHERE username = '${u.username}'`, { db: db.name }).trim();

describe('rehashing', () => {
  test('a login with new Argon2id parameters rehashes the stored password', async () => {
    const db = createDatabase();
    const u = await createUser(db, { principal: 'motala', role: 'reader', env: { LGVO_PASSWORD_OPSLIMIT: '1', LGVO_PASSWORD_MEMLIMIT_KIB: '8192' } });
    const before = hashOf(db, u);
    assert.match(before, /^\$argon2id\$v=19\$m=8192,t=1,p=1\$/);
    assert.ok(!before.includes(u.password));
    const srv = await startServer({ db, env: { LGVO_PASSWORD_OPSLIMIT: '2', LGVO_PASSWORD_MEMLIMIT_KIB: '16384' } });
    try {
      expectOAuthError(await attempt(srv, u.username, 'a wrong password'), 400, 'invalid_grant');
      assert.equal(hashOf(db, u), before, 'a failed login does not rehash');
      await login(srv, u.username, u.password);
      const after1 = hashOf(db, u);
      assert.match(after1, /^\$argon2id\$v=19\$m=16384,t=2,p=1\$/);
      await login(srv, u.username, u.password);
      assert.equal(hashOf(db, u), after1, 'a hash with the current parameters is kept');
    } finally {
      await srv.stop();
    }
  });
});

// Real (slow) hashes and a thread per connection: parallel guesses all pass the first lock
// check before any failure is recorded.
describe('with the default Argon2id parameters', () => {
  let srv, db, u;
  before(async () => {
    db = createDatabase();
    u = await createUser(db, { principal: 'motala', role: 'reader', env: {} });
    // A thread per connection, and a hash slot per guess (none waits for the gate and times
    // out with 503 on a loaded machine).
    srv = await startServer({ db, env: { LGVO_HTTP_THREADS: '0', LGVO_MAX_CONCURRENT_HASHES: '8' } });
  });
  after(async () => { await srv.stop(); });

  test('the default parameters are Argon2id with 64 MiB and 2 passes', async () => {
    assert.match(hashOf(db, u), /^\$argon2id\$v=19\$m=65536,t=2,p=1\$/);
    expectStatus(await attempt(srv, u.username, u.password), 200);
    assert.match(hashOf(db, u), /^\$argon2id\$v=19\$m=65536,t=2,p=1\$/);
  });

  test('parallel guesses do not get around the limit: at most 5 are judged, the rest get 429', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => attempt(srv, u.username, `parallel-guess-${i}`)));
    const statuses = answers.map((r) => r.status);
    assert.ok(statuses.every((st) => st === 400 || st === 429 || st === 503), statuses.join());
    assert.ok(statuses.filter((st) => st === 400).length <= 5, `more than 5 guesses were judged: ${statuses.join()}`);
    assert.ok(statuses.filter((st) => st === 400).length >= 1, statuses.join());
    assert.equal((await attempt(srv, u.username, u.password)).status, 429);
  });
});
