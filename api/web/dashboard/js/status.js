// How a verdict looks: a colour class, a glyph (so that colour is never the only cue) and
// words. item: one of GET /api/v1/areas/{slug}/signals' items ({verdict, direction, since}),
// or a chart ({verdict}); undefined when the principal has no values of the measure.
import { h } from './dom.js';
import { t } from './i18n.js';

const GLYPH = { better: '▲', worse: '▼', unknown: '◆', no_signal: '●', insufficient_data: '○', none: '–' };

export function statusOf(item) {
  if (!item || !item.verdict) return { key: 'none', cls: 'st-none', glyph: GLYPH.none, short: t('verdict.none'), long: t('verdict.none') };
  if (item.verdict === 'signal') {
    const dir = ['better', 'worse'].includes(item.direction) ? item.direction : 'unknown';
    const short = `${t('verdict.signal')}, ${t(`direction.${dir}`)}`;
    const long = item.since ? t('signal.long', { direction: t(`direction.${dir}`), since: item.since }) : short;
    return { key: dir, cls: `st-${dir}`, glyph: GLYPH[dir], short, long };
  }
  const key = item.verdict === 'no_signal' ? 'no_signal' : 'insufficient_data';
  return { key, cls: `st-${key}`, glyph: GLYPH[key], short: t(`verdict.${key}`), long: t(`verdict.${key}`) };
}

// A small coloured marker with the glyph; its words are the accessible name (and tooltip).
export function marker(item, { label } = {}) {
  const s = statusOf(item);
  const text = label ? `${label}: ${s.long}` : s.long;
  return h('span', { class: `marker ${s.cls}`, role: 'img', 'aria-label': text, title: text, 'data-testid': 'signal-marker', 'data-status': s.key }, s.glyph);
}

// A badge: glyph and words.
export function badge(item) {
  const s = statusOf(item);
  return h('span', { class: `badge ${s.cls}`, 'data-testid': 'verdict', 'data-status': s.key }, h('span', { 'aria-hidden': 'true' }, s.glyph), ' ', s.short);
}

export function legend() {
  return h('ul', { class: 'legend', 'aria-label': t('legend.title'), 'data-testid': 'legend' },
    ['better', 'worse', 'unknown', 'no_signal', 'insufficient_data', 'none'].map((k) =>
      h('li', {}, h('span', { class: `marker st-${k}`, 'aria-hidden': 'true' }, GLYPH[k]), ' ', t(`legend.${k}`))));
}

// The verdict of a chart (GET /api/v1/measures/{slug}/signals) in the shape of an area
// signal: the direction is read, like the API's area signals, from the side of the centre
// line of the latest signal point and the measure's direction of improvement. null for a
// chart without points.
export function chartStatus(data, def) {
  if (!data?.points?.length) return null;
  if (data.verdict !== 'signal') return { verdict: data.verdict };
  const last = [...data.points].reverse().find((p) => p.signal && typeof p.value === 'number' && typeof p.centre === 'number');
  const side = last ? Math.sign(last.value - last.centre) : 0;
  let direction = 'unknown';
  if (side && def?.direction === 'higher_is_better') direction = side > 0 ? 'better' : 'worse';
  if (side && def?.direction === 'lower_is_better') direction = side > 0 ? 'worse' : 'better';
  return { verdict: 'signal', direction };
}
