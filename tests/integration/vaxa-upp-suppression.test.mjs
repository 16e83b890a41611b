// vaxa-upp, small numbers: counts from 1 to 4 of another principal are null with
// "suppressed": true (zero is shown); derived shares with a suppressed numerator or denominator
// are suppressed; a total must not give a hidden part away by subtraction (a county total with
// any hidden contribution is hidden, as in the core); the owning principal and county_admin see
// everything. Then an attacker: random small figures for several municipalities, every view of
// the plugin and every figure the core publishes, worked through by repeated subtraction — no
// hidden figure may come out.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { req, expectStatus } from './lib/harness.mjs';
import { getValues, getSeries } from './lib/values.mjs';
import {
  vaxaServer, vpost, vget, occupancy, check, youth, sip, concern, expectShown, expectHidden, expectNoSmallShown,
} from './lib/vaxa-upp.mjs';

let env, srv, tok;
before(async () => {
  env = await vaxaServer({
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    motala: { principal: 'motala', role: 'reporter', areas: ['vaxa-upp'] },
    motalaReader: { principal: 'motala', role: 'reader' },
    kinda: { principal: 'kinda', role: 'reporter', areas: ['vaxa-upp'] },
    reader: { principal: 'norrkoping', role: 'reader' },
    regionReader: { principal: 'region-ostergotland', role: 'reader' },
  });
  ({ srv, tok } = env);
});
after(async () => { await env.stop(); });

const post = async (path, body) => expectStatus(await vpost(srv, tok.county, path, body), 200);
const get = async (token, path) => expectStatus(await vget(srv, token, path), 200).json;
const coreRow = async (token, measure, principal, period) =>
  (await getValues(srv, token, { measure, principal })).json.items.find((v) => v.period === period);
const coreCounty = async (token, measure, period) =>
  expectStatus(await getSeries(srv, token, measure), 200).json.county.find((c) => c.period === period);

describe('the rule', () => {
  before(async () => {
    await post('/sip', { sip: [
      sip('motala'),
      sip('kinda', { initiated: 3, by_initiator: { social_services: 3 }, by_age_band: { '0-17': 3 } }),
      sip('ydre', { initiated: 0, by_initiator: {}, by_age_band: {} }),
      sip('linkoping', { initiated: 40, by_initiator: { social_services: 20, health_care: 10, school: 6, person_or_relatives: 4 }, by_age_band: { '0-17': 30, '18+': 10 } }),
    ] });
    await post('/placed-children/checks', { checks: [
      check('motala'), check('kinda', { placed: 3, health_examined: 3, dental_assessed: 2 }),
      check('mjolby', { placed: 30, health_examined: 28, dental_assessed: 2 }),
      check('linkoping', { placed: 50, health_examined: 48, dental_assessed: 47 }),
    ] });
  });

  test('another principal\'s 1-4 is null and suppressed, zero and 5+ are shown', async () => {
    const items = (await get(tok.reader, '/sip?year=2025')).items;
    const of = (p) => items.find((i) => i.principal === p);
    expectHidden(of('kinda').initiated, 'kinda 3');
    expectShown(of('ydre').initiated, 0, 'zero is shown');
    expectShown(of('motala').initiated, 12);
    expectShown(of('motala').by_initiator.social_services, 5);
    expectHidden(of('motala').by_initiator.health_care, 'motala health care 4');
    expectHidden(of('motala').by_initiator.person_or_relatives);
    expectHidden(of('linkoping').by_initiator.person_or_relatives, 'linkoping 4');
    expectHidden(of('linkoping').by_initiator.school, '40 - 20 - 10 - 6 = 4: the smallest other part goes');
    expectShown(of('linkoping').by_initiator.health_care, 10);
    // the core shows the derived total the same way
    const core = await coreRow(tok.reader, 'vaxa-upp.sip-initiated', 'kinda', '2025T1');
    assert.deepEqual([core.value, core.suppressed], [null, true]);
    expectNoSmallShown(items);
  });

  test('the owning principal, any of its accounts, and county_admin see everything', async () => {
    for (const who of ['motala', 'motalaReader']) {
      const m = (await get(tok[who], '/sip?year=2025')).items.find((i) => i.principal === 'motala');
      expectShown(m.by_initiator.person_or_relatives, 1, who);
      expectShown(m.by_age_band['18+'], 4, who);
      const k = (await get(tok[who], '/sip?year=2025')).items.find((i) => i.principal === 'kinda');
      expectHidden(k.initiated, `${who} sees kinda`);
    }
    const all = await get(tok.county, '/sip?year=2025');
    for (const i of all.items) for (const c of [i.initiated, ...Object.values(i.by_initiator), ...Object.values(i.by_age_band)]) assert.equal(c.suppressed, false);
    expectShown(all.items.find((i) => i.principal === 'kinda').initiated, 3);
    // the region's reader is another principal for municipal figures
    expectHidden((await get(tok.regionReader, '/sip?year=2025')).items.find((i) => i.principal === 'kinda').initiated);
  });

  test('a part hidden beside a total the core publishes: another part is hidden instead', async () => {
    // Motala 2025T1: 12 = 8 (0-17) + 4 (18+); the core shows 12, so 8 must go too
    const m = (await get(tok.reader, '/sip?year=2025')).items.find((i) => i.principal === 'motala');
    expectShown(m.initiated, 12);
    expectHidden(m.by_age_band['18+']);
    expectHidden(m.by_age_band['0-17'], '8 would give 4 away');
  });

  test('derived shares with a suppressed numerator or denominator are suppressed', async () => {
    const res = await get(tok.reader, '/placed-children/checks?year=2025');
    const of = (p) => res.items.find((i) => i.principal === p);
    // Kinda: 3 placed (denominator hidden)
    expectHidden(of('kinda').placed);
    expectHidden(of('kinda').health_exam_share);
    expectHidden(of('kinda').dental_assessment_share);
    // Mjölby: 2 of 30 assessed (numerator hidden); 28 of 30 examined is shown
    expectShown(of('mjolby').placed, 30);
    expectHidden(of('mjolby').dental_assessed);
    expectHidden(of('mjolby').dental_assessment_share);
    expectShown(of('mjolby').health_exam_share, 93.3);
    expectShown(of('linkoping').dental_assessment_share, 94);
    // the same in the core
    const core = await coreRow(tok.reader, 'vaxa-upp.placed-dental-assessment-share', 'mjolby', '2025');
    assert.deepEqual([core.value, core.numerator, core.denominator, core.suppressed], [null, null, null, true]);
    // Mjölby sees its own
    expectShown((await get(tok.county, '/placed-children/checks?year=2025')).items.find((i) => i.principal === 'mjolby').dental_assessment_share, 6.7);
  });

  test('a county total with any hidden contribution is hidden, as in the core', async () => {
    // SIP 2025T1: 12 + 3 (hidden) + 0 + 40
    let county = (await get(tok.reader, '/sip?year=2025')).county.find((c) => c.period === '2025T1');
    expectHidden(county.initiated, 'county = 55 would give Kinda\'s 3 away');
    let core = await coreCounty(tok.reader, 'vaxa-upp.sip-initiated', '2025T1');
    assert.deepEqual([core.value, core.suppressed], [null, true]);
    // Kinda knows its own 3: from its side nothing is hidden, so it sees the total
    county = (await get(tok.kinda, '/sip?year=2025')).county.find((c) => c.period === '2025T1');
    expectShown(county.initiated, 55);
    // a second small contribution: two hidden, the total stays hidden (their sum would show)
    await post('/sip', { sip: [sip('ydre', { initiated: 2, by_initiator: { school: 2 }, by_age_band: { '0-17': 2 } })] });
    county = (await get(tok.reader, '/sip?year=2025')).county.find((c) => c.period === '2025T1');
    expectHidden(county.initiated, 'county = 57 would give the sum of Kinda\'s and Ydre\'s away');
    core = await coreCounty(tok.reader, 'vaxa-upp.sip-initiated', '2025T1');
    assert.deepEqual([core.value, core.suppressed], [null, true]);
    // …but Kinda knows its 3, so for Kinda only Ydre's is hidden: the total must go
    county = (await get(tok.kinda, '/sip?year=2025')).county.find((c) => c.period === '2025T1');
    expectHidden(county.initiated, 'for Kinda, 57 - 12 - 3 - 40 = Ydre\'s 2');
    await post('/sip', { sip: [sip('ydre', { initiated: 0, by_initiator: {}, by_age_band: {} })] });
  });

  test('a county share with a hidden part is suppressed with it', async () => {
    await post('/placed-children/checks', { checks: [
      check('motala', { year: 2009 }), check('kinda', { year: 2009, placed: 3, health_examined: 3, dental_assessed: 0 }),
      check('linkoping', { year: 2009, placed: 50, health_examined: 48, dental_assessed: 47 }),
    ] });
    // Kinda's 3 placed is the only hidden one: the county's placed and both shares go
    const county = (await get(tok.reader, '/placed-children/checks?year=2009')).county;
    expectHidden(county.placed, '73 - 20 - 50 = 3');
    expectHidden(county.health_exam_share);
    expectHidden(county.dental_assessment_share);
    expectNoSmallShown(county);
    const kinda = (await get(tok.reader, '/placed-children/checks?year=2009')).items.find((i) => i.principal === 'kinda');
    expectShown(kinda.dental_assessed, 0, 'zero is shown');
    expectHidden(kinda.dental_assessment_share, '0 of a hidden 3');
    // the core's county totals agree
    const core = await coreCounty(tok.reader, 'vaxa-upp.placed-health-exam-share', '2009');
    assert.deepEqual([core.numerator, core.denominator, core.suppressed], [null, null, true]);
    const all = (await get(tok.county, '/placed-children/checks?year=2009')).county;
    expectShown(all.placed, 73);
    expectShown(all.health_exam_share, 90.4);
    assert.equal(all.principals, 3);
  });

  test('HVB: a hidden age hides placements started, and what would give started back', async () => {
    await post('/hvb/occupancy', { occupancy: [
      occupancy('motala', { period: '2015H1', started: 20, ended: 10, ongoing: 10, care_days: 2000,
        by_age: { 14: 5, 15: 6, 16: 7, 17: 2 }, by_reason: { 'home-environment': 10, criminality: 10 } }),
    ] });
    const m = (await get(tok.reader, '/hvb/occupancy?year=2015')).items[0];
    expectHidden(m.by_age['17']);
    expectHidden(m.started, '20 - 5 - 6 - 7 = 2');
    // started is also the sum of the reasons: one of them must go too
    const hiddenReasons = Object.values(m.by_reason).filter((c) => c.suppressed).length;
    assert.equal(hiddenReasons, 1, JSON.stringify(m.by_reason));
    // and the year (= the half-year) and the county (= Motala alone) follow
    const year = (await get(tok.reader, '/overview?year=2015')).principals.find((p) => p.principal === 'motala').hvb;
    expectHidden(year.started);
    expectHidden(year.by_age['17']);
    const county = (await get(tok.reader, '/hvb/occupancy?year=2015')).county;
    for (const c of county) expectHidden(c.started, c.period);
    // Motala sees it all
    expectShown((await get(tok.motala, '/hvb/occupancy?year=2015')).items[0].started, 20);
  });

  test('youth health: a sex hidden beside the band total the core publishes hides the other sex', async () => {
    await post('/youth-health', { youth_health: [
      youth('kinda', { year: 2015, visits: { '13-17': { K: 3, M: 40 }, '18-21': { K: 20, M: 20 }, '22-25': { K: 0, M: 2 } } }),
    ] });
    const k = (await get(tok.reader, '/youth-health?year=2015')).items[0];
    expectShown(k.visits['13-17'].T, 43);
    expectHidden(k.visits['13-17'].K);
    expectHidden(k.visits['13-17'].M, '43 - 3 would be shown');
    expectHidden(k.young_adult_visits_22_25.M);
    expectHidden(k.young_adult_visits_22_25.T, 'T = 0 + 2');
    expectShown(k.young_adult_visits_22_25.K, 0);
    // 13-21 = 13-17 + 18-21 for each sex
    expectHidden(k.visits['13-21'].K, '23 - 20 = 3');
    const core = await coreRow(tok.reader, 'vaxa-upp.youth-health-visits-22-25', 'kinda', '2015');
    assert.deepEqual([core.value, core.suppressed], [null, true]);
    assert.equal(k.staffing_fte, 4.5, 'FTE is not a count');
  });

  test('the overview applies the same rule, and says whose figures the caller sees whole', async () => {
    const ov = await get(tok.reader, '/overview?year=2025');
    assert.equal(ov.year, 2025);
    assert.equal(ov.principals.length, 14);
    assert.deepEqual(ov.principals.map((p) => p.principal).slice(0, 3), ['region-ostergotland', 'boxholm', 'finspang']);
    const kinda = ov.principals.find((p) => p.principal === 'kinda');
    expectHidden(kinda.sip.tertials[0].initiated);
    expectHidden(kinda.sip.year.initiated);
    expectHidden(kinda.placed_children_checks.health_exam_share);
    assert.equal(kinda.unsuppressed, false);
    assert.equal(ov.principals.find((p) => p.principal === 'boxholm').sip, null);
    expectHidden(ov.county.sip.tertials[0].initiated);
    expectNoSmallShown(ov);
    const own = await get(tok.kinda, '/overview?year=2025');
    const k2 = own.principals.find((p) => p.principal === 'kinda');
    assert.equal(k2.unsuppressed, true);
    expectShown(k2.sip.year.initiated, 3);
    expectShown(k2.placed_children_checks.dental_assessment_share, 66.7);
    const admin = await get(tok.county, '/overview?year=2025');
    assert.ok(admin.principals.every((p) => p.unsuppressed));
    expectShown(admin.county.sip.year.initiated, 55);
  });
});

// ---- the attacker ----

// A small deterministic random generator (mulberry32).
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MUNIS = ['motala', 'kinda', 'ydre', 'boxholm', 'vadstena', 'odeshog'];
const REASONS = ['home-environment', 'substance-use', 'criminality', 'other'];
const INITS = ['social_services', 'health_care', 'school', 'person_or_relatives'];

// Random small figures for one year; returns the rows posted.
function generate(seed, year) {
  const r = rng(seed);
  const n = (max) => Math.floor(r() * (max + 1));
  const split = (total, keys) => {
    const o = Object.fromEntries(keys.map((k) => [k, 0]));
    for (let i = 0; i < total; i++) o[keys[n(keys.length - 1)]]++;
    return o;
  };
  const data = { hvb: [], sip: [], concern: [], checks: [], youth: [] };
  for (const p of MUNIS) {
    for (const h of [1, 2]) {
      if (r() < 0.25) continue;
      const ages = Object.fromEntries([13, 14, 15, 16, 17].map((a) => [a, n(3)]));
      const started = Object.values(ages).reduce((x, y) => x + y, 0);
      const ended = n(started + 2);
      const ongoing = Math.max(0, started - ended) + n(2);
      data.hvb.push({ principal: p, period: `${year}H${h}`, started, ended, ongoing, care_days: n(90) * (ongoing + ended),
        by_age: ages, by_reason: split(started, REASONS) });
    }
    for (const t of [1, 2, 3]) {
      if (r() < 0.2) continue;
      const initiated = n(9);
      data.sip.push({ principal: p, period: `${year}T${t}`, initiated, by_initiator: split(initiated, INITS), by_age_band: split(initiated, ['0-17', '18+']) });
    }
    for (const q of [1, 2, 3, 4]) if (r() < 0.8) data.concern.push({ principal: p, period: `${year}Q${q}`, reports: n(9) });
    if (r() < 0.85) {
      const placed = n(12);
      data.checks.push({ principal: p, year, placed, health_examined: n(placed), dental_assessed: n(placed) });
    }
    if (r() < 0.85) {
      const band = () => ({ K: n(8), M: n(8) });
      data.youth.push({ principal: p, year, visits: { '13-17': band(), '18-21': band(), '22-25': band() }, staffing_fte: 1 });
    }
  }
  return data;
}

// What an attacker knows: figures by key; relations total = Σ parts over keys.
class Attacker {
  constructor() { this.known = new Map(); this.hidden = new Set(); this.rels = []; }
  // source: 'plugin' or 'core'; hidden records what the plugin hides
  see(key, cell, truth, what, source = 'plugin') {
    if (cell === undefined || (what === 'core: no row' && !truth.has(key))) return;
    if (cell.suppressed) { if (source === 'plugin') this.hidden.add(key); return; }
    if (cell.value === null) return;
    assert.equal(cell.value, truth.get(key), `${what}: ${key} shown as ${cell.value}, truth ${truth.get(key)}`);
    this.known.set(key, cell.value);
  }
  rel(total, parts) { this.rels.push([total, ...parts]); }
  // Repeated subtraction: a relation with one unknown figure gives it away.
  close(truth) {
    for (let changed = true; changed;) {
      changed = false;
      for (const keys of this.rels) {
        const unknown = keys.filter((k) => !this.known.has(k));
        if (unknown.length !== 1) continue;
        this.known.set(unknown[0], truth.get(unknown[0]));
        changed = true;
      }
    }
  }
}

// Ground truth and relations, keyed "<set>|<principal or county>|<slot>|<field>".
function model(data, year) {
  const truth = new Map();
  const rels = [];
  const add = (k, v) => truth.set(k, (truth.get(k) ?? 0) + v);
  const tables = [];
  // a table: records (principal, slot) with fields; periods summed into the year; principals into the county
  function table(set, periods, rows, fields, groups, snapshot = []) {
    const present = new Set();
    for (const { p, slot, values } of rows) {
      present.add(`${p}|${slot}`);
      for (const f of fields) {
        add(`${set}|${p}|${slot}|${f}`, values[f]);
        add(`${set}|county|${slot}|${f}`, values[f]);
      }
    }
    const principals = [...new Set(rows.map((x) => x.p))];
    for (const p of [...principals, 'county']) {
      const have = periods.filter((s) => (p === 'county' ? principals.some((q) => present.has(`${q}|${s}`)) : present.has(`${p}|${s}`)));
      if (!have.length) continue;
      for (const f of fields) {
        if (periods.length > 1 && snapshot.includes(f)) {
          const last = periods[periods.length - 1];
          if (have.includes(last)) { truth.set(`${set}|${p}|${year}|${f}`, truth.get(`${set}|${p}|${last}|${f}`)); rels.push([`${set}|${p}|${year}|${f}`, `${set}|${p}|${last}|${f}`]); }
        } else if (periods.length > 1) {
          truth.set(`${set}|${p}|${year}|${f}`, have.reduce((x, s) => x + truth.get(`${set}|${p}|${s}|${f}`), 0));
          rels.push([`${set}|${p}|${year}|${f}`, ...have.map((s) => `${set}|${p}|${s}|${f}`)]);
        }
      }
      for (const s of periods.length > 1 ? [...have, String(year)] : have) {
        for (const [total, parts] of groups) {
          if (truth.has(`${set}|${p}|${s}|${total}`)) rels.push([`${set}|${p}|${s}|${total}`, ...parts.map((f) => `${set}|${p}|${s}|${f}`)]);
        }
      }
    }
    for (const s of periods.length > 1 ? [...periods, String(year)] : periods) {
      const with_ = principals.filter((p) => truth.has(`${set}|${p}|${s}|${fields[0]}`) || fields.some((f) => truth.has(`${set}|${p}|${s}|${f}`)));
      if (!with_.length) continue;
      for (const f of fields) {
        const parts = with_.filter((p) => truth.has(`${set}|${p}|${s}|${f}`)).map((p) => `${set}|${p}|${s}|${f}`);
        if (parts.length) rels.push([`${set}|county|${s}|${f}`, ...parts]);
      }
    }
    tables.push(set);
  }
  const hvbFields = ['started', 'ended', 'ongoing', 'care_days', ...[13, 14, 15, 16, 17].map((a) => `age${a}`), ...REASONS.map((x) => `reason:${x}`)];
  table('hvb', [`${year}H1`, `${year}H2`], data.hvb.map((o) => ({ p: o.principal, slot: o.period, values: {
    started: o.started, ended: o.ended, ongoing: o.ongoing, care_days: o.care_days,
    ...Object.fromEntries([13, 14, 15, 16, 17].map((a) => [`age${a}`, o.by_age[a] ?? 0])),
    ...Object.fromEntries(REASONS.map((x) => [`reason:${x}`, o.by_reason[x] ?? 0])) } })),
  hvbFields, [['started', [13, 14, 15, 16, 17].map((a) => `age${a}`)], ['started', REASONS.map((x) => `reason:${x}`)]], ['ongoing']);
  // the county year of a snapshot column is the county's last period
  const sipFields = ['initiated', ...INITS.map((k) => `init:${k}`), 'band:0-17', 'band:18+'];
  table('sip', [1, 2, 3].map((t) => `${year}T${t}`), data.sip.map((o) => ({ p: o.principal, slot: o.period, values: {
    initiated: o.initiated, ...Object.fromEntries(INITS.map((k) => [`init:${k}`, o.by_initiator[k]])),
    'band:0-17': o.by_age_band['0-17'], 'band:18+': o.by_age_band['18+'] } })),
  sipFields, [['initiated', INITS.map((k) => `init:${k}`)], ['initiated', ['band:0-17', 'band:18+']]]);
  table('con', [1, 2, 3, 4].map((q) => `${year}Q${q}`), data.concern.map((o) => ({ p: o.principal, slot: o.period, values: { reports: o.reports } })), ['reports'], []);
  table('chk', [String(year)], data.checks.map((o) => ({ p: o.principal, slot: String(year), values: { placed: o.placed, examined: o.health_examined, dental: o.dental_assessed } })),
    ['placed', 'examined', 'dental'], []);
  const yf = [];
  for (const b of ['13-17', '18-21', '22-25', '13-21']) for (const s of ['K', 'M', 'T']) yf.push(`${b}${s}`);
  table('yh', [String(year)], data.youth.map((o) => {
    const v = {};
    for (const b of ['13-17', '18-21', '22-25']) { v[`${b}K`] = o.visits[b].K; v[`${b}M`] = o.visits[b].M; v[`${b}T`] = o.visits[b].K + o.visits[b].M; }
    for (const s of ['K', 'M', 'T']) v[`13-21${s}`] = v[`13-17${s}`] + v[`18-21${s}`];
    return { p: o.principal, slot: String(year), values: v };
  }), yf, [...['13-17', '18-21', '22-25', '13-21'].map((b) => [`${b}T`, [`${b}K`, `${b}M`]]), ...['K', 'M', 'T'].map((s) => [`13-21${s}`, [`13-17${s}`, `18-21${s}`]])]);
  return { truth, rels };
}

// Everything the caller can read: the plugin's views and the core's values and county totals.
async function observe(token, year, truth, { plugin = true } = {}) {
  const a = new Attacker();
  if (plugin) await observePlugin(token, year, (key, cell, what) => a.see(key, cell, truth, what, 'plugin'));
  await observeCore(token, year, (key, cell, what) => a.see(key, cell, truth, what, 'core'));
  return a;
}

async function observePlugin(token, year, see) {
  const hvb = await get(token, `/hvb/occupancy?year=${year}`);
  const hvbCells = (set, p, slot, o) => {
    for (const f of ['started', 'ended', 'ongoing', 'care_days']) see(`${set}|${p}|${slot}|${f}`, o[f], 'hvb');
    if (o.ongoing_at_year_end) see(`${set}|${p}|${slot}|ongoing`, o.ongoing_at_year_end, 'hvb year');
    for (const [age, c] of Object.entries(o.by_age)) see(`${set}|${p}|${slot}|age${age}`, c, 'hvb age');
    for (const [r, c] of Object.entries(o.by_reason)) if (REASONS.includes(r)) see(`${set}|${p}|${slot}|reason:${r}`, c, 'hvb reason');
  };
  for (const o of hvb.items) hvbCells('hvb', o.principal, o.period, o);
  for (const o of hvb.county) hvbCells('hvb', 'county', o.period, o);
  const sipView = await get(token, `/sip?year=${year}`);
  const sipCells = (p, o) => {
    see(`sip|${p}|${o.period}|initiated`, o.initiated, 'sip');
    for (const [k, c] of Object.entries(o.by_initiator)) see(`sip|${p}|${o.period}|init:${k}`, c, 'sip init');
    for (const [k, c] of Object.entries(o.by_age_band)) see(`sip|${p}|${o.period}|band:${k}`, c, 'sip band');
  };
  for (const o of sipView.items) sipCells(o.principal, o);
  for (const o of sipView.county) sipCells('county', o);
  const con = await get(token, `/concern-reports?year=${year}`);
  for (const o of con.items) see(`con|${o.principal}|${o.period}|reports`, o.reports, 'concern');
  for (const o of con.county) see(`con|county|${o.period}|reports`, o.reports, 'concern county');
  const chk = await get(token, `/placed-children/checks?year=${year}`);
  const chkCells = (p, o) => { see(`chk|${p}|${year}|placed`, o.placed); see(`chk|${p}|${year}|examined`, o.health_examined); see(`chk|${p}|${year}|dental`, o.dental_assessed); };
  for (const o of chk.items) chkCells(o.principal, o);
  if (chk.county) chkCells('county', chk.county);
  const yh = await get(token, `/youth-health?year=${year}`);
  const yhCells = (p, o) => {
    for (const [b, v] of Object.entries(o.visits)) for (const s of ['K', 'M', 'T']) see(`yh|${p}|${year}|${b}${s}`, v[s], 'youth');
    for (const s of ['K', 'M', 'T']) see(`yh|${p}|${year}|22-25${s}`, o.young_adult_visits_22_25[s], 'youth 22-25');
  };
  for (const o of yh.items) yhCells(o.principal, o);
  if (yh.county) yhCells('county', yh.county);
  // the overview: per principal years (HVB, SIP, concern) — the same grids
  const ov = await get(token, `/overview?year=${year}`);
  for (const p of ov.principals) {
    if (p.hvb) hvbCells('hvb', p.principal, String(year), p.hvb);
    if (p.sip) { for (const t of p.sip.tertials) sipCells(p.principal, t); sipCells(p.principal, p.sip.year); }
    if (p.concern_reports) for (const q of [...p.concern_reports.quarters, p.concern_reports.year]) see(`con|${p.principal}|${q.period}|reports`, q.reports, 'overview concern');
  }
}

async function observeCore(token, year, see) {
  // the core: derived values, and the series' county totals
  const cell = (v, field = 'value') => ({ value: v[field], suppressed: v.suppressed });
  const values = await req(srv, 'GET', `/api/v1/values?area=vaxa-upp&from=${year}&to=${year}&limit=1000`, { token });
  // a municipality with nobody placed has no share rows: the core's county sums leave it out
  const withShares = new Set(values.json.items.filter((v) => v.measure === 'vaxa-upp.placed-health-exam-share').map((v) => v.principal));
  for (const p of MUNIS) {
    if (withShares.has(p)) continue;
    for (const f of ['placed', 'examined', 'dental']) see(`chk|${p}|${year}|${f}`, { value: 0, suppressed: false }, 'core: no row', true);
  }
  for (const v of values.json.items) {
    if (v.measure === 'vaxa-upp.sip-initiated') see(`sip|${v.principal}|${v.period}|initiated`, cell(v), 'core sip');
    if (v.measure === 'vaxa-upp.concern-reports') see(`con|${v.principal}|${v.period}|reports`, cell(v), 'core concern');
    for (const b of ['13-17', '18-21', '22-25']) if (v.measure === `vaxa-upp.youth-health-visits-${b}`) see(`yh|${v.principal}|${v.period}|${b}T`, cell(v), 'core youth');
    if (v.measure === 'vaxa-upp.placed-health-exam-share') { see(`chk|${v.principal}|${v.period}|examined`, cell(v, 'numerator')); see(`chk|${v.principal}|${v.period}|placed`, cell(v, 'denominator')); }
    if (v.measure === 'vaxa-upp.placed-dental-assessment-share') { see(`chk|${v.principal}|${v.period}|dental`, cell(v, 'numerator')); see(`chk|${v.principal}|${v.period}|placed`, cell(v, 'denominator')); }
  }
  const series = async (measure) => (await getSeries(srv, token, measure, { from: String(year), to: String(year) })).json.county;
  for (const c of await series('vaxa-upp.sip-initiated')) see(`sip|county|${c.period}|initiated`, cell(c), 'core sip county');
  for (const c of await series('vaxa-upp.concern-reports')) see(`con|county|${c.period}|reports`, cell(c), 'core concern county');
  for (const b of ['13-17', '18-21', '22-25']) for (const c of await series(`vaxa-upp.youth-health-visits-${b}`)) see(`yh|county|${c.period}|${b}T`, cell(c), 'core youth county');
  for (const m of ['placed-health-exam-share', 'placed-dental-assessment-share']) {
    for (const c of await series(`vaxa-upp.${m}`)) {
      see(`chk|county|${c.period}|${m.startsWith('placed-health') ? 'examined' : 'dental'}`, cell(c, 'numerator'), 'core share county');
      see(`chk|county|${c.period}|placed`, cell(c, 'denominator'), 'core share county');
    }
  }
}

// Keys the caller may not learn: another principal's 1-4, and the county's 1-4.
function sensitive(truth, own) {
  return [...truth].filter(([k, v]) => v >= 1 && v <= 4 && !k.includes(`|${own}|`)).map(([k]) => k);
}

describe('an attacker working through every view', () => {
  for (const [seed, year] of [[11, 2012], [29, 2013], [47, 2014], [83, 2011]]) {
    test(`seed ${seed}: no hidden figure can be worked out (${year})`, async () => {
      const data = generate(seed, year);
      if (data.hvb.length) await post('/hvb/occupancy', { occupancy: data.hvb });
      if (data.sip.length) await post('/sip', { sip: data.sip });
      if (data.concern.length) await post('/concern-reports', { concern_reports: data.concern });
      if (data.checks.length) await post('/placed-children/checks', { checks: data.checks });
      if (data.youth.length) await post('/youth-health', { youth_health: data.youth });
      const { truth, rels } = model(data, year);
      for (const [who, own] of [['reader', 'norrkoping'], ['kinda', 'kinda']]) {
        const a = await observe(tok[who], year, truth);
        // the caller's own figures are all shown
        for (const k of a.hidden) assert.ok(!k.includes(`|${own}|`), `${who}: own figure ${k} hidden`);
        for (const r of rels) a.rel(r[0], r.slice(1));
        a.close(truth);
        // what the core alone gives away (see README: its county totals of two ratio measures
        // that share a denominator); the plugin must add nothing to it
        const core = await observe(tok[who], year, truth, { plugin: false });
        for (const r of rels) core.rel(r[0], r.slice(1));
        core.close(truth);
        const leaked = [...a.hidden].filter((k) => a.known.has(k) && !core.known.has(k));
        assert.deepEqual(leaked, [], `${who}: hidden figures that subtraction gives away`);
        const small = sensitive(truth, own).filter((k) => a.known.has(k) && !core.known.has(k));
        assert.deepEqual(small, [], `${who}: small figures the caller can work out`);
        assert.ok(a.hidden.size > 0, 'the data has small figures to hide');
        // the core alone gives a principal's small figure away only through the two shares'
        // common denominator (its county totals count hidden rows per measure)
        const coreOnly = sensitive(truth, own).filter((k) => core.known.has(k) && !k.includes('|county|'));
        for (const k of coreOnly) assert.match(k, /^chk\|.*\|placed$/, `the core alone gives ${k} away`);
      }
    });
  }
});
