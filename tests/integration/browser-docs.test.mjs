// GET /docs in a real browser: the API serves the interactive reference itself (Swagger UI from
// <build>/web/docs, assembled by scripts/lib/web.sh), nothing is loaded from elsewhere, every
// operation of the served document is rendered, and a person can authorise with a bearer token
// and try a call.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createDatabase, req, expectStatus, expectError } from './lib/harness.mjs';
import { FAST_HASH, createUser, login } from './lib/auth.mjs';
import { METHODS } from './lib/contract.mjs';
import { launchBrowser } from './lib/browser.mjs';

describe('GET /docs', () => {
  let srv, token, doc, browser;
  before(async () => {
    const db = createDatabase();
    const user = await createUser(db, { principal: 'kinda', role: 'reader' });
    srv = await startServer({ db, env: FAST_HASH });
    token = (await login(srv, user.username, user.password)).access_token;
    doc = expectStatus(await req(srv, 'GET', '/openapi.json'), 200).json;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test('the page and its assets are served by the API, public, with ETags; nothing else is', async () => {
    // the dashboard's page at / comes from the same site
    assert.equal(expectStatus(await req(srv, 'GET', '/'), 200).headers.get('content-type'), 'text/html; charset=utf-8');
    const page = expectStatus(await req(srv, 'GET', '/docs'), 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(page.text, /swagger-ui-bundle\.js/);
    assert.doesNotMatch(page.text, /https?:\/\//, 'no absolute URL: no CDN');
    assert.equal(expectStatus(await req(srv, 'GET', '/docs/index.html'), 200).text, page.text);
    const etag = page.headers.get('etag');
    assert.ok(etag);
    expectStatus(await req(srv, 'GET', '/docs', { headers: { 'if-none-match': etag } }), 304);
    for (const [file, type] of [['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'], ['swagger-ui.css', 'text/css; charset=utf-8'],
      ['docs.js', 'text/javascript; charset=utf-8'], ['favicon-32x32.png', 'image/png']]) {
      const res = expectStatus(await req(srv, 'GET', `/docs/${file}`), 200);
      assert.equal(res.headers.get('content-type'), type, file);
    }
    expectError(await req(srv, 'GET', '/docs/swagger-ui-bundle.js.map'), 404, 'not_found');
    expectError(await req(srv, 'GET', '/docs/..%2Fweb%2Fdocs%2Findex.html'), 404, 'not_found');
    expectError(await req(srv, 'POST', '/docs'), 405);
  });

  test('Swagger UI renders every operation of the served document, without reaching outside', async () => {
    const page = await browser.context.newPage();
    try {
      await page.goto(`${srv.base}/docs`);
      await page.waitForSelector('.opblock', { timeout: 60000 });
      const ids = Object.values(doc.paths).flatMap((item) => METHODS.filter((m) => item[m]).map((m) => item[m].operationId));
      await page.waitForFunction((n) => document.querySelectorAll('.opblock').length >= n, ids.length, { timeout: 60000 });
      const shown = await page.$$eval('.opblock-summary-operation-id', (els) => els.map((e) => e.textContent.trim()));
      assert.deepEqual([...shown].sort(), [...ids].sort());
      assert.match(await page.textContent('.info .title'), /LGVO API/);
      assert.match(await page.textContent('.info .title'), new RegExp(doc.info.version.replace(/[.+]/g, '\\$&')));
      assert.deepEqual(browser.outside, [], 'the reference loaded nothing from another origin');
    } finally {
      await page.close();
    }
  });

  test('a person authorises with a bearer token and tries GET /api/v1/auth/me', async () => {
    const page = await browser.context.newPage();
    try {
      await page.goto(`${srv.base}/docs`);
      await page.waitForSelector('button.btn.authorize', { timeout: 60000 });
      await page.click('button.btn.authorize');
      await page.fill('input[aria-label="auth-bearer-value"]', token);
      await page.click('.auth-container:has(input[aria-label="auth-bearer-value"]) button.modal-btn.authorize');
      await page.click('button.btn-done');
      const op = page.locator('.opblock:has(.opblock-summary-operation-id:text-is("getMe"))');
      await op.locator('.opblock-summary-control').click();
      // tryItOutEnabled: the operation opens ready to try (the button then says Cancel)
      const tryOut = op.locator('button.try-out__btn');
      if (/try it out/i.test(await tryOut.textContent())) await tryOut.click();
      await op.locator('button.btn.execute').click();
      const status = op.locator('.live-responses-table tbody .response-col_status').first();
      await status.waitFor({ timeout: 30000 });
      assert.equal((await status.textContent()).trim(), '200');
      assert.match(await op.locator('.live-responses-table tbody .response-col_description').first().textContent(), /"slug": "kinda"/);
      assert.deepEqual(browser.outside, []);
    } catch (e) {
      await page.screenshot({ path: `${process.env.LGVO_TEST_WORK ?? '/tmp'}/browser-docs-failure.png`, fullPage: false }).catch(() => {});
      throw e;
    } finally {
      await page.close();
    }
  });
});
