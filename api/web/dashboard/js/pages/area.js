// An area: its driver diagram (goal → sub-goals → activities → measures) with each
// indicator's latest signal for the chosen principal as a coloured marker, and the signals
// grid (principals × indicators).
import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { errorBox } from '../errors.js';
import { t, pick } from '../i18n.js';
import { href, go } from '../router.js';
import { marker, legend, statusOf } from '../status.js';

export async function render(main, { route, current }) {
  const slug = route.params.slug;
  const principal = route.query.principal || null;
  const [areas, principals, signals, measures, diagram] = await Promise.allSettled([
    api.areas(), api.principals(), api.areaSignals(slug), api.measures(slug), api.diagram(slug)]);
  if (!current()) return;
  // The area itself and the principals are needed for anything; the rest fails in its place.
  for (const r of [areas, principals]) if (r.status === 'rejected') throw r.reason;
  const area = areas.value.find((a) => a.slug === slug);
  if (!area) throw Object.assign(new Error(`no area '${slug}'`), { status: 404, code: 'not_found', details: [] });
  const byKey = new Map();
  for (const it of signals.value?.items ?? []) byKey.set(`${it.measure}|${it.principal ?? ''}`, it);
  const defs = new Map((measures.value ?? []).map((m) => [m.slug, m]));
  const ctx = { slug, principal, principals: principals.value, byKey, defs };
  document.title = `${pick(area, 'name')} – ${t('app.title')}`;

  const select = h('select', { id: 'principal', name: 'principal', 'data-testid': 'principal-select',
    onchange: (e) => go('area', { slug }, { principal: e.target.value }) },
  h('option', { value: '' }, t('area.county')),
  principals.value.map((p) => h('option', { value: p.slug, selected: p.slug === principal }, p.name)));

  replace(main,
    h('h1', { tabindex: '-1', 'data-testid': 'area-title' }, pick(area, 'name')),
    h('div', { class: 'controls' }, h('label', { for: 'principal' }, t('area.principal')), select),
    legend(),
    h('section', { class: 'diagram', 'aria-labelledby': 'diagram-title', 'data-testid': 'diagram' },
      h('h2', { id: 'diagram-title' }, t('area.diagram')),
      diagram.status === 'fulfilled' ? diagramView(diagram.value, ctx)
        : diagram.reason?.status === 404 ? h('p', {}, t('area.noDiagram')) : errorBox(diagram.reason)),
    h('section', { class: 'grid-section', 'aria-labelledby': 'grid-title', 'data-testid': 'signals-grid' },
      h('h2', { id: 'grid-title' }, t('area.grid')),
      signals.status === 'fulfilled' ? gridView(signals.value, ctx) : errorBox(signals.reason)));
}

function principalName(ctx, slug) {
  if (!slug) return t('area.county');
  return ctx.principals.find((p) => p.slug === slug)?.name ?? slug;
}

// ---- the driver diagram ----

function diagramView(d, ctx) {
  const goal = d.goal ?? {};
  return h('div', { class: 'diagram-body' },
    h('p', { class: 'diagram-meta' }, [d.title, d.period?.title].filter(Boolean).join(' · ')),
    h('div', { class: 'goal', 'data-testid': 'goal' },
      h('h3', {}, h('span', { class: 'level' }, t('area.goal')), ' ', goal.title),
      (goal.paragraphs ?? []).map((p) => h('p', {}, p))),
    h('ol', { class: 'subgoals', 'aria-label': t('area.subgoals') },
      (goal.sub_goals ?? []).map((sg) => h('li', { class: 'subgoal', 'data-testid': 'subgoal', 'data-key': sg.key },
        h('h3', {}, h('span', { class: 'level' }, t('area.subgoal')), ' ', sg.title),
        sg.parts?.length ? h('ul', { class: 'parts' }, sg.parts.map((p) => h('li', {}, p.title))) : null,
        itemsView(sg.measures, ctx),
        activitiesView(sg.activities, ctx)))),
    (d.unlinked?.activities?.length || d.unlinked?.measures?.length)
      ? h('div', { class: 'subgoal unlinked', 'data-testid': 'unlinked' },
        h('h3', {}, t('area.unlinked')),
        itemsView(d.unlinked.measures, ctx),
        activitiesView(d.unlinked.activities, ctx))
      : null);
}

function activitiesView(list, ctx) {
  if (!list?.length) return null;
  return h('ol', { class: 'activities', 'aria-label': t('area.activities') },
    list.map((a) => {
      const cycles = (a.pdsa ?? []).reduce((n, p) => n + (p.cycles ?? 0), 0);
      return h('li', { class: 'activity', 'data-testid': 'activity', 'data-key': a.key },
        h('p', { class: 'activity-title' }, a.title),
        a.deadline?.text ? h('p', { class: 'meta' }, t('area.deadline', { text: a.deadline.text })) : null,
        cycles ? h('p', { class: 'meta' }, t('area.pdsa', { n: cycles })) : null,
        itemsView(a.measures, ctx));
    }));
}

// Measure items and the measure definitions they link to: indicators get a marker and a link
// to their chart.
function itemsView(items, ctx) {
  if (!items?.length) return null;
  return h('ul', { class: 'items', 'aria-label': t('area.measures') },
    items.map((it) => h('li', { class: 'item', 'data-testid': 'measure-item', 'data-key': it.key },
      // The item's own wording, unless it just repeats its one measure's title.
      it.measures?.length === 1 && it.measures[0].title === it.title ? null : h('p', { class: 'item-title' }, it.title),
      it.measures?.length ? h('ul', { class: 'item-measures' }, it.measures.map((m) => measureLine(m, ctx))) : null)));
}

function measureLine(m, ctx) {
  const title = m.title || pick(ctx.defs.get(m.slug), 'title') || m.slug;
  if (!m.defined) return h('li', { class: 'undefined' }, `${m.slug} (${t('area.notDefined')})`);
  if (m.kind !== 'indicator') return h('li', {}, title, ' ', h('span', { class: 'meta' }, `(${t(`kind.${m.kind}`)})`));
  const item = ctx.byKey.get(`${m.slug}|${ctx.principal ?? ''}`);
  return h('li', { 'data-testid': 'diagram-measure', 'data-measure': m.slug, 'data-status': statusOf(item).key },
    marker(item, { label: principalName(ctx, ctx.principal) }), ' ',
    h('a', { href: href('measure', { slug: m.slug }, { principal: ctx.principal }), 'data-testid': 'measure-link', 'data-measure': m.slug }, title));
}

// ---- the grid ----

// The principals are the columns (short names, set vertically), the indicators the rows.
const shortName = (name) => name.replace(/ kommun$/, '');

function gridView(s, ctx) {
  const rows = [...new Set((s.items ?? []).map((i) => i.measure))];
  if (!rows.length) return h('p', {}, t('area.gridEmpty'));
  const cols = [null, ...ctx.principals.map((p) => p.slug)];
  const rowTitle = (slug) => pick(ctx.defs.get(slug), 'title') || slug;
  return h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'grid-title' },
    h('table', { class: 'grid' },
      h('caption', {}, t('area.gridCaption')),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', class: 'corner' }, t('area.gridIndicator')),
        cols.map((p) => h('th', { scope: 'col', class: p ? 'principal' : 'principal county', title: principalName(ctx, p) },
          h('span', {}, p ? shortName(principalName(ctx, p)) : t('area.countyShort')))))),
      h('tbody', {}, rows.map((m) => h('tr', {},
        h('th', { scope: 'row' }, h('a', { href: href('measure', { slug: m }, { principal: ctx.principal }), title: rowTitle(m) }, rowTitle(m))),
        cols.map((p) => {
          const item = ctx.byKey.get(`${m}|${p ?? ''}`);
          const st = statusOf(item);
          const label = `${principalName(ctx, p)}, ${rowTitle(m)}: ${st.long}`;
          return h('td', { class: st.cls },
            h('a', { href: href('measure', { slug: m }, { principal: p }), class: 'cell', title: label, 'aria-label': label,
              'data-testid': 'signal-cell', 'data-measure': m, 'data-principal': p ?? '', 'data-status': st.key, 'data-verdict': item?.verdict ?? 'none' },
            h('span', { 'aria-hidden': 'true' }, st.glyph)));
        }))))));
}
