// Signals: GET /api/v1/areas/{slug}/signals — the auto chart's verdict for every indicator of
// an area, every principal that reports it and the county; the direction of the latest signal
// from the measure's direction of improvement and since when; as_of (coarser period types end
// by it); suppression per caller; errors; and the time it takes for ten years of monthly data
// (logged, not asserted).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { req, expectStatus, expectError } from './lib/harness.mjs';
import { valuesServer, push, expectSummary, M, ALL_AREAS } from './lib/values.mjs';

const noPlugins = fs.mkdtempSync(path.join(os.tmpdir(), 'lgvo-signals-no-plugins-'));
const pad = (n) => String(n).padStart(2, '0');
const months = (year, month, n) => Array.from({ length: n }, (_, i) => {
  const m = month - 1 + i;
  return `${year + Math.floor(m / 12)}-${pad((m % 12) + 1)}`;
});
const tertials = (year, n) => Array.from({ length: n }, (_, i) => `${year + Math.floor(i / 3)}T${(i % 3) + 1}`);

const areaSignals = (srv, token, area, params = {}, headers = {}) => {
  const qs = new URLSearchParams(params).toString();
  return req(srv, 'GET', `/api/v1/areas/${area}/signals${qs ? `?${qs}` : ''}`, { token, headers });
};
// CPU time (user + system) of a process, in ms, from /proc (Linux).
const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
function cpuMs(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(')')[1].trim().split(' ');
    return (Number(f[11]) + Number(f[12])) / ticksPerMs;
  } catch { return 0; }
}
// The CPU time of every PostgreSQL backend connected to database name.
function backendsCpuMs(name) {
  let sum = 0;
  for (const pid of fs.readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    let cmd = '';
    try { cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
    if (cmd.startsWith('postgres: ') && cmd.includes(` ${name} `)) sum += cpuMs(pid);
  }
  return sum;
}
const item = (body, measure, principal) => body.items.find((x) => x.measure === measure && x.principal === principal);

describe('verdicts', () => {
  let env, srv, tok;
  before(async () => {
    env = await valuesServer({
      county: { principal: 'region-ostergotland', role: 'county_admin' },
      region: { principal: 'region-ostergotland', role: 'reporter', areas: ALL_AREAS },
      motala: { principal: 'motala', role: 'reporter', areas: ALL_AREAS },
      reader: { principal: 'finspang', role: 'reader' },
    }, { env: { LGVO_PLUGIN_DIR: noPlugins } });
    ({ srv, tok } = env);
    // Readmissions within 30 days (lower is better), Motala: 20 months alternating 9 % and
    // 11 %, then 8 months at 30 % (2023-09 to 2024-04). Overall p = 440 / 2800 = 0.157: the
    // first 20 are a run below the centre (20 > 8 for n = 28), the last 8 are above the upper
    // limit 0.157 + 3 sqrt(0.157 * 0.843 / 100) = 0.266: the latest signal is above, worse,
    // since 2023-09.
    const readm = months(2022, 1, 28).map((period, i) => ({ measure: M.readm30, principal: 'motala', period,
      numerator: i < 20 ? (i % 2 ? 11 : 9) : 30, denominator: 100 }));
    // Kinda: five months only.
    const kinda = months(2024, 1, 5).map((period) => ({ measure: M.readm30, principal: 'kinda', period, numerator: 5, denominator: 50 }));
    expectSummary(await push(srv, tok.region, [...readm, ...kinda]), { created: 33 });
    // Self-rated health (higher is better), Motala, yearly 2013-2024: ten years alternating 48 %
    // and 52 %, then 80 % in 2023 and 2024. p = 660 / 1200 = 0.55; upper limit 0.55 + 3
    // sqrt(0.55 * 0.45 / 100) = 0.699: 2023 and 2024 are above: better, since 2023.
    const health = Array.from({ length: 12 }, (_, i) => ({ measure: M.selfRated, principal: 'motala', period: String(2013 + i),
      numerator: i < 10 ? (i % 2 ? 52 : 48) : 80, denominator: 100 }));
    expectSummary(await push(srv, tok.motala, health), { created: 12 });
    // Short-term places (direction none): an outlier week.
    const places = Array.from({ length: 12 }, (_, i) => ({ measure: M.shortTerm, principal: 'motala', period: `2024-W${pad(i + 1)}`,
      value: i === 9 ? 60 : [20, 22, 21, 23, 20, 22, 21, 23, 20, 99, 22, 21][i] }));
    expectSummary(await push(srv, tok.motala, places), { created: 12 });
  });
  after(async () => { await env.stop(); });

  test('every indicator × every principal that reports it, and the county first', async () => {
    const b = expectStatus(await areaSignals(srv, tok.reader, 'att-aldras'), 200).json;
    assert.deepEqual(Object.keys(b).sort(), ['area', 'as_of', 'items']);
    assert.equal(b.area, 'att-aldras');
    assert.equal(b.as_of, null);
    for (const x of b.items) assert.deepEqual(Object.keys(x).sort(), ['chart', 'direction', 'measure', 'principal', 'since', 'verdict']);
    // Core indicators of the area (no plugins loaded): four reported by the region on behalf of
    // every principal (14 each) and self-rated health by the 13 municipalities; each with the county.
    const measures = [...new Set(b.items.map((x) => x.measure))];
    assert.deepEqual(measures, ['att-aldras.avoidable-inpatient-care', 'att-aldras.ed-visits-not-admitted',
      'att-aldras.readmissions-30d', 'att-aldras.readmissions-48h', 'att-aldras.self-rated-health']);
    assert.equal(b.items.length, 4 * 15 + 14);
    const ofReadm = b.items.filter((x) => x.measure === M.readm30).map((x) => x.principal);
    assert.equal(ofReadm[0], null);
    assert.deepEqual(ofReadm.slice(1, 4), ['region-ostergotland', 'boxholm', 'finspang']);
    assert.ok(!b.items.some((x) => x.measure === M.selfRated && x.principal === 'region-ostergotland'));
    assert.deepEqual(new Set(b.items.filter((x) => x.measure === M.selfRated).map((x) => x.chart)), new Set(['p']));
    assert.deepEqual(new Set(b.items.filter((x) => x.measure === M.avoidable).map((x) => x.chart)), new Set(['u']));
    // No data: insufficient, no direction.
    assert.deepEqual(item(b, M.readm30, 'ydre'), { measure: M.readm30, principal: 'ydre', chart: 'p', verdict: 'insufficient_data', direction: null, since: null });
    assert.equal(item(b, M.readm30, 'kinda').verdict, 'insufficient_data');
  });

  test('direction from the direction of improvement, since the start of the latest signal', async () => {
    const b = expectStatus(await areaSignals(srv, tok.reader, 'att-aldras'), 200).json;
    assert.deepEqual(item(b, M.readm30, 'motala'), { measure: M.readm30, principal: 'motala', chart: 'p', verdict: 'signal', direction: 'worse', since: '2023-09' });
    assert.deepEqual(item(b, M.selfRated, 'motala'), { measure: M.selfRated, principal: 'motala', chart: 'p', verdict: 'signal', direction: 'better', since: '2023' });
    // The county of readmissions sums Motala and Kinda: present, principal null.
    assert.equal(item(b, M.readm30, null).chart, 'p');
    const n = expectStatus(await areaSignals(srv, tok.reader, 'nara-vard'), 200).json;
    assert.deepEqual(item(n, M.shortTerm, 'motala'), { measure: M.shortTerm, principal: 'motala', chart: 'c', verdict: 'signal', direction: 'unknown', since: '2024-W10' });
  });

  test('as_of: only points up to it; a coarser period type up to its last period that ends by it', async () => {
    // 2023-06: readmissions through 2023-06 (18 alternating months), self-rated health through
    // 2022 (ten alternating years): no signal in either.
    const b = expectStatus(await areaSignals(srv, tok.reader, 'att-aldras', { as_of: '2023-06' }), 200).json;
    assert.equal(b.as_of, '2023-06');
    assert.deepEqual(item(b, M.readm30, 'motala'), { measure: M.readm30, principal: 'motala', chart: 'p', verdict: 'no_signal', direction: null, since: null });
    assert.deepEqual(item(b, M.selfRated, 'motala'), { measure: M.selfRated, principal: 'motala', chart: 'p', verdict: 'no_signal', direction: null, since: null });
    // 2023 (a year) ends 2023-12-31: readmissions through 2023-12, where four months at 30 %
    // already signal; self-rated health through 2023.
    const y = expectStatus(await areaSignals(srv, tok.reader, 'att-aldras', { as_of: '2023' }), 200).json;
    assert.equal(item(y, M.readm30, 'motala').since, '2023-09');
    assert.equal(item(y, M.selfRated, 'motala').since, '2023');
    // A week: self-rated health has no year ending by 2013-W10.
    const w = expectStatus(await areaSignals(srv, tok.reader, 'att-aldras', { as_of: '2013-W10' }), 200).json;
    assert.equal(item(w, M.selfRated, 'motala').verdict, 'insufficient_data');
  });

  test('suppressed values are left out for callers who may not see them', async () => {
    // SIP initiated (restricted count, higher is better): around 30, and a 2 in 2022T3 that only
    // Motala and county_admin may see. With it: mean 332 / 12 = 27.67, lower limit
    // 27.67 - 3 sqrt(27.67) = 11.9: the 2 is a signal, worse. Without it the other eleven
    // average 330 / 11 = 30 and alternate around it: no signal.
    const counts = [28, 32, 28, 32, 28, 2, 32, 28, 32, 28, 32, 30];
    expectSummary(await push(srv, tok.motala, tertials(2021, 12).map((period, i) => ({ measure: M.sip, principal: 'motala', period, value: counts[i] }))), { created: 12 });
    const own = expectStatus(await areaSignals(srv, tok.motala, 'vaxa-upp'), 200).json;
    assert.deepEqual(item(own, M.sip, 'motala'), { measure: M.sip, principal: 'motala', chart: 'c', verdict: 'signal', direction: 'worse', since: '2022T3' });
    const admin = expectStatus(await areaSignals(srv, tok.county, 'vaxa-upp'), 200).json;
    assert.equal(item(admin, M.sip, 'motala').verdict, 'signal');
    const other = expectStatus(await areaSignals(srv, tok.reader, 'vaxa-upp'), 200).json;
    assert.deepEqual(item(other, M.sip, 'motala'), { measure: M.sip, principal: 'motala', chart: 'c', verdict: 'no_signal', direction: null, since: null });
    // The county total of 2022T3 includes the 2: hidden from the reader, so its county series
    // has eleven points like Motala's.
    assert.equal(item(other, M.sip, null).verdict, 'no_signal');
    assert.equal(item(admin, M.sip, null).verdict, 'signal');
  });

  test('errors and ETag', async () => {
    expectError(await areaSignals(srv, undefined, 'att-aldras'), 401);
    expectError(await areaSignals(srv, tok.reader, 'nowhere'), 404, 'not_found');
    const e = expectError(await areaSignals(srv, tok.reader, 'att-aldras', { as_of: '2023-13', since: 'x' }), 400, 'invalid_query');
    assert.deepEqual(e.details.map((d) => d.path).sort(), ['query.as_of', 'query.since']);
    const first = await areaSignals(srv, tok.reader, 'att-aldras');
    const etag = first.headers.get('etag');
    assert.equal((await areaSignals(srv, tok.reader, 'att-aldras', {}, { 'if-none-match': etag })).status, 304);
  });
});

describe('speed', () => {
  let env;
  before(async () => {
    env = await valuesServer({ reader: { principal: 'finspang', role: 'reader' } },
      { env: { LGVO_PLUGIN_DIR: noPlugins, LGVO_LOG_LEVEL: 'debug' } });
    // Ten years (2015-2024) of every indicator of two areas for every principal that reports it:
    // att-aldras mostly monthly (readmissions, ED visits; quarterly and yearly ones), nära vård
    // with weekly places besides (monthly readmissions, quarterly falls, yearly KPP shares).
    env.sql(`INSERT INTO core.values (measure_id, principal_id, period, period_start, period_end, value, numerator, denominator, updated_by)
      SELECT m.id, p.id, per.period, per.s, per.e,
             CASE WHEN m.ratio THEN round(x.n * (CASE m.unit WHEN 'percent' THEN 100 WHEN 'per_1000' THEN 1000 ELSE 1 END) / x.d, 6) ELSE x.n END,
             CASE WHEN m.ratio THEN x.n END, CASE WHEN m.ratio THEN x.d END, 'speed test'
      FROM core.measures m JOIN core.areas a ON a.id = m.area_id AND a.slug IN ('att-aldras', 'nara-vard')
      CROSS JOIN core.principals p
      CROSS JOIN LATERAL (
        SELECT to_char(d, 'YYYY-MM') AS period, d::date AS s, (d + interval '1 month' - interval '1 day')::date AS e
          FROM generate_series(date '2015-01-01', date '2024-12-01', interval '1 month') d WHERE m.period_type = 'month'
        UNION ALL SELECT to_char(d, 'YYYY"Q"Q'), d::date, (d + interval '3 month' - interval '1 day')::date
          FROM generate_series(date '2015-01-01', date '2024-10-01', interval '3 month') d WHERE m.period_type = 'quarter'
        UNION ALL SELECT to_char(d, 'YYYY'), d::date, (d + interval '1 year' - interval '1 day')::date
          FROM generate_series(date '2015-01-01', date '2024-01-01', interval '1 year') d WHERE m.period_type = 'year'
        UNION ALL SELECT to_char(d, 'IYYY-"W"IW'), d::date, (d + interval '6 day')::date
          FROM generate_series(date '2014-12-29', date '2024-12-23', interval '7 day') d WHERE m.period_type = 'week') per
      CROSS JOIN LATERAL (SELECT (20 + floor(random() * 10))::numeric AS n, 200::numeric AS d WHERE per.period IS NOT NULL) x
      WHERE m.kind = 'indicator' AND (m.on_behalf OR p.kind = ANY (m.reported_by))`);
    env.sql('ANALYZE core.values');
  });
  after(async () => { await env.stop(); });

  for (const area of ['att-aldras', 'nara-vard']) {
    test(`${area} with ten years of data: one query, then pure computation (times logged)`, async () => {
      const rows = Number(env.sql(`SELECT count(*) FROM core.values v JOIN core.measures m ON m.id = v.measure_id
        JOIN core.areas a ON a.id = m.area_id WHERE a.slug = '${area}'`));
      assert.ok(rows > 5000, `${rows} rows`);
      let body;
      const once = async () => {
        const t = process.hrtime.bigint();
        const res = await areaSignals(env.srv, env.tok.reader, area);
        body = expectStatus(res, 200).json;
        return Number(process.hrtime.bigint() - t) / 1e6;
      };
      const cold = await once();
      // Wall times depend on what else the machine runs; CPU times (Linux /proc) much less: the
      // server process, and the database's backends.
      const N = 10, cpu0 = cpuMs(env.srv.child.pid), db0 = backendsCpuMs(env.db.name), times = [];
      for (let i = 0; i < N; i++) times.push(await once());
      const server = (cpuMs(env.srv.child.pid) - cpu0) / N, database = (backendsCpuMs(env.db.name) - db0) / N;
      assert.ok(body.items.length > 50);
      assert.ok(body.items.every((x) => ['signal', 'no_signal', 'insufficient_data'].includes(x.verdict)));
      const logged = env.srv.logLines().filter((l) => String(l.msg).includes(`area ${area},`)).map((l) => l.msg);
      const sorted = [...times].sort((a, b) => a - b);
      console.log(`area ${area}, ${rows} values, ${body.items.length} series (${process.env.LGVO_BIN}):`);
      console.log(`  wall ms: cold ${cold.toFixed(1)}, then median ${sorted[N / 2].toFixed(1)} (min ${sorted[0].toFixed(1)}); load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
      console.log(`  CPU ms per request: server ${server.toFixed(1)}, PostgreSQL ${database.toFixed(1)}`);
      console.log(`  server log: ${logged[logged.length - 1]}`);
    });
  }
});
