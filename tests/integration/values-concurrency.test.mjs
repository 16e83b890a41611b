// Measures and values under stress: a push killed midway leaves nothing written; parallel
// pushes to overlapping keys all succeed, leave one of the pushed values per key and one
// history entry per actual change; reads during writes never label old data with a new ETag
// (neither for 304s nor for the read cache).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { expectStatus } from './lib/harness.mjs';
import { valuesServer, push, expectSummary, getValues, getHistory, readAll, M, ALL_AREAS } from './lib/values.mjs';

let env, srv, tok;
before(async () => {
  env = await valuesServer({
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    motala: { principal: 'motala', role: 'reporter', areas: ALL_AREAS },
    reader: { principal: 'kinda', role: 'reader' },
  });
  ({ srv, tok } = env);
});
after(async () => { await env.stop(); });

const pad = (n) => String(n).padStart(2, '0');
// Distinct past weeks: 2001-W01, 2001-W02, … (52 a year).
const week = (i) => `${2001 + Math.floor(i / 52)}-W${pad((i % 52) + 1)}`;

async function allHistory(params) {
  const out = [];
  let cursor;
  for (;;) {
    const res = expectStatus(await getHistory(srv, tok.county, { ...params, limit: '1000', ...(cursor ? { cursor } : {}) }), 200);
    out.push(...res.json.items);
    cursor = res.json.next_cursor;
    if (!cursor) return out;
  }
}

describe('a push cut off midway', () => {
  test('the connection closed after half the body: nothing written, no history, the server serves on', async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => ({ measure: M.shortTerm, principal: 'motala', period: week(i), value: i, comment: 'x'.repeat(150) }));
    const body = Buffer.from(JSON.stringify({ values: rows }));
    for (const fraction of [0.5, 0.99]) {
      await new Promise((resolve, reject) => {
        const sock = net.connect(srv.port, '127.0.0.1', () => {
          sock.write(`POST /api/v1/values HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${tok.motala}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
          sock.write(body.subarray(0, Math.floor(body.length * fraction)), () => {
            setTimeout(() => { sock.destroy(); resolve(); }, 200);
          });
        });
        sock.on('error', reject);
      });
    }
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await getValues(srv, tok.county, { measure: M.shortTerm })).json.items.length, 0);
    assert.equal((await allHistory({ measure: M.shortTerm })).length, 0);
    // The same push sent whole goes through.
    expectSummary(await push(srv, tok.motala, body), { created: 1200 });
  });
});

describe('parallel pushes to the same keys', () => {
  test('8 pushes of 500 overlapping rows with different values: all 200, one pushed value per key, one history entry per change', async () => {
    const principals = ['motala', 'kinda', 'ydre', 'boxholm', 'linkoping'];
    const keys = [];
    for (const p of principals) for (let i = 0; i < 160; i++) keys.push({ principal: p, period: week(i) });
    // Push k covers 500 keys starting at k*60 (wrapping); values differ per push, except for
    // the first 50 keys of each window, which every push writes with the same value.
    const pushes = Array.from({ length: 8 }, (_, k) => {
      const rows = [];
      for (let j = 0; j < 500; j++) {
        const key = keys[(k * 60 + j) % keys.length];
        rows.push({ measure: M.localCare, ...key, value: j < 50 ? 7 : 1000 + k });
      }
      for (let i = rows.length - 1; i > 0; i--) { // shuffled: no agreed order between pushes
        const x = Math.floor(Math.random() * (i + 1));
        [rows[i], rows[x]] = [rows[x], rows[i]];
      }
      return rows;
    });
    const answers = await Promise.all(pushes.map((rows) => push(srv, tok.county, rows)));
    for (const a of answers) expectSummary(a, { rejected: 0 });
    // What each key may end with: a value one of the pushes containing it wrote.
    const allowed = new Map();
    pushes.forEach((rows) => rows.forEach((r) => {
      const k = `${r.principal} ${r.period}`;
      allowed.set(k, new Set([...(allowed.get(k) ?? []), r.value]));
    }));
    const table = await readAll(srv, tok.county, { measure: M.localCare });
    assert.equal(table.length, allowed.size);
    for (const v of table) assert.ok(allowed.get(`${v.principal} ${v.period}`).has(v.value), `${v.principal} ${v.period} = ${v.value}`);
    // History: per key a chain create → updates, each from the previous value to another one,
    // ending at the table's value; as many entries as the pushes reported changes.
    const hist = await allHistory({ measure: M.localCare });
    const changes = answers.reduce((n, a) => n + a.json.created + a.json.updated, 0);
    assert.equal(hist.length, changes);
    assert.equal(answers.reduce((n, a) => n + a.json.created, 0), allowed.size);
    const byKey = new Map();
    for (const h of hist) byKey.set(`${h.principal} ${h.period}`, [...(byKey.get(`${h.principal} ${h.period}`) ?? []), h]);
    for (const v of table) {
      const chain = byKey.get(`${v.principal} ${v.period}`);
      assert.equal(chain[0].operation, 'create');
      assert.equal(chain[0].old, null);
      for (let i = 1; i < chain.length; i++) {
        assert.equal(chain[i].operation, 'update');
        assert.deepEqual(chain[i].old, chain[i - 1].new);
        assert.notDeepEqual(chain[i].new, chain[i].old);
      }
      assert.deepEqual(chain.at(-1).new, { value: v.value });
    }
  });
});

describe('reads during writes', () => {
  test('an ETag or cache entry never stands for data older than its version', async () => {
    const params = { measure: M.falls, principal: 'motala' };
    const seen = new Map(); // ETag → value
    let stop = false;
    let conflicts = 0;
    const reader = async () => {
      while (!stop) {
        const res = await getValues(srv, tok.motala, params);
        if (res.status !== 200) continue;
        const etag = res.headers.get('etag');
        const value = res.json.items[0]?.value ?? null;
        if (seen.has(etag) && seen.get(etag) !== value) conflicts++;
        seen.set(etag, value);
      }
    };
    const readers = Array.from({ length: 4 }, reader);
    let last = null;
    for (let i = 1; i <= 80; i++) {
      expectSummary(await push(srv, tok.motala, [{ measure: M.falls, principal: 'motala', period: '2024Q1', value: i }],
        { headers: { 'idempotency-key': `race-${i}` } }), { rejected: 0 });
      last = i;
    }
    stop = true;
    await Promise.all(readers);
    assert.equal(conflicts, 0, 'one ETag was given to two different answers');
    // Whatever was cached or validated meanwhile, the answer now is the last value, also for
    // a client revalidating any ETag it was given.
    const now = expectStatus(await getValues(srv, tok.motala, params), 200);
    assert.equal(now.json.items[0].value, last);
    for (const etag of seen.keys()) {
      const res = await getValues(srv, tok.motala, params, { 'if-none-match': etag });
      if (res.status === 304) assert.equal(seen.get(etag), last, `304 for ${etag}, which was given with ${seen.get(etag)}`);
    }
  });
});
