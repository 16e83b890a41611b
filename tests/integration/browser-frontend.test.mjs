// A front end in a real browser: headless Chromium loads a page (browser/frontend.html) from a
// second local origin, listed in LGVO_CORS_ORIGINS; the page signs in, pushes values with an
// Idempotency-Key and an X-Request-Id (a preflighted request), reads them back and reads the
// exposed headers, and refreshes its token. The same page from a third origin, not listed, is
// refused by the browser: no answer reaches it and nothing is stored. Every answer the page
// got is checked against the served OpenAPI document too.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, createDatabase, req, expectStatus, psql } from './lib/harness.mjs';
import { FAST_HASH, createUser } from './lib/auth.mjs';
import { checkResponse } from './lib/contract.mjs';
import { launchBrowser, pageServer } from './lib/browser.mjs';

const PAGE = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'browser', 'frontend.html'));
const MEASURE = 'att-aldras.self-rated-health';
const PERIOD = String(new Date().getUTCFullYear() - 1);

describe('a front end on another origin, in Chromium', () => {
  let srv, db, user, browser, allowed, refused, page;

  // Calls the API from the page; checks the answer against the contract; returns it with json.
  async function call(p, method, pathname, opts = {}) {
    const out = await p.evaluate(([api, m, u, o]) => window.frontEnd.call(api, m, u, o), [srv.base, method, pathname, opts]);
    if (out.error) return out;
    let json;
    try { json = JSON.parse(out.text); } catch { json = undefined; }
    const res = { status: out.status, headers: new Headers(out.headers), text: out.text, json };
    await checkResponse(srv, { method, path: pathname }, res);
    return res;
  }

  before(async () => {
    db = createDatabase();
    user = await createUser(db, { principal: 'motala', role: 'reporter', areas: ['att-aldras'] });
    allowed = await pageServer({ '/': ['text/html; charset=utf-8', PAGE] });
    refused = await pageServer({ '/': ['text/html; charset=utf-8', PAGE] });
    srv = await startServer({ db, env: { ...FAST_HASH, LGVO_CORS_ORIGINS: `https://other.example.se,${allowed.origin}` } });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.goto(`${allowed.origin}/`);
    assert.equal(await page.textContent('#state'), 'loaded');
  });
  after(async () => {
    await browser?.close();
    await allowed?.close();
    await refused?.close();
    await srv?.stop();
  });

  test('signs in, pushes with an Idempotency-Key, reads the values and the exposed headers, refreshes', async () => {
    const login = await page.evaluate(([api, u, pw]) => window.frontEnd.login(api, u, pw), [srv.base, user.username, user.password]);
    assert.equal(login.status, 200, login.text ?? login.error);
    const tokens = JSON.parse(login.text);
    assert.equal(tokens.token_type, 'Bearer');

    const rows = [{ measure: MEASURE, principal: 'motala', period: PERIOD, sex: 'K', numerator: 30, denominator: 60 },
      { measure: MEASURE, principal: 'motala', period: PERIOD, sex: 'M', numerator: 20, denominator: 50 }];
    const headers = { 'Idempotency-Key': `browser-${Date.now()}`, 'X-Request-Id': 'browser-push-1' };
    const first = await call(page, 'POST', '/api/v1/values', { token: tokens.access_token, body: { values: rows }, headers });
    assert.equal(first.status, 200, first.text ?? first.error);
    assert.equal(first.json.created, 2);
    assert.equal(first.headers.get('x-request-id'), 'browser-push-1', 'X-Request-Id is sent and exposed');
    // the same key again: the stored answer, marked as replayed (an exposed header)
    const again = await call(page, 'POST', '/api/v1/values', { token: tokens.access_token, body: { values: rows }, headers });
    assert.equal(again.status, 200);
    assert.deepEqual(again.json, first.json);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');

    const page1 = await call(page, 'GET', `/api/v1/values?measure=${MEASURE}&principal=motala&limit=1`, { token: tokens.access_token });
    assert.equal(page1.status, 200, page1.text);
    assert.equal(page1.json.items.length, 1);
    assert.ok(page1.json.next_cursor);
    assert.equal(page1.headers.get('x-next-cursor'), page1.json.next_cursor, 'the pagination header is exposed');
    const page2 = await call(page, 'GET', `/api/v1/values?measure=${MEASURE}&principal=motala&limit=1&cursor=${encodeURIComponent(page1.json.next_cursor)}`, { token: tokens.access_token });
    assert.equal(page2.status, 200, page2.text);
    const got = [...page1.json.items, ...page2.json.items].map((v) => [v.sex, v.numerator, v.denominator]).sort();
    assert.deepEqual(got, [['K', 30, 60], ['M', 20, 50]]);

    const series = await call(page, 'GET', `/api/v1/measures/${MEASURE}/series?principal=motala&sex=K`, { token: tokens.access_token });
    assert.equal(series.status, 200, series.text);
    assert.ok(series.headers.get('etag'), 'ETag is exposed');

    const refreshed = await page.evaluate(([api, t]) => window.frontEnd.refresh(api, t), [srv.base, tokens.refresh_token]);
    assert.equal(refreshed.status, 200, refreshed.text);
    const me = await call(page, 'GET', '/api/v1/auth/me', { token: JSON.parse(refreshed.text).access_token });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.principal.slug, 'motala');
    // an error is readable too (status and body), so the front end can say why
    const denied = await call(page, 'GET', '/api/v1/auth/me', { token: 'not-a-token' });
    assert.equal(denied.status, 401);
    assert.equal(denied.json.error.status, 401);
  });

  test('a page from an origin not listed gets nothing: reads and writes are refused by the browser', async () => {
    const other = await browser.context.newPage();
    try {
      await other.goto(`${refused.origin}/`);
      assert.equal(await other.textContent('#state'), 'loaded');
      const read = await call(other, 'GET', '/api/v1/principals');
      assert.match(read.error ?? '', /TypeError/, `a read from ${refused.origin} was let through: ${JSON.stringify(read)}`);
      const login = await other.evaluate(([api, u, pw]) => window.frontEnd.login(api, u, pw), [srv.base, user.username, user.password]);
      assert.match(login.error ?? '', /TypeError/, 'the token answer does not reach the page');
      const before = psql(`SELECT count(*) FROM core.values`, { db: db.name }).trim();
      // a bearer token obtained elsewhere does not help: the preflight is refused, the push never sent
      const token = (await req(srv, 'POST', '/api/v1/auth/token', { body: new URLSearchParams({ grant_type: 'password', username: user.username, password: user.password }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })).json.access_token;
      const write = await call(other, 'POST', '/api/v1/values', { token, body: { values: [{ measure: MEASURE, principal: 'motala', period: PERIOD, sex: 'T', numerator: 1, denominator: 2 }] } });
      assert.match(write.error ?? '', /TypeError/);
      assert.equal(psql(`SELECT count(*) FROM core.values`, { db: db.name }).trim(), before, 'nothing was stored');
      // the server did answer the refused origin's preflight, without any CORS header
      const pre = expectStatus(await req(srv, 'OPTIONS', '/api/v1/values', { headers: { origin: refused.origin, 'access-control-request-method': 'POST' } }), 204);
      assert.equal(pre.headers.get('access-control-allow-origin'), null);
    } finally {
      await other.close();
    }
  });

  test('the pages asked for nothing outside the loopback test servers', () => {
    assert.deepEqual(browser.outside, []);
  });
});
