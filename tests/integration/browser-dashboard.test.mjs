// The county dashboard (GET /, api/web/dashboard assembled into <build>/web by
// scripts/lib/web.sh) in a real browser, on a fresh database with demo data holding a known
// shift (`lgvo-api demo-data` plants one for principal linkoping in a monthly att-aldras
// measure): a person logs in through the form with the keyboard, opens the area (driver
// diagram and signals grid), opens the planted measure for linkoping (the chart has as many
// points as the API's chart and highlights the signal points), sees the 14 principals as
// small multiples, the agreements due in 90 days and an API error in plain words, switches
// the language, reads it at phone width, and logs out (the tokens are gone and revoked).
// The access token lives 60 s here, so the page's quiet refresh (a rotating refresh token)
// happens during the test and must keep everything working. Nothing may leave loopback.
//
// A screenshot of every page goes to $LGVO_BUILD_DIR/test-artifacts/dashboard/.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, createDatabase, runCommand, req, expectStatus, waitFor, BUILD_DIR } from './lib/harness.mjs';
import { FAST_HASH, createUser, login } from './lib/auth.mjs';
import { launchBrowser } from './lib/browser.mjs';

const ARTIFACTS = path.join(BUILD_DIR, 'test-artifacts', 'dashboard');
const AREA = 'att-aldras';
const WHO = 'linkoping';
const TTL = 60; // LGVO_ACCESS_TOKEN_TTL: the smallest allowed, so that the page refreshes during the test

// Ground truth straight from the API (the contract of these reads is checked by their own tests).
async function api(srv, token, pathname) {
  const res = await fetch(srv.base + pathname, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  assert.equal(res.status, 200, `${pathname}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

// Until `lgvo-api demo-data` exists: five years of the area's monthly indicators for every
// municipality, pushed as county_admin, with a shift up for linkoping in readmissions within
// 30 days from 16 months before the end (as demo-data plants one). Returns the planted item.
async function pushOwnDemoData(srv, token) {
  const principals = expectStatus(await req(srv, 'GET', '/api/v1/principals'), 200).json.items;
  const munis = principals.filter((p) => p.kind === 'municipality').map((p) => p.slug);
  const now = new Date();
  const months = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 60 + i, 1)).toISOString().slice(0, 7));
  let seed = 7;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const rates = { 'att-aldras.ed-visits-not-admitted': 0.45, 'att-aldras.readmissions-48h': 0.04, 'att-aldras.readmissions-30d': 0.15 };
  const planted = { measure: 'att-aldras.readmissions-30d', principal: WHO, from: months[44], kind: 'shift' };
  const values = [];
  for (const [measure, rate] of Object.entries(rates)) {
    for (const principal of munis) {
      months.forEach((period, i) => {
        const denominator = 150 + Math.floor(rnd() * 250);
        let r = rate * (1 + (rnd() - 0.5) * 0.3);
        if (measure === planted.measure && principal === WHO && i >= 44) r = rate * 1.6;
        values.push({ measure, principal, period, numerator: Math.round(denominator * r), denominator });
      });
    }
  }
  const res = expectStatus(await req(srv, 'POST', '/api/v1/values', { token, body: { values } }), 200);
  assert.equal(res.json.created, values.length);
  return planted;
}

describe('the county dashboard at /', () => {
  let srv, db, admin, person, browser, page, planted, demoSummary;
  const shots = [];

  async function shot(name, { fullPage = true } = {}) {
    const file = path.join(ARTIFACTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage });
    shots.push(file);
  }
  // The view has finished loading (the shell marks <main> busy while a page loads).
  async function settled() {
    await page.waitForFunction(() => {
      const m = document.querySelector('#main');
      return m && m.getAttribute('aria-busy') === 'false' && m.dataset.ready;
    }, null, { timeout: 60000 });
  }
  const session = () => page.evaluate(() => JSON.parse(sessionStorage.getItem('lgvo.session') ?? 'null'));
  // A step that fails leaves a screenshot of what the page showed.
  const step = (name, fn) => test(name, async () => {
    try {
      await fn();
    } catch (e) {
      await page?.screenshot({ path: path.join(ARTIFACTS, `failed-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`), fullPage: true }).catch(() => {});
      throw e;
    }
  });
  // A county_admin token for the ground truth (access tokens live only TTL seconds here).
  let adminCached = null;
  async function adminToken() {
    if (!adminCached || Date.now() - adminCached.at > (TTL / 2) * 1000) {
      adminCached = { at: Date.now(), token: (await login(srv, admin.username, admin.password)).access_token };
    }
    return adminCached.token;
  }

  before(async () => {
    fs.rmSync(ARTIFACTS, { recursive: true, force: true });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    db = createDatabase();
    admin = await createUser(db, { principal: 'region-ostergotland', role: 'county_admin' });
    person = await createUser(db, { principal: WHO, role: 'reader' });
    // The server first: it registers the plugins' measures, which demo-data then fills too.
    srv = await startServer({ db, env: { ...FAST_HASH, LGVO_ACCESS_TOKEN_TTL: String(TTL) } });
    const demo = await runCommand(['demo-data'], { db, env: FAST_HASH, timeoutMs: 150000 });
    if (demo.code !== 0 && /not available yet/.test(demo.stderr)) {
      planted = await pushOwnDemoData(srv, await adminToken());
      console.log('# lgvo-api demo-data is not available yet: the test pushed its own demo series');
    } else {
      assert.equal(demo.code, 0, `demo-data failed (${demo.code}, timed out: ${demo.timedOut}):\n${demo.stderr.slice(-3000)}`);
      const line = demo.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      assert.ok(line, `demo-data printed no JSON summary: ${demo.stdout.slice(-1000)}`);
      demoSummary = JSON.parse(line);
      planted = (demoSummary.planted ?? []).find((p) => p.principal === WHO && String(p.measure).startsWith(`${AREA}.`));
      assert.ok(planted, `demo-data planted nothing for ${WHO} in ${AREA}: ${line}`);
      console.log(`# demo-data planted ${JSON.stringify(planted)}`);
    }
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  step('the page and its files are served by the API itself, with no absolute URL', async () => {
    const res = await fetch(`${srv.base}/`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    const html = await res.text();
    assert.doesNotMatch(html, /https?:\/\//, 'no CDN');
    for (const [file, type] of [['/vendor/plot.umd.min.js', 'text/javascript; charset=utf-8'], ['/vendor/d3.min.js', 'text/javascript; charset=utf-8'],
      ['/js/app.js', 'text/javascript; charset=utf-8'], ['/css/dashboard.css', 'text/css; charset=utf-8']]) {
      assert.ok(html.includes(`"${file}"`), `index.html loads ${file}`);
      const r = await fetch(srv.base + file);
      assert.equal(r.status, 200, file);
      assert.equal(r.headers.get('content-type'), type, file);
    }
    assert.equal((await fetch(`${srv.base}/index.html`)).status, 200);
    assert.equal((await fetch(`${srv.base}/docs`)).status, 200, '/docs is still there');
  });

  step('a person logs in through the form, with the keyboard', async () => {
    await page.goto(`${srv.base}/`);
    await page.waitForSelector('[data-testid=login-form]');
    assert.equal(await page.getAttribute('html', 'lang'), 'sv', 'Swedish by default');
    assert.equal((await page.textContent('h1')).trim(), 'Logga in');
    await shot('01-login');
    // wrong password: an error in plain words, and no token
    await page.getByLabel('Användarnamn').fill(person.username);
    await page.getByLabel('Lösenord').fill('not the password at all');
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.waitForSelector('[data-testid=error]');
    assert.match(await page.textContent('[data-testid=error]'), /Fel användarnamn eller lösenord/);
    assert.equal(await session(), null);
    // the labelled fields, reached and filled with the keyboard
    await page.getByLabel('Användarnamn').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(person.username);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'password', 'Tab goes from username to password');
    await page.keyboard.type(person.password);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=area-link]', { timeout: 60000 });
    await settled();
    assert.match(await page.textContent('[data-testid=who]'), new RegExp(person.username));
    const s = await session();
    assert.ok(s?.access_token && s?.refresh_token, 'the tokens are kept in sessionStorage');
    const stored = await page.evaluate(() => Object.entries(localStorage).map(([k, v]) => `${k}=${v}`).join('\n'));
    assert.ok(!stored.includes(s.access_token) && !stored.includes(s.refresh_token), 'no token in localStorage');
  });

  step('the area: driver diagram with signal markers and the signals grid', async () => {
    await page.click(`[data-testid=area-link][data-area="${AREA}"]`);
    await page.waitForSelector('[data-testid=signals-grid] table', { timeout: 60000 });
    await settled();
    const areaName = (await req(srv, 'GET', `/api/v1/areas/${AREA}`)).json.name;
    assert.equal((await page.textContent('[data-testid=area-title]')).trim(), areaName);
    // the diagram: goal and sub-goals as the API has them
    const diagram = await api(srv, await adminToken(), `/api/v1/areas/${AREA}/diagram`);
    assert.equal(await page.locator('[data-testid=subgoal]').count(), diagram.goal.sub_goals.length);
    assert.match(await page.textContent('[data-testid=goal]'), new RegExp(diagram.goal.title.slice(0, 20)));
    // the grid: every indicator of the area's signals × the county and the 14 principals
    const signals = await api(srv, await adminToken(), `/api/v1/areas/${AREA}/signals`);
    const indicators = new Set(signals.items.map((i) => i.measure));
    assert.equal(await page.locator('[data-testid=signal-cell]').count(), indicators.size * 15);
    const item = signals.items.find((i) => i.measure === planted.measure && i.principal === WHO);
    assert.equal(item?.verdict, 'signal', `the planted shift is a signal in the API: ${JSON.stringify(item)}`);
    const cell = page.locator(`[data-testid=signal-cell][data-measure="${planted.measure}"][data-principal="${WHO}"]`);
    assert.equal(await cell.getAttribute('data-verdict'), 'signal');
    assert.equal(await cell.getAttribute('data-status'), ['better', 'worse'].includes(item.direction) ? item.direction : 'unknown');
    // choosing linkoping colours the diagram's markers with its signals
    await page.getByLabel('Visa signaler för').selectOption(WHO);
    await page.waitForFunction((w) => location.hash.includes(`principal=${w}`), WHO);
    await settled();
    const inDiagram = page.locator(`[data-testid=diagram-measure][data-measure="${planted.measure}"]`);
    if (await inDiagram.count()) {
      assert.equal(await inDiagram.first().getAttribute('data-status'), await cell.getAttribute('data-status'));
    }
    await shot('02-area');
  });

  step('the planted measure for linkoping: every point of the chart, the signals highlighted', async () => {
    await page.click(`[data-testid=signal-cell][data-measure="${planted.measure}"][data-principal="${WHO}"]`);
    await page.waitForSelector('[data-testid=chart-point]', { timeout: 60000 });
    await settled();
    const chart = await api(srv, await adminToken(), `/api/v1/measures/${planted.measure}/signals?principal=${WHO}`);
    const valued = chart.points.filter((p) => typeof p.value === 'number');
    assert.ok(valued.length >= 24, `a long series: ${valued.length}`);
    assert.equal(await page.locator('[data-testid=chart-point]').count(), valued.length, 'one mark per point with a value');
    assert.equal(await page.locator('[data-testid=chart-point]').count() + await page.locator('[data-testid=chart-suppressed]').count(),
      chart.points.length, 'as many points as the API chart');
    const signalPoints = await page.locator('[data-testid=signal-point]').count();
    assert.ok(signalPoints >= 1, 'at least one highlighted signal point');
    assert.equal(signalPoints, valued.filter((p) => p.signal).length);
    assert.equal(await page.locator('[data-testid=chart-point][data-signal=true]').count(), signalPoints);
    // the planted shift: signal points from its start on
    const after = await page.locator('[data-testid=signal-point]').evaluateAll((els, from) => els.filter((e) => e.dataset.period >= from).length, planted.from);
    assert.ok(after >= 8, `at least 8 signal points from ${planted.from} on (${after})`);
    // PDSA starts: a mark on the chart and a line in the list for each
    const starts = (chart.pdsa ?? []).map((c) => c.starts_on).filter(Boolean);
    if (planted.pdsa) assert.ok(starts.length >= 1, `the planted shift comes with a PDSA cycle: ${JSON.stringify(chart.pdsa)}`);
    assert.deepEqual(await page.locator('[data-testid=pdsa-mark]').evaluateAll((els) => els.map((e) => e.dataset.startsOn)), starts);
    assert.equal(await page.locator('[data-testid=pdsa-item]').count(), (chart.pdsa ?? []).length);
    assert.equal(await page.getAttribute('[data-testid=chart-type]', 'data-chart'), chart.chart);
    assert.equal(await page.getAttribute('[data-testid=chart-principal]', 'data-principal'), WHO);
    assert.ok(await page.locator('svg[data-testid=chart][role=img][aria-label]').count() === 1, 'the chart is a labelled image');
    await shot('03-measure');
  });

  step('the 14 principals as small multiples on one screen', async () => {
    await page.click('[data-testid=multiples-link]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=panel]').length === 14, null, { timeout: 60000 });
    await settled();
    const panels = page.getByRole('figure');
    assert.equal(await page.locator('[data-testid=panel]').count(), 14);
    const principals = expectStatus(await req(srv, 'GET', '/api/v1/principals'), 200).json.items;
    for (const p of principals) {
      assert.equal(await panels.filter({ has: page.locator(`a:text-is("${p.name}")`) }).count(), 1, `a panel named ${p.name}`);
    }
    const mine = page.locator(`[data-testid=panel][data-principal="${WHO}"]`);
    const chart = await api(srv, await adminToken(), `/api/v1/measures/${planted.measure}/signals?principal=${WHO}`);
    assert.equal(Number(await mine.getAttribute('data-points')), chart.points.length);
    assert.ok(await mine.locator('[data-testid=signal-point]').count() >= 1, 'the shift shows in its panel');
    // one screen at 1280×800: the last panel ends within the viewport
    const box = await page.locator('[data-testid=panel]').last().boundingBox();
    assert.ok(box.y + box.height <= 800, `the panels fit on one screen (bottom at ${box.y + box.height})`);
    await shot('04-multiples', { fullPage: false });
  });

  step('the token is refreshed quietly before it expires, and the pages go on working', async () => {
    const first = await session();
    await page.waitForFunction((issued) => {
      const s = JSON.parse(sessionStorage.getItem('lgvo.session') ?? 'null');
      return s && s.issued_at > issued;
    }, first.issued_at, { timeout: (TTL + 15) * 1000 });
    const now = await session();
    assert.notEqual(now.access_token, first.access_token);
    assert.notEqual(now.refresh_token, first.refresh_token, 'the refresh token rotated');
    const me = expectStatus(await req(srv, 'GET', '/api/v1/auth/me', { token: now.access_token }), 200).json;
    assert.equal(me.username, person.username);
  });

  step('agreements due for follow-up and notice in the next 90 days', async () => {
    await page.click('[data-testid=nav-agreements]');
    await page.waitForSelector('[data-testid=agreements-title]', { timeout: 60000 });
    await settled();
    const due = new Date(Date.now() + 90 * 86400000).toISOString().slice(0, 10);
    const data = await api(srv, await adminToken(), `/api/v1/agreements?due_before=${due}&lang=sv`);
    assert.equal(await page.locator('[data-testid=followup-row]').count(), data.follow_ups_due.length);
    assert.equal(await page.locator('[data-testid=notice-row]').count(), data.notices_due.length);
    assert.equal(await page.locator('[data-testid=error]').count(), 0);
    await shot('05-agreements');
  });

  step('the language switch changes the texts, and the API texts follow', async () => {
    assert.equal((await page.textContent('[data-testid=agreements-title]')).trim(), 'Uppföljning och uppsägning de närmaste 90 dagarna');
    assert.equal((await page.textContent('[data-testid=nav-areas]')).trim(), 'Områden');
    const before = browser.requests.length;
    await page.click('[data-testid=lang-switch]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await settled();
    assert.equal((await page.textContent('[data-testid=agreements-title]')).trim(), 'Follow-ups and notice in the next 90 days');
    assert.equal((await page.textContent('[data-testid=nav-areas]')).trim(), 'Areas');
    assert.equal((await page.textContent('[data-testid=logout]')).trim(), 'Log out');
    assert.ok(browser.requests.slice(before).some((u) => u.includes('/api/v1/agreements') && u.includes('lang=en')), 'the agreements are read again in English');
    // the focus stays on the switch, for keyboard users
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'lang-switch');
    // the area's names in English too
    await page.click('[data-testid=nav-areas]');
    await settled();
    const area = (await req(srv, 'GET', `/api/v1/areas/${AREA}`)).json;
    assert.equal((await page.textContent(`[data-testid=area-link][data-area="${AREA}"]`)).trim(), area.name_en);
    await page.click('[data-testid=lang-switch]');
    await page.waitForFunction(() => document.documentElement.lang === 'sv');
    await settled();
    assert.equal((await page.textContent(`[data-testid=area-link][data-area="${AREA}"]`)).trim(), area.name);
  });

  step('an error of the API is shown in plain words', async () => {
    await page.goto(`${srv.base}/#/measure/${AREA}.no-such-measure?principal=${WHO}`);
    await page.waitForSelector('[data-testid=error]', { timeout: 60000 });
    const box = page.locator('[data-testid=error]');
    assert.equal(await box.getAttribute('data-status'), '404');
    assert.equal(await box.getAttribute('role'), 'alert');
    assert.match(await box.textContent(), /Det du söker finns inte/);
    assert.match(await box.textContent(), /no measure/, 'the API\'s own message underneath');
  });

  step('readable at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${srv.base}/#/area/${AREA}?principal=${WHO}`);
    await page.waitForSelector('[data-testid=signals-grid] table', { timeout: 60000 });
    await settled();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `nothing sticks out sideways (${overflow} px); wide tables scroll in their own box`);
    await shot('06-phone-area');
    await page.goto(`${srv.base}/#/measure/${planted.measure}?principal=${WHO}`);
    await page.waitForSelector('[data-testid=chart-point]', { timeout: 60000 });
    await settled();
    const width = await page.evaluate(() => document.querySelector('svg[data-testid=chart]').getBoundingClientRect().width);
    assert.ok(width <= 390 && width >= 300, `the chart fits the phone (${width} px)`);
    await shot('06-phone-measure');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  step('logout: the tokens are gone from the page and revoked at the API', async () => {
    const s = await session();
    assert.ok(s?.access_token);
    expectStatus(await req(srv, 'GET', '/api/v1/auth/me', { token: s.access_token }), 200);
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await page.waitForSelector('[data-testid=login-form]', { timeout: 60000 });
    assert.match(await page.textContent('[data-testid=login-notice]'), /Du är utloggad/);
    assert.equal(await session(), null, 'no token in sessionStorage');
    assert.equal(await page.evaluate(() => localStorage.length), 0);
    await waitFor(async () => (await req(srv, 'GET', '/api/v1/auth/me', { token: s.access_token })).status === 401,
      { timeoutMs: 5000, what: 'the old token refused' });
    // a page that needs a login sends the person to the form
    await page.goto(`${srv.base}/#/agreements`);
    await page.waitForSelector('[data-testid=login-form]');
  });

  test('no request left loopback', () => {
    assert.deepEqual(browser.outside, []);
    assert.ok(browser.requests.some((u) => u.endsWith('/vendor/plot.umd.min.js')));
    assert.equal(shots.length, 7);
    for (const f of shots) assert.ok(fs.statSync(f).size > 1000, f);
  });
});
