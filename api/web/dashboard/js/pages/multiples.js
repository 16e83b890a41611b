// One measure for all 14 principals at once: small multiples on one shared scale, each panel
// a figure named after its principal and verdict, each leading to that principal's chart.
import * as api from '../api.js';
import { signalChart, sharedDomain, chartData } from '../chart.js';
import { h, replace } from '../dom.js';
import { errorBox } from '../errors.js';
import { t, pick } from '../i18n.js';
import { fitWidth } from '../responsive.js';
import { href } from '../router.js';
import { badge, statusOf, chartStatus } from '../status.js';

export async function render(main, { route, current }) {
  const slug = route.params.slug;
  const [def, principals] = await Promise.all([api.measure(slug), api.principals()]);
  const results = await Promise.allSettled(principals.map((p) => api.measureSignals(slug, p.slug)));
  if (!current()) return;
  const title = pick(def, 'title');
  document.title = `${t('multiples.title', { measure: title })} – ${t('app.title')}`;
  const charts = results.map((r) => (r.status === 'fulfilled' ? r.value : null));
  const yDomain = sharedDomain(charts);
  const hosts = [];
  const panels = principals.map((p, i) => {
    const r = results[i];
    const data = charts[i];
    const n = data ? chartData(data).points.length : 0;
    const verdict = n ? chartStatus(data, def) : null;
    const label = t('multiples.panel', { principal: p.name, verdict: statusOf(verdict).short, n });
    let body;
    if (r.status === 'rejected') body = errorBox(r.reason);
    else if (!n) body = h('p', { class: 'empty' }, t('measure.noPoints'));
    else {
      body = h('div', { class: 'panel-chart' });
      hosts.push([body, data, p]);
    }
    return h('figure', { class: 'panel', 'aria-label': label, 'data-testid': 'panel', 'data-principal': p.slug, 'data-points': String(n), 'data-status': statusOf(verdict).key },
      h('figcaption', {},
        h('a', { href: href('measure', { slug }, { principal: p.slug }), 'data-testid': 'panel-link' }, p.name), ' ',
        badge(verdict)),
      body);
  });
  replace(main,
    h('p', { class: 'back' }, h('a', { href: href('measure', { slug }) }, `← ${title}`)),
    h('h1', { tabindex: '-1', 'data-testid': 'multiples-title' }, t('multiples.title', { measure: title })),
    h('p', { class: 'intro' }, t('multiples.intro')),
    h('div', { class: 'multiples', 'data-testid': 'multiples' }, panels));
  for (const [host, data, p] of hosts) {
    fitWidth(host, (width) => signalChart(data, { width, height: 110, compact: true, yDomain, label: `${title} – ${p.name}` }));
  }
}
