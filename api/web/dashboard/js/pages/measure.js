// One measure for one principal (or the county): the run or control chart with its centre
// line, limits, signal points and PDSA starts; the rules behind the verdict; the values as a
// table.
import * as api from '../api.js';
import { signalChart, chartLegend, chartData } from '../chart.js';
import { h, replace } from '../dom.js';
import { t, pick, formatNumber, formatDate } from '../i18n.js';
import { fitWidth } from '../responsive.js';
import { href, go } from '../router.js';
import { badge, chartStatus } from '../status.js';

export async function render(main, { route, current }) {
  const slug = route.params.slug;
  const principal = route.query.principal || null;
  const [def, principals, areas, data] = await Promise.all([
    api.measure(slug), api.principals(), api.areas(), api.measureSignals(slug, principal)]);
  if (!current()) return;
  const area = areas.find((a) => a.slug === def.area);
  const who = principal ? (principals.find((p) => p.slug === principal)?.name ?? principal) : t('measure.county');
  const title = pick(def, 'title');
  document.title = `${title} – ${who} – ${t('app.title')}`;
  const { valued, hidden, signals, pdsa } = chartData(data);
  const limits = valued.some((p) => typeof p.ucl === 'number' || typeof p.lcl === 'number');

  const select = h('select', { id: 'principal', name: 'principal', 'data-testid': 'principal-select',
    onchange: (e) => go('measure', { slug }, { principal: e.target.value }) },
  h('option', { value: '' }, t('measure.county')),
  principals.map((p) => h('option', { value: p.slug, selected: p.slug === principal }, p.name)));

  const host = h('div', { class: 'chart-host', 'data-testid': 'measure-chart' });
  replace(main,
    area ? h('p', { class: 'back' }, h('a', { href: href('area', { slug: area.slug }, { principal }) }, `← ${t('measure.backToArea', { area: pick(area, 'name') })}`)) : null,
    h('h1', { tabindex: '-1', 'data-testid': 'measure-title' }, title),
    h('div', { class: 'controls' },
      h('label', { for: 'principal' }, t('measure.principal')), select,
      h('a', { href: href('multiples', { slug }), class: 'button-link', 'data-testid': 'multiples-link' }, t('measure.allPrincipals'))),
    h('dl', { class: 'facts' },
      h('div', {}, h('dt', {}, t('measure.chart')), h('dd', { 'data-testid': 'chart-type', 'data-chart': data.chart }, t(`measure.chartType.${data.chart}`))),
      h('div', {}, h('dt', {}, t('measure.verdict')), h('dd', {}, badge(chartStatus(data, def)))),
      h('div', {}, h('dt', {}, t('measure.principal')), h('dd', { 'data-testid': 'chart-principal', 'data-principal': principal ?? '' }, who)),
      h('div', {}, h('dt', {}, t('measure.pointsLabel')), h('dd', { 'data-testid': 'point-count' }, String(valued.length + hidden.length)))),
    h('figure', { class: 'chart-figure' },
      data.points?.length ? host : h('p', { 'data-testid': 'no-points' }, t('measure.noPoints')),
      h('figcaption', {}, chartLegend({ limits, pdsa: pdsa.length > 0 }))),
    rulesView(data),
    pdsaView(data.pdsa ?? [], principals),
    tableView(data, def));
  if (data.points?.length) {
    fitWidth(host, (width) => signalChart(data, {
      width, height: Math.max(240, Math.min(380, Math.round(width * 0.45))),
      label: `${title} – ${who}`, unit: def.unit === 'percent' ? '%' : def.unit,
    }));
  }
  host.dataset.signals = String(signals.length);
}

function rulesView(data) {
  const r = data.rules ?? {};
  const rule = (key, params) => (params.value === null || params.value === undefined ? null
    : h('li', { 'data-rule': key, class: params.signal ? 'rule-signal' : null }, t(`measure.rule.${key}`, {
      value: params.value, limit: params.limit ?? '–', count: params.count })));
  return h('section', { class: 'rules', 'aria-labelledby': 'rules-title' },
    h('h2', { id: 'rules-title' }, t('measure.rules')),
    h('ul', {},
      rule('longest_run', r.longest_run ?? {}),
      rule('crossings', r.crossings ?? {}),
      data.chart !== 'run' && r.outside_limits ? h('li', { 'data-rule': 'outside_limits', class: r.outside_limits.signal ? 'rule-signal' : null },
        t('measure.rule.outside_limits', { count: r.outside_limits.count })) : null));
}

function pdsaView(list, principals) {
  const name = (slug) => principals.find((p) => p.slug === slug)?.name ?? slug;
  const state = (c) => {
    if (c.status === 'closed' && ['adopt', 'adapt', 'abandon'].includes(c.decision)) return t(`pdsa.${c.decision}`);
    return c.phase ? t('pdsa.open', { phase: t(`pdsa.phase.${c.phase}`) }) : null;
  };
  return h('section', { class: 'pdsa', 'aria-labelledby': 'pdsa-title', 'data-testid': 'pdsa-list' },
    h('h2', { id: 'pdsa-title' }, t('measure.pdsa')),
    list.length
      ? h('ul', {}, list.map((c) => {
        const starts = c.starts_on ?? c.plan?.starts_on ?? c.started_on ?? null;
        return h('li', { 'data-testid': 'pdsa-item' },
          h('strong', {}, t(c.ends_on ? 'measure.pdsaItem' : 'measure.pdsaFrom', { title: c.title ?? `#${c.id}`, from: formatDate(starts), to: formatDate(c.ends_on) })),
          [state(c), c.principals?.length ? c.principals.map(name).join(', ') : null].filter(Boolean).map((x) => h('span', { class: 'meta' }, ` · ${x}`)));
      }))
      : h('p', {}, t('measure.pdsaNone')));
}

function tableView(data, def) {
  const digits = def.unit === 'count' ? 0 : 2;
  const n = (v) => formatNumber(v, digits);
  return h('details', { class: 'values' },
    h('summary', {}, t('measure.table')),
    h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': t('measure.table') },
      h('table', { 'data-testid': 'values-table' },
        h('thead', {}, h('tr', {}, ['period', 'value', 'centre', 'lcl', 'ucl', 'signal'].map((c) => h('th', { scope: 'col' }, t(`measure.col.${c}`))))),
        h('tbody', {}, (data.points ?? []).map((p) => h('tr', { class: p.signal ? 'rule-signal' : null },
          h('th', { scope: 'row' }, p.period),
          h('td', {}, p.suppressed ? t('measure.suppressed') : n(p.value)),
          h('td', {}, n(p.centre)), h('td', {}, n(p.lcl)), h('td', {}, n(p.ucl)),
          h('td', {}, p.signal ? t('measure.yes') : t('measure.no'))))))));
}
