// Black-box test harness: starts the real lgvo-api binary (built with sanitizers by
// scripts/test) against a real PostgreSQL and talks to it over loopback HTTP.
//
//   const srv = await startServer();            // fresh database, migrations applied
//   const res = await req(srv, 'GET', '/api/v1/principals');
//   expectStatus(res, 200);
//   await srv.stop();                           // SIGTERM; asserts a clean exit, no sanitizer report
//
// Environment (set by scripts/test and ctest): LGVO_BIN, LGVO_SOURCE_DIR, LGVO_BUILD_DIR,
// LGVO_TEST_PG_PORT (a throwaway cluster with trust auth, superuser postgres, role lgvo),
// LGVO_TEST_WORK (a scratch directory).
//
// Every response req() receives is checked against the OpenAPI document the server serves
// (lib/contract.mjs): an undocumented route, status, header or field fails the test.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { checkResponse, contractOf } from './contract.mjs';

export const BIN = process.env.LGVO_BIN;
export const SOURCE_DIR = process.env.LGVO_SOURCE_DIR;
export const BUILD_DIR = process.env.LGVO_BUILD_DIR;
export const PG_PORT = process.env.LGVO_TEST_PG_PORT;
export const WORK = process.env.LGVO_TEST_WORK ?? fs.mkdtempSync('/tmp/lgvo-it-');

if (!BIN || !PG_PORT) {
  throw new Error('run the integration tests through scripts/test (LGVO_BIN and LGVO_TEST_PG_PORT are not set)');
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Runs SQL through psql as the superuser; returns stdout (unaligned, tuples only).
export function psql(sql, { db = 'postgres', port = PG_PORT } = {}) {
  return execFileSync('psql', ['-qAtX', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres',
    '-d', db, '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
}

let dbCounter = 0;
// A new empty database owned by the (non-superuser) role lgvo, as in production.
export function createDatabase({ port = PG_PORT, prefix = 't' } = {}) {
  const name = `${prefix}_${process.pid}_${Date.now() % 100000}_${dbCounter++}`;
  psql(`CREATE DATABASE ${name} OWNER lgvo TEMPLATE template0 ENCODING 'UTF8'`, { port });
  return { name, port, url: `postgresql://lgvo@127.0.0.1:${port}/${name}` };
}

const SANITIZER_REPORT = /(ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer)/;

export function sanitizerEnv() {
  return {
    ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0:exitcode=86:strict_string_checks=1',
    UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1:exitcode=86',
    LSAN_OPTIONS: `suppressions=${path.join(SOURCE_DIR, 'tests', 'lsan.supp')}:exitcode=86`,
  };
}

// Runs the binary to completion (e.g. `migrate`, `version`); returns {code, stdout, stderr}.
// An env value of undefined removes that variable from the inherited environment.
// timeoutMs (default 60000): the process is killed with SIGKILL after that long, and the
// result has timedOut: true, so a command that hangs fails its test instead of the suite.
export function runCommand(args, { env = {}, db, input, timeoutMs = 60000 } = {}) {
  return new Promise((resolve) => {
    const merged = { ...process.env, ...sanitizerEnv(), ...(db ? { LGVO_DATABASE_URL: db.url } : {}), ...env };
    for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
    const child = spawn(BIN, args, { env: merged, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdin.on('error', () => { /* the process may exit before reading stdin */ });
    child.stdin.end(input ?? '');
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

// Polls fn (sync or async) every intervalMs until it returns a truthy value, which is
// returned; throws after timeoutMs with the last value or error in the message.
export async function waitFor(fn, { timeoutMs = 5000, intervalMs = 25, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms (last: ${last})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// Starts `lgvo-api serve` on a free port and waits until /health/ready answers 200.
// options: db (from createDatabase; default: a new one), env (extra variables), ready (wait
// for readiness, default true).
export async function startServer({ db, env = {}, ready = true, args = ['serve'] } = {}) {
  db = db ?? createDatabase();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(BIN, args, {
    env: {
      ...process.env,
      ...sanitizerEnv(),
      LGVO_LISTEN: `127.0.0.1:${port}`,
      LGVO_DATABASE_URL: db.url,
      LGVO_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d) => { stderr += d; });
  child.stdout.on('data', (d) => { stdout += d; });
  // 'close' (not 'exit'): all of stderr has been read by then, e.g. the final "stopped" line.
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  let exitInfo = null;
  exited.then((e) => { exitInfo = e; });

  const srv = {
    base, port, db, child, exited,
    logs: () => stderr,
    stdout: () => stdout,
    // JSON log lines written so far (complete lines only).
    logLines: () => stderr.split('\n').slice(0, -1).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)),
    async stop({ expectCode = 0 } = {}) {
      if (!exitInfo) child.kill('SIGTERM');
      const e = await exited;
      assert.ok(!SANITIZER_REPORT.test(stderr), `sanitizer report in server log:\n${stderr}`);
      assert.equal(e.code, expectCode, `server exit code ${e.code} (signal ${e.signal}); log:\n${stderr.slice(-4000)}`);
      return e;
    },
  };
  if (!ready) return srv;
  const deadline = Date.now() + 30000;
  for (;;) {
    if (exitInfo) throw new Error(`server exited with ${exitInfo.code} before it was ready:\n${stderr}`);
    try {
      const res = await fetch(`${base}/health/ready`);
      if (res.status === 200) {
        await contractOf(srv).catch(() => { /* fetched again at the first req() */ });
        return srv;
      }
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready within 30 s:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

// One HTTP request. body: an object (sent as JSON), a string or a Buffer (sent as is).
// Returns {status, headers, text, json}, after checking it against the served OpenAPI document
// (throws on a disagreement; see lib/contract.mjs).
export async function req(srv, method, pathname, { token, body, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  let payload;
  if (body !== undefined) {
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      payload = body;
    } else {
      payload = JSON.stringify(body);
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json';
    }
  }
  const res = await fetch(srv.base + pathname, { method, headers: h, body: payload });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  const out = { status: res.status, headers: res.headers, text, json };
  await checkResponse(srv, { method: method.toUpperCase(), path: pathname }, out);
  return out;
}

export function expectStatus(res, status) {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`);
  return res;
}

// Asserts the standard error shape:
// {"error":{"status","code","message","details":[...]},"request_id"} with a matching header.
export function expectError(res, status, code) {
  expectStatus(res, status);
  assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.ok(res.json && res.json.error, `no error object: ${res.text}`);
  assert.equal(res.json.error.status, status);
  if (code) assert.equal(res.json.error.code, code, res.text);
  assert.equal(typeof res.json.error.message, 'string');
  assert.ok(res.json.error.message.length > 0);
  assert.ok(Array.isArray(res.json.error.details));
  assert.equal(res.json.request_id, res.headers.get('x-request-id'));
  return res.json.error;
}

// A private PostgreSQL cluster for tests that stop and start the database.
export async function startPrivateCluster() {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(WORK, 'cluster-'));
  fs.chmodSync(dir, 0o755);
  const script = path.join(SOURCE_DIR, 'scripts', 'lib', 'pg-cluster');
  const data = path.join(dir, 'pg');
  execFileSync(script, ['init', data, String(port)], { stdio: 'inherit' });
  execFileSync(script, ['start', data], { stdio: 'inherit' });
  psql('CREATE ROLE lgvo LOGIN', { port });
  return {
    port,
    stop: () => execFileSync(script, ['stop', data], { stdio: 'inherit' }),
    start: () => execFileSync(script, ['start', data], { stdio: 'inherit' }),
    destroy: () => { try { execFileSync(script, ['stop', data]); } catch { /* already stopped */ } fs.rmSync(dir, { recursive: true, force: true }); },
  };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// expectError, and strictly the documented shape: no other keys, and details empty.
export function expectErrorExact(res, status, code) {
  const err = expectError(res, status, code);
  assert.deepEqual(Object.keys(res.json).sort(), ['error', 'request_id'], res.text);
  assert.deepEqual(Object.keys(err).sort(), ['code', 'details', 'message', 'status'], res.text);
  assert.deepEqual(err.details, [], res.text);
  return err;
}
