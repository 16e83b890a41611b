// CORS for browser front ends on other origins (api/src/http/cors.c): only the exact origins in
// LGVO_CORS_ORIGINS get CORS headers, none by default; preflights are answered without a token;
// the request headers a front end sends are allowed and the headers it needs to read exposed.
// The browser's side of the same rules is in browser-cors.test.mjs.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createDatabase, req, expectStatus, expectError } from './lib/harness.mjs';
import { FAST_HASH, createUser, login } from './lib/auth.mjs';

const APP = 'http://127.0.0.1:5173';
const OTHER = 'https://dashboard.example.se';
const list = (h) => (h ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
const corsHeaders = (res) => [...res.headers.keys()].filter((k) => k.startsWith('access-control-'));

function preflight(srv, path, origin, method = 'POST', headers = 'authorization, content-type, idempotency-key, x-request-id') {
  return req(srv, 'OPTIONS', path, {
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
  });
}

describe('CORS with LGVO_CORS_ORIGINS unset', () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(async () => { await srv?.stop(); });

  test('no origin is allowed: no CORS headers on answers or preflights', async () => {
    const res = expectStatus(await req(srv, 'GET', '/api/v1/principals', { headers: { origin: APP } }), 200);
    assert.deepEqual(corsHeaders(res), []);
    assert.match(res.headers.get('vary') ?? '', /Origin/);
    const pre = expectStatus(await preflight(srv, '/api/v1/values', APP), 204);
    assert.deepEqual(corsHeaders(pre), []);
  });
});

describe('CORS with allowed origins', () => {
  let srv, token;
  before(async () => {
    const db = createDatabase();
    const user = await createUser(db, { principal: 'motala', role: 'reporter', areas: ['att-aldras'] });
    srv = await startServer({ db, env: { ...FAST_HASH, LGVO_CORS_ORIGINS: `${APP}, ${OTHER}` } });
    token = (await login(srv, user.username, user.password)).access_token;
  });
  after(async () => { await srv?.stop(); });

  test('a preflight is answered 204 without a token, allowing the method and the front end\'s headers', async () => {
    for (const origin of [APP, OTHER]) {
      const res = expectStatus(await preflight(srv, '/api/v1/values', origin), 204);
      assert.equal(res.text, '');
      assert.equal(res.headers.get('access-control-allow-origin'), origin);
      assert.ok(list(res.headers.get('access-control-allow-methods')).includes('post'), res.headers.get('access-control-allow-methods'));
      assert.ok(list(res.headers.get('access-control-allow-methods')).includes('get'));
      const allowed = list(res.headers.get('access-control-allow-headers'));
      for (const h of ['authorization', 'content-type', 'idempotency-key', 'x-request-id']) assert.ok(allowed.includes(h), `${h} in ${allowed}`);
      assert.ok(Number(res.headers.get('access-control-max-age')) > 0);
      assert.match(res.headers.get('vary') ?? '', /Origin/);
      assert.equal(res.headers.get('access-control-allow-credentials'), null, 'bearer tokens, never cookies');
    }
    // every kind of route: public, authenticated, admin-only, a path with parameters, a plugin's
    for (const [path, method] of [['/api/v1/auth/token', 'POST'], ['/api/v1/auth/me', 'GET'], ['/api/v1/locks', 'POST'],
      ['/api/v1/measures/att-aldras.readmissions-30d/series', 'GET'], ['/api/v1/principals/motala/users/1', 'PATCH'],
      ['/api/v1/att-aldras', 'GET']]) {
      const res = expectStatus(await preflight(srv, path, APP, method), 204);
      assert.equal(res.headers.get('access-control-allow-origin'), APP, path);
      assert.ok(list(res.headers.get('access-control-allow-methods')).includes(method.toLowerCase()), `${path}: ${res.headers.get('access-control-allow-methods')}`);
    }
  });

  test('answers to an allowed origin expose X-Request-Id and the pagination header', async () => {
    const res = expectStatus(await req(srv, 'GET', '/api/v1/values?limit=1', { token, headers: { origin: APP } }), 200);
    assert.equal(res.headers.get('access-control-allow-origin'), APP);
    const exposed = list(res.headers.get('access-control-expose-headers'));
    for (const h of ['x-request-id', 'x-next-cursor', 'etag', 'location', 'retry-after', 'idempotent-replayed']) assert.ok(exposed.includes(h), `${h} in ${exposed}`);
    assert.equal(res.headers.get('access-control-allow-methods'), null, 'only preflights list methods');
    assert.match(res.headers.get('vary') ?? '', /Origin/);
    // errors too, so that a front end can read why
    const err = await req(srv, 'GET', '/api/v1/auth/me', { headers: { origin: OTHER } });
    expectError(err, 401, 'unauthorized');
    assert.equal(err.headers.get('access-control-allow-origin'), OTHER);
  });

  test('any other origin gets no CORS headers at all: not similar ones, not other schemes or ports, not null', async () => {
    for (const origin of ['https://evil.example', `${APP}.evil.example`, 'http://127.0.0.1:5174', 'https://127.0.0.1:5173',
      'HTTP://127.0.0.1:5173', `${APP}/`, 'null', 'http://127.0.0.1', 'https://dashboard.example.se.evil', '']) {
      const pre = expectStatus(await preflight(srv, '/api/v1/values', origin), 204);
      assert.deepEqual(corsHeaders(pre), [], `preflight from ${JSON.stringify(origin)}`);
      const res = expectStatus(await req(srv, 'GET', '/api/v1/principals', { headers: { origin } }), 200);
      assert.deepEqual(corsHeaders(res), [], `GET from ${JSON.stringify(origin)}`);
    }
    // a listed origin of a request without one is not echoed
    const res = expectStatus(await req(srv, 'GET', '/api/v1/principals'), 200);
    assert.deepEqual(corsHeaders(res), []);
  });

  test('a preflight needs no token but the call itself does', async () => {
    const pre = expectStatus(await preflight(srv, '/api/v1/auth/me', APP, 'GET', 'authorization'), 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), APP);
    expectError(await req(srv, 'GET', '/api/v1/auth/me', { headers: { origin: APP } }), 401, 'unauthorized');
    expectStatus(await req(srv, 'GET', '/api/v1/auth/me', { token, headers: { origin: APP } }), 200);
  });
});
