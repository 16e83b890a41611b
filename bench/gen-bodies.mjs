#!/usr/bin/env node
// bench/gen-bodies.mjs — request bodies for the benchmarks, written to stdout as compact JSON.
// Deterministic: the same arguments give the same body, and --bump N changes every count by N
// (a second push with another N updates every row; the same N again changes nothing).
//
//   values --municipalities a,b,… --from 2000-01 --rows 50000 [--bump N] MEASURE…
//       POST /api/v1/values: monthly ratio values (numerator/denominator, whole counts) for every
//       measure × municipality × sex (T, K, M with K + M = T), month after month from --from,
//       cut at --rows rows. For measures reported by the region on behalf of the municipalities.
//   hospital --municipalities a,b,… --year 2020 [--bump N]
//       POST /api/v1/att-aldras/hospital-reports: 12 months × municipalities × T/K/M.
//   beds --municipalities a,b,… --year 2023 [--bump N]
//       POST /api/v1/nara-vard/beds: ISO weeks 1–52 × municipalities.
//   plan-status --principals a,b,… --activities x,y,… --tertial 2024T3
//       POST /api/v1/nara-vard/primary-care-plan/status: every principal × activity.
const [command, ...rest] = process.argv.slice(2);
const opts = { bump: '0' };
const positional = [];
for (let i = 0; i < rest.length; i++) {
  if (rest[i].startsWith('--')) opts[rest[i].slice(2)] = rest[++i];
  else positional.push(rest[i]);
}
const need = (name) => {
  if (opts[name] === undefined) throw new Error(`${command}: --${name} is required`);
  return opts[name];
};
const list = (name) => need(name).split(',').filter(Boolean);
const bump = Number(opts.bump);
const pad = (n) => String(n).padStart(2, '0');
const STATUSES = ['not_started', 'planned', 'ongoing', 'implemented', 'evaluated'];

function values() {
  const municipalities = list('municipalities');
  const [y0, m0] = need('from').split('-').map(Number);
  const rows = Number(need('rows'));
  if (!positional.length) throw new Error('values: name at least one measure');
  const out = [];
  for (let k = 0; out.length < rows; k++) {
    const m = m0 - 1 + k;
    const period = `${y0 + Math.floor(m / 12)}-${pad((m % 12) + 1)}`;
    positional.forEach((measure, mi) => municipalities.forEach((principal, pi) => {
      // Counts that vary with month, measure and municipality; numerators stay below the
      // denominators (these are shares) whatever the bump.
      const dk = 80 + ((k * 7 + pi * 13 + mi * 5) % 60), dm = 60 + ((k * 11 + pi * 3 + mi) % 50);
      const nk = ((k + pi + mi) % 20) + bump, nm = ((k * 3 + pi) % 15) + bump;
      for (const [sex, numerator, denominator] of [['T', nk + nm, dk + dm], ['K', nk, dk], ['M', nm, dm]]) {
        if (out.length < rows) out.push({ measure, principal, period, sex, numerator, denominator });
      }
    }));
  }
  return { values: out };
}

function hospital() {
  const municipalities = list('municipalities');
  const year = Number(need('year'));
  const reports = [];
  for (let month = 1; month <= 12; month++) {
    municipalities.forEach((municipality, p) => {
      const k = { discharges: 60 + month + p, readmissions_48h: 1, readmissions_30d: 5 + bump, ed_visits: 40 + p, ed_admitted: 12 + bump };
      const m = { discharges: 50 + month, readmissions_48h: 2, readmissions_30d: 4 + bump, ed_visits: 30, ed_admitted: 9 + bump };
      const t = Object.fromEntries(Object.keys(k).map((key) => [key, k[key] + m[key]]));
      const base = { month: `${year}-${pad(month)}`, municipality };
      reports.push({ ...base, sex: 'T', ...t }, { ...base, sex: 'K', ...k }, { ...base, sex: 'M', ...m });
    });
  }
  return { reports };
}

function beds() {
  const municipalities = list('municipalities');
  const year = Number(need('year'));
  const reports = [];
  for (const municipality of municipalities) {
    for (let w = 0; w < 52; w++) {
      reports.push({
        municipality, week: `${year}-W${pad(w + 1)}`,
        short_term: { available: 20 + (w % 5) + bump, occupied: 15 + (w % 7) / 2, waiting: w % 4 },
        local_care: { available: 6 + bump, occupied: (w % 6) + 0.25, waiting: w % 2 },
      });
    }
  }
  return { reports };
}

function planStatus() {
  const tertial = need('tertial');
  const activities = list('activities');
  const reports = [];
  list('principals').forEach((principal, p) => activities.forEach((activity, a) => reports.push({
    principal, tertial, activity, status: STATUSES[(p + a + bump) % STATUSES.length], comment: `Kommentar ${p}-${a}`,
  })));
  return { reports };
}

const commands = { values, hospital, beds, 'plan-status': planStatus };
if (!commands[command]) {
  process.stderr.write(`usage: gen-bodies.mjs ${Object.keys(commands).join('|')} [options] (see the head of the file)\n`);
  process.exit(2);
}
process.stdout.write(JSON.stringify(commands[command]()));
