// Identity: password logins — lockout after 5 failures in 15 minutes (429 + Retry-After,
// indistinguishable for unknown usernames). Rehashing and real-cost hashes (parallel guesses):
// identity-passwords.test.mjs.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createDatabase, psql } from './lib/harness.mjs';
import { FAST_HASH, createUser, tokenRequest, expectOAuthError, login } from './lib/auth.mjs';

const attempt = (srv, username, password) => tokenRequest(srv, { grant_type: 'password', username, password });
// The body without its request id, to compare two answers.
const comparable = (res) => { const { request_id, ...rest } = res.json ?? {}; return { status: res.status, body: rest }; };

describe('lockout', () => {
  let srv, db, victim, bystander, resetter, windowed, expiring;
  before(async () => {
    db = createDatabase();
    const made = [];
    for (const p of ['victim', 'bystander', 'resetter', 'windowed', 'expiring']) {
      made.push(await createUser(db, { principal: 'kinda', role: 'reader', username: `${p}${process.pid}` }));
    }
    [victim, bystander, resetter, windowed, expiring] = made;
    srv = await startServer({ db, env: FAST_HASH });
  });
  after(async () => { await srv.stop(); });
  const throttle = (u, set) => psql(`UPDATE core.login_throttle SET ${set} WHERE username = '${u.username}'`, { db: db.name });

  test('five failures lock the username: then even the right password gets 429 with Retry-After ≈ 900 s', async () => {
    for (let i = 0; i < 5; i++) expectOAuthError(await attempt(srv, victim.username, `wrong-password-${i}`), 400, 'invalid_grant');
    const res = await attempt(srv, victim.username, victim.password);
    assert.equal(res.status, 429, res.text);
    assert.ok(res.json?.error, res.text);
    assert.equal(typeof res.json.error_description, 'string');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const retry = Number(res.headers.get('retry-after'));
    assert.ok(retry >= 850 && retry <= 900, `Retry-After: ${res.headers.get('retry-after')}`);
    assert.ok(!res.json.access_token);
    assert.equal((await attempt(srv, victim.username.toUpperCase(), victim.password)).status, 429, 'the lock ignores case');
  });

  test('the lock is per username: another user still logs in', async () => {
    await login(srv, bystander.username, bystander.password);
  });

  test('an unknown username gets exactly the same answers, lockout included', async () => {
    const ghost = `ghost${process.pid}`;
    const known = `known${process.pid}`;
    const k = await createUser(db, { principal: 'kinda', role: 'reader', username: known });
    for (let i = 0; i < 6; i++) {
      const a = await attempt(srv, k.username, i < 5 ? `not-the-password-${i}` : k.password);
      const b = await attempt(srv, ghost, i < 5 ? `not-the-password-${i}` : k.password);
      assert.deepEqual(comparable(b), comparable(a), `attempt ${i + 1}`);
      assert.equal(b.headers.get('retry-after') !== null, a.headers.get('retry-after') !== null);
      assert.equal(a.status, i < 5 ? 400 : 429);
    }
  });

  test('a successful login resets the failure count', async () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) expectOAuthError(await attempt(srv, resetter.username, 'wrong-wrong-wrong'), 400, 'invalid_grant');
      await login(srv, resetter.username, resetter.password);
    }
  });

  test('failures older than 15 minutes do not count', async () => {
    for (let i = 0; i < 4; i++) await attempt(srv, windowed.username, 'wrong-wrong-wrong');
    throttle(windowed, "window_start = now() - interval '16 minutes'");
    expectOAuthError(await attempt(srv, windowed.username, 'wrong-wrong-wrong'), 400, 'invalid_grant');
    await login(srv, windowed.username, windowed.password);
  });

  test('the lock ends after its time', async () => {
    for (let i = 0; i < 5; i++) await attempt(srv, expiring.username, 'wrong-wrong-wrong');
    assert.equal((await attempt(srv, expiring.username, expiring.password)).status, 429);
    throttle(expiring, "locked_until = now() - interval '1 second', window_start = now() - interval '16 minutes'");
    await login(srv, expiring.username, expiring.password);
  });
});
