// A run or control chart of GET /api/v1/measures/{slug}/signals, drawn with Observable Plot
// (the UMD build, loaded as the global Plot, with d3): the values as a line with a dot per
// point, the centre line and the control limits (none on a run chart) as steps, the signal
// points drawn over them as larger diamonds, PDSA starts as vertical rules.
//
// For tests and assistive technology every mark is findable: each point's element has
// data-testid="chart-point" (and data-period, data-signal), each signal point
// data-testid="signal-point", each PDSA start data-testid="pdsa-mark", each hidden
// (suppressed) period data-testid="chart-suppressed"; the svg has role="img" and a label.
import { periodStart } from './periods.js';
import { t, lang, formatNumber, formatDate } from './i18n.js';

const COLOURS = { value: '#1d4f91', centre: '#3c3c3c', limits: '#b0413e', signal: '#d4580a', pdsa: '#6a3d9a', hidden: '#8a8a8a' };

// Tags the elements a mark drew: one child per datum, bound to its index by d3.
function tag(testid, rows, name, extra = () => ({})) {
  return function render(index, scales, values, dimensions, context, next) {
    const g = next(index, scales, values, dimensions, context);
    g.setAttribute('data-testid', `${testid}s`);
    g.setAttribute('aria-label', name);
    for (const el of g.children) {
      const row = rows[el.__data__];
      if (!row) continue;
      el.setAttribute('data-testid', testid);
      if (row.period) el.setAttribute('data-period', row.period);
      for (const [k, v] of Object.entries(extra(row))) el.setAttribute(k, v);
    }
    return g;
  };
}

// The chart's rows: points with a date and a number, signal points, hidden periods, PDSA starts.
export function chartData(data) {
  const points = (data.points ?? []).map((p) => ({ ...p, date: periodStart(p.period) })).filter((p) => p.date);
  const valued = points.filter((p) => typeof p.value === 'number');
  const hidden = points.filter((p) => typeof p.value !== 'number');
  const signals = valued.filter((p) => p.signal);
  const pdsa = (data.pdsa ?? []).map((c) => {
    const starts = c.starts_on ?? c.plan?.starts_on ?? c.started_on ?? c.do?.started_on ?? null;
    return { ...c, starts, date: periodStart(starts) };
  }).filter((c) => c.date);
  return { points, valued, hidden, signals, pdsa };
}

// The y range every panel of a set of charts shares.
export function sharedDomain(charts) {
  let lo = Infinity, hi = -Infinity;
  for (const d of charts) {
    for (const p of d?.points ?? []) {
      for (const v of [p.value, p.centre, p.lcl, p.ucl]) {
        if (typeof v === 'number') { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      }
    }
  }
  if (!Number.isFinite(lo)) return undefined;
  if (lo === hi) { lo -= 1; hi += 1; }
  return [Math.min(0, lo), hi];
}

// Time-axis labels in the page's language: the month, with the year under the first tick
// and under every January; only the year for yearly series.
function timeFormat(data, compact) {
  const yearly = compact || /^\d{4}$/.test(data.points?.[0]?.period ?? '');
  const month = new Intl.DateTimeFormat(lang() === 'sv' ? 'sv-SE' : 'en-GB', { month: 'short', timeZone: 'UTC' });
  return (d, i) => {
    if (yearly) return String(d.getUTCFullYear());
    const m = month.format(d);
    return i === 0 || d.getUTCMonth() === 0 ? `${m}\n${d.getUTCFullYear()}` : m;
  };
}

// Returns an <svg>. options: width, height, compact (a small multiple: fewer ticks, no
// labels), yDomain, label (the accessible name), unit (the y axis label).
export function signalChart(data, { width = 800, height = 340, compact = false, yDomain, label = '', unit = '' } = {}) {
  const Plot = window.Plot;
  const { valued, hidden, signals, pdsa } = chartData(data);
  const narrow = width < 600;
  const tip = (p) => `${p.period}: ${formatNumber(p.value, 2)}${p.signal ? ` (${t('chart.legend.signal').toLowerCase()})` : ''}`;
  const marks = [
    Plot.ruleY(yDomain ? [yDomain[0]] : [0], { stroke: '#ccc' }),
    Plot.ruleX(pdsa, { x: 'date', stroke: COLOURS.pdsa, strokeWidth: 2, strokeDasharray: '4,3',
      title: (c) => t('measure.pdsaStart', { title: c.title ?? `#${c.id}`, date: formatDate(c.starts) }),
      render: tag('pdsa-mark', pdsa, t('chart.legend.pdsa'), (c) => ({ 'data-starts-on': c.starts })) }),
    compact ? null : Plot.text(pdsa, { x: 'date', frameAnchor: 'top', dy: -6, text: () => 'PDSA', fill: COLOURS.pdsa, fontSize: 11, textAnchor: 'start', dx: 3 }),
    Plot.line(valued, { x: 'date', y: 'ucl', curve: 'step', stroke: COLOURS.limits, strokeDasharray: '5,4', ariaDescription: t('chart.legend.limits') }),
    Plot.line(valued, { x: 'date', y: 'lcl', curve: 'step', stroke: COLOURS.limits, strokeDasharray: '5,4', ariaDescription: t('chart.legend.limits') }),
    Plot.line(valued, { x: 'date', y: 'centre', curve: 'step', stroke: COLOURS.centre, strokeWidth: 1.5, ariaDescription: t('chart.legend.centre') }),
    Plot.line(valued, { x: 'date', y: 'value', stroke: COLOURS.value, strokeWidth: compact ? 1.2 : 1.5, ariaDescription: t('chart.legend.value') }),
    Plot.dot(valued, { x: 'date', y: 'value', r: compact ? 1.6 : narrow ? 2.2 : 3, fill: COLOURS.value,
      title: compact ? null : tip, render: tag('chart-point', valued, t('chart.legend.value'), (p) => ({ 'data-signal': String(Boolean(p.signal)) })) }),
    Plot.dot(signals, { x: 'date', y: 'value', r: compact ? 2.8 : narrow ? 4 : 6, symbol: 'diamond', fill: COLOURS.signal, stroke: '#fff',
      strokeWidth: compact || narrow ? 0.8 : 1.5, title: compact ? null : tip, render: tag('signal-point', signals, t('chart.legend.signal')) }),
    Plot.dot(hidden, { x: 'date', frameAnchor: 'bottom', symbol: 'times', r: compact ? 2.5 : 4, stroke: COLOURS.hidden, strokeWidth: 1.5,
      title: (p) => `${p.period}: ${t('measure.suppressed')}`, render: tag('chart-suppressed', hidden, t('measure.suppressed')) }),
  ].filter(Boolean);
  const svg = Plot.plot({
    width, height,
    marginLeft: compact ? 34 : 52, marginRight: compact ? 8 : 20, marginTop: compact ? 8 : 22, marginBottom: compact ? 20 : 34,
    style: { fontSize: compact ? '10px' : '12px', background: 'transparent', color: '#1b1b1b' },
    x: { type: 'utc', label: null, ticks: compact ? 3 : Math.max(3, Math.floor(width / 110)), tickFormat: timeFormat(data, compact) },
    y: { label: compact ? null : unit || null, grid: true, domain: yDomain, nice: !yDomain, ticks: compact ? 3 : undefined },
    ariaLabel: label,
    ariaDescription: t('chart.label', { measure: data.measure, principal: data.principal ?? t('measure.county'), n: valued.length, signals: signals.length }),
    marks,
  });
  svg.setAttribute('role', 'img');
  svg.setAttribute('data-testid', 'chart');
  svg.setAttribute('data-points', String(valued.length + hidden.length));
  return svg;
}

// The chart's key, as HTML (so that it reads as text and scales with the page).
export function chartLegend({ limits = true, pdsa = false } = {}) {
  const item = (cls, text) => {
    const li = document.createElement('li');
    const sw = document.createElement('span');
    sw.className = `swatch ${cls}`;
    sw.setAttribute('aria-hidden', 'true');
    li.append(sw, text);
    return li;
  };
  const ul = document.createElement('ul');
  ul.className = 'chart-legend';
  ul.setAttribute('aria-label', t('legend.title'));
  ul.append(item('sw-value', t('chart.legend.value')), item('sw-centre', t('chart.legend.centre')));
  if (limits) ul.append(item('sw-limits', t('chart.legend.limits')));
  ul.append(item('sw-signal', t('chart.legend.signal')));
  if (pdsa) ul.append(item('sw-pdsa', t('chart.legend.pdsa')));
  return ul;
}
