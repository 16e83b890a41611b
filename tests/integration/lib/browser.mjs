// Headless Chromium (Debian's chromium package) driven by playwright-core, for the browser
// tests. Every launch gets a fresh profile under $LGVO_TEST_WORK and the flags that keep
// Chromium off the network (no background networking, component updates, sync, QUIC, and no
// host but 127.0.0.1 resolves); every request a page makes is recorded, and any that is not for
// a loopback test server is listed in `outside` (so a page that reaches for a CDN fails its
// test instead of waiting on the closed network).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { WORK } from './harness.mjs';

export const CHROMIUM = process.env.LGVO_CHROMIUM ?? '/usr/bin/chromium';
export const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-default-apps', '--disable-extensions', '--metrics-recording-only', '--no-default-browser-check',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];

const LOOPBACK = /^http:\/\/127\.0\.0\.1:\d+\//;

// Returns {context, requests (every URL asked for), outside (those aborted), close()}.
export async function launchBrowser() {
  const profile = fs.mkdtempSync(path.join(WORK, 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 120000,
    env: { ...process.env, HOME: profile },
  });
  // Requests are watched, not intercepted: Playwright answers the CORS preflight of an
  // intercepted request itself, which would hide the server's real CORS answers from the
  // browser. Chromium's resolver (FLAGS) fails every host but 127.0.0.1 instead.
  const requests = [], outside = [];
  context.on('request', (r) => {
    const url = r.url();
    requests.push(url);
    if (!(LOOPBACK.test(url) || url.startsWith('data:') || url.startsWith('blob:'))) outside.push(url);
  });
  return {
    context, requests, outside,
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

// A tiny static server on a loopback port of its own: another origin than the API's. files:
// {"/path": [contentType, body]}. Returns {origin, close()}.
export async function pageServer(files) {
  const server = http.createServer((rq, rs) => {
    const f = files[new URL(rq.url, 'http://x').pathname];
    if (!f) { rs.writeHead(404, { 'content-type': 'text/plain' }); rs.end('not found'); return; }
    rs.writeHead(200, { 'content-type': f[0], 'cache-control': 'no-store' });
    rs.end(f[1]);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}
